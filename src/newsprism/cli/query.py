"""`newsprism query`: records of one type, filtered, as a table, JSON Lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from newsprism.api import DEFAULT_DB, Corpus
from newsprism.cli.console import DbOption, err, fail, open_existing, out
from newsprism.show.export import csv_cell, csv_columns, flatten
from newsprism.show.export_records import RECORD_TYPES, record_fields
from newsprism.show.record_filters import query_fields

# What a table shows of each record type by default (--fields for others, jsonl or csv for all).
TABLE_FIELDS = {
    "article": ("id", "outlet", "title", "published", "language", "word_count"),
    "entity": ("id", "entity_type", "name", "aliases"),
    "mention": ("article_id", "text", "name", "entity_type", "role", "entity_id"),
    "place": ("article_id", "text", "name", "country", "lat", "lon"),
    "timeref": ("article_id", "text", "value", "first", "last"),
    "quantity": ("article_id", "text", "value", "qualifier", "counts", "predicate"),
    "attribution": ("article_id", "speaker", "kind", "cue", "text"),
    "label": ("article_id", "label", "kind", "loaded", "entity_id"),
    "technique": ("article_id", "technique", "score", "text"),
    "action": ("article_id", "text", "action", "subject", "object", "mood"),
    "claim": ("id", "verdict", "independent_outlets", "statement.text", "reason"),
    "story": ("id", "title", "size", "outlets", "first", "last"),
    "event": ("first", "last", "statement", "verdict", "outlets"),
    "error": ("source", "line", "reason"),
}
QUERY_FORMATS = ("table", "jsonl", "csv")
TABLE_LIMIT = 50
CELL_CHARS = 120


QUERY_HELP = f"""Records of one type, filtered: a quick look at a store
without Python.

TYPE is one of {", ".join(RECORD_TYPES)}. Fields are named as in the exports, an object's
fields as in the CSV (statement.value). Never creates or changes a store."""


def query(
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="Record type: article, claim, ...")],
    db: DbOption = DEFAULT_DB,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", metavar="FIELD=VALUE",
                     help="Keep records whose FIELD equals VALUE (any case; a list field when "
                     "one item does), or FIELD~TEXT: holds TEXT. Repeat to narrow."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", metavar="N", min=0,
                     help=f"Records shown (default: {TABLE_LIMIT} in a table, all otherwise)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="|".join(QUERY_FORMATS),
                     help="A table, JSON Lines (every field), or CSV (flat, as the export's)."),
    ] = "table",
    fields: Annotated[
        str | None,
        typer.Option("--fields", metavar="A,B,...",
                     help="Fields to show (default in a table: a few telling ones)."),
    ] = None,
) -> None:
    if fmt not in QUERY_FORMATS:
        fail(f"unknown format {fmt!r}: use one of {', '.join(QUERY_FORMATS)}")
    try:
        chosen = _chosen_fields(kind, fields)
    except ValueError as exc:
        fail(str(exc))
    corpus = Corpus(open_existing(db))
    try:
        found = corpus.query(kind, where or [])
    except ValueError as exc:
        fail(str(exc))
    finally:
        corpus.close()
    shown = found[: limit if limit is not None else (TABLE_LIMIT if fmt == "table" else None)]
    if fmt == "jsonl":
        for record in shown:
            record = {k: _field(record, k) for k in chosen} if fields else record
            typer.echo(json.dumps(record, ensure_ascii=False, default=str))
    elif fmt == "csv":
        _write_csv(shown, chosen if fields else None, kind)
    else:
        _print_records(kind, shown, chosen or list(TABLE_FIELDS.get(kind, ())), len(found))
    if len(found) > len(shown):
        err.print(f"{len(found) - len(shown)} more: --limit N to see more")


def _chosen_fields(kind: str, fields: str | None) -> list[str]:
    valid = query_fields(kind)  # raises for an unknown type, listing the types
    chosen = [f.strip() for f in (fields or "").split(",") if f.strip()]
    for name in chosen:
        if name not in valid:
            raise ValueError(f"unknown field {name!r} of {kind} records: use one of "
                             f"{', '.join(valid)}")
    return chosen


def _field(record: dict[str, Any], name: str) -> Any:
    value: Any = record
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _write_csv(records: list[dict[str, Any]], chosen: list[str] | None, kind: str) -> None:
    """Flat as the export's TYPE.csv: an object's fields in columns, a list as its item count
    (its items: `export --format csv`, or --format jsonl)."""
    rows = [flatten(r)[0] for r in records]
    columns = chosen or list(dict.fromkeys(csv_columns(kind) + [c for r in rows for c in r]))
    writer = csv.DictWriter(sys.stdout, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: csv_cell(row.get(c)) for c in columns})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        items = [v.get("name") or v.get("text") or v.get("id") if isinstance(v, dict) else v
                 for v in value]  # fmt: skip
        text = ", ".join(str(i) for i in items if i is not None)
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {v}" for k, v in value.items() if v is not None)
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "\u2026"


def _print_records(kind: str, records: list[dict[str, Any]], columns: list[str],
                   total: int) -> None:  # fmt: skip
    columns = columns or list(record_fields(kind))[:6]
    shown = f"{len(records)} of {total}" if total > len(records) else str(total)
    table = Table(title=f"{shown} {kind} records", title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    for record in records:
        table.add_row(*(escape(_cell_text(_field(record, c))) for c in columns))
    out.print(table)

