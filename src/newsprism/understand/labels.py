"""How an article names its actors: titles, epithets, descriptive noun phrases, scare quotes and
"so-called", each with the words that make it loaded.

Runs after the actor finder on the same parse. A label points at the actor mention it names
(`actor_start`, `actor_end`); the link stage gives it that mention's entity, so that
"Turkish dictator" (one outlet) and "Turkish President" (another) land under one Erdogan, and
"Ankara-backed militants" and "Turkey-backed Muslim terrorists" under the same proxy forces.

- title / epithet: a person's role as written ("US Defence Secretary"; "Turkish dictator");
- descriptor: a noun phrase naming a group or wrapping a name ("American occupiers",
  "cruel Assad regime", "ISIS terrorists"), and a loaded definite description standing for an
  actor named before it ("the death cult" for ISIS: `refers_by="description"`);
- distancing: the same with scare quotes (‘international coalition’) or "so-called"; a
  "so-called" before a phrase that names no actor ("so-called fight") is kept with no actor.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprism.understand.actors import (
    GOVERNMENT,
    GROUP,
    GROUP_NOUNS,
    ORGANIZATION,
    PERSON,
    QUOTE_PAIRS,
    ActorMention,
)
from newsprism.understand.lexicon import TITLE_MODIFIERS, TITLES
from newsprism.understand.loaded import is_loaded

# The persuasion technique (SemEval-2020 Task 11) a loaded label on an actor is an instance of.
NAME_CALLING = "Name_Calling,Labeling"
_TITLE_WORDS = frozenset(TITLES | TITLE_MODIFIERS)
# Heads that wrap a name in a description: "Assad regime", "ISIS terrorists", "Islamic State
# terrorist group".
_DESCRIPTOR_HEADS = set(
    """regime government administration junta group organization organisation network cult
    faction movement militia militias gang gangs outfit cell terrorists jihadists jihadis
    extremists militants fighters rebels insurgents thugs mercenaries proxies forces troops
    occupiers invaders allies loyalists supporters followers""".split()
)
# What a definite description may stand for, by its head: "the regime" is a government or its
# leader, "the death cult" an organization, "the occupiers" troops or their country. Plural
# "the terrorists" or "the jihadis" are left alone: they are as often fighters of no named
# group ("foreign terrorists ... the terrorists") as a group named before.
_DESCRIPTION_TARGETS = {
    **dict.fromkeys(("regime", "junta", "administration"), {GOVERNMENT, PERSON, "country"}),
    **dict.fromkeys(
        ("cult", "group", "organization", "organisation", "network", "gang", "outfit"),
        {ORGANIZATION},
    ),
    **dict.fromkeys(("occupiers", "invaders", "aggressors", "crusaders"), {GROUP, "country"}),
}  # fmt: skip
_DESCRIPTION_WINDOW = 3  # sentences back in which a description's antecedent is looked for
_EDGE_DEPS = {"det", "poss", "nummod", "quantmod", "predet", "case", "punct", "cc", "prep"}
_QUOTES = frozenset(QUOTE_PAIRS) | frozenset(QUOTE_PAIRS.values())


@dataclass(frozen=True, order=True)
class Label:
    start: int  # the naming phrase as written, name included ("Turkish dictator Erdogan")
    end: int
    text: str
    label: str  # what the outlet calls the actor ("Turkish dictator", "American Occupiers")
    kind: str  # title | epithet | descriptor | scare-quote | so-called
    loaded: bool
    loaded_terms: tuple[str, ...]
    actor_start: int | None  # the actor mention it names; None for a "so-called" about no actor
    actor_end: int | None
    refers_by: str  # "name" (the phrase holds the actor's mention) or "description"
    technique: str | None
    field: str = "text"  # what the offsets point into: the article's "text" or its "title"


def find_labels(doc, actors: list[ActorMention]) -> list[Label]:
    """Labels of one parsed article, in text order, one per phrase."""
    found: dict[tuple[int, int], Label] = {}
    for m in actors:
        label = _mention_label(doc, m)
        if label is not None:
            found.setdefault((label.start, label.end), label)
    for label in _descriptions(doc, actors) + _so_called(doc, actors):
        if not any(s < label.end and label.start < e for s, e in found):
            found[(label.start, label.end)] = label
    return sorted(found.values())


def _make(
    start: int, end: int, text: str, label: str, kind: str, loaded_words: list[str],
    actor: ActorMention | None, refers_by: str = "name", distancing: str | None = None,
) -> Label:  # fmt: skip
    terms = tuple(dict.fromkeys(w.lower() for w in loaded_words))
    label = label.replace("*", "")  # footnote marks ("Islamic State*") are no part of a name
    if distancing is not None:
        kind, terms = distancing, (*terms, distancing if distancing == "so-called" else "‘…’")
    loaded = bool(terms)
    if kind in ("title", "epithet"):
        kind = "epithet" if loaded else "title"
    return Label(
        start, end, text, label, kind, loaded, terms,
        actor.start if actor else None, actor.end if actor else None, refers_by,
        NAME_CALLING if loaded and actor is not None else None,
    )  # fmt: skip


def _loaded_words(tokens) -> list[str]:
    return [t.text for t in tokens if is_loaded(t.text, _TITLE_WORDS)]


def _mention_label(doc, m: ActorMention) -> Label | None:
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return None
    quoted = _in_scare_quotes(doc, span)
    if m.role:
        role = doc.char_span(m.start, m.name_start, alignment_mode="contract")
        role_tokens = list(role) if role is not None and m.name_start > m.start else []
        if not role_tokens:  # an appositive title, after the name
            after = doc.char_span(m.name_end, m.end, alignment_mode="contract")
            role_tokens = list(after) if after is not None else []
        loaded = _loaded_words(role_tokens)
        return _make(m.start, m.end, m.text, m.role, "title", loaded, m)
    phrase = _naming_phrase(span)
    name = doc.char_span(m.name_start, m.name_end, alignment_mode="expand")
    name_tokens = set(range(name.start, name.end)) if name is not None else set()
    # a group named by a noun ("US troops", "American occupiers") is described; a bare people
    # or capital ("Kurds", "Damascus") is named
    grouped = m.type in (GROUP, GOVERNMENT) and span[-1].lower_ in GROUP_NOUNS | _DESCRIPTOR_HEADS
    described = grouped or phrase.start < span.start or phrase.end > span.end
    if not (described or quoted):
        return None  # a bare name ("Trump", "ISIS") names, it does not label
    loaded = _loaded_words(
        t for t in phrase if t.i not in name_tokens or grouped
    )
    text = phrase.text
    return _make(
        phrase.start_char, phrase.end_char, text, text, "descriptor", loaded, m,
        distancing="scare-quote" if quoted else None,
    )  # fmt: skip


def _naming_phrase(span):
    """The noun phrase a mention is the core of: "Assad" -> "cruel Assad regime", "ISIS" ->
    "ISIS terrorists", "Kurdish allies" -> "Betrayed Kurdish allies"; without determiners,
    numbers and trailing clauses."""
    doc = span.doc
    head = span.root
    while (
        head.dep_ in ("compound", "nmod", "amod", "npadvmod")
        and head.head.i > head.i
        and head.head.pos_ in ("NOUN", "PROPN")
        and head.head.lower_ in _DESCRIPTOR_HEADS
        and not any(t.is_space for t in doc[head.i : head.head.i])
    ):
        head = head.head
    start = min(span.start, head.left_edge.i)
    while start < span.start and (
        doc[start].dep_ in _EDGE_DEPS
        or doc[start].pos_ in ("NUM", "DET", "PUNCT", "SPACE", "ADV", "ADP", "CCONJ", "SCONJ")
        or doc[start].lower_ in ("so", "-", "called", "more", "less", "than", "some")
    ):
        start += 1
    end = max(span.end, head.i + 1)
    if any(t.is_space for t in doc[start:end]):
        start, end = span.start, span.end
    return doc[start:end]


def _in_scare_quotes(doc, span) -> bool:
    """Quote marks right around a short naming phrase that is no one's words."""
    if span.start == 0 or span.end >= len(doc) or len(span) > 4:
        return False
    before, after = doc[span.start - 1], doc[span.end]
    if before.text not in _QUOTES or after.text not in _QUOTES:
        return False
    speech = doc[span.start - 2] if span.start >= 2 else None
    return speech is None or speech.text not in (":", ",")


def _descriptions(doc, actors: list[ActorMention]) -> list[Label]:
    """Loaded definite descriptions for an actor named before: "the fight against the death
    cult" (ISIS). The antecedent is the most-mentioned actor of a fitting type within the
    three sentences before; nothing when none fits."""
    counts: dict[str, int] = {}
    for m in actors:
        counts[m.name] = counts.get(m.name, 0) + 1
    sentences = list(doc.sents)
    sentence_of = {s.start: n for n, s in enumerate(sentences)}
    out = []
    for chunk in doc.noun_chunks:
        head = chunk.root
        targets = _DESCRIPTION_TARGETS.get(head.lower_)
        if targets is None or chunk[0].lower_ not in ("the", "this", "these", "that", "those"):
            continue
        if any(m.start < chunk.end_char and chunk.start_char < m.end for m in actors):
            continue
        words = chunk[1:]
        loaded = _loaded_words(words)
        if not loaded:
            continue  # "the group" refers, it does not judge: not worth a guess
        here = sentence_of.get(chunk.sent.start, 0)
        window_start = sentences[max(0, here - _DESCRIPTION_WINDOW)].start_char
        candidates = [
            m for m in actors
            if window_start <= m.start < chunk.start_char and _fits(m, targets)
        ]  # fmt: skip
        if not candidates:
            continue
        antecedent = max(candidates, key=lambda m: (counts[m.name], m.start))
        out.append(
            _make(
                words.start_char, words.end_char, words.text, words.text, "descriptor",
                loaded, antecedent, refers_by="description",
            )
        )  # fmt: skip
    return out


def _fits(m: ActorMention, targets: set[str]) -> bool:
    if m.type in targets:
        return True
    if "country" in targets and m.type == GOVERNMENT and m.metonymy_of:
        return True
    # a group named by its people ("Kurds (forces)") is never a cult or a terror group
    return m.type == ORGANIZATION and ORGANIZATION in targets


def _so_called(doc, actors: list[ActorMention]) -> list[Label]:
    """ "so-called X": the phrase up to its head noun, on the actor it names if any."""
    out = []
    for tok in doc:
        if tok.lower_ != "called" or tok.i < 2 or doc[tok.i - 2].lower_ != "so":
            continue
        if tok.head.i <= tok.i or tok.head.pos_ not in ("NOUN", "PROPN"):
            continue
        start, end = doc[tok.i - 2], tok.head
        span = doc[start.i : end.i + 1]
        while end.i + 1 < len(doc) and doc[end.i + 1].text in _QUOTES:
            span = doc[start.i : end.i + 2]
            end = doc[end.i + 1]
        actor = next(
            (m for m in actors if m.start < span.end_char and span.start_char < m.end), None
        )
        phrase = span.text
        out.append(
            _make(span.start_char, span.end_char, phrase, phrase, "descriptor", [], actor,
                  distancing="so-called")
        )  # fmt: skip
    return out
