"""The ingest stage: sources → readers and cleaning (batches in parallel) → near-duplicates
→ store, one batch per transaction. Files an earlier run read to the end are skipped while
their size and modification time are unchanged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from newsprism.articles import IngestError
from newsprism.engine.local import Engine, LocalEngine, default_workers
from newsprism.ingest.dedupe import NearDuplicateIndex, best_match
from newsprism.ingest.language import detect_language
from newsprism.ingest.process import BatchResult, IngestOptions, process_batch, read_sources
from newsprism.ingest.sources import walk
from newsprism.progress import ProgressReporter
from newsprism.store import Store

# Below this much input, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


@dataclass
class IngestSummary:
    files: int = 0
    documents: int = 0
    new_articles: int = 0
    already_stored: int = 0  # exact copies of articles stored by an earlier run
    exact_duplicates: int = 0  # exact copies of articles read earlier in this run
    near_duplicates: int = 0  # new articles that joined a near-duplicate group
    unchanged_files: int = 0  # read to the end by an earlier run and not changed since
    # reports, exports and stores newsprism wrote, found among the inputs and not read
    own_outputs: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)

    @property
    def nothing_readable(self) -> bool:
        return self.documents == 0 and self.unchanged_files == 0


def run_ingest(
    paths: Sequence[str | Path],
    store: Store,
    summary: IngestSummary,
    options: IngestOptions,
    workers: int | None,
    near_duplicate_threshold: float,
    progress: bool,
    rescan: bool,
    engine: Engine | None = None,
) -> None:
    """Read `paths` into `store`, counting what happened in `summary`; the documents are
    cleaned by `engine` (default: local worker processes)."""
    engine = engine or LocalEngine()
    found = walk(list(paths))
    files, walk_errors = found.files, found.errors
    summary.files = len(files)
    summary.own_outputs = found.own_outputs
    summary.errors.extend(walk_errors)
    store.save([], [], walk_errors)
    if options.outlets is not None:
        store.update_outlets(options.outlets.outlets())

    index = _StoredIndex(store, near_duplicate_threshold)
    # what this run stores comes after it: an article stored with a lower seq was stored before
    # (no run holds every stored id: a batch's are looked up)
    stored_before = store.last_article_seq()

    reporter = ProgressReporter(len(files), "analyzing", enabled=progress)
    items = [(p, str(p)) for p in files]
    input_bytes = sum(_size(p) for p in files)
    worker_count = workers or default_workers()
    if input_bytes < PARALLEL_MIN_BYTES:
        worker_count = 1
    if worker_count > 1:
        # Load the language model once here: forked workers share it instead of each
        # decompressing its own copy (Dask: once on each worker).
        engine.prepare(partial(detect_language, "warm up the language model before the fork"))
    results = engine.map_ordered(
        partial(process_batch, options=options),
        read_sources(items, options, done={} if rescan else store.completed_files()),
        worker_count,
    )
    for result in results:
        summary.new_articles += _store_batch(result, store, index, stored_before, summary)
        if result.files_done:
            reporter.advance(result.files_done)
    reporter.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _store_batch(
    result: BatchResult,
    store: Store,
    index: _StoredIndex,
    stored_before: int,
    summary: IngestSummary,
) -> int:
    """Match one batch against the near-duplicate index and store it in one transaction.
    `stored_before`: the last article seq stored before this run."""
    summary.documents += result.documents
    summary.unchanged_files += result.skipped
    summary.errors.extend(result.errors)
    new_articles = []
    sightings = []
    stored = store.article_seqs(a.id for a in result.articles)
    seen_this_run = {a for a, seq in stored.items() if seq > stored_before}
    index.expect([a.minhash for a in result.articles if a.minhash and a.id not in stored])
    for article in result.articles:
        sightings.append(
            {
                "article_id": article.id,
                "source": article.source,
                "outlet": article.outlet,
                "outlet_country": article.outlet_country,
                "outlet_notes": article.outlet_notes,
                "title": article.title,
                "url": article.url,
                "published": article.published,
            }
        )
        if article.id in stored and article.id not in seen_this_run:
            summary.already_stored += 1
            continue
        if article.id in seen_this_run:
            summary.exact_duplicates += 1
            continue
        seen_this_run.add(article.id)
        if article.minhash and (match := index.place(article.id, article.minhash)):
            article.duplicate_of, article.duplicate_similarity = match
            summary.near_duplicates += 1
        new_articles.append(article)
        summary.languages[article.language or "und"] += 1
        summary.outlets[article.outlet or "(unknown)"] += 1
    new = store.save(new_articles, sightings, result.errors, result.completed,
                     minhash_bands=index.unsaved_bands())  # fmt: skip
    index.saved()
    return new


class _StoredIndex:
    """The near-duplicate index: the stored articles' signatures looked up in the store by
    their band keys (stored with them), and the batch being stored, held until it is. Nothing
    is held of the stored articles: the index grew by about 8 KB an article (75 MB more at
    10,000 than at 1,000, benchmarks/ingest_memory.py). The stored keys are made first when
    their scheme is not this threshold's (a store written before they were kept): on first
    use, so a re-run whose files are all unchanged never pays for it."""

    def __init__(self, store: Store, threshold: float) -> None:
        self._store = store
        self._batch = NearDuplicateIndex(threshold)
        self._bands = self._batch.bands
        self._unsaved: list[tuple[str, list[int]]] = []
        # the batch's signatures' band keys, and the stored articles holding each key (seq,
        # id, signature, group original)
        self._keys: dict[bytes, list[int]] = {}
        self._stored: dict[int, list[tuple[int, str, bytes, str | None]]] = {}
        self._ready = False

    def expect(self, sigs: list[bytes]) -> None:
        """Say which signatures a batch brings: their stored candidates are read at once."""
        if not sigs:
            return
        if not self._ready:
            self._store.index_minhash_bands(self._bands.scheme, self._bands.keys)
            self._ready = True
        self._keys = {sig: self._bands.keys(sig) for sig in sigs}
        self._stored = self._store.minhash_band_sharers(
            key for keys in self._keys.values() for key in keys)

    def place(self, article_id: str, sig: bytes) -> tuple[str, float] | None:
        """The new article's near-duplicate group (its original and the similarity), or None;
        it is then among the candidates of the articles after it."""
        keys = self._keys.get(sig) or self._bands.keys(sig)
        stored = sorted({c for key in keys for c in self._stored.get(key, ())})
        candidates = [c[1:] for c in stored] + self._batch.candidates(keys)
        match = best_match(sig, candidates, self._batch.threshold)
        self._batch.add(article_id, sig, match[0] if match else None, keys)
        self._unsaved.append((article_id, keys))
        return match

    def unsaved_bands(self) -> list[tuple[str, list[int]]]:
        """The band keys of the batch's new articles, for the store to keep with them."""
        return self._unsaved

    def saved(self) -> None:
        """The batch is stored: the store finds its articles from now on."""
        self._batch.clear()
        self._unsaved = []
        self._keys, self._stored = {}, {}
