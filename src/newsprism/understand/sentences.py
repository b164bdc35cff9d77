"""Where each sentence of a text is, without a parse: for text spaCy has not read (claims and
their sentences are cut from stored text). Abbreviations and a month's abbreviation before a
day end no sentence."""

from __future__ import annotations

import re

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
_SENTENCE_END = re.compile(
    _ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z])|"
    + _ABBREV + _MONTH_ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[0-9])|\n\s*"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        _append_trimmed(spans, text, start, end)
        start = match.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
