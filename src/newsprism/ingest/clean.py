"""Cleaning: from the text as read to the article body, keeping every offset back to the raw text
and every removed piece with its reason.

Line-based on purpose: boilerplate, repeated headlines and datelines are whole lines or line
prefixes in copied news pages, and a line is the unit a reader recognises when shown what was
removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from newsprism.articles import Removal
from newsprism.ingest.boilerplate import is_boilerplate, product_widget_end, widget_block_end
from newsprism.ingest.decode import NUL_MARK

# Zero-width characters and soft hyphens split words invisibly; drop them.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad" + NUL_MARK)
# What the slow path must look at: whitespace and anything outside printable ASCII.
_SPECIAL = re.compile(r"[^\x21-\x7e]")
# A line without these (and already NFKC) is kept exactly as it is.
_NEEDS_SLOW_PATH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad\u2400]|\s\s|[^\S ]")

_DATELINE_PLACE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})"  # DAMASCUS, NEW YORK, AL-HASAKAH
    r"(?:, (?P<region>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2}))?"  # , Syria
    r"(?:,? (?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    r" \d{1,2}(?:,? \d{4})?))?"
    r"(?: ?\((?P<agency>[A-Za-z][A-Za-z .&-]{0,30})\) ?| )[–—-]{1,2} "
)
# An outlet's own tag glued to a dash ("Alwaght- ", "IRNA- "), as Iranian and other state
# outlets open their stories.
_DATELINE_OUTLET = re.compile(r"(?P<outlet>[A-Z][A-Za-z0-9]+(?:[ .][A-Z][A-Za-z0-9]+){0,2})[-–—] ")
_NUL_RUN = re.compile(NUL_MARK + "+")
_HEADLINE_END_BAD = (".", ",", ";", ":")


@dataclass
class Cleaned:
    text: str
    offsets: list[tuple[int, int, int]]
    removed: list[Removal] = field(default_factory=list)
    title: str | None = None
    title_source: str | None = None
    dateline_place: str | None = None
    dateline_outlet: str | None = None
    dateline_agency: str | None = None


def fold_for_compare(text: str) -> str:
    """Letters and digits only: copies of a headline differ in quotes, dashes and case."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def normalize_title(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", title).split())


def looks_like_headline(line: str, repeated: bool) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 30 or len(line) > 250:
        return False
    if repeated:
        return True
    if line.endswith(_HEADLINE_END_BAD) and not line.endswith("..."):
        return False
    return not (_DATELINE_PLACE.match(line) or _DATELINE_OUTLET.match(line))


def _split_lines(raw: str) -> list[tuple[int, str]]:
    lines = []
    start = 0
    for line in raw.split("\n"):
        lines.append((start, line))
        start += len(line) + 1
    return lines


def normalize_span(raw: str, start: int, end: int, out_start: int) -> tuple[str, list[list[int]]]:
    """NFKC, invisible characters dropped, whitespace collapsed and stripped; returns the text
    and runs [clean_start, raw_start, length] mapping it back to `raw`."""
    segment = raw[start:end]
    stripped = segment.strip()
    if (
        stripped
        and not _NEEDS_SLOW_PATH.search(stripped)
        and (stripped.isascii() or unicodedata.is_normalized("NFKC", stripped))
    ):
        offset = start + segment.index(stripped[0])
        return stripped, [[out_start, offset, len(stripped)]]
    out: list[str] = []
    runs: list[list[int]] = []
    length = 0  # characters emitted so far
    pending_space = False
    i = start
    while i < end:
        special = _SPECIAL.search(raw, i, end)
        stop = special.start() if special else end
        if stop > i:  # printable ASCII: copied as it is, one linear run
            if pending_space:
                out.append(" ")
                _extend(runs, out_start + length, i - 1, 1)
                length += 1
                pending_space = False
            out.append(raw[i:stop])
            _extend(runs, out_start + length, i, stop - i)
            length += stop - i
            i = stop
            if special is None:
                break
        j = i + 1
        while j < end and unicodedata.combining(raw[j]):
            j += 1
        cluster = raw[i:j]
        piece = "" if cluster[0] in _INVISIBLE else unicodedata.normalize("NFKC", cluster)
        if not piece or piece.isspace():
            pending_space = pending_space or (bool(out) and piece != "")
            i = j
            continue
        if pending_space:
            out.append(" ")
            _extend(runs, out_start + length, i - 1, 1)
            length += 1
            pending_space = False
        out.append(piece)
        if len(piece) == len(cluster):
            _extend(runs, out_start + length, i, len(piece))
        else:
            for k in range(len(piece)):
                _extend(runs, out_start + length + k, i, 1, linear=False)
        length += len(piece)
        i = j
    return "".join(out), runs


def _extend(runs: list[list[int]], clean: int, raw: int, length: int, linear: bool = True) -> None:
    # A run from an expansion (one raw "ﬁ" → clean "fi") carries a 4th element so that no later
    # run merges into it: its characters do not map linearly.
    if linear and runs:
        last = runs[-1]
        if len(last) == 3 and last[0] + last[2] == clean and last[1] + last[2] == raw:
            last[2] += length
            return
    runs.append([clean, raw, length] if linear else [clean, raw, length, 0])


def clean_text(raw: str, title: str | None = None) -> Cleaned:
    """Clean `raw` (newlines already \\n). `title` is the metadata title when there is one."""
    lines = _split_lines(raw)
    content = [(s, line) for s, line in lines if line.strip()]
    result = Cleaned(text="", offsets=[])
    if NUL_MARK in raw:
        result.removed += [
            Removal(m.start(), m.end(), m.group(), "nul-bytes") for m in _NUL_RUN.finditer(raw)
        ]
    folded_lines = [fold_for_compare(line) for _, line in content]

    if title and title.strip():
        result.title, result.title_source = normalize_title(title), "metadata"
    elif content:
        first = content[0][1].strip()
        repeated = folded_lines[0] in folded_lines[1:4]
        if looks_like_headline(first, repeated):
            result.title, result.title_source = normalize_title(first), "headline"
    title_key = fold_for_compare(result.title) if result.title else None

    widgets = _widget_lines(content)
    kept: list[tuple[int, int]] = []  # (raw_start, raw_end) of body lines, in order
    breaks: set[int] = set()  # indexes in `kept` that start a new paragraph
    blank_before = False
    title_seen = False
    for start, line in lines:
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        lead = len(line) - len(line.lstrip())
        span = (start + lead, start + lead + len(stripped))
        if title_key and fold_for_compare(stripped) == title_key:
            first_copy = result.title_source == "headline" and not title_seen
            result.removed.append(
                Removal(*span, stripped, "title" if first_copy else "repeated-title")
            )
            title_seen = True
            blank_before = True
            continue
        widget = product_widget_end(stripped)
        if widget:
            result.removed.append(
                Removal(span[0], span[0] + widget, stripped[:widget], "boilerplate")
            )
            rest = stripped[widget:]
            stripped = rest.strip()
            span = (span[1] - len(rest.lstrip()), span[1])
        if not stripped or start in widgets or is_boilerplate(stripped):
            if stripped:
                result.removed.append(Removal(*span, stripped, "boilerplate"))
            blank_before = True
            continue
        if not kept:
            span = _take_dateline(raw, span, result)
            if span is None:
                continue
        if blank_before and kept:
            breaks.add(len(kept))
        kept.append(span)
        blank_before = False

    parts: list[str] = []
    offsets: list[list[int]] = []
    length = 0
    for index, (start, end) in enumerate(kept):
        if index:
            sep = "\n\n" if index in breaks else "\n"
            parts.append(sep)
            length += len(sep)
        text, runs = normalize_span(raw, start, end, length)
        parts.append(text)
        offsets.extend(runs)
        length += len(text)
    result.text = "".join(parts)
    result.offsets = [(r[0], r[1], r[2]) for r in offsets]
    return result


def _widget_lines(content: list[tuple[int, str]]) -> set[int]:
    """The raw starts of the lines that are part of a widget block (a poll box)."""
    texts = [line.strip() for _, line in content]
    found: set[int] = set()
    i = 0
    while i < len(texts):
        last = widget_block_end(texts, i)
        if last >= 0:
            found.update(start for start, _ in content[i : last + 1])
            i = last + 1
        else:
            i += 1
    return found


def dateline_place_match(text: str, pos: int = 0) -> re.Match[str] | None:
    """The dateline at `pos` ("DAMASCUS, Oct 13 (Reuters) - "), where its place has three
    capitals at least ("US - " opens no dateline)."""
    match = _DATELINE_PLACE.match(text, pos)
    return match if match and len(re.sub(r"[^A-Z]", "", match["place"])) >= 3 else None


def _take_dateline(raw: str, span: tuple[int, int], result: Cleaned) -> tuple[int, int] | None:
    """Split a dateline prefix off the first body line; None if nothing is left of the line."""
    start, end = span
    line = raw[start:end]
    match = dateline_place_match(line)
    if match:
        result.dateline_place = match["place"].strip()
        result.dateline_agency = match["agency"]
    else:
        match = _DATELINE_OUTLET.match(line)
        if not match:
            return span
        result.dateline_outlet = match["outlet"]
    cut = start + match.end()
    result.removed.append(Removal(start, cut, raw[start:cut], "dateline"))
    return (cut, end) if cut < end else None
