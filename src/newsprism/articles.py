"""The records that flow through the pipeline.

Ingest produces `Document`s (what a reader found in one source) and `IngestError`s; cleaning
turns a Document into an `Article`. Every derived piece keeps character offsets so a user can
click through to the evidence.
"""

from __future__ import annotations

import errno
import hashlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import accumulate
from typing import Any, Generic, TypeVar

S = TypeVar("S")


@dataclass
class Document:
    """One article as a reader found it, before cleaning."""

    source: str  # path, path:line (JSONL/CSV), path#n (feed entry), archive!/member
    text: str  # the article text as read (for HTML: the extracted main text)
    title: str | None = None
    url: str | None = None
    published: str | None = None  # as found in metadata, unparsed
    outlet: str | None = None  # as found in metadata
    domain: str | None = None
    fmt: str = "text"  # text, html, jsonl, json, csv, rss, atom
    line: int | None = None  # line of the record in a JSONL/CSV file


@dataclass
class IngestError:
    source: str
    reason: str
    line: int | None = None
    # the run's options, not the file, made it fail (a --field naming a missing column): the
    # file is read again by the next run instead of being skipped as read to the end
    retry: bool = field(default=False, compare=False)

    @property
    def id(self) -> str:
        key = f"{self.source}\x00{self.line}\x00{self.reason}"
        return hashlib.sha256(key.encode()).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("retry")
        return {"type": "error", "id": self.id, **record}


# Failures of the machine, not of one input: a full disk (or a full /tmp, where libraries
# unpack their models), a file-size limit, a disk quota, a read-only file system. On them a run
# stops and says so: recorded as one input's error, each would mark every later file as read
# to the end, and the next run would skip them all.
MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS})


class MachineError(RuntimeError):
    """The machine, not an input, failed (see MACHINE_ERRNOS): the run stops; what was stored
    before is kept."""


def raise_if_machine_failure(exc: BaseException) -> None:
    """Raise MachineError when `exc`, or an error that led to it, is a failure of the machine:
    an isolation boundary that turns errors into records calls this first."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MachineError):
            raise seen
        if isinstance(seen, OSError) and seen.errno in MACHINE_ERRNOS:
            where = f" writing {seen.filename}" if seen.filename else ""
            raise MachineError(
                f"{seen.strerror or seen}{where}: free space (or lift the limit) and run the "
                "same command again; what was stored before is kept"
            ) from exc
        seen = seen.__cause__ or seen.__context__


@dataclass
class Removal:
    """A piece of the raw text that cleaning took out, kept so nothing is silently lost."""

    start: int  # offsets in Article.raw
    end: int
    text: str
    reason: str  # repeated-title, boilerplate, dateline, empty


@dataclass
class Article:
    id: str  # hash of the normalized text: the identity behind "re-ingesting is a no-op"
    source: str
    text: str  # cleaned text
    raw: str  # text as read, before cleaning
    offsets: list[tuple[int, int, int]]  # runs (clean_start, raw_start, length) mapping text→raw
    title: str | None = None
    title_source: str | None = None  # metadata / headline
    outlet: str | None = None
    outlet_source: str | None = None  # manifest / metadata / domain / filename / dateline / cli
    outlet_country: str | None = None  # from the outlet manifest only
    outlet_notes: str | None = None
    domain: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date or datetime
    published_precision: str | None = None  # day / month / year / second
    published_source: str | None = None  # metadata / filename / inferred
    language: str | None = None
    language_score: float | None = None
    dateline_place: str | None = None
    removed: list[Removal] = field(default_factory=list)
    fmt: str = "text"
    minhash: bytes | None = None  # MinHash signature (uint64 little-endian), for near-dup search
    duplicate_of: str | None = None  # first stored article of its near-duplicate group
    duplicate_similarity: float | None = None  # estimated Jaccard similarity to it
    word_count: int = 0

    def raw_offset(self, clean_offset: int) -> int:
        """Map an offset in the cleaned text back to the raw text."""
        best = None
        for clean_start, raw_start, length in self.offsets:
            if clean_start <= clean_offset <= clean_start + length:
                return raw_start + (clean_offset - clean_start)
            if clean_start <= clean_offset:
                best = (clean_start, raw_start, length)
        if best is None:
            return 0
        return best[1] + best[2]


def iso_day(value: str | None) -> date | None:
    """The calendar day an ISO date or timestamp ("2019-10-13T08:00:00+03:00") starts with."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def own_published_day(record: Mapping[str, Any]) -> date | None:
    """The day an article says it was published: None where it gives none, and where the date
    is one newsprism inferred from its text (`published_source` "inferred"), a guess that must
    not date what the article tells."""
    if record.get("published_source") == "inferred":
        return None
    return iso_day(record.get("published"))


class InTextOrder:
    """One article's span records in text order, found by where they start. A long article's
    later stages ask, for each claim, which records lie in its span: a scan of every record
    each time grows with the square of the article's length (a 4 MB article's timeline)."""

    def __init__(self, records: Iterable[Mapping[str, Any]] = ()) -> None:
        # a stable sort: records that start together keep the order they were given in
        self.records: list[Mapping[str, Any]] = sorted(records, key=lambda r: r["start"])
        self._starts = [r["start"] for r in self.records]

    def starting_in(self, start: int, end: int) -> list[Mapping[str, Any]]:
        """The records that start in [start, end), in text order."""
        return self.records[bisect_left(self._starts, start) : bisect_left(self._starts, end)]

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


class Overlapping(Generic[S]):
    """Spans (anything with .start and .end offsets) found by the range they overlap: bisection
    over their starts and the furthest end reached so far, not a look at every span for each
    query (quadratic in a long or hostile article: 6,000 reported clauses against 6,000
    quotes)."""

    def __init__(self, spans: Iterable[S]) -> None:
        self.spans: list[S] = sorted(spans, key=lambda s: s.start)  # type: ignore[attr-defined]
        self._starts = [s.start for s in self.spans]  # type: ignore[attr-defined]
        self._reach = list(accumulate((s.end for s in self.spans), max))  # type: ignore[attr-defined]

    def overlapping(self, start: int, end: int) -> list[S]:
        """The spans that share a character with [start, end), in text order."""
        found = []
        i = bisect_left(self._starts, end)
        while i > 0 and self._reach[i - 1] > start:
            i -= 1
            if self.spans[i].end > start:  # type: ignore[attr-defined]
                found.append(self.spans[i])
        return found[::-1]
