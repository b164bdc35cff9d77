"""The local engine: map a per-item function over worker processes, results in input order,
with a bounded number of items in flight so memory stays flat on any corpus size."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    if workers <= 1:
        for item in items:
            yield fn(item)
        return
    in_flight: deque[Future[R]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for item in items:
            in_flight.append(pool.submit(fn, item))
            if len(in_flight) >= workers * 4:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
