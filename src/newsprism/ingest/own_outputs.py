"""Recognise the files newsprism itself wrote — reports, exports, stores — so that a run over a
folder that holds them does not read them back as articles.

Without this, `analyze . --report report.html` run twice in one folder read the first report as
an article, and each later run added its own report's numbers and names to the corpus. The
writers in `show/` mark what they write with `GENERATOR`; files written before the mark (and
exports whose format leaves no room for one) are recognised by their shape.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

GENERATOR = "newsprism"  # <meta name="generator">, and the GeoJSON/framing "generator" member
HEAD_BYTES = 8192
# The record types of the export contract (../shared/DESIGN.md, show/export_records.py), as the
# first field of a JSONL line or a CSV file named after its type.
RECORD_TYPES = frozenset(
    "article mention entity place timeref quantity attribution claim label technique story "
    "event error action".split()
)
SQLITE_MAGIC = b"SQLite format 3\x00"
# A store's own tables: another application's SQLite file is not skipped but refused as binary.
STORE_TABLES = frozenset({"span_record", "understood", "article"})
WRITER_LOCK_SUFFIX = "-lock"  # the file an analyze run locks beside its SQLite store
SQLITE_SIDECARS = ("-wal", "-shm", "-journal", WRITER_LOCK_SUFFIX)

_REPORT = re.compile(
    rb'<meta name="generator" content="newsprism"'
    rb"|<title>newsprism report \xe2\x80\x94 \d+ articles</title>"  # before the mark: em dash
)
_JSONL_RECORD = re.compile(rb'\{"type": "(?P<type>[a-z]+)", "id": "')
_JSON_GENERATOR = re.compile(rb'^\s*\{\s*"type": "FeatureCollection", "generator": "newsprism|'
                             rb'^\s*\{\s*"generator": "newsprism')  # fmt: skip
_LEGACY_GEOJSON = re.compile(rb'^\s*\{"type": "FeatureCollection", "features": \[\{"type": '
                             rb'"Feature", "id": "[0-9a-f]+", "geometry"')  # fmt: skip
_LEGACY_FRAMING = re.compile(rb'^\{\n "columns": \[')


def own_output_kind(path: Path) -> str | None:
    """What newsprism output `path` is ("report", "jsonl export", "store"...), or None for
    anything else (and for a file that cannot be read: its reader reports that)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    if head.startswith(SQLITE_MAGIC):
        return "store" if is_store(path) else None
    for suffix in SQLITE_SIDECARS:
        if path.name.endswith(suffix) and is_store(path.with_name(path.name[: -len(suffix)])):
            return "store"
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm") and _REPORT.search(head):
        return "report"
    if _JSON_GENERATOR.search(head) or _LEGACY_GEOJSON.search(head):
        return "geojson export" if b"FeatureCollection" in head[:64] else "framing export"
    if suffix == ".json" and _LEGACY_FRAMING.search(head) and b'"rows"' in head:
        return "framing export"
    if suffix in (".jsonl", ".ndjson", ".json"):
        match = _JSONL_RECORD.match(head)
        if match and match["type"].decode() in RECORD_TYPES:
            return "jsonl export"
    # "claim.csv", and the list items of its records in "claim.evidence.csv"
    record_type = path.stem.split(".")[0]
    if suffix == ".csv" and record_type in RECORD_TYPES and head.startswith(b"type,id,"):
        return "csv export"
    return None


def is_store(path: Path) -> bool:
    """Whether `path` is a newsprism SQLite store (opened read-only: never changed)."""
    try:
        tables = sqlite_tables(path)
    except (OSError, sqlite3.Error):
        return False
    return tables is not None and tables >= STORE_TABLES


def sqlite_tables(path: Path) -> frozenset[str] | None:
    """The tables of a SQLite file, read without changing it (another application's database
    must stay as it was); None when `path` is no SQLite file. OSError or sqlite3.Error when it
    cannot be read."""
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            return None
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return frozenset(r[0] for r in connection.execute("SELECT name FROM sqlite_master"))
    finally:
        connection.close()
