"""Time expressions in news text, normalized to TimeML TIMEX3 values and calendar intervals.

Rule based on purpose: it runs on every article next to a spaCy parse and must stay a small
fraction of it, so every pattern is compiled once and a text is scanned a few dozen times.

dateparser is deliberately not used to resolve anything here. It resolves a bare weekday to the
coming one whatever the verb says ("On Sunday, X said" lands a week late), gives "October 10"
the current year of the machine's clock rather than of the article, and has no notion of
TimeML granularity (a month stays a month, a week is 2019-W41). The calendar arithmetic needed
here is small, so it is written out below.

How relative expressions are anchored:
- deictic ones ("yesterday", "last week", "two days ago") count from `anchor`, normally the
  publication date;
- a weekday or a date without a year takes the occurrence that the verb next to it points at:
  a past-tense clause ("On Sunday, X said") takes the one before the anchor, a future one
  ("will meet on Sunday") the one after, and with no cue the occurrence nearest the anchor;
- narrative ones ("the next day", "that year", a bare "10 p.m.") count from the last date the
  text itself mentioned before them, falling back to the anchor.
Without an anchor, absolute expressions still resolve and relative ones keep an X-value
("XXXX-10-09", "XXXX-WXX-7") so a caller can infer a publication date and run again.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

__all__ = ["TimeRef", "find_times"]


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


# --------------------------------------------------------------------------- lexicon

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_WEEKDAYS = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "sunday": 7,
}
_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_FUZZY = {"few", "several", "some", "many", "couple", "numerous", "a few"}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_UNIT_CODE = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
    "weekend": "WE", "fortnight": "W", "month": "M", "quarter": "Q", "year": "Y",
    "decade": "DE", "century": "CE", "millennium": "ML",
}

_MONTH_ALT = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
    r"(?![A-Za-z])"
)
_WEEKDAY_ALT = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORD_ALT = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_DAY_ALT = (
    r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)"
    r"|(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    rf"|(?:{_ORD_ALT})"
)
_YEAR_ALT = r"(?:1[6-9]\d\d|20\d\d)(?![\d])"
_WORDNUM_ALT = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(_SMALL)}))?"
    rf"|{'|'.join(sorted(_SMALL, key=len, reverse=True))})"
)
_NUM_ALT = (
    r"(?:\d+(?:\.\d+)?(?:\s+1/2)?|" + _WORDNUM_ALT + r"(?:\s+and\s+a\s+half)?"
    r"|a\s+hundred|a\s+thousand|hundreds\s+of|thousands\s+of|a\s+couple\s+of|a\s+couple"
    r"|couple\s+of|a\s+few|a\s+half|half\s+an?|an?|few|several|some|many|numerous)"
)
_UNIT_ALT = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weekends?|weeks?|fortnights?|months?|quarters?"
    r"|years?|decades?|century|centuries|millennium|millennia)"
)
_TZ_ALT = r"(?:[ECMP][SD]T|GMT|UTC|BST|CET|CEST)"

_I = re.IGNORECASE


def _rx(pattern: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# --------------------------------------------------------------------------- calendar helpers


def _month_last(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _week_start(d: date) -> date:
    return d - timedelta(days=d.isoweekday() - 1)


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _quarter_span(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), _month_last(y, 3 * q)


def _season_span(y: int, code: str) -> tuple[date, date]:
    # Meteorological seasons; winter Y runs from December Y to February Y+1.
    if code == "SP":
        return date(y, 3, 1), date(y, 5, 31)
    if code == "SU":
        return date(y, 6, 1), date(y, 8, 31)
    if code == "FA":
        return date(y, 9, 1), date(y, 11, 30)
    return date(y, 12, 1), _month_last(y + 1, 2)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _easter(y: int) -> date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(y, month, day)


def _nth_weekday(y: int, m: int, iso_wd: int, n: int) -> date:
    """n-th (1-based; -1 = last) ISO weekday of a month."""
    if n > 0:
        d = date(y, m, 1)
        d += timedelta(days=(iso_wd - d.isoweekday()) % 7)
        return d + timedelta(weeks=n - 1)
    d = _month_last(y, m)
    return d - timedelta(days=(d.isoweekday() - iso_wd) % 7)


def _holiday(name: str, y: int) -> date | None:
    if name.startswith("christmas eve"):
        return date(y, 12, 24)
    if name.startswith("christmas"):
        return date(y, 12, 25)
    if name.startswith("new year's eve"):
        return date(y, 12, 31)
    if name.startswith("new year"):
        return date(y, 1, 1)
    if name.startswith("thanksgiving"):
        return _nth_weekday(y, 11, 4, 4)  # US
    if name.startswith("easter"):
        return _easter(y)
    if name.startswith("good friday"):
        return _easter(y) - timedelta(days=2)
    if name.startswith("election day"):
        return _nth_weekday(y, 11, 1, 1) + timedelta(days=1)  # US: Tuesday after 1st Monday
    if name.startswith(("independence day", "july fourth", "fourth of july")):
        return date(y, 7, 4)
    if name.startswith("labor day"):
        return _nth_weekday(y, 9, 1, 1)
    if name.startswith("memorial day"):
        return _nth_weekday(y, 5, 1, -1)
    if name.startswith("halloween"):
        return date(y, 10, 31)
    if name.startswith("valentine"):
        return date(y, 2, 14)
    return None


def _distance(first: date, last: date, anchor: date) -> int:
    if first <= anchor <= last:
        return 0
    return (first - anchor).days if first > anchor else (anchor - last).days


# A year-less date this close to the anchor keeps the nearest reading whatever the verb says:
# verb cues are noisy ("said the vote would be held Dec. 14"), and news rarely mentions a
# date almost a year away without its year.
_NEAR_DAYS = 92


def _pick_year(
    span: Callable[[int], tuple[date, date] | None], anchor: date, tense: int,
    near: int = _NEAR_DAYS,
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
    nearest = min(cands, key=lambda c: (_distance(c[1], c[2], anchor), -c[0]))
    if _distance(nearest[1], nearest[2], anchor) <= near:
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


def _weekday_date(anchor: date, wd: int, tense: int, rel: str) -> date:
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


# --------------------------------------------------------------------------- tense cues

_BOUNDARY = _rx(r"[.!?][\"'\u201d)\]]*\s+(?=[A-Z\"'\u201c])|\n", 0)
_CUE = _rx(
    r"(?P<fut>\bwill\b|\bwon't\b|\bshall\b|'ll\b|\bgoing\s+to\b|\bplan(?:s|ned|ning)?\s+to\b"
    r"|\bscheduled\b|\bexpect(?:s|ed)?\s+to\b|\b(?:is|are)\s+(?:due\s+)?to\b|\bset\s+to\b"
    r"|\bintends?\s+to\b|\bupcoming\b|\bhopes?\s+to\b|\bwould\b(?!\s+have)|\bmust\b"
    r"|\bshould\b|\bplanning\b|\bplans\b|\bslated\b|\bas\s+(?:soon|early)\s+as\b"
    r"|\buntil\b|\bdeadline\b|\bdue\b|\beffective\b)"
    r"|(?P<past>\b(?:was|were|had|did|said|told|ago|last|earlier|went|came|met|took|gave|made"
    r"|began|saw|left|held|won|lost|fell|rose|paid|sold|bought|found|led|struck|shot|hit|fled"
    r"|spoke|wrote|ran|sent|broke|knew|thought|felt|kept|brought|became|began|got|put|set|let"
    r"|began|quit|\w{2,}(?<!ee)(?<!hundr)(?<!speed)ed)\b)"
)


def _tense(text: str, start: int, end: int) -> int:
    """-1 when the nearest verb cue in the clause is past tense, 1 when future, 0 unknown."""
    lo = max(0, start - 160)
    left = text[lo:start]
    cut = 0
    for m in _BOUNDARY.finditer(left):
        cut = m.end()
    left = left[cut:]
    right = text[end : end + 120]
    m = _BOUNDARY.search(right)
    if m:
        right = right[: m.start()]
    best, best_dist = 0, 10**6
    for m in _CUE.finditer(left):
        if _passive(left, m):
            continue
        dist = len(left) - m.end()
        if dist <= best_dist:
            best, best_dist = _cue_sign(left, m), dist
    for m in _CUE.finditer(right):
        if _passive(right, m):
            continue
        dist = m.start()
        if dist < best_dist:
            best, best_dist = _cue_sign(right, m), dist
        break
    return best


_BE = _rx(r"\b(?:be|been|being|is|are|to)\s+(?:\w+ly\s+)?$")


_HAD = _rx(r"\bhad\s+(?:been\s+|not\s+)?$")


def _passive(s: str, m: re.Match[str]) -> bool:
    """A participle after "be" ("must be returned") says nothing about when."""
    return bool(m.group("past") and m.group(0).endswith("ed") and _BE.search(s, 0, m.start()))


def _cue_sign(s: str, m: re.Match[str]) -> int:
    if m.group("fut"):
        # "had been scheduled to expire Friday": a plan in the past
        return -1 if _HAD.search(s, max(0, m.start() - 16), m.start()) else 1
    return -1


def _clause(text: str, start: int, end: int) -> str:
    left = text[max(0, start - 200) : start]
    cut = 0
    for m in _BOUNDARY.finditer(left):
        cut = m.end()
    right = text[end : end + 200]
    m = _BOUNDARY.search(right)
    return left[cut:] + text[start:end] + (right[: m.start()] if m else right)


_QUARTER_CONTEXT = _rx(r"\bquarter|\bthree\s+months\b|\bperiod\b")
_EARNINGS = _rx(r"\b(?:net\s+income|a\s+share|per\s+share|earnings|profit|revenue)\b")
_MONEY = _rx(r"[$#\u00a3\u20ac]\s?\d|\d\s*%|\b(?:cents?|million|billion|percent)\b")


# --------------------------------------------------------------------------- hits


@dataclass
class _Hit:
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
    narrative: Callable[[date], _Hit | None] | None = None
    rank: int = 0


class _Ctx:
    def __init__(self, text: str, anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor
        self._tense: dict[tuple[int, int], int] = {}
        # An earnings story: "a year earlier" there means the same quarter a year before.
        self.earnings = bool(_EARNINGS.search(text)) and "quarter" in text.lower()

    def tense(self, start: int, end: int) -> int:
        key = (start, end)
        if key not in self._tense:
            self._tense[key] = _tense(self.text, start, end)
        return self._tense[key]


def _day_hit(s: int, e: int, d: date, relative: bool, mod: str | None = None) -> _Hit:
    return _Hit(s, e, d.isoformat(), "date", "day", mod, d, d, relative)


def _month_hit(s: int, e: int, y: int, m: int, relative: bool) -> _Hit:
    return _Hit(s, e, f"{y:04d}-{m:02d}", "date", "month", None, date(y, m, 1),
                _month_last(y, m), relative)


def _year_hit(s: int, e: int, y: int, relative: bool) -> _Hit:
    return _Hit(s, e, f"{y:04d}", "date", "year", None, date(y, 1, 1), date(y, 12, 31), relative)


def _week_hit(s: int, e: int, d: date, relative: bool) -> _Hit:
    ws = _week_start(d)
    return _Hit(s, e, _iso_week(d), "date", "week", None, ws, ws + timedelta(days=6), relative)


def _quarter_hit(s: int, e: int, y: int, q: int, relative: bool) -> _Hit:
    first, last = _quarter_span(y, q)
    return _Hit(s, e, f"{y:04d}-Q{q}", "date", "quarter", None, first, last, relative)


def _decade_hit(s: int, e: int, d3: int, relative: bool) -> _Hit:
    return _Hit(s, e, f"{d3:03d}", "date", "decade", None, date(d3 * 10, 1, 1),
                date(d3 * 10 + 9, 12, 31), relative)


def _century_hit(s: int, e: int, c2: int, relative: bool) -> _Hit:
    y0 = max(1, c2 * 100)
    return _Hit(s, e, f"{c2:02d}", "date", "century", None, date(y0, 1, 1),
                date(c2 * 100 + 99, 12, 31), relative)


def _ref_hit(s: int, e: int, value: str, anchor: date | None) -> _Hit:
    day = anchor if value == "PRESENT_REF" else None
    return _Hit(s, e, value, "date", "ref", None, day, day, True)


def _num(token: str) -> float | None:
    """A number word or digits; None for fuzzy quantities ("several")."""
    t = re.sub(r"\s+", " ", token.lower().strip())
    if t in ("a", "an", "one"):
        return 1
    half = 0.0
    if t.endswith(" 1/2") or t.endswith(" and a half"):
        half = 0.5
        t = t.rsplit(" 1/2", 1)[0] if t.endswith(" 1/2") else t[: -len(" and a half")]
    if t in ("a half", "half a", "half an"):
        return 0.5
    if t in ("a hundred",):
        return 100
    if t in ("a thousand",):
        return 1000
    if t in ("a couple", "a couple of", "couple of"):
        return 2
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t) + half
    if t in _SMALL:
        return _SMALL[t] + half
    parts = re.split(r"[\s-]", t)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_SMALL.get(parts[1], 0) if len(parts) > 1 else 0) + half
    return None


def _unit_of(token: str) -> str:
    t = token.lower()
    if t.startswith("centur"):
        return "century"
    if t.startswith("millenni"):
        return "millennium"
    return t[:-1] if t.endswith("s") else t


def _duration_value(n: float | None, unit: str) -> str:
    code = _UNIT_CODE[unit]
    time_unit = unit in ("second", "minute", "hour")
    pre = "PT" if time_unit else "P"
    if unit == "weekend":
        return "P2D" if n == 1 else ("PXWE" if n is None else f"P{int(n * 2)}D")
    if n is None:
        return f"{pre}X{ {'DE': 'E', 'CE': 'C', 'ML': 'L'}.get(code, code)}"
    if code == "DE":
        n, code = n * 10, "Y"
    elif code == "CE":
        n, code = n * 100, "Y"
    elif code == "ML":
        n, code = n * 1000, "Y"
    if unit == "fortnight":
        n *= 2
    if n == int(n):
        return f"{pre}{int(n)}{code}"
    whole, frac = int(n), n - int(n)
    smaller = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "H"), "Q": (3, "M")}
    if time_unit:
        sub = {"H": (60, "M"), "M": (60, "S")}.get(code)
        if sub:
            head = f"{whole}{code}" if whole else ""
            return f"PT{head}{round(frac * sub[0])}{sub[1]}"
        return f"PT{n:g}{code}"
    if code in smaller:
        k, sub_code = smaller[code]
        head = f"{whole}{code}" if whole else ""
        if sub_code == "H":
            return f"P{head}T{round(frac * k)}H"
        return f"P{head}{round(frac * k)}{sub_code}"
    return f"P{n:g}{code}"


# --------------------------------------------------------------------------- rules
# Each rule is (pattern, handler). A handler returns a _Hit or None (pattern matched but the
# context says it is not a time expression). Overlaps are then settled longest-first.

_Handler = Callable[[re.Match[str], "_Ctx"], "_Hit | None"]
_RULES: list[tuple[re.Pattern[str], _Handler, re.Pattern[str]]] = []

# The stem (in lower-cased text) that every match of a rule contains. The rules themselves are
# case-insensitive alternations with optional prefixes, which Python's re cannot scan quickly,
# so each one only runs on short windows around its own stems; most rules never run at all.
_UNIT_STEMS = (
    r"\b(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur|millenni)"
)
_MONTH_STEMS = r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_TRIGGERS = {
    "_r_month_day": _MONTH_STEMS,
    "_r_day_month": _MONTH_STEMS,
    "_r_month": _MONTH_STEMS,
    "_r_iso": r"\d{4}-\d\d",
    "_r_slash": r"\d/\d",
    "_r_year": r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)",
    "_r_spoken_year": r"nineteen|twenty",
    "_r_year_2000": r"two thousand",
    "_r_decade": r"0'?s\b|ties\b",
    "_r_century": r"centur",
    "_r_deictic": r"today|yesterday|tomorrow|tonight",
    "_r_this_morning": r"morning|afternoon|evening|night",
    "_r_weekday": r"monday|tuesday|wednesday|thursday|friday|saturday|sunday",
    "_r_every": r"each|every",
    "_r_set_word": r"daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually",
    "_r_rate": r"(?:a|an|per) (?:second|minute|hour|day|week|month|quarter|year)",
    "_r_season": r"spring|summer|fall|autumn|winter",
    "_r_quarter": r"quarter|half",
    "_r_q_short": r"q[1-4]|h[12]",
    "_r_fiscal": r"fiscal",
    "_r_year_earlier": r"year.(?:earlier|ago)|a year (?:earlier|ago)|last year",
    "_r_rel_unit": r"\b(?:week|month|quarter|year|decade|centur|period)",
    "_r_narrative_day": r"\b(?:day|morning|night|evening|afternoon)\b",
    "_r_year_end": r"year.?end|year's end|end of the year",
    "_r_duration": _UNIT_STEMS,
    "_r_recent_units": r"recent|coming|past|next few|last few",
    "_r_bare_units": _UNIT_STEMS,
    "_r_long_adj": r"-long",
    "_r_vague_ago": r"ago",
    "_r_refs": r"now|current|present|moment|these days|recent|lately|past|future|term|someday"
    r"|at this time",
    "_r_clock": r"\d\s*[ap]\.?\s?m|o'clock|\d:\d\d|noon|midnight|midday",
    "_r_holiday": r"christmas|new year|thanksgiving|easter|good friday|election day"
    r"|independence day|july fourth|fourth of july|labor day|memorial day|halloween|valentine",
}


def _rule(pattern: str, flags: int = _I) -> Callable[[_Handler], _Handler]:
    def deco(fn: _Handler) -> _Handler:
        _RULES.append((_rx(pattern, flags), fn, _rx(_TRIGGERS[fn.__name__], 0)))
        return fn

    return deco


def _titled(word: str) -> bool:
    """A unit word written "Week" in running text is part of a name, not a time."""
    return word[:1].isupper() and word[1:].islower()


def _month_num(token: str) -> int | None:
    t = token.rstrip(".").lower()
    return _MONTHS.get(t)


def _month_ok(token: str, m: re.Match[str], ctx: _Ctx, alone: bool) -> bool:
    """Month names are capitalized in news; "May" and "March" alone also need a date cue."""
    if not token[:1].isupper():
        return False
    if alone and len(token) <= 4 and not token.endswith(".") and token != "June":
        return False  # "Jan Kavan": an abbreviation alone needs its period
    if alone and token in ("May", "March"):
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        return bool(re.search(r"\b(in|since|until|through|by|of|last|next|this|early|late|mid"
                              r"|during|before|after|from|to|each|every|and|or|the)\W*$", before))
    return True


def _day_num(token: str) -> int | None:
    t = token.lower().strip()
    m = re.match(r"\d+", t)
    if m:
        return int(m.group())
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in _TENS:
        return _TENS[parts[0]] + _ORDINALS.get(parts[1], 0)
    return _ORDINALS.get(t)


def _resolve_month_day(ctx: _Ctx, m: re.Match[str], mon: int, day: int, year: int | None,
                       rel: str = "") -> _Hit | None:
    s, e = m.start(), m.end()
    if year is not None:
        d = _safe_date(year, mon, day)
        return _day_hit(s, e, d, False) if d else None
    if _safe_date(2000, mon, day) is None:
        return None
    if ctx.anchor is None:
        return _Hit(s, e, f"XXXX-{mon:02d}-{day:02d}", "date", "day", relative=True)

    def span(y: int) -> tuple[date, date] | None:
        d = _safe_date(y, mon, day)
        return (d, d) if d else None

    if rel in ("last", "next"):
        y = _pick_year(span, ctx.anchor, -1 if rel == "last" else 1, near=0)
    else:
        y = _pick_year(span, ctx.anchor, ctx.tense(s, e))
    d = _safe_date(y, mon, day) if y else None
    return _day_hit(s, e, d, True) if d else None


@_rule(rf"\b(?:(?P<rel>last|next|this)\s+)?(?:(?:{_WEEKDAY_ALT})\s*,?\s+)?(?P<mon>{_MONTH_ALT})\s+(?:the\s+)?"
       rf"(?P<day>{_DAY_ALT})\b(?:\s*,?\s*(?P<year>{_YEAR_ALT}))?", 0)
def _r_month_day(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    return _month_day(m, ctx, (m.group("rel") or "").lower())


@_rule(rf"\b(?:(?:{_WEEKDAY_ALT})\s*,?\s+)?(?:the\s+)?(?P<day>{_DAY_ALT})\s+(?:of\s+)?"
       rf"(?P<mon>{_MONTH_ALT})(?:\s*,?\s*(?P<year>{_YEAR_ALT}))?", 0)
def _r_day_month(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    return _month_day(m, ctx, "")


def _month_day(m: re.Match[str], ctx: _Ctx, rel: str) -> _Hit | None:
    """"October 9" and "9 October": the same date whichever comes first."""
    mon_tok = m.group("mon")
    if not _month_ok(mon_tok, m, ctx, alone=False):
        return None
    mon, day = _month_num(mon_tok), _day_num(m.group("day"))
    if mon is None or day is None or not 1 <= day <= 31:
        return None
    year = int(m.group("year")) if m.group("year") else None
    return _resolve_month_day(ctx, m, mon, day, year, rel)


@_rule(r"(?<![\d/-])(?P<y>1[6-9]\d\d|20\d\d)-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>[0-3]\d)"
       r"(?:[T ](?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?)?)?(?![\d-])", 0)
def _r_iso(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    y, mo = int(m.group("y")), int(m.group("m"))
    if not m.group("d"):
        return _month_hit(m.start(), m.end(), y, mo, False)
    d = _safe_date(y, mo, int(m.group("d")))
    if d is None:
        return None
    hit = _day_hit(m.start(), m.end(), d, False)
    if m.group("H"):
        hit.value, hit.kind, hit.gran = f"{d.isoformat()}T{m.group('H')}:{m.group('M')}", \
            "time", "time"
    return hit


@_rule(r"(?<![\d/.$])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d\d)(?![\d/])",
       0)
def _r_slash(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    # US order: news in English is mostly American, and m/d is what the benchmarks use.
    y = int(m.group("y"))
    if y < 100:
        y += 1900 if y > 30 else 2000
    d = _safe_date(y, int(m.group("m")), int(m.group("d")))
    return _day_hit(m.start(), m.end(), d, False) if d else None


@_rule(rf"\b(?:(?P<rel>last|next|this|this\s+past|this\s+coming)\s+)?(?P<mon>{_MONTH_ALT})"
       rf"(?:\s*,?\s*(?:of\s+)?(?P<year>{_YEAR_ALT})|\s+(?P<ryear>this|last|next)\s+year)?",
       0)
def _r_month(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    mon_tok = m.group("mon")
    rel = (m.group("rel") or "").lower()
    has_year = bool(m.group("year") or m.group("ryear"))
    if not _month_ok(mon_tok, m, ctx, alone=not (has_year or rel)):
        return None
    mon = _month_num(mon_tok)
    if mon is None:
        return None
    s, e = m.start(), m.end()
    if m.group("year"):
        return _month_hit(s, e, int(m.group("year")), mon, False)
    a = ctx.anchor
    if a is None:
        return _Hit(s, e, f"XXXX-{mon:02d}", "date", "month", relative=True)
    if m.group("ryear"):
        y = a.year + {"this": 0, "last": -1, "next": 1}[m.group("ryear").lower()]
        return _month_hit(s, e, y, mon, True)
    if rel in ("last", "this past"):
        y = a.year if mon < a.month else a.year - 1
    elif rel in ("next", "this coming"):
        y = a.year if mon > a.month else a.year + 1
    elif rel == "this":
        y = a.year
    else:
        y = _pick_year(lambda yy: (date(yy, mon, 1), _month_last(yy, mon)), a, ctx.tense(s, e))
    return _month_hit(s, e, y, mon, True) if y else None


_YEAR_BAD_AFTER = _rx(r"\s*(?:%|percent|per\s+cent|million|billion|trillion|thousand|people"
                      r"|shares|tons|tonnes|barrels|feet|foot|meters|metres|miles|km|kilometers"
                      r"|pounds|dollars|yuan|yen|euros|troops|soldiers|members|votes|units"
                      r"|cars|jobs|workers|employees|cases|points|calories|acres|hectares"
                      r"|square|cubic|to\s+\d)\b")


@_rule(rf"(?<![\w$£€#.,/])(?<!\d-)(?P<y>{_YEAR_ALT})(?![\w%/]|[.,]\d|-\d)", 0)
def _r_year(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if _YEAR_BAD_AFTER.match(ctx.text, m.end()):
        return None
    before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
    if re.search(r"(?:no\.|number|route|flight|room|pp?\.|page|\$|,)\s*$", before):
        return None
    return _year_hit(m.start(), m.end(), int(m.group("y")), False)


@_rule(r"\b(?:the\s+year\s+)?(?P<c>nineteen|twenty)[\s-]+(?P<rest>(?:oh[\s-]+)?"
       rf"(?:{_WORDNUM_ALT})|hundred)\b")
def _r_spoken_year(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    # Broadcast transcripts spell years out: "nineteen ninety-seven".
    rest = re.sub(r"^oh[\s-]+", "", m.group("rest").lower())
    low = 0 if rest == "hundred" else _num(rest)
    if low is None or low >= 100:
        return None
    if not m.group(0).lower().startswith("the year") and low < 10 and "oh" not in m.group(0):
        return None
    y = (19 if m.group("c").lower() == "nineteen" else 20) * 100 + int(low)
    return _year_hit(m.start(), m.end(), y, False)


@_rule(r"\bthe\s+year\s+(?P<v>two\s+thousand(?:\s+and\s+\w+)?)\b")
def _r_year_2000(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    tail = m.group("v").lower().split("and")
    extra = _num(tail[1].strip()) if len(tail) > 1 else 0
    return _year_hit(m.start(), m.end(), 2000 + int(extra or 0), False)


@_rule(r"\b(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]*)?"
       r"(?:(?P<cent>1[6-9]|20)(?P<d>\d)0'?s|'(?P<d2>\d)0s"
       r"|(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b")
def _r_decade(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    words = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
             "seventies": 7, "eighties": 8, "nineties": 9}
    if m.group("w"):
        before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
        if not m.group(0).lower().startswith("the") or re.search(r"(his|her|their)\s*$", before):
            return None  # "in his sixties" is an age
        digit, cent = words[m.group("w").lower()], None
    elif m.group("d2"):
        digit, cent = int(m.group("d2")), None
    else:
        digit, cent = int(m.group("d")), int(m.group("cent"))
    if cent is None:
        ref = ctx.anchor.year if ctx.anchor else 2000
        cent = ref // 100 if (ref // 100) * 100 + digit * 10 <= ref else ref // 100 - 1
    hit = _decade_hit(m.start(), m.end(), cent * 10 + digit, False)
    hit.mod = {"early": "START", "mid": "MID", "late": "END"}.get((m.group("mod") or "").lower())
    return hit


@_rule(r"\b(?:the\s+)?(?P<n>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth"
       r"|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth"
       r"|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[\s-]first)[\s-]+century\b")
def _r_century(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    tok = m.group("n").lower()
    n = int(re.match(r"\d+", tok).group()) if tok[0].isdigit() else _day_num(tok)
    if not n:
        return None
    return _century_hit(m.start(), m.end(), n - 1, False)


# Deictic days -------------------------------------------------------------------------------

_DEICTIC_DAY = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                "the day after tomorrow": 2, "tonight": 0}


@_rule(r"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|yesterday"
       r"|tomorrow|tonight)(?:'s)?(?:\s+(?P<pod>morning|afternoon|evening|night))?\b")
def _r_deictic(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    w = re.sub(r"\s+", " ", m.group("w").lower())
    pod = (m.group("pod") or "").lower() or ("night" if w == "tonight" else "")
    s, e = m.start(), m.end()
    if w.endswith("'s"):
        e -= 2
    if ctx.anchor is None:
        val = "XXXX-XX-XX" + (f"T{_PART_OF_DAY[pod]}" if pod else "")
        return _Hit(s, e, val, "time" if pod else "date", "time" if pod else "day", relative=True)
    d = ctx.anchor + timedelta(days=_DEICTIC_DAY[w])
    hit = _day_hit(s, e, d, True)
    if pod:
        hit.value, hit.kind, hit.gran = f"{d.isoformat()}T{_PART_OF_DAY[pod]}", "time", "time"
    return hit


@_rule(r"\b(?P<w>this|last)\s+(?P<pod>morning|afternoon|evening|night)\b")
def _r_this_morning(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    w, pod = m.group("w").lower(), m.group("pod").lower()
    if w == "last" and pod != "night":
        return None
    code = _PART_OF_DAY[pod]
    if ctx.anchor is None:
        return _Hit(m.start(), m.end(), f"XXXX-XX-XXT{code}", "time", "time", relative=True)
    d = ctx.anchor - timedelta(days=1 if w == "last" else 0)
    return _Hit(m.start(), m.end(), f"{d.isoformat()}T{code}", "time", "time", None, d, d, True)


@_rule(rf"\b(?:(?P<rel>last|next|this\s+past|this\s+coming|this|coming|past|the\s+previous"
       rf"|the\s+following)\s+)?(?P<wd>{_WEEKDAY_ALT})(?P<pl>s)?\b(?:'s)?"
       rf"(?:\s+(?P<pod>morning|afternoon|evening|night)s?)?", 0)
def _r_weekday(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    wd = _WEEKDAYS[m.group("wd").lower()]
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    pod = (m.group("pod") or "").lower()
    code = f"T{_PART_OF_DAY[pod]}" if pod else ""
    s, e = m.start(), m.end()
    if m.group(0).endswith("'s"):
        e -= 2
    if m.group("pl"):
        before = ctx.text[max(0, s - 8) : s].lower()
        if rel or not re.search(r"\b(on|most|all|some|every)\s*$", before):
            return None
        return _Hit(s, e, f"XXXX-WXX-{wd}{code}", "set", "day", relative=True)
    if ctx.anchor is None:
        return _Hit(s, e, f"XXXX-WXX-{wd}{code}", "time" if pod else "date", "day",
                    relative=True)
    if rel.startswith("the "):
        # "the previous Friday" counts from the story's own timeline.
        def narr(ref: date, rel: str = rel) -> _Hit:
            d = _weekday_date(ref, wd, 0, rel)
            return _pod_day(s, e, d, code)

        hit = _Hit(s, e, "", "date", "day", relative=True)
        hit.narrative = narr
        return hit
    tense = ctx.tense(s, e) if not rel else 0
    d = _weekday_date(ctx.anchor, wd, tense, rel)
    return _pod_day(s, e, d, code)


def _pod_day(s: int, e: int, d: date, code: str) -> _Hit:
    hit = _day_hit(s, e, d, True)
    if code:
        hit.value, hit.kind, hit.gran = d.isoformat() + code, "time", "time"
    return hit


@_rule(r"\b(?:each|every)\s+(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
       r"|(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
       r"|December)|(?P<other>other\s+)?(?:(?P<n>" + _NUM_ALT + r")[\s-]+)?(?P<unit>"
       + _UNIT_ALT + r"))\b")
def _r_every(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    s, e = m.start(), m.end()
    if m.group("wd"):
        return _Hit(s, e, f"XXXX-WXX-{_WEEKDAYS[m.group('wd').lower()]}", "set", "day")
    if m.group("mon"):
        return _Hit(s, e, f"XXXX-{_MONTHS[m.group('mon').lower()]:02d}", "set", "month")
    unit = _unit_of(m.group("unit"))
    n = _num(m.group("n")) if m.group("n") else 1
    if m.group("other"):
        n = 2
    return _Hit(s, e, _duration_value(n, unit), "set", unit)


_SET_WORDS = {"daily": ("P1D", "day"), "weekly": ("P1W", "week"), "monthly": ("P1M", "month"),
              "annually": ("P1Y", "year"), "yearly": ("P1Y", "year"), "hourly": ("PT1H", "hour"),
              "nightly": ("P1D", "day"), "quarterly": ("P3M", "quarter"),
              "biweekly": ("P2W", "week"), "semiannually": ("P6M", "month")}


@_rule(r"\b(?:daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually)\b")
def _r_set_word(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    value, gran = _SET_WORDS[m.group(0).lower()]
    return _Hit(m.start(), m.end(), value, "set", gran)


@_rule(r"\b(?:a|an|per)\s+(?P<unit>second|minute|hour|day|week|month|quarter|year)\b")
def _r_rate(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    # "$5 a year", "20 percent a month": a rate, not a duration.
    before = ctx.text[max(0, m.start() - 30) : m.start()]
    if not re.search(r"(\d|percent|dollars|cents|pounds|euros|times)\W*(\w+\W+){0,2}$", before):
        return None
    unit = _unit_of(m.group("unit"))
    hit = _Hit(m.start(), m.end(), _duration_value(1, unit), "set", unit)
    hit.rank = 1  # beats the duration reading of the same words
    return hit


# Seasons, quarters, halves ----------------------------------------------------------------


@_rule(rf"\b(?:(?P<rel>last|next|this|this\s+past|this\s+coming|the|early|late)\s+)?"
       rf"(?P<s>spring|summer|fall|autumn|winter)\b(?:\s+(?:of\s+)?(?P<year>{_YEAR_ALT}))?")
def _r_season(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    word = m.group("s").lower()
    s, e = m.start(), m.end()
    code = _SEASONS[word]
    if not (rel or m.group("year")):
        before = ctx.text[max(0, s - 10) : s].lower()
        if word == "fall" or m.group("s")[0].isupper() or not re.search(
                r"\b(in|during|by|until|through|since|over|for)\s+$", before):
            return None  # "prices fall", "Spring of Life"
    if rel == "the" and not m.group("year"):
        nxt = ctx.text[e : e + 4].lower()
        if nxt.startswith((" of", " in", " and")):
            return None  # "the fall of the city"
    mod = {"early": "START", "late": "END"}.get(rel)
    if m.group("year"):
        y = int(m.group("year"))
        first, last = _season_span(y, code)
        return _Hit(s, e, f"{y}-{code}", "date", "season", mod, first, last, False)
    a = ctx.anchor
    if a is None:
        return _Hit(s, e, f"XXXX-{code}", "date", "season", mod, relative=True)
    cur = [y for y in (a.year - 1, a.year) if _distance(*_season_span(y, code), a) == 0]
    if rel in ("last", "this past"):
        y = a.year if _season_span(a.year, code)[1] < a else a.year - 1
        if cur and y == cur[0]:
            y -= 1
    elif rel in ("next", "this coming"):
        y = a.year if _season_span(a.year, code)[0] > a else a.year + 1
    elif rel == "this":
        y = cur[0] if cur else a.year  # "this summer" said in October: the one just gone
    else:
        tense = 1 if rel == "this" else ctx.tense(s, e)
        y = _pick_year(lambda yy: _season_span(yy, code), a, tense)
    first, last = _season_span(y, code)
    return _Hit(s, e, f"{y}-{code}", "date", "season", mod, first, last, True)


_QORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "1st": 1, "2nd": 2,
         "3rd": 3, "4th": 4, "last": 2, "latter": 2}


@_rule(rf"\b(?:(?P<det>the|its|their|this|this\s+year's|last\s+year's|next\s+year's)\s+)?"
       rf"(?:(?P<y1>{_YEAR_ALT})(?:'s)?\s+)?(?:fiscal[\s-]+)?(?:(?P<y1b>{_YEAR_ALT})\s+)?"
       rf"(?P<q>first|second|third|fourth|final|1st|2nd|3rd|4th|latter|last(?=[\s-]+half))"
       rf"[\s-]+(?:fiscal[\s-]+)?"
       rf"(?P<u>quarter|half)s?\b(?:\s+of\s+(?:fiscal\s+)?(?:the\s+year\s+)?(?P<y2>{_YEAR_ALT}))?")
def _r_quarter(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    q = _QORD[m.group("q").lower()]
    unit = m.group("u").lower()
    s, e = m.start(), m.end()
    if unit == "half":
        if q > 2:
            return None
        q_list = (1, 2) if q == 1 else (3, 4)
    else:
        q_list = (q,)
    after = ctx.text[e : e + 4].lower()
    before = ctx.text[max(0, s - 3) : s].lower()
    if unit == "quarter" and after.startswith(" of") and before.endswith("a ") and not m.group(
            "y2"):
        return None  # "a third quarter of the shares" - a fraction
    det = re.sub(r"\s+", " ", (m.group("det") or "").lower())
    ytok = m.group("y1") or m.group("y1b") or m.group("y2")
    relative = ytok is None
    a = ctx.anchor
    if ytok:
        y = int(ytok)
    elif a is None:
        code = f"Q{q}" if unit == "quarter" else f"H{q}"
        return _Hit(s, e, f"XXXX-{code}", "date", unit, relative=True)
    elif det.startswith("last year"):
        y = a.year - 1
    elif det.startswith("next year"):
        y = a.year + 1
    elif det.startswith("this"):
        y = a.year
    else:
        # A quarter keeps the anchor's year ("expects to report third-quarter results" in
        # October is this year's), unless a past-tense verb names one that has not begun yet.
        y = a.year
        if _quarter_span(y, q_list[0])[0] > a and ctx.tense(s, e) < 0:
            y -= 1
    first, last = _quarter_span(y, q_list[0])[0], _quarter_span(y, q_list[-1])[1]
    code = f"Q{q}" if unit == "quarter" else f"H{q}"
    return _Hit(s, e, f"{y}-{code}", "date", unit, None, first, last, relative)


@_rule(rf"\b(?:Q(?P<q>[1-4])(?:\s+(?P<y>{_YEAR_ALT}))?|(?P<y2>{_YEAR_ALT})\s*Q(?P<q2>[1-4])"
       rf"|(?P<h>H[12])\s+(?P<y3>{_YEAR_ALT}))\b", 0)
def _r_q_short(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    s, e = m.start(), m.end()
    if m.group("h"):
        y, h = int(m.group("y3")), int(m.group("h")[1])
        first, last = _quarter_span(y, 2 * h - 1)[0], _quarter_span(y, 2 * h)[1]
        return _Hit(s, e, f"{y}-H{h}", "date", "half", None, first, last)
    q = int(m.group("q") or m.group("q2"))
    ytok = m.group("y") or m.group("y2")
    if ytok:
        return _quarter_hit(s, e, int(ytok), q, False)
    if ctx.anchor is None:
        return _Hit(s, e, f"XXXX-Q{q}", "date", "quarter", relative=True)
    y = _pick_year(lambda yy: _quarter_span(yy, q), ctx.anchor, ctx.tense(s, e))
    return _quarter_hit(s, e, y, q, True)


@_rule(rf"\bfiscal(?:\s+year)?\s+(?P<y>{_YEAR_ALT}|'\d\d)")
def _r_fiscal(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    tok = m.group("y")
    y = int(tok) if tok[0] != "'" else 1900 + int(tok[1:]) if int(tok[1:]) > 30 else 2000 + int(
        tok[1:])
    return _year_hit(m.start(), m.end(), y, False)


def _last_quarter(a: date) -> tuple[int, int]:
    """The last quarter completed before `a`: what an earnings story calls "the quarter"."""
    q = _quarter_of(a) - 1
    return (a.year, q) if q else (a.year - 1, 4)


@_rule(r"\b(?:the\s+)?(?:comparable\s+|same\s+|corresponding\s+)?(?:year[\s-](?:earlier|ago)"
       r"(?:\s+(?:(?:first|second|third|fourth|fiscal)\s+)?(?:quarter|period))?"
       r"|(?:quarter|period)\s+a\s+year\s+(?:earlier|ago)|(?:corresponding|same|comparable)"
       r"\s+(?:quarter|period)\s+(?:of\s+|a\s+)?last\s+year)\b")
def _r_year_earlier(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    # Earnings-story idiom: the same quarter one year before the one being reported.
    if ctx.anchor is None:
        return _Hit(m.start(), m.end(), "XXXX-QX", "date", "quarter", relative=True)
    after = ctx.text[m.end() : m.end() + 30].lower()
    if re.match(r"\s+(?:\w+\s+)?(?:months|weeks|year\b)", after):
        return None
    y, q = _last_quarter(ctx.anchor)
    return _quarter_hit(m.start(), m.end(), y - 1, q, True)


# Relative units: "last week", "this year", "the past year", "the latest quarter" -------------


@_rule(r"\b(?P<rel>last|this|next|the\s+past|the\s+last|the\s+previous|the\s+coming|the\s+next"
       r"|the\s+following|the\s+current|the\s+latest|the\s+most\s+recent|this\s+past"
       r"|this\s+coming|the\s+same|that|the\s+new|the|the\s+current\s+fiscal|the\s+next\s+fiscal"
       r"|last\s+fiscal|this\s+fiscal|next\s+fiscal|the\s+previous\s+fiscal|the\s+prior|the\s+fiscal)"
       r"\s+(?:fiscal\s+)?(?P<unit>week|weekend|month|quarter|year|decade|century|period)\b"
       r"(?!\s*-)"
       r"|\bthe\s+(?P<full>full|entire|whole)\s+year\b")
def _r_rel_unit(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    s, e = m.start(), m.end()
    if m.group("full"):
        if ctx.anchor is None:
            return _Hit(s, e, "XXXX", "date", "year", relative=True)
        return _year_hit(s, e, ctx.anchor.year, True)
    if _titled(m.group("unit")):
        return None  # "This Week", a programme title
    rel = re.sub(r"\s+", " ", m.group("rel").lower()).replace(" fiscal", "")
    unit = m.group("unit").lower()
    if unit == "period" and (rel not in ("the latest", "the most recent") or ctx.anchor is None
                             or not _QUARTER_CONTEXT.search(_clause(ctx.text, s, e)[:-6])):
        return None  # "the period" is a quarter only in an earnings story
    after = ctx.text[e : e + 12].lower()
    if re.match(r"\s+(of|after|before|ago|earlier|later)\b", after) and rel in (
        "the", "that", "the same", "the new"):
        return None  # "the year of the dragon", "the year before": not this year
    if rel in ("the following", "the previous", "the prior", "that", "the same", "the next") and (
        rel != "the next" or unit == "day"
    ):
        return _narrative_unit(s, e, unit, rel)
    if rel == "the new" and unit != "year":
        return None
    a = ctx.anchor
    step = {"last": -1, "the past": -1, "the last": -1, "the previous": -1, "this past": -1,
            "next": 1, "the coming": 1, "the next": 1, "this coming": 1, "the new": 1}.get(rel, 0)
    if a is None:
        val = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
               "quarter": "XXXX-QX", "year": "XXXX", "decade": "XXX", "century": "XX"}[unit]
        return _Hit(s, e, val, "date", unit, relative=True)
    if unit == "year" and rel == "the" and re.match(r"\s+end(?:ed|ing)\b", after):
        return _Hit(s, e, "P1Y", "duration", "year")  # "the year ended March 31"
    if unit in ("quarter", "period") and rel in ("the latest", "the most recent", "the"):
        y, q = _last_quarter(a)  # the quarter a story reports on is the one just closed
        return _quarter_hit(s, e, y, q, True)
    if rel in ("the latest", "the most recent"):
        step = -1
    if unit in ("decade", "century") and rel in ("the past", "the last"):
        n = 10 if unit == "decade" else 100  # "over the past decade": the ten years to now
        return _Hit(s, e, f"P{n}Y", "duration", unit)
    return _shift_unit(s, e, a, unit, step, ctx.tense(s, e) if unit == "weekend" else 0)


def _shift_unit(s: int, e: int, a: date, unit: str, step: int, tense: int = 0) -> _Hit:
    if unit == "week":
        return _week_hit(s, e, a + timedelta(weeks=step), True)
    if unit == "weekend":
        sat = _week_start(a) + timedelta(days=5)
        if step == 0 and sat > a and tense <= 0 and not (a.isoweekday() == 5 and tense == 0):
            sat -= timedelta(weeks=1)  # "the weekend" said on a Monday is the one just gone
        if step < 0 and sat >= a - timedelta(days=1):
            sat -= timedelta(weeks=1)
        if step > 0 and sat <= a:
            sat += timedelta(weeks=1)
        y, w, _ = sat.isocalendar()
        return _Hit(s, e, f"{y}-W{w:02d}-WE", "date", "weekend", None, sat,
                    sat + timedelta(days=1), True)
    if unit == "month":
        y, mo = _add_months(a.year, a.month, step)
        return _month_hit(s, e, y, mo, True)
    if unit == "quarter":
        y, q0 = divmod(a.year * 4 + _quarter_of(a) - 1 + step, 4)
        return _quarter_hit(s, e, y, q0 + 1, True)
    if unit == "year":
        return _year_hit(s, e, a.year + step, True)
    if unit == "decade":
        return _decade_hit(s, e, a.year // 10 + step, True)
    return _century_hit(s, e, a.year // 100 + step, True)


def _narrative_unit(s: int, e: int, unit: str, rel: str) -> _Hit:
    step = {"the following": 1, "the next": 1, "the previous": -1, "the prior": -1}.get(rel, 0)

    def narr(ref: date) -> _Hit:
        if unit == "day":
            return _day_hit(s, e, ref + timedelta(days=step), True)
        return _shift_unit(s, e, ref, unit, step)

    hit = _Hit(s, e, "", "date", unit, relative=True)
    hit.narrative = narr
    return hit


@_rule(r"\b(?:the\s+(?P<rel>next|following|previous|prior|same)\s+(?P<u>day|morning|night)"
       r"|(?P<that>that|the\s+same)\s+(?P<u2>day|morning|night|evening|afternoon)"
       r"|the\s+day\s+(?P<ba>before|after)(?!\s+(?:yesterday|tomorrow)))\b")
def _r_narrative_day(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    s, e = m.start(), m.end()
    after = ctx.text[e : e + 8].lower()
    if re.match(r"\s+(of|that|when|in)\b", after):
        return None
    rel = (m.group("rel") or "").lower()
    ba = (m.group("ba") or "").lower()
    step = 1 if rel in ("next", "following") or ba == "after" else -1 if rel in (
        "previous", "prior") or ba == "before" else 0
    pod = (m.group("u") or m.group("u2") or "day").lower()
    code = "" if pod == "day" else f"T{_PART_OF_DAY[pod]}"

    def narr(ref: date) -> _Hit:
        return _pod_day(s, e, ref + timedelta(days=step), code)

    hit = _Hit(s, e, "", "date", "day", relative=True)
    hit.narrative = narr
    return hit


@_rule(r"\b(?:the\s+)?year[\s-]?end\b|\byear's\s+end\b|\bthe\s+end\s+of\s+the\s+year\b")
def _r_year_end(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if ctx.anchor is None:
        return _Hit(m.start(), m.end(), "XXXX", "date", "year", "END", relative=True)
    hit = _year_hit(m.start(), m.end(), ctx.anchor.year, True)
    hit.mod = "END"
    return hit


# "two days ago", "a year earlier", "five years" ---------------------------------------------


@_rule(rf"\b(?:(?P<det>the|these|those|its|their|his|her)\s+)?(?:(?P<dir>past|last|next|coming"
       rf"|previous|following|first|final|remaining|latest|other|additional|initial|same"
       rf"|preceding|ensuing|subsequent)\s+)?(?P<n>{_NUM_ALT})(?:[\s-]+(?P<more>more|additional"
       rf"|straight|consecutive|full|long|extra|trading|business|calendar|working))?[\s-]+"
       rf"(?P<unit>{_UNIT_ALT})(?P<adj>-(?:long|old))?\b(?:\s+(?P<ago>ago|earlier|later"
       rf"|from\s+now|hence|before|back|old))?")
def _r_duration(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    s, e = m.start(), m.end()
    if _titled(m.group("unit")):
        return None  # "60 Minutes", a programme title
    ntok = re.sub(r"\s+", " ", m.group("n").lower())
    unit = _unit_of(m.group("unit"))
    ago = (m.group("ago") or "").lower()
    adj = (m.group("adj") or "").lower()
    if adj == "-old" or ago == "old":
        return None  # ages are not time expressions
    if unit == "second" and ntok in ("a", "an"):
        return None  # "a second term"
    after = ctx.text[e : e + 5].lower()
    if unit == "quarter" and after.startswith(" of") and not ago:
        return None  # "a quarter of the shares"
    if re.fullmatch(r"(?:1[6-9]|20)\d\d", ntok):
        if unit == "quarter" and ctx.anchor is not None:  # "the 1988 quarter"
            return _quarter_hit(s, e, int(ntok), _last_quarter(ctx.anchor)[1], False)
        return None  # a year, not a count
    if ago == "before" and re.match(r"\s+(the|a|an|his|her|its|their|\w+ing)\b",
                                    ctx.text[e : e + 24]):
        # "two days before the vote": the duration alone is the TIMEX
        e = m.start("ago") - 1
        ago = ""
    elif ago in ("before", "back"):
        ago = "ago"  # "two days before," / "ten years back"
    n = _num(ntok)
    if ago:
        return _ago(s, e, ctx, n, unit, ago)
    return _Hit(s, e, _duration_value(n, unit), "duration", unit)


def _ago(s: int, e: int, ctx: _Ctx, n: float | None, unit: str, ago: str) -> _Hit | None:
    a = ctx.anchor
    sign = 1 if ago in ("later", "from now", "hence") else -1
    if n is None or n != int(n):
        return _Hit(s, e, "FUTURE_REF" if sign > 0 else "PAST_REF", "date", "ref", relative=True)
    k = int(n) * sign
    if unit == "year" and k == -1 and a is not None and ctx.earnings and _MONEY.search(
            _clause(ctx.text, s, e)):
        y, q = _last_quarter(a)  # "profit rose from $5 million a year earlier"
        return _quarter_hit(s, e, y - 1, q, True)
    if a is None:
        return _Hit(s, e, "PAST_REF" if sign < 0 else "FUTURE_REF", "date", "ref", relative=True)
    if unit in ("day", "night"):
        return _day_hit(s, e, a + timedelta(days=k), True)
    if unit in ("week", "fortnight"):
        return _week_hit(s, e, a + timedelta(weeks=k * (2 if unit == "fortnight" else 1)), True)
    if unit == "month":
        y, mo = _add_months(a.year, a.month, k)
        return _month_hit(s, e, y, mo, True)
    if unit == "quarter":
        y, q0 = divmod(a.year * 4 + _quarter_of(a) - 1 + k, 4)
        return _quarter_hit(s, e, y, q0 + 1, True)
    if unit == "year":
        return _year_hit(s, e, a.year + k, True)
    if unit == "decade":
        return _year_hit(s, e, a.year + 10 * k, True)
    if unit == "century":
        return _century_hit(s, e, a.year // 100 + k, True)
    if unit in ("hour", "minute", "second"):
        return _day_hit(s, e, a, True)
    return None


@_rule(r"\b(?:in\s+)?(?:the\s+)?(?P<w>recent|coming|past|next\s+few|last\s+few|past\s+few)\s+"
       r"(?P<unit>days|weeks|months|years|decades|quarters)\b")
def _r_recent_units(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    # "in recent years", "the coming weeks": a stretch of unsaid length next to the anchor.
    s = m.start()
    if m.group(0).lower().startswith("in "):
        s += 3
    unit = _unit_of(m.group("unit"))
    return _Hit(s, m.end(), _duration_value(None, unit), "duration", unit)


@_rule(r"\b(?P<u>hour|day|night|week|month|year|decade|centur(?:y|ie))(?P<pl>s)?-long\b")
def _r_long_adj(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    unit = _unit_of(m.group("u") + ("s" if m.group("pl") else ""))
    n = None if m.group("pl") else 1  # "decades-long": how many is not said
    return _Hit(m.start(), m.end(), _duration_value(n, unit), "duration", unit)


@_rule(r"\b(?:for|over|within|after|in|take|takes|took|last|lasted|lasting|spend|spent"
       r"|than)\s+(?P<u>minutes|hours|days|weeks|months|years|decades|centuries)\b")
def _r_bare_units(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    after = ctx.text[m.end() : m.end() + 12].lower()
    if re.match(r"\s+(ago|earlier|of|later)\b", after):
        return None
    unit = _unit_of(m.group("u"))
    return _Hit(m.start("u"), m.end(), _duration_value(None, unit), "duration", unit)


@_rule(r"\b(?:years|decades|months|weeks|days)\s+(?:ago|earlier)\b|\blong\s+ago\b"
       r"|\bsome\s+time\s+ago\b")
def _r_vague_ago(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    return _ref_hit(m.start(), m.end(), "PAST_REF", ctx.anchor)


# Vague references -------------------------------------------------------------------------

_REFS = (
    (r"right\s+now|just\s+now|now|currently|at\s+present|at\s+the\s+moment|presently|nowadays"
     r"|these\s+days|at\s+this\s+time|the\s+present|so\s+far|to\s+date|current(?!\s+account)",
     "PRESENT_REF"),
    (r"recently|lately|the\s+past(?!\s+(?:[\w-]+\s+){0,2}?(?:" + _UNIT_ALT + r")\b)|recent",
     "PAST_REF"),
    (r"the\s+(?:near\s+|distant\s+|foreseeable\s+)?future|the\s+(?:near|short|long)\s+term"
     r"|someday", "FUTURE_REF"),
)
_REF_RX = _rx(r"\b(?:" + "|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(_REFS)) + r")\b")


@_rule(_REF_RX.pattern)
def _r_refs(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    word = m.group(0).lower()
    if word == "now" and ctx.text[m.end() : m.end() + 1] == "-":
        return None  # "now-defunct"
    if word in ("so far", "to date"):
        return None
    for i, (_, value) in enumerate(_REFS):
        if m.group(f"g{i}"):
            return _ref_hit(m.start(), m.end(), value, ctx.anchor)
    return None


# Clock times --------------------------------------------------------------------------------


@_rule(rf"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.\s?m\.?|p\.\s?m\.?|am\b|pm\b"
       rf"|o'clock)(?:\s+(?P<tz>{_TZ_ALT}))?|\b(?P<h24>[01]\d|2[0-3]):(?P<mi24>[0-5]\d)"
       rf"(?:\s*(?P<tz2>{_TZ_ALT})|(?=\s*(?:hours|hrs)\b))|\b(?P<w>noon|midnight|midday)\b", 0)
def _r_clock(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if m.group("w"):
        w = m.group("w").lower()
        clock = "T24:00" if w == "midnight" else "T12:00"
    elif m.group("h24"):
        clock = f"T{m.group('h24')}:{m.group('mi24')}"
    else:
        h = int(m.group("h"))
        ap = m.group("ap").lower().replace(" ", "")
        if h > 12 or h == 0 and not ap.startswith("o"):
            return None
        if ap.startswith("p") and h != 12:
            h += 12
        if ap.startswith("a") and h == 12:
            h = 0
        clock = f"T{h:02d}:{m.group('mi') or '00'}"
    hit = _Hit(m.start(), m.end(), "", "time", "time", clock=clock)
    if m.group("w") and m.group("w").lower() == "midnight":
        hit.clock = "T24:00"
    return hit


# Holidays -----------------------------------------------------------------------------------


@_rule(rf"\b(?:(?P<rel>last|next|this)\s+)?(?P<h>Christmas(?:\s+(?:Day|Eve))?|New\s+Year's"
       rf"(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?|Good\s+Friday"
       rf"|Election\s+Day|Independence\s+Day|July\s+Fourth|Fourth\s+of\s+July|Labor\s+Day"
       rf"|Memorial\s+Day|Halloween|Valentine's\s+Day)\b(?:\s*,?\s*(?P<year>{_YEAR_ALT}))?", 0)
def _r_holiday(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    name = re.sub(r"\s+", " ", m.group("h").lower())
    s, e = m.start(), m.end()
    if m.group("year"):
        d = _holiday(name, int(m.group("year")))
        return _day_hit(s, e, d, False) if d else None
    a = ctx.anchor
    if a is None:
        return _Hit(s, e, "XXXX-XX-XX", "date", "day", relative=True)
    rel = (m.group("rel") or "").lower()
    tense = {"last": -1, "next": 1}.get(rel, ctx.tense(s, e))

    def span(y: int) -> tuple[date, date] | None:
        d = _holiday(name, y)
        return (d, d) if d else None

    y = _pick_year(span, a, tense)
    d = _holiday(name, y) if y else None
    return _day_hit(s, e, d, True) if d else None


# --------------------------------------------------------------------------- assembly

_MOD_PREFIX = _rx(
    r"(?:^|(?<=[\s(\"'\u201c]))(?:(?P<START>early|earlier|earlier\s+in|early\s+in|the\s+beginning"
    r"\s+of|the\s+start\s+of|beginning\s+of|start\s+of|the\s+first\s+part\s+of|the\s+early\s+part"
    r"\s+of|the\s+dawn\s+of)|(?P<END>late|later|later\s+in|late\s+in|the\s+end\s+of|end\s+of"
    r"|the\s+close\s+of|the\s+latter\s+part\s+of|the\s+last\s+part\s+of|the\s+late\s+part\s+of"
    r"|the\s+tail\s+end\s+of)|(?P<MID>mid|the\s+middle\s+of|middle\s+of|the\s+mid)"
    r"|(?P<APPROX>about|around|approximately|roughly|circa|some|at\s+about)|(?P<LESS_THAN>nearly"
    r"|almost|less\s+than|under|fewer\s+than|just\s+under)|(?P<MORE_THAN>more\s+than|over"
    r"|just\s+over|upwards\s+of)|(?P<EQUAL_OR_MORE>at\s+least)|(?P<EQUAL_OR_LESS>up\s+to"
    r"|no\s+more\s+than|at\s+most|within)|(?P<FISCAL>fiscal))[\s-]*$"
)
_DATE_MODS = {"START", "END", "MID", "APPROX", "FISCAL"}


def _apply_prefix(hit: _Hit, text: str) -> None:
    m = _MOD_PREFIX.search(text, max(0, hit.start - 32), hit.start)
    if not m:
        return
    mod = m.lastgroup
    word = m.group(0).strip().lower()
    core = text[hit.start : hit.end].lower()
    if hit.kind in ("duration", "set"):
        if mod in ("START", "END", "MID", "FISCAL"):
            return
        if mod == "MORE_THAN" and word == "over" and core.startswith("the"):
            return  # "over the past two years": a preposition
    else:
        if mod not in _DATE_MODS and not (mod in ("LESS_THAN",) and "ago" in core):
            return
        if word == "some" or hit.mod is not None:
            return
        if mod == "APPROX" and not re.search(r"\d", core):
            return  # "get around Wednesday's ruling": a preposition, not an estimate
    hit.start = m.start()
    if mod == "FISCAL":
        return
    hit.mod = mod
    _narrow(hit, word)


def _narrow(hit: _Hit, word: str) -> None:
    """Shrink the interval to the part the modifier names."""
    if hit.first is None or hit.last is None or hit.mod not in ("START", "END", "MID"):
        return
    days = (hit.last - hit.first).days + 1
    if days < 3:
        return
    third = days // 3
    if hit.mod == "START":
        hit.last = hit.first + timedelta(days=third - 1)
    elif hit.mod == "END":
        hit.first = hit.last - timedelta(days=days - 2 * third - 1)
    else:
        hit.first, hit.last = hit.first + timedelta(days=third), hit.last - timedelta(days=third)


def _narrow_around_anchor(hit: _Hit, word: str, anchor: date | None, full: tuple) -> None:
    # "Earlier this month" is the part of the month before the anchor, not its first third.
    if anchor is None or full[0] is None or not full[0] <= anchor <= full[1]:
        return
    if word.startswith("earlier"):
        hit.first, hit.last = full[0], max(full[0], anchor - timedelta(days=1))
    elif word.startswith("later"):
        hit.first, hit.last = min(full[1], anchor + timedelta(days=1)), full[1]


_REACH = 80  # no expression reaches further than this from its trigger stem
_SPACE = _rx(r"\s", 0)


def _windows(text: str, low: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
    """Stretches of `text` around each `trigger` stem, merged, cut at whitespace."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for m in trigger.finditer(low):
        lo, hi = max(0, m.start() - _REACH), min(n, m.end() + _REACH)
        if out and lo <= out[-1][1]:
            lo = out.pop()[0]
        else:
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
        ws = _SPACE.search(text, hi)
        out.append((lo, ws.start() if ws else n))
    return out


def _collect(ctx: _Ctx) -> list[_Hit]:
    hits: list[_Hit] = []
    text = ctx.text
    low = text.lower()
    whole = [(0, len(text))] if len(low) != len(text) else None  # lower() changed offsets
    cache: dict[re.Pattern[str], list[tuple[int, int]]] = {}
    for rx, fn, trigger in _RULES:
        windows = whole or cache.get(trigger)
        if windows is None:
            windows = cache[trigger] = _windows(text, low, trigger)
        for lo, hi in windows:
            for m in rx.finditer(text, lo, hi):
                hit = _bounded(fn, m, ctx)
                if hit is not None and hit.end > hit.start:
                    hits.append(hit)
    return hits


def _bounded(fn: Callable[..., Any], *args: Any) -> Any:
    """A rule's hit, or None where its date arithmetic leaves the calendar (years 1 to 9999):
    "yesterday" in an article dated 0001-01-01, "the next day" after 31 December 9999."""
    try:
        return fn(*args)
    except (OverflowError, ValueError):
        return None


def _select(hits: list[_Hit]) -> list[_Hit]:
    """Longest span wins; ties go to the rule that said it ranks higher."""
    hits.sort(key=lambda h: (-(h.end - h.start), -h.rank, h.start))
    taken: list[_Hit] = []
    for h in hits:
        if all(h.end <= t.start or h.start >= t.end for t in taken):
            taken.append(h)
    taken.sort(key=lambda h: h.start)
    return taken


_JOIN_CLOCK_DAY = _rx(r"[\s,]*(?:on\s+)?")
_JOIN_DAY_CLOCK = _rx(r"[\s,]*")


def _merge_clock(hits: list[_Hit], text: str) -> list[_Hit]:
    """'10 p.m. Wednesday', '5 p.m. EST, Nov. 6': one TIMEX with date and time."""
    out: list[_Hit] = []
    i = 0
    while i < len(hits):
        h = hits[i]
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        if nxt and h.clock and _is_day(nxt) and _JOIN_CLOCK_DAY.fullmatch(text, h.end, nxt.start):
            out.append(_with_clock(nxt, h.clock, h.start, nxt.end))
            i += 2
            continue
        if nxt and nxt.clock and _is_day(h) and _JOIN_DAY_CLOCK.fullmatch(text, h.end, nxt.start):
            out.append(_with_clock(h, nxt.clock, h.start, nxt.end))
            i += 2
            continue
        out.append(h)
        i += 1
    return out


def _is_day(h: _Hit) -> bool:
    return h.gran == "day" and h.kind == "date" and h.narrative is None and h.clock is None


def _with_clock(day: _Hit, clock: str, start: int, end: int) -> _Hit:
    return replace(day, start=start, end=end, value=day.value + clock, kind="time",
                   gran="time")


def _resolve_narrative(hits: list[_Hit], anchor: date | None) -> list[_Hit]:
    """Expressions that count from the story's own timeline take the last date it mentioned."""
    ref_day = ref_any = anchor
    out: list[_Hit] = []
    for h in hits:
        ref = ref_day if h.gran in ("day", "time") else ref_any
        if h.narrative is not None:
            if ref is None:
                h.value = "XXXX-XX-XX" if h.gran == "day" else "XXXX"
                h.narrative = None
                out.append(h)
                continue
            new = _bounded(h.narrative, ref)
            if new is None:
                continue
            new.start, new.end, new.mod = h.start, h.end, h.mod
            h = new
        elif h.clock is not None:
            if ref is None:
                h.value = "XXXX-XX-XX" + h.clock
            else:
                h.value, h.first, h.last, h.relative = ref.isoformat() + h.clock, ref, ref, True
            h.clock = None
        if h.first is not None and h.kind in ("date", "time") and h.gran != "ref":
            ref_any = h.first
            if h.gran in ("day", "time"):
                ref_day = h.first
        out.append(h)
    return out


def find_times(text: str, anchor: date | None) -> list[TimeRef]:
    """Time expressions in `text`, normalized against `anchor` (usually the publication date)."""
    if not text:
        return []
    ctx = _Ctx(text, anchor)
    hits = _select(_collect(ctx))
    for h in hits:
        full = (h.first, h.last)
        _apply_prefix(h, text)
        if h.mod in ("START", "END"):
            word = text[h.start : h.start + 8].lower()
            _bounded(_narrow_around_anchor, h, word, anchor, full)
    hits = _select(hits)  # a prefix may now reach into the previous expression
    hits = _merge_clock(hits, text)
    hits = _resolve_narrative(hits, anchor)
    return [_to_ref(h, text, anchor) for h in hits]


def _to_ref(h: _Hit, text: str, anchor: date | None) -> TimeRef:
    anchored = anchor.isoformat() if anchor is not None and h.relative else None
    first, last = (h.first, h.last) if h.kind in ("date", "time") else (None, None)
    return TimeRef(start=h.start, end=h.end, text=text[h.start : h.end], value=h.value,
                   kind=h.kind, granularity=h.gran, mod=h.mod, first=first, last=last,
                   anchor=anchored)
