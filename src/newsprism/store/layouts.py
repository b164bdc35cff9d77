"""Rows whose JSON holds their fields by position: the layouts they are written in, by record
type (append-only), and writing and reading them.

A span record or claim keeps its own fields as `[layout, mask, value, ...]`: the index of its
layout in LAYOUTS, a bit per layout field it holds (bit 0 the first), then those fields' values
in layout order. Field names were most of a span record's JSON (5 KB of 10 an article), each
row spelling them again; here they are spelled once.

A layout once used is never changed nor removed: rows written with it must still read. When a
record type gains, loses or reorders a field, its new layout is appended to its tuple; until it
is, its rows are written as plain JSON objects, which read as before, and
tests/test_store_size.py fails to say so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

# Each layout is its field names, space-separated, in the order the record's dataclass has them
# (span records: span_codec.layout_of; claims: stages.crosscheck.CLAIM_LAYOUT).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "mention": ("name name_start name_end role metonymy_of entity_type",),
    "place": (
        "geonameid name lat lon country admin1 feature_class feature_code confidence "
        "label resolution",
    ),
    "timeref": ("value kind granularity mod first last anchor anchor_source",),
    "quantity": (
        "value low high qualifier unit counts counts_lemma predicate predicate_start "
        "predicate_end coordinated",
    ),
    "label": (
        "label kind loaded loaded_terms actor_start actor_end refers_by technique "
        "field",
    ),
    "technique": ("technique score span_score alternatives field",),
    "action": (
        "verb action subject subject_start subject_end object object_start object_end "
        "mood passive nominal",
    ),
    "attribution": ("speaker speaker_start speaker_end kind cue direct resolved_from channel",),
    "claim": (
        "subject predicate counts value low high qualifier unit time_first time_last place "
        "source source_kind actions country time_source denies value_text source_name context "
        "object mood",
    ),
}


@cache
def layout_index(kind: str, current: str) -> int | None:
    """Where a record type's current layout (its field names, space-separated) stands in its
    registered layouts; None when it is not registered."""
    layouts = [" ".join(layout.split()) for layout in LAYOUTS.get(kind, ())]
    return layouts.index(current) if current in layouts else None


@cache
def _names(current: str) -> tuple[tuple[str, ...], frozenset[str]]:
    names = tuple(current.split())
    return names, frozenset(names)


@cache
def layout_names(kind: str, index: int) -> tuple[str, ...]:
    try:
        return tuple(LAYOUTS[kind][index].split())
    except (KeyError, IndexError):
        raise ValueError(
            f"a stored {kind} record is in layout {index}, which this version of newsprism does "
            "not know: read the store with the version that wrote it, or run analyze again"
        ) from None


def pack(kind: str, current: str, kept: Mapping[str, Any]) -> str:
    """`kept` (a record's fields, by name) as a row's JSON: by position in the record type's
    current layout when it is registered and holds every field, else as an object."""
    index = layout_index(kind, current)
    names, known = _names(current)
    if index is None or not kept.keys() <= known:
        return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    mask, values = 0, []
    for bit, name in enumerate(names):
        if name in kept:
            mask |= 1 << bit
            values.append(kept[name])
    return json.dumps([index, mask, *values], ensure_ascii=False, separators=(",", ":"))


def unpack(kind: str, data: str | None) -> dict[str, Any]:
    """The fields a row's JSON holds, by name, whichever way it was written."""
    decoded = json.loads(data or "{}")
    if isinstance(decoded, dict):
        return decoded
    index, mask, *values = decoded
    held = [name for bit, name in enumerate(layout_names(kind, index)) if mask >> bit & 1]
    if len(held) != len(values):
        raise ValueError(f"a stored {kind} record holds {len(values)} values for {len(held)} "
                         "fields: its row is damaged")  # fmt: skip
    return dict(zip(held, values, strict=True))
