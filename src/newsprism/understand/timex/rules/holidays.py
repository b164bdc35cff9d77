"""Seasons ("last summer", "the winter of 1998") and named holidays ("Christmas",
"Labor Day", "Easter 2019")."""

from __future__ import annotations

import re
from datetime import date

from newsprism.understand.timex.calendar import distance, holiday, pick_year, season_span
from newsprism.understand.timex.hits import Context, Hit, day_hit
from newsprism.understand.timex.lexicon import SEASONS, YEAR_ALT
from newsprism.understand.timex.rules.registry import rule


@rule(rf"\b(?:(?P<rel>last|next|this|this\s+past|this\s+coming|the|early|late)\s+)?"
      rf"(?P<s>spring|summer|fall|autumn|winter)\b(?:\s+(?:of\s+)?(?P<year>{YEAR_ALT}))?",
      trigger=r"spring|summer|fall|autumn|winter")
def season(m: re.Match[str], ctx: Context) -> Hit | None:
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    word = m.group("s").lower()
    s, e = m.start(), m.end()
    code = SEASONS[word]
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
        first, last = season_span(y, code)
        return Hit(s, e, f"{y}-{code}", "date", "season", mod, first, last, False)
    a = ctx.anchor
    if a is None:
        return Hit(s, e, f"XXXX-{code}", "date", "season", mod, relative=True)
    cur = [y for y in (a.year - 1, a.year) if distance(*season_span(y, code), a) == 0]
    if rel in ("last", "this past"):
        y = a.year if season_span(a.year, code)[1] < a else a.year - 1
        if cur and y == cur[0]:
            y -= 1
    elif rel in ("next", "this coming"):
        y = a.year if season_span(a.year, code)[0] > a else a.year + 1
    elif rel == "this":
        y = cur[0] if cur else a.year  # "this summer" said in October: the one just gone
    else:
        y = pick_year(lambda yy: season_span(yy, code), a, ctx.tense(s, e))
    first, last = season_span(y, code)
    return Hit(s, e, f"{y}-{code}", "date", "season", mod, first, last, True)


@rule(rf"\b(?:(?P<rel>last|next|this)\s+)?(?P<h>Christmas(?:\s+(?:Day|Eve))?|New\s+Year's"
      rf"(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?|Good\s+Friday"
      rf"|Election\s+Day|Independence\s+Day|July\s+Fourth|Fourth\s+of\s+July|Labor\s+Day"
      rf"|Memorial\s+Day|Halloween|Valentine's\s+Day)\b(?:\s*,?\s*(?P<year>{YEAR_ALT}))?",
      trigger=r"christmas|new year|thanksgiving|easter|good friday|election day"
      r"|independence day|july fourth|fourth of july|labor day|memorial day|halloween|valentine",
      flags=0)
def named_holiday(m: re.Match[str], ctx: Context) -> Hit | None:
    name = re.sub(r"\s+", " ", m.group("h").lower())
    s, e = m.start(), m.end()
    if m.group("year"):
        d = holiday(name, int(m.group("year")))
        return day_hit(s, e, d, False) if d else None
    a = ctx.anchor
    if a is None:
        return Hit(s, e, "XXXX-XX-XX", "date", "day", relative=True)
    rel = (m.group("rel") or "").lower()
    tense = {"last": -1, "next": 1}.get(rel, ctx.tense(s, e))

    def span(y: int) -> tuple[date, date] | None:
        d = holiday(name, y)
        return (d, d) if d else None

    y = pick_year(span, a, tense)
    d = holiday(name, y) if y else None
    return day_hit(s, e, d, True) if d else None
