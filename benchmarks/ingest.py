"""Ingest throughput: ingest + clean + dedupe + store, against the bare cost of reading and
hashing the same texts, in one run.

    python benchmarks/ingest.py [XML ...] [--workers N] [--repeat K]

XML files are GeoWebNews- or LGL-style (`<article>` elements with `<text>` and an optional
`<title>`); the default is ../shared/data/geoparsing/{GWN,lgl}.xml.
Each article is written out as one .txt file (title line, blank line, text) so the run goes
through the same readers a user's directory does. The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.api import build_options  # noqa: E402
from newsprism.engine.local import default_workers  # noqa: E402
from newsprism.pipeline import run_analyze  # noqa: E402
from newsprism.store import open_store  # noqa: E402

DEFAULT_DATA = [
    ROOT.parent / "shared" / "data" / "geoparsing" / "GWN.xml",
    ROOT.parent / "shared" / "data" / "geoparsing" / "lgl.xml",
]


def load_articles(files: list[Path]) -> list[tuple[str, str]]:
    """(title, text) of every <article> in the files."""
    articles = []
    for path in files:
        for element in ET.parse(path).getroot().iter("article"):
            text = (element.findtext("text") or "").strip()
            if text:
                articles.append(((element.findtext("title") or "").strip(), text))
    return articles


def write_corpus(articles: list[tuple[str, str]], directory: Path) -> list[Path]:
    paths = []
    for i, (title, text) in enumerate(articles):
        path = directory / f"article-{i:05d}.txt"
        path.write_text(f"{title}\n\n{text}\n" if title else f"{text}\n", encoding="utf-8")
        paths.append(path)
    return paths


def baseline(paths: list[Path]) -> float:
    """Seconds to read every file, decode it and hash it: the floor any ingest must pay."""
    started = time.perf_counter()
    for path in paths:
        hashlib.sha256(path.read_bytes().decode("utf-8").encode()).hexdigest()
    return time.perf_counter() - started


def pipeline(directory: Path, db: Path, workers: int, rescan: bool = False) -> tuple[float, int]:
    started = time.perf_counter()
    store = open_store(db)
    options = build_options()
    summary = run_analyze([directory], store, options, workers, progress=False, rescan=rescan)
    store.close()
    return time.perf_counter() - started, summary.new_articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="*", type=Path, help="GWN/LGL-style XML files")
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, median reported")
    args = parser.parse_args()
    files = args.data or DEFAULT_DATA
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        sys.exit(f"data file(s) not found: {', '.join(missing)} (pass XML files as arguments)")
    articles = load_articles(files)
    workers = args.workers or default_workers()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "corpus"
        directory.mkdir()
        paths = write_corpus(articles, directory)
        # One small warm-up run loads the models (language identifier, trafilatura) so every
        # timed run below measures the steady state, whichever comes first.
        warm = Path(tmp) / "warm"
        warm.mkdir()
        write_corpus(articles[:20], warm)
        pipeline(warm, Path(tmp) / "warm.db", 1)
        base_times, run_times, rerun_times, rescan_times, one_worker_times = [], [], [], [], []
        stored = 0
        for k in range(args.repeat):
            base_times.append(baseline(paths))
            db = Path(tmp) / f"bench-{k}.db"
            seconds, stored = pipeline(directory, db, workers)
            run_times.append(seconds)
            rerun_times.append(pipeline(directory, db, workers)[0])
            rescan_times.append(pipeline(directory, db, workers, rescan=True)[0])
            one_worker_times.append(pipeline(directory, Path(tmp) / f"one-{k}.db", 1)[0])
            print(
                f"run {k + 1}: baseline {base_times[-1]:.3f}s, ingest {seconds:.2f}s "
                f"({workers} workers), re-run {rerun_times[-1]:.2f}s, "
                f"rescan {rescan_times[-1]:.2f}s, "
                f"1 worker {one_worker_times[-1]:.2f}s",
                flush=True,
            )
    n = len(articles)
    base, run, rerun, rescan, one = (
        statistics.median(t)
        for t in (base_times, run_times, rerun_times, rescan_times, one_worker_times)
    )
    print(f"data: {', '.join(str(f) for f in files)}")
    print(f"articles: {n} read, {stored} stored (exact duplicates stored once)")
    print(f"baseline read+decode+hash: {n / base:,.0f} articles/s")
    print(f"ingest+clean+dedupe+store ({workers} workers): {n / run:,.1f} articles/s")
    print(f"ingest+clean+dedupe+store (1 worker): {n / one:,.1f} articles/s")
    print(f"re-run, unchanged files skipped (adds nothing): {n / rerun:,.1f} articles/s")
    print(
        f"re-run with --rescan, every file read again (adds nothing): {n / rescan:,.1f} articles/s"
    )
    print(f"ratio ingest/baseline throughput: {base / run:.4f} ({run / base:,.0f}x the bare cost)")


if __name__ == "__main__":
    main()
