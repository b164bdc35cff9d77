"""When was an undated article published? Bounds from its own time expressions, narrowed by
the publication dates of other articles that tell the same events.

The reasoning is the one a reader uses:
- an article is published on or after the latest date it mentions as past (or without tense);
- it is published before a date it speaks of as still to come ("will vote on October 20");
- "On Sunday, X said" names the Sunday of the week before publication, so the article
  appeared within six days after that Sunday, most often the next day;
- a date without a year ("October 10") takes the year that puts it nearest the dates that
  do carry one.
Every bound comes with a human-readable reason so a report can say why it believes a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsprism.understand.timex import TimeRef, find_times, tense_at

__all__ = ["PublishedEstimate", "combine_estimates", "infer_published"]

# Related coverage of the same events: this article may have run a day before the others (a
# scoop, a time zone) and up to a week after the last of them (follow-ups, weeklies).
SLACK_BEFORE = timedelta(days=1)
SLACK_AFTER = timedelta(days=7)
_WEEK = timedelta(days=6)

_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
             "saturday": 6, "sunday": 7}
_YEARLESS = re.compile(r"^XXXX-(\d\d)-(\d\d)$")
_YEARLESS_MONTH = re.compile(r"^XXXX-(\d\d)$")
_DEICTIC = re.compile(r"\b(?:today|yesterday|tonight|this\s+(?:morning|afternoon|evening))\b",
                      re.I)


@dataclass(frozen=True)
class PublishedEstimate:
    earliest: date | None
    latest: date | None
    best: date | None
    evidence: list[str] = field(default_factory=list)


def _quote(ref: TimeRef) -> str:
    return f'"{ref.text}"'


def _is_absolute(ref: TimeRef) -> bool:
    return ref.anchor is None and ref.first is not None and ref.kind in ("date", "time")


def _lower_bounds(text: str, refs: list[TimeRef]) -> tuple[date | None, str | None]:
    """The latest date the article speaks of as past (or without tense)."""
    best: tuple[date, str] | None = None
    for ref in refs:
        if not _is_absolute(ref) or ref.first is None:
            continue
        tense = tense_at(text, ref.start, ref.end)
        day_level = ref.granularity in ("day", "time")
        if tense > 0 or (not day_level and tense == 0):
            continue  # "by 2020" or a bare "2019" says little about when it was written
        if best is None or ref.first > best[0]:
            best = (ref.first, f"latest absolute date mentioned as past: {_quote(ref)} "
                               f"({ref.first.isoformat()})")
    return best if best else (None, None)


def _upper_bound(text: str, refs: list[TimeRef], after: date | None) -> tuple[date | None, str]:
    """The day before the earliest date the article speaks of as still to come."""
    best: tuple[date, str] | None = None
    for ref in refs:
        if not _is_absolute(ref) or ref.granularity not in ("day", "time") or ref.first is None:
            continue
        if tense_at(text, ref.start, ref.end) <= 0 or (after and ref.first <= after):
            continue
        if best is None or ref.first < best[0]:
            best = (ref.first, f"earliest date spoken of as future: {_quote(ref)} "
                               f"({ref.first.isoformat()})")
    if best is None:
        return None, ""
    return best[0] - timedelta(days=1), best[1]


def _yearless(text: str, refs: list[TimeRef], ref_day: date) -> list[tuple[date, int, str]]:
    """Dates without a year, read in the year that puts them nearest `ref_day`."""
    out = []
    for ref in refs:
        m = _YEARLESS.match(ref.value)
        if not m:
            continue
        month, day = int(m.group(1)), int(m.group(2))
        cands = []
        for y in (ref_day.year - 1, ref_day.year, ref_day.year + 1):
            try:
                cands.append(date(y, month, day))
            except ValueError:
                continue
        if not cands:
            continue
        d = min(cands, key=lambda c: abs((c - ref_day).days))
        tense = tense_at(text, ref.start, ref.end)
        out.append((d, tense, f"date without a year {_quote(ref)} read as {d.isoformat()}"))
    return out


def _yearless_month(text: str, refs: list[TimeRef], after: date) -> tuple[date | None, str]:
    """A month named without a year and told as past ("Earlier in December") is the first such
    month on or after the latest dated event: the article appeared in it or later."""
    latest: tuple[date, str] | None = None
    for ref in refs:
        m = _YEARLESS_MONTH.match(ref.value)
        if not m or tense_at(text, ref.start, ref.end) > 0:
            continue
        month = int(m.group(1))
        year = after.year if month >= after.month else after.year + 1
        start = date(year, month, 1)
        if latest is None or start > latest[0]:
            latest = (start, f"month without a year {_quote(ref)} told as past, after the dated "
                             f"events: published in or after {start.strftime('%B %Y')}")
    return latest if latest else (None, "")


def infer_published(text: str, times: list[TimeRef] | None = None) -> PublishedEstimate:
    """Publication-date bounds from the article alone. `times` should come from
    find_times(text, None); it is computed when not given."""
    refs = times if times is not None else find_times(text, None)
    evidence: list[str] = []
    earliest, why = _lower_bounds(text, refs)
    if earliest is None:
        return PublishedEstimate(None, None, None, ["no absolute date mentioned as past"])
    evidence.append(why or "")
    yearless = _yearless(text, refs, earliest)
    for d, tense, why_y in yearless:
        if tense <= 0 and d > earliest:
            earliest = d
            evidence.append(f"{why_y}, mentioned as past: published on or after it")
    month_start, why_m = _yearless_month(text, refs, earliest)
    if month_start is not None and month_start > earliest:
        earliest = month_start
        evidence.append(why_m)
    latest, why_up = _upper_bound(text, refs, earliest)
    if latest is not None:
        evidence.append(f"{why_up}: published before it")
    for d, tense, why_y in yearless:
        if tense > 0 and d > earliest and (latest is None or d - timedelta(days=1) < latest):
            latest = d - timedelta(days=1)
            evidence.append(f"{why_y}, spoken of as future: published before it")
    best = earliest
    past_days, future_days = _weekday_cues(text, refs)
    if past_days:
        # The first occurrence of each named weekday on or after the latest dated event.
        occurrences = [earliest + timedelta(days=(wd - earliest.isoweekday()) % 7)
                       for wd, _ in past_days]
        event = max(occurrences)
        best = event + timedelta(days=1)
        cap = min(occurrences) + _WEEK
        latest = cap if latest is None else min(latest, cap)
        names = ", ".join(f'"{name}"' for _, name in past_days)
        evidence.append(f"weekday told as past ({names}): the week after {event.isoformat()}, "
                        f"most likely the next day")
    for wd, name in future_days:
        ahead = best + timedelta(days=(wd - best.isoweekday()) % 7 or 7)
        if latest is None or ahead - timedelta(days=1) < latest:
            latest = ahead - timedelta(days=1)
            evidence.append(f'weekday told as future ("{name}"): before {ahead.isoformat()}')
    if latest is not None and latest < earliest:
        evidence.append("the future-tense cues contradict the dated past events; upper bound "
                        "dropped")
        latest = None
    if latest is not None and best > latest:
        best = latest
    if any(_DEICTIC.search(r.text) for r in refs):
        evidence.append("the text speaks of today/yesterday: written close to the events")
    return PublishedEstimate(earliest, latest, best, evidence)


def _weekday_cues(text: str, refs: list[TimeRef]) -> tuple[list[tuple[int, str]],
                                                             list[tuple[int, str]]]:
    past: list[tuple[int, str]] = []
    future: list[tuple[int, str]] = []
    for ref in refs:
        if ref.kind == "set" or _is_absolute(ref) or ref.granularity not in ("day", "time"):
            continue
        m = _WEEKDAY.search(ref.text)
        if not m or re.search(r"\b(?:last|next|this)\b", ref.text, re.I):
            continue
        wd = _WEEKDAYS[m.group(1).lower()]
        (future if tense_at(text, ref.start, ref.end) > 0 else past).append((wd, m.group(1)))
    return past, future


def combine_estimates(own: PublishedEstimate, related: list[tuple[date, str]]
                      ) -> PublishedEstimate:
    """Narrow `own` with the publication dates of articles that tell the same events."""
    if not related:
        return own
    dates = sorted(d for d, _ in related)
    lo, hi = dates[0] - SLACK_BEFORE, dates[-1] + SLACK_AFTER
    earliest = max(own.earliest, lo) if own.earliest else lo
    latest = min(own.latest, hi) if own.latest else hi
    whys = "; ".join(f"{d.isoformat()} {why}" for d, why in related)
    head = (f"{len(related)} related article(s) on the same events published "
            f"{dates[0].isoformat()}..{dates[-1].isoformat()} ({whys})")
    if earliest > latest:
        return PublishedEstimate(own.earliest, own.latest, own.best, [
            *own.evidence, f"{head}: outside the bounds from the text, not used"])
    best = own.best
    if best is None or not earliest <= best <= latest:
        best = min(max(dates[len(dates) // 2], earliest), latest)
    return PublishedEstimate(earliest, latest, best, [
        *own.evidence,
        f"{head}: published between {earliest.isoformat()} and {latest.isoformat()}"])
