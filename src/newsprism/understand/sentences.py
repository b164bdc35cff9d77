"""Where each sentence of a text is, without a parse: for text spaCy has not read (claims and
their sentences are cut from stored text). Abbreviations and a month's abbreviation before a
day end no sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from newsprism.understand.lexicon import ABBREVIATED_TITLES

# An initial ("George W. Bush"), an abbreviated title ("Gen.", "Sen.") or "St.", "No." before a
# full stop ends no sentence.
_ABBREV = r"(?<!\b[A-Z])" + "".join(
    rf"(?<!\b{w.capitalize()})" for w in sorted(ABBREVIATED_TITLES | {"st", "no"})
)
# "on Aug. 7, killed 247 people": a month's abbreviation before a day ends no sentence
_MONTH_ABBREV = "".join(
    rf"(?<!\b{m})" for m in "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
# Each alternative looks ahead for the stop before its look-behinds, which were otherwise tried
# at every character (3.2 ms an article, 0.16 with the look-ahead: benchmarks/text_scans.py).
_STOP = r"(?=[.!?])"
_SENTENCE_END = re.compile(
    _STOP + _ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z])|"
    + _STOP + _ABBREV + _MONTH_ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[0-9])|\n\s*"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return list(iter_sentence_spans(text))


def first_sentence_spans(text: str, count: int) -> list[tuple[int, int]]:
    """The first `count` sentences, without splitting the rest of the text: a story's lead and
    headline need three or one of an article's."""
    return list(islice(iter_sentence_spans(text), count))


def iter_sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        if (span := _trimmed(text, start, end)) is not None:
            yield span
        start = match.end()
    if (span := _trimmed(text, start, len(text))) is not None:
        yield span


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
