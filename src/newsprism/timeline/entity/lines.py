"""Timelines as SemEval-2015 Task 4 (TimeLine) writes them: event mentions of several
articles grouped into event lines and ordered by date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsprism.timeline.entity.dating import UNKNOWN
from newsprism.timeline.entity.event_mentions import EventMention


@dataclass(frozen=True)
class TimelineLine:
    """One event on a timeline: mentions from one or more articles told as the same event."""

    order: int  # 0: undated (placed first, as SemEval-2015 Task 4 wants); 1...: by date
    date: str
    lemma: str
    mentions: tuple[EventMention, ...]


def date_key(value: str) -> tuple[int, int, int]:
    """Sort key of a date: coarser dates before the finer ones they contain ("2007" before
    "2007-01" before "2007-01-09"), as the task's timelines place them."""
    parts = [p for p in value.split("-") if p and "X" not in p]
    year, month, day = (int(p) for p in (parts + ["0", "0", "0"])[:3])
    return year, month, day


def build_timeline(events: Iterable[EventMention]) -> list[TimelineLine]:
    """Group mentions into event lines — the same lemma on the same date is one event, told by
    one or several articles, as the task's systems grouped them — and order the lines by
    date. Events of one date share a position: a date says they happened together, and
    nothing else read here orders them. Undated events go first with order 0, as the task
    wants them (its scorer leaves them out of the ordering)."""
    groups: dict[tuple[str, str], list[EventMention]] = {}
    for event in events:
        groups.setdefault((event.date, event.lemma), []).append(event)
    dated = sorted({d for d, _ in groups if d != UNKNOWN}, key=date_key)
    order = {d: n for n, d in enumerate(dated, start=1)}
    lines = [
        TimelineLine(order.get(d, 0), d, lemma, tuple(sorted(ms, key=_mention_key)))
        for (d, lemma), ms in groups.items()
    ]
    return sorted(lines, key=lambda line: (line.order, line.lemma))


def _mention_key(event: EventMention) -> tuple[str, int]:
    return event.article_id, event.start
