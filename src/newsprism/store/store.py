"""The store: opening one (a SQLite file or a PostgreSQL URL), setting up and checking its
schema, and the lock analyze runs take turns with; its record families (articles.py,
understanding.py, claims.py, stories.py, timeline.py, search.py) are read and written in their
own modules. Every write of one source is one transaction, so a run killed mid-way leaves whole
sources or nothing, and the next run completes it."""

from __future__ import annotations

import fcntl
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, MetaData, Table, create_engine, event, inspect, select
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError

from newsprism.ingest.own_outputs import WRITER_LOCK_SUFFIX, sqlite_tables
from newsprism.store import schema
from newsprism.store.articles import ArticleRecords
from newsprism.store.base import in_one_line
from newsprism.store.claims import ClaimRecords
from newsprism.store.corrections import CorrectionRecords
from newsprism.store.derived_text import FROM_ARTICLE
from newsprism.store.search import SearchIndex
from newsprism.store.stories import StoryRecords
from newsprism.store.timeline import TimelineRecords
from newsprism.store.understanding import UnderstandingRecords


class StoreError(RuntimeError):
    pass


def database_url(target: str | Path) -> str:
    """A URL for SQLAlchemy from a URL or a plain file path (SQLite)."""
    text = str(target)
    if "://" in text:
        if text.startswith(("postgres://", "postgresql://")):
            # Route plain postgres URLs to psycopg 3, the driver we install.
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    path = Path(text).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # the wait first: switching to WAL needs the database to itself, and another run may be
    # creating it at this very moment
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store(
    ArticleRecords, UnderstandingRecords, ClaimRecords, StoryRecords, TimelineRecords, SearchIndex,
    CorrectionRecords,
):
    """The store: its record families (articles, understanding, claims, stories, timelines,
    search) and a user's corrections across them, each in its own module, over one schema set
    up and checked here."""

    def _setup(self) -> None:
        self._create_tables()
        for attempt in range(CREATE_ATTEMPTS):
            try:
                self._check_schema_version()
                break
            except DBAPIError as exc:
                if not _lost_race(exc) or attempt == CREATE_ATTEMPTS - 1:
                    raise
        self._add_new_columns()
        self._rekey_spans()
        self._rekey_claims()
        self._add_new_indexes()

    def _rekey_spans(self) -> None:
        """A store written before span rows named their article by its seq (schema.span_table)
        has them rewritten so: the same records, each article's in the order they were written
        (by rowid; PostgreSQL by offset, as it read them before), a stored record id dropped (it
        is the one computed on reading)."""
        written = "s.rowid" if self.dialect == "sqlite" else 's."end", s.type'
        kept = ("type", "start", '"end"', "text", "entity_id", "value", "lat", "lon", "data")
        self._rekey(
            schema.span_table("span_record_rekeyed", MetaData()),
            f"INSERT INTO span_record_rekeyed (article_seq, ordinal, {', '.join(kept)}) "
            "SELECT a.seq, ROW_NUMBER() OVER (PARTITION BY s.article_id ORDER BY "
            f"s.start, {written}) - 1, {', '.join(f's.{c}' for c in kept)} "
            "FROM span_record s JOIN article a ON a.id = s.article_id",
            "span records",
        )

    def _rekey_claims(self) -> None:
        """A store written before claims named their article by its seq (schema.claim_table)
        has them rewritten so: the same claims in the same order (seq), each sentence left to
        its article's text where it is the article's at the claim's offsets (derived_text)."""
        kept = ("seq", "id", "start", '"end"', "kind", "group_id", "vector", "data")
        at_offsets = 'substr(a.text, c.start + 1, c."end" - c.start)'
        self._rekey(
            schema.claim_table("claim_rekeyed", MetaData()),
            f"INSERT INTO claim_rekeyed (article_seq, text, {', '.join(kept)}) "
            f"SELECT a.seq, CASE WHEN c.text = {at_offsets} THEN '{FROM_ARTICLE}' ELSE c.text "
            f"END, {', '.join(f'c.{c}' for c in kept)} "
            "FROM claim c JOIN article a ON a.id = c.article_id",
            "claims",
        )

    def _rekey(self, fresh: Table, copy: str, what: str) -> None:
        """Rewrite a table whose rows name their article by id (`fresh.name` less its
        "_rekeyed") as `fresh`, whose rows name it by seq, with `copy` (an INSERT INTO `fresh`
        ... SELECT from the old table), in one transaction. Once, when opened; two runs opening
        it at once take turns, and the second finds it done."""
        name = fresh.name.removesuffix("_rekeyed")
        if "article_seq" in self._column_names(name):
            return
        try:
            with self.engine.begin() as conn:
                # the write lock first: DDL alone would not open SQLite's transaction
                conn.exec_driver_sql("BEGIN IMMEDIATE" if self.dialect == "sqlite"
                                     else f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
                if "article_seq" in {c["name"] for c in inspect(conn).get_columns(name)}:
                    return
                rows = conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() or 0
                if rows > REKEY_QUIETLY:
                    # about 25 s a 2 million span records (20,000 articles) on one core
                    print(f"{self.url}: rewriting its {rows:,} {what} in this version's "
                          "form (once)...", file=sys.stderr, flush=True)  # fmt: skip
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {fresh.name}")
                fresh.create(conn)
                conn.exec_driver_sql(copy)
                conn.exec_driver_sql(f"DROP TABLE {name}")
                conn.exec_driver_sql(f"ALTER TABLE {fresh.name} RENAME TO {name}")
                if self.dialect == "postgresql" and "seq" in fresh.c:
                    # the copied seqs were given, not drawn: the next row draws past them
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'seq'), "
                        f"coalesce(max(seq), 0) + 1, false) FROM {name}"
                    )
        except DBAPIError as exc:
            if "article_seq" not in self._column_names(name):
                raise StoreError(
                    f"{self.url}: its {what} could not be rewritten in this version's form "
                    f"({in_one_line(exc)}); nothing was changed, open it again"
                ) from exc

    def _check_schema_version(self) -> None:
        with self.engine.begin() as conn:
            version = conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
            ).scalar()
            if version is None:
                conn.execute(
                    self._insert_ignore(schema.meta),
                    [{"key": "schema_version", "value": schema.SCHEMA_VERSION}],
                )
            elif version != schema.SCHEMA_VERSION:
                raise StoreError(
                    f"{self.url} has store schema {version}, this newsprism writes "
                    f"{schema.SCHEMA_VERSION}: use a new --db or re-analyze into an empty store"
                )

    def _create_tables(self) -> None:
        """The schema's tables that are missing. Two runs opening a new store at once race to
        create them: the one that loses (its tables made by the other, or its read-then-write
        transaction overtaken, which SQLite reports as locked without waiting) tries again."""
        for attempt in range(CREATE_ATTEMPTS):
            try:
                schema.metadata.create_all(self.engine)
                return
            except DBAPIError as exc:
                if not _lost_race(exc) or attempt == CREATE_ATTEMPTS - 1:
                    raise

    def _add_new_columns(self) -> None:
        """A store made before a nullable column was added (schema.ADDED_COLUMNS) gets it."""
        for table_name, names in schema.ADDED_COLUMNS.items():
            present = self._column_names(table_name)
            for name in names:
                if name not in present:
                    self._add_column(schema.metadata.tables[table_name].c[name])

    def _index_names(self) -> set[str]:
        """The store's index names, expression indexes included (which SQLAlchemy's inspector
        skips, with a warning)."""
        query = (
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            if self.dialect == "postgresql"
            else "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
        with self.engine.connect() as conn:
            return {str(name) for name in conn.exec_driver_sql(query).scalars()}

    def _add_new_indexes(self) -> None:
        """A store made before an index was added to the schema gets it (once: it reads the
        whole table), and drops the indexes the schema retired."""
        present = self._index_names()
        for name in set(schema.RETIRED_INDEXES) & present:
            try:
                with self.engine.begin() as conn:
                    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
            except DBAPIError as exc:
                if not _lost_race(exc):
                    raise
        for table in schema.metadata.sorted_tables:
            for index in table.indexes:
                if index.name in present:
                    continue
                try:
                    index.create(self.engine)
                except DBAPIError as exc:
                    if not _lost_race(exc):  # another run made it meanwhile
                        raise

    def _column_names(self, table_name: str) -> set[str]:
        return {c["name"] for c in inspect(self.engine).get_columns(table_name)}

    def _add_column(self, column: Column[Any]) -> None:
        quote = self.engine.dialect.identifier_preparer.quote
        kind = column.type.compile(dialect=self.engine.dialect)
        ddl = f"ALTER TABLE {quote(column.table.name)} ADD COLUMN {quote(column.name)} {kind}"
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(ddl)
        except DBAPIError:
            # Another run opening the same old store at the same moment may have added it.
            if column.name not in self._column_names(column.table.name):
                raise

    @contextmanager
    def writer_lock(self, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Held by an analyze run from start to end, so that two runs on one store take turns:
        the second one then finds what the first stored, instead of both doing all the work
        and counting each other's articles as near-duplicates. `waiting` is called once when
        another run holds the lock. SQLite: an flock on a sidecar file; PostgreSQL: a session
        advisory lock."""
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                got = conn.execute(sql("SELECT pg_try_advisory_lock(:k)"), {"k": WRITER_LOCK_KEY})
                if not got.scalar():
                    if waiting:
                        waiting()
                    conn.execute(sql("SELECT pg_advisory_lock(:k)"), {"k": WRITER_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(sql("SELECT pg_advisory_unlock(:k)"), {"k": WRITER_LOCK_KEY})
                    conn.commit()
            return
        database = self.engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}{WRITER_LOCK_SUFFIX}", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting:
                    waiting()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        self.engine.dispose()


CREATE_ATTEMPTS = 5
REKEY_QUIETLY = 100_000  # rows a store rewrites when opened without saying so
WRITER_LOCK_KEY = 0x6E657773  # "news": the advisory lock of analyze runs on PostgreSQL


def _lost_race(exc: DBAPIError) -> bool:
    """Another run opening the same new store got there first: it made the table, or (SQLite)
    it wrote between this transaction's read and its write, which busy_timeout cannot wait
    out."""
    message = str(exc)
    return "already exists" in message or "database is locked" in message


def open_store(target: str | Path, existing: bool = False) -> Store:
    """The store at `target` (a SQLite path or a PostgreSQL URL), created when missing. With
    `existing` (reading, reporting, exporting) it must already be a newsprism store: a missing
    path, an empty file or another application's database is an error, and nothing is created
    in it or changed."""
    if existing:
        _check_existing(target)
    try:
        engine = _engine(target)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return Store(engine)
    except StoreError:
        raise
    except Exception as exc:  # any driver or path failure, said in one line
        raise StoreError(f"cannot open the store at {target}: {in_one_line(exc)}") from exc


# A PostgreSQL server that never answers must not hang a run: connecting gives up after this
# many seconds, and one statement after STATEMENT_TIMEOUT_MS (a batch write takes well under).
CONNECT_TIMEOUT_S = 15
STATEMENT_TIMEOUT_MS = 10 * 60 * 1000


def _engine(target: str | Path) -> Engine:
    url = database_url(target)
    if url.startswith("postgresql"):
        timeouts = {
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        }
        return create_engine(url, future=True, connect_args=timeouts)
    return create_engine(url, future=True)


def _check_existing(target: str | Path) -> None:
    text = str(target)
    if "://" in text:
        engine = _engine(text)
        try:
            with engine.connect() as conn:
                found = inspect(conn).has_table(schema.meta.name)
        except Exception as exc:  # any driver failure, said in one line
            raise StoreError(f"cannot open the store at {target}: {in_one_line(exc)}") from exc
        finally:
            engine.dispose()
        if not found:
            raise StoreError(f"{target} holds no newsprism store: run `newsprism analyze` first")
        return
    path = Path(text).expanduser()
    hint = f"run `newsprism analyze PATH --db {text}` first"
    if not path.is_file():
        raise StoreError(f"no store at {text}: {hint}")
    if path.stat().st_size == 0:
        raise StoreError(f"{text} is an empty file, not a newsprism store: {hint}")
    try:
        tables = sqlite_tables(path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot read {text}: {exc}") from exc
    if tables is None or not {schema.meta.name, "article"} <= tables:
        what = "not a SQLite file" if tables is None else "a SQLite database of another application"
        raise StoreError(f"{text} is {what}, not a newsprism store: nothing was changed in it")
