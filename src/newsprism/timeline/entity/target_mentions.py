"""Where an article names the target or refers back to it.

How the target is found ("Steve Jobs", "Apple Inc.", "iPhone 4"):
- its name, or a short form of it: a person's surname ("Jobs"), an organisation without its
  legal suffix ("Apple" for "Apple Inc."), a multi-word organisation without its first word
  ("Apple Corps" for "Beatles Apple Corps"), a thing without a generic head ("iTunes" for
  "iTunes Store"); a match that runs on into another name ("Apple Corps" when the target is
  Apple Inc.) is not the target;
- a product name written in another order ("3G iPhone" for "iPhone 3G");
- pronouns ("he", "his"), "it"/"its" and definite descriptions ("the company"; "the store"
  for the iTunes Store) when the nearest fitting name before them is the target: newsprism
  resolves pronouns to the nearest fitting name, and so does this.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from newsprism.timeline.entity.reading import ReadArticle
from newsprism.timeline.entity.targets import (
    LEGAL_SUFFIXES,
    ORGANIZATION,
    PERSON,
    THING,
    Target,
)
from newsprism.understand.actors import ActorMention, fold
from newsprism.understand.lexicon import TITLES

_PERSON_PRONOUNS = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
_ORG_REFERENCES = {"company", "firm", "corporation"}  # "the company": the last organisation
PRONOUN_REACH_SENTENCES = 3  # a pronoun's antecedent is looked for this many sentences back


def find_target_mentions(read: ReadArticle, target: Target) -> list[Span]:
    """Spans of the parse that name the target or refer back to it."""
    doc = read.doc
    named = _named_mentions(doc, target)
    refs = _references(read, target, named)
    return sorted(named + refs, key=lambda s: s.start)


def _named_mentions(doc: Doc, target: Target) -> list[Span]:
    """The target's name and short forms, matched on the characters (the parser splits
    "3G" in two) and widened to whole tokens; longer forms first, no overlaps."""
    taken: set[int] = set()
    spans = []
    for alias in target.aliases:
        for match in _alias_pattern(alias).finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None or taken & set(range(span.start, span.end)):
                continue
            if _runs_into_other_name(doc, span.start, span.end, target):
                continue
            taken |= set(range(span.start, span.end))
            spans.append(span)
    if target.kind == THING:
        spans += _reordered_mentions(doc, target, taken)
    return spans


def _alias_pattern(alias: tuple[str, ...]) -> re.Pattern[str]:
    words = r"\s*".join(re.escape(w) for w in alias)
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _runs_into_other_name(doc: Doc, start: int, end: int, target: Target) -> bool:
    """A short form inside a longer name is another entity: "Apple" in "Apple Corps" is not
    Apple Inc.; a title after it ("Apple CEO") or a legal suffix ("Apple Inc.") is fine."""
    if end < len(doc):
        nxt = doc[end]
        low = fold(nxt.text)
        if (
            nxt.pos_ == "PROPN"
            and nxt.text[:1].isupper()
            and low not in TITLES
            and low not in LEGAL_SUFFIXES
            and target.kind != PERSON
        ):
            return True
    if start > 0 and target.kind == PERSON:
        prev = doc[start - 1]
        # "Steve Jobs" is the target; "Laurene Jobs" (one word before the surname) is not
        if len(target.aliases[-1]) == 1 and end - start == 1 and prev.pos_ == "PROPN":
            full = target.aliases[0]
            return len(full) > 1 and fold(prev.text) != full[-2]
    return False


def _reordered_mentions(doc: Doc, target: Target, taken: set[int]) -> list[Span]:
    """A product named in another order within one noun phrase: "3G iPhone"."""
    full = target.aliases[0]
    if len(full) < 2:
        return []
    spans = []
    for chunk in doc.noun_chunks:
        text = fold(chunk.text)
        if all(_alias_pattern((w,)).search(text) for w in full) and not taken & set(
            range(chunk.start, chunk.end)
        ):
            spans.append(chunk)
            taken |= set(range(chunk.start, chunk.end))
    return spans


def _references(read: ReadArticle, target: Target, named: list[Span]) -> list[Span]:
    """Pronouns and definite descriptions ("the company", "the store") whose nearest fitting
    antecedent is the target."""
    doc = read.doc
    antecedents = _antecedents(read, target, named)
    refs = []
    for token in doc:
        if not _refers_back(token, target):
            continue
        nearest = _nearest_before(antecedents, token)
        if nearest is not None and nearest[1]:
            refs.append(doc[token.i : token.i + 1])
    return refs


def _refers_back(token: Token, target: Target) -> bool:
    """A word that stands for an entity of the target's kind named before it."""
    low = token.lower_
    if target.kind == PERSON:
        return low in _PERSON_PRONOUNS
    if low == "its" or (low == "it" and not _expletive(token)):
        return True
    if token.i == 0 or token.doc[token.i - 1].lower_ != "the" or token.pos_ != "NOUN":
        return False
    if target.kind == ORGANIZATION:
        return low in _ORG_REFERENCES
    # "the store" for the iTunes Store, "the phone" for the iPhone: a common noun the name
    # itself ends with
    return any(len(low) > 3 and word.endswith(low) for word in target.aliases[0])


def _expletive(it: Token) -> bool:
    """ "It is likely that...", "it was announced that...": an "it" that stands for nothing."""
    head = it.head
    clause = any(c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > it.i for c in head.children)
    passive = any(c.dep_ == "auxpass" for c in head.children)
    return clause and (head.lemma_ in ("be", "seem", "appear") or passive)


def _antecedents(read: ReadArticle, target: Target, named: list[Span]) -> list[tuple[int, bool]]:
    """(token index, is the target) of every mention a reference to the target's kind could
    stand for: the target's own mentions, and newsprism's actors of that kind — or, for a
    thing, any other proper name that is no person."""
    doc = read.doc
    inside = {i for s in named for i in range(s.start, s.end)}
    found = [(s.start, True) for s in named]
    for actor in read.understanding.actors:
        if not _same_kind(actor, target.kind):
            continue
        span = doc.char_span(actor.name_start, actor.name_end, alignment_mode="expand")
        if span is not None and not inside & set(range(span.start, span.end)):
            found.append((span.start, False))
    if target.kind == THING:
        for chunk in doc.noun_chunks:
            root = chunk.root
            if root.pos_ == "PROPN" and root.ent_type_ != "PERSON" and root.i not in inside:
                found.append((chunk.start, False))
    return sorted(set(found))


def _same_kind(actor: ActorMention, kind: str) -> bool:
    if kind == PERSON:
        return actor.type == PERSON
    return actor.type in (ORGANIZATION, "government")  # a thing competes with organisations


def _nearest_before(antecedents: list[tuple[int, bool]], token: Token) -> tuple[int, bool] | None:
    sentences = list(token.doc.sents)
    sent_index = {s.start: n for n, s in enumerate(sentences)}
    here = sent_index[token.sent.start]
    best = None
    for i, is_target in antecedents:
        if i >= token.i:
            break
        best = (i, is_target)
    if best is None:
        return None
    there = sent_index[token.doc[best[0]].sent.start]
    return best if here - there <= PRONOUN_REACH_SENTENCES else None
