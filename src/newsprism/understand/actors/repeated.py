"""A person's name again where the model missed it: once an article names "François Hollande",
its later "Hollande blamed the attacks on ISIS" (a paragraph's first word, untagged) and "Obama
spoke to Hollande" (tagged an organization) are the same person.

Only names the article itself gives a person with a first name and a surname, found again
(whole, or the surname alone) as proper nouns the model's other entities do not claim; never a
month or a weekday ("May"), never a word in lower case ("will").
"""

from __future__ import annotations

import re

from newsprism.understand.actors.mention import PERSON, ActorMention, make_mention
from newsprism.understand.lexicon import NAME_TITLES
from newsprism.understand.nlp import doc_text

# Entity labels a missed name hides under; a place, a date or a number is left alone.
_HIDING = {"", "ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "FAC", "NORP", "PERSON"}
_CALENDAR = set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
MIN_NAME = 3  # characters: "Li" or "Ma" alone matches too much
# Titles a name may follow without being part of a longer name ("Mr Hollande")


def repeated_names(doc, found: list[ActorMention]) -> list[ActorMention]:
    """Person mentions for the article's own person names where no mention covers them."""
    surfaces = _person_surfaces(found)
    if not surfaces:
        return []
    covered = [(m.start, m.end) for m in found]
    text = doc_text(doc)
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
        + r")(?![\w-])"
    )
    out = []
    for hit in pattern.finditer(text):
        if any(s < hit.end() and hit.start() < e for s, e in covered):
            continue
        span = doc.char_span(hit.start(), hit.end())
        if span is None or not all(t.pos_ == "PROPN" and t.ent_type_ in _HIDING for t in span):
            continue
        if _inside_longer_name(span):
            continue
        out.append(make_mention(span, span, None, PERSON))
        covered.append((hit.start(), hit.end()))
    return out


def _person_surfaces(found: list[ActorMention]) -> set[str]:
    """The article's person names, and the surnames of those given with a first name."""
    surfaces = set()
    for m in found:
        words = m.name.split()
        # a one-word "person" is the model's guess as often as a name ("God", "Ramadan",
        # "Facebook"): spreading it would repeat the error
        if m.type != PERSON or len(words) < 2 or not all(w[:1].isupper() for w in words):
            continue
        surfaces.add(m.name)
        surfaces.add(words[-1])
    return {
        s for s in surfaces
        if len(s) >= MIN_NAME and s.lower() not in _CALENDAR and not s.isupper()
    }  # fmt: skip


def _inside_longer_name(span) -> bool:
    """A capitalized word right before or after: "Hollande" in "Place Hollande" or "Hollande
    Street" is part of another name."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return any(
        t is not None and t.pos_ == "PROPN" and t.text[:1].isupper() and not t.is_sent_start
        for t in (before, after)
    ) and not (before is not None and before.lower_.rstrip(".") in NAME_TITLES)
