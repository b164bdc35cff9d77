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

A layout may also spell once the words a field holds over and over (WORDS): a mention's
"organization", a technique's name and its runners-up, a date's "duration". A row of that
layout holds the word's position in the field's vocabulary instead (1 byte of JSON for 14). A
vocabulary is only ever appended to, so a position keeps its word; a word it lacks is kept as
written. Such a layout has the same fields as the one before it, and new rows take it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

# Each layout is its field names, space-separated, in the order the record's dataclass has them
# (span records: span_codec.layout_of; claims: stages.crosscheck.CLAIM_LAYOUT). Every type's
# second layout is its first again, with the words of WORDS kept by position.
_CLAIM_FIELDS = (
    "subject predicate counts value low high qualifier unit time_first time_last place source "
    "source_kind actions country time_source denies value_text source_name context object mood"
)
LAYOUTS: dict[str, tuple[str, ...]] = {
    "mention": ("name name_start name_end role metonymy_of entity_type",) * 2,
    "place": (
        "geonameid name lat lon country admin1 feature_class feature_code confidence "
        "label resolution",
    ) * 2,
    "timeref": ("value kind granularity mod first last anchor anchor_source",) * 2,
    "quantity": (
        "value low high qualifier unit counts counts_lemma predicate predicate_start "
        "predicate_end coordinated",
    ) * 2,
    "label": (
        "label kind loaded loaded_terms actor_start actor_end refers_by technique "
        "field",
    ) * 2,
    "technique": ("technique score span_score alternatives field",) * 2,
    "action": (
        "verb action subject subject_start subject_end object object_start object_end "
        "mood passive nominal",
    ) * 2,
    "attribution": ("speaker speaker_start speaker_end kind cue direct resolved_from channel",) * 2,
    # a claim's layouts 2 and 3 add whether it is a direct quotation
    "claim": (_CLAIM_FIELDS,) * 2 + (_CLAIM_FIELDS + " direct",) * 2,
}  # fmt: skip

# Vocabularies of closed word sets, by field (append only: a position, once written, keeps
# its word). The technique names are the tagger's classes (understand.techniques.TECHNIQUES);
# the rest are the values the understanding stage writes.
_TECHNIQUES = (
    "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Doubt", "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice", "Causal_Oversimplification", "Flag-Waving", "Appeal_to_Authority",
    "Slogans", "Black-and-White_Fallacy", "Whataboutism,Straw_Men,Red_Herring",
    "Thought-terminating_Cliches", "Bandwagon,Reductio_ad_hitlerum",
)  # fmt: skip
_ACTIONS = (
    "attack", "kill", "withdraw", "deploy", "arrest", "shoot", "meet", "release", "enter", "wound",
    "explode", "resign", "sign", "displace", "hack", "claim_responsibility", "transfer", "arrive",
    "declare",
)  # fmt: skip
_MOODS = ("fact", "possible", "intended", "negated", "future", "conditional", "question")
_SOURCE_KINDS = (
    "unknown", "named", "unnamed official", "outlet", "anonymous", "agency", "social media",
)  # fmt: skip
_QUALIFIERS = ("exact", "vague", "more than", "at least", "about", "range", "up to", "less than")
_UNITS = ("%", "USD", "mi", "fraction", "km", "m", "GBP", "EUR", "kg")

# How a field holds its words: one word, a list of words, or a list of [word, value] pairs (a
# technique's runners-up and their probabilities).
WORD, WORD_LIST, WORD_PAIRS = "word", "words", "pairs"
Vocabulary = tuple[str, tuple[str, ...]]  # (how the field holds its words, the words)

_CLAIM_WORDS: dict[str, Vocabulary] = {
    "qualifier": (WORD, _QUALIFIERS),
    "unit": (WORD, _UNITS),
    "source_kind": (WORD, _SOURCE_KINDS),
    "actions": (WORD_LIST, _ACTIONS),
    "time_source": (WORD, ("text", "published", "inferred")),
    "mood": (WORD, _MOODS),
}

WORDS: dict[tuple[str, int], dict[str, Vocabulary]] = {
    ("mention", 1): {
        "entity_type": (WORD, ("person", "organization", "group", "country", "government")),
    },
    ("place", 1): {
        "feature_class": (WORD, ("A", "P", "L", "H", "S", "T", "R", "V", "U")),
        "feature_code": (WORD, ("PCLI", "ADM1", "CONT", "ADM2", "PPL", "PPLA", "PPLC", "PPLA2",
                                "RGN", "ADM3", "PPLX", "PCLD", "TERR", "ISL")),
        "label": (WORD, ("GPE", "NORP", "LOC", "ORG", "PERSON", "PROPN", "FAC", "IN_ORG")),
        "resolution": (WORD, ("contained-in-focus", "unresolved")),
    },
    ("timeref", 1): {
        "kind": (WORD, ("date", "duration", "time", "set")),
        "granularity": (WORD, (
            "day", "year", "ref", "month", "week", "time", "decade", "minute", "hour", "century",
            "season", "weekend", "second", "night", "half", "millennium", "quarter")),
        "mod": (WORD, ("START", "END", "APPROX", "LESS_THAN", "MORE_THAN", "EQUAL_OR_LESS", "MID",
                       "EQUAL_OR_MORE", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER")),
        "anchor_source": (WORD, ("inferred", "published", "corpus")),
    },
    ("quantity", 1): {"qualifier": (WORD, _QUALIFIERS), "unit": (WORD, _UNITS)},
    ("label", 1): {
        "kind": (WORD, ("title", "descriptor", "scare-quote", "so-called", "epithet")),
        "refers_by": (WORD, ("name", "description")),
        "technique": (WORD, _TECHNIQUES),
        "field": (WORD, ("title",)),
    },
    ("technique", 1): {
        "technique": (WORD, _TECHNIQUES),
        "alternatives": (WORD_PAIRS, _TECHNIQUES),
        "field": (WORD, ("title",)),
    },
    ("action", 1): {"action": (WORD, _ACTIONS), "mood": (WORD, _MOODS)},
    ("attribution", 1): {"kind": (WORD, _SOURCE_KINDS)},
    ("claim", 1): _CLAIM_WORDS,
    ("claim", 3): _CLAIM_WORDS,  # with `direct`
}
# A layout with words has the fields of a layout before it: new rows of those fields take it.
for (_kind, _index), _words in WORDS.items():
    assert LAYOUTS[_kind][_index] in LAYOUTS[_kind][:_index], f"{_kind}: {_index}"
    assert set(_words) <= set(LAYOUTS[_kind][_index].split()), f"{_kind}: {set(_words)}"


@cache
def layout_index(kind: str, current: str) -> int | None:
    """Where a record type's current layout (its field names, space-separated) stands in its
    registered layouts; None when it is not registered."""
    layouts = [" ".join(layout.split()) for layout in LAYOUTS.get(kind, ())]
    # the newest of the layouts with these fields (one that spells words once, where there is)
    found = [i for i, layout in enumerate(layouts) if layout == current]
    return found[-1] if found else None


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
    words = WORDS.get((kind, index), {})
    mask, values = 0, []
    for bit, name in enumerate(names):
        if name in kept:
            mask |= 1 << bit
            value = kept[name]
            values.append(_coded(value, *words[name]) if name in words else value)
    return json.dumps([index, mask, *values], ensure_ascii=False, separators=(",", ":"))


@cache
def _positions(vocabulary: tuple[str, ...]) -> dict[str, int]:
    return {word: i for i, word in enumerate(vocabulary)}


def _coded(value: Any, how: str, vocabulary: tuple[str, ...]) -> Any:
    """A field's value with each word of the vocabulary as its position."""
    at = _positions(vocabulary)
    if how == WORD:
        return at.get(value, value) if isinstance(value, str) else value
    if not isinstance(value, list):
        return value
    if how == WORD_LIST:
        return [at.get(v, v) if isinstance(v, str) else v for v in value]
    return [[at.get(p[0], p[0]), *p[1:]] if isinstance(p, list) and p and isinstance(p[0], str)
            else p for p in value]  # fmt: skip


def _word(value: Any, vocabulary: tuple[str, ...]) -> Any:
    # a bool is an int in Python: only a real position is a word
    if type(value) is int and 0 <= value < len(vocabulary):
        return vocabulary[value]
    return value


def _decoded(value: Any, how: str, vocabulary: tuple[str, ...]) -> Any:
    if how == WORD:
        return _word(value, vocabulary)
    if not isinstance(value, list):
        return value
    if how == WORD_LIST:
        return [_word(v, vocabulary) for v in value]
    return [[_word(p[0], vocabulary), *p[1:]] if isinstance(p, list) and p else p
            for p in value]  # fmt: skip


@cache
def _held(kind: str, index: int, mask: int) -> tuple[str, ...]:
    """The fields a row of this layout holds, by its mask: a store's rows share a few masks."""
    return tuple(name for bit, name in enumerate(layout_names(kind, index)) if mask >> bit & 1)


def unpack(kind: str, data: str | None) -> dict[str, Any]:
    """The fields a row's JSON holds, by name, whichever way it was written."""
    decoded = json.loads(data or "{}")
    if isinstance(decoded, dict):
        return decoded
    index, mask, *values = decoded
    held = _held(kind, index, mask)
    if len(held) != len(values):
        raise ValueError(f"a stored {kind} record holds {len(values)} values for {len(held)} "
                         "fields: its row is damaged")  # fmt: skip
    fields = dict(zip(held, values, strict=True))
    for name, (how, vocabulary) in WORDS.get((kind, index), {}).items():
        if name in fields:
            fields[name] = _decoded(fields[name], how, vocabulary)
    return fields
