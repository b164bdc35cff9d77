"""Article text as HTML with the understanding's spans marked: actors, places, dates,
quantities, and quoted or reported speech underneath them.

Spans may nest or cross (a quote holds places and dates), so the text is cut at every span
boundary and each piece is wrapped in the marks active over it: valid HTML for any overlap.
Everything is escaped: article text is hostile input.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from newsprism.show import readable

# Outer first: a quote's underline stays under the entity marks inside it.
LAYER = {"attribution": 0, "quantity": 1, "timeref": 1, "place": 1, "mention": 1}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # record type: mention, place, timeref, quantity, attribution
    note: str  # tooltip: what was understood
    record_id: str


def highlight(
    text: str, marks: Iterable[Mark], anchors: dict[int, list[str]] | None = None
) -> Markup:
    """`anchors`: element ids to place at text positions, so that a link can point at a span
    (the evidence of a claim)."""
    anchors = anchors or {}
    marks = sorted(
        (m for m in marks if 0 <= m.start < m.end <= len(text)),
        key=lambda m: (LAYER.get(m.kind, 1), m.start, -m.end),
    )
    cuts = sorted(
        {0, len(text), *(m.start for m in marks), *(m.end for m in marks)}
        | {p for p in anchors if 0 <= p < len(text)}
    )
    starting: dict[int, list[tuple[int, Mark]]] = {}
    for order, m in enumerate(marks):
        starting.setdefault(m.start, []).append((order, m))
    # One heap per layer of the marks begun so far, the first in reading order on top; marks
    # already ended are dropped when they reach the top. Each cut costs a few heap steps, so
    # a long article with thousands of marks stays near-linear (it was marks x cuts).
    begun: dict[int, list[tuple[int, Mark]]] = {}
    parts: list[str] = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        for order, m in starting.get(left, ()):
            heapq.heappush(begun.setdefault(LAYER.get(m.kind, 1), []), (order, m))
        parts += [f'<span class="anchor" id="{escape(i)}"></span>' for i in anchors.get(left, [])]
        piece = str(escape(text[left:right]))
        # Of two overlapping entity marks (a place inside an actor's title), the first wins.
        inner = []
        for layer in sorted(begun):
            heap = begun[layer]
            while heap and heap[0][1].end <= left:
                heapq.heappop(heap)
            if heap:
                inner.append(heap[0][1])
        for m in reversed(inner):
            piece = (
                f'<mark class="k-{m.kind}" data-id="{m.record_id}" '
                f'title="{escape(m.note)}">{piece}</mark>'
            )
        parts.append(piece)
    return Markup("".join(parts))


def mark_note(record: dict) -> str:
    """The tooltip of one record: what newsprism understood of that span."""
    kind = record["type"]
    if kind == "place":
        if record.get("geonameid"):
            return (
                f"place: {record.get('name')} ({record.get('country') or '?'}"
                f"{', ' + record['admin1'] if record.get('admin1') else ''}) "
                f"{record['lat']:.3f}, {record['lon']:.3f} · GeoNames {record['geonameid']} · "
                f"confidence {record.get('confidence', 0):.2f}"
            )
        return "place: not found in the gazetteer"
    if kind == "mention":
        role = f" · role: {record['role']}" if record.get("role") else ""
        meto = f" · stands for {record['metonymy_of']}" if record.get("metonymy_of") else ""
        return f"{record.get('entity_type') or 'actor'}: {record.get('name')}{role}{meto}"
    if kind == "timeref":
        return _timeref_note(record)
    if kind == "quantity":
        pred = f" · {record['predicate']}" if record.get("predicate") else ""
        return f"quantity: {readable.quantity(record)}{pred}"
    if kind == "attribution":
        mode = "quote" if record.get("direct") else "reported"
        return (
            f"{mode} · source: {record.get('speaker') or 'unknown'} ({record.get('kind')}) · "
            f"cue: {record.get('cue')}"
        )
    return kind


def _timeref_note(record: dict) -> str:
    """As a reader says it ("9 October, year unknown"), with the days it spans and what it was
    anchored to; the TimeML value stays in the exports."""
    said = readable.timeml(record.get("value"), record.get("mod"))
    first, last = record.get("first"), record.get("last")
    span = ""
    if first and last and first != last:
        span = f" ({readable.timeml(str(first))} to {readable.timeml(str(last))})"
    elif first and readable.timeml(str(first)) != said and "unknown" in said:
        span = f" (read as {readable.timeml(str(first))})"
    anchor = ""
    if record.get("anchor"):
        anchor = f" · anchored to {readable.timeml(str(record['anchor']))}"
    return f"time: {said}{span}{anchor}"
