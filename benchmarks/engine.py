"""The local engine against the Dask engine: the same real articles analyzed (ingest,
understand, cross-check, stories, timeline, store) by local worker processes and by a Dask
`LocalCluster` of as many one-thread worker processes, in one run, each into a fresh SQLite
store; then whether both stores hold the same records.

    python benchmarks/engine.py [--articles 200] [--workers 2] [--ptc DIR]

The articles are the first N of PTC's train-articles (../shared/data/ptc). A small warm-up
run loads what the client process keeps (the claim encoder) before either is timed. The Dask
figure is given without and with starting the cluster (workers load spaCy on their first
task, inside the timed run, as the local engine's forked workers share the parent's copy).
The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism import analyze, open_corpus  # noqa: E402
from newsprism.api import RECORD_TYPES  # noqa: E402
from newsprism.engine.dask import DaskEngine  # noqa: E402

DEFAULT_PTC = ROOT.parent / "shared" / "data" / "ptc"


def copy_articles(ptc: Path, count: int, directory: Path) -> int:
    files = sorted((ptc / "train-articles").glob("*.txt"))[:count]
    if not files:
        sys.exit(f"no articles under {ptc / 'train-articles'}: give --ptc")
    directory.mkdir(parents=True)
    for path in files:
        shutil.copy(path, directory / path.name)
    return len(files)


def records(db: Path) -> dict[str, list[dict]]:
    with open_corpus(db) as corpus:
        return {
            kind: [
                {k: v for k, v in r.items() if not (kind == "error" and k == "first_seen")}
                for r in corpus.records(kind)
            ]
            for kind in RECORD_TYPES
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        n = copy_articles(args.ptc, args.articles, work / "articles")
        copy_articles(args.ptc, 3, work / "warm-up")
        analyze(work / "warm-up", work / "warm-up.db", workers=1).close()

        started = time.perf_counter()
        analyze(work / "articles", work / "local.db", engine="local", workers=args.workers).close()
        local = time.perf_counter() - started

        started = time.perf_counter()
        engine = DaskEngine(workers=args.workers)
        cluster = time.perf_counter() - started
        try:
            started = time.perf_counter()
            analyze(work / "articles", work / "dask.db", engine=engine).close()
            dask = time.perf_counter() - started
        finally:
            engine.close()
        by_local, by_dask = records(work / "local.db"), records(work / "dask.db")
        differ = [kind for kind in RECORD_TYPES if by_local[kind] != by_dask[kind]]

    print(f"{n} PTC articles, {args.workers} worker processes each")
    print(f"local engine:            {local:7.1f} s  ({n / local:.2f} articles/s)")
    print(f"dask LocalCluster:       {dask:7.1f} s  ({n / dask:.2f} articles/s)"
          f"  + {cluster:.1f} s to start the cluster")
    print(f"dask / local:            {dask / local:7.2f}  "
          f"(with the cluster's start: {(dask + cluster) / local:.2f})")
    print("records identical:       " + ("yes" if not differ else "NO: " + ", ".join(
        f"{kind} ({len(by_local[kind])} local, {len(by_dask[kind])} dask)" for kind in differ
    )))


if __name__ == "__main__":
    main()
