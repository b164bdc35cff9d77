"""Which year a date written without one ("October 9", "in December") falls in, decided by
dated evidence elsewhere in the corpus.

An anchor is a dated span the evidence puts the yearless date near: the publication dates of
the other articles of its story, or the date another article gives to the same event. A reader
puts "October 9" in the year nearest those dates, except where the article tells the event as
still to come while another tells it as done: then the date lies before the anchor. Anchors
that point to different years leave the year open: nothing is guessed without evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from newsprism.understand.timex.calendar import month_last

__all__ = ["Anchor", "YearChoice", "choose_year", "first_after", "yearless_parts"]

# An anchor supports the year that puts the date within this of it; farther, it says nothing
# (a date a year away from every dated account of its event is a different happening). A
# quarter: one happening's accounts and aftermath, and never two years within reach.
REACH = timedelta(days=92)
# "Also in late March" after "in late October 2019": the first March after it, as a reader
# takes it, only when that is this close (past half a year, a year later is as likely).
FIRST_AFTER_REACH = timedelta(days=183)
# The winning year needs this share of the anchors' weight: agreement, not a majority of one.
AGREEMENT = 0.75

_DAY = re.compile(r"^XXXX-(\d\d)-(\d\d)$")
_MONTH = re.compile(r"^XXXX-(\d\d)$")


@dataclass(frozen=True)
class Anchor:
    first: date
    last: date
    weight: float
    reason: str  # what fixed it, for a reader: "the same withdrawal, dated October 2019 in ..."
    article_id: str
    before: bool = False  # the date lies before the anchor (told as still to come here)


@dataclass(frozen=True)
class YearChoice:
    value: str  # the TimeML value with its year: "2019-10-09"
    first: date
    last: date
    anchors: tuple[Anchor, ...]  # those that chose this year
    agreement: float  # their share of the anchors' weight


def yearless_parts(value: str) -> tuple[int, int | None] | None:
    """(month, day) of a TimeML value without a year ("XXXX-10-09" → (10, 9); "XXXX-12" →
    (12, None)); None for anything else."""
    if m := _DAY.match(value):
        return int(m.group(1)), int(m.group(2))
    if m := _MONTH.match(value):
        return int(m.group(1)), None
    return None


def _span(year: int, month: int, day: int | None) -> tuple[date, date] | None:
    try:
        if day is not None:
            d = date(year, month, day)
            return d, d
        return date(year, month, 1), month_last(year, month)
    except ValueError:  # 29 February in a common year, a year outside the calendar
        return None


def _gap(a: tuple[date, date], b_first: date, b_last: date) -> timedelta:
    if a[1] < b_first:
        return b_first - a[1]
    if b_last < a[0]:
        return a[0] - b_last
    return timedelta(0)


def _year_for(anchor: Anchor, month: int, day: int | None) -> int | None:
    """The year an anchor puts the date in: the nearest within its reach, or, for a date told
    before the anchor's event, the last year that puts it before (at most a year before)."""
    best: tuple[timedelta, int] | None = None
    for year in range(anchor.first.year - 1, anchor.last.year + 2):
        span = _span(year, month, day)
        if span is None:
            continue
        if anchor.before:
            if span[1] < anchor.first and (best is None or year > best[1]):
                best = (anchor.first - span[1], year)
            continue
        gap = _gap(span, anchor.first, anchor.last)
        if gap <= REACH and (best is None or gap < best[0]):
            best = (gap, year)
    return best[1] if best else None


def choose_year(value: str, anchors: list[Anchor]) -> YearChoice | None:
    """The year the anchors agree on for a yearless `value`, or None when they do not decide."""
    parts = yearless_parts(value)
    if parts is None or not anchors:
        return None
    month, day = parts
    votes: dict[int, list[Anchor]] = {}
    total = 0.0
    for anchor in anchors:
        year = _year_for(anchor, month, day)
        total += anchor.weight
        if year is not None:
            votes.setdefault(year, []).append(anchor)
    if not votes or total <= 0:
        return None
    year, chosen = max(votes.items(), key=lambda kv: (sum(a.weight for a in kv[1]), -kv[0]))
    agreement = sum(a.weight for a in chosen) / total
    span = _span(year, month, day)
    if agreement < AGREEMENT or span is None:
        return None
    written = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return YearChoice(written, span[0], span[1], tuple(chosen), agreement)


def first_after(value: str, after: date) -> YearChoice | None:
    """The first occurrence of a yearless `value` on or after `after`, when within
    FIRST_AFTER_REACH of it."""
    parts = yearless_parts(value)
    if parts is None:
        return None
    month, day = parts
    for year in (after.year, after.year + 1):
        span = _span(year, month, day)
        if span is not None and span[1] >= after:
            if span[0] - after > FIRST_AFTER_REACH:
                return None
            written = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
            return YearChoice(written, span[0], span[1], (), 1.0)
    return None
