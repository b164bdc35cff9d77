"""How a span record is kept in the store, and read back whole.

A record's id is a hash of what the row already holds (its type, article, offsets, and for a
quote its speaker), so it is computed on reading rather than stored with an index of its own:
that was 40 bytes a record and 6 KB an article of index. Its JSON `data` leaves out what the
columns hold (a place's point, a date's value, a mention's name where it is the whole span) and
every field at its record's default; reading puts them back in the record's own field order, so
what is exported does not change. What it keeps is written by position, `[layout, mask, values]`,
the field names spelled once in layouts.py rather than in every row; a row of a layout not
registered there, or of a store written before, is a JSON object and reads the same.

A row names its article by the article's seq (schema.span_table): span_select reads rows with
the article's id joined back, as read_record takes them, and a quote's words from the article's
text where the row leaves them to it (derived_text.py).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Select, select

from newsprism.store import layouts
from newsprism.store.derived_text import SPAN_TYPES, kept_text, read_text
from newsprism.store.schema import article, span_record
from newsprism.understand.components import COMPONENTS

# The columns every span record is read with, in the read contract's order.
SPAN_RECORD_FIELDS = ("type", "id", "article_id", "start", "end", "text", "entity_id")
# The columns that repeat a field of the record: the field is left out of `data` when they hold it.
FIELD_COLUMNS = ("value", "lat", "lon")
_SKIP = ("start", "end", "text")  # columns, never in `data`
# Fields that most often repeat a column of their own row: an actor mention's name is the whole
# span ("Pamela Geller") unless a title or role is split off it ("Turkish President Erdogan").
# Left out when equal, put back from the column. They are required fields of their record, so
# none is ever left out as a default; one that is None is kept in `data` as null.
COPIED_COLUMNS: dict[str, dict[str, str]] = {
    "mention": {"name": "text", "name_start": "start", "name_end": "end"},
}


def span_select(*where: Any) -> Select[Any]:
    """Span rows with their article's id (`article_id`), under `where` (conditions on
    span_record's columns or on the article's): what read_record reads."""
    s = span_record.c
    return (
        select(s.type, article.c.id.label("article_id"), s.start, s.end,
               read_text(s.text, s.start, s.end, article.c.text).label("text"), s.entity_id,
               s.value, s.lat, s.lon, s.data, s.article_seq, s.ordinal)
        .join_from(span_record, article, article.c.seq == s.article_seq)
        .where(*where)
    )  # fmt: skip


def in_text_order(query: Select[Any]) -> Select[Any]:
    """Rows in article and text order: by article id, then offset, then as written."""
    s = span_record.c
    return query.order_by(article.c.id, s.start, s.ordinal)


def record_id(kind: str, article_id: str, start: int, end: int, extra: str = "") -> str:
    key = f"{kind}|{article_id}|{start}|{end}|{extra}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def id_extra(data: Mapping[str, Any]) -> str:
    """What tells apart two records of one kind on the same span: a quote's speaker; the
    headline (a title record's offsets are into the title, and may equal a text record's)."""
    extra = str(data.get("speaker_start") or "")
    return extra + "|title" if data.get("field") == "title" else extra


@cache
def defaults(kind: str) -> dict[str, Any]:
    """A record type's fields as `data` holds them, in order, each with its default (None for a
    field without one). The order is the one the linker writes: the dataclass's fields, an
    actor's own `type` renamed `entity_type` at the end, then the article fields it carries."""
    for component in COMPONENTS:
        if component.record_type == kind:
            break
    else:
        return {}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(component.record):
        if f.name in _SKIP or f.name == "type":
            continue
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
        else:
            out[f.name] = None
    if any(f.name == "type" for f in dataclasses.fields(component.record)):
        out["entity_type"] = None
    for name in component.article_fields:
        out.setdefault(name, None)
    return out


def _is_default(value: Any, default: Any) -> bool:
    # 0 == False and 1.0 == 1 in Python: a default is left out only as its very type
    return type(value) is type(default) and value == default


@cache
def layout_of(kind: str) -> str:
    """A record type's layout as layouts.py spells it: its fields in `data`'s order."""
    return " ".join(defaults(kind))


def stored_data(row: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """The JSON a span row keeps of a record's own fields (see the module's docstring)."""
    fields = defaults(row["type"])
    copied = COPIED_COLUMNS.get(row["type"], {})
    kept = {}
    for key, value in data.items():
        if key in copied:
            if not _held_by_column(row.get(copied[key]), value):
                kept[key] = value
            continue
        if key in fields and _is_default(value, fields[key]):
            continue
        if key in FIELD_COLUMNS and key in fields and _held_by_column(row.get(key), value):
            continue
        kept[key] = value
    return layouts.pack(row["type"], layout_of(row["type"]), kept)


def _held_by_column(column: Any, value: Any) -> bool:
    # `value` is a text column: a number (a quantity's) stays in the JSON with its type
    return column is not None and type(column) is type(value) and column == value


@cache
def _reading(kind: str) -> tuple[tuple[str, Any, bool, str | None], ...]:
    """Per field of a record type: its name, default, whether the default must be copied (a
    list), and the column that holds it when `data` does not (None: only its default)."""
    copied = COPIED_COLUMNS.get(kind, {})
    return tuple(
        (key, default, isinstance(default, list | dict | set),
         copied.get(key) or (key if key in FIELD_COLUMNS else None))
        for key, default in defaults(kind).items()
    )  # fmt: skip


def stored_row(
    row: Mapping[str, Any], article_seq: int, ordinal: int, article_text: str | None = None
) -> dict[str, Any]:
    """A linked span row (link/span_rows.py: id, columns and the record's own fields as a dict
    of JSON values) as the store keeps it: its article by seq, no id, `data` compacted, and for
    the types that leave their text to the article (given its text) an empty text where it is
    the article's."""
    out = {k: v for k, v in row.items() if k not in ("id", "article_id")}
    data = stored_data(row, row["data"])
    out.update(article_seq=article_seq, ordinal=ordinal, data=data)
    if row["type"] in SPAN_TYPES:
        out["text"] = kept_text(row["text"], row["start"], row["end"], article_text)
    return out


def record_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """A whole record (as read_record gives it) as a stored row, without its id (updates find
    the row by its span: understanding.update_span)."""
    columns = {k: record.get(k) for k in SPAN_RECORD_FIELDS if k != "id"}
    value = record.get("value")
    row = {
        **columns,
        "value": None if value is None else str(value),
        "lat": record.get("lat"),
        "lon": record.get("lon"),
    }
    own = {k: v for k, v in record.items()
           if k not in SPAN_RECORD_FIELDS and not k.startswith("_")}  # fmt: skip
    row["data"] = stored_data(row, own)
    return row


def read_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored span row as the read contract gives it: its columns (its id computed from
    them), then its own fields in their order, defaults put back."""
    data = layouts.unpack(row["type"], row["data"])
    record = {k: row.get(k) for k in SPAN_RECORD_FIELDS}
    own: dict[str, Any] = {}
    for key, default, mutable, column in _reading(record["type"]):
        if key in data:
            own[key] = data[key]
        elif column is not None and row.get(column) is not None:
            own[key] = row[column]
        else:
            own[key] = copy.copy(default) if mutable else default
    if not data.keys() <= own.keys():  # fields of older versions
        own.update((k, v) for k, v in data.items() if k not in own)
    if record["id"] is None:
        record["id"] = record_id(
            record["type"], record["article_id"], record["start"], record["end"], id_extra(own)
        )
    record.update(own)
    return record
