"""Absolute dates: month and day, ISO and slashed dates, months, years (also spoken), decades
and centuries."""

from __future__ import annotations

import re
from datetime import date

from newsprism.understand.timex.calendar import month_last, pick_year, safe_date
from newsprism.understand.timex.hits import (
    Context,
    Hit,
    century_hit,
    day_hit,
    decade_hit,
    month_hit,
    year_hit,
)
from newsprism.understand.timex.lexicon import (
    DAY_ALT,
    DECADE_WORDS,
    MONTH_ALT,
    MONTH_STEMS,
    MONTHS,
    WEEKDAY_ALT,
    WORDNUM_ALT,
    YEAR_ALT,
    rx,
)
from newsprism.understand.timex.rules.registry import rule
from newsprism.understand.timex.values import day_number, number


def month_number(token: str) -> int | None:
    t = token.rstrip(".").lower()
    return MONTHS.get(t)


def month_ok(token: str, m: re.Match[str], ctx: Context, alone: bool) -> bool:
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


def _resolve_month_day(ctx: Context, m: re.Match[str], mon: int, day: int, year: int | None,
                       rel: str = "") -> Hit | None:
    s, e = m.start(), m.end()
    if year is not None:
        d = safe_date(year, mon, day)
        return day_hit(s, e, d, False) if d else None
    if safe_date(2000, mon, day) is None:
        return None
    if ctx.anchor is None:
        return Hit(s, e, f"XXXX-{mon:02d}-{day:02d}", "date", "day", relative=True)

    def span(y: int) -> tuple[date, date] | None:
        d = safe_date(y, mon, day)
        return (d, d) if d else None

    if rel in ("last", "next"):
        y = pick_year(span, ctx.anchor, -1 if rel == "last" else 1, near=0)
    else:
        y = pick_year(span, ctx.anchor, ctx.tense(s, e))
    d = safe_date(y, mon, day) if y else None
    return day_hit(s, e, d, True) if d else None


def _month_day(m: re.Match[str], ctx: Context, rel: str) -> Hit | None:
    """"October 9" and "9 October": the same date whichever comes first."""
    mon_tok = m.group("mon")
    if not month_ok(mon_tok, m, ctx, alone=False):
        return None
    mon, day = month_number(mon_tok), day_number(m.group("day"))
    if mon is None or day is None or not 1 <= day <= 31:
        return None
    year = int(m.group("year")) if m.group("year") else None
    return _resolve_month_day(ctx, m, mon, day, year, rel)


@rule(rf"\b(?:(?P<rel>last|next|this)\s+)?(?:(?:{WEEKDAY_ALT})\s*,?\s+)?(?P<mon>{MONTH_ALT})"
      rf"\s+(?:the\s+)?(?P<day>{DAY_ALT})\b(?:\s*,?\s*(?P<year>{YEAR_ALT}))?",
      trigger=MONTH_STEMS, flags=0)
def month_day(m: re.Match[str], ctx: Context) -> Hit | None:
    return _month_day(m, ctx, (m.group("rel") or "").lower())


@rule(rf"\b(?:(?:{WEEKDAY_ALT})\s*,?\s+)?(?:the\s+)?(?P<day>{DAY_ALT})\s+(?:of\s+)?"
      rf"(?P<mon>{MONTH_ALT})(?:\s*,?\s*(?P<year>{YEAR_ALT}))?", trigger=MONTH_STEMS, flags=0)
def day_month(m: re.Match[str], ctx: Context) -> Hit | None:
    return _month_day(m, ctx, "")


@rule(r"(?<![\d/-])(?P<y>1[6-9]\d\d|20\d\d)-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>[0-3]\d)"
      r"(?:[T ](?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?)?)?(?![\d-])",
      trigger=r"\d{4}-\d\d", flags=0)
def iso(m: re.Match[str], ctx: Context) -> Hit | None:
    y, mo = int(m.group("y")), int(m.group("m"))
    if not m.group("d"):
        return month_hit(m.start(), m.end(), y, mo, False)
    d = safe_date(y, mo, int(m.group("d")))
    if d is None:
        return None
    hit = day_hit(m.start(), m.end(), d, False)
    if m.group("H"):
        hit.value, hit.kind, hit.gran = f"{d.isoformat()}T{m.group('H')}:{m.group('M')}", \
            "time", "time"
    return hit


# Four-digit years as YEAR_ALT takes them: "01/01/0001" is a placeholder, not 2001, and
# "12/31/9999" no date to count weekdays from.
@rule(r"(?<![\d/.$])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/"
      rf"(?P<y>{YEAR_ALT}|\d\d)(?![\d/])", trigger=r"\d/\d", flags=0)
def slash(m: re.Match[str], ctx: Context) -> Hit | None:
    # US order: news in English is mostly American, and m/d is what the benchmarks use.
    y = int(m.group("y"))
    if len(m.group("y")) == 2:
        y += 1900 if y > 30 else 2000
    d = safe_date(y, int(m.group("m")), int(m.group("d")))
    return day_hit(m.start(), m.end(), d, False) if d else None


@rule(rf"\b(?:(?P<rel>last|next|this|this\s+past|this\s+coming)\s+)?(?P<mon>{MONTH_ALT})"
      rf"(?:\s*,?\s*(?:of\s+)?(?P<year>{YEAR_ALT})|\s+(?P<ryear>this|last|next)\s+year)?",
      trigger=MONTH_STEMS, flags=0)
def month(m: re.Match[str], ctx: Context) -> Hit | None:
    mon_tok = m.group("mon")
    rel = (m.group("rel") or "").lower()
    has_year = bool(m.group("year") or m.group("ryear"))
    if not month_ok(mon_tok, m, ctx, alone=not (has_year or rel)):
        return None
    mon = month_number(mon_tok)
    if mon is None:
        return None
    s, e = m.start(), m.end()
    if m.group("year"):
        return month_hit(s, e, int(m.group("year")), mon, False)
    a = ctx.anchor
    if a is None:
        return Hit(s, e, f"XXXX-{mon:02d}", "date", "month", relative=True)
    if m.group("ryear"):
        y = a.year + {"this": 0, "last": -1, "next": 1}[m.group("ryear").lower()]
        return month_hit(s, e, y, mon, True)
    if rel in ("last", "this past"):
        y = a.year if mon < a.month else a.year - 1
    elif rel in ("next", "this coming"):
        y = a.year if mon > a.month else a.year + 1
    elif rel == "this":
        y = a.year
    else:
        y = pick_year(lambda yy: (date(yy, mon, 1), month_last(yy, mon)), a, ctx.tense(s, e))
    return month_hit(s, e, y, mon, True) if y else None


_YEAR_BAD_AFTER = rx(r"\s*(?:%|percent|per\s+cent|million|billion|trillion|thousand|people"
                     r"|shares|tons|tonnes|barrels|feet|foot|meters|metres|miles|km|kilometers"
                     r"|pounds|dollars|yuan|yen|euros|troops|soldiers|members|votes|units"
                     r"|cars|jobs|workers|employees|cases|points|calories|acres|hectares"
                     r"|square|cubic|to\s+\d)\b")


@rule(rf"(?<![\w$£€#.,/])(?<!\d-)(?P<y>{YEAR_ALT})(?![\w%/]|[.,]\d|-\d)",
      trigger=r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)", flags=0)
def year(m: re.Match[str], ctx: Context) -> Hit | None:
    if _YEAR_BAD_AFTER.match(ctx.text, m.end()):
        return None
    before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
    if re.search(r"(?:no\.|number|route|flight|room|pp?\.|page|\$|,)\s*$", before):
        return None
    return year_hit(m.start(), m.end(), int(m.group("y")), False)


@rule(r"\b(?:the\s+year\s+)?(?P<c>nineteen|twenty)[\s-]+(?P<rest>(?:oh[\s-]+)?"
      rf"(?:{WORDNUM_ALT})|hundred)\b", trigger=r"nineteen|twenty")
def spoken_year(m: re.Match[str], ctx: Context) -> Hit | None:
    # Broadcast transcripts spell years out: "nineteen ninety-seven".
    rest = re.sub(r"^oh[\s-]+", "", m.group("rest").lower())
    low = 0 if rest == "hundred" else number(rest)
    if low is None or low >= 100:
        return None
    if not m.group(0).lower().startswith("the year") and low < 10 and "oh" not in m.group(0):
        return None
    y = (19 if m.group("c").lower() == "nineteen" else 20) * 100 + int(low)
    return year_hit(m.start(), m.end(), y, False)


@rule(r"\bthe\s+year\s+(?P<v>two\s+thousand(?:\s+and\s+\w+)?)\b", trigger=r"two thousand")
def year_2000(m: re.Match[str], ctx: Context) -> Hit | None:
    tail = m.group("v").lower().split("and")
    extra = number(tail[1].strip()) if len(tail) > 1 else 0
    return year_hit(m.start(), m.end(), 2000 + int(extra or 0), False)


@rule(r"\b(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]*)?"
      r"(?:(?P<cent>1[6-9]|20)(?P<d>\d)0'?s|'(?P<d2>\d)0s"
      r"|(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b",
      trigger=r"0'?s\b|ties\b")
def decade(m: re.Match[str], ctx: Context) -> Hit | None:
    if m.group("w"):
        before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
        if not m.group(0).lower().startswith("the") or re.search(r"(his|her|their)\s*$", before):
            return None  # "in his sixties" is an age
        digit, cent = DECADE_WORDS[m.group("w").lower()], None
    elif m.group("d2"):
        digit, cent = int(m.group("d2")), None
    else:
        digit, cent = int(m.group("d")), int(m.group("cent"))
    if cent is None:
        ref = ctx.anchor.year if ctx.anchor else 2000
        cent = ref // 100 if (ref // 100) * 100 + digit * 10 <= ref else ref // 100 - 1
    hit = decade_hit(m.start(), m.end(), cent * 10 + digit, False)
    hit.mod = {"early": "START", "mid": "MID", "late": "END"}.get((m.group("mod") or "").lower())
    return hit


@rule(r"\b(?:the\s+)?(?P<n>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth"
      r"|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth"
      r"|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[\s-]first)[\s-]+century\b",
      trigger=r"centur")
def century(m: re.Match[str], ctx: Context) -> Hit | None:
    n = day_number(m.group("n"))
    if not n:
        return None
    return century_hit(m.start(), m.end(), n - 1, False)
