"""Bounds the corpus puts on when an undated article was published.

An article appeared on or after the events it tells as done (with the dates the corpus settled
for them), before an event it still awaits that other articles report done, and around the
days its story's dated articles appeared. Each bound keeps the reason for it; no day is
claimed where the bounds do not close in on one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from newsprism.crosscheck.verdict_reasons import cut
from newsprism.timeline.corpus_dates import ArticleRecords, DatedEvents, awaited_events
from newsprism.timeline.events import Account
from newsprism.understand.published import SLACK_AFTER, SLACK_BEFORE

__all__ = ["corpus_bounds"]

# Dates whose year rests on the article's own inferred date say nothing new about it.
_DONE_BASES = ("text", "corpus")


def corpus_bounds(
    article: ArticleRecords,
    accounts: Sequence[Account],
    events: DatedEvents,
    story_dates: Sequence[tuple[date, str, str]],
) -> dict[str, Any] | None:
    """(article_id, corpus_earliest, corpus_latest, corpus_evidence) for an undated article,
    or None when the corpus says nothing about it. `accounts`: its claims as dated accounts;
    `story_dates`: (day, article id, name) of its story's dated articles."""
    earliest: date | None = None
    latest: date | None = None
    evidence: list[str] = []
    done = [a for a in accounts if a.first is not None and a.basis in _DONE_BASES
            and (a.claim.get("mood") or "fact") == "fact"]
    if done:
        last_done = max(done, key=lambda a: a.first)  # type: ignore[arg-type, return-value]
        earliest = last_done.first
        told = cut(last_done.claim.get("text") or "", 80)
        evidence.append(f"it tells “{told}” as done, dated "
                        f"{last_done.value} ({last_done.basis}): published on or after "
                        f"{earliest.isoformat() if earliest else '?'}")
    if story_dates:
        days = sorted(d for d, _, _ in story_dates)
        lo, hi = days[0] - SLACK_BEFORE, days[-1] + SLACK_AFTER
        names = ", ".join(label for _, _, label in story_dates[:3])
        evidence.append(f"its story's dated articles ({names}) appeared {days[0].isoformat()}"
                        f"..{days[-1].isoformat()}: published between {lo.isoformat()} and "
                        f"{hi.isoformat()}")
        earliest = max(earliest, lo) if earliest else lo
        latest = hi
    for anchor in _awaited_anchors(article, events):
        bound = anchor.first - timedelta(days=1)
        if (earliest and bound < earliest) or (latest and bound >= latest):
            continue
        latest = bound
        evidence.append(f"it tells as still to come what {anchor.reason}: published before "
                        f"{anchor.first.isoformat()}")
    if earliest and latest and latest < earliest:
        evidence.append("these bounds contradict each other: none is kept")
        earliest = latest = None
    if not evidence:
        return None
    return {
        "article_id": article.article_id,
        "corpus_earliest": earliest.isoformat() if earliest else None,
        "corpus_latest": latest.isoformat() if latest else None,
        "corpus_evidence": evidence,
    }


def _awaited_anchors(article: ArticleRecords, events: DatedEvents) -> list[Any]:
    """The dated accounts, in other articles, of what this one tells as still to come."""
    by_class: dict[str, set[str]] = {}
    for action, term in awaited_events(article):
        by_class.setdefault(action, set()).add(term)
    found = []
    for action, terms in by_class.items():
        found += events.anchors([action], frozenset(terms), article.article_id, awaited=True)
    return sorted(found, key=lambda a: a.first)
