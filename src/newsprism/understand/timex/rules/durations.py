"""Durations and sets: "five years", "two days ago", "decades-long", "for months",
"every week", "daily", "$5 a year"."""

from __future__ import annotations

import re

from newsprism.understand.timex.calendar import last_quarter
from newsprism.understand.timex.hits import Context, Hit, quarter_hit, ref_hit, shift
from newsprism.understand.timex.lexicon import (
    MONTHS,
    NUM_ALT,
    SET_WORDS,
    UNIT_ALT,
    UNIT_STEMS,
    WEEKDAYS,
    rx,
)
from newsprism.understand.timex.rules.registry import rule, titled
from newsprism.understand.timex.tense import clause
from newsprism.understand.timex.values import duration_value, number, unit_of

_MONEY = rx(r"[$#\u00a3\u20ac]\s?\d|\d\s*%|\b(?:cents?|million|billion|percent)\b")


@rule(r"\b(?:each|every)\s+(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
      r"|(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
      r"|December)|(?P<other>other\s+)?(?:(?P<n>" + NUM_ALT + r")[\s-]+)?(?P<unit>"
      + UNIT_ALT + r"))\b", trigger=r"each|every")
def every(m: re.Match[str], ctx: Context) -> Hit | None:
    s, e = m.start(), m.end()
    if m.group("wd"):
        return Hit(s, e, f"XXXX-WXX-{WEEKDAYS[m.group('wd').lower()]}", "set", "day")
    if m.group("mon"):
        return Hit(s, e, f"XXXX-{MONTHS[m.group('mon').lower()]:02d}", "set", "month")
    unit = unit_of(m.group("unit"))
    n = number(m.group("n")) if m.group("n") else 1
    if m.group("other"):
        n = 2
    return Hit(s, e, duration_value(n, unit), "set", unit)


@rule(r"\b(?:daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually)\b",
      trigger=r"daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually")
def set_word(m: re.Match[str], ctx: Context) -> Hit | None:
    value, gran = SET_WORDS[m.group(0).lower()]
    return Hit(m.start(), m.end(), value, "set", gran)


@rule(r"\b(?:a|an|per)\s+(?P<unit>second|minute|hour|day|week|month|quarter|year)\b",
      trigger=r"(?:a|an|per) (?:second|minute|hour|day|week|month|quarter|year)")
def rate(m: re.Match[str], ctx: Context) -> Hit | None:
    # "$5 a year", "20 percent a month": a rate, not a duration.
    before = ctx.text[max(0, m.start() - 30) : m.start()]
    if not re.search(r"(\d|percent|dollars|cents|pounds|euros|times)\W*(\w+\W+){0,2}$", before):
        return None
    unit = unit_of(m.group("unit"))
    hit = Hit(m.start(), m.end(), duration_value(1, unit), "set", unit)
    hit.rank = 1  # beats the duration reading of the same words
    return hit


@rule(rf"\b(?:(?P<det>the|these|those|its|their|his|her)\s+)?(?:(?P<dir>past|last|next|coming"
      rf"|previous|following|first|final|remaining|latest|other|additional|initial|same"
      rf"|preceding|ensuing|subsequent)\s+)?(?P<n>{NUM_ALT})(?:[\s-]+(?P<more>more|additional"
      rf"|straight|consecutive|full|long|extra|trading|business|calendar|working))?[\s-]+"
      rf"(?P<unit>{UNIT_ALT})(?P<adj>-(?:long|old))?\b(?:\s+(?P<ago>ago|earlier|later"
      rf"|from\s+now|hence|before|back|old))?", trigger=UNIT_STEMS)
def duration(m: re.Match[str], ctx: Context) -> Hit | None:
    """"five years", "two days ago", "a year earlier", "two days before the vote"."""
    s, e = m.start(), m.end()
    if titled(m.group("unit")):
        return None  # "60 Minutes", a programme title
    ntok = re.sub(r"\s+", " ", m.group("n").lower())
    unit = unit_of(m.group("unit"))
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
            return quarter_hit(s, e, int(ntok), last_quarter(ctx.anchor)[1], False)
        return None  # a year, not a count
    if ago == "before" and re.match(r"\s+(the|a|an|his|her|its|their|\w+ing)\b",
                                    ctx.text[e : e + 24]):
        # "two days before the vote": the duration alone is the TIMEX
        e = m.start("ago") - 1
        ago = ""
    elif ago in ("before", "back"):
        ago = "ago"  # "two days before," / "ten years back"
    n = number(ntok)
    if ago:
        return _ago(s, e, ctx, n, unit, ago)
    return Hit(s, e, duration_value(n, unit), "duration", unit)


def _ago(s: int, e: int, ctx: Context, n: float | None, unit: str, ago: str) -> Hit | None:
    a = ctx.anchor
    sign = 1 if ago in ("later", "from now", "hence") else -1
    if n is None or n != int(n):
        return Hit(s, e, "FUTURE_REF" if sign > 0 else "PAST_REF", "date", "ref", relative=True)
    k = int(n) * sign
    if unit == "year" and k == -1 and a is not None and ctx.earnings and _MONEY.search(
            clause(ctx.text, s, e)):
        y, q = last_quarter(a)  # "profit rose from $5 million a year earlier"
        return quarter_hit(s, e, y - 1, q, True)
    if a is None:
        return Hit(s, e, "PAST_REF" if sign < 0 else "FUTURE_REF", "date", "ref", relative=True)
    return shift(s, e, a, unit, k, distance=True)


@rule(r"\b(?:in\s+)?(?:the\s+)?(?P<w>recent|coming|past|next\s+few|last\s+few|past\s+few)\s+"
      r"(?P<unit>days|weeks|months|years|decades|quarters)\b",
      trigger=r"recent|coming|past|next few|last few")
def recent_units(m: re.Match[str], ctx: Context) -> Hit | None:
    # "in recent years", "the coming weeks": a stretch of unsaid length next to the anchor.
    s = m.start()
    if m.group(0).lower().startswith("in "):
        s += 3
    unit = unit_of(m.group("unit"))
    return Hit(s, m.end(), duration_value(None, unit), "duration", unit)


@rule(r"\b(?P<u>hour|day|night|week|month|year|decade|centur(?:y|ie))(?P<pl>s)?-long\b",
      trigger=r"-long")
def long_adj(m: re.Match[str], ctx: Context) -> Hit | None:
    unit = unit_of(m.group("u") + ("s" if m.group("pl") else ""))
    n = None if m.group("pl") else 1  # "decades-long": how many is not said
    return Hit(m.start(), m.end(), duration_value(n, unit), "duration", unit)


@rule(r"\b(?:for|over|within|after|in|take|takes|took|last|lasted|lasting|spend|spent"
      r"|than)\s+(?P<u>minutes|hours|days|weeks|months|years|decades|centuries)\b",
      trigger=UNIT_STEMS)
def bare_units(m: re.Match[str], ctx: Context) -> Hit | None:
    after = ctx.text[m.end() : m.end() + 12].lower()
    if re.match(r"\s+(ago|earlier|of|later)\b", after):
        return None
    unit = unit_of(m.group("u"))
    return Hit(m.start("u"), m.end(), duration_value(None, unit), "duration", unit)


@rule(r"\b(?:years|decades|months|weeks|days)\s+(?:ago|earlier)\b|\blong\s+ago\b"
      r"|\bsome\s+time\s+ago\b", trigger=r"ago")
def vague_ago(m: re.Match[str], ctx: Context) -> Hit | None:
    return ref_hit(m.start(), m.end(), "PAST_REF", ctx.anchor)
