"""The outlet manifest (`--outlets FILE`): the user's own word on which outlet published what.

Each row names an outlet for the articles it matches; `match` is a domain (`rt.com`: the
article's domain or URL host, subdomains included) or a path glob (`seeds/000_*.txt`,
`*/rt/*`: matched against the end of the article's source path). The first matching row wins,
and a match wins over every outlet found in the source itself.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

COLUMNS = ("match", "outlet", "country", "notes")
REQUIRED = ("match", "outlet")
DETAILS = ("country", "notes")
MAX_OUTLET_CHARS = 200
YAML_SUFFIXES = (".yaml", ".yml")
_GLOB_CHARS = re.compile(r"[*?\[/]")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
# `records.jsonl:3` and `feed.rss#2` are records of one file: globs name the file.
_RECORD_SUFFIX = re.compile(r"[:#]\d+$")


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class OutletEntry:
    match: str
    outlet: str
    country: str | None
    notes: str | None
    line: int
    domain: str | None  # what `match` names when it is a domain; a bare name is tried as both

    def matches(self, paths: list[str], hosts: list[str]) -> bool:
        domain = self.domain
        if domain and any(h == domain or h.endswith(f".{domain}") for h in hosts):
            return True
        return any(fnmatchcase(p, self.match) for p in paths)


@dataclass(frozen=True)
class OutletManifest:
    path: str
    entries: tuple[OutletEntry, ...]
    # each outlet's first row (every row of an outlet carries its country and notes)
    _first: dict[str, OutletEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first: dict[str, OutletEntry] = {}
        for e in self.entries:
            first.setdefault(e.outlet.casefold(), e)
        object.__setattr__(self, "_first", first)

    def outlets(self) -> list[tuple[str, str | None, str | None]]:
        """(name, country, notes) of each outlet the manifest names, as its first row spells it."""
        return [(e.outlet, e.country, e.notes) for e in self._first.values()]

    def details(self, outlet: str | None) -> tuple[str | None, str | None]:
        """(country, notes) of an outlet, however the article came to name it."""
        entry = self._first.get(outlet.casefold()) if outlet else None
        return (entry.country, entry.notes) if entry else (None, None)

    def find(self, source: str, hosts: Iterable[str | None]) -> OutletEntry | None:
        """The first row matching an article read from `source` whose domain or URL host is
        among `hosts`."""
        paths = _trailing_paths(source)
        known = [h.lower() for h in hosts if h]
        return next((e for e in self.entries if e.matches(paths, known)), None)


def _trailing_paths(source: str) -> list[str]:
    """`a/b/c.txt`, `b/c.txt`, `c.txt`: what a relative glob may match, archive members read as
    folders of their archive. An absolute glob meets the absolute path."""
    path = _RECORD_SUFFIX.sub("", source).replace("!/", "/")
    parts = [p for p in path.split("/") if p]
    trailing = ["/".join(parts[i:]) for i in range(len(parts))]
    return [*trailing, os.path.abspath(path)]


def read_manifest(path: str | Path) -> OutletManifest:
    """Read and check a CSV or YAML manifest; any problem is a ManifestError naming the line."""
    file = Path(path)
    if not file.is_file():
        raise ManifestError(f"{file}: no such outlet manifest")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ManifestError(f"{file}: cannot read the outlet manifest: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ManifestError(f"{file}, line {line}: not UTF-8 text; save it as UTF-8") from exc
    is_yaml = file.suffix.lower() in YAML_SUFFIXES
    entries = _check(file, _yaml_rows(file, text) if is_yaml else _csv_rows(file, text))
    if not entries:
        raise ManifestError(f"{file}: the outlet manifest has no rows")
    return OutletManifest(str(file), entries)


Row = tuple[int, dict[str, str]]  # (line, column → value)


def _csv_rows(file: Path, text: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        _check_columns(file, header, 1)
        for values in reader:
            if not values:
                continue  # a blank line between rows
            if len(values) > len(header):
                raise ManifestError(
                    f"{file}, line {reader.line_num}: {len(values)} values for "
                    f"{len(header)} columns"
                )
            yield reader.line_num, dict(zip(header, values, strict=False))
    except csv.Error as exc:
        raise ManifestError(f"{file}, line {reader.line_num}: not valid CSV: {exc}") from exc


def _yaml_rows(file: Path, text: str) -> Iterator[Row]:
    try:
        import yaml
    except ImportError as exc:
        raise ManifestError(
            f"{file}: reading a YAML manifest needs PyYAML (pip install pyyaml); "
            "or write the manifest as CSV"
        ) from exc
    try:
        # Nodes rather than loaded values: they carry their line, and a country `NO` stays the
        # text NO instead of becoming False.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot be parsed"
        raise ManifestError(f"{file}{where}: not valid YAML: {problem}") from exc
    if root is None:
        return
    if not isinstance(root, yaml.SequenceNode):
        raise ManifestError(
            f"{file}, line {_line(root)}: write the manifest as a list of rows, each with "
            "match: and outlet:"
        )
    for node in root.value:
        yield _line(node), _yaml_row(file, node)


def _yaml_row(file: Path, node: Any) -> dict[str, str]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise ManifestError(f"{file}, line {_line(node)}: a row must be match: ..., outlet: ...")
    row: dict[str, str] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            raise ManifestError(f"{file}, line {_line(key)}: a row's values must be text")
        row[str(key.value).strip().lower()] = str(value.value)
    _check_columns(file, list(row), _line(node), header=False)
    return row


def _line(node: Any) -> int:
    return node.start_mark.line + 1


def _check_columns(file: Path, columns: list[str], line: int, header: bool = True) -> None:
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ManifestError(
            f"{file}, line {line}: unknown column {unknown[0]!r} "
            f"(the columns are {', '.join(COLUMNS)})"
        )
    missing = [c for c in REQUIRED if c not in columns]
    if header and missing:
        raise ManifestError(
            f"{file}, line {line}: no {missing[0]!r} column "
            f"(the first line names the columns: {', '.join(COLUMNS)})"
        )


def _check(file: Path, rows: Iterable[Row]) -> tuple[OutletEntry, ...]:
    entries: list[OutletEntry] = []
    matched_on: dict[str, int] = {}
    said: Said = {}
    for line, row in rows:
        entry = _entry(file, line, row)
        if entry.match in matched_on:
            raise ManifestError(
                f"{file}, line {line}: {entry.match!r} is already matched on line "
                f"{matched_on[entry.match]}"
            )
        matched_on[entry.match] = line
        _note_details(file, entry, said)
        entries.append(entry)
    return tuple(_with_details(e, said) for e in entries)


def _entry(file: Path, line: int, row: dict[str, str]) -> OutletEntry:
    # A glob keeps its spaces as written; names and notes are read as words.
    values = {k: v.strip() if k == "match" else " ".join(v.split()) for k, v in row.items()}
    if not any(values.values()):
        raise ManifestError(f"{file}, line {line}: empty row")
    for column in REQUIRED:
        if not values.get(column):
            raise ManifestError(f"{file}, line {line}: no {column}")
    if len(values["outlet"]) > MAX_OUTLET_CHARS:
        raise ManifestError(
            f"{file}, line {line}: an outlet name of over {MAX_OUTLET_CHARS} characters"
        )
    return OutletEntry(
        match=values["match"],
        outlet=values["outlet"],
        country=values.get("country") or None,
        notes=values.get("notes") or None,
        line=line,
        domain=_domain(values["match"]),
    )


def _domain(match: str) -> str | None:
    """The domain a `match` names, or None when it is only a path glob."""
    if _GLOB_CHARS.search(match):
        return None
    host = match.lower().removeprefix("www.")
    return host if _HOST.fullmatch(host) else None


Said = dict[tuple[str, str], tuple[str, int]]  # (outlet, country|notes) → (value, line)


def _note_details(file: Path, entry: OutletEntry, said: Said) -> None:
    """One outlet has one country and one note, whichever rows name it: another row may leave
    them empty, not say otherwise."""
    for column in DETAILS:
        value = getattr(entry, column)
        if not value:
            continue
        first, line = said.setdefault((entry.outlet.casefold(), column), (value, entry.line))
        if first != value:
            raise ManifestError(
                f"{file}, line {entry.line}: {entry.outlet!r} has {column} {value!r} here and "
                f"{first!r} on line {line}"
            )


def _with_details(entry: OutletEntry, said: Said) -> OutletEntry:
    """The row with its outlet's country and notes, from whichever row gives them: an article
    matched by a bare row still tells where its outlet is from."""
    key = entry.outlet.casefold()
    found = {c: said[(key, c)][0] for c in DETAILS if (key, c) in said}
    return replace(entry, **found)
