"""Linking across the corpus, one understood article at a time in arrival order: its actors
join the corpus's entities, its places their GeoNames entity, and an undated article's
publication date is settled with the dates of its copies. Loaded from the store, extended,
never recomputed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsprism.link.entities import EntityIndex
from newsprism.link.published import PublishedLinker
from newsprism.link.span_rows import (
    actor_entity_rows,
    entity_from_row,
    link_article,
    place_entity_rows,
)
from newsprism.store import Store
from newsprism.understand.article import ArticleUnderstanding


class CorpusLinker:
    def __init__(self, store: Store) -> None:
        self.entities = EntityIndex.from_entities(
            (entity_from_row(r) for r in store.entities() if r["entity_type"] != "place"),
            links=store.mention_links(),
        )
        self.dates = PublishedLinker(store)

    def expect(self, article_ids: Sequence[str]) -> None:
        """Say which articles are linked next (a batch): what they need of the store is then
        read for all of them at once."""
        self.dates.expect(article_ids)

    def link(
        self, result: ArticleUnderstanding, text: str, title: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """The article's span records with entity ids, and its publication-date inference
        (None for a dated article). Settling the date first: it may anchor the times again."""
        inference = self.dates.settle(result, text)
        return link_article(result, self.entities, text, title), inference

    def entity_rows(self, linked: Sequence[ArticleUnderstanding]) -> list[dict[str, Any]]:
        """The entities a batch created or changed, actors and places, as store rows."""
        return actor_entity_rows(self.entities.changed()) + place_entity_rows(
            p for result in linked for p in result.places
        )

    def merged(self) -> dict[str, str]:
        """Entities found to be one since the last call: retired id → surviving id."""
        return self.entities.merged()
