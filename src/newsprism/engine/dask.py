"""The Dask engine: the per-item work of a run (cleaning, understanding) on the workers of a
dask.distributed cluster, results in input order with a bounded number of items in flight, as
the local engine does. The client (this process) reads the inputs as a stream, keeps the
corpus-wide steps and is the only writer of the store.

Each worker is a process that loads spaCy, the gazetteer and the models once (the caches of
understand/ live per process) and runs one task at a time: the models are not shared across
threads. Without a scheduler address a `LocalCluster` of worker processes starts here."""

from __future__ import annotations

import concurrent.futures
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import metadata
from typing import Any, TypeVar
from urllib.parse import urlsplit

import dask.config
from distributed import Client, Future, KilledWorker, LocalCluster

from newsprism.engine.local import EngineError, EngineUnavailable, default_workers

T = TypeVar("T")
R = TypeVar("R")

# items in flight per worker thread: enough to hide the round trips, few enough that memory
# stays flat on any corpus size
IN_FLIGHT_PER_THREAD = 4
# Dask keeps, for its developers, the last `low-level-log-length` (default 1,000) messages of
# every stream and stimuli of every worker, each task with its arguments: a batch of articles'
# texts and records each. A local cluster's scheduler lives in the client, which so held the
# corpus's last thousands of articles (its peak RSS grew 113 MB from 300 to 1,000 articles,
# benchmarks/scale.py). A few messages are still there to read when something goes wrong.
LOG_LENGTH_KEY = "distributed.admin.low-level-log-length"
DEBUG_LOG_LENGTH = 10
# A worker samples the stack of its running task every 10 ms for the dashboard's profile, in its
# event loop: each sample takes the GIL from the task, about 5% of a task's time on
# understanding (a throw-away measure of one worker on 160 articles). A run's settings, which a
# local cluster's workers are handed; workers of a cluster started elsewhere keep theirs.
ENGINE_CONFIG = {LOG_LENGTH_KEY: DEBUG_LOG_LENGTH, "distributed.worker.profile.enabled": False}
# How long a run waits on a cluster that has no worker at all before it fails: a worker that
# died and cannot come back (out of memory at start, newsprism changed under a running cluster)
# leaves its tasks waiting forever otherwise. Long enough for a nanny to restart a worker, or
# an operator's rolling restart; checked every WATCH_SECONDS.
NO_WORKERS_PATIENCE = 120.0
WATCH_SECONDS = 5.0
WORKER_HINT = (
    "each worker needs newsprism installed (the same version, with its spaCy model) and one "
    "thread: `dask worker {address} --nworkers N --nthreads 1`"
)


class DaskEngine:
    """A run's work on a Dask cluster: the one at `scheduler` (tcp://HOST:8786), or a
    `LocalCluster` of `workers` one-thread processes started here and closed with the engine.
    `connect_timeout` (seconds) defaults to Dask's `distributed.comm.timeouts.connect`; a
    cluster left without any worker for `no_workers_patience` seconds mid-run is an
    EngineError."""

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        connect_timeout: float | None = None,
        no_workers_patience: float = NO_WORKERS_PATIENCE,
    ) -> None:
        self._cluster: LocalCluster | None = None
        self.patience = no_workers_patience
        timeout = connect_timeout or dask.config.get("distributed.comm.timeouts.connect")
        # for the client, and a local cluster's scheduler and workers (their nannies hand them
        # this process's config), while the engine lives
        self._config = dask.config.set(ENGINE_CONFIG)
        try:
            if scheduler:
                self.address = scheduler
                self._client = _connect(scheduler, timeout)
            else:
                self._cluster = _local_cluster(workers or default_workers())
                self.address = self._cluster.scheduler_address
                self._client = Client(self._cluster, set_as_default=False)
        except BaseException:
            self._config.__exit__(None, None, None)
            raise
        try:
            self._check_workers(timeout)
        except BaseException:
            self.close()
            raise

    def _check_workers(self, timeout: float | str) -> None:
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, concurrent.futures.TimeoutError) as exc:
            raise EngineUnavailable(
                f"the Dask scheduler at {self.address} has no workers: start some there "
                f"({WORKER_HINT.format(address=self.address)})"
            ) from exc
        threads = self._client.nthreads()
        several = sorted(w for w, n in threads.items() if n > 1)
        if several:
            raise EngineUnavailable(
                f"the Dask worker(s) {', '.join(several)} at {self.address} run several threads; "
                f"newsprism's models are per process: {WORKER_HINT.format(address=self.address)}"
            )
        mine = _newsprism_version()
        try:
            found = self._client.run(_newsprism_version)
        except Exception as exc:  # a worker without newsprism cannot even unpickle the call
            raise EngineUnavailable(
                f"the Dask workers at {self.address} cannot run newsprism ({exc}): "
                f"{WORKER_HINT.format(address=self.address)}"
            ) from exc
        other = sorted(w for w, v in found.items() if v != mine)
        if other:
            raise EngineUnavailable(
                f"the Dask worker(s) {', '.join(other)} run another newsprism than this one "
                f"({mine}): {WORKER_HINT.format(address=self.address)}"
            )

    def map_ordered(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        workers: int = 0,
        here: Callable[[T], R] | None = None,
    ) -> Iterator[R]:
        """`fn` over `items` on the workers, in input order; `workers` (the local engine's
        choice) is not used: the cluster's threads set how many items are in flight. With
        `here` (the same work, done in this process), this process takes the next item itself
        whenever the oldest one on the workers is not done yet, rather than wait idle: the
        corpus-wide steps between items leave it time that a cluster of one or two workers
        needs. It does so only where the workers on this machine leave it a core."""
        window = max(2, sum(self._client.nthreads().values()) * IN_FLIGHT_PER_THREAD)
        if here is not None and not self._leaves_a_core():
            here = None
        queue: deque[Future | _Done] = deque()
        inputs = iter(items)
        try:
            while True:
                for item in inputs:
                    queue.append(self._client.submit(_run_sealed, fn, _Sealed(item), pure=False))
                    if len(queue) >= window:
                        break
                if not queue:
                    return
                head = queue[0]
                waiting = isinstance(head, Future) and not head.done()
                if here is not None and waiting and len(queue) < 2 * window:
                    item = next(inputs, _END)
                    if item is not _END:
                        queue.append(_Done(here(item)))  # type: ignore[arg-type]
                        continue
                queue.popleft()
                yield head.value if isinstance(head, _Done) else self._result(head)
        finally:
            remote = [f for f in queue if isinstance(f, Future)]
            # stopped early or failed: nothing of this map is left running. A map a failed run
            # left unfinished is closed when collected, after the engine: its cluster is gone
            if remote and self._client.status == "running":
                self._client.cancel(remote)

    def _leaves_a_core(self) -> bool:
        """Whether the workers on this machine leave it a core for this process to take items
        on. Where they take every core (a local cluster of a worker a core), items taken here
        are only moved, not sped up, and this process would build models of its own for them:
        the sentence encoder alone is 224 MB, a third of the client's peak on 1,000 articles
        (benchmarks/scale.py, dask2)."""
        mine = _this_machine()
        threads = self._client.nthreads()
        on_this = sum(n for w, n in threads.items() if urlsplit(w).hostname in mine)
        return on_this < default_workers()

    def prepare(self, fn: Callable[[], object]) -> None:
        """`fn` once on each worker, in the thread its tasks run in; what it raises is raised
        here. A worker that joins later, or dies doing it and comes back under another address
        (where the call meant for it can never run), loads what it needs on first use."""
        workers = list(self._client.nthreads())
        futures = {
            w: self._client.submit(
                _discard, fn, workers=[w], allow_other_workers=False, pure=False
            )
            for w in workers
        }
        for worker, future in futures.items():
            self._result(future, worker)

    def _result(self, future: Future, worker: str | None = None) -> Any:
        try:
            return self._waited(future, worker)
        except KilledWorker as exc:
            raise EngineError(
                f"Dask workers at {self.address} died running one item of this run, each time "
                f"it was retried ({exc}); out of memory? Give each worker at least 2 GB. What was "
                "stored is kept: run the same command again to complete it"
            ) from exc
        except (concurrent.futures.CancelledError, OSError) as exc:
            raise EngineError(
                f"lost the Dask scheduler at {self.address} mid-run ({type(exc).__name__}: "
                f"{exc}); what was stored is kept: run the same command again to complete it"
            ) from exc

    def _waited(self, future: Future, worker: str | None = None) -> Any:
        """`future`'s result, waited for while the cluster has a worker to run it (`worker`, for
        a task held to one: None once that one is gone)."""
        alone_since: float | None = None
        while True:
            try:
                return future.result(timeout=WATCH_SECONDS)
            except TimeoutError:
                if future.done():  # done as the wait ran out, or the item's own TimeoutError
                    return future.result()
            present = self._client.nthreads()
            if worker is not None and worker not in present:
                self._client.cancel([future])
                return None
            if present:
                alone_since = None
                continue
            now = time.monotonic()
            alone_since = now if alone_since is None else alone_since
            if now - alone_since >= self.patience:
                raise EngineError(
                    f"the Dask cluster at {self.address} has had no worker for "
                    f"{self.patience:.0f} s, and this run's work waits for one: a worker that "
                    "died could not come back (out of memory? newsprism changed under a running "
                    f"cluster?). Start workers ({WORKER_HINT.format(address=self.address)}); what "
                    "was stored is kept: run the same command again to complete it"
                )

    def close(self) -> None:
        try:
            self._client.close()
            if self._cluster is not None:
                self._cluster.close()
        finally:
            self._config.__exit__(None, None, None)

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _Done:
    """An item's result made in this process, in its place among the workers' futures."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_END = object()


class _Sealed:
    """An item as one opaque argument: Dask walks a task's lists, tuples and dicts looking
    for futures in them, and a batch of articles with their records is thousands of dicts
    (0.5 s of the client's CPU on 1,000 articles, none of it needed)."""

    __slots__ = ("item",)

    def __init__(self, item: object) -> None:
        self.item = item


def _run_sealed(fn: Callable[[T], R], sealed: _Sealed) -> R:
    return fn(sealed.item)  # type: ignore[arg-type]


def _connect(address: str, timeout: float | str) -> Client:
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EngineUnavailable(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {exc}). Start "
            f"one there (`dask scheduler`, then `dask worker {address} --nthreads 1` on each "
            "machine), correct --scheduler, or leave it out to run a cluster on this machine"
        ) from exc


def _local_cluster(workers: int) -> LocalCluster:
    try:
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,  # the models are per process, and spaCy holds the GIL
            dashboard_address=":0",  # any free port: two runs side by side do not collide
        )
    except Exception as exc:  # Dask has logged the worker's own traceback above
        raise EngineUnavailable(
            f"could not start a Dask cluster of {workers} worker(s) on this machine "
            f"({type(exc).__name__}: {exc}); in a script, call analyze under "
            "`if __name__ == \"__main__\":` (Dask's workers are new processes that import the "
            "script)"
        ) from exc


@lru_cache(maxsize=1)
def _this_machine() -> frozenset[str]:
    """The names and addresses workers on this machine may be known by: looked up once (a
    name lookup can wait on DNS, and every map of a run asks)."""
    names = {"127.0.0.1", "::1", "localhost"}
    try:
        host, aliases, addresses = socket.gethostbyname_ex(socket.gethostname())
        names.update([host, *aliases, *addresses])
    except OSError:  # no name for this machine: its loopback still counts
        pass
    return frozenset(names)


def _discard(fn: Callable[[], object]) -> None:
    fn()  # what it loaded stays in the worker's caches; nothing travels back


def _newsprism_version() -> str:
    try:
        return metadata.version("newsprism")
    except metadata.PackageNotFoundError:
        return "unknown"
