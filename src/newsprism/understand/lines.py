"""An article's lines (its paragraphs, one a line after cleaning), by character offsets."""

from __future__ import annotations


def lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line that is not blank."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def line_around(text: str, start: int, end: int) -> str:
    """The line holding characters start..end (from the line before `start` to the next
    line break at or after `end`)."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]
