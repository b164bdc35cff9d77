"""The understanding stage: stored articles not yet read → per-article understanding in
parallel (understand/) → each batch linked across the corpus in arrival order by the pipeline's
linker (link/) → store, one batch per transaction.

Incremental: only articles this version of the stage has not read are processed.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from newsprism.articles import IngestError, own_published_day, raise_if_machine_failure
from newsprism.engine.local import Engine, LocalEngine, stage_workers, tapered_batches
from newsprism.link.corpus import CorpusLinker
from newsprism.progress import ProgressReporter
from newsprism.store import Store
from newsprism.understand.article import (
    UNDERSTAND_VERSION,
    ArticleInput,
    ArticleUnderstanding,
    understand_batch,
)
from newsprism.understand.components import process_gazetteer
from newsprism.understand.gazetteer import default_path as default_gazetteer_path
from newsprism.understand.nlp import load_nlp, model_name

BATCH_ARTICLES = 16


@dataclass
class UnderstandSummary:
    articles: int = 0
    records: Counter[str] = field(default_factory=Counter)
    inferred_dates: int = 0
    # articles that could not be understood, each an error record naming its source
    failures: list[IngestError] = field(default_factory=list)
    seconds: float = 0.0


def run_understand(
    store: Store,
    linker: CorpusLinker,
    workers: int | None = None,
    progress: bool = True,
    model: str | None = None,
    engine: Engine | None = None,
) -> UnderstandSummary:
    """Understand the stored articles not yet read, on `engine` (default: local worker
    processes), linking each batch here as it arrives."""
    engine = engine or LocalEngine()
    started = time.monotonic()
    summary = UnderstandSummary()
    pending = store.pending_understanding(UNDERSTAND_VERSION)
    if not pending:
        return summary
    worker_count = stage_workers(workers, len(pending) // BATCH_ARTICLES)
    # Loaded here first so forked workers share the model's memory and no worker pays for
    # loading it (Dask: once on each worker); a missing model fails once, before any work,
    # with the install hint.
    engine.prepare(partial(load_nlp, model))
    # Built here on first use, once: workers building it side by side would race on one file.
    if progress and not default_gazetteer_path().exists():
        print("building the default GeoNames gazetteer (once, about 30 s)...", file=sys.stderr)
    process_gazetteer()
    engine.prepare(process_gazetteer)  # Dask: opened once on each worker, in its task thread
    # each article's stored row, from when it is sent to a worker until its result is linked
    stored: dict[str, dict[str, Any]] = {}
    reporter = ProgressReporter(len(pending), "understanding", enabled=progress)
    results = engine.map_ordered(
        partial(understand_batch, model=model),
        _inputs(store, tapered_batches(pending, BATCH_ARTICLES, worker_count), stored),
        worker_count,
    )
    for batch in results:
        linker.expect([r.article_id for r in batch if r.failure is None])
        rows: list[dict[str, Any]] = []
        inferences = []
        errors = []
        texts: dict[str, str] = {}
        for result in batch:
            row = stored.pop(result.article_id)
            text, title, source = row["text"], row.get("title"), row["source"]
            texts[result.article_id] = text
            try:
                if result.failure is None:
                    linked, inference = linker.link(result, text, title)
            except Exception as error:  # the isolation boundary of one article, as in workers
                raise_if_machine_failure(error)
                result.failure = f"{type(error).__name__}: {error}"
            if result.failure is not None:
                errors.append(_failure_record(source, result.failure))
                continue
            if inference:
                inferences.append(inference)
            rows += linked
        entities = linker.entity_rows([r for r in batch if r.failure is None])
        store.save_understanding(
            [r.article_id for r in batch],
            rows,
            entities,
            inferences,
            UNDERSTAND_VERSION,
            model_name(model),
            merges=linker.merged(),
            errors=errors,
            texts=texts,
        )
        summary.failures += errors
        summary.articles += len(batch)
        summary.records.update(r["type"] for r in rows)
        summary.inferred_dates += sum(1 for i in inferences if i.get("best"))
        reporter.advance(len(batch))
    reporter.close()
    summary.seconds = time.monotonic() - started
    return summary


def _failure_record(source: str, failure: str) -> IngestError:
    """An article that could not be understood: an error record naming its source. It stays
    stored, is marked as read by this version (a later run does not fail on it again) and is
    read again by the next version of the stage."""
    return IngestError(source, f"could not be understood, so it has no records: {failure}")


def _inputs(
    store: Store,
    batches: Iterable[Sequence[str]],
    stored: dict[str, dict[str, Any]],
) -> Iterator[list[ArticleInput]]:
    for ids in batches:
        batch = []
        for row in store.understanding_inputs(ids):
            stored[row["id"]] = row
            batch.append(
                ArticleInput(
                    id=row["id"],
                    text=row["text"],
                    published=own_published_day(row),
                    dateline=row["dateline_place"],
                    title=row.get("title"),
                )
            )
        yield batch


__all__ = ["ArticleUnderstanding", "UnderstandSummary", "run_understand"]
