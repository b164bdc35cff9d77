"""Bounds on a page's queries: every statement stops after QUERY_SECONDS of the page that runs
it (a 503 page, not a hung server), and a page's independent queries run side by side under
that deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from newsprism.store import Store

QUERY_SECONDS = 5.0  # a page's queries give up after this long

_deadline = threading.local()


class QueryTimeout(RuntimeError):
    pass


def bound_queries(store: Store) -> None:
    """Every statement of `store` stops after QUERY_SECONDS of the page that runs it: SQLite
    through a progress handler, PostgreSQL through statement_timeout."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if store.dialect == "sqlite":
            def check() -> int:
                until = getattr(_deadline, "at", None)
                return 1 if until is not None and time.monotonic() > until else 0

            dbapi_connection.set_progress_handler(check, 20_000)
        elif store.dialect == "postgresql":
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET statement_timeout = {int(QUERY_SECONDS * 1000)}")
            cursor.close()
            dbapi_connection.commit()

    event.listen(store.engine, "connect", on_connect)
    store.engine.dispose()  # connections made before (opening the store) get it too


@contextmanager
def deadline(seconds: float = QUERY_SECONDS) -> Iterator[None]:
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = None


# Threads that run the independent queries of one page side by side: SQLite and PostgreSQL
# both serve concurrent readers (SQLite releases the GIL while it reads), so a page's wait is
# its slowest query, not their sum (an actor named 5,000 times: its naming row and its articles).
_PAGE_QUERIES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="newsprism-page")


def concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """The results of `calls`, run side by side under the calling page's deadline; the first
    error (a QueryTimeout too) is raised once all have stopped."""
    until = getattr(_deadline, "at", None)

    def bounded(call: Callable[[], Any]) -> Any:
        _deadline.at = until
        try:
            return call()
        finally:
            _deadline.at = None

    futures = [_PAGE_QUERIES.submit(bounded, call) for call in calls]
    wait(futures)
    return [f.result() for f in futures]
