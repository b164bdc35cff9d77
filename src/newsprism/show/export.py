"""Exports other tools read: JSON Lines (every record, one a line), CSV (one file per record
type), GeoJSON (the places, one point feature per place mention) and the framing document (the
naming matrix with each outlet's framing profile, as `Corpus.naming_matrix()` gives it)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from newsprism.ingest.own_outputs import GENERATOR
from newsprism.show.export_records import RECORD_TYPES, record_fields, records
from newsprism.show.framing import naming_matrix
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


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(store: Store, directory: Path) -> dict[str, int]:
    """One CSV file per record type in `directory` (article.csv, place.csv, ...); nested fields
    as JSON cells."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind in RECORD_TYPES:
        path = directory / f"{kind}.csv"
        columns = record_fields(kind)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            n = 0
            for record in records(store, kind):
                writer.writerow({k: _cell(record.get(k)) for k in columns})
                n += 1
        counts[str(path)] = n
    return counts


def geojson(store: Store) -> dict[str, Any]:
    """A FeatureCollection of every geocoded place mention, with its article's outlet, title
    and date so a GIS tool can filter by them."""
    articles = {a["id"]: a for a in store.articles()}
    features = []
    for place in store.span_records("place"):
        if place.get("lat") is None or place.get("lon") is None:
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
        return ", ".join(f"{n} rows to {p}" for p, n in counts.items())
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
