"""What every part of the store shares: the engine, inserts that skip what is there (input
errors among them), which articles a stage has still to do, and statements over ids in chunks."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newsprism.articles import IngestError
from newsprism.store.schema import article, ingest_error

ORDER = "newsprism_order"  # a scratch table's column: the place of each row in its batch


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

    def _insert_rows(
        self,
        conn: Connection,
        table: Table,
        rows: Sequence[dict[str, Any]],
        skip_existing: bool = False,
    ) -> None:
        """Insert `rows` (each with the keys of the first), with `skip_existing` leaving out
        those whose key is already stored. PostgreSQL gets them through COPY, at about a seventh
        of the client's CPU of a multi-row INSERT built by SQLAlchemy (the span records of
        1,000 articles: 0.10 s against 0.72 s), which a Dask run's client spends beside its
        workers; other databases through executemany."""
        if not rows:
            return
        if self.dialect != "postgresql" or conn.dialect.driver != "psycopg":
            conn.execute(self._insert_ignore(table) if skip_existing else insert(table), rows)
            return
        names = list(rows[0])
        columns = ", ".join(f'"{n}"' for n in names)
        # what SQLAlchemy would have done to each value on the way in (none of our column
        # types has such a step with psycopg today; a custom type would)
        processors = [
            (i, p) for i, n in enumerate(names)
            if (p := table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))
        ]  # fmt: skip
        target = table.name
        if skip_existing:  # COPY cannot skip: load a scratch table, then insert what is new
            # the scratch table has these columns alone, without constraints or defaults (a
            # default would draw from the real table's sequences)
            target = f"newsprism_load_{table.name}_{zlib.crc32(columns.encode()):08x}"
            # and the rows' order, which the table's own sequence (a claim's, a story
            # member's seq) must follow
            conn.exec_driver_sql(
                f'CREATE TEMPORARY TABLE IF NOT EXISTS "{target}" ON COMMIT DELETE ROWS '
                f'AS SELECT {columns}, 0 AS "{ORDER}" FROM "{table.name}" WITH NO DATA'
            )
        loaded = f'{columns}, "{ORDER}"' if skip_existing else columns
        cursor = conn.connection.driver_connection.cursor()
        with cursor, cursor.copy(f'COPY "{target}" ({loaded}) FROM STDIN') as copy:
            for place, row in enumerate(rows):
                values = [row[n] for n in names]
                for i, process in processors:
                    values[i] = process(values[i])
                copy.write_row([*values, place] if skip_existing else values)
        if skip_existing:
            conn.exec_driver_sql(
                f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{target}" '
                f'ORDER BY "{ORDER}" ON CONFLICT DO NOTHING'
            )
            conn.exec_driver_sql(f'TRUNCATE "{target}"')

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
