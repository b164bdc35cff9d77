"""The store's understanding records: each article's span records (actors, places, dates,
quantities, quotes, labels, techniques, actions), the entities they link to, and the
publication dates inferred for articles without one."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.engine import Connection

from newsprism.articles import IngestError
from newsprism.store.base import StoreBase, chunked
from newsprism.store.schema import (
    article,
    entity,
    published_inference,
    span_record,
    understood,
)
from newsprism.store.span_codec import (
    SPAN_RECORD_FIELDS,
    in_text_order,
    read_record,
    span_select,
    stored_row,
)

__all__ = ["SPAN_RECORD_FIELDS", "UnderstandingRecords"]


def update_span(conn: Connection, record: dict[str, Any], **values: Any) -> None:
    """Change one stored span record (a record as read_record gives it): the row is found by
    its article, type and offsets, and among rows on the same span (a quote's two speakers, a
    headline's record) by the id its fields give."""
    query = span_select(
        article.c.id == record["article_id"],
        span_record.c.type == record["type"],
        span_record.c.start == record["start"],
        span_record.c.end == record["end"],
    )
    for row in conn.execute(query).mappings().all():
        if read_record(row)["id"] == record["id"]:
            conn.execute(
                span_record.update()
                .where(span_record.c.article_seq == row["article_seq"],
                       span_record.c.ordinal == row["ordinal"])
                .values(values)
            )  # fmt: skip


def article_seqs(conn: Connection, ids: Iterable[str]) -> dict[str, int]:
    """article id → its seq, the key its span rows and claims hold (of the ids that are
    stored)."""
    seqs: dict[str, int] = {}
    for chunk in chunked(list(dict.fromkeys(ids))):
        query = select(article.c.id, article.c.seq).where(article.c.id.in_(chunk))
        seqs.update({r.id: r.seq for r in conn.execute(query)})
    return seqs


class UnderstandingRecords(StoreBase):
    """What the understanding stage stores and later stages read: span records, entities and
    inferred publication dates."""

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
        texts: Mapping[str, str] | None = None,
    ) -> None:
        """Store what the understanding stage found in a batch of articles, in one transaction:
        their span records replace any earlier ones, entities are merged (aliases and roles
        only grow), inferred publication dates are set where the article has none of its own,
        and the articles that could not be understood leave their error records. `texts`
        (article id → the text the records index, as the stage read it) lets a quote's row
        leave its words to the article (derived_text.py); without it every row keeps its own."""
        now = datetime.now(UTC)
        ids = list(article_ids)
        with self.engine.begin() as conn:
            seqs = article_seqs(conn, [*ids, *(r["article_id"] for r in rows)])
            for chunk in chunked(ids):
                held = [seqs[i] for i in chunk if i in seqs]
                conn.execute(delete(span_record).where(span_record.c.article_seq.in_(held)))
                conn.execute(delete(understood).where(understood.c.article_id.in_(chunk)))
            if rows:
                missing = sorted({r["article_id"] for r in rows} - seqs.keys())
                if missing:
                    raise ValueError(
                        f"records of articles that are not stored: {', '.join(missing[:3])}"
                    )
                ordinals: Counter[str] = Counter()
                stored = []
                for r in rows:
                    seq, ordinal = seqs[r["article_id"]], ordinals[r["article_id"]]
                    stored.append(stored_row(r, seq, ordinal, (texts or {}).get(r["article_id"])))
                    ordinals[r["article_id"]] += 1
                self._insert_rows(conn, span_record, stored)
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
        for chunk in chunked(list(merged)):
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
            UnderstandingRecords._merge_entities(conn, [merged])
            conn.execute(delete(entity).where(entity.c.id == retired))

    def mention_links(self) -> list[tuple[str, str]]:
        """(article, entity) of every stored actor mention: who appeared with whom."""
        query = (
            select(article.c.id.label("article_id"), span_record.c.entity_id)
            .join_from(span_record, article, article.c.seq == span_record.c.article_seq)
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
            for chunk in chunked(list(ids)):
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
            yield read_record(row)

    def span_records_by_article(
        self, article_ids: Iterable[str], kind: str | Collection[str] | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """Each given article's span records (of `kind`: one type or several), as span_records
        reads them for one article, in a query a chunk of articles rather than one each: a
        stage reading a batch of articles pays one round trip for them."""
        by_article: dict[str, list[dict[str, Any]]] = {a: [] for a in article_ids}
        with self.engine.connect() as conn:
            for chunk in chunked(sorted(by_article)):
                query = _of_kind(in_text_order(span_select(article.c.id.in_(chunk))), kind)
                result = conn.execute(query)
                # each row as a plain dict, whose lookups cost a tenth of a RowMapping's
                keys = list(result.keys())
                for values in result:
                    record = read_record(dict(zip(keys, values, strict=True)))
                    by_article[record["article_id"]].append(record)
        return by_article

    def span_rows(
        self, kind: str | None = None, article_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The stored rows themselves, with their article's id, the record's own fields still
        JSON in `data` (without its defaults: see span_codec)."""
        query = _of_kind(in_text_order(span_select()), kind)
        if article_id:
            query = query.where(article.c.id == article_id)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield dict(row._mapping)

    def entities(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(entity).order_by(entity.c.id))]

    def entity_names(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """The names of the given entities, by id (those the store holds)."""
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for ids in chunked(sorted(set(entity_ids))):
                query = select(entity.c.id, entity.c.name).where(entity.c.id.in_(ids))
                found.update((r.id, r.name) for r in conn.execute(query))
        return found

    def published_inferences(self) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(published_inference))]
        for r in rows:
            r["evidence"] = json.loads(r["evidence"])
            r["corpus_evidence"] = json.loads(r.get("corpus_evidence") or "[]")
        return {r["article_id"]: r for r in rows}


def _of_kind(query: Select[Any], kind: str | Collection[str] | None) -> Select[Any]:
    """`query` kept to span records of `kind` (one type or several; every type if none)."""
    if kind and isinstance(kind, str):
        return query.where(span_record.c.type == kind)
    if kind:
        return query.where(span_record.c.type.in_(sorted(kind)))
    return query
