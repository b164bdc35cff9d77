"""Stopping a watch cleanly: the first Ctrl-C lets the batch of articles being analyzed be
stored and then stops; a second one stops at once (the store keeps whole batches either way,
and the next watch completes what was left)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

from newsprism.engine.local import Engine

T = TypeVar("T")
R = TypeVar("R")


class WatchStopped(Exception):
    """Raised between two batches of a run once a stop was asked for: the batch before it is
    stored, the rest is left for the next watch."""


class StopRequest:
    def __init__(self, log: TextIO | None = None) -> None:
        self.requested = False
        self._log = log
        self._pid = os.getpid()

    def request(self) -> None:
        self.requested = True

    @contextmanager
    def on_sigint(self) -> Iterator[None]:
        """Ctrl-C asks for a stop while inside; signals can only be handled on the main
        thread, so a watch run from another thread is stopped by KeyboardInterrupt alone."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def _handle(self, _signum: int, _frame: object) -> None:
        if os.getpid() != self._pid:
            return  # a forked worker inherited this handler: its parent decides when to stop
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        if self._log is not None:
            print(
                "watch: stopping after the current batch (Ctrl-C again to stop at once)",
                file=self._log,
                flush=True,
            )


class StoppableEngine:
    """An engine that ends a stage's stream of results once a stop is asked for. A stage
    stores each result before it asks for the next, so raising at that point leaves whole
    batches stored, as the pipeline's crash safety expects."""

    def __init__(self, inner: Engine, stop: StopRequest) -> None:
        self.inner = inner
        self.stop = stop

    @property
    def name(self) -> str:
        return self.inner.name

    def map_ordered(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int,
        here: Callable[[T], R] | None = None,
    ) -> Iterator[R]:
        if self.stop.requested:
            raise WatchStopped  # asked between two stages: the next one starts nothing
        results = self.inner.map_ordered(fn, items, workers, here=here)
        try:
            for result in results:
                yield result
                if self.stop.requested:
                    raise WatchStopped
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # shuts the worker pool down now, not when garbage collected

    def prepare(self, fn: Callable[[], object]) -> None:
        self.inner.prepare(fn)

    def close(self) -> None:
        self.inner.close()
