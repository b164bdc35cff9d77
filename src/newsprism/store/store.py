"""Reading and writing the store. Every write of one source is one transaction, so a run killed
mid-way leaves whole sources or nothing, and the next run completes it."""

from __future__ import annotations

import fcntl
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy import text as sql
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from newsprism.articles import Article, IngestError
from newsprism.ingest.own_outputs import WRITER_LOCK_SUFFIX, sqlite_tables
from newsprism.store import schema
from newsprism.store.schema import (
    article,
    claim,
    claim_group,
    crosschecked,
    entity,
    ingest_error,
    outlet,
    published_inference,
    sighting,
    source_file,
    span_record,
    story,
    story_alias,
    story_member,
    timeline_event,
    timelined,
    understood,
)


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


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._setup()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

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

    def _insert_ignore(self, table: Any) -> Any:
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        return insert(table)

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

    # -- cross-checking ----------------------------------------------------------------------

    def pending_crosscheck(self, version: str) -> list[str]:
        """Understood articles whose claims this version of cross-checking has not grouped, in
        arrival order. Claims grouped by another version are dropped first: groups are only
        comparable when one version made them all."""
        return self._pending(crosschecked, version, understood, (claim, claim_group))

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

    def stored_claims(self) -> Iterator[tuple[dict[str, Any], str, bytes | None]]:
        """(claim fields, group id, embedding) in the order the claims were grouped. The JSON
        leaves out what the columns hold and fields at their default."""
        columns = (claim.c.id, claim.c.article_id, claim.c.start, claim.c.end, claim.c.text,
                   claim.c.kind)  # fmt: skip
        query = select(claim.c.data, claim.c.group_id, claim.c.vector, *columns)
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(claim.c.seq)):
                fields = {c.name: getattr(row, c.name) for c in columns}
                yield {**json.loads(row.data), **fields}, row.group_id, row.vector

    def save_crosscheck(
        self,
        article_ids: Sequence[str],
        claims: Sequence[dict[str, Any]],
        groups: Sequence[dict[str, Any]],
        version: str,
    ) -> None:
        """One batch of articles' claims and the groups they changed, in one transaction."""
        with self.engine.begin() as conn:
            if claims:
                conn.execute(self._insert_ignore(claim), list(claims))
            for chunk in _chunked([g["id"] for g in groups]):
                conn.execute(delete(claim_group).where(claim_group.c.id.in_(chunk)))
            if groups:
                conn.execute(insert(claim_group), list(groups))
            if article_ids:
                conn.execute(
                    self._insert_ignore(crosschecked),
                    [{"article_id": a, "version": version} for a in dict.fromkeys(article_ids)],
                )

    def claim_groups(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(claim_group))]
        for r in rows:
            r.update(json.loads(r.pop("data")))
        return rows

    # -- stories -----------------------------------------------------------------------------

    def pending_stories(self, version: str) -> list[str]:
        """Cross-checked articles this version of the stories stage has not placed, in arrival
        order. Stories placed by another version (or sentence model) are dropped first: their
        scores and vectors do not compare with this one's."""
        return self._pending(story_member, version, crosschecked, (story, story_alias))

    def stored_story_members(self) -> Iterator[tuple[dict[str, Any], str, bytes | None]]:
        """(article features, story id, lead vector) in the order the articles were placed."""
        query = select(story_member.c.data, story_member.c.story_id, story_member.c.vector)
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(story_member.c.seq)):
                yield json.loads(row.data), row.story_id, row.vector

    def story_aliases(self) -> dict[str, str]:
        """Merged story id → the story that absorbed it."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(story_alias.c.alias, story_alias.c.story_id))
            return {r.alias: r.story_id for r in rows}

    def article_claim_groups(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """The claim groups each of the given articles has a claim in."""
        found: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for chunk in _chunked(list(ids)):
                query = select(claim.c.article_id, claim.c.group_id).where(
                    claim.c.article_id.in_(chunk)
                )
                for r in conn.execute(query):
                    found.setdefault(r.article_id, set()).add(r.group_id)
        return {k: sorted(v) for k, v in found.items()}

    def save_stories(
        self,
        members: Sequence[dict[str, Any]],
        stories: Sequence[dict[str, Any]],
        merges: dict[str, str],
    ) -> None:
        """One batch of placed articles, the stories they changed and the merges they caused
        (retired id → survivor), in one transaction."""
        with self.engine.begin() as conn:
            for retired, survivor in merges.items():
                conn.execute(
                    story_member.update()
                    .where(story_member.c.story_id == retired)
                    .values(story_id=survivor)
                )
                conn.execute(
                    story_alias.update()
                    .where(story_alias.c.story_id == retired)
                    .values(story_id=survivor)
                )
            if merges:
                conn.execute(
                    self._insert_ignore(story_alias),
                    [{"alias": a, "story_id": s} for a, s in merges.items()],
                )
            if members:
                conn.execute(self._insert_ignore(story_member), list(members))
            gone = list(merges) + [s["id"] for s in stories]
            for chunk in _chunked(gone):
                conn.execute(delete(story).where(story.c.id.in_(chunk)))
            if stories:
                conn.execute(insert(story), list(stories))

    def stories(self) -> list[dict[str, Any]]:
        """Live stories, oldest first day first, their JSON fields read."""
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(story))]
        for r in rows:
            r.update(json.loads(r.pop("data")))
        return sorted(rows, key=lambda r: (r["first"] or "9999", r["id"]))

    # -- timeline ----------------------------------------------------------------------------

    def pending_timeline(self, version: str) -> set[str]:
        """Stories whose timeline must be built again: those holding an article this version of
        the timeline stage has not seen in that story. Everything another version made is
        dropped first."""
        with self.engine.begin() as conn:
            stale = conn.execute(
                select(func.count()).select_from(timelined).where(timelined.c.version != version)
            ).scalar_one()
            if stale:
                conn.execute(delete(timeline_event))
                conn.execute(delete(timelined))
            query = select(story_member.c.story_id).outerjoin(
                timelined, timelined.c.article_id == story_member.c.article_id
            ).where(
                timelined.c.article_id.is_(None) | (timelined.c.story_id != story_member.c.story_id)
            )
            return set(conn.execute(query).scalars())

    def story_articles(self, story_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Story id → its articles in the order they were placed (every live story by default)."""
        query = select(story_member.c.story_id, story_member.c.article_id).order_by(
            story_member.c.seq
        )
        found: dict[str, list[str]] = {}
        wanted = set(story_ids) if story_ids is not None else None
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                if wanted is None or r.story_id in wanted:
                    found.setdefault(r.story_id, []).append(r.article_id)
        return found

    def save_timeline(
        self,
        events: dict[str, list[dict[str, Any]]],
        members: dict[str, list[str]],
        version: str,
        timerefs: Sequence[dict[str, Any]] = (),
        bounds: Sequence[dict[str, Any]] = (),
        revisions: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Stories' events built again (story id → events; `members`: story id → its articles),
        the time expressions they settled (id, value, data) and the bounds the corpus puts on
        undated articles' publication (article_id, corpus_earliest, corpus_latest,
        corpus_evidence) and the claim groups its stories revise (id, verdict and fields for the
        group's data), in one transaction. Events of stories merged away go too."""
        with self.engine.begin() as conn:
            self._revise_groups(conn, revisions)
            for b in bounds:
                conn.execute(
                    published_inference.update()
                    .where(published_inference.c.article_id == b["article_id"])
                    .values(
                        corpus_earliest=b["corpus_earliest"], corpus_latest=b["corpus_latest"],
                        corpus_evidence=json.dumps(b["corpus_evidence"], ensure_ascii=False),
                    )
                )  # fmt: skip
            for ref in timerefs:
                conn.execute(
                    span_record.update()
                    .where(span_record.c.id == ref["id"])
                    .values(value=ref["value"], data=ref["data"])
                )
            for chunk in _chunked(list(events)):
                conn.execute(delete(timeline_event).where(timeline_event.c.story_id.in_(chunk)))
            conn.execute(
                delete(timeline_event).where(
                    timeline_event.c.story_id.not_in(select(story_member.c.story_id))
                )
            )
            rows = [
                {
                    "id": e["id"], "story_id": e["story_id"], "first": e["first"],
                    "last": e["last"], "verdict": e["verdict"],
                    "data": json.dumps(e, ensure_ascii=False),
                }
                for story_events in events.values() for e in story_events
            ]  # fmt: skip
            if rows:
                conn.execute(self._insert_ignore(timeline_event), rows)
            done = [
                {"article_id": a, "story_id": s, "version": version}
                for s, ids in members.items() for a in ids
            ]  # fmt: skip
            for chunk in _chunked([d["article_id"] for d in done]):
                conn.execute(delete(timelined).where(timelined.c.article_id.in_(chunk)))
            if done:
                conn.execute(insert(timelined), done)

    @staticmethod
    def _revise_groups(conn: Connection, revisions: Sequence[dict[str, Any]]) -> None:
        for r in revisions:
            row = conn.execute(
                select(claim_group.c.data).where(claim_group.c.id == r["id"])
            ).first()
            if row is None:
                continue
            data = {**json.loads(row.data), **{k: v for k, v in r.items() if k != "id"}}
            conn.execute(
                claim_group.update()
                .where(claim_group.c.id == r["id"])
                .values(verdict=r["verdict"], data=json.dumps(data, ensure_ascii=False))
            )

    def events(self, story_id: str | None = None) -> list[dict[str, Any]]:
        """Events (of one story, or all), as the timeline stage stored them."""
        query = select(timeline_event.c.data)
        if story_id is not None:
            query = query.where(timeline_event.c.story_id == story_id)
        with self.engine.connect() as conn:
            return [json.loads(r.data) for r in conn.execute(query)]

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
            "raw": a.raw,
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
            c for c in article.c if c.name not in ("minhash",) and (with_raw or c.name != "raw")
        ]
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

    # -- search (read by `newsprism serve`) --------------------------------------------------

    def update_search_index(self) -> int:
        """Bring the full-text index over article titles and texts up to date; `analyze` calls
        it at the end of each run, under its writer lock. Returns the articles it added.
        SQLite: an FTS5 table over `article` (external content, rowid = seq: the text is not
        stored twice) filled from the last seq it holds (`meta` SEARCH_SEQ_KEY); articles are
        only ever appended, their title and text never change. PostgreSQL: a GIN index on the
        tsvector expression that `search_articles` queries, which the server keeps up to date.
        Both also index `article.published` (date filters, the corpus's date range)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_article_published ON article (published)"
            )
            if self.dialect == "postgresql":
                conn.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS ix_article_search ON article USING gin "
                    f"(({PG_SEARCH_INDEX_VECTOR}))"
                )
                return 0
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(title, text, "
                f"content='article', content_rowid='seq', tokenize='unicode61 remove_diacritics 2')"
            )
            last = int(conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == SEARCH_SEQ_KEY)
            ).scalar() or 0)  # fmt: skip
            top = conn.execute(select(func.max(article.c.seq))).scalar() or 0
            if top <= last:
                return 0
            added = conn.execute(
                sql(f"INSERT INTO {SEARCH_TABLE} (rowid, title, text) "
                    "SELECT seq, title, text FROM article WHERE seq > :last AND seq <= :top"),
                {"last": last, "top": top},
            ).rowcount  # fmt: skip
            conn.execute(delete(schema.meta).where(schema.meta.c.key == SEARCH_SEQ_KEY))
            conn.execute(insert(schema.meta), [{"key": SEARCH_SEQ_KEY, "value": str(top)}])
            return max(added, 0)

    def search_status(self) -> dict[str, Any]:
        """{"ready": whether the index exists, "pending": stored articles not yet in it (an
        analyze run adds them when it ends)}."""
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(article.c.seq))).scalar() or 0
            if self.dialect == "postgresql":
                return {"ready": True, "pending": 0}
            ready = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (SEARCH_TABLE,)
            ).first() is not None  # fmt: skip
            last = int(conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == SEARCH_SEQ_KEY)
            ).scalar() or 0)  # fmt: skip
            pending = conn.execute(
                select(func.count()).select_from(article).where(article.c.seq > last)
            ).scalar_one() if top > last else 0  # fmt: skip
        return {"ready": ready, "pending": pending}

    def search_articles(
        self,
        words: str | None = None,
        *,
        outlet_id: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
        verdict: str | None = None,
        entity_id: str | None = None,
        order: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        count_cap: int = 10_000,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of articles matching `words` (full text over title and text; every word
        must occur, "quoted phrases" and word* prefixes understood; any other character is
        ignored, never SQL or query syntax) and the filters: an outlet id, a language, a
        publication day range (ISO days, both ends included), a claim verdict its claims
        have, an entity (actor or `geonames:ID` place) it mentions. Rows: id, title, outlet,
        outlet_id, published, language, word_count, and with `words` `title_marked` and
        `snippet`, the matches between SEARCH_MARK characters. Also how many match, counted up
        to `count_cap` (count_cap + 1 means more). Without `words`, the latest stored first;
        with them, the best match first (`order="date"`: the latest published first)."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        where = []
        if outlet_id is not None:
            where.append("a.outlet_id = :outlet_id")
            params["outlet_id"] = outlet_id
        if language is not None:
            where.append("a.language = :language")
            params["language"] = language
        if since is not None:
            where.append("a.published >= :since")
            params["since"] = since
        if until is not None:
            where.append("a.published < :until")
            params["until"] = until + "~"  # any time of that day sorts before "~"
        if verdict is not None:
            where.append(
                "a.id IN (SELECT c.article_id FROM claim c JOIN claim_group g "
                "ON g.id = c.group_id WHERE g.verdict = :verdict)"
            )
            params["verdict"] = verdict
        if entity_id is not None:
            where.append("a.id IN (SELECT s.article_id FROM span_record s "
                         "WHERE s.entity_id = :entity_id)")  # fmt: skip
            params["entity_id"] = entity_id
        start, stop = SEARCH_MARK
        columns = ("a.id, a.title, o.name AS outlet, a.outlet_id, a.published, a.language, "
                   "a.word_count")  # fmt: skip
        joins = "LEFT JOIN outlet o ON o.id = a.outlet_id"
        query = search_query(words) if words else ""
        if not query:
            if words:  # nothing searchable in it (punctuation only)
                return [], 0
            cond = " AND ".join(where) or "1=1"
            body = f"FROM article a {joins} WHERE {cond}"
            listing = f"SELECT {columns} {body} ORDER BY a.seq DESC LIMIT :limit OFFSET :offset"
        elif self.dialect == "postgresql":
            params["q"] = words
            params.update(start=start, stop=stop)
            cond = " AND ".join([f"({PG_SEARCH_VECTOR}) @@ websearch_to_tsquery('english', :q)",
                                 *where])  # fmt: skip
            body = f"FROM article a {joins} WHERE {cond}"
            rank = (f"ts_rank(({PG_SEARCH_VECTOR}), websearch_to_tsquery('english', :q)) DESC"
                    if order != "date" else "a.published DESC NULLS LAST")  # fmt: skip
            options = "'StartSel=' || :start || ', StopSel=' || :stop"
            listing = (
                f"SELECT {columns}, "
                f"ts_headline('english', coalesce(a.title, ''), websearch_to_tsquery('english', "
                f":q), 'HighlightAll=true, ' || {options}) AS title_marked, "
                f"ts_headline('english', left(a.text, 20000), websearch_to_tsquery('english', "
                f":q), 'MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter= … , ' "
                f"|| {options}) AS snippet "
                f"{body} ORDER BY {rank}, a.seq DESC LIMIT :limit OFFSET :offset"
            )
        else:
            params["q"] = query
            params.update(start=start, stop=stop)
            cond = " AND ".join([f"{SEARCH_TABLE} MATCH :q", *where])
            body = (f"FROM {SEARCH_TABLE} JOIN article a ON a.seq = {SEARCH_TABLE}.rowid "
                    f"{joins} WHERE {cond}")  # fmt: skip
            rank = f"{SEARCH_TABLE}.rank" if order != "date" else "a.published DESC"
            listing = (
                f"SELECT {columns}, highlight({SEARCH_TABLE}, 0, :start, :stop) AS title_marked, "
                f"snippet({SEARCH_TABLE}, 1, :start, :stop, ' … ', 32) AS snippet "
                f"{body} ORDER BY {rank}, a.seq DESC LIMIT :limit OFFSET :offset"
            )
        counting = f"SELECT count(*) FROM (SELECT 1 {body} LIMIT :cap) AS found"
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(sql(listing), params)]
            total = conn.execute(sql(counting), {**params, "cap": count_cap + 1}).scalar_one()
        return rows, total

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


# Full-text search over articles (`update_search_index`, `search_articles`): the SQLite FTS5
# table, the `meta` key of the last article seq it holds, the characters around each match in
# titles and snippets (control characters: never markup), and PostgreSQL's tsvector of an
# article (its first 200,000 characters: a tsvector is limited to 1 MB).
SEARCH_TABLE = "article_search"
SEARCH_SEQ_KEY = "search_seq"
SEARCH_MARK = ("\x02", "\x03")
MAX_SEARCH_TERMS = 16


def _pg_vector(table: str) -> str:
    return (f"to_tsvector('english'::regconfig, "
            f"left(coalesce({table}.title, '') || ' ' || {table}.text, 200000))")  # fmt: skip


PG_SEARCH_VECTOR = _pg_vector("a")
PG_SEARCH_INDEX_VECTOR = _pg_vector("article")


def search_query(words: str) -> str:
    """The FTS5 query for what a user typed: every word and "quoted phrase" must occur, a
    trailing * makes a prefix; any other character is dropped, so no input is FTS5 syntax."""
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', words):
        tokens = re.findall(r"\w+", phrase or word)
        if not tokens:
            continue
        if phrase:
            parts.append('"' + " ".join(tokens) + '"')
            continue
        parts += [f'"{t}"' for t in tokens]
        if word.endswith("*"):
            parts[-1] += "*"
    return " ".join(parts[:MAX_SEARCH_TERMS])


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


def _chunked(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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
