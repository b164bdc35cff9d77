"""Stored rows as export records (the export contract in DESIGN.md: `type`, `id`, and for an
article `source`, `outlet`, `title`, `published`, `text`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from newsprism.store import Store

ARTICLE_FIELDS = (
    "type", "id", "source", "format", "outlet", "outlet_source", "domain", "url", "title",
    "title_source",
    "published", "published_precision", "published_source", "language", "language_score",
    "dateline_place", "word_count", "duplicate_group", "duplicate_of", "duplicate_similarity",
    "seen_in", "removed", "text",
)  # fmt: skip
ERROR_FIELDS = ("type", "id", "source", "line", "reason", "first_seen")


def article_records(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.articles():
        row["type"] = "article"
        row["domain"] = row.pop("outlet_domain", None)
        row["format"] = row.pop("fmt", None)
        yield {k: row.get(k) for k in ARTICLE_FIELDS}


def error_records(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.errors():
        row["type"] = "error"
        row["first_seen"] = row["first_seen"].isoformat() if row.get("first_seen") else None
        yield {k: row.get(k) for k in ERROR_FIELDS}


def all_records(store: Store) -> Iterator[dict[str, Any]]:
    yield from article_records(store)
    yield from error_records(store)
