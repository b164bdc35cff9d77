"""Publication dates for undated articles, settled across the corpus: the article's own
evidence (from the understanding stage) narrowed by the dates of the other articles that tell
the same events, here the dated members of its near-duplicate group (syndicated copies)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from newsprism.articles import iso_day
from newsprism.store import Store
from newsprism.understand.article import ArticleUnderstanding, resolve_times
from newsprism.understand.published import PublishedEstimate, combine_estimates


class PublishedLinker:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._siblings: dict[str, list[str]] = {}  # of the batch being linked

    def expect(self, article_ids: Sequence[str]) -> None:
        """Look up the near-duplicate copies of a batch's articles at once, before settling
        them one by one: two queries a batch rather than two an article (a Dask client spent
        2 s of its CPU on them in 1,000 articles, beside the workers)."""
        self._siblings = self._store.duplicate_siblings_of(article_ids)

    def related(self, article_id: str) -> list[tuple[date, str]]:
        siblings = self._siblings.get(article_id)
        if siblings is None:
            siblings = self._store.duplicate_siblings(article_id)
        if not siblings:
            return []
        related = []
        for sibling, published in self._store.dated_articles(siblings).items():
            day = iso_day(published)
            if day is None:
                continue
            related.append((day, f"a copy of this article ({sibling[:12]}) is dated {day}"))
        return related

    def settle(self, result: ArticleUnderstanding, text: str) -> dict[str, Any] | None:
        """The inference record for an undated article (None for a dated one); when the corpus
        moves the best date, the article's times are anchored again to it. Dated copies are
        the corpus's own evidence and outrank the text's: they can set a best date the text
        left open."""
        if result.estimate is None:
            return None
        estimate = result.estimate
        related = self.related(result.article_id)
        if related:
            estimate = combine_estimates(estimate, related)
            result.estimate = estimate
            if estimate.best is not None and estimate.best != result.anchor:
                resolve_times(result, text, estimate.best, source="inferred")
        return {
            "article_id": result.article_id,
            "precision": _precision(estimate),
            "earliest": estimate.earliest.isoformat() if estimate.earliest else None,
            "latest": estimate.latest.isoformat() if estimate.latest else None,
            "best": estimate.best.isoformat() if estimate.best else None,
            "evidence": list(estimate.evidence),
            "confidence": estimate.confidence,
        }


def _precision(estimate: PublishedEstimate) -> str:
    if estimate.best is None:
        # No day is claimed: at most a lower bound ("open" when not even that).
        return "lower-bound" if estimate.earliest else "open"
    if estimate.earliest and estimate.earliest == estimate.latest:
        return "day"
    return "range" if estimate.latest else "lower-bound"
