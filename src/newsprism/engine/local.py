"""The local engine: map a per-item function over worker processes, results in input order,
with a bounded number of items in flight so memory stays flat on any corpus size. Workers die
with their parent: a run killed with SIGKILL leaves no 250 MB spaCy workers behind.

Also what every engine is (`Engine`) and how a run picks one (`open_engine`): the stages call
`engine.map_ordered` for their per-item work and never know where it ran."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


PARENT_CHECK_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """Run in each worker as it starts: end it when the process that started it is gone. Linux
    sends a signal on the parent's death (prctl PR_SET_PDEATHSIG); elsewhere, and in case the
    parent died before the call, a thread checks who the parent is once a second."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)  # the pool's parent is gone: nobody will read what this worker makes


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    if workers <= 1:
        for item in items:
            yield fn(item)
        return
    in_flight: deque[Future[R]] = deque()
    parent = os.getpid()
    with ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(parent,)
    ) as pool:
        for item in items:
            in_flight.append(pool.submit(fn, item))
            if len(in_flight) >= workers * 4:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


# how many times smaller the batches of a stage's last articles are (`tapered_batches`)
TAPER = 4


def tapered_batches(items: Sequence[T], size: int, workers: int) -> Iterator[Sequence[T]]:
    """`items` in batches of `size` for `workers` to share, the last `workers` batches' worth in
    batches `TAPER` times smaller: the workers then end a stage together, rather than all but
    one waiting while it reads a last full batch (dask2 on 1,000 articles: one core idle for
    4.5 s at the end of understanding, benchmarks/scale.py). One worker has no one to wait for:
    its batches stay whole."""
    if workers <= 1:
        yield from (items[i : i + size] for i in range(0, len(items), size))
        return
    tail = len(items) - workers * size  # where the small batches begin, at the latest
    start = 0
    while start < len(items):
        step = size if start + size <= tail else max(1, size // TAPER)
        yield items[start : start + step]
        start += step


def here_threads(workers: int | None, wanted: int) -> int:
    """The threads a stage's own models may run on in this process: `wanted`, but no more than
    the workers a run was given. `--workers 1` is one core's work, as a user who holds a run to
    one core means it; the local engine on one process took a second core for its encoders
    (benchmarks/scale.py: 70 s of CPU in 58 s on 300 articles), and so was not one worker's
    measure."""
    return max(1, min(wanted, workers)) if workers else wanted


def map_stage(
    engine: Engine | None,
    workers: int | None,
    batches: int,
    items: Iterable[T],
    here: Callable[[T], R],
    there: Callable[[T], R],
    load: Callable[[], object],
) -> Iterator[R]:
    """A stage's per-article work over `items` (`batches` full batches): `there` on `engine`'s
    workers, at most one a batch and at most `workers` (default: one a core), after `load` where
    they run; `here`, the same work with this process's own models, where there are none (no
    engine, or the local engine with one worker to give, where forking would buy nothing).
    The items the Dask client takes while it waits are done as on a worker (`there`, one
    thread): with the client's two-thread models they took the cores from the workers (dask2
    263 s against 237 s on 1,000 articles, benchmarks/scale.py), for 235 MB less in the
    client."""
    count = stage_workers(workers, batches)
    if engine is None or (engine.name == "local" and count <= 1):
        return map(here, items)
    engine.prepare(load)
    return engine.map_ordered(there, items, count, here=there)


def stage_workers(workers: int | None, batches: int) -> int:
    """The workers a stage of `batches` full batches shares out to: `workers` (default: one a
    core), no more than it has batches."""
    return min(workers or default_workers(), max(1, batches))


ENGINES = ("local", "dask")


class EngineError(RuntimeError):
    """The per-item work failed where it ran (a Dask worker died again and again, the scheduler
    went away): what was stored before is kept, and running the same command again completes
    it."""


class EngineUnavailable(EngineError):
    """The engine asked for cannot start: a scheduler that cannot be reached, a cluster
    without workers, Dask not installed. Nothing was run."""


class Engine(Protocol):
    """Where the per-item work of a run (reading, cleaning, understanding) runs. One is opened
    per run and handed to each stage; the corpus-wide steps always run in the caller."""

    name: str

    def map_ordered(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int,
        here: Callable[[T], R] | None = None,
    ) -> Iterator[R]:
        """`fn` over `items`, results in input order, a bounded number in flight; `items` is
        read as room frees up, never whole. `workers` is the stage's choice for the local
        engine (1: run here); an engine with its own workers may ignore it. `here`, the same
        work as done in the calling process, may be run on items there while it would
        otherwise wait (Dask)."""
        ...

    def prepare(self, fn: Callable[[], object]) -> None:
        """Run `fn` where the work will run, before any work: here for the local engine (forked
        workers then share what it loaded), once on each worker for Dask. What it raises (a
        missing model) is raised here."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """Worker processes forked from this one for each stage (`ordered_map`)."""

    name = "local"

    def map_ordered(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int,
        here: Callable[[T], R] | None = None,
    ) -> Iterator[R]:
        # `here` is not used: the workers already take every core of this machine
        return ordered_map(fn, items, workers)

    def prepare(self, fn: Callable[[], object]) -> None:
        fn()

    def close(self) -> None:
        pass


def open_engine(
    name: str = "local", scheduler: str | None = None, workers: int | None = None
) -> Engine:
    """The engine `name` for one run: "local", or "dask" on the Dask scheduler at `scheduler`
    (tcp://HOST:8786), or without one on a cluster of `workers` processes started here."""
    if name == "local":
        if scheduler:
            raise ValueError(f"a scheduler ({scheduler}) is for the Dask engine: add --engine dask")
        return LocalEngine()
    if name == "dask":
        try:
            from newsprism.engine.dask import DaskEngine
        except ImportError as exc:
            raise EngineUnavailable(
                f"the Dask engine needs dask.distributed ({exc}): "
                "pip install 'newsprism[dask]'"
            ) from exc
        return DaskEngine(scheduler, workers)
    raise ValueError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
