"""Small closed word classes that decide whether two claims speak of the same measure, and
the words of stance (denials, opinions).

Counted things are grouped into classes so that synonyms meet (troops, soldiers, forces,
personnel) while different measures stay apart (Kurds are not civilians); the action classes
(killed is not wounded) are the understanding stage's, in understand/action_classes.py. Words
outside every class stand for themselves: two claims then match only on the very same lemma.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsprism.understand.action_classes import (
    ACTION_CLASSES,
    action_class,
    actions_in,
)

__all__ = [
    "ACTION_CLASSES",
    "COUNT_CLASSES",
    "DENIAL_RE",
    "OPINION_RE",
    "action_class",
    "actions_in",
    "count_class",
    "is_denial",
]

COUNT_CLASSES: dict[str, tuple[str, ...]] = {
    "troop": (
        "troop soldier force personnel serviceman servicemember marine commando "
        "trooper fighter militant combatant"
    ).split(),
    "civilian": "civilian noncombatant".split(),
    # who carried out an attack: "three gunmen", "the assailants", "seven attackers"
    "assailant": "attacker assailant gunman bomber shooter perpetrator hijacker".split(),
    # "19 deaths", "19 dead", "19 fatalities": 19 people, counted by what happened to them
    # "40 injured" is people too; the action class (wound) keeps it apart from the dead; "the
    # toll rose to 259" counts the dead (the action class of "toll" is kill)
    "person": (
        "people person individual resident inhabitant citizen death dead fatality wounded "
        "injured other life casualty victim toll"
    ).split(),
    "refugee": "refugee migrant evacuee".split(),
    "vehicle": "vehicle truck convoy tank armoured armored humvee lorry".split(),
    "aircraft": "aircraft plane jet warplane helicopter drone".split(),
    "child": "child kid minor boy girl".split(),
    "prisoner": "prisoner detainee captive inmate hostage".split(),
    "base": "base outpost position post".split(),
}


@lru_cache(maxsize=4096)
def count_class(lemma: str | None) -> str | None:
    """The class of a counted thing's lemma ('soldiers' -> 'troop'), or the lemma itself."""
    if not lemma:
        return None
    word = lemma.lower().split()[-1]
    for name, members in COUNT_CLASSES.items():
        if word in members:
            return name
    return word


# What an explicit denial may be aimed at: "denied the reports", "rejected claims of 19 deaths".
_DENIED = (
    r"(?:reports?|claims?|allegations?|accusations?|charges?|suggestions?|assertions?|accounts?"
    r"|figures?|numbers?|tolls?|stor(?:y|ies)|rumou?rs?|statements?|notion|idea|that|it|this|any)"
)
# An explicit denial of what was reported: a speech act rejecting it, or calling it untrue. A
# negated verb about something else ("has not been faithful", "won't take sides"), being denied
# something ("denied entry") and an opinion are not denials.
DENIAL_RE = re.compile(
    r"\bden(?:y|ies|ied|ying|ials?)\b(?!\s+(?:entry|access|bail|permission|visas?|a\s+visa"
    r"|the\s+right|rights|service|him|her|them)\b)"
    rf"|\b(?:reject|dismiss|refut|rebut|disput|contest|contradict)\w*\s+(?:[\w-]+\s+){{0,3}}?"
    rf"{_DENIED}\b"
    r"|\b(?:refuted|rebutted)\b"
    r"|\b(?:is|was|are|were|be|been|'s)\s+(?:simply\s+|completely\s+|entirely\s+|totally\s+)?"
    r"(?:not\s+true|untrue|false|fake|baseless|groundless|unfounded|fabricated|a\s+lie|lies"
    r"|a\s+hoax|nonsense)\b"
    r"|\b(?:fake\s+news|no\s+(?:truth|evidence|basis)|never\s+happened|did\s+not\s+happen"
    r"|didn't\s+happen)\b",
    re.IGNORECASE,
)
# Opinions and hedges voiced as such ("Some argue that Mr. Kim just wanted to buy time"): they
# weigh in, they deny nothing.
OPINION_RE = re.compile(
    r"\b(?:some|critics|many|others|observers|analysts|experts|skeptics|sceptics)\s+"
    r"(?:\w+\s+)?(?:argue|say|believe|suggest|contend|fear|think|question|wonder|worry)\w*\b"
    r"|\b(?:arguably|perhaps|in\s+my\s+view|i\s+think|i\s+believe)\b",
    re.IGNORECASE,
)


def is_denial(text: str) -> bool:
    """Whether `text` explicitly denies something: not an opinion, not a question."""
    if text.rstrip(" \"”’'").endswith("?") or OPINION_RE.search(text):
        return False
    return bool(DENIAL_RE.search(text))
