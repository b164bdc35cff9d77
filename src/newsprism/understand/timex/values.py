"""TimeML values: counts read from words, unit names, and ISO 8601 duration strings."""

from __future__ import annotations

import re

from text_to_num import text2num

from newsprism.understand.timex.lexicon import ORDINALS, TENS, UNIT_CODE

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_IDIOMS = {"a half": 0.5, "half a": 0.5, "half an": 0.5,
           "a hundred": 100, "a thousand": 1000, "a couple": 2, "a couple of": 2,
           "couple of": 2}


def number(token: str) -> float | None:
    """A count in digits or words ("12", "twenty-one", "two and a half", "a couple of");
    None for fuzzy quantities ("several", "hundreds of")."""
    t = re.sub(r"\s+", " ", token.lower().strip())
    if t in ("a", "an", "one"):
        return 1
    half = 0.0
    if t.endswith(" 1/2") or t.endswith(" and a half"):
        half = 0.5
        t = t.rsplit(" 1/2", 1)[0] if t.endswith(" 1/2") else t[: -len(" and a half")]
    if t in _IDIOMS:
        return _IDIOMS[t]
    if _DIGITS.fullmatch(t):
        return float(t) + half
    try:
        return text2num(t, "en") + half
    except ValueError:
        return None


def day_number(token: str) -> int | None:
    """A day of the month in digits or ordinal words: "9th", "ninth", "twenty-first"."""
    t = token.lower().strip()
    m = re.match(r"\d+", t)
    if m:
        return int(m.group())
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in TENS:
        return TENS[parts[0]] + ORDINALS.get(parts[1], 0)
    return ORDINALS.get(t)


def unit_of(token: str) -> str:
    """The singular unit name of a unit word: "centuries" -> "century"."""
    t = token.lower()
    if t.startswith("centur"):
        return "century"
    if t.startswith("millenni"):
        return "millennium"
    return t[:-1] if t.endswith("s") else t


def duration_value(n: float | None, unit: str) -> str:
    """The TimeML duration of `n` units ("P3D", "PT1H30M", "P20Y"); n None: unsaid ("PXY")."""
    code = UNIT_CODE[unit]
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
