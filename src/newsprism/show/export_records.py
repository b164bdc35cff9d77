"""Stored rows as export records (the export contract of ../shared/DESIGN.md: every record
has `type` and `id`; a derived record has `article_id`, `start`, `end`, `text`; an article has
`source`, `outlet`, `title`, `published`, `text`; a place has `lat`, `lon`; a quantity and a
timeref have `value`; a story has `article_ids`; an event has `story_id`, `value`, `first`,
`last`, `article_ids` and `verdict`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any, get_origin, get_type_hints

from newsprism.store import Store
from newsprism.store.understanding import SPAN_RECORD_FIELDS
from newsprism.timeline.events import EVENT_FIELDS, order_key
from newsprism.understand.components import COMPONENTS

ARTICLE_FIELDS = (
    "type", "id", "source", "format", "outlet", "outlet_source", "outlet_country", "outlet_notes",
    "domain", "url", "title", "title_source",
    "published", "published_precision", "published_source", "published_evidence", "language",
    "language_score", "dateline_place", "word_count", "duplicate_group", "duplicate_of",
    "duplicate_similarity", "seen_in", "removed", "text",
)  # fmt: skip
ERROR_FIELDS = ("type", "id", "source", "line", "reason", "first_seen")
ENTITY_FIELDS = (
    "type", "id", "entity_type", "name", "aliases", "roles", "geonameid", "lat", "lon", "country",
    "admin1", "feature_class", "feature_code",
    "evidence",  # why each name and merge joined this actor (kind, name, article)
    "apart",  # actors a user split from this one (`newsprism actor split`): never merged again
)  # fmt: skip
CLAIM_FIELDS = (
    "type", "id", "kind", "verdict", "confidence", "independent_outlets", "first_seen", "statement",
    "reason",
    "sources", "evidence", "related", "articles",
)  # fmt: skip
STORY_FIELDS = (
    "type", "id", "title", "article_ids", "outlets", "first", "last", "actors", "places",
    "countries", "size", "aliases", "actor_ids", "claim_groups",
)  # fmt: skip
SPAN_FIELDS = SPAN_RECORD_FIELDS
# An actor mention's own `type` (person, organization...) is exported as `entity_type`.
# Each span record type and the component record it is made from.
SPAN_SOURCES: dict[str, type] = {c.record_type: c.record for c in COMPONENTS}
# A yearless date the corpus settled (stages/timeline.py): what the article wrote, why that
# year, which articles.
CORPUS_DATE_FIELDS = ("written_value", "corpus_reason", "anchor_articles")
EXTRA_LIST_FIELDS = frozenset({"anchor_articles"})
# Fields a span record has beyond its component's: those of its article's understanding it
# carries, and what the timeline adds.
EXTRA_FIELDS = {
    c.record_type: c.article_fields + (CORPUS_DATE_FIELDS if c.record_type == "timeref" else ())
    for c in COMPONENTS
}


def _list_fields(kind: str) -> tuple[str, ...]:
    """The fields of a span record type that hold lists: its component record's list and
    tuple fields, and the timeline's list of articles that settled a date."""
    hints = get_type_hints(SPAN_SOURCES[kind])
    own = tuple(
        f.name for f in fields(SPAN_SOURCES[kind])
        if get_origin(hints[f.name]) in (list, tuple)
    )  # fmt: skip
    return own + tuple(f for f in EXTRA_FIELDS[kind] if f in EXTRA_LIST_FIELDS)


SPAN_LIST_FIELDS = {kind: found for kind in SPAN_SOURCES if (found := _list_fields(kind))}


def span_fields(kind: str) -> tuple[str, ...]:
    own = tuple(
        "entity_type" if f.name == "type" else f.name
        for f in fields(SPAN_SOURCES[kind])
        if f.name not in SPAN_FIELDS[2:]
    )
    return SPAN_FIELDS + own + EXTRA_FIELDS.get(kind, ())


def article_records(store: Store) -> Iterator[dict[str, Any]]:
    inferences = store.published_inferences()
    for row in store.articles():
        row["type"] = "article"
        row["domain"] = row.pop("outlet_domain", None)
        row["format"] = row.pop("fmt", None)
        inference = inferences.get(row["id"])
        if inference:
            row["published_evidence"] = {
                k: inference.get(k) for k in (
                    "earliest", "latest", "best", "confidence", "evidence", "corpus_earliest",
                    "corpus_latest", "corpus_evidence",
                )
            }
        yield {k: row.get(k) for k in ARTICLE_FIELDS}


def error_records(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.errors():
        row["type"] = "error"
        row["first_seen"] = row["first_seen"].isoformat() if row.get("first_seen") else None
        yield {k: row.get(k) for k in ERROR_FIELDS}


def entity_records(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.entities():
        data = json.loads(row.pop("data") or "{}")
        record = {
            **row,
            "type": "entity",
            "aliases": json.loads(row["aliases"]),
            "roles": json.loads(row["roles"]),
            **data,
        }
        yield {k: record.get(k) for k in ENTITY_FIELDS}


def claim_records(store: Store) -> Iterator[dict[str, Any]]:
    """Claim groups: what is claimed, the verdict, and the evidence for and against (each an
    article span with its outlet and stance: asserts, reports-as-said-by, disputes)."""
    for row in sorted(store.claim_groups(), key=lambda g: (g["first_seen"] or "", g["id"])):
        yield {**{k: row.get(k) for k in CLAIM_FIELDS}, "type": "claim"}


def story_records(store: Store) -> Iterator[dict[str, Any]]:
    """Stories: articles about one happening, with their title, outlets, days, key actors and
    places; `aliases` are the ids of stories merged into it, which resolve to it."""
    for row in store.stories():
        yield {**{k: row.get(k) for k in STORY_FIELDS}, "type": "story"}


def event_records(store: Store) -> Iterator[dict[str, Any]]:
    """Events: the dated things that happened in each story, in the order they happened, each
    with how sure its date is, its verdict, the outlets that tell it and the evidence spans."""
    for row in sorted(store.events(), key=order_key):
        yield {k: row.get(k) for k in EVENT_FIELDS}


def _span_reader(kind: str) -> Callable[[Store], Iterator[dict[str, Any]]]:
    return lambda store: store.span_records(kind)


READERS: dict[str, Callable[[Store], Iterator[dict[str, Any]]]] = {
    "article": article_records,
    "entity": entity_records,
    **{kind: _span_reader(kind) for kind in SPAN_SOURCES},
    "claim": claim_records,
    "story": story_records,
    "event": event_records,
    "error": error_records,
}
RECORD_TYPES = tuple(READERS)


def record_fields(kind: str) -> tuple[str, ...]:
    if kind in SPAN_SOURCES:
        return span_fields(kind)
    return {
        "article": ARTICLE_FIELDS,
        "entity": ENTITY_FIELDS,
        "claim": CLAIM_FIELDS,
        "story": STORY_FIELDS,
        "event": EVENT_FIELDS,
        "error": ERROR_FIELDS,
    }[kind]


def records(store: Store, kind: str | None = None) -> Iterator[dict[str, Any]]:
    """Every record, or those of one `kind`, as exported."""
    if kind is not None and kind not in READERS:
        raise ValueError(f"unknown record type {kind!r}: use one of {', '.join(READERS)}")
    for name in [kind] if kind else RECORD_TYPES:
        yield from READERS[name](store)


