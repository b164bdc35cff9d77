"""What rules produce: the public `TimeRef`, the working `Hit`, the per-text `Context`, and
the constructors that turn a calendar unit into a hit with its TimeML value and interval."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from newsprism.understand.timex.calendar import (
    add_months,
    iso_week,
    month_last,
    quarter_span,
    shift_quarter,
    week_start,
    weekend_saturday,
)
from newsprism.understand.timex.lexicon import rx
from newsprism.understand.timex.tense import tense_at


@dataclass(frozen=True)
class TimeRef:
    start: int
    end: int
    text: str
    value: str
    kind: str  # "date" | "time" | "duration" | "set"
    granularity: str
    mod: str | None
    first: date | None
    last: date | None
    anchor: str | None


@dataclass
class Hit:
    """One rule's reading of one span, before overlaps are settled."""

    start: int
    end: int
    value: str
    kind: str
    gran: str
    mod: str | None = None
    first: date | None = None
    last: date | None = None
    relative: bool = False
    clock: str | None = None  # "THH:MM" awaiting a day
    narrative: Callable[[date], Hit | None] | None = None
    rank: int = 0


_EARNINGS = rx(r"\b(?:net\s+income|a\s+share|per\s+share|earnings|profit|revenue)\b")


class Context:
    """The text being read, its anchor, and what is worth computing once per text."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor
        self._tense: dict[tuple[int, int], int] = {}
        # An earnings story: "a year earlier" there means the same quarter a year before.
        self.earnings = bool(_EARNINGS.search(text)) and "quarter" in text.lower()

    def tense(self, start: int, end: int) -> int:
        key = (start, end)
        if key not in self._tense:
            self._tense[key] = tense_at(self.text, start, end)
        return self._tense[key]


def day_hit(s: int, e: int, d: date, relative: bool, mod: str | None = None) -> Hit:
    return Hit(s, e, d.isoformat(), "date", "day", mod, d, d, relative)


def pod_day(s: int, e: int, d: date, code: str) -> Hit:
    """A day, or a part of it when `code` is given ("TMO", "TNI")."""
    hit = day_hit(s, e, d, True)
    if code:
        hit.value, hit.kind, hit.gran = d.isoformat() + code, "time", "time"
    return hit


def month_hit(s: int, e: int, y: int, m: int, relative: bool) -> Hit:
    return Hit(s, e, f"{y:04d}-{m:02d}", "date", "month", None, date(y, m, 1),
               month_last(y, m), relative)


def year_hit(s: int, e: int, y: int, relative: bool) -> Hit:
    return Hit(s, e, f"{y:04d}", "date", "year", None, date(y, 1, 1), date(y, 12, 31), relative)


def week_hit(s: int, e: int, d: date, relative: bool) -> Hit:
    ws = week_start(d)
    return Hit(s, e, iso_week(d), "date", "week", None, ws, ws + timedelta(days=6), relative)


def quarter_hit(s: int, e: int, y: int, q: int, relative: bool) -> Hit:
    first, last = quarter_span(y, q)
    return Hit(s, e, f"{y:04d}-Q{q}", "date", "quarter", None, first, last, relative)


def decade_hit(s: int, e: int, d3: int, relative: bool) -> Hit:
    return Hit(s, e, f"{d3:03d}", "date", "decade", None, date(d3 * 10, 1, 1),
               date(d3 * 10 + 9, 12, 31), relative)


def century_hit(s: int, e: int, c2: int, relative: bool) -> Hit:
    y0 = max(1, c2 * 100)
    return Hit(s, e, f"{c2:02d}", "date", "century", None, date(y0, 1, 1),
               date(c2 * 100 + 99, 12, 31), relative)


def ref_hit(s: int, e: int, value: str, anchor: date | None) -> Hit:
    day = anchor if value == "PRESENT_REF" else None
    return Hit(s, e, value, "date", "ref", None, day, day, True)


def shift(s: int, e: int, a: date, unit: str, step: int, *, tense: int = 0,
          distance: bool = False) -> Hit | None:
    """The calendar unit `step` units from the one holding `a`.

    The one dispatch for both readings of a unit count:
    - named units ("last week", "next decade", "the following month"; distance=False) are
      the calendar unit itself: "last decade" said in 2019 is the 2000s (value "200");
    - distances ("two weeks ago", "a decade ago"; distance=True) are the unit that lies that
      far from the anchor, with one difference: a count of decades is a count of ten years
      and lands in a year ("a decade ago" in 2019 is 2009), as TimeBank annotates it.
      Days, fortnights and clock units are read only as distances (a day; a clock distance
      is the anchor day), weekends only as named units.
    None for a unit this dispatch does not place.
    """
    if unit in ("day", "night"):
        return day_hit(s, e, a + timedelta(days=step), True)
    if unit in ("week", "fortnight"):
        return week_hit(s, e, a + timedelta(weeks=step * (2 if unit == "fortnight" else 1)),
                        True)
    if unit == "weekend":
        if distance:
            return None
        sat = weekend_saturday(a, step, tense)
        y, w, _ = sat.isocalendar()
        return Hit(s, e, f"{y}-W{w:02d}-WE", "date", "weekend", None, sat,
                   sat + timedelta(days=1), True)
    if unit == "month":
        y, mo = add_months(a.year, a.month, step)
        return month_hit(s, e, y, mo, True)
    if unit == "quarter":
        y, q = shift_quarter(a, step)
        return quarter_hit(s, e, y, q, True)
    if unit == "year":
        return year_hit(s, e, a.year + step, True)
    if unit == "decade":
        if distance:
            return year_hit(s, e, a.year + 10 * step, True)
        return decade_hit(s, e, a.year // 10 + step, True)
    if unit == "century":
        return century_hit(s, e, a.year // 100 + step, True)
    if unit in ("hour", "minute", "second"):
        return day_hit(s, e, a, True)
    return None
