"""Sentences and clauses of an article's text: where each sentence is (abbreviations and a
month's abbreviation before a day end none), and the clause of a sentence that holds one figure
and none of the others."""

from __future__ import annotations

import re

_ABBREV = r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bGen)(?<!\bSt)(?<!\bNo)"
# "on Aug. 7, killed 247 people": a month's abbreviation before a day ends no sentence
_MONTH_ABBREV = "".join(
    rf"(?<!\b{m})" for m in "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_SENTENCE_END = re.compile(
    _ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z])|"
    + _ABBREV + _MONTH_ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[0-9])|\n\s*"
)
# Clause breaks used only to share one sentence between several quantities.
# A denial coordinated with an assertion ("said 12 died and rejected reports of 19 deaths")
# is its own clause even without a comma: the denial must not reach the asserted figure.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|:|\s[–—-]\s|,\s*(?=(?:but|while|whereas|although|coinciding|after|as|which|"
    r"and|days|weeks|when)\b)|\s(?:and|but)\s+(?=(?:den(?:y|ies|ied)|reject|dismiss|refut|"
    r"rebut|disput)\w*\b))\s*"
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


def clause_for(
    text: str, sentence: tuple[int, int], target: tuple[int, int], others: list[tuple[int, int]]
) -> tuple[int, int]:
    """The part of `sentence` that holds `target` and none of `others` (other quantities of
    the same sentence), cut at clause breaks; the whole sentence when it holds one."""
    s_start, s_end = sentence
    inside = [
        o for o in others if s_start <= o[0] < s_end and o != target and not overlaps(o, target)
    ]
    if not inside:
        return sentence
    start, end = s_start, s_end
    for match in _CLAUSE_BREAK.finditer(text, s_start, s_end):
        b_start, b_end = match.start(), match.end()
        if b_end <= target[0] and any(o[1] <= b_start for o in inside):
            start = max(start, b_end)
        if b_start >= target[1] and any(o[0] >= b_end for o in inside):
            end = min(end, b_start)
    return start, end


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]

