"""Where a run's process grows: its resident memory (RSS) and peak RSS after each stage of one
`analyze`, with the Dask engine on a local cluster (`--workers N`, default 2) or the local
engine on one process (`--local`). Run it on two sizes of the same articles (the first N of
benchmarks/scale.py's texts, or any folder) to see which stage holds more per article: issue
21 asks that the peak RSS not grow by more than 10% from 1k to 10k articles.

    python benchmarks/stage_rss.py FOLDER DB [--workers 2 | --local]

DB is a new store (SQLite file or PostgreSQL URL). The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import importlib
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LINES: list[str] = []


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# the functions that run each stage, in the order a run calls them: the pipeline imports each
# stage's when it runs it, and calls run_ingest by its own name, so a wrapped one is found
RUN_STAGES = (("newsprism.pipeline", "run_ingest"),
              ("newsprism.stages.understand", "run_understand"),
              ("newsprism.stages.crosscheck", "run_crosscheck"),
              ("newsprism.stages.stories", "run_stories"),
              ("newsprism.stages.timeline", "run_timeline"))  # fmt: skip


def after_each_stage(note: Callable[[str], None]) -> None:
    """Each stage's function wrapped to call `note(stage)` ("ingest", "understand"...) when it
    returns."""
    for module_name, name in RUN_STAGES:
        module = importlib.import_module(module_name)
        stage: Callable[..., Any] = getattr(module, name)

        def noted(*args: Any, _stage: Callable[..., Any] = stage, _name: str = name,
                  **kwargs: Any) -> Any:  # fmt: skip
            result = _stage(*args, **kwargs)
            note(_name.removeprefix("run_"))
            return result

        setattr(module, name, noted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("db")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--local", action="store_true", help="the local engine, one process")
    args = parser.parse_args()
    from newsprism import analyze
    from newsprism.engine.dask import DaskEngine

    after_each_stage(lambda stage: LINES.append(
        f"after run_{stage:<12} RSS {rss_mb():7.1f} MB, peak {peak_mb():7.1f} MB"))
    if args.local:
        LINES.append(f"start                  RSS {rss_mb():7.1f} MB")
        analyze(args.folder, args.db, engine="local", workers=1, progress=False).close()
    else:
        with DaskEngine(workers=args.workers) as engine:
            LINES.append(f"cluster started        RSS {rss_mb():7.1f} MB")
            analyze(args.folder, args.db, engine=engine, progress=False).close()
    print(f"command: python {' '.join(sys.argv)}")
    for line in LINES:
        print(line)


if __name__ == "__main__":
    main()
