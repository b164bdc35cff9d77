"""One mention per stretch of text, and types the article's other mentions decide."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from newsprism.understand.actors.lexicon import (
    close_spelling,
    fold,
    head_word,
    is_acronym,
    person_tokens,
)
from newsprism.understand.actors.mention import (
    COUNTRY,
    GOVERNMENT,
    GROUP,
    ORGANIZATION,
    PERSON,
    UNKNOWN,
    ActorMention,
    retyped,
)
from newsprism.understand.actors.titles import title_only
from newsprism.understand.actors.words import (
    GENERIC_DETERMINERS,
    ORG_HEADS,
)
from newsprism.understand.lexicon import SPEECH_VERBS, TITLES, WEAK_TITLES

# Titles any man or woman is given: they fit any named person before them.


def drop_overlaps(found: list[ActorMention]) -> list[ActorMention]:
    """One mention per stretch of text: the longest, and among equals a titled person."""
    rank = {PERSON: 0, ORGANIZATION: 1, GOVERNMENT: 2, COUNTRY: 3, GROUP: 4, UNKNOWN: 5}
    ordered = sorted(found, key=lambda m: (-(m.end - m.start), rank[m.type], m.start))
    kept: list[ActorMention] = []
    taken: list[tuple[int, int]] = []
    for m in ordered:
        if all(m.end <= s or m.start >= e for s, e in taken):
            kept.append(m)
            taken.append((m.start, m.end))
    return sorted(kept)


def settle_types(mentions: list[ActorMention], doc) -> list[ActorMention]:
    """Names the model mislabelled as places or organizations, decided by the article's people:
    "Erodogan" near "Recep Tayyip Erdogan" is a person, "Trump" tagged ORG beside "Donald Trump"
    too; an unknown non-place that says or tells something is a person ("Khalil called for")."""
    names = [person_tokens(m.name) for m in mentions if m.type == PERSON]
    surnames = {toks[-1] for toks in names if toks}
    out = []
    for m in mentions:
        key = fold(m.name)
        single = " " not in key and not is_acronym(m.name)
        if m.type in (UNKNOWN, ORGANIZATION) and single and key in surnames - ORG_HEADS:
            m = retyped(m, PERSON)
        elif m.type == UNKNOWN:
            misspelt = single and any(close_spelling(key, s) for s in surnames)
            if not (misspelt or _speaks(doc, m)):
                continue
            m = retyped(m, PERSON)
        out.append(m)
    return _resolve_titles(out, doc)


def _resolve_titles(mentions: list[ActorMention], doc) -> list[ActorMention]:
    """A title standing alone for a person ("the Pope said", "the Bishop"), however the model
    tagged it, named as the actor the text means: the nearest person before it whose role fits,
    else the article's most mentioned person with that role; a generic title ("any Pope who")
    or one nobody fits is no mention. An organization whose head says so is never a person
    ("Catholic Church")."""
    people = [m for m in mentions if m.type == PERSON and not title_only(m.name)]
    starts = {m.start for m in mentions}
    out = []
    for m in mentions:
        if m.type == PERSON and head_word(m.name) in ORG_HEADS and not m.role:
            m = retyped(m, ORGANIZATION)
        if not title_only(m.name):
            out.append(m)
            continue
        span = doc.char_span(m.start, m.end)
        if span is None or _generic(span):
            continue
        if any(s in starts for s in range(m.end, m.end + 2)):
            continue  # the name follows, as a mention of its own ("Mr." then "Trump")
        referent = _referent(m, people)
        if referent is not None:
            role = m.role or m.text
            out.append(
                replace(
                    m, name=referent.name, name_start=m.start, name_end=m.end, role=role,
                    type=PERSON,
                )
            )  # fmt: skip
    return out


def _generic(span) -> bool:
    """ "any Pope who...", "a given Pope": a title that names no one in particular."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    dets = [c for c in span.root.children if c.dep_ == "det"]
    words = [t.lower_ for t in dets] + ([before.lower_] if before is not None else [])
    return any(w in GENERIC_DETERMINERS or w == "given" for w in words)


def _referent(m: ActorMention, people: list[ActorMention]) -> ActorMention | None:
    titles = {w for w in fold(m.name).split() if w in TITLES} - WEAK_TITLES

    def fits(p: ActorMention) -> bool:
        return not titles or bool(titles & set(fold(p.role or "").split()))

    before = [p for p in people if p.end <= m.start and fits(p)]
    if before:
        return before[-1]
    if not titles:
        return None
    counts = Counter(fold(p.name) for p in people if fits(p))
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(p for p in people if fold(p.name) == top)


def _speaks(doc, m: ActorMention) -> bool:
    span = doc.char_span(m.name_start, m.name_end)
    if span is None:
        return False
    root = span.root
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in SPEECH_VERBS
