"""Which way the verb next to a time expression points: past, future or unsaid.

Read from the plain text (`find_times` gets no parse): the nearest verb cue in the same
clause, from a short list of future markers and a past-tense pattern (irregular past forms
and "-ed" words). Also used by publication-date inference.
"""

from __future__ import annotations

import re

from newsprism.understand.timex.lexicon import rx

BOUNDARY = rx(r"[.!?][\"'\u201d)\]]*\s+(?=[A-Z\"'\u201c])|\n", 0)
_CUE = rx(
    r"(?P<fut>\bwill\b|\bwon't\b|\bshall\b|'ll\b|\bgoing\s+to\b|\bplan(?:s|ned|ning)?\s+to\b"
    r"|\bscheduled\b|\bexpect(?:s|ed)?\s+to\b|\b(?:is|are)\s+(?:due\s+)?to\b|\bset\s+to\b"
    r"|\bintends?\s+to\b|\bupcoming\b|\bhopes?\s+to\b|\bwould\b(?!\s+have)|\bmust\b"
    r"|\bshould\b|\bplanning\b|\bplans\b|\bslated\b|\bas\s+(?:soon|early)\s+as\b"
    r"|\buntil\b|\bdeadline\b|\bdue\b|\beffective\b)"
    r"|(?P<past>\b(?:was|were|had|did|said|told|ago|last|earlier|went|came|met|took|gave|made"
    r"|began|saw|left|held|won|lost|fell|rose|paid|sold|bought|found|led|struck|shot|hit|fled"
    r"|spoke|wrote|ran|sent|broke|knew|thought|felt|kept|brought|became|began|got|put|set|let"
    r"|began|quit|\w{2,}(?<!ee)(?<!hundr)(?<!speed)ed)\b)"
)
_BE = rx(r"\b(?:be|been|being|is|are|to)\s+(?:\w+ly\s+)?$")
_HAD = rx(r"\bhad\s+(?:been\s+|not\s+)?$")


def tense_at(text: str, start: int, end: int) -> int:
    """-1 when the nearest verb cue in the clause is past tense, 1 when future, 0 unknown."""
    lo = max(0, start - 160)
    left = text[lo:start]
    cut = 0
    for m in BOUNDARY.finditer(left):
        cut = m.end()
    left = left[cut:]
    right = text[end : end + 120]
    m = BOUNDARY.search(right)
    if m:
        right = right[: m.start()]
    best, best_dist = 0, 10**6
    for m in _CUE.finditer(left):
        if _passive(left, m):
            continue
        dist = len(left) - m.end()
        if dist <= best_dist:
            best, best_dist = _cue_sign(left, m), dist
    for m in _CUE.finditer(right):
        if _passive(right, m):
            continue
        dist = m.start()
        if dist < best_dist:
            best, best_dist = _cue_sign(right, m), dist
        break
    return best


def _passive(s: str, m: re.Match[str]) -> bool:
    """A participle after "be" ("must be returned") says nothing about when."""
    return bool(m.group("past") and m.group(0).endswith("ed") and _BE.search(s, 0, m.start()))


def _cue_sign(s: str, m: re.Match[str]) -> int:
    if m.group("fut"):
        # "had been scheduled to expire Friday": a plan in the past
        return -1 if _HAD.search(s, max(0, m.start() - 16), m.start()) else 1
    return -1


def clause(text: str, start: int, end: int) -> str:
    """The clause around text[start:end], cut at sentence boundaries (200 characters at most
    either side)."""
    left = text[max(0, start - 200) : start]
    cut = 0
    for m in BOUNDARY.finditer(left):
        cut = m.end()
    right = text[end : end + 200]
    m = BOUNDARY.search(right)
    return left[cut:] + text[start:end] + (right[: m.start()] if m else right)
