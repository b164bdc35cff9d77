"""The analyze run, stage by stage, each in `stages/`:

    ingest      sources → read, clean, near-duplicates → articles        (ingest/, per file)
    understand  articles → actors, places, times, quantities, quotes,    (understand/, per
                labels, techniques; each batch linked across the corpus    article, in
                as it arrives: entities, publication dates                 workers; link/)
    crosscheck  understood articles → claims → claim groups → verdicts    (crosscheck/; claims
                                                                           and their meanings
                                                                           read in workers)
    stories     cross-checked articles → stories (shared actors, places,  (stories/; leads
                claim groups, days; alike leads), merged as they meet      encoded in workers)
    timeline    changed stories → yearless dates settled by the corpus,   (timeline/)
                events (claims that tell one happening), dated and ordered

Every stage reads what the one before it stored and stores what it made, so each is
incremental and a run that is killed is completed by running it again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.engine.local import Engine, open_engine
from newsprism.ingest.dedupe import DEFAULT_THRESHOLD
from newsprism.ingest.process import IngestOptions
from newsprism.stages.ingest import IngestSummary, run_ingest
from newsprism.store import Store

if TYPE_CHECKING:
    from newsprism.stages.crosscheck import CrosscheckSummary
    from newsprism.stages.stories import StoriesSummary
    from newsprism.stages.timeline import TimelineSummary
    from newsprism.stages.understand import UnderstandSummary


@dataclass
class RunSummary(IngestSummary):
    store_url: str = ""
    seconds: float = 0.0
    total_articles: int = 0
    total_errors: int = 0
    understanding: UnderstandSummary | None = None
    crosscheck: CrosscheckSummary | None = None
    stories: StoriesSummary | None = None
    timeline: TimelineSummary | None = None


def run_analyze(
    paths: Sequence[str | Path],
    store: Store,
    options: IngestOptions | None = None,
    workers: int | None = None,
    near_duplicate_threshold: float = DEFAULT_THRESHOLD,
    progress: bool = True,
    rescan: bool = False,
    understand: bool = True,
    model: str | None = None,
    engine: str | Engine = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Analyze `paths` into `store`: ingest them, then, unless `understand` is off, understand
    every stored article not yet understood (spaCy model `model`), cross-check their claims
    against the corpus and place them in stories.

    The per-article work runs on `engine`: "local" (worker processes here), "dask" (the Dask
    cluster at `scheduler`, tcp://HOST:8786, or without one a cluster of `workers` processes
    started for this run), or an opened Engine, which the caller closes. The records are the
    same whichever ran them."""
    if isinstance(engine, str):
        with _opened(open_engine(engine, scheduler, workers)) as opened:
            return run_analyze(
                paths, store, options, workers, near_duplicate_threshold, progress, rescan,
                understand, model, engine=opened,
            )  # fmt: skip
    with store.writer_lock(waiting=partial(_say_waiting, store.url)):
        started = time.monotonic()
        summary = RunSummary(store_url=store.url)
        run_ingest(
            paths, store, summary, options or IngestOptions(), workers,
            near_duplicate_threshold, progress, rescan, engine,
        )  # fmt: skip
        if understand:
            _run_stages_after_ingest(store, summary, workers, progress, model, engine)
        store.update_search_index()  # full-text search of `newsprism serve`: the new articles
        store.refresh_statistics()  # what the query planner knows of the new rows
        summary.total_articles = store.count("article")
        summary.total_errors = store.count("ingest_error")
        summary.seconds = time.monotonic() - started
    return summary


@contextmanager
def _opened(engine: Engine) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        engine.close()


def _say_waiting(url: str) -> None:
    print(f"another analyze is writing to {url}; waiting for it to finish...", file=sys.stderr)


def _run_stages_after_ingest(
    store: Store,
    summary: RunSummary,
    workers: int | None,
    progress: bool,
    model: str | None,
    engine: Engine,
) -> None:
    # Imported here: an ingest-only run never loads spaCy or the claim model.
    from newsprism.link.corpus import CorpusLinker
    from newsprism.stages.crosscheck import run_crosscheck
    from newsprism.stages.stories import run_stories
    from newsprism.stages.timeline import run_timeline
    from newsprism.stages.understand import run_understand

    linker = CorpusLinker(store)
    summary.understanding = run_understand(store, linker, workers, progress, model, engine)
    summary.errors.extend(summary.understanding.failures)
    summary.crosscheck = run_crosscheck(store, progress, engine=engine, workers=workers)
    summary.stories = run_stories(store, progress, engine=engine, workers=workers)
    summary.timeline = run_timeline(store, progress)
