"""Quarters, halves and fiscal years: "the third quarter", "Q3 2019", "H1 2020",
"fiscal 1998", and the earnings idiom "the year-earlier quarter"."""

from __future__ import annotations

import re

from newsprism.understand.timex.calendar import last_quarter, pick_year, quarter_span
from newsprism.understand.timex.hits import Context, Hit, quarter_hit, year_hit
from newsprism.understand.timex.lexicon import QUARTER_ORDINALS, YEAR_ALT
from newsprism.understand.timex.rules.registry import rule


@rule(rf"\b(?:(?P<det>the|its|their|this|this\s+year's|last\s+year's|next\s+year's)\s+)?"
      rf"(?:(?P<y1>{YEAR_ALT})(?:'s)?\s+)?(?:fiscal[\s-]+)?(?:(?P<y1b>{YEAR_ALT})\s+)?"
      rf"(?P<q>first|second|third|fourth|final|1st|2nd|3rd|4th|latter|last(?=[\s-]+half))"
      rf"[\s-]+(?:fiscal[\s-]+)?"
      rf"(?P<u>quarter|half)s?\b(?:\s+of\s+(?:fiscal\s+)?(?:the\s+year\s+)?(?P<y2>{YEAR_ALT}))?",
      trigger=r"quarter|half")
def quarter(m: re.Match[str], ctx: Context) -> Hit | None:
    q = QUARTER_ORDINALS[m.group("q").lower()]
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
        return Hit(s, e, f"XXXX-{code}", "date", unit, relative=True)
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
        if quarter_span(y, q_list[0])[0] > a and ctx.tense(s, e) < 0:
            y -= 1
    first, last = quarter_span(y, q_list[0])[0], quarter_span(y, q_list[-1])[1]
    code = f"Q{q}" if unit == "quarter" else f"H{q}"
    return Hit(s, e, f"{y}-{code}", "date", unit, None, first, last, relative)


@rule(rf"\b(?:Q(?P<q>[1-4])(?:\s+(?P<y>{YEAR_ALT}))?|(?P<y2>{YEAR_ALT})\s*Q(?P<q2>[1-4])"
      rf"|(?P<h>H[12])\s+(?P<y3>{YEAR_ALT}))\b", trigger=r"q[1-4]|h[12]", flags=0)
def q_short(m: re.Match[str], ctx: Context) -> Hit | None:
    s, e = m.start(), m.end()
    if m.group("h"):
        y, h = int(m.group("y3")), int(m.group("h")[1])
        first, last = quarter_span(y, 2 * h - 1)[0], quarter_span(y, 2 * h)[1]
        return Hit(s, e, f"{y}-H{h}", "date", "half", None, first, last)
    q = int(m.group("q") or m.group("q2"))
    ytok = m.group("y") or m.group("y2")
    if ytok:
        return quarter_hit(s, e, int(ytok), q, False)
    if ctx.anchor is None:
        return Hit(s, e, f"XXXX-Q{q}", "date", "quarter", relative=True)
    y = pick_year(lambda yy: quarter_span(yy, q), ctx.anchor, ctx.tense(s, e))
    return quarter_hit(s, e, y, q, True)


@rule(rf"\bfiscal(?:\s+year)?\s+(?P<y>{YEAR_ALT}|'\d\d)", trigger=r"fiscal")
def fiscal_year(m: re.Match[str], ctx: Context) -> Hit | None:
    tok = m.group("y")
    if tok[0] != "'":
        y = int(tok)
    else:
        y = 1900 + int(tok[1:]) if int(tok[1:]) > 30 else 2000 + int(tok[1:])
    return year_hit(m.start(), m.end(), y, False)


@rule(r"\b(?:the\s+)?(?:comparable\s+|same\s+|corresponding\s+)?(?:year[\s-](?:earlier|ago)"
      r"(?:\s+(?:(?:first|second|third|fourth|fiscal)\s+)?(?:quarter|period))?"
      r"|(?:quarter|period)\s+a\s+year\s+(?:earlier|ago)|(?:corresponding|same|comparable)"
      r"\s+(?:quarter|period)\s+(?:of\s+|a\s+)?last\s+year)\b",
      trigger=r"year.(?:earlier|ago)|a year (?:earlier|ago)|last year")
def year_earlier(m: re.Match[str], ctx: Context) -> Hit | None:
    # Earnings-story idiom: the same quarter one year before the one being reported.
    if ctx.anchor is None:
        return Hit(m.start(), m.end(), "XXXX-QX", "date", "quarter", relative=True)
    after = ctx.text[m.end() : m.end() + 30].lower()
    if re.match(r"\s+(?:\w+\s+)?(?:months|weeks|year\b)", after):
        return None
    y, q = last_quarter(ctx.anchor)
    return quarter_hit(m.start(), m.end(), y - 1, q, True)
