"""Scale: the same real articles analyzed into PostgreSQL by the local engine on one process,
and by Dask with one and with two worker processes, in one run; the speed-ups, and the peak
memory (RSS) of the client and of each worker at two corpus sizes.

    python benchmarks/scale.py --pg postgresql://USER@HOST:PORT/DB [--sizes 300 1000]
        [--runs local,dask1,dask2] [--data PATH ...] [--mixed]

The articles are real news texts (GeoWebNews and LGL `<article>` texts, then PTC's
train-articles: 1,084 in all by default), written as .txt files, the first N of them for a
size N. A size past the real texts needs `--mixed`: the articles past them are each mixed
from the paragraphs of three real ones (`mixed_text`), to measure memory at 10,000 articles
where only 1,084 real ones are at hand. Each (size, run) is its own process, so that its
client's peak RSS is its own (`resource.getrusage`); the Dask workers report theirs at the end
of the run (their peak over the run; a LocalCluster's workers are started for the run). Each
run writes into a new database on the server of `--pg` (`scale_<run>_<size>`, dropped first),
as a cluster would.
`local` is `--engine local --workers 1`; `dask1` and `dask2` are `--engine dask` on a
LocalCluster of one and of two one-thread worker processes (the cluster's start is counted
apart). Issue 21's goals: dask2 at least 1.7 times as fast as dask1, dask1 within 10% of
local, no peak RSS growing more than 10% from the smaller size to the larger, and a store of
at most 50 KB an article (its tables, indexes and TOAST in PostgreSQL). The figures are the last
lines printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stage_rss import after_each_stage, peak_mb  # noqa: E402
from throughput import DEFAULT_DATA, load_texts  # noqa: E402 - the same 1,084 real texts

RUNS = ("local", "dask1", "dask2")


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_database(server: str, name: str) -> str:
    """A new empty database `name` on the server of `server`: the URL to it."""
    from sqlalchemy import create_engine

    admin = create_engine(database_url(server, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return database_url(server, name)


def write_articles(paths: list[Path], size: int, folder: Path, mixed: bool = False) -> int:
    """The first `size` real texts as .txt files; with `mixed`, as many more as `size` asks
    past them, each mixed from three real ones (`mixed_text`)."""
    real = load_texts(paths)
    texts = real[:size]
    if mixed:
        texts += [mixed_text(real, n) for n in range(len(real), size)]
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(texts):
        (folder / f"article{n:05d}.txt").write_text(text, encoding="utf-8")
    return len(texts)


def mixed_text(real: list[str], n: int) -> str:
    """Article `n` past the real ones: the pieces of three real articles (chosen by `n`) taken
    in turn, about a third of each; a piece is a paragraph, or a sentence where an article has
    fewer than six paragraphs (GeoWebNews and LGL texts are one paragraph). Its sentences are
    real news, and most of its claims, names and places are told again by the articles it
    mixes: a corpus heavy with repeats, as a month of syndicated copy is. It is neither a copy
    nor a near-duplicate of any one of them."""
    pick = random.Random(n)
    sources = [_pieces(real[i]) for i in pick.sample(range(len(real)), 3)]
    return "\n\n".join(p for k, part in enumerate(sources) for i, p in enumerate(part)
                        if i % 3 == k)  # fmt: skip


def _pieces(text: str) -> list[str]:
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if len(paragraphs) >= 6:
        return paragraphs
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(paragraphs)) if s]


def ready_gazetteer() -> None:
    """The default gazetteer built, here, before any run: a machine's first run builds it in
    its client (about 30 s, and some 300 MB more at its peak), which would set that one run's peak
    RSS and time, and make a first size's peak look larger than a second's."""
    from newsprism.understand.gazetteer import Gazetteer

    Gazetteer.open_default().close()


def cpu_seconds() -> float:
    """CPU time this process has used (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def store_bytes(url: str) -> int:
    """Bytes on disk of the store's tables in its database, with their indexes and TOAST (not
    the system catalogs every database has)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )).scalar_one())  # fmt: skip
    finally:
        engine.dispose()


def stage_seconds(summary: Any) -> dict[str, float]:
    """Wall seconds of each stage after ingest, and of the rest (ingest, the search index)."""
    stages = {
        name: round(getattr(summary, name).seconds, 1)
        for name in ("understanding", "crosscheck", "stories", "timeline")
        if getattr(summary, name) is not None
    }
    stages["ingest and the rest"] = round(summary.seconds - sum(stages.values()), 1)
    return stages


def one_run(run: str, folder: Path, url: str) -> dict[str, object]:
    """Analyze `folder` into `url` with one engine setting, in this process."""
    from newsprism import analyze
    from newsprism.engine.dask import DaskEngine

    # the client's peak so far as each stage ends: ru_maxrss only rises, so where it grows
    # from one size to the other is the stage whose memory a larger corpus grows
    peaks: dict[str, float] = {}
    after_each_stage(lambda stage: peaks.__setitem__(stage, round(peak_mb())))
    result: dict[str, object] = {"run": run, "client_mb_after": peaks}
    if run == "local":
        started = time.perf_counter()
        with analyze(folder, url, engine="local", workers=1) as corpus:
            result["seconds"] = time.perf_counter() - started
            result["stages"] = stage_seconds(corpus.summary)
            result["stored"] = corpus.summary.total_articles
        # its worker processes, where it forks any: the largest one's peak
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result["workers_mb"] = [children] if children else []
    else:
        started = time.perf_counter()
        engine = DaskEngine(workers=int(run[-1]))
        result["cluster_seconds"] = time.perf_counter() - started
        try:
            started = time.perf_counter()
            with analyze(folder, url, engine=engine) as corpus:
                result["seconds"] = time.perf_counter() - started
                result["stages"] = stage_seconds(corpus.summary)
                result["stored"] = corpus.summary.total_articles
            peaks = engine._client.run(peak_mb)  # the benchmark's own look
            result["workers_mb"] = sorted(peaks.values())
            result["workers_cpu"] = sum(engine._client.run(cpu_seconds).values())
        finally:
            engine.close()
    result["client_mb"] = peak_mb()
    result["client_cpu"] = cpu_seconds()
    result["store_bytes"] = store_bytes(url)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="a PostgreSQL URL on the server to use")
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--runs", default=",".join(RUNS))
    parser.add_argument("--data", type=Path, nargs="+", default=DEFAULT_DATA)
    parser.add_argument("--mixed", action="store_true",
                        help="fill sizes past the real texts with articles mixed from them")
    parser.add_argument("--one", nargs=3, metavar=("RUN", "FOLDER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run, folder, url = args.one
        print(json.dumps(one_run(run, Path(folder), url)))
        return
    runs = [r for r in args.runs.split(",") if r]
    unknown = sorted(set(runs) - set(RUNS))
    if unknown:
        sys.exit(f"--runs: unknown {', '.join(unknown)} (choose among {', '.join(RUNS)})")
    missing = [p for p in args.data if not p.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))} (give XML files or directories)")
    ready_gazetteer()
    results: dict[tuple[int, str], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):
            folder = Path(tmp) / f"articles-{size}"
            n = write_articles(args.data, size, folder, args.mixed)
            if n < size:
                sys.exit(f"--sizes {size}: there are only {n} real texts; add --mixed to fill "
                         "the rest with articles mixed from them")  # fmt: skip
            for run in runs:
                url = fresh_database(args.pg, f"scale_{run}_{size}")
                # the Dask workers unpickle peak_mb from stage_rss, beside this script
                paths = os.pathsep.join(str(ROOT / d) for d in ("src", "benchmarks"))
                env = {**os.environ, "PYTHONPATH": paths}
                done = subprocess.run(
                    [sys.executable, __file__, "--pg", args.pg, "--one", run, str(folder), url],
                    env=env, capture_output=True, text=True,
                )  # fmt: skip
                if done.returncode != 0:
                    sys.exit(f"{run} at {n} articles failed:\n{done.stderr[-3000:]}")
                result = json.loads(done.stdout.strip().splitlines()[-1])
                result["articles"] = n
                results[(size, run)] = result
                print(json.dumps(result), flush=True)
    print(f"command: python {' '.join(sys.argv)}")
    for (_size, run), r in sorted(results.items()):
        start = f" + {r['cluster_seconds']:.1f} s cluster start" if "cluster_seconds" in r else ""
        workers = ", ".join(f"{m:.0f}" for m in r["workers_mb"]) or "-"
        # an article read twice is stored once: exact copies are not articles of their own
        print(f"{r['articles']:>6} articles ({r.get('stored', '?')} stored) {run:<6} "
              f"{r['seconds']:8.1f} s "
              f"({r['articles'] / r['seconds']:.2f} articles/s){start}; peak RSS client "
              f"{r['client_mb']:.0f} MB, workers {workers} MB; store "
              f"{r['store_bytes'] / 1024 / r['articles']:.1f} KB an article")  # fmt: skip
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r.get("stages", {}).items())
        print(f"{'':>6} {run:<6} stages (s): {stages}")
        after = ", ".join(f"{k} {v:.0f}" for k, v in r.get("client_mb_after", {}).items())
        print(f"{'':>6} {run:<6} client's peak RSS as each stage ends (MB): {after}")
        if "workers_cpu" in r:
            # On two cores the client's own CPU is what two workers cannot have: its share
            # bounds dask2's speed-up over dask1 (about 2 x workers / (workers + client)).
            share = r["client_cpu"] / (r["client_cpu"] + r["workers_cpu"])
            print(f"{'':>6} {run:<6} CPU: client {r['client_cpu']:.1f} s, workers "
                  f"{r['workers_cpu']:.1f} s (client share {share:.2f})")  # fmt: skip
    for size in sorted(args.sizes):
        got = {run: results[(size, run)]["seconds"] for run in runs if (size, run) in results}
        if "dask1" in got and "dask2" in got:
            print(f"{size} articles: dask2 speed-up over dask1 {got['dask1'] / got['dask2']:.2f} "
                  f"(goal >= 1.7)")  # fmt: skip
        if "dask1" in got and "local" in got:
            print(f"{size} articles: dask1 / local time {got['dask1'] / got['local']:.2f} "
                  f"(goal <= 1.10)")  # fmt: skip
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for run in runs:
            a, b = results.get((small, run)), results.get((large, run))
            if not a or not b:
                continue
            growth = [b["client_mb"] / a["client_mb"]] + [
                y / x for x, y in zip(a["workers_mb"], b["workers_mb"], strict=False)
            ]
            print(f"{run}: peak RSS {large} / {small} articles: "
                  + ", ".join(f"{g:.2f}" for g in growth) + " (client, then workers; goal <= 1.10)")


if __name__ == "__main__":
    main()
