"""From text to `TimeRef`s: run the rules around their triggers, settle overlaps, take in
modifiers, join clock times to days, and resolve narrative expressions against the story's
own timeline."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from newsprism.understand.timex.hits import Context, Hit, TimeRef
from newsprism.understand.timex.lexicon import rx
from newsprism.understand.timex.modifiers import apply_prefix, narrow_around_anchor
from newsprism.understand.timex.rules import RULES

_REACH = 80  # no expression reaches further than this from its trigger stem
_SPACE = rx(r"\s", 0)


def windows(text: str, low: str, trigger: Any) -> list[tuple[int, int]]:
    """Stretches of `text` around each `trigger` stem, merged, cut at whitespace."""
    out: list[tuple[int, int]] = []
    n = len(text)
    space = -1  # the first whitespace at or after the last `hi` (n: none)
    for m in trigger.finditer(low):
        lo, hi = max(0, m.start() - _REACH), min(n, m.end() + _REACH)
        if out and lo <= out[-1][1]:
            lo = out.pop()[0]
        else:
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
        if space < hi:
            # `hi` only grows: a whitespace found for an earlier one that lies past this one is
            # still the first after it. Searching again for each trigger scanned a long text
            # without spaces to its end once per trigger (quadratic).
            ws = _SPACE.search(text, hi)
            space = ws.start() if ws else n
        out.append((lo, space))
    return out


def collect(ctx: Context) -> list[Hit]:
    """Every rule's hits, overlapping ones included."""
    hits: list[Hit] = []
    text = ctx.text
    low = text.lower()
    whole = [(0, len(text))] if len(low) != len(text) else None  # lower() changed offsets
    cache: dict[Any, list[tuple[int, int]]] = {}
    for r in RULES:
        spans = whole or cache.get(r.trigger)
        if spans is None:
            spans = cache[r.trigger] = windows(text, low, r.trigger)
        for lo, hi in spans:
            for m in r.pattern.finditer(text, lo, hi):
                hit = bounded(r.handler, m, ctx)
                if hit is not None and hit.end > hit.start:
                    hits.append(hit)
    return hits


def bounded(fn: Callable[..., Any], *args: Any) -> Any:
    """A rule's hit, or None where its date arithmetic leaves the calendar (years 1 to 9999):
    "yesterday" in an article dated 0001-01-01, "the next day" after 31 December 9999."""
    try:
        return fn(*args)
    except (OverflowError, ValueError):
        return None


def select(hits: list[Hit]) -> list[Hit]:
    """Longest span wins; ties go to the rule that said it ranks higher."""
    hits.sort(key=lambda h: (-(h.end - h.start), -h.rank, h.start))
    taken: list[Hit] = []
    # The spans taken so far, sorted: they are disjoint, so sorted by start they are sorted by
    # end too, and of those starting before a hit ends only the last can reach into it. One
    # bisection per hit instead of a look at every span taken (quadratic in a long article).
    starts: list[int] = []
    ends: list[int] = []
    for h in hits:
        i = bisect_left(starts, h.end)
        if i and ends[i - 1] > h.start:
            continue
        starts.insert(i, h.start)
        ends.insert(i, h.end)
        taken.append(h)
    taken.sort(key=lambda h: h.start)
    return taken


_JOIN_CLOCK_DAY = rx(r"[\s,]*(?:on\s+)?")
_JOIN_DAY_CLOCK = rx(r"[\s,]*")


def merge_clock(hits: list[Hit], text: str) -> list[Hit]:
    """'10 p.m. Wednesday', '5 p.m. EST, Nov. 6': one TIMEX with date and time."""
    out: list[Hit] = []
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


def _is_day(h: Hit) -> bool:
    return h.gran == "day" and h.kind == "date" and h.narrative is None and h.clock is None


def _with_clock(day: Hit, clock: str, start: int, end: int) -> Hit:
    return replace(day, start=start, end=end, value=day.value + clock, kind="time",
                   gran="time")


def resolve_narrative(hits: list[Hit], anchor: date | None) -> list[Hit]:
    """Expressions that count from the story's own timeline take the last date it mentioned."""
    ref_day = ref_any = anchor
    out: list[Hit] = []
    for h in hits:
        ref = ref_day if h.gran in ("day", "time") else ref_any
        if h.narrative is not None:
            if ref is None:
                h.value = "XXXX-XX-XX" if h.gran == "day" else "XXXX"
                h.narrative = None
                out.append(h)
                continue
            new = bounded(h.narrative, ref)
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
    ctx = Context(text, anchor)
    hits = select(collect(ctx))
    for h in hits:
        full = (h.first, h.last)
        apply_prefix(h, text)
        if h.mod in ("START", "END"):
            word = text[h.start : h.start + 8].lower()
            bounded(narrow_around_anchor, h, word, anchor, full)
    hits = select(hits)  # a prefix may now reach into the previous expression
    hits = merge_clock(hits, text)
    hits = resolve_narrative(hits, anchor)
    return [_to_ref(h, text, anchor) for h in hits]


def _to_ref(h: Hit, text: str, anchor: date | None) -> TimeRef:
    anchored = anchor.isoformat() if anchor is not None and h.relative else None
    first, last = (h.first, h.last) if h.kind in ("date", "time") else (None, None)
    return TimeRef(start=h.start, end=h.end, text=text[h.start : h.end], value=h.value,
                   kind=h.kind, granularity=h.gran, mod=h.mod, first=first, last=last,
                   anchor=anchored)
