"""When was an undated article published? Bounds from its own time expressions, narrowed by
the publication dates of other articles that tell the same events.

The reasoning is the one a reader uses, and it trusts only what the article tells as recent:
- a dated event told at day granularity, in the past or without tense ("on March 7, 2009"),
  happened on or before publication: the latest such date is a lower bound and, when the text
  also speaks of its own days ("yesterday", "on Sunday", "this week") next to it, gives it with
  its weekday, or sets it at its head (a byline), the best guess;
- a bare year or a month-year ("in 2008", "October 2017") told as past is an old event as often
  as a recent one (news recalls last year's results, history, anniversaries): it only gives a
  weak lower bound and never a best date;
- a date spoken of as still to come ("will vote on October 20") bounds from above;
- "On Sunday, X said" names the Sunday of the week before publication, so the article appeared
  within six days after that Sunday, most often the next day;
- a date without a year ("October 10") takes the year that puts it nearest the dated event.
With no dated event the estimate stays open (best None) rather than guess. Each estimate has a
confidence in [0, 1]; below UNSURE_BELOW it is unsure (its error may exceed a year) and keeps
its bounds but no best date. Every bound comes with a human-readable reason so a report can
say why it believes a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsprism.understand.timex import TimeRef, find_times, tense_at

__all__ = ["UNSURE_BELOW", "PublishedEstimate", "combine_estimates", "infer_published"]

# Related coverage of the same events: this article may have run a day before the others (a
# scoop, a time zone) and up to a week after the last of them (follow-ups, weeklies).
SLACK_BEFORE = timedelta(days=1)
SLACK_AFTER = timedelta(days=7)
_WEEK = timedelta(days=6)
# Below this confidence an estimate is unsure (its day may be off by more than a year) and it
# gives no best date, only its bounds and, for the record, its `guess`. Chosen with
# benchmarks/published.py --sweep by cross-validation over sources (TimeML, GeoWebNews, LGL):
# on each pair, the lowest threshold whose kept guesses are >= 80% within 31 days and none off
# by more than a year, checked on the third.
UNSURE_BELOW = 0.5
# Dates of one news story lie within weeks of each other: a yearless date or a second dated
# event within this window of the latest dated event says that event is the recent one.
_STORY = timedelta(days=45)
# A dated event this far before later evidence of the story (a yearless date told as past, a
# month told as past) is an old event recalled: the story has moved on.
_STALE = timedelta(days=62)
_HEAD_CHARS = 300  # a byline or dateline date sits in the first lines
# Confidence: a dated event alone is a lower bound; each sign that it is the recent one adds.
# News style drops the year of dates in the current year and names the weekday of dates in
# the current week: a full date in the body is as often an old event as a recent one.
_BASE, _AT_HEAD, _WITH_WEEKDAY, _RECENT_WORDS, _STORY_DATES = 0.2, 0.5, 0.3, 0.1, 0.1
_RECENT_NEAR, _NEAR_CHARS = 0.2, 200
_CONTRADICTED = 0.3
_COPIES = 0.9  # dated copies of the same article: the corpus's own, strongest evidence

_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
             "saturday": 6, "sunday": 7}
_YEARLESS = re.compile(r"^XXXX-(\d\d)-(\d\d)$")
_YEARLESS_MONTH = re.compile(r"^XXXX-(\d\d)$")
# What a writer says of the days around publication: the story is current.
_RECENT = re.compile(
    r"\b(?:today|yesterday|tonight|tomorrow|this\s+(?:morning|afternoon|evening|week|month)"
    r"|last\s+(?:night|week|month)|earlier\s+this\s+(?:week|month)|\w+\s+days?\s+ago"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)


@dataclass(frozen=True)
class PublishedEstimate:
    earliest: date | None
    latest: date | None
    best: date | None
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.0  # below UNSURE_BELOW the day may be off by more than a year
    guess: date | None = None  # the day read from the text, even when too unsure to be best

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW


@dataclass
class _Draft:
    """The estimate while it is being built."""

    earliest: date
    best: date
    latest: date | None = None
    confidence: float = _BASE
    evidence: list[str] = field(default_factory=list)
    stale: bool = False

    def cap(self, bound: date, why: str) -> None:
        if self.latest is None or bound < self.latest:
            self.latest = bound
            self.evidence.append(why)


def _quote(ref: TimeRef) -> str:
    return f'"{ref.text}"'


def _is_absolute(ref: TimeRef) -> bool:
    return ref.anchor is None and ref.first is not None and ref.kind in ("date", "time")


def _day_level(ref: TimeRef) -> bool:
    return ref.granularity in ("day", "time")


# The word before a date that makes it the end of a span or a term, not an event: "from April
# 2018 to March 31, 2023", "the fiscal year ending June 30, 1990", "promised by May 1, 2010".
_NOT_EVENT = re.compile(r"\b(?:to|until|till|through|thru|by|ending|ends|expires?|due|before)"
                        r"\W*$|[-\u2013]\s*$", re.I)
# A byline or dateline date follows a name or a place, not a preposition or a verb.
_IN_SENTENCE = re.compile(r"\b(?:on|in|of|since|from|after|at|and|or|between|\w+ed)\W*$", re.I)


def _dated_events(text: str, refs: list[TimeRef]) -> list[TimeRef]:
    """Day-level dates with a year told as past or without tense: events that happened."""
    return [r for r in refs if _is_absolute(r) and _day_level(r)
            and not _NOT_EVENT.search(text[max(0, r.start - 12) : r.start])
            and tense_at(text, r.start, r.end) <= 0]


def _at_head(text: str, ref: TimeRef) -> bool:
    """A byline or dateline date: in the first lines, outside a sentence's clauses."""
    return ref.start < _HEAD_CHARS and not _IN_SENTENCE.search(
        text[max(0, ref.start - 12) : ref.start])


def _weak_bound(text: str, refs: list[TimeRef]) -> tuple[date | None, str]:
    """The latest month, season or year told in the past tense: published after it began.
    Untensed ones are left out ("2030 targets", "the 2019 budget")."""
    best: tuple[date, str] | None = None
    for ref in refs:
        if not _is_absolute(ref) or _day_level(ref) or ref.first is None:
            continue
        if tense_at(text, ref.start, ref.end) >= 0:
            continue
        if best is None or ref.first > best[0]:
            best = (ref.first, f"{_quote(ref)} told as past: published on or after "
                               f"{ref.first.isoformat()} (a weak bound: it may be an old event)")
    return best if best else (None, "")


def _yearless_dates(text: str, refs: list[TimeRef], ref_day: date) -> list[tuple[date, int, str]]:
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
    month on or after `after`: the article appeared in it or later."""
    latest: tuple[date, str] | None = None
    for ref in refs:
        m = _YEARLESS_MONTH.match(ref.value)
        if not m or tense_at(text, ref.start, ref.end) >= 0 or not re.search(r"[A-Za-z]{3}",
                                                                              ref.text):
            continue
        month = int(m.group(1))
        year = after.year if month >= after.month else after.year + 1
        start = date(year, month, 1)
        if latest is None or start > latest[0]:
            latest = (start, f"month without a year {_quote(ref)} told as past: published in "
                             f"or after {start.strftime('%B %Y')}")
    return latest if latest else (None, "")


def _open(text: str, refs: list[TimeRef]) -> PublishedEstimate:
    """No dated event: at most a weak lower bound, and no best date."""
    earliest, why = _weak_bound(text, refs)
    if earliest is None:
        return PublishedEstimate(None, None, None, ["no dated event told as past: left open"])
    evidence = [why]
    month_start, why_m = _yearless_month(text, refs, earliest)
    if month_start is not None and month_start > earliest:
        earliest = month_start
        evidence.append(why_m)
    evidence.append("no dated event at day level: no best date (left open)")
    return PublishedEstimate(earliest, None, None, evidence)


def infer_published(text: str, times: list[TimeRef] | None = None) -> PublishedEstimate:
    """Publication-date bounds from the article alone. `times` should come from
    find_times(text, None); it is computed when not given."""
    refs = times if times is not None else find_times(text, None)
    events = _dated_events(text, refs)
    if not events:
        return _open(text, refs)
    last = max(events, key=lambda r: (r.first, -r.start))
    assert last.first is not None
    draft = _Draft(last.first, last.first, evidence=[
        f"latest dated event told as past: {_quote(last)} ({last.first.isoformat()})"])
    head = _at_head(text, last)
    if head:
        draft.confidence += _AT_HEAD
        draft.evidence.append("it heads the article (a byline or dateline date): the day "
                              "of publication")
    elif _WEEKDAY.search(last.text):
        draft.confidence += _WITH_WEEKDAY
        draft.evidence.append("it is given with its weekday, as news does for the current week")
    yearless = _yearless_dates(text, refs, last.first)
    _follow_yearless(draft, yearless, events, last)
    _check_weak_bounds(draft, text, refs)
    _upper_bounds(draft, text, refs, yearless)
    if not head:  # the weekdays of a dated article are days before its dateline
        _weekdays(draft, text, refs)
    _recent_words(draft, refs, last)
    return _finish(draft)


def _follow_yearless(draft: _Draft, yearless: list[tuple[date, int, str]],
                     events: list[TimeRef], last: TimeRef) -> None:
    """Yearless dates told as past after the dated event move the lower bound (the story went
    on); near it they, or a second dated event, say the dated event is part of the story."""
    near = [e for e in events if e is not last and e.first is not None
            and timedelta(0) <= draft.earliest - e.first <= _STORY]
    for d, tense, why in sorted(yearless):
        # News drops the year of dates in the current year: one in the weeks before the dated
        # event, or one still to come after it, places that event in the current weeks. A past
        # one after it may as well belong to the next year.
        ahead = d - draft.earliest
        if timedelta(0) >= ahead >= -_STORY or (tense > 0 and ahead <= _STORY):
            near.append(last)
        if tense > 0:
            continue
        if d > draft.earliest:
            if d - draft.earliest > _STALE:
                draft.stale = True
            draft.earliest = draft.best = d
            draft.evidence.append(f"{why}, mentioned as past: published on or after it")
    if near:
        draft.confidence += _STORY_DATES
        draft.evidence.append("other dates of the story lie within weeks of it")


def _check_weak_bounds(draft: _Draft, text: str, refs: list[TimeRef]) -> None:
    """A month or year told as past that begins well after the dated event: that event is an
    old one recalled, and the article's own time is unknown. A later year said without tense
    ("the 2009 ranking") is no bound (it may be a plan) but casts the same doubt."""
    later = [r for r in refs if _is_absolute(r) and r.first is not None
             and r.first.year > draft.earliest.year and tense_at(text, r.start, r.end) == 0]
    if later:
        draft.confidence -= _CONTRADICTED
        draft.evidence.append(f"a later year is mentioned ({_quote(later[0])}): the dated "
                              f"event may be an old one")
    weak, why = _weak_bound(text, refs)
    month_start, why_m = _yearless_month(text, refs, draft.earliest)
    for start, reason in ((weak, why), (month_start, why_m)):
        if start is not None and start - draft.earliest > _STALE:
            draft.stale = True
            draft.earliest = draft.best = start
            draft.evidence.append(reason)


def _upper_bounds(draft: _Draft, text: str, refs: list[TimeRef],
                  yearless: list[tuple[date, int, str]]) -> None:
    """The day before the earliest date spoken of as still to come, after the lower bound."""
    for ref in refs:
        if not _is_absolute(ref) or not _day_level(ref) or ref.first is None:
            continue
        if tense_at(text, ref.start, ref.end) <= 0 or ref.first <= draft.earliest:
            continue
        draft.cap(ref.first - timedelta(days=1), f"date spoken of as future: {_quote(ref)} "
                                                 f"({ref.first.isoformat()}): published before it")
    for d, tense, why in yearless:
        if tense > 0 and d > draft.earliest:
            draft.cap(d - timedelta(days=1), f"{why}, spoken of as future: published before it")


def _weekdays(draft: _Draft, text: str, refs: list[TimeRef]) -> None:
    past_days, future_days = _weekday_cues(text, refs)
    if past_days:
        # The first occurrence of each named weekday on or after the latest dated event.
        occurrences = [draft.earliest + timedelta(days=(wd - draft.earliest.isoweekday()) % 7)
                       for wd, _ in past_days]
        event = max(occurrences)
        draft.best = event + timedelta(days=1)
        names = ", ".join(f'"{name}"' for _, name in past_days)
        draft.cap(min(occurrences) + _WEEK,
                  f"weekday told as past ({names}): the week after {event.isoformat()}, "
                  f"most likely the next day")
    for wd, name in future_days:
        ahead = draft.best + timedelta(days=(wd - draft.best.isoweekday()) % 7 or 7)
        draft.cap(ahead - timedelta(days=1),
                  f'weekday told as future ("{name}"): before {ahead.isoformat()}')


def _recent_words(draft: _Draft, refs: list[TimeRef], last: TimeRef) -> None:
    """Words for the writer's own days; next to the dated event they tie it to them."""
    found = [r for r in refs if not _is_absolute(r) and _RECENT.search(r.text)]
    if not found:
        return
    near = any(abs(r.start - last.start) <= _NEAR_CHARS for r in found)
    draft.confidence += _RECENT_NEAR if near else _RECENT_WORDS
    shown = ", ".join(f'"{w}"' for w in dict.fromkeys(r.text for r in found[:3]))
    where = "next to the dated event" if near else "elsewhere in the text"
    draft.evidence.append(f"the text speaks of its own days ({shown}) {where}: a current story")


def _finish(draft: _Draft) -> PublishedEstimate:
    if draft.latest is not None and draft.latest < draft.earliest:
        draft.evidence.append("the future-tense cues contradict the dated past events; upper "
                              "bound dropped")
        draft.latest = None
    guess: date | None = draft.best
    if draft.latest is not None and draft.best > draft.latest:
        guess = draft.latest
    confidence = min(1.0, draft.confidence)
    if draft.stale:
        # Later evidence is only a month or a yearless date: the lower bound stands, the day
        # does not.
        confidence, guess = max(0.0, confidence - _CONTRADICTED), None
        draft.evidence.append("the dated event is older than the rest of the story: no best "
                              "date (left open)")
    best = guess
    if guess is not None and confidence < UNSURE_BELOW:
        # An unsure reading is a guess: kept for the record, not used to anchor times.
        best = None
        draft.evidence.append(f"confidence {confidence:.2f}: unsure, the dated event may be an "
                              f"old one recalled; {guess.isoformat()} not taken (left open)")
    return PublishedEstimate(draft.earliest, draft.latest, best, draft.evidence,
                             round(confidence, 2), guess)


def _weekday_cues(text: str, refs: list[TimeRef]) -> tuple[list[tuple[int, str]],
                                                             list[tuple[int, str]]]:
    past: list[tuple[int, str]] = []
    future: list[tuple[int, str]] = []
    for ref in refs:
        if ref.kind == "set" or _is_absolute(ref) or not _day_level(ref):
            continue
        m = _WEEKDAY.search(ref.text)
        if not m or re.search(r"\b(?:last|next|this)\b", ref.text, re.I):
            continue
        wd = _WEEKDAYS[m.group(1).lower()]
        (future if tense_at(text, ref.start, ref.end) > 0 else past).append((wd, m.group(1)))
    return past, future


def combine_estimates(own: PublishedEstimate, related: list[tuple[date, str]]
                      ) -> PublishedEstimate:
    """Narrow `own` with the publication dates of articles that tell the same events: the
    corpus's own evidence, trusted above the text's."""
    if not related:
        return own
    dates = sorted(d for d, _ in related)
    lo, hi = _moved(dates[0], -SLACK_BEFORE), _moved(dates[-1], SLACK_AFTER)
    earliest = max(own.earliest, lo) if own.earliest else lo
    latest = min(own.latest, hi) if own.latest else hi
    whys = "; ".join(f"{d.isoformat()} {why}" for d, why in related)
    head = (f"{len(related)} related article(s) on the same events published "
            f"{dates[0].isoformat()}..{dates[-1].isoformat()} ({whys})")
    if earliest > latest:
        return PublishedEstimate(own.earliest, own.latest, own.best, [
            *own.evidence, f"{head}: outside the bounds from the text, not used"],
            own.confidence, own.guess)
    # The text's reading, even an unsure one, stands when the copies agree with it.
    best = own.best or own.guess
    if best is None or not earliest <= best <= latest:
        best = min(max(dates[len(dates) // 2], earliest), latest)
    return PublishedEstimate(earliest, latest, best, [
        *own.evidence,
        f"{head}: published between {earliest.isoformat()} and {latest.isoformat()}"],
        max(own.confidence, _COPIES), best)


def _moved(day: date, delta: timedelta) -> date:
    """`day` moved by `delta`, held at the calendar's ends: a copy dated 0001-01-01 or
    9999-12-31 (stored before such placeholder years were refused) must not make the dating
    of its siblings raise."""
    try:
        return day + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min
