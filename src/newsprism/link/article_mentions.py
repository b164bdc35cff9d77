"""One article's mentions as the linker reads them: the order they are linked in (names that
anchor others first), acronyms defined in parentheses, a regnal name in apposition with a birth
name, and what the article has linked so far."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsprism.understand.actors import (
    ORGANIZATION,
    PERSON,
    ActorMention,
    fold,
    is_acronym,
    person_tokens,
    regnal_name,
)


@dataclass
class ArticleLinks:
    """What one article has linked so far (entity ids in order, its full-name persons and its
    organizations), and its text."""

    id: str
    context: str
    linked: dict[str, None] = field(default_factory=dict)  # entity ids, in order
    persons: list[str] = field(default_factory=list)  # full-name persons linked here
    orgs: list[str] = field(default_factory=list)
    _folded: str | None = None

    def folded_context(self) -> str:
        if self._folded is None:
            self._folded = fold(self.context)
        return self._folded


def link_order(m: ActorMention) -> tuple[int, int]:
    """Names that anchor others first: full organization names before acronyms, full person
    names before lone surnames, so a mention can lean on what its article already said."""
    if m.type == ORGANIZATION:
        rank = 1 if is_acronym(m.name) else (0 if " " in m.name.strip() else 4)
    elif m.type == PERSON:
        if regnal_name(m.name, m.role) is not None:
            rank = 2  # "Pope Francis" before the "Francis Bergoglio" it explains
        else:
            rank = 3 if len(person_tokens(m.name)) >= 2 else 4
    else:
        rank = 2
    return rank, m.start


def appositions(mentions: list[ActorMention], context: str) -> list[tuple[int, int]]:
    """Pairs of person mentions in apposition, one regnal, one a full birth name: "Pope
    Francis, Jorge Bergoglio, said", "Jorge Mario Bergoglio (Pope Francis)". Not a list
    ("Pope Francis, Jorge Bergoglio and ...")."""
    if not context:
        return []
    people = sorted((m.start, i) for i, m in enumerate(mentions) if m.type == PERSON)
    out = []
    for (_, i), (_, j) in zip(people, people[1:], strict=False):
        a, b = mentions[i], mentions[j]
        if context[a.end : b.start].strip() not in (",", "(") or "\n" in context[a.end : b.start]:
            continue
        after = context[b.end : b.end + 8]
        if after[:1] not in (",", ")") or re.match(r"[,)]\s*(and|or)\b", after):
            continue
        regnal = [regnal_name(x.name, x.role) is not None for x in (a, b)]
        birth = b if regnal[0] else a
        if regnal[0] != regnal[1] and len(person_tokens(birth.name)) >= 2:
            out.append((i, j))
    return out


def parenthesized(mentions: list[ActorMention], context: str) -> dict[int, int]:
    """Acronym mention index -> index of the name it abbreviates: "Syrian Democratic Forces
    (SDF)". Parentheses are stronger evidence than initials (PKK spells no English initials)."""
    out: dict[int, int] = {}
    names = [
        (m.end, i)
        for i, m in enumerate(mentions)
        if m.type == ORGANIZATION and not is_acronym(m.name)
    ]
    for i, m in enumerate(mentions):
        if m.type != ORGANIZATION or not is_acronym(m.name):
            continue
        for end, j in names:
            gap = m.start - end
            if 0 < gap <= 3 and (not context or "(" in context[end : m.start]):
                out[i] = j
    return out


# What may stand between a line's start or a sentence's end and its first word.
_OPENERS = frozenset(" \t\"'“‘([—–-*•")
_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gen|Gov|Lt|Col|Capt|Sgt|Jr|Sr|Prof|Rev|Hon|Mt|Ft|No|"
    r"[A-Z](?:\.[A-Z])*)\.$"
)


def opens_a_line(text: str, start: int) -> bool:
    """Whether the word at `start` is the first of a line or a sentence, where its capital
    says nothing of whether it belongs to a name ("Billionaire George Soros, who ..."). A dot
    after an abbreviation ("Mr.", "U.S.") ends no sentence."""
    if not text or start > len(text):
        return False
    i = start
    while i > 0 and text[i - 1] in _OPENERS:
        i -= 1
    if i == 0 or text[i - 1] in "\n!?:":
        return True
    return text[i - 1] == "." and not _ABBREVIATION.search(text[max(0, i - 8) : i])
