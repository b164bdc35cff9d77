"""JSON Lines, JSON and CSV files: one article per record, fields mapped by name."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsprism.articles import Document, IngestError

csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class FieldMap:
    """Which record fields hold what. The first field present and non-empty wins; a user maps
    their own names with `--field text=body`."""

    text: tuple[str, ...] = ("text", "body", "content", "maintext", "article", "full_text")
    title: tuple[str, ...] = ("title", "headline")
    url: tuple[str, ...] = ("url", "link", "canonical_url")
    published: tuple[str, ...] = (
        "published", "date", "published_at", "publish_date", "date_publish", "pubdate", "datetime",
    )  # fmt: skip
    outlet: tuple[str, ...] = ("outlet", "source", "site_name", "sitename", "publisher", "site")
    extra: dict[str, str] = field(default_factory=dict)
    # what the user mapped with --field (field -> column): a file without that column is an
    # error, not read with the default names behind the user's back
    chosen: dict[str, str] = field(default_factory=dict)

    def with_overrides(self, overrides: dict[str, str]) -> FieldMap:
        known = {"text", "title", "url", "published", "outlet"}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(
                f"unknown field(s) {', '.join(sorted(unknown))}: "
                f"map one of {', '.join(sorted(known))}"
            )
        # The user's name first, without repeating it if it is already a default one.
        values = {
            k: (v, *(name for name in getattr(self, k) if name != v)) for k, v in overrides.items()
        }
        return FieldMap(**{**{k: getattr(self, k) for k in known}, **values}, chosen=overrides)

    def missing(self, columns: Iterable[str]) -> str | None:
        """Why a file whose records have these columns cannot be read as the user mapped it."""
        present = {str(c).lower() for c in columns}
        absent = [(k, v) for k, v in self.chosen.items() if v.lower() not in present]
        if not absent:
            return None
        given = ", ".join(f"--field {k}={v}" for k, v in absent)
        shown = ", ".join(sorted(map(str, columns))[:12]) or "none"
        return f"no column named as {given} asks (its columns: {shown}); not read"


def _first(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in names:
        value = lowered.get(name.lower())
        if isinstance(value, dict):  # {"source": {"name": "X"}} as news APIs give it
            value = value.get("name") or value.get("title")
        if value is not None and str(value).strip():
            return str(value)
    return None


def record_to_document(
    record: Any, source: str, fmt: str, fields: FieldMap, line: int | None
) -> Document | IngestError:
    if not isinstance(record, dict):
        return IngestError(source, f"record is a {type(record).__name__}, not an object", line)
    text = _first(record, fields.text)
    if text is None:
        return IngestError(
            source,
            f"record has no text field (looked for {', '.join(fields.text)}; "
            "map yours with --field text=NAME)",
            line,
        )
    return Document(
        source=source,
        text=text,
        title=_first(record, fields.title),
        url=_first(record, fields.url),
        published=_first(record, fields.published),
        outlet=_first(record, fields.outlet),
        fmt=fmt,
        line=line,
    )


def _loads(text: str) -> Any:
    """json.loads, with absurd nesting reported as invalid JSON rather than crashing the run."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def read_jsonl(name: str, text: str, fields: FieldMap) -> Iterator[Document | IngestError]:
    # Split on "\n" only, as JSON Lines does: str.splitlines() also breaks at U+2028, U+2029
    # and U+0085, which JSON strings may hold unescaped, cutting a good record in two.
    checked = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = _loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(name, f"invalid JSON: {exc.msg} at column {exc.colno}", number)
            continue
        if not checked and isinstance(record, dict):
            checked = True
            why = fields.missing(record)
            if why:
                yield IngestError(name, why, number, retry=True)
                return
        yield record_to_document(record, f"{name}:{number}", "jsonl", fields, number)


def read_json(name: str, text: str, fields: FieldMap) -> Iterator[Document | IngestError]:
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        yield IngestError(name, f"invalid JSON: {exc.msg} at line {exc.lineno}", exc.lineno)
        return
    if isinstance(data, dict):
        for key in ("articles", "items", "data", "records", "results"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            why = fields.missing(data)
            yield IngestError(name, why, retry=True) if why else record_to_document(
                data, name, "json", fields, None
            )
            return
    if not isinstance(data, list):
        yield IngestError(name, "JSON holds neither an article object nor a list of them")
        return
    if not data:
        # said, not silent: a file that reads into nothing must still leave a record of why
        yield IngestError(name, "JSON holds an empty list: no articles")
        return
    first = next((r for r in data if isinstance(r, dict)), None)
    why = fields.missing(first) if first is not None else None
    if why:
        yield IngestError(name, why, retry=True)
        return
    for index, record in enumerate(data, start=1):
        yield record_to_document(record, f"{name}#{index}", "json", fields, None)


def read_csv(name: str, text: str, fields: FieldMap) -> Iterator[Document | IngestError]:
    dialect = csv.excel_tab if name.lower().endswith(".tsv") else csv.excel
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = dialect.delimiter
    # Only the delimiter is sniffed; quoting stays RFC 4180 (excel). The sniffer guesses
    # doublequote=False for ordinary files whose quoted fields hold "" or line breaks, which
    # cuts an article body at its first quotation mark and shifts the remaining columns.
    rows = csv.reader(io.StringIO(text, newline=""), dialect=dialect, delimiter=delimiter)
    try:
        header = next(rows, [])
    except csv.Error as exc:
        yield IngestError(name, f"broken CSV header: {exc}", 1)
        return
    if not header:
        yield IngestError(name, "CSV file has no header row")
        return
    why = fields.missing(header)
    if why:
        yield IngestError(name, why, 1, retry=True)
        return
    records = 0
    while True:
        # A record is named by the line it starts on: a quoted field may span several lines,
        # and reader.line_num is where the record ends.
        start = rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            if not records:  # a header alone: say so rather than read into nothing
                yield IngestError(name, "CSV file has a header row but no records", 1)
            return
        except csv.Error as exc:
            records += 1
            yield IngestError(name, f"broken CSV row: {exc}", start)
            continue
        if not cells:  # a blank line
            continue
        records += 1
        row = dict(zip(header, cells, strict=False))  # extra cells beyond the header are dropped
        yield record_to_document(row, f"{name}:{start}", "csv", fields, start)
