"""Latency of `newsprism serve`: p50/p95 of each page type on a store of N articles.

    python benchmarks/web.py [--articles 100000] [--sample 60] [--requests 40]
                             [--db FILE_OR_URL]
                             [--ptc DIR] [--keep] [--pages actor,place]

A sample of real articles (../shared/data/ptc/train-articles) is analyzed once (cached in
build/bench/web-seed-S-VERSIONS.db). Its rows (articles, span records, claims and claim groups,
stories, events) are then copied, as the claims benchmark does, until the store holds N
articles: each copy gets new ids, one of 400 outlets and publication dates moved by days; actors
and places stay shared, so the most-named actors grow with N (the slow case of an actor page).
The full-text index is built as `analyze` builds it. Each page type is then requested through
the app in-process (Starlette's TestClient: the app's own time, no network), on ids drawn at
random; search draws words from the corpus's titles, with and without filters. The figures are
the last lines printed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import func, insert, select  # noqa: E402

from newsprism import analyze  # noqa: E402
from newsprism.stages.crosscheck import CROSSCHECK_VERSION  # noqa: E402
from newsprism.store import open_store  # noqa: E402
from newsprism.store import schema as s  # noqa: E402
from newsprism.store.store import StoreError  # noqa: E402
from newsprism.store.understanding import article_seqs  # noqa: E402
from newsprism.understand.article import UNDERSTAND_VERSION  # noqa: E402

DEFAULT_PTC = ROOT.parent / "shared" / "data" / "ptc" / "train-articles"
OUTLETS = 400
# (table, columns whose values are ids to rename in each copy; `data` JSON is walked)
COPIED = [
    (s.article, ("id", "duplicate_of")), (s.sighting, ("article_id",)),
    (s.published_inference, ("article_id",)), (s.understood, ("article_id",)),
    (s.span_record, ()), (s.claim, ("id", "group_id")),
    (s.claim_group, ("id",)), (s.crosschecked, ("article_id",)),
    (s.story_member, ("article_id", "story_id")), (s.story, ("id",)),
    (s.timeline_event, ("id", "story_id")), (s.timelined, ("article_id", "story_id")),
    (s.event_entity, ("event_id", "story_id")),
]  # fmt: skip
# span_record and claim name their article by seq, which each copy's articles get anew from the
# server (store.understanding.article_seqs reads them back)
BY_SEQ = (s.span_record, s.claim)


def seed_store(ptc: Path, sample: int) -> Path:
    """The sample analyzed by this version (cached by the versions of its stages; a cache an
    older layout wrote, span or claim rows keyed by article id, is analyzed again: its rows
    would not copy)."""
    versions = f"u{UNDERSTAND_VERSION}-c{CROSSCHECK_VERSION}"
    cached = ROOT / "build" / "bench" / f"web-seed-{sample}-{versions}.db"
    if cached.exists():
        with sqlite3.connect(cached) as db:
            keyed = [{r[1] for r in db.execute(f"PRAGMA table_info({t.name})")} for t in BY_SEQ]
        if all("article_seq" in columns for columns in keyed):
            return cached
        cached.unlink()
    files = sorted(ptc.glob("*.txt"))
    random.Random(11).shuffle(files)
    folder = ROOT / "build" / "bench" / f"web-seed-{sample}"
    folder.mkdir(parents=True, exist_ok=True)
    for f in files[:sample]:
        shutil.copy(f, folder / f.name)
    started = time.perf_counter()
    analyze(folder, db=cached, workers=2).close()
    print(f"analyzed {sample} real articles in {time.perf_counter() - started:.0f} s")
    return cached


def _rename(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_rename(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v, ids) for k, v in value.items()}
    return value


def copy_seed(seed: Path, url: str) -> None:
    """A PostgreSQL store made the seed's: emptied, then given every row of the seed (`seq`
    numbered anew by the server, so that the copies after them follow)."""
    target = open_store(url)
    with target.engine.begin() as conn:
        for table in reversed(s.metadata.sorted_tables):
            if table is not s.meta:
                conn.execute(table.delete())
    source = open_store(seed, existing=True)
    with source.engine.connect() as src, target.engine.begin() as dst:
        id_of: dict[int, str] = {}
        new_seq: dict[str, int] = {}
        for table in sorted(s.metadata.sorted_tables, key=lambda t: t is not s.article):
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            for row in rows:
                if table is s.article:
                    id_of[row.pop("seq")] = row["id"]
                else:
                    row.pop("seq", None)
                    if table in BY_SEQ:
                        row["article_seq"] = new_seq[id_of[row["article_seq"]]]
            if rows:
                dst.execute(target._insert_ignore(table), rows)
            if table is s.article:
                new_seq = article_seqs(dst, list(id_of.values()))
    source.close()
    target.close()


def store_size(db: str) -> str:
    if "://" not in db:
        return f"{Path(db).stat().st_size / 1e6:,.0f} MB, SQLite"
    store = open_store(db, existing=True)
    with store.engine.connect() as conn:
        size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    store.close()
    return f"{(size or 0) / 1e6:,.0f} MB, PostgreSQL"


def article_count(db: str) -> int:
    try:
        store = open_store(db, existing=True)
    except StoreError:  # no store there yet
        return 0
    with store.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(s.article)).scalar() or 0
    store.close()
    return int(n)


def grow(db: Path | str, articles: int) -> None:
    """Copy the seed rows until the store holds `articles` articles."""
    store = open_store(db, existing=True)
    with store.engine.connect() as conn:
        seed = {t.name: [dict(r._mapping) for r in conn.execute(select(t))] for t, _ in COPIED}
    have = len(seed["article"])
    id_of = {a["seq"]: a["id"] for a in seed["article"]}
    known = set()
    for table, columns in COPIED:
        for row in seed[table.name]:
            known.update(str(row[c]) for c in columns if row.get(c))
    for c in seed["claim"]:
        known.add(c["id"])
    copy = 0
    started = time.perf_counter()
    outlet_rows = [{"id": f"outlet-{n:03d}", "name": f"Outlet {n:03d}", "domain": None,
                    "country": None, "notes": None} for n in range(OUTLETS)]  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(store._insert_ignore(s.outlet), outlet_rows)
    base = date(2019, 1, 1)
    while have < articles:
        copy += 1
        ids = {k: f"{k}-{copy}" for k in known}
        take = seed["article"][: articles - have]
        kept = {a["id"] for a in take}
        with store.engine.begin() as conn:
            new_seq: dict[str, int] = {}
            for table, columns in COPIED:
                rows = []
                for row in seed[table.name]:
                    if table in BY_SEQ:
                        if id_of[row["article_seq"]] not in kept:
                            continue
                        row = {**row, "article_seq": new_seq[ids[id_of[row["article_seq"]]]]}
                    if "article_id" in row and row["article_id"] not in kept:
                        continue
                    if table is s.article and row["id"] not in kept:
                        continue
                    new = dict(row)
                    new.pop("seq", None)
                    for c in columns:
                        if new.get(c):
                            new[c] = ids.get(new[c], new[c])
                    if table is s.article:
                        n = len(rows)
                        new["outlet_id"] = f"outlet-{(copy * 37 + n) % OUTLETS:03d}"
                        new["published"] = (base + timedelta((copy * 7 + n) % 900)).isoformat()
                    if new.get("data"):
                        new["data"] = json.dumps(_rename(json.loads(new["data"]), ids))
                    rows.append(new)
                if rows:
                    conn.execute(insert(table), rows)
                if table is s.article:
                    new_seq = article_seqs(conn, [r["id"] for r in rows])
        have += len(take)
        if copy % 50 == 0:
            print(f"  {have:,} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    indexed = time.perf_counter()
    store.update_search_index()
    store.refresh_statistics()  # as analyze does after a run
    print(f"grew to {have:,} articles in {indexed - started:.0f} s; search index "
          f"{time.perf_counter() - indexed:.0f} s")  # fmt: skip
    store.close()


def targets(db: Path | str, rng: random.Random, n: int) -> dict[str, list[str]]:
    store = open_store(db, existing=True)
    with store.engine.connect() as conn:
        def pick(column: Any, where: Any = None) -> list[str]:
            query = select(column).order_by(func.random()).limit(n)
            if where is not None:
                query = query.where(where)
            return [str(v) for v in conn.execute(query).scalars()]

        top_actors = [r[0] for r in conn.execute(
            select(s.span_record.c.entity_id, func.count().label("n"))
            .where(s.span_record.c.type == "mention", s.span_record.c.entity_id.is_not(None))
            .group_by(s.span_record.c.entity_id).order_by(func.count().desc()).limit(n // 4 or 1)
        )]  # fmt: skip
        actors = top_actors + pick(s.entity.c.id, s.entity.c.entity_type != "place")
        places = [p.split(":", 1)[1] for p in pick(
            s.span_record.c.entity_id, s.span_record.c.entity_id.like("geonames:%"))]
        titles = pick(s.article.c.title)
    store.close()
    words = [w for t in titles if t for w in t.split() if w.isalpha() and len(w) > 4]
    words = words or ["president"]
    outlets = [f"outlet-{rng.randrange(OUTLETS):03d}" for _ in range(n)]
    searches = []
    for i in range(n):
        params = {"q": rng.choice(words)}
        if i % 3 == 1:
            params["outlet"] = rng.choice(outlets)
        if i % 3 == 2:
            params.update(since="2019-06-01", until="2020-06-30", order="date")
        searches.append("/search?" + "&".join(f"{k}={v}" for k, v in params.items()))
    return {
        "home": ["/"] * n,
        "stories": [f"/stories?page={rng.randrange(1, 20)}" for _ in range(n)],
        "search": searches,
        "search (filters only)": [f"/search?outlet={o}&page=2" for o in outlets],
        "story": [f"/story/{i}" for i in _ids(db, s.story.c.id, n)],
        "article": [f"/article/{i}" for i in _ids(db, s.article.c.id, n)],
        "actor": [f"/actor/{a}" for a in actors[:n]],
        "claim": [f"/claim/{i}" for i in _ids(db, s.claim_group.c.id, n)],
        "event": [f"/event/{i}" for i in _ids(db, s.timeline_event.c.id, n)],
        "outlet": [f"/outlet/{o}" for o in outlets],
        "place": [f"/place/{p}" for p in places],
    }


def _ids(db: Path | str, column: Any, n: int) -> list[str]:
    store = open_store(db, existing=True)
    with store.engine.connect() as conn:
        found = list(conn.execute(select(column).order_by(func.random()).limit(n)).scalars())
    store.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=60, help="real articles analyzed")
    parser.add_argument("--requests", type=int, default=40, help="per page type")
    parser.add_argument("--db", default=None,
                        help="SQLite file or PostgreSQL URL (default build/bench/web-N.db)")
    parser.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    parser.add_argument("--keep", action="store_true", help="reuse --db if it exists")
    parser.add_argument("--pages", default=None,
                        help="comma-separated page types to time (default: all)")
    args = parser.parse_args()
    db = str(args.db or ROOT / "build" / "bench" / f"web-{args.articles}.db")
    if not (args.keep and article_count(db)):
        if not args.ptc.is_dir():
            sys.exit(f"not found: {args.ptc} (give --ptc DIR of .txt articles)")
        seed = seed_store(args.ptc, args.sample)
        if "://" in db:
            copy_seed(seed, db)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            Path(db).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(seed, db)
        grow(db, args.articles)
    from starlette.testclient import TestClient

    from newsprism.web import create_app

    rng = random.Random(5)
    app = create_app(db)
    lines = []
    with TestClient(app) as client:
        for _ in range(3):  # warm: templates compiled, pages of the store cached by the OS
            client.get("/")
            client.get("/search?q=president")
        wanted = set(args.pages.split(",")) if args.pages else None
        for kind, urls in targets(db, rng, args.requests).items():
            if wanted is not None and kind not in wanted:
                continue
            times, statuses = [], set()
            for url in urls:
                started = time.perf_counter()
                r = client.get(url)
                times.append(1000 * (time.perf_counter() - started))
                statuses.add(r.status_code)
            if not times:
                continue
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            lines.append(f"{kind:<22} n={len(times):>3}  p50 {statistics.median(times):7.1f} ms  "
                         f"p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  status {sorted(statuses)}")
            print(lines[-1], flush=True)
    app.state.store.close()
    print(f"command: python {' '.join(sys.argv)}")
    print(f"store: {db} ({store_size(db)}), {article_count(db):,} articles")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
