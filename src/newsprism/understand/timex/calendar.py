"""Calendar arithmetic: days, weeks, months, quarters, seasons and holidays.

Easter and the n-th weekday of a month come from dateutil; the rest is a few lines of
`datetime`. Every function takes and returns `datetime.date` and knows no text.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

_ISO_WEEKDAY = {1: MO, 2: TU, 3: WE, 4: TH, 5: FR, 6: SA, 7: SU}


def month_last(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def week_start(d: date) -> date:
    return d - timedelta(days=d.isoweekday() - 1)


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def quarter_span(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), month_last(y, 3 * q)


def shift_quarter(d: date, step: int) -> tuple[int, int]:
    """(year, quarter) `step` quarters from the one `d` falls in."""
    y, q0 = divmod(d.year * 4 + quarter_of(d) - 1 + step, 4)
    return y, q0 + 1


def last_quarter(a: date) -> tuple[int, int]:
    """The last quarter completed before `a`: what an earnings story calls "the quarter"."""
    q = quarter_of(a) - 1
    return (a.year, q) if q else (a.year - 1, 4)


def season_span(y: int, code: str) -> tuple[date, date]:
    """Meteorological seasons; winter Y runs from December Y to February Y+1."""
    if code == "SP":
        return date(y, 3, 1), date(y, 5, 31)
    if code == "SU":
        return date(y, 6, 1), date(y, 8, 31)
    if code == "FA":
        return date(y, 9, 1), date(y, 11, 30)
    return date(y, 12, 1), month_last(y + 1, 2)


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def nth_weekday(y: int, m: int, iso_wd: int, n: int) -> date:
    """n-th (1-based; -1 = last) ISO weekday of a month."""
    if n > 0:
        return date(y, m, 1) + relativedelta(weekday=_ISO_WEEKDAY[iso_wd](n))
    return date(y, m, 1) + relativedelta(day=31, weekday=_ISO_WEEKDAY[iso_wd](n))


def holiday(name: str, y: int) -> date | None:
    """The date of a (US-centred) holiday in year `y`; `name` is lower-cased."""
    if name.startswith("christmas eve"):
        return date(y, 12, 24)
    if name.startswith("christmas"):
        return date(y, 12, 25)
    if name.startswith("new year's eve"):
        return date(y, 12, 31)
    if name.startswith("new year"):
        return date(y, 1, 1)
    if name.startswith("thanksgiving"):
        return nth_weekday(y, 11, 4, 4)  # US
    if name.startswith("easter"):
        return easter(y)
    if name.startswith("good friday"):
        return easter(y) - timedelta(days=2)
    if name.startswith("election day"):
        return nth_weekday(y, 11, 1, 1) + timedelta(days=1)  # US: Tuesday after 1st Monday
    if name.startswith(("independence day", "july fourth", "fourth of july")):
        return date(y, 7, 4)
    if name.startswith("labor day"):
        return nth_weekday(y, 9, 1, 1)
    if name.startswith("memorial day"):
        return nth_weekday(y, 5, 1, -1)
    if name.startswith("halloween"):
        return date(y, 10, 31)
    if name.startswith("valentine"):
        return date(y, 2, 14)
    return None


def distance(first: date, last: date, anchor: date) -> int:
    """Days from `anchor` to the interval [first, last]; 0 inside it."""
    if first <= anchor <= last:
        return 0
    return (first - anchor).days if first > anchor else (anchor - last).days


# A year-less date this close to the anchor keeps the nearest reading whatever the verb says:
# verb cues are noisy ("said the vote would be held Dec. 14"), and news rarely mentions a
# date almost a year away without its year.
NEAR_DAYS = 92


def pick_year(
    span: Callable[[int], tuple[date, date] | None], anchor: date, tense: int,
    near: int = NEAR_DAYS,
) -> int | None:
    """The year that puts a year-less expression where the verb points: before the anchor
    for past tense, after it for future, otherwise nearest the anchor."""
    cands = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        s = span(y)
        if s is not None:
            cands.append((y, s[0], s[1]))
    if not cands:
        return None
    nearest = min(cands, key=lambda c: (distance(c[1], c[2], anchor), -c[0]))
    if distance(nearest[1], nearest[2], anchor) <= near:
        return nearest[0]
    if tense < 0:
        past = [c for c in cands if c[1] <= anchor]
        if past:
            return max(past, key=lambda c: c[1])[0]
    elif tense > 0:
        future = [c for c in cands if c[2] >= anchor]
        if future:
            return min(future, key=lambda c: c[1])[0]
    return nearest[0]


def weekday_date(anchor: date, wd: int, tense: int, rel: str) -> date:
    """The ISO weekday `wd` that `rel` ("last", "next", "this"...) or the tense points at."""
    delta = wd - anchor.isoweekday()
    if rel in ("last", "past", "this past", "the previous"):
        return anchor + timedelta(days=(delta % 7) - 7 if delta % 7 else -7)
    if rel in ("next", "coming", "this coming", "the following"):
        return anchor + timedelta(days=delta % 7 or 7)
    if delta == 0:
        return anchor  # a news story's "Friday" on a Friday is the same day
    if rel == "this":
        return anchor + timedelta(days=delta)  # inside the anchor's week
    if tense > 0:
        return anchor + timedelta(days=delta % 7)
    return anchor - timedelta(days=(-delta) % 7)  # news reports the recent past by default


def weekend_saturday(a: date, step: int, tense: int) -> date:
    """The Saturday of the weekend that "the/last/next weekend" said on `a` names."""
    sat = week_start(a) + timedelta(days=5)
    if step == 0 and sat > a and tense <= 0 and not (a.isoweekday() == 5 and tense == 0):
        sat -= timedelta(weeks=1)  # "the weekend" said on a Monday is the one just gone
    if step < 0 and sat >= a - timedelta(days=1):
        sat -= timedelta(weeks=1)
    if step > 0 and sat <= a:
        sat += timedelta(weeks=1)
    return sat
