"""The store's articles: saving a batch of them (with where each was seen, its outlets and the
input errors) in one transaction, and reading them back, with their outlets, dates and
near-duplicate groups."""

from __future__ import annotations

import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from newsprism.articles import Article, IngestError
from newsprism.store import schema
from newsprism.store.base import StoreBase, chunked
from newsprism.store.schema import (
    article,
    ingest_error,
    meta,
    minhash_band,
    outlet,
    sighting,
    source_file,
)

BANDS_CHUNK = 5_000  # stored signatures read at once when their band keys are made
BANDS_QUIETLY = 20_000  # stored articles whose band keys are made without a word


def _seqs_of(conn: Connection, ids: Iterable[str]) -> dict[str, int]:
    """The seq of each given article that is stored, a query a chunk of ids."""
    found: dict[str, int] = {}
    for chunk in chunked(list(dict.fromkeys(ids))):
        query = select(article.c.id, article.c.seq).where(article.c.id.in_(chunk))
        found.update(conn.execute(query).all())
    return found


def outlet_id(name: str) -> str:
    slug = re.sub(r"[^\w.]+", "-", name.casefold()).strip("-")
    return slug or "unknown"


def _outlet_row(
    name: str, domain: str | None = None, country: str | None = None, notes: str | None = None
) -> dict[str, Any]:
    return {
        "id": outlet_id(name), "name": name, "domain": domain, "country": country, "notes": notes,
    }  # fmt: skip


class ArticleRecords(StoreBase):
    """Articles, their sightings and outlets, input errors and the files read to the end."""

    # -- writing -----------------------------------------------------------------------------

    def save(
        self,
        articles: Iterable[Article],
        sightings: Iterable[dict[str, Any]],
        errors: Iterable[IngestError],
        completed_files: Sequence[tuple[str, int, int]] = (),
        minhash_bands: Sequence[tuple[str, Sequence[int]]] = (),
    ) -> int:
        """Store one batch in one transaction; return how many articles were new.
        `completed_files` (path, size, mtime_ns) are the files this batch finishes;
        `minhash_bands` (article id, its signature's band keys) what finds their near-duplicates
        (index_minhash_bands)."""
        now = datetime.now(UTC)
        articles = list(articles)
        with self.engine.begin() as conn:
            self._save_outlets(conn, articles, sightings)
            new = 0
            if articles:
                existing = self._existing_ids(conn, [a.id for a in articles])
                rows = [self._article_row(a, now) for a in articles if a.id not in existing]
                if rows:
                    conn.execute(self._insert_ignore(article), rows)
                    new = len(rows)
            if minhash_bands:
                self._save_minhash_bands(conn, minhash_bands)
            sighting_rows = [
                {
                    "article_id": s["article_id"],
                    "source": s["source"],
                    "outlet_id": outlet_id(s["outlet"]) if s.get("outlet") else None,
                    "title": s.get("title"),
                    "url": s.get("url"),
                    "published": s.get("published"),
                }
                for s in sightings
            ]
            if sighting_rows:
                conn.execute(self._insert_ignore(sighting), sighting_rows)
            self._save_errors(conn, errors, now)
            if completed_files:
                paths = [path for path, _, _ in completed_files]
                conn.execute(delete(source_file).where(source_file.c.path.in_(paths)))
                conn.execute(
                    insert(source_file),
                    [
                        {"path": p, "size": size, "mtime_ns": mtime, "completed_at": now}
                        for p, size, mtime in dict.fromkeys(completed_files)
                    ],
                )
        return new

    def _save_minhash_bands(self, conn: Connection,
                            bands: Sequence[tuple[str, Sequence[int]]]) -> None:  # fmt: skip
        seq_of = _seqs_of(conn, (article_id for article_id, _ in bands))
        rows = [{"key": key, "article_seq": seq_of[article_id]}
                for article_id, keys in bands for key in dict.fromkeys(keys)]  # fmt: skip
        self._insert_rows(conn, minhash_band, rows, skip_existing=True)

    def index_minhash_bands(self, scheme: str, keys_of: Callable[[bytes], list[int]]) -> int:
        """Make the stored articles' band keys those of `scheme` (`keys_of` a signature's keys)
        when they are not already: a store written before the keys were stored, or by a run
        with another near-duplicate threshold, has them made once, in one transaction; how many
        articles' signatures that read."""
        key = schema.MINHASH_BANDS_KEY
        with self.engine.connect() as conn:
            if conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar() == scheme:
                return 0
        done = 0
        with self.engine.begin() as conn:
            stored = conn.execute(select(func.count()).select_from(article)).scalar() or 0
            if stored > BANDS_QUIETLY:  # about 3 s a 10,000 articles
                print(f"{self.url}: keeping the near-duplicate keys of its {stored:,} articles "
                      "(once)...", file=sys.stderr, flush=True)  # fmt: skip
            conn.execute(delete(minhash_band))
            last = 0
            while True:
                found = conn.execute(
                    select(article.c.seq, article.c.minhash)
                    .where(article.c.seq > last).order_by(article.c.seq).limit(BANDS_CHUNK)
                ).all()  # fmt: skip
                if not found:
                    break
                last = found[-1][0]
                rows = [{"key": k, "article_seq": seq}
                        for seq, sig in found if sig for k in dict.fromkeys(keys_of(bytes(sig)))]
                self._insert_rows(conn, minhash_band, rows, skip_existing=True)
                done += sum(1 for _, sig in found if sig)
            conn.execute(delete(meta).where(meta.c.key == key))
            conn.execute(insert(meta), [{"key": key, "value": scheme}])
        return done

    def minhash_band_sharers(self, keys: Iterable[int]
                             ) -> dict[int, list[tuple[int, str, bytes, str | None]]]:  # fmt: skip
        """The stored articles holding each of the band keys (seq, id, signature, group
        original), in arrival order: a batch's near-duplicate candidates, in a query a chunk
        of keys."""
        found: dict[int, list[tuple[int, str, bytes, str | None]]] = {}
        query = (select(minhash_band.c.key, article.c.seq, article.c.id, article.c.minhash,
                        article.c.duplicate_of)
                 .join_from(minhash_band, article, article.c.seq == minhash_band.c.article_seq)
                 .order_by(article.c.seq))  # fmt: skip
        with self.engine.connect() as conn:
            for some in chunked(list(dict.fromkeys(keys))):
                for key, seq, article_id, sig, dup in conn.execute(
                        query.where(minhash_band.c.key.in_(some))):  # fmt: skip
                    if sig:
                        found.setdefault(key, []).append((seq, article_id, bytes(sig), dup))
        return found

    def _save_outlets(
        self, conn: Connection, articles: list[Article], sightings: Iterable[dict[str, Any]]
    ) -> None:
        """Outlets a batch names, not yet stored, with the country and notes of the outlet
        manifest (update_outlets gives them to outlets stored before)."""
        rows = {
            outlet_id(a.outlet): _outlet_row(a.outlet, a.domain, a.outlet_country, a.outlet_notes)
            for a in articles
            if a.outlet
        }
        for s in sightings:
            if s.get("outlet"):
                rows.setdefault(
                    outlet_id(s["outlet"]),
                    _outlet_row(s["outlet"], None, s.get("outlet_country"), s.get("outlet_notes")),
                )
        if rows:
            conn.execute(self._insert_ignore(outlet), list(rows.values()))

    def update_outlets(self, details: Iterable[tuple[str, str | None, str | None]]) -> None:
        """Give stored outlets the name, country and notes of the outlet manifest: the user's
        word replaces what an earlier run stored, even when no new article is read."""
        with self.engine.begin() as conn:
            for name, country, notes in details:
                conn.execute(
                    outlet.update()
                    .where(outlet.c.id == outlet_id(name))
                    .values(name=name, country=country, notes=notes)
                )

    @staticmethod
    def _existing_ids(conn: Connection, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            found.update(
                conn.execute(select(article.c.id).where(article.c.id.in_(chunk))).scalars()
            )
        return found

    @staticmethod
    def _article_row(a: Article, now: datetime) -> dict[str, Any]:
        return {
            "id": a.id,
            "source": a.source,
            "fmt": a.fmt,
            "outlet_id": outlet_id(a.outlet) if a.outlet else None,
            "outlet_source": a.outlet_source,
            "url": a.url,
            "title": a.title,
            "title_source": a.title_source,
            "published": a.published,
            "published_precision": a.published_precision,
            "published_source": a.published_source,
            "language": a.language,
            "language_score": a.language_score,
            "dateline_place": a.dateline_place,
            "word_count": a.word_count,
            "text": a.text,
            "raw": "",
            "raw_zlib": pack_raw(a.raw, a.text),
            "offsets": json.dumps(a.offsets, separators=(",", ":")),
            "removed": json.dumps([asdict(r) for r in a.removed], ensure_ascii=False),
            "minhash": a.minhash,
            "duplicate_of": a.duplicate_of,
            "duplicate_similarity": a.duplicate_similarity,
            "ingested_at": now,
        }

    # -- reading -----------------------------------------------------------------------------

    def last_article_seq(self) -> int:
        """The seq of the last stored article (0 for none): what a run stores comes after it."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(article.c.seq))).scalar() or 0

    def article_seqs(self, ids: Iterable[str]) -> dict[str, int]:
        """The seq of each given article that is stored."""
        with self.engine.connect() as conn:
            return _seqs_of(conn, ids)

    def count(self, table: str = "article") -> int:
        t = schema.metadata.tables[table]
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t)).scalar_one()

    def articles(self, with_raw: bool = False) -> list[dict[str, Any]]:
        """Articles in arrival order, with outlet name, duplicate group and where each was seen."""
        cols = [
            c for c in article.c
            if c.name not in ("minhash", "raw_zlib") and (with_raw or c.name != "raw")
        ]  # fmt: skip
        if with_raw:
            cols.append(article.c.raw_zlib)
        query = (
            select(
                *cols,
                outlet.c.name.label("outlet"),
                outlet.c.domain.label("outlet_domain"),
                outlet.c.country.label("outlet_country"),
                outlet.c.notes.label("outlet_notes"),
            )
            .select_from(article.outerjoin(outlet, article.c.outlet_id == outlet.c.id))
            .order_by(article.c.seq)
        )
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
            seen: dict[str, list[dict[str, Any]]] = {}
            sq = select(sighting, outlet.c.name.label("outlet")).select_from(
                sighting.outerjoin(outlet, sighting.c.outlet_id == outlet.c.id)
            )
            for s in conn.execute(sq.order_by(sighting.c.source)):
                seen.setdefault(s.article_id, []).append(
                    {"source": s.source, "outlet": s.outlet, "title": s.title, "url": s.url}
                )
        originals = {r["duplicate_of"] for r in rows if r["duplicate_of"]}
        for r in rows:
            if with_raw:
                r["raw"] = raw_text(r.pop("raw_zlib"), r["raw"], r["text"])
            r["offsets"] = json.loads(r["offsets"])
            r["removed"] = json.loads(r["removed"])
            r["duplicate_group"] = r["duplicate_of"] or (r["id"] if r["id"] in originals else None)
            r["seen_in"] = seen.get(r["id"], [])
            r.pop("seq", None)
        return rows

    def errors(self) -> list[dict[str, Any]]:
        query = select(ingest_error).order_by(ingest_error.c.source, ingest_error.c.line)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def outlets(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(outlet).order_by(outlet.c.name))]

    def dated_articles(self, ids: Sequence[str]) -> dict[str, str]:
        """Publication dates (not inferred) of the given articles that have one."""
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for chunk in chunked(list(ids)):
                query = select(article.c.id, article.c.published).where(
                    article.c.id.in_(chunk),
                    article.c.published.is_not(None),
                    (article.c.published_source.is_(None))
                    | (article.c.published_source != "inferred"),
                )
                found.update({r.id: r.published for r in conn.execute(query)})
        return found

    def duplicate_siblings(self, article_id: str) -> list[str]:
        """The other members of the article's near-duplicate group (empty when it has none)."""
        return self.duplicate_siblings_of([article_id])[article_id]

    def duplicate_siblings_of(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """`duplicate_siblings` of each article of `ids`, two queries a chunk of them rather
        than two an article (the understanding stage asks it of every undated article)."""
        found: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for chunk in chunked(list(dict.fromkeys(ids))):
                group_of = {
                    r.id: r.duplicate_of or r.id
                    for r in conn.execute(
                        select(article.c.id, article.c.duplicate_of).where(
                            article.c.id.in_(chunk)
                        )
                    )
                }
                groups = sorted(set(group_of.values()))
                members: dict[str, list[str]] = {g: [] for g in groups}
                query = select(article.c.id, article.c.duplicate_of).where(
                    article.c.duplicate_of.in_(groups) | article.c.id.in_(groups)
                )
                for r in conn.execute(query):  # a group's members: its own row and its copies
                    for group in {r.id, r.duplicate_of} & members.keys():
                        members[group].append(r.id)
                for article_id in chunk:
                    group = group_of.get(article_id, article_id)
                    found[article_id] = [
                        i for i in members.get(group, []) if i != article_id
                    ]
        return found

    def article_meta(self) -> dict[str, dict[str, Any]]:
        """Outlet, date (and whether it was inferred), title and near-duplicate group of every
        article (no text)."""
        query = select(
            article.c.id, article.c.title, article.c.published, article.c.published_source,
            article.c.duplicate_of, article.c.source, outlet.c.name.label("outlet"),
        ).select_from(article.outerjoin(outlet, article.c.outlet_id == outlet.c.id))  # fmt: skip
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        originals = {r["duplicate_of"] for r in rows if r["duplicate_of"]}
        for r in rows:
            r["duplicate_group"] = r["duplicate_of"] or (r["id"] if r["id"] in originals else None)
        return {r["id"]: r for r in rows}

    def completed_files(self) -> dict[str, tuple[int, int]]:
        """Files read to the end by earlier runs: path → (size, mtime_ns)."""
        query = select(source_file.c.path, source_file.c.size, source_file.c.mtime_ns)
        with self.engine.connect() as conn:
            return {row.path: (row.size, row.mtime_ns) for row in conn.execute(query)}


# zlib's window: the last 32 KB of the clean text are what the raw text's copy can point back to
WINDOW = 32 * 1024


def _dictionary(text: str) -> bytes:
    return text.encode("utf-8")[-WINDOW:]


def pack_raw(raw: str, text: str) -> bytes:
    """The text as read, compressed for the store (schema.article.raw_zlib) with the clean text
    as zlib's preset dictionary: most of what was read is the clean text itself, which the
    row already holds (2.4 KB -> 0.1 KB an article on PTC)."""
    packer = zlib.compressobj(6, zdict=_dictionary(text))
    return packer.compress(raw.encode("utf-8")) + packer.flush()


def raw_text(packed: bytes | None, stored: str, text: str) -> str:
    """The text as read: from raw_zlib (packed with or, in a store written before, without
    the clean text as dictionary: zlib's header says which), or from raw in a store written
    before raw_zlib."""
    if packed is None:
        return stored
    unpacker = zlib.decompressobj(zdict=_dictionary(text))
    return (unpacker.decompress(packed) + unpacker.flush()).decode("utf-8")
