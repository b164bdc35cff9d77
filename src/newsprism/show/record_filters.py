"""Conditions on export records, as `Corpus.query` and `newsprism query` take them:
"field=value" (equal, any case) or "field~text" (holds the text), or a mapping; a field or a
closed-list value (a verdict, a technique) that does not exist is an error that lists those
that do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.show.export import KNOWN_KEYS
from newsprism.show.export_records import RECORD_TYPES, record_fields
from newsprism.understand.techniques import TECHNIQUES

__all__ = ["Condition", "check_name", "conditions", "passes", "query_fields"]

# Fields whose values are a closed list: a filter naming another value is a mistake to say.
VOCABULARIES: dict[tuple[str, str], Sequence[str]] = {
    ("claim", "verdict"): VERDICTS,
    ("event", "verdict"): VERDICTS,
    ("technique", "technique"): TECHNIQUES,
}


@dataclass(frozen=True)
class Condition:
    field: str
    value: Any
    contains: bool = False


def query_fields(kind: str) -> list[str]:
    """The fields a condition on `kind` records may name: the export fields, and an object's
    fields by their CSV column names ("statement.counts").

    >>> query_fields("claim")[:4], "statement.counts" in query_fields("claim")
    (['type', 'id', 'kind', 'verdict'], True)
    """
    if kind not in RECORD_TYPES:
        raise ValueError(f"unknown record type {kind!r}: use one of {', '.join(RECORD_TYPES)}")
    names = []
    for name in record_fields(kind):
        names.append(name)
        names += [f"{name}.{k}" for k in KNOWN_KEYS.get((kind, name), ())]
    return names


def conditions(kind: str, where: Mapping[str, Any] | Sequence[str] | None) -> list[Condition]:
    """The conditions `where` states on `kind` records, checked: a field and a closed-list value
    spelled as the store spells them.

    >>> conditions("claim", ["verdict=Corroborated", "statement.counts~troop"])
    [Condition(field='verdict', value='corroborated', contains=False), \
Condition(field='statement.counts', value='troop', contains=True)]
    """
    valid = query_fields(kind)
    if where is None:
        return []
    if isinstance(where, Mapping):
        stated = [Condition(k, v) for k, v in where.items()]
    elif isinstance(where, str):
        stated = [_parse_condition(where)]
    else:
        stated = [_parse_condition(c) for c in where]
    for c in stated:
        if c.field not in valid:
            raise ValueError(
                f"unknown field {c.field!r} of {kind} records: use one of {', '.join(valid)}"
            )
    return [_in_vocabulary(kind, c) for c in stated]


def _in_vocabulary(kind: str, c: Condition) -> Condition:
    """A verdict or technique as the store spells it ("Loaded language" is Loaded_Language);
    one that does not exist raises ValueError listing those that do."""
    vocabulary = VOCABULARIES.get((kind, c.field))
    if not vocabulary or c.contains:
        return c
    wanted = str(c.value).casefold().replace(" ", "_")
    same = [v for v in vocabulary if v.casefold() == wanted]
    if not same:
        check_name(c.field, str(c.value), vocabulary)
    return replace(c, value=same[0])


def _parse_condition(text: str) -> Condition:
    """ "field=value" (equal, any case) or "field~text" (holds the text, any case)."""
    positions = [(text.find(op), op) for op in "=~" if op in text]
    if not positions:
        raise ValueError(f"condition {text!r}: write it as FIELD=VALUE, or FIELD~TEXT for a "
                         f"field holding TEXT (e.g. verdict=contradicted, title~dam)")
    at, op = min(positions)
    return Condition(text[:at].strip(), text[at + 1 :].strip(), contains=op == "~")


def _field_value(record: dict[str, Any], name: str) -> Any:
    value: Any = record
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None and name in record:
        return record[name]
    return value


def passes(record: dict[str, Any], condition: Condition) -> bool:
    """Whether `record` meets `condition` (any item of a list field may).

    >>> passes({"outlets": ["Valley Post", "Harbor Wire"]}, Condition("outlets", "harbor wire"))
    True
    """
    return _matches(_field_value(record, condition.field), condition)


def _matches(value: Any, c: Condition) -> bool:
    if isinstance(value, list | tuple):
        return any(_matches(item, c) for item in value)
    if isinstance(value, dict):  # an item such as {"id", "name"}: any of its fields
        return any(_matches(v, c) for v in value.values() if not isinstance(v, dict | list))
    wanted = c.value
    if c.contains:
        return value is not None and str(wanted).casefold() in str(value).casefold()
    if value is None:
        return wanted is None or str(wanted).casefold() in ("", "null", "none")
    if isinstance(value, bool):
        return str(wanted).casefold() in (("true", "yes", "1") if value else ("false", "no", "0"))
    if isinstance(value, int | float):
        try:
            return float(wanted) == float(value)
        except (TypeError, ValueError):
            return False
    return str(value).casefold() == str(wanted).casefold()


def check_name(what: str, given: str | None, valid: Sequence[str]) -> None:
    """A filter naming nothing that exists is a mistake to say, not an empty answer.

    >>> check_name("verdict", "Corroborated", ["corroborated", "contradicted"])
    Traceback (most recent call last):
    ValueError: unknown verdict 'Corroborated' (did you mean 'corroborated'?): use one of ...
    """
    if given is not None and given not in valid:
        close = [v for v in valid if v.lower().replace("_", " ") == given.lower().replace("_", " ")]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown {what} {given!r}{hint}: use one of {', '.join(valid)}")
