"""Progress for long runs: a Rich bar on a terminal, plain lines otherwise, nothing for runs
that finish within a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

QUIET_SECONDS = 1.0
PLAIN_EVERY_SECONDS = 5.0


class ProgressReporter:
    def __init__(self, total: int, label: str, stream: TextIO | None = None, enabled: bool = True):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._last_plain = self.started
        self._bar: Progress | None = None
        self._task = None
        self._terminal = Console(file=self.stream).is_terminal

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < QUIET_SECONDS:
            return
        if self._terminal:
            if self._bar is None:
                self._bar = Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    console=Console(file=self.stream),
                    transient=True,
                )
                self._bar.start()
                self._task = self._bar.add_task(self.label, total=self.total)
            self._bar.update(self._task, completed=self.done, description=f"{self.label} {note}")
        elif now - self._last_plain >= PLAIN_EVERY_SECONDS:
            self._last_plain = now
            self._plain()

    def _plain(self) -> None:
        pct = 100 * self.done / self.total if self.total else 100.0
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        print(
            f"{self.label}: {self.done}/{self.total} ({pct:.0f}%), {rate:.1f}/s",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif (
            self.enabled and not self._terminal and time.monotonic() - self.started >= QUIET_SECONDS
        ):
            self._plain()
