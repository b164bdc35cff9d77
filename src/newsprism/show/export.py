"""Exports other tools read: JSON Lines (every record, one a line) and CSV (one file per type)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from newsprism.show.records import ARTICLE_FIELDS, ERROR_FIELDS, article_records, error_records
from newsprism.store import Store

FORMATS = ("jsonl", "csv")


def export_jsonl(store: Store, out: TextIO) -> int:
    count = 0
    for records in (article_records(store), error_records(store)):
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def export_csv(store: Store, directory: Path) -> dict[str, int]:
    """Writes article.csv and error.csv into `directory`; nested fields as JSON cells."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, fields, records in (
        ("article", ARTICLE_FIELDS, article_records(store)),
        ("error", ERROR_FIELDS, error_records(store)),
    ):
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            n = 0
            for record in records:
                writer.writerow({k: _cell(v) for k, v in record.items()})
                n += 1
        counts[str(path)] = n
    return counts


def export(store: Store, fmt: str, out: str | Path | None) -> str:
    """Run an export; return a line saying what was written where."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        if out is None or str(out) == "-":
            n = export_jsonl(store, sys.stdout)
            return f"{n} records written to standard output"
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            n = export_jsonl(store, handle)
        return f"{n} records written to {path}"
    if out is None or str(out) == "-":
        raise ValueError("CSV export writes one file per record type: give --out DIRECTORY")
    counts = export_csv(store, Path(out))
    return ", ".join(f"{n} rows to {p}" for p, n in counts.items())
