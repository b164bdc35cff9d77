"""What the timeline stage holds in memory, step by step, on a store analyzed before: every
story's timeline built again (as a first run builds them), Python's allocations traced
(tracemalloc) after each step of stages/timeline.py. The stage holds of the whole corpus only an
outline (each article's label and dates, the index of dated accounts); claims, time references,
actions, mentions and places are read a chunk of articles at a time, so that its peak is the
chunk's and what it holds grows by little per article (issue 21's peak RSS goal). The store's
timeline is written again, marked so that the next `analyze` builds it once more as its own
version.

    python benchmarks/timeline_memory.py --db STORE [--one-story]

--one-story builds the timeline as if every article of the store were one story (the stories
as stored are left as they are): the peak of a story of thousands of articles, as a mixed
corpus of 10,000 makes them, on a store of a few thousand.

STORE is a store `newsprism analyze` wrote (SQLite file or PostgreSQL URL), for example one of
benchmarks/scale.py's databases. The figures are the last lines printed.
"""
from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.stages import timeline  # noqa: E402
from newsprism.store import open_store  # noqa: E402

LINES: list[str] = []


def mark(label: str) -> None:
    now, peak = tracemalloc.get_traced_memory()
    LINES.append(f"{label:<40} holds {now / 1e6:6.1f} MB (peak since the step before "
                 f"{peak / 1e6:6.1f} MB)")  # fmt: skip
    tracemalloc.reset_peak()


def after(label: str, fn: Callable[..., Any], before: str | None = None) -> Callable[..., Any]:
    def traced(*args: Any, **kwargs: Any) -> Any:
        if before:
            mark(before)
        result = fn(*args, **kwargs)
        mark(label)
        return result

    return traced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a store with analyzed articles")
    parser.add_argument("--one-story", action="store_true",
                        help="every article in one story, as the timeline sees them")
    args = parser.parse_args()
    store = open_store(args.db)
    if args.one_story:
        stories = store.story_articles()
        one = {"s-all": [a for members in stories.values() for a in members]}
        store.story_articles = lambda: one  # type: ignore[method-assign]
    articles = store.count("article")
    # every story built again: a version no run stored (the column holds 16 characters); once
    # untraced for the stage's CPU time, then traced
    stored = timeline.STORED_VERSION
    timeline.STORED_VERSION = f"{stored}-t{time.time_ns() % 100_000:05d}"
    started = time.process_time()
    timeline.run_timeline(store, progress=False)
    cpu = time.process_time() - started
    # the stage's own steps, each followed by a look at what is held
    timeline._read_corpus = after("the corpus read (its outline)", timeline._read_corpus)
    timeline._settle_dates = after("yearless dates settled", timeline._settle_dates)
    timeline._contests = after("contests", timeline._contests)
    store.save_timeline = after("stored", store.save_timeline, before="events built")
    timeline.STORED_VERSION = f"{stored}-p{time.time_ns() % 100_000:05d}"
    tracemalloc.start()
    summary = timeline.run_timeline(store, progress=False)
    mark("the stage done")
    print(f"command: python {' '.join(sys.argv)}")
    print(f"{articles:,} articles, {summary.stories:,} stories, {summary.events:,} events; "
          f"the stage's CPU, untraced: {cpu:.2f} s")
    for line in LINES:
        print(line)


if __name__ == "__main__":
    main()
