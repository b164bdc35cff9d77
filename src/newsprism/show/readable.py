"""What a reader reads for the values newsprism stores: a TimeML date as "9 October 2019" (not
"2019-10-09"; "9 October, year unknown", not "XXXX-10-09"), a quantity as "more than 400
Kurds" (not "more than 400.0"). Display text only: exports and the API keep the values."""

from __future__ import annotations

import re
from pathlib import PurePath

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "AU": "autumn", "WI": "winter"}
QUARTERS = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
HALVES = {"1": "first", "2": "second"}
PARTS_OF_DAY = {
    "MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night",
    "DT": "daytime",
}  # fmt: skip
REFS = {"PRESENT_REF": "now", "PAST_REF": "the past", "FUTURE_REF": "the future"}
UNITS = {
    "Y": "year", "M": "month", "W": "week", "D": "day", "DE": "decade", "CE": "century",
    "Q": "quarter", "WE": "weekend", "MO": "morning", "EV": "evening", "NI": "night",
}  # fmt: skip
TIME_UNITS = {"H": "hour", "M": "minute", "S": "second"}
# TimeML modifiers, as the words that say them; for a date, START/MID/END read as a part of it.
MODS = {
    "START": "early", "MID": "mid", "END": "late", "APPROX": "about", "LESS_THAN": "less than",
    "MORE_THAN": "more than", "EQUAL_OR_LESS": "at most", "EQUAL_OR_MORE": "at least",
    "BEFORE": "before", "AFTER": "after", "ON_OR_BEFORE": "on or before",
    "ON_OR_AFTER": "on or after", "FISCAL": "fiscal",
}  # fmt: skip

_DATE = re.compile(
    r"^(?P<year>\d{4}|XXXX)(?:-(?P<month>\d\d|XX)(?:-(?P<day>\d\d|XX))?)?"
    r"(?:T(?P<time>\d\d:\d\d|[A-Z]{2}))?$"
)
_WEEK = re.compile(r"^(?P<year>\d{4}|XXXX)-W(?P<week>\d\d|XX)(?:-(?P<rest>\d|WE))?"
                   r"(?:T(?P<time>\d\d:\d\d|[A-Z]{2}))?$")
_PART = re.compile(r"^(?P<year>\d{4}|XXXX)-(?P<part>Q[1-4]|H[12]|SP|SU|FA|AU|WI)$")
_DECADE = re.compile(r"^(?P<head>\d{3})X$")
_CENTURY = re.compile(r"^(?P<head>\d{2})(?:XX)?$")  # TimeML's "13": the 1300s
_DURATION = re.compile(r"^P(?P<date>(?:[\dX.]+(?:DE|CE|WE|MO|EV|NI|[YMWDQ]))*)"
                       r"(?:T(?P<time>(?:[\dX.]+[HMS])*))?$")  # fmt: skip
_AMOUNT = re.compile(r"([\dX.]+)(DE|CE|WE|MO|EV|NI|[YMWDQHS])")


def timeml(value: str | None, mod: str | None = None) -> str:
    """A TimeML value (and its modifier) as words; a value it cannot read is given as it is."""
    if not value:
        return "no date"
    said = _value(value)
    if mod and mod in MODS:
        return f"{MODS[mod]} {said}"
    return said


def _value(value: str) -> str:
    if value in REFS:
        return REFS[value]
    for pattern, reader in ((_DATE, _date), (_WEEK, _week), (_PART, _part),
                            (_DECADE, _decade), (_CENTURY, _century),
                            (_DURATION, _duration)):  # fmt: skip
        match = pattern.match(value)
        if match:
            said = reader(match)
            if said:
                return said
    if value.startswith("T") and value[1:] in PARTS_OF_DAY:
        return f"the {PARTS_OF_DAY[value[1:]]}"
    return value


def _year_note(year: str, said: str) -> str:
    return f"{said}, year unknown" if year == "XXXX" else f"{said} {year}"


def _date(m: re.Match[str]) -> str | None:
    year, month, day, time = m["year"], m["month"], m["day"], m["time"]
    if month is None:
        said = "year unknown" if year == "XXXX" else year
    elif month == "XX":
        if day not in (None, "XX"):
            return None  # a day without its month: nothing a reader can use
        what = "a day" if day else "a month"
        if day and time in PARTS_OF_DAY:  # "in the morning": a part of some day
            what, time = f"a {PARTS_OF_DAY[time]}", None
        said = f"{what}, date unknown" if year == "XXXX" else f"{what} in {year}"
    elif not 1 <= int(month) <= 12:
        return None
    elif day in (None, "XX"):
        said = _year_note(year, MONTHS[int(month) - 1])
    else:
        said = _year_note(year, f"{int(day)} {MONTHS[int(month) - 1]}")
    if time is None:
        return said
    return f"{said}, {PARTS_OF_DAY.get(time, time)}"


def _week(m: re.Match[str]) -> str:
    year, week, rest = m["year"], m["week"], m["rest"]
    if rest == "WE":
        said = "the weekend" if week == "XX" else f"the weekend of week {int(week)}"
    elif rest:
        said = WEEKDAYS[int(rest) - 1] if 1 <= int(rest) <= 7 else f"day {rest}"
        if m["time"]:
            said += f" {PARTS_OF_DAY[m['time']]}" if m["time"] in PARTS_OF_DAY else f", {m['time']}"
        if week != "XX":
            said += f" of week {int(week)}"
    else:
        said = "a week" if week == "XX" else f"week {int(week)}"
    if year == "XXXX":
        if rest and week == "XX":
            return said  # a weekday: which week its sentence tells
        return f"{said}, date unknown" if week == "XX" else f"{said}, year unknown"
    return f"{said} of {year}"


def _part(m: re.Match[str]) -> str:
    year, part = m["year"], m["part"]
    if part[0] == "Q":
        said = f"the {QUARTERS[part[1]]} quarter"
    elif part[0] == "H":
        said = f"the {HALVES[part[1]]} half"
    else:
        said = SEASONS[part]
    if year == "XXXX":
        return f"{said}, year unknown"
    return f"{said} {year}" if part[0] not in "QH" else f"{said} of {year}"


def _decade(m: re.Match[str]) -> str:
    return f"the {m['head']}0s"


def _century(m: re.Match[str]) -> str:
    return f"the {ordinal(int(m['head']) + 1)} century"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _duration(m: re.Match[str]) -> str | None:
    parts = [(n, UNITS[u]) for n, u in _AMOUNT.findall(m["date"] or "")]
    parts += [(n, TIME_UNITS[u]) for n, u in _AMOUNT.findall(m["time"] or "")]
    if not parts:
        return None
    return ", ".join(_amount(n, unit) for n, unit in parts)


def _amount(n: str, unit: str) -> str:
    if "X" in n:
        return "centuries" if unit == "century" else f"{unit}s"  # "PXD": days, how many unsaid
    count = float(n)
    plural = "centuries" if unit == "century" else f"{unit}s"
    return f"{number(count)} {unit if count == 1 else plural}"


def number(value: float | int | None) -> str:
    """400.0 as "400", 4000 as "4,000", 2.5 as "2.5": as a newspaper writes it."""
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:g}"


def quantity(record: dict) -> str:
    """A quantity record as words: "more than 400 Kurds", "between 10 and 20 people", "about
    4,000 residents", "dozens of people" (the qualifier "exact" goes unsaid)."""
    qualifier = record.get("qualifier") or "exact"
    low, high, value = record.get("low"), record.get("high"), record.get("value")
    unit = f" {record['unit']}" if record.get("unit") else ""
    counts = f" {record['counts']}" if record.get("counts") else ""
    if qualifier == "range" and low is not None and high is not None and low != high:
        amount = f"between {number(low)} and {number(high)}"
    elif qualifier == "vague" and low is not None and high is not None:
        amount = f"somewhere from {number(low)} to {number(high)}"
    elif qualifier in ("exact", "range", "vague"):
        amount = number(value)
    else:
        amount = f"{qualifier} {number(value)}"
    return f"{amount}{unit}{counts}"


def article_name(article: dict) -> str:
    """How a reader knows an article: its title, else its outlet and file name, else its file
    name: never a full path or an id."""
    title = " ".join(str(article.get("title") or "").split())
    if title:
        return title
    source = str(article.get("source") or "")
    # the member of an archive, the entry of a feed or line of a JSONL file keeps its #N or :N
    name = PurePath(source.split("!/")[-1]).name if source else ""
    name = name or str(article.get("id") or "?")[:12]
    outlet = article.get("outlet")
    return f"{outlet}: {name}" if outlet else name
