"""The watch: poll every source, analyze what is new through the pipeline (cycle.py),
remember what was seen, sleep until the next poll, again; Ctrl-C stops it cleanly."""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsprism.engine.local import Engine, open_engine
from newsprism.ingest.own_outputs import SQLITE_SIDECARS
from newsprism.ingest.process import IngestOptions
from newsprism.store import open_store
from newsprism.watch.cycle import CycleReport, Fetcher, Watcher
from newsprism.watch.fetch import TIMEOUT_SECONDS, fetch
from newsprism.watch.schedule import format_seconds
from newsprism.watch.sources import (
    Source,
    WatchState,
    default_state_path,
    format_time,
    parse_sources,
    state_lock,
)
from newsprism.watch.stop import StoppableEngine, StopRequest

DEFAULT_DB = "newsprism.db"  # api.DEFAULT_DB, which this layer, below api, cannot import
DEFAULT_EVERY_SECONDS = 600.0
KEPT_REPORTS = 100  # of a watch that runs for ever, the latest cycles only


@dataclass
class WatchSummary:
    cycles: int = 0
    new_articles: int = 0
    stopped: bool = False
    reports: deque[CycleReport] = field(default_factory=lambda: deque(maxlen=KEPT_REPORTS))

    def add(self, report: CycleReport) -> None:
        self.cycles += 1
        self.new_articles += report.new_articles
        self.reports.append(report)



def watch(
    sources: Sequence[str | Source],
    db: str | Path = DEFAULT_DB,
    every_seconds: float = DEFAULT_EVERY_SECONDS,
    cycles: int | None = None,
    *,
    state_path: str | Path | None = None,
    outlet: str | None = None,
    options: IngestOptions | None = None,
    workers: int | None = None,
    understand: bool = True,
    model: str | None = None,
    engine: str | Engine = "local",
    scheduler: str | None = None,
    progress: bool = True,
    timeout: float = TIMEOUT_SECONDS,
    log: TextIO | None = None,
    quiet: bool = False,
    fetcher: Fetcher = fetch,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> WatchSummary:
    """Poll `sources` (feed URLs, folders, files) every `every_seconds` into `db`, analyzing
    what is new, for `cycles` polls (None: until Ctrl-C, which stops after the current batch of
    articles). The state (validators, failures, seen files) is kept in `state_path`, by
    default a hidden `.<db name>.watch.json` beside a SQLite store, so a watch started again
    fetches nothing twice. `outlet` (or `options`, ingest's own) as `analyze --outlet`.
    A line for each source polled goes to `log` (default: stderr), unless `quiet`.

    WatchError when it cannot start (a missing path, a non-http URL, a state in use);
    ValueError for a bad interval or cycle count; StoreError when the store cannot be opened;
    ModelError when the spaCy model is missing."""
    if not every_seconds > 0:
        raise ValueError(f"every_seconds must be above 0 (got {every_seconds})")
    if cycles is not None and cycles < 1:
        raise ValueError(f"cycles must be 1 or more, or None for ever (got {cycles})")
    parsed = parse_sources([s.given if isinstance(s, Source) else s for s in sources])
    log = None if quiet else log or sys.stderr  # looked up now: a test may have replaced it
    state_file = Path(state_path) if state_path is not None else default_state_path(db)
    with ExitStack() as cleanup:
        cleanup.enter_context(state_lock(state_file))
        state = WatchState.load(state_file)
        store = open_store(db)
        cleanup.callback(store.close)
        opened = open_engine(engine, scheduler, workers) if isinstance(engine, str) else engine
        if isinstance(engine, str):
            cleanup.callback(opened.close)  # an engine given by the caller is the caller's
        stop = StopRequest(log)
        watcher = Watcher(
            parsed, store, state, every_seconds, StoppableEngine(opened, stop),
            options or IngestOptions(default_outlet=outlet), workers, understand, model,
            progress, log, fetcher, timeout, stop, _store_files(db),
        )  # fmt: skip
        watcher.say(f"{len(parsed)} source(s), every {format_seconds(every_seconds)}; "
                    f"state in {state_file}")  # fmt: skip
        with stop.on_sigint():
            return _loop(watcher, every_seconds, cycles, clock, sleep, stop)


def _store_files(db: str | Path) -> list[Path]:
    """A SQLite store and its sidecars change at every write: in a watched folder they would
    be 'changed files' every cycle (the pipeline would skip them, but only after opening)."""
    if "://" in str(db):
        return []
    path = Path(db).expanduser()
    return [path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SIDECARS)]


def _loop(
    watcher: Watcher,
    every: float,
    cycles: int | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    stop: StopRequest,
) -> WatchSummary:
    summary = WatchSummary()
    while True:
        started = clock()
        report = watcher.poll(started, summary.cycles + 1)
        summary.add(report)
        if report.stopped or stop.requested or (cycles is not None and summary.cycles >= cycles):
            break
        # From this cycle's start, not its end: a source retried "in one interval" is due
        # at the next cycle even when this one took a while.
        next_at = started + every
        watcher.say(f"next poll at {format_time(next_at)} (every {format_seconds(every)})")
        _wait_until(next_at, clock, sleep, stop)
        if stop.requested:
            break
    summary.stopped = stop.requested
    return summary


def _wait_until(
    moment: float, clock: Callable[[], float], sleep: Callable[[float], None], stop: StopRequest
) -> None:
    # Short naps: a Ctrl-C handled mid-sleep only sets the flag, and is seen within a second.
    while not stop.requested:
        remaining = moment - clock()
        if remaining <= 0:
            return
        sleep(min(remaining, 1.0))
