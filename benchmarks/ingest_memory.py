"""What ingest holds as the corpus grows: the same articles as benchmarks/scale.py (real texts,
then articles mixed from them) ingested alone (`analyze` without understanding) into a new
SQLite store at each size, each size in a process of its own: the process's peak RSS and CPU.
Issue 21 asks that a run's peak RSS not grow past 10% from 1,000 to 10,000 articles; ingest is
the first stage, and matching each new article against the near-duplicates already stored is
what it could hold per article.

    python benchmarks/ingest_memory.py [--sizes 1000 10000] [--workers 2]

The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import write_articles  # noqa: E402
from stage_rss import peak_mb, rss_mb  # noqa: E402
from throughput import DEFAULT_DATA  # noqa: E402 - the same 1,084 real texts


def one_size(folder: Path, db: Path, workers: int) -> dict[str, float]:
    from newsprism.pipeline import run_analyze
    from newsprism.store import open_store

    store = open_store(db)
    before = rss_mb()
    started, cpu = time.monotonic(), time.process_time()
    summary = run_analyze([folder], store, None, workers, progress=False, understand=False)
    return {"articles": summary.total_articles, "near_duplicates": summary.near_duplicates,
            "seconds": time.monotonic() - started, "cpu": time.process_time() - cpu,
            "before": before, "peak": peak_mb()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", nargs=2, metavar=("FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(Path(args.one[0]), Path(args.one[1]), args.workers)))
        return
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(args.sizes):
            folder = Path(tmp) / f"articles-{size}"
            write_articles(DEFAULT_DATA, size, folder, mixed=True)
            out = subprocess.run(
                [sys.executable, __file__, "--workers", str(args.workers),
                 "--one", str(folder), str(Path(tmp) / f"store-{size}.db")],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            found[size] = json.loads(out.strip().splitlines()[-1])
    print(f"command: python {' '.join(sys.argv)}")
    for size, r in found.items():
        print(f"{size:,} articles: {r['articles']:,} stored, {r['near_duplicates']:,} "
              f"near-duplicates, {r['seconds']:.1f} s, client CPU {r['cpu']:.1f} s, "
              f"RSS before {r['before']:.0f} MB, peak {r['peak']:.0f} MB")  # fmt: skip
    small, large = min(found), max(found)
    print(f"peak RSS {small:,} -> {large:,} articles: "
          f"{found[large]['peak'] / found[small]['peak']:.2f}")


if __name__ == "__main__":
    main()
