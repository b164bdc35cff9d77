"""Exports other tools read: JSON Lines (every record, one a line), CSV (one flat file per
record type, each list field in a linked file beside it), GeoJSON (the places, one point
feature per place mention) and the framing document (the naming matrix with each outlet's
framing profile, as `Corpus.naming_matrix()` gives it)."""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from newsprism.ingest.own_outputs import GENERATOR
from newsprism.show.export_records import (
    RECORD_TYPES,
    SPAN_LIST_FIELDS,
    record_fields,
    records,
)
from newsprism.show.framing import naming_matrix
from newsprism.show.svgmap import on_the_map
from newsprism.store import Store

FORMATS = ("jsonl", "csv", "geojson", "framing")


def export_jsonl(store: Store, out: TextIO) -> int:
    count = 0
    for record in records(store):
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        count += 1
    return count


# A cell a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return that hide
# one): prefixed with a quote, as OWASP advises, so that article text can never run in Excel.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# How the items of a list of pairs are named in its linked CSV (otherwise value.0, value.1).
ITEM_NAMES = {("technique", "alternatives"): ("technique", "probability")}
# The keys of the objects in records, so that a CSV's columns do not depend on which records a
# store happens to hold: any other key found is added after them.
KNOWN_KEYS = {
    ("article", "published_evidence"): (
        "earliest", "latest", "best", "confidence", "evidence", "corpus_earliest",
        "corpus_latest", "corpus_evidence",
    ),
    ("claim", "statement"): (
        "subject", "predicate", "counts", "value", "low", "high", "qualifier", "unit",
        "time_first", "time_last", "place", "country", "text",
    ),
}  # fmt: skip
# The list fields of each record type: their linked CSVs are written even while empty, so that
# a script reading them works on any store (a list field added later gets its file when found).
LIST_FIELDS = {
    "article": ("published_evidence.evidence", "published_evidence.corpus_evidence", "seen_in",
                "removed"),
    "entity": ("aliases", "roles", "evidence"),
    **SPAN_LIST_FIELDS,
    "claim": ("sources", "evidence", "related", "articles"),
    "story": ("article_ids", "outlets", "actors", "places", "countries", "aliases", "actor_ids",
              "claim_groups"),
    "event": ("actions", "claim_ids", "group_ids", "article_ids", "outlets", "actors", "places",
              "evidence"),
}  # fmt: skip
LINK_COLUMNS = ("type", "id", "position")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell a spreadsheet shows and never runs."""
    if isinstance(value, list | tuple | dict):  # only deeper than a CSV can link: kept whole
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def flatten(record: dict[str, Any], prefix: str = "") -> tuple[dict[str, Any], dict[str, list]]:
    """A record as flat cells: an object's fields become columns of their own ("statement.value"),
    a list becomes its item count, and the list itself is returned by its column name, for its
    linked CSV. Pandas' json_normalize names columns the same way."""
    cells: dict[str, Any] = {}
    lists: dict[str, list] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            inner, inner_lists = flatten(value, f"{name}.")
            cells.update(inner)
            lists.update(inner_lists)
        elif isinstance(value, list | tuple):
            cells[name] = len(value)
            lists[name] = list(value)
        else:
            cells[name] = value
    return cells, lists


def item_cells(kind: str, field: str, item: Any) -> dict[str, Any]:
    """One list item as the cells of its linked CSV's row."""
    if isinstance(item, dict):
        cells: dict[str, Any] = {}
        for key, value in item.items():  # an object in an item: columns; a list: kept whole
            if isinstance(value, dict):
                cells.update({f"{key}.{k}": v for k, v in flatten(value)[0].items()})
            else:
                cells[key] = value
        return cells
    if isinstance(item, list | tuple):
        names = ITEM_NAMES.get((kind, field), ())
        return {names[i] if i < len(names) else f"value.{i}": v for i, v in enumerate(item)}
    return {"value": item}


class _Table:
    """One CSV being written: rows are spooled to a temporary file while the columns are learnt
    (one pass over the store, whatever its size), then written with a fixed header."""

    def __init__(self, columns: Iterable[str] = ()) -> None:
        self.columns: dict[str, None] = dict.fromkeys(columns)
        # closed by write(), once the header is known
        self.rows = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.count = 0

    def add(self, cells: dict[str, Any]) -> None:
        # a column no record fills is left out ("published_evidence" where it is None: its
        # fields have their columns), unless the header names it from the start
        self.columns.update(dict.fromkeys(k for k, v in cells.items() if v is not None))
        self.rows.write(json.dumps(cells, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def write(self, path: Path) -> int:
        self.rows.seek(0)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(self.columns))
            writer.writeheader()
            for line in self.rows:
                row = json.loads(line)
                writer.writerow({k: csv_cell(row.get(k)) for k in self.columns})
        self.rows.close()
        return self.count


def csv_columns(kind: str) -> list[str]:
    """The header of a record type's CSV: its export fields, an object's by its known keys."""
    columns = []
    for name in record_fields(kind):
        keys = KNOWN_KEYS.get((kind, name))
        columns += [f"{name}.{k}" for k in keys] if keys else [name]
    return columns


def export_csv(store: Store, directory: Path) -> dict[str, int]:
    """One CSV file per record type in `directory` (article.csv, claim.csv, ...), flat: an
    object field is one column per key (`statement.value`), a list field holds its item count
    and its items go to a linked CSV named after the type and field (claim.evidence.csv: one
    row per item, `type` "claim.evidence", `id` the claim's id, `position` from 0, then the
    item's fields)."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind in RECORD_TYPES:
        main = _Table(csv_columns(kind))
        linked = {field: _Table(LINK_COLUMNS) for field in LIST_FIELDS.get(kind, ())}
        for record in records(store, kind):
            cells, lists = flatten(record)
            main.add(cells)
            for field, items in lists.items():
                table = linked.setdefault(field, _Table(LINK_COLUMNS))
                for position, item in enumerate(items):
                    table.add({"type": f"{kind}.{field}", "id": record["id"],
                               "position": position, **item_cells(kind, field, item)})  # fmt: skip
        path = directory / f"{kind}.csv"
        counts[str(path)] = main.write(path)
        for field in linked:
            path = directory / f"{kind}.{field}.csv"
            counts[str(path)] = linked[field].write(path)
    return counts


def geojson(store: Store) -> dict[str, Any]:
    """A FeatureCollection of every geocoded place mention, with its article's outlet, title
    and date so a GIS tool can filter by them. Peoples and nationalities ("Syrian") are no
    points: their records, with the country, are in the JSONL and CSV exports."""
    articles = {a["id"]: a for a in store.articles()}
    features = []
    for place in store.span_records("place"):
        if not on_the_map(place):
            continue
        article = articles.get(place["article_id"], {})
        properties = {k: v for k, v in place.items() if k not in ("lat", "lon")}
        properties.update(
            outlet=article.get("outlet"),
            title=article.get("title"),
            published=article.get("published"),
        )
        features.append(
            {
                "type": "Feature",
                "id": place["id"],
                "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                "properties": properties,
            }
        )
    # "generator" (a GeoJSON foreign member) tells a later `analyze` of the folder to skip it
    return {"type": "FeatureCollection", "generator": GENERATOR, "features": features}


def framing(store: Store) -> dict[str, Any]:
    """{"columns": outlets with their framing profiles, "rows": actors x outlets}."""
    return {"generator": GENERATOR} | naming_matrix(
        records(store, "label"),
        records(store, "article"),
        records(store, "entity"),
        records(store, "technique"),
    )


def export(store: Store, fmt: str, out: str | Path | None) -> str:
    """Run an export; return a line saying what was written where."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        if out is None or str(out) == "-":
            raise ValueError("CSV export writes one file per record type: give --out DIRECTORY")
        counts = export_csv(store, Path(out))
        main = {Path(p).stem: n for p, n in counts.items() if "." not in Path(p).stem}
        rows = ", ".join(f"{n} {kind}" for kind, n in main.items())
        return (f"{len(counts)} CSV files written to {out}: {rows}; each list field in its own "
                f"TYPE.FIELD.csv, linked by id")
    if out is None or str(out) == "-":
        return _write(store, fmt, sys.stdout) + " written to standard output"
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        return _write(store, fmt, handle) + f" written to {path}"


def _write(store: Store, fmt: str, handle: TextIO) -> str:
    if fmt == "jsonl":
        return f"{export_jsonl(store, handle)} records"
    if fmt == "framing":
        document = framing(store)
        json.dump(document, handle, ensure_ascii=False, indent=1, default=str)
        handle.write("\n")
        rows, columns = len(document["rows"]), len(document["columns"])
        return f"naming matrix of {rows} actors x {columns} outlets"
    collection = geojson(store)
    json.dump(collection, handle, ensure_ascii=False)
    handle.write("\n")
    return f"{len(collection['features'])} place features"
