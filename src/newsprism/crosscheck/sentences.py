"""Clauses of a sentence: the clause that holds one figure and none of the others (sentences
themselves come from understand/sentences.py)."""

from __future__ import annotations

import re

# Clause breaks used only to share one sentence between several quantities.
# A denial coordinated with an assertion ("said 12 died and rejected reports of 19 deaths")
# is its own clause even without a comma: the denial must not reach the asserted figure.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|:|\s[–—-]\s|,\s*(?=(?:but|while|whereas|although|coinciding|after|as|which|"
    r"and|days|weeks|when)\b)|\s(?:and|but)\s+(?=(?:den(?:y|ies|ied)|reject|dismiss|refut|"
    r"rebut|disput)\w*\b))\s*"
)


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

