"""Reading and writing the store. Every write of one source is one transaction, so a run killed
mid-way leaves whole sources or nothing, and the next run completes it."""

from __future__ import annotations

import fcntl
import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from newsprism.articles import Article, IngestError
from newsprism.ingest.own_outputs import WRITER_LOCK_SUFFIX, sqlite_tables
from newsprism.store import schema
from newsprism.store.base import _chunked
from newsprism.store.claims import ClaimRecords
from newsprism.store.schema import (
    article,
    entity,
    ingest_error,
    outlet,
    published_inference,
    sighting,
    source_file,
    span_record,
    understood,
)
from newsprism.store.search import SEARCH_MARK, SearchIndex  # noqa: F401 - read by web/app.py
from newsprism.store.stories import StoryRecords
from newsprism.store.timeline import TimelineRecords


class StoreError(RuntimeError):
    pass


def outlet_id(name: str) -> str:
    slug = re.sub(r"[^\w.]+", "-", name.casefold()).strip("-")
    return slug or "unknown"


def _outlet_row(
    name: str, domain: str | None = None, country: str | None = None, notes: str | None = None
) -> dict[str, Any]:
    return {
        "id": outlet_id(name), "name": name, "domain": domain, "country": country, "notes": notes,
    }  # fmt: skip


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


class Store(ClaimRecords, StoryRecords, TimelineRecords, SearchIndex):
    """The store: what ingest, understanding and linking write and read here; claims, stories,
    timelines and search in their own modules."""

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
        self._add_new_indexes()

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
        whole table)."""
        present = self._index_names()
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

    # -- writing -----------------------------------------------------------------------------

    def save(
        self,
        articles: Iterable[Article],
        sightings: Iterable[dict[str, Any]],
        errors: Iterable[IngestError],
        completed_files: Sequence[tuple[str, int, int]] = (),
    ) -> int:
        """Store one batch in one transaction; return how many articles were new.
        `completed_files` (path, size, mtime_ns) are the files this batch finishes."""
        now = datetime.now(UTC)
        articles = list(articles)
        with self.engine.begin() as conn:
            self._save_outlets(conn, articles, sightings)
            new = 0
            if articles:
                existing = self._existing_ids(conn, [a.id for a in articles])
                rows = [self._article_row(a, now) for a in articles if a.id not in existing]
                if rows:
                    conn.execute(self._insert_ignore(article), rows)
                    new = len(rows)
            sighting_rows = [
                {
                    "article_id": s["article_id"],
                    "source": s["source"],
                    "outlet_id": outlet_id(s["outlet"]) if s.get("outlet") else None,
                    "title": s.get("title"),
                    "url": s.get("url"),
                    "published": s.get("published"),
                }
                for s in sightings
            ]
            if sighting_rows:
                conn.execute(self._insert_ignore(sighting), sighting_rows)
            self._save_errors(conn, errors, now)
            if completed_files:
                paths = [path for path, _, _ in completed_files]
                conn.execute(delete(source_file).where(source_file.c.path.in_(paths)))
                conn.execute(
                    insert(source_file),
                    [
                        {"path": p, "size": size, "mtime_ns": mtime, "completed_at": now}
                        for p, size, mtime in dict.fromkeys(completed_files)
                    ],
                )
        return new

    def _save_outlets(
        self, conn: Connection, articles: list[Article], sightings: Iterable[dict[str, Any]]
    ) -> None:
        """Outlets a batch names, not yet stored, with the country and notes of the outlet
        manifest (update_outlets gives them to outlets stored before)."""
        rows = {
            outlet_id(a.outlet): _outlet_row(a.outlet, a.domain, a.outlet_country, a.outlet_notes)
            for a in articles
            if a.outlet
        }
        for s in sightings:
            if s.get("outlet"):
                rows.setdefault(
                    outlet_id(s["outlet"]),
                    _outlet_row(s["outlet"], None, s.get("outlet_country"), s.get("outlet_notes")),
                )
        if rows:
            conn.execute(self._insert_ignore(outlet), list(rows.values()))

    def update_outlets(self, details: Iterable[tuple[str, str | None, str | None]]) -> None:
        """Give stored outlets the name, country and notes of the outlet manifest: the user's
        word replaces what an earlier run stored, even when no new article is read."""
        with self.engine.begin() as conn:
            for name, country, notes in details:
                conn.execute(
                    outlet.update()
                    .where(outlet.c.id == outlet_id(name))
                    .values(name=name, country=country, notes=notes)
                )

    def _save_errors(self, conn: Connection, errors: Iterable[IngestError], now: datetime) -> None:
        rows = [
            {"id": e.id, "source": e.source, "line": e.line, "reason": e.reason, "first_seen": now}
            for e in errors
        ]
        if rows:
            conn.execute(self._insert_ignore(ingest_error), rows)

    def save_understanding(
        self,
        article_ids: Sequence[str],
        rows: Sequence[dict[str, Any]],
        entities: Sequence[dict[str, Any]],
        inferences: Sequence[dict[str, Any]],
        version: str,
        model: str,
        merges: dict[str, str] | None = None,
        errors: Sequence[IngestError] = (),
    ) -> None:
        """Store what the understanding stage found in a batch of articles, in one transaction:
        their span records replace any earlier ones, entities are merged (aliases and roles
        only grow), inferred publication dates are set where the article has none of its own,
        and the articles that could not be understood leave their error records."""
        now = datetime.now(UTC)
        ids = list(article_ids)
        with self.engine.begin() as conn:
            for chunk in _chunked(ids):
                conn.execute(delete(span_record).where(span_record.c.article_id.in_(chunk)))
                conn.execute(delete(understood).where(understood.c.article_id.in_(chunk)))
            if rows:
                conn.execute(insert(span_record), list(rows))
            if entities:
                self._merge_entities(conn, entities)
            if merges:
                self._retire_entities(conn, merges)
            for inference in inferences:
                self._save_inference(conn, inference)
            self._save_errors(conn, errors, now)
            if ids:
                conn.execute(
                    insert(understood),
                    [
                        {"article_id": i, "version": version, "model": model, "understood_at": now}
                        for i in dict.fromkeys(ids)
                    ],
                )

    @staticmethod
    def _merge_entities(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        merged = {r["id"]: dict(r) for r in rows}
        for chunk in _chunked(list(merged)):
            for old in conn.execute(select(entity).where(entity.c.id.in_(chunk))):
                new = merged[old.id]
                for key in ("aliases", "roles"):
                    union = set(json.loads(old._mapping[key])) | set(json.loads(new[key]))
                    new[key] = json.dumps(sorted(union), ensure_ascii=False)
            conn.execute(delete(entity).where(entity.c.id.in_(chunk)))
        conn.execute(insert(entity), list(merged.values()))

    @staticmethod
    def _retire_entities(conn: Connection, merges: dict[str, str]) -> None:
        """Entities found to be one: records of the retired id point to the survivor, which
        takes over its aliases and roles."""
        for retired, survivor in merges.items():
            conn.execute(
                span_record.update()
                .where(span_record.c.entity_id == retired)
                .values(entity_id=survivor)
            )
            old = conn.execute(select(entity).where(entity.c.id == retired)).mappings().first()
            if old is None:
                continue
            kept = conn.execute(select(entity).where(entity.c.id == survivor)).mappings().first()
            # The survivor keeps its own name and type and gains the retired aliases and roles.
            merged = {**old, **(kept or {}), "id": survivor}
            merged["aliases"], merged["roles"] = old["aliases"], old["roles"]
            Store._merge_entities(conn, [merged])
            conn.execute(delete(entity).where(entity.c.id == retired))

    def mention_links(self) -> list[tuple[str, str]]:
        """(article, entity) of every stored actor mention: who appeared with whom."""
        query = (
            select(span_record.c.article_id, span_record.c.entity_id)
            .where(span_record.c.type == "mention", span_record.c.entity_id.is_not(None))
            .distinct()
        )
        with self.engine.connect() as conn:
            return [(r.article_id, r.entity_id) for r in conn.execute(query)]

    @staticmethod
    def _save_inference(conn: Connection, inference: dict[str, Any]) -> None:
        article_id = inference["article_id"]
        conn.execute(
            delete(published_inference).where(published_inference.c.article_id == article_id)
        )
        precision = inference.pop("precision", "day")
        conn.execute(
            insert(published_inference),
            [{
                **inference,
                "evidence": json.dumps(inference["evidence"], ensure_ascii=False),
                "confidence": inference.get("confidence"),
            }],
        )
        if inference.get("best"):
            # Only an article without a date of its own (or with an earlier inference) changes.
            conn.execute(
                article.update()
                .where(article.c.id == article_id)
                .where((article.c.published.is_(None)) | (article.c.published_source == "inferred"))
                .values(
                    published=inference["best"],
                    published_precision=precision,
                    published_source="inferred",
                )
            )

    def pending_understanding(self, version: str) -> list[str]:
        """Articles not yet read by this version of the understanding stage, in arrival order."""
        done = select(understood.c.article_id).where(understood.c.version == version)
        query = select(article.c.id).where(article.c.id.not_in(done)).order_by(article.c.seq)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def understanding_inputs(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        cols = (
            article.c.id, article.c.text, article.c.published, article.c.published_source,
            article.c.dateline_place, article.c.duplicate_of, article.c.title, article.c.source,
        )  # fmt: skip
        order = {article_id: n for n, article_id in enumerate(ids)}
        found = []
        with self.engine.connect() as conn:
            for chunk in _chunked(list(ids)):
                found += [
                    dict(r._mapping)
                    for r in conn.execute(select(*cols).where(article.c.id.in_(chunk)))
                ]
        return sorted(found, key=lambda r: order[r["id"]])

    def span_records(
        self, kind: str | None = None, article_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Span records as the understanding stage made them (type, id, article_id, start, end,
        text, entity_id and the record's own fields), in article and text order: what later
        stages read and exports show."""
        for row in self.span_rows(kind, article_id):
            yield _span_record(row)

    def span_records_of(self, kind: str, article_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Span records of one type for the given articles only (decoded as span_records)."""
        with self.engine.connect() as conn:
            for chunk in _chunked(sorted(set(article_ids))):
                query = select(span_record).where(
                    span_record.c.type == kind, span_record.c.article_id.in_(chunk)
                )
                for row in conn.execute(query):
                    yield _span_record(dict(row._mapping))

    def span_rows(
        self, kind: str | None = None, article_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The stored rows themselves, the record's own fields still JSON in `data`."""
        query = select(span_record).order_by(span_record.c.article_id, span_record.c.start)
        if kind:
            query = query.where(span_record.c.type == kind)
        if article_id:
            query = query.where(span_record.c.article_id == article_id)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield dict(row._mapping)

    def entities(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(entity).order_by(entity.c.id))]

    def published_inferences(self) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(published_inference))]
        for r in rows:
            r["evidence"] = json.loads(r["evidence"])
            r["corpus_evidence"] = json.loads(r.get("corpus_evidence") or "[]")
        return {r["article_id"]: r for r in rows}

    def dated_articles(self, ids: Sequence[str]) -> dict[str, str]:
        """Publication dates (not inferred) of the given articles that have one."""
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for chunk in _chunked(list(ids)):
                query = select(article.c.id, article.c.published).where(
                    article.c.id.in_(chunk),
                    article.c.published.is_not(None),
                    (article.c.published_source.is_(None))
                    | (article.c.published_source != "inferred"),
                )
                found.update({r.id: r.published for r in conn.execute(query)})
        return found

    def duplicate_siblings(self, article_id: str) -> list[str]:
        """The other members of the article's near-duplicate group (empty when it has none)."""
        with self.engine.connect() as conn:
            original = conn.execute(
                select(article.c.duplicate_of).where(article.c.id == article_id)
            ).scalar()
            group = original or article_id
            query = select(article.c.id).where(
                (article.c.duplicate_of == group) | (article.c.id == group)
            )
            return [i for i in conn.execute(query).scalars() if i != article_id]

    def article_meta(self) -> dict[str, dict[str, Any]]:
        """Outlet, date (and whether it was inferred), title and near-duplicate group of every
        article (no text)."""
        query = select(
            article.c.id, article.c.title, article.c.published, article.c.published_source,
            article.c.duplicate_of, article.c.source, outlet.c.name.label("outlet"),
        ).select_from(article.outerjoin(outlet, article.c.outlet_id == outlet.c.id))  # fmt: skip
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        originals = {r["duplicate_of"] for r in rows if r["duplicate_of"]}
        for r in rows:
            r["duplicate_group"] = r["duplicate_of"] or (r["id"] if r["id"] in originals else None)
        return {r["id"]: r for r in rows}

    def completed_files(self) -> dict[str, tuple[int, int]]:
        """Files read to the end by earlier runs: path → (size, mtime_ns)."""
        query = select(source_file.c.path, source_file.c.size, source_file.c.mtime_ns)
        with self.engine.connect() as conn:
            return {row.path: (row.size, row.mtime_ns) for row in conn.execute(query)}

    @staticmethod
    def _existing_ids(conn: Connection, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            found.update(
                conn.execute(select(article.c.id).where(article.c.id.in_(chunk))).scalars()
            )
        return found

    @staticmethod
    def _article_row(a: Article, now: datetime) -> dict[str, Any]:
        return {
            "id": a.id,
            "source": a.source,
            "fmt": a.fmt,
            "outlet_id": outlet_id(a.outlet) if a.outlet else None,
            "outlet_source": a.outlet_source,
            "url": a.url,
            "title": a.title,
            "title_source": a.title_source,
            "published": a.published,
            "published_precision": a.published_precision,
            "published_source": a.published_source,
            "language": a.language,
            "language_score": a.language_score,
            "dateline_place": a.dateline_place,
            "word_count": a.word_count,
            "text": a.text,
            "raw": "",
            "raw_zlib": pack_raw(a.raw),
            "offsets": json.dumps(a.offsets, separators=(",", ":")),
            "removed": json.dumps([asdict(r) for r in a.removed], ensure_ascii=False),
            "minhash": a.minhash,
            "duplicate_of": a.duplicate_of,
            "duplicate_similarity": a.duplicate_similarity,
            "ingested_at": now,
        }

    # -- reading -----------------------------------------------------------------------------

    def known_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(article.c.id)).scalars())

    def signatures(self) -> Iterator[tuple[str, bytes, str | None]]:
        """(id, MinHash signature, duplicate_of) in arrival order, for the near-duplicate index."""
        query = select(article.c.id, article.c.minhash, article.c.duplicate_of).order_by(
            article.c.seq
        )
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                if row.minhash:
                    yield row.id, bytes(row.minhash), row.duplicate_of

    def count(self, table: str = "article") -> int:
        t = schema.metadata.tables[table]
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t)).scalar_one()

    def articles(self, with_raw: bool = False) -> list[dict[str, Any]]:
        """Articles in arrival order, with outlet name, duplicate group and where each was seen."""
        cols = [
            c for c in article.c
            if c.name not in ("minhash", "raw_zlib") and (with_raw or c.name != "raw")
        ]  # fmt: skip
        if with_raw:
            cols.append(article.c.raw_zlib)
        query = (
            select(
                *cols,
                outlet.c.name.label("outlet"),
                outlet.c.domain.label("outlet_domain"),
                outlet.c.country.label("outlet_country"),
                outlet.c.notes.label("outlet_notes"),
            )
            .select_from(article.outerjoin(outlet, article.c.outlet_id == outlet.c.id))
            .order_by(article.c.seq)
        )
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
            seen: dict[str, list[dict[str, Any]]] = {}
            sq = select(sighting, outlet.c.name.label("outlet")).select_from(
                sighting.outerjoin(outlet, sighting.c.outlet_id == outlet.c.id)
            )
            for s in conn.execute(sq.order_by(sighting.c.source)):
                seen.setdefault(s.article_id, []).append(
                    {"source": s.source, "outlet": s.outlet, "title": s.title, "url": s.url}
                )
        originals = {r["duplicate_of"] for r in rows if r["duplicate_of"]}
        for r in rows:
            if with_raw:
                r["raw"] = raw_text(r.pop("raw_zlib"), r["raw"])
            r["offsets"] = json.loads(r["offsets"])
            r["removed"] = json.loads(r["removed"])
            r["duplicate_group"] = r["duplicate_of"] or (r["id"] if r["id"] in originals else None)
            r["seen_in"] = seen.get(r["id"], [])
            r.pop("seq", None)
        return rows

    def errors(self) -> list[dict[str, Any]]:
        query = select(ingest_error).order_by(ingest_error.c.source, ingest_error.c.line)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def outlets(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(outlet).order_by(outlet.c.name))]

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
WRITER_LOCK_KEY = 0x6E657773  # "news": the advisory lock of analyze runs on PostgreSQL

# The columns every span record has; the rest of a record is its own (`data`).
SPAN_RECORD_FIELDS = ("type", "id", "article_id", "start", "end", "text", "entity_id")


def _lost_race(exc: DBAPIError) -> bool:
    """Another run opening the same new store got there first: it made the table, or (SQLite)
    it wrote between this transaction's read and its write, which busy_timeout cannot wait
    out."""
    message = str(exc)
    return "already exists" in message or "database is locked" in message


def _span_record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored span row as the read contract gives it: its columns, then its own fields."""
    data = json.loads(row["data"])
    return {**{k: row[k] for k in SPAN_RECORD_FIELDS}, **data}


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
    except Exception as exc:  # noqa: BLE001 - any driver or path failure, said in one line
        raise StoreError(f"cannot open the store at {target}: {exc}") from exc


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
        except Exception as exc:  # noqa: BLE001 - any driver failure, said in one line
            raise StoreError(f"cannot open the store at {target}: {exc}") from exc
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


def pack_raw(raw: str) -> bytes:
    """The text as read, compressed for the store (schema.article.raw_zlib)."""
    return zlib.compress(raw.encode("utf-8"), 6)


def raw_text(packed: bytes | None, stored: str) -> str:
    """The text as read: from raw_zlib, or from raw in a store written before it."""
    return zlib.decompress(packed).decode("utf-8") if packed is not None else stored
