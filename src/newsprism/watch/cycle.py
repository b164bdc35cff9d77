"""One poll cycle of a watch: every due source polled, everything new analyzed at once.

  feeds    conditional GET (304: nothing to do); a new body is checked with ingest's own
           readers, kept beside the state as a feed file and analyzed as one
  paths    folders and files: only those new or changed since the last poll are analyzed
  analyze  everything new of the cycle in one `run_analyze`, so spaCy and the corpus-wide
           stages run once; articles already stored are skipped by their content hash
  state    a source's ETag, body hash and seen files are recorded only once what they stand
           for is stored, so a watch killed mid-cycle fetches those sources again, never less

A source that fails (unreachable, HTTP error, not a feed) becomes an error record in the store
and waits one interval, doubled at each failure in a row up to an hour; the others go on.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from newsprism.articles import Document, IngestError
from newsprism.engine.local import Engine, EngineError
from newsprism.ingest.process import IngestOptions
from newsprism.ingest.readers import read_blob
from newsprism.ingest.sources import Blob
from newsprism.pipeline import RunSummary, run_analyze
from newsprism.store import Store
from newsprism.watch.fetch import TIMEOUT_SECONDS, Fetched, FetchError, fetch
from newsprism.watch.folders import scan
from newsprism.watch.schedule import backoff_delay, format_seconds
from newsprism.watch.sources import Source, SourceState, WatchState, bodies_folder, format_time
from newsprism.watch.stop import StopRequest, WatchStopped

MAX_PARALLEL_FETCHES = 8
# What ingest's feed reader says of a well-formed feed without entries: nothing to analyze yet,
# which is no failure to back off from (tests/test_watch.py checks the wording still matches).
NO_ENTRIES = "feed has no entries"

Fetcher = Callable[..., Fetched]


@dataclass
class SourceOutcome:
    source: str
    status: str  # fetched, not-modified, unchanged, empty, failed, waiting, changed, no-change
    detail: str = ""


@dataclass
class CycleReport:
    number: int
    started: float
    outcomes: list[SourceOutcome] = field(default_factory=list)
    analyzed: list[str] = field(default_factory=list)  # paths given to the pipeline
    summary: RunSummary | None = None
    stopped: bool = False  # a stop came mid-analysis: these sources are polled again next time
    analysis_error: str | None = None

    @property
    def new_articles(self) -> int:
        return self.summary.new_articles if self.summary else 0

    def outcome(self, source: str) -> SourceOutcome:
        return next(o for o in self.outcomes if o.source == source)


@dataclass
class _Pending:
    """What a source brought to this cycle's analysis, and what to remember once it is in."""

    paths: list[Path]
    commit: Callable[[], None]


class Watcher:
    """Polls `sources` into `store`, remembering what it saw in `state`."""

    def __init__(
        self,
        sources: Sequence[Source],
        store: Store,
        state: WatchState,
        every: float,
        engine: Engine,
        options: IngestOptions,
        workers: int | None = None,
        understand: bool = True,
        model: str | None = None,
        progress: bool = True,
        log: TextIO | None = None,
        fetcher: Fetcher = fetch,
        timeout: float = TIMEOUT_SECONDS,
        stop: StopRequest | None = None,
        exclude: Sequence[Path] = (),
    ) -> None:
        self.sources = list(sources)
        self.store = store
        self.state = state
        self.every = every
        self.engine = engine
        self.options = options
        self.workers = workers
        self.understand = understand
        self.model = model
        self.progress = progress
        self.log = log
        self.fetcher = fetcher
        self.timeout = timeout
        self.stop = stop or StopRequest()
        self.bodies = bodies_folder(state.path)
        self.exclude = [state.path, Path(f"{state.path}.lock"), self.bodies, *exclude]
        # The first cycle runs the stages even with nothing new: articles an earlier watch was
        # stopped in the middle of (or stored with --no-understand) are completed. When there
        # are none, that costs a few queries.
        self._caught_up = not understand

    def poll(self, now: float, number: int = 1) -> CycleReport:
        report = CycleReport(number, now)
        pending: list[_Pending] = []
        due = []
        for source in self.sources:
            st = self.state.of(source)
            if st.due(now):
                due.append(source)
            else:
                self._outcome(report, source, "waiting", f"after {st.failures} failure(s) in a "
                              f"row; next try at {st.next_retry}")  # fmt: skip
        feeds = [s for s in due if s.is_feed]
        for source, result in zip(feeds, self._fetch_all(feeds), strict=True):
            self._take_feed(source, result, now, report, pending)
        for source in due:
            if not source.is_feed:
                self._take_path(source, now, report, pending)
        self.state.save()  # 304s and failures are settled whatever the analysis does
        if pending or not self._caught_up:
            self._analyze(pending, report)
        self._say_total(report)
        return report

    # -- feeds ----------------------------------------------------------------------------

    def _fetch_all(self, feeds: list[Source]) -> list[Fetched | FetchError]:
        if not feeds:
            return []
        with ThreadPoolExecutor(min(MAX_PARALLEL_FETCHES, len(feeds))) as pool:
            return list(pool.map(self._fetch_one, feeds))

    def _fetch_one(self, source: Source) -> Fetched | FetchError:
        st = self.state.of(source)
        try:
            return self.fetcher(source.given, st.etag, st.last_modified, timeout=self.timeout)
        except FetchError as exc:
            return exc
        except Exception as exc:  # one odd URL or server must not end the watch
            return FetchError(f"the fetch failed: {exc!r}")

    def _take_feed(
        self,
        source: Source,
        result: Fetched | FetchError,
        now: float,
        report: CycleReport,
        pending: list[_Pending],
    ) -> None:
        st = self.state.of(source)
        if isinstance(result, FetchError):
            self._fail(source, f"cannot fetch the feed: {result}", now, report)
            return
        if result.status == 304 or result.body is None:
            _remember_validators(st, result)
            self._settled(report, source, now, "not-modified", "304 not modified")
            return
        digest = hashlib.sha256(result.body).hexdigest()
        if digest == st.body_sha256:
            _remember_validators(st, result)
            self._settled(report, source, now, "unchanged", "the same body as last time")
            return
        path = self._body_path(source)
        entries, problem = _check_feed(str(path), result.body, self.options)
        if problem == NO_ENTRIES:
            _remember_validators(st, result, digest)
            self._settled(report, source, now, "empty", "a feed without entries")
            return
        if problem:
            self._fail(source, f"not a readable RSS/Atom feed: {problem}", now, report)
            return
        _write_body(path, result.body)
        detail = f"fetched {len(result.body):,} bytes, {_count(entries, 'entry', 'entries')}"
        outcome = self._outcome(report, source, "fetched", detail)
        remember = partial(_remember_validators, st, result, digest)
        pending.append(_Pending([path], self._committer(source, now, outcome, remember)))

    def _body_path(self, source: Source) -> Path:
        """One file per feed, named after its host (readable, and an outlet hint when the feed
        names none) and a hash of its URL (unique)."""
        host = re.sub(r"[^a-z0-9.-]+", "_", (urlsplit(source.key).hostname or "feed").lower())
        digest = hashlib.sha256(source.key.encode()).hexdigest()[:10]
        return self.bodies / f"{host}-{digest}.rss"

    # -- folders and files ----------------------------------------------------------------

    def _take_path(
        self, source: Source, now: float, report: CycleReport, pending: list[_Pending]
    ) -> None:
        st = self.state.of(source)
        try:
            found = scan(Path(source.given), st.files, self.exclude)
        except OSError as exc:
            self._fail(source, f"cannot list {source.given}: {exc.strerror or exc}", now, report)
            return
        if not found.changed:
            st.files = found.current  # forget removed files: one put back is new again
            self._settled(report, source, now, "no-change",
                          f"{_count(len(found.current), 'file')}, none new or changed")  # fmt: skip
            return
        detail = f"{_count(len(found.changed), 'new or changed file')}"
        outcome = self._outcome(report, source, "changed", detail)
        remember = partial(setattr, st, "files", found.current)
        pending.append(_Pending(found.changed, self._committer(source, now, outcome, remember)))

    # -- analysis -------------------------------------------------------------------------

    def _analyze(self, pending: list[_Pending], report: CycleReport) -> None:
        paths = [p for item in pending for p in item.paths]
        report.analyzed = [str(p) for p in paths]
        if self.stop.requested:
            report.stopped = True  # asked before anything was read: nothing to finish
            return
        try:
            report.summary = run_analyze(
                paths, self.store, self.options, self.workers, progress=self.progress,
                understand=self.understand, model=self.model, engine=self.engine,
            )  # fmt: skip
        except WatchStopped:
            report.stopped = True
            self.say("stopped after the current batch: what was stored is kept, and the "
                     "next watch analyzes the rest")  # fmt: skip
            return
        except (EngineError, SQLAlchemyError) as exc:
            # Stored batches are kept; nothing of this cycle is marked seen, so the next cycle
            # fetches and analyzes it again.
            report.analysis_error = f"{exc.__class__.__name__}: {exc}"
            self.say(f"analysis failed ({report.analysis_error}); retried next cycle")
            return
        self._caught_up = True
        for item in pending:
            item.commit()
        self.state.save()

    # -- bookkeeping ----------------------------------------------------------------------

    def _fail(self, source: Source, reason: str, now: float, report: CycleReport) -> None:
        st = self.state.of(source)
        st.failures += 1
        st.last_error = reason
        delay = backoff_delay(st.failures, self.every)
        st.next_retry = format_time(now + delay)
        # The same failure again is the same record (its id hashes source and reason).
        error = IngestError(source.given, f"{reason} (newsprism watch tries again, waiting "
                            "longer after each failure)")  # fmt: skip
        self.store.save([], [], [error])
        self._outcome(report, source, "failed",
                      f"{reason}; failure {st.failures} in a row, next try in "
                      f"{format_seconds(delay)}")  # fmt: skip

    def _succeed(self, source: Source, now: float) -> str:
        """Record that `source` answered; a note when it had been failing, else ""."""
        st = self.state.of(source)
        note = f"recovered after {st.failures} failure(s)" if st.failures else ""
        st.failures = 0
        st.last_error = None
        st.next_retry = None
        st.last_success = format_time(now)
        return note

    def _settled(
        self, report: CycleReport, source: Source, now: float, status: str, detail: str
    ) -> None:
        note = self._succeed(source, now)
        self._outcome(report, source, status, f"{detail}; {note}" if note else detail)

    def _committer(
        self, source: Source, now: float, outcome: SourceOutcome, remember: Callable[[], None]
    ) -> Callable[[], None]:
        """What to do once a source's news is stored: remember it, and clear its failures."""

        def commit() -> None:
            remember()
            note = self._succeed(source, now)
            if note:
                outcome.detail += f"; {note}"
                self.say(f"{source.given}: {note}")

        return commit

    def _outcome(
        self, report: CycleReport, source: Source, status: str, detail: str
    ) -> SourceOutcome:
        outcome = SourceOutcome(source.given, status, detail)
        report.outcomes.append(outcome)
        self.say(f"{source.given}: {detail or status}")
        return outcome

    def _say_total(self, report: CycleReport) -> None:
        summary = report.summary
        understood = summary.understanding.articles if summary and summary.understanding else 0
        if summary is None or not (report.analyzed or understood):
            if not report.stopped and not report.analysis_error:
                self.say(f"cycle {report.number}: nothing new")
            return
        if not report.analyzed:
            self.say(f"cycle {report.number}: {understood} article(s) stored before understood")
            return
        errors = f", {len(summary.errors)} input error(s)" if summary.errors else ""
        self.say(f"cycle {report.number}: {summary.new_articles} new article(s) stored"
                 f"{errors} ({summary.total_articles} in the store)")  # fmt: skip

    def say(self, text: str) -> None:
        if self.log is not None:
            print(f"watch: {text}", file=self.log, flush=True)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _remember_validators(st: SourceState, fetched: Fetched, digest: str | None = None) -> None:
    # A 304 may carry a new ETag; one without any keeps what the server said before.
    st.etag = fetched.etag or st.etag
    st.last_modified = fetched.last_modified or st.last_modified
    if digest is not None:
        st.body_sha256 = digest


def _check_feed(name: str, body: bytes, options: IngestOptions) -> tuple[int, str | None]:
    """(entries read, what is wrong) for a fetched body, read by ingest's own readers as the
    feed file it will be. Wrong: no entry at all could be read (broken XML, an HTML page, an
    empty feed: NO_ENTRIES). Entries without text are the pipeline's to record."""
    try:
        items = list(read_blob(Blob(name, body), options.limits, options.fields))
    except Exception as exc:  # as ingest's read_file: a reader bug is one error
        return 0, f"the feed reader failed on it: {exc!r}"
    entries = sum(isinstance(i, Document) for i in items)
    whole = [i for i in items if isinstance(i, IngestError) and i.source == name]
    if entries or not whole:
        return entries, None
    if all(e.reason == NO_ENTRIES for e in whole):
        return 0, NO_ENTRIES
    return 0, whole[0].reason


def _write_body(path: Path, body: bytes) -> None:
    """The body as a feed file. Its size and modification time must differ from those of the
    body before it, which the store recorded as read: a coarse file system clock could give
    a new body of the same length the old stamp, and ingest would skip it as unchanged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        before = path.stat()
    except FileNotFoundError:
        before = None
    path.write_bytes(body)
    after = path.stat()
    if before and (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns):
        later = after.st_mtime_ns + 2_000_000_000
        os.utime(path, ns=(later, later))
