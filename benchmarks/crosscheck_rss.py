"""Cross-checking alone on a store analyzed before: every claim extracted, grouped and judged
again (as a first run does), on a Dask LocalCluster of `--workers` processes, and what it cost
the client: its RSS before the stage, its peak RSS over it, its CPU and the stage's wall time.
Run by two checkouts on the same store, it tells what a change to cross-checking does to the
client's memory at a size (issue 21: scale.py's 10,000-article store) without the whole run.

    python benchmarks/crosscheck_rss.py --db STORE [--workers 2]

STORE is a store `newsprism analyze` wrote (a PostgreSQL URL or a SQLite file), for example
scale.py's `scale_dask2_10000` database. Its claims and claim groups are dropped and made again
under a version of this script's (the next `analyze` makes them once more as its own).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# the cluster's worker processes import this checkout too
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p)
sys.path.insert(0, str(ROOT / "benchmarks"))

from stage_rss import peak_mb, rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="an analyzed store: URL or SQLite file")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from newsprism.engine.dask import DaskEngine
    from newsprism.stages import crosscheck
    from newsprism.store import open_store

    # a version of its own: every article is pending, its claims and groups dropped first
    crosscheck.CROSSCHECK_VERSION = f"{crosscheck.CROSSCHECK_VERSION}r{time.time_ns() % 10**6}"
    store = open_store(args.db, existing=True)
    engine = DaskEngine(workers=args.workers)
    try:
        before = rss_mb()
        started, cpu = time.monotonic(), time.process_time()
        summary = crosscheck.run_crosscheck(store, progress=False, engine=engine,
                                            workers=args.workers)  # fmt: skip
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
    finally:
        engine.close()
    print(f"command: python {' '.join(sys.argv)}")
    print(f"{summary.articles} articles, {summary.claims} claims cross-checked in {wall:.1f} s "
          f"({args.workers} Dask workers); client CPU {cpu:.1f} s; client RSS before the stage "
          f"{before:.0f} MB, peak {peak_mb():.0f} MB (+{peak_mb() - before:.0f} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
