"""What every part of the store shares: the engine, inserts that skip what is there (input
errors among them), which articles a stage has still to do, and statements over ids in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newsprism.articles import IngestError
from newsprism.store.schema import article, ingest_error


class StoreBase:
    """The engine and the helpers the store's record families share."""

    engine: Engine
    dialect: str

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._setup()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def _insert_ignore(self, table: Any) -> Any:
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        return insert(table)

    def _pending(
        self, done: Table, version: str, prior: Table, derived: Sequence[Table]
    ) -> list[str]:
        """Articles the stage before (its `prior` table) finished and this stage (its `done`
        table, with a version column) has not, in arrival order; when another version made
        any of it, everything it made (`derived` and `done`) is dropped first."""
        with self.engine.begin() as conn:
            stale = conn.execute(
                select(func.count()).select_from(done).where(done.c.version != version)
            ).scalar_one()
            if stale:
                for table in (*derived, done):
                    conn.execute(delete(table))
            query = (
                select(article.c.id)
                .join(prior, prior.c.article_id == article.c.id)
                .where(article.c.id.not_in(select(done.c.article_id)))
                .order_by(article.c.seq)
            )
            return list(conn.execute(query).scalars())

    def _save_errors(self, conn: Connection, errors: Iterable[IngestError], now: datetime) -> None:
        rows = [
            {"id": e.id, "source": e.source, "line": e.line, "reason": e.reason, "first_seen": now}
            for e in errors
        ]
        if rows:
            conn.execute(self._insert_ignore(ingest_error), rows)

    def _setup(self) -> None:
        """Tables and schema checks (Store)."""


def chunked(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """`items` in lists of at most `size`: what one IN (...) of a statement holds."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def in_one_line(exc: BaseException) -> str:
    """What a store failure says to a user: the driver's own words ("database or disk is
    full"), not SQLAlchemy's message, which carries the statement and its parameters (a batch
    of articles: megabytes)."""
    cause = getattr(exc, "orig", None) or exc
    words = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {words[0] if words else ''}".rstrip(": ")
