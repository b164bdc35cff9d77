"""The field layouts a span row's positional JSON is written in, by record type: append-only.

A row keeps its record's own fields as `[layout, mask, value, ...]`: the index of its layout in
this table, a bit per layout field it holds (bit 0 the first), then those fields' values in
layout order. Field names are most of what a record's JSON was (5 KB of 10 an article), and
each row spells them again; here they are spelled once.

A layout once used is never changed nor removed: rows written with it must still read. When a
record type gains, loses or reorders a field, its new layout (span_codec.layout_of) is appended
to its tuple; until it is, rows of that type are written as plain JSON objects, which read as
before, and tests/test_store_size.py fails to say so.
"""

from __future__ import annotations

# Each layout is its field names, space-separated, in the order the record's dataclass has them.
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
}
