"""Deictic and relative expressions: "yesterday", "this morning", weekdays, "last week",
"the following month", "the next day", "year-end", and vague references ("now", "recently",
"the future")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsprism.understand.timex.calendar import last_quarter, weekday_date
from newsprism.understand.timex.hits import (
    Context,
    Hit,
    day_hit,
    pod_day,
    quarter_hit,
    ref_hit,
    shift,
    year_hit,
)
from newsprism.understand.timex.lexicon import (
    DEICTIC_DAYS,
    PART_OF_DAY,
    UNIT_ALT,
    WEEKDAY_ALT,
    WEEKDAYS,
    rx,
)
from newsprism.understand.timex.rules.registry import rule, titled
from newsprism.understand.timex.tense import clause


@rule(r"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|yesterday"
      r"|tomorrow|tonight)(?:'s)?(?:\s+(?P<pod>morning|afternoon|evening|night))?\b",
      trigger=r"today|yesterday|tomorrow|tonight")
def deictic(m: re.Match[str], ctx: Context) -> Hit | None:
    w = re.sub(r"\s+", " ", m.group("w").lower())
    pod = (m.group("pod") or "").lower() or ("night" if w == "tonight" else "")
    s, e = m.start(), m.end()
    if w.endswith("'s"):
        e -= 2
    if ctx.anchor is None:
        val = "XXXX-XX-XX" + (f"T{PART_OF_DAY[pod]}" if pod else "")
        return Hit(s, e, val, "time" if pod else "date", "time" if pod else "day", relative=True)
    d = ctx.anchor + timedelta(days=DEICTIC_DAYS[w])
    hit = day_hit(s, e, d, True)
    if pod:
        hit.value, hit.kind, hit.gran = f"{d.isoformat()}T{PART_OF_DAY[pod]}", "time", "time"
    return hit


@rule(r"\b(?P<w>this|last)\s+(?P<pod>morning|afternoon|evening|night)\b",
      trigger=r"morning|afternoon|evening|night")
def this_morning(m: re.Match[str], ctx: Context) -> Hit | None:
    w, pod = m.group("w").lower(), m.group("pod").lower()
    if w == "last" and pod != "night":
        return None
    code = PART_OF_DAY[pod]
    if ctx.anchor is None:
        return Hit(m.start(), m.end(), f"XXXX-XX-XXT{code}", "time", "time", relative=True)
    d = ctx.anchor - timedelta(days=1 if w == "last" else 0)
    return Hit(m.start(), m.end(), f"{d.isoformat()}T{code}", "time", "time", None, d, d, True)


@rule(rf"\b(?:(?P<rel>last|next|this\s+past|this\s+coming|this|coming|past|the\s+previous"
      rf"|the\s+following)\s+)?(?P<wd>{WEEKDAY_ALT})(?P<pl>s)?\b(?:'s)?"
      rf"(?:\s+(?P<pod>morning|afternoon|evening|night)s?)?",
      trigger=r"monday|tuesday|wednesday|thursday|friday|saturday|sunday", flags=0)
def weekday(m: re.Match[str], ctx: Context) -> Hit | None:
    wd = WEEKDAYS[m.group("wd").lower()]
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    pod = (m.group("pod") or "").lower()
    code = f"T{PART_OF_DAY[pod]}" if pod else ""
    s, e = m.start(), m.end()
    if m.group(0).endswith("'s"):
        e -= 2
    if m.group("pl"):
        before = ctx.text[max(0, s - 8) : s].lower()
        if rel or not re.search(r"\b(on|most|all|some|every)\s*$", before):
            return None
        return Hit(s, e, f"XXXX-WXX-{wd}{code}", "set", "day", relative=True)
    if ctx.anchor is None:
        return Hit(s, e, f"XXXX-WXX-{wd}{code}", "time" if pod else "date", "day",
                   relative=True)
    if rel.startswith("the "):
        # "the previous Friday" counts from the story's own timeline.
        def narr(ref: date, rel: str = rel) -> Hit:
            return pod_day(s, e, weekday_date(ref, wd, 0, rel), code)

        hit = Hit(s, e, "", "date", "day", relative=True)
        hit.narrative = narr
        return hit
    tense = ctx.tense(s, e) if not rel else 0
    return pod_day(s, e, weekday_date(ctx.anchor, wd, tense, rel), code)


_QUARTER_CONTEXT = rx(r"\bquarter|\bthree\s+months\b|\bperiod\b")
_STEP = {"last": -1, "the past": -1, "the last": -1, "the previous": -1, "this past": -1,
         "next": 1, "the coming": 1, "the next": 1, "this coming": 1, "the new": 1}
_UNSET = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX",
          "quarter": "XXXX-QX", "year": "XXXX", "decade": "XXX", "century": "XX"}


@rule(r"\b(?P<rel>last|this|next|the\s+past|the\s+last|the\s+previous|the\s+coming|the\s+next"
      r"|the\s+following|the\s+current|the\s+latest|the\s+most\s+recent|this\s+past"
      r"|this\s+coming|the\s+same|that|the\s+new|the|the\s+current\s+fiscal|the\s+next\s+fiscal"
      r"|last\s+fiscal|this\s+fiscal|next\s+fiscal|the\s+previous\s+fiscal|the\s+prior|the\s+fiscal)"
      r"\s+(?:fiscal\s+)?(?P<unit>week|weekend|month|quarter|year|decade|century|period)\b"
      r"(?!\s*-)"
      r"|\bthe\s+(?P<full>full|entire|whole)\s+year\b",
      trigger=r"\b(?:week|month|quarter|year|decade|centur|period)")
def rel_unit(m: re.Match[str], ctx: Context) -> Hit | None:
    """"last week", "this year", "the past year", "the latest quarter", "that month"."""
    s, e = m.start(), m.end()
    if m.group("full"):
        if ctx.anchor is None:
            return Hit(s, e, "XXXX", "date", "year", relative=True)
        return year_hit(s, e, ctx.anchor.year, True)
    if titled(m.group("unit")):
        return None  # "This Week", a programme title
    rel = re.sub(r"\s+", " ", m.group("rel").lower()).replace(" fiscal", "")
    unit = m.group("unit").lower()
    if unit == "period" and (rel not in ("the latest", "the most recent") or ctx.anchor is None
                             or not _QUARTER_CONTEXT.search(clause(ctx.text, s, e)[:-6])):
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
    step = _STEP.get(rel, 0)
    if a is None:
        return Hit(s, e, _UNSET[unit], "date", unit, relative=True)
    if unit == "year" and rel == "the" and re.match(r"\s+end(?:ed|ing)\b", after):
        return Hit(s, e, "P1Y", "duration", "year")  # "the year ended March 31"
    if unit in ("quarter", "period") and rel in ("the latest", "the most recent", "the"):
        y, q = last_quarter(a)  # the quarter a story reports on is the one just closed
        return quarter_hit(s, e, y, q, True)
    if rel in ("the latest", "the most recent"):
        step = -1
    if unit in ("decade", "century") and rel in ("the past", "the last"):
        n = 10 if unit == "decade" else 100  # "over the past decade": the ten years to now
        return Hit(s, e, f"P{n}Y", "duration", unit)
    return shift(s, e, a, unit, step, tense=ctx.tense(s, e) if unit == "weekend" else 0)


def _narrative_unit(s: int, e: int, unit: str, rel: str) -> Hit:
    step = {"the following": 1, "the next": 1, "the previous": -1, "the prior": -1}.get(rel, 0)

    def narr(ref: date) -> Hit | None:
        return shift(s, e, ref, unit, step)

    hit = Hit(s, e, "", "date", unit, relative=True)
    hit.narrative = narr
    return hit


@rule(r"\b(?:the\s+(?P<rel>next|following|previous|prior|same)\s+(?P<u>day|morning|night)"
      r"|(?P<that>that|the\s+same)\s+(?P<u2>day|morning|night|evening|afternoon)"
      r"|the\s+day\s+(?P<ba>before|after)(?!\s+(?:yesterday|tomorrow)))\b",
      trigger=r"\b(?:day|morning|night|evening|afternoon)\b")
def narrative_day(m: re.Match[str], ctx: Context) -> Hit | None:
    s, e = m.start(), m.end()
    after = ctx.text[e : e + 8].lower()
    if re.match(r"\s+(of|that|when|in)\b", after):
        return None
    rel = (m.group("rel") or "").lower()
    ba = (m.group("ba") or "").lower()
    step = 1 if rel in ("next", "following") or ba == "after" else -1 if rel in (
        "previous", "prior") or ba == "before" else 0
    pod = (m.group("u") or m.group("u2") or "day").lower()
    code = "" if pod == "day" else f"T{PART_OF_DAY[pod]}"

    def narr(ref: date) -> Hit:
        return pod_day(s, e, ref + timedelta(days=step), code)

    hit = Hit(s, e, "", "date", "day", relative=True)
    hit.narrative = narr
    return hit


@rule(r"\b(?:the\s+)?year[\s-]?end\b|\byear's\s+end\b|\bthe\s+end\s+of\s+the\s+year\b",
      trigger=r"year.?end|year's end|end of the year")
def year_end(m: re.Match[str], ctx: Context) -> Hit | None:
    if ctx.anchor is None:
        return Hit(m.start(), m.end(), "XXXX", "date", "year", "END", relative=True)
    hit = year_hit(m.start(), m.end(), ctx.anchor.year, True)
    hit.mod = "END"
    return hit


_REFS = (
    (r"right\s+now|just\s+now|now|currently|at\s+present|at\s+the\s+moment|presently|nowadays"
     r"|these\s+days|at\s+this\s+time|the\s+present|so\s+far|to\s+date|current(?!\s+account)",
     "PRESENT_REF"),
    (r"recently|lately|the\s+past(?!\s+(?:[\w-]+\s+){0,2}?(?:" + UNIT_ALT + r")\b)|recent",
     "PAST_REF"),
    (r"the\s+(?:near\s+|distant\s+|foreseeable\s+)?future|the\s+(?:near|short|long)\s+term"
     r"|someday", "FUTURE_REF"),
)


@rule(r"\b(?:" + "|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(_REFS)) + r")\b",
      trigger=r"now|current|present|moment|these days|recent|lately|past|future|term|someday"
      r"|at this time")
def refs(m: re.Match[str], ctx: Context) -> Hit | None:
    word = m.group(0).lower()
    if word == "now" and ctx.text[m.end() : m.end() + 1] == "-":
        return None  # "now-defunct"
    if word in ("so far", "to date"):
        return None
    for i, (_, value) in enumerate(_REFS):
        if m.group(f"g{i}"):
            return ref_hit(m.start(), m.end(), value, ctx.anchor)
    return None
