"""Modifier words before an expression ("early", "the end of", "about", "more than",
"fiscal"): they widen the span, set the TimeML `mod`, and narrow the calendar interval."""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsprism.understand.timex.hits import Hit
from newsprism.understand.timex.lexicon import rx

_MOD_PREFIX = rx(
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


def apply_prefix(hit: Hit, text: str) -> None:
    """Take the modifier just before `hit` into it, when it modifies this kind of hit."""
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
    _narrow(hit)


def _narrow(hit: Hit) -> None:
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


def narrow_around_anchor(hit: Hit, word: str, anchor: date | None,
                         full: tuple[date | None, date | None]) -> None:
    """"Earlier this month" is the part of the month before the anchor, not its first third."""
    if anchor is None or full[0] is None or full[1] is None or not full[0] <= anchor <= full[1]:
        return
    if word.startswith("earlier"):
        hit.first, hit.last = full[0], max(full[0], anchor - timedelta(days=1))
    elif word.startswith("later"):
        hit.first, hit.last = min(full[1], anchor + timedelta(days=1)), full[1]
