"""Titles and epithets around a person's name: where the role starts and ends."""

from __future__ import annotations

from newsprism.understand.actors.lexicon import fold, is_acronym
from newsprism.understand.actors.mention import PERSON, ActorMention, make_mention
from newsprism.understand.actors.words import (
    BOUNDARY_WORDS,
)
from newsprism.understand.lexicon import TITLE_MODIFIERS, TITLES


def titled_person(span) -> ActorMention | None:
    """A name the model did not call a person, but a title before it does."""
    if is_acronym(span.text) or not all(t.is_title for t in span):
        return None
    role_start = role_start_before(span.doc, span.start)
    if role_start == span.start or span.doc[span.start - 1].lower_ in BOUNDARY_WORDS:
        return None  # "director of the State Department" titles no one named
    role = span.doc[role_start : span.start]
    return make_mention(span.doc[role_start : span.end], span, role.text, PERSON)


def skip_inner_titles(span) -> int:
    """Where the name starts when the model took a title into the entity ("Gen Mazloum ...")."""
    i = span.start
    while i < span.end - 1 and span.doc[i].lower_ in TITLES:
        i += 1
    return i


def role_start_before(doc, name_start: int) -> int:
    """Start of a title written before the name, or name_start when there is none."""
    start, has_core, i = name_start, False, name_start - 1
    while i >= 0:
        tok = doc[i]
        low = tok.lower_
        if low in TITLES:
            has_core = True
        elif low in ("of", "for"):
            # "Secretary of State", "Nation of Islam leader", but not "critical of Mr.",
            # "Britain of President"
            if i > 0 and doc[i - 1].lower_ in _OF_TITLES or tok.ent_iob_ == "I":
                pass
            elif _institution_of(doc, i):
                i -= 1  # "Nation" of "Nation of Islam" is in the role too
            else:
                break
        elif tok.ent_type_ == "PERSON" or not (
            _title_word(tok, low) or (has_core and (_epithet(tok) or _intensifier(tok, i)))
        ):
            break
        i -= 1
    start = i + 1
    # A role never starts on a joiner ("of", "-").
    while start < name_start and doc[start].lower_ in ("of", "-"):
        start += 1
    return start if has_core else name_start


def _institution_of(doc, i: int) -> bool:
    """ "of" inside an institution's name: "Nation of Islam", "Bank of England"."""
    if i == 0 or i + 1 >= len(doc):
        return False
    before, after = doc[i - 1], doc[i + 1]
    return before.is_title and after.is_title and after.lower_ not in TITLES


def _epithet(tok) -> bool:
    """An adjective before a title: "cruel dictator", "embattled President", "Failed Premier";
    never a verb of the sentence ("called Mr. Farrakhan", "has elevated Pope Francis")."""
    if tok.is_title and tok.lower_.endswith("ed"):
        return True
    if tok.dep_ not in ("amod", "compound", "nmod", "conj"):
        return False
    return tok.pos_ == "ADJ" or tok.tag_ == "VBN"


def _intensifier(tok, i: int) -> bool:
    """ "newly" in "newly minted President": an adverb on an epithet already in the role."""
    return tok.pos_ == "ADV" and tok.dep_ == "advmod" and tok.head.i > i and _epithet(tok.head)


def title_only(name: str) -> bool:
    """A name made only of titles ("Pope", "Mr.", "Vice President"): it stands for somebody."""
    words = fold(name).split()
    return any(w in TITLES for w in words) and all(w in _ALL_TITLE_WORDS for w in words)


_OF_TITLES = TITLES | {"chiefs"}
_ALL_TITLE_WORDS = TITLES | set("former vice deputy acting late then prime".split())


def _title_word(tok, low: str) -> bool:
    if low in TITLE_MODIFIERS or low == "-":
        return True
    # Nationalities and institutions qualify a title ("Turkish President", "Pentagon spokesman").
    return tok.ent_type_ in ("NORP", "GPE", "ORG") and not tok.is_punct and not tok.is_space


def appositive_role_end(name) -> int | None:
    """End of a title in apposition: "Brett McGurk, the US special envoy"."""
    # By adjacency, not by the appositive's parse head: the small model hangs the appositive
    # of "James Mattis and Brett McGurk, the US special envoy" on Mattis.
    doc = name.doc
    if name.end + 2 >= len(doc) or doc[name.end].text != ",":
        return None
    for i in range(name.end + 1, min(name.end + 8, len(doc))):
        tok = doc[i]
        if tok.dep_ == "appos":
            if tok.lower_ not in TITLES:
                return None
            end = i + 1
            while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_:
                end += 2  # "secretary-general"
            return end
        if tok.is_space or tok.pos_ in ("VERB", "AUX", "PRON", "ADP", "CCONJ"):
            return None
    return None


def strip_determiners(span) -> str:
    toks = [t for t in span if not t.is_punct and t.dep_ != "det"]
    if not toks:
        return span.text
    return span.doc[toks[0].i : toks[-1].i + 1].text
