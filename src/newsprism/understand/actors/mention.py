"""An actor mention: the span, the name alone, the role split off it, and the actor's type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsprism.understand.actors.words import TRAILING_MARKS

PERSON, ORGANIZATION, GROUP, GOVERNMENT, COUNTRY = (
    "person", "organization", "group", "government", "country",
)  # fmt: skip
UNKNOWN = "unknown"  # a name the model called a place that is no known place: decided later


@dataclass(frozen=True, order=True)
class ActorMention:
    start: int  # the full span in doc.text, title included
    end: int
    text: str
    name: str  # the name alone ("Recep Tayyip Erdogan")
    name_start: int
    name_end: int
    role: str | None  # title or epithet as written ("Turkish President", "Turkish dictator")
    type: str  # person | organization | group | government | country
    metonymy_of: str | None  # "Ankara" acting for the Turkish government -> "Turkey"


# An editor's brackets inside a name: "[Mike] Pompeo" quoted with the first name put in,
# "Vatican II[3]" with a footnote mark.
_EDITORIAL = re.compile(r"\[\d+\]?|[\[\]]")


def name_text(text: str) -> str:
    """A name as written, without an editor's brackets and the marks that trail it."""
    if "[" in text or "]" in text:
        text = " ".join(_EDITORIAL.sub("", text).split())
    return text.rstrip(TRAILING_MARKS)


def make_mention(span, name, role: str | None, kind: str, metonymy_of: str | None = None):
    return ActorMention(
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        name=name_text(name.text),
        name_start=name.start_char,
        name_end=name.end_char,
        role=role,
        type=kind,
        metonymy_of=metonymy_of,
    )


def retyped(m: ActorMention, kind: str) -> ActorMention:
    return ActorMention(
        m.start, m.end, m.text, m.name, m.name_start, m.name_end, m.role, kind, m.metonymy_of
    )
