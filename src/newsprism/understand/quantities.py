"""Quantities: the numbers an article states, what they count and what happened to it.

Reads the spaCy parse only (tokens, entities, dependencies): no second model pass. A quantity is
a number phrase ("about 1,000", "tens of thousands", "two-thirds", "$1.5 billion") with its
qualifier, its unit (for measures) or the noun it counts, and the predicate that governs it. The
phrase, its qualifier, unit and bounds are read by number_phrases; what it counts and the
predicate here.

Not quantities: dates, times and durations (spaCy DATE/TIME: "in 2019", "24 hours", "five
years": a duration rarely is the contested figure, and dates belong to the time step), ordinals,
"one of the", labels ("page 5", "Resolution 2254", "F-16"), bare years.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newsprism.understand.action_classes import EVENT_NOUNS
from newsprism.understand.number_phrases import (
    CURRENCY_SIGNS,
    SCALES,
    SHORT_SCALES,
    UNITS,
    WORD_NUMBERS,
    NumberPhrase,
    Toks,
    bounds,
    lower_at,
    number_phrases,
    qualify,
    unit_after,
)


@dataclass(frozen=True)
class Quantity:
    start: int  # character span of the quantity phrase in doc.text
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str  # exact | about | at least | more than | less than | up to | range | vague
    unit: str | None  # for measures only: km, mi, m, %, USD, EUR, GBP, t, kg, ha, fraction
    counts: str | None  # the counted noun phrase as written: "US military vehicles"
    counts_lemma: str | None  # its head, normalised: "vehicle"
    predicate: str | None  # lemma of the governing predicate: "kill", "pull out"
    predicate_start: int | None
    predicate_end: int | None
    # verbs coordinated with the predicate that share its subject: "1,000 troops had been
    # deployed ... but were withdrawn" -> ("withdraw",)
    coordinated: tuple[str, ...] = ()


# A number right after one of these names a thing rather than counting ("page 5", "No. 3").
_LABELS = frozenset(
    "page p. pp. no. no number # resolution article section chapter paragraph route highway "
    "flight room unit brigade division regiment battalion squadron item line level phase grade "
    "platform gate exit sector case vol. volume issue episode season part camp checkpoint "
    "ext. tel. code index channel model version".split()
)
_ALLOWED_ENTS = frozenset({"", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
# Nouns that stand for the event itself: "the deployment of 500 soldiers" -> deploy.
_SUBJ_OBJ = frozenset(
    {"nsubj", "nsubjpass", "dobj", "obj", "attr", "oprd", "dative", "csubj", "csubjpass"}
)
_CLIMB = frozenset({"conj", "appos", "nummod", "compound", "amod", "npadvmod", "quantmod", "nmod"})
_COUNT_HEAD_DEPS = frozenset({"nummod", "predet", "quantmod", "compound", "amod", "nmod", "det"})
_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")


# --- skips -----------------------------------------------------------------------------------


def _skip(toks: Toks, number: NumberPhrase) -> bool:
    first = toks[number.start]
    tokens = toks[number.start : number.end]
    if any(t.ent_type_ not in _ALLOWED_ENTS for t in tokens):
        return True  # dates, times, durations, ordinals, laws, products
    if lower_at(toks, number.start - 1) in _LABELS:
        return True
    if "/" in first.text or ":" in first.text:
        return True
    if first.dep_ == "nummod" and first.head.i < first.i and first.head.pos_ in ("NOUN", "PROPN"):
        return True  # a label after its noun: "page 5", "Highway 4"
    last = toks[number.end - 1]
    if number.end - number.start == 1 and _YEAR.match(first.text):
        return not _counted_by_nummod(last)  # a bare year; "1500 soldiers" still counts
    if first.lower_ == "one" and number.end - number.start == 1:
        # "one of the", "one another", "one is to..." are not counts; "one soldier" is
        return lower_at(toks, number.end) == "of" or not _counted_by_nummod(last)
    return False


# Adjectives that news uses as nouns after a number: "19 dead", "40 injured".
NOMINAL_ADJECTIVES = frozenset({"dead", "wounded", "injured", "missing", "homeless", "displaced"})


def _counted_by_nummod(token: Token) -> bool:
    head = token.head
    return (
        token.dep_ in _COUNT_HEAD_DEPS
        and head.i > token.i
        and head.pos_ in ("NOUN", "PROPN")
        and head.lower_ not in UNITS
    )


# --- what it counts, and the predicate -------------------------------------------------------


def _phrase_head(tokens: Toks) -> Token:
    """The token of the phrase whose head lies outside it."""
    inside = {token.i for token in tokens}
    for token in tokens:
        if token.head.i not in inside or token.head.i == token.i:
            return token
    return tokens[-1]


def _of_object(token: Token) -> Token | None:
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.rights:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN", "PRON"):
                    return obj
    return None


def _counted(
    toks: Toks, number: NumberPhrase, anchor: Token, measure: bool
) -> tuple[Token | None, bool]:
    """The counted noun, and whether it came through "of" ("hundreds of civilians")."""
    if not measure and _counted_by_nummod(anchor) and anchor.head.i - anchor.i <= 7:
        return anchor.head, False
    if lower_at(toks, number.end) == "of" or number.kind in ("fraction", "vague"):
        return _of_object(anchor), True
    if not measure and lower_at(toks, number.end) in NOMINAL_ADJECTIVES:
        return toks[number.end], False  # "19 dead", "40 injured": people, named by their fate
    if not measure:
        elided = _elided_noun(anchor)
        if elided is not None:
            return elided, True  # the number heads its phrase: its own verb is the predicate
        return _toll_of(anchor), False
    return None, False


_QUALIFYING_PREPS = frozenset({"over", "about", "around", "under", "nearly", "almost"})


def _elided_noun(anchor: Token) -> Token | None:
    """"The bombs killed 259 people and injured more than 5,500": a bare number that is the
    object of a verb conjoined to one whose object is a counted noun counts what that noun
    counts (people), as a reader hears it."""
    verb = anchor.head
    if anchor.dep_ == "pobj" and verb.lower_ in _QUALIFYING_PREPS:
        verb = verb.head  # "and wounded over 5,000", parsed as a preposition
    elif anchor.dep_ != "dobj":
        return None
    if verb.dep_ != "conj" or verb.pos_ != "VERB":
        return None
    first = verb.head
    if first.pos_ != "VERB" or first.i > verb.i:
        return None
    for child in first.children:
        if (
            child.dep_ == "dobj"
            and child.pos_ in ("NOUN", "PROPN")
            and child.lower_ not in UNITS
            and any(c.dep_ in _COUNT_HEAD_DEPS and c.like_num for c in child.children)
        ):
            return child
    return None


def _toll_of(anchor: Token) -> Token | None:
    """"The toll rose to 259", "that brought the toll to 259", "the toll stands at 19": the
    number is where the toll went, so it counts what the toll counts."""
    prep = anchor.head
    if anchor.dep_ != "pobj" or prep.lower_ not in ("to", "at"):
        return None
    for child in prep.head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.lemma_.lower() == "toll":
            return child
    return None


def _counts_text(doc: Doc, noun: Token, number: Toks) -> str:
    """The counted noun with its modifiers as written, without determiners or the number."""
    start = noun.left_edge.i
    if start <= number[0].i and number[-1].i < noun.i:
        start = number[-1].i + 1  # the qualifier and number belong to the quantity, not the noun
    # a noun counted by another number: "killed 200 people and injured 5,000"
    for own in noun.lefts:
        if own.like_num and own.dep_ in _COUNT_HEAD_DEPS:
            start = max(start, own.right_edge.i + 1)
    while start < noun.i and (
        doc[start].dep_ in ("det", "poss", "predet", "case", "quantmod", "nummod", "punct")
        or doc[start].is_space
        or doc[start].like_num
    ):
        start += 1
    return doc[start : noun.i + 1].text


def _counts_lemma(noun: Token) -> str:
    if noun.lower_ in NOMINAL_ADJECTIVES:
        return noun.lower_
    lemma = noun.lemma_.lower()
    if noun.tag_ == "NNPS" and lemma.endswith("s") and not lemma.endswith("ss"):
        lemma = lemma[:-1]  # spaCy keeps plural proper nouns: "Kurds" -> "kurd"
    return lemma


def _predicate(anchor: Token) -> tuple[str, int, int] | None:
    """Climb from the counted noun (or the number) to the verb it is subject or object of; a
    verb that modifies the noun itself says first what it counts: "in addition to the 129 people
    killed in Paris, 352 were injured" counts the dead, whatever the sentence's main verb."""
    own = _modifying_verb(anchor)
    if own is not None:
        return _verb(own)
    token = anchor
    for _ in range(8):
        dep = token.dep_
        if dep in _SUBJ_OBJ:
            return _verb(token.head)
        if dep == "pobj":
            prep = token.head
            owner = prep.head
            if prep.dep_ == "agent" or owner.pos_ in ("VERB", "AUX"):
                return _verb(owner)
            if owner.pos_ == "NOUN" and owner.lemma_.lower() in EVENT_NOUNS:
                return EVENT_NOUNS[owner.lemma_.lower()], owner.idx, owner.idx + len(owner)
            token = owner
            continue
        if dep in _CLIMB or dep == "prep":
            if token.head.i == token.i:
                return None
            token = token.head
            if token.pos_ in ("VERB",) and dep not in ("conj", "appos"):
                return _verb(token)
            continue
        if token.pos_ == "VERB":
            return _verb(token)
        return None
    return None


def _modifying_verb(noun: Token) -> Token | None:
    """A past participle ("the people killed in Paris") or a relative clause ("the men who
    blew themselves up") on the counted noun. A present participle is left alone: "500 people
    living nearby were evacuated" counts the evacuated."""
    if noun.pos_ not in ("NOUN", "PROPN", "NUM"):
        return None
    for child in noun.rights:
        if child.pos_ != "VERB":
            continue
        if child.dep_ == "acl" and child.tag_ == "VBN":
            return child
        if child.dep_ == "relcl" and any(
            c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.tag_ in ("WP", "WDT")
            for c in child.children
        ):
            return child
    return None


def _verb(verb: Token) -> tuple[str, int, int] | None:
    if verb.pos_ not in ("VERB", "AUX"):
        if verb.pos_ == "NOUN" and verb.lemma_.lower() in EVENT_NOUNS:
            return EVENT_NOUNS[verb.lemma_.lower()], verb.idx, verb.idx + len(verb)
        return None
    lemma, end = verb.lemma_.lower(), verb.idx + len(verb)
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            lemma, end = f"{lemma} {child.lower_}", child.idx + len(child)
    return lemma, verb.idx, end


# --- assembly --------------------------------------------------------------------------------


def _build(toks: Toks, text: str, number: NumberPhrase) -> Quantity | None:
    if _skip(toks, number):
        return None
    start, end = number.start, number.end
    unit: str | None = None
    if start > 0 and toks[start - 1].lower_ in CURRENCY_SIGNS:
        unit, start = CURRENCY_SIGNS[toks[start - 1].lower_], start - 1
        if number.kind == "point" and lower_at(toks, end) in SHORT_SCALES:  # "$3m", "€2bn"
            scale = SHORT_SCALES[toks[end].lower_]
            number = NumberPhrase(number.start, end + 1, (number.value or 0.0) * scale)
            end = number.end
    elif number.kind == "fraction":
        unit = "fraction"
    else:
        unit, end = unit_after(toks, number.end)
    qualifier, q_start, words = qualify(toks, number, start)
    value, low, high = bounds(number, qualifier, words)
    if not all(b is None or math.isfinite(b) for b in (value, low, high)):
        # hundreds of digits overflow a float: no count anyone reports, and inf is not JSON
        return None
    tokens = toks[number.start : number.end]
    anchor = _phrase_head(tokens)
    noun, via_of = _counted(toks, number, anchor, unit not in (None, "fraction"))
    last = toks[end - 1]
    if noun is not None and last.i < noun.i <= last.i + 9:
        last = noun  # the phrase runs to what it counts: "about 1,000 US troops"
    # "hundreds of civilians were killed": "hundreds" is the subject, not "civilians"
    head = anchor if via_of or noun is None else noun
    predicate = _predicate(head)
    if _enumeration(tokens, noun, unit, predicate):
        return None
    doc = anchor.doc
    char_start, char_end = toks[q_start].idx, last.idx + len(last)
    return Quantity(
        start=char_start,
        end=char_end,
        text=text[char_start:char_end],
        value=value,
        low=low,
        high=high,
        qualifier=qualifier,
        unit=unit,
        counts=_counts_text(doc, noun, tokens) if noun is not None else None,
        counts_lemma=_counts_lemma(noun) if noun is not None else None,
        predicate=predicate[0] if predicate else None,
        predicate_start=predicate[1] if predicate else None,
        predicate_end=predicate[2] if predicate else None,
        # a shared subject carries over to the next verb, an object does not ("the bombs
        # killed 257 people and injured 5,500")
        coordinated=_coordinated(head.head) if head.dep_ in ("nsubj", "nsubjpass") else (),
    )


def _coordinated(verb: Token) -> tuple[str, ...]:
    """Later verbs conjoined with `verb` (the predicate a subject hangs on) and without a
    subject of their own."""
    if verb.pos_ not in ("VERB", "AUX"):
        return ()
    own_subject = ("nsubj", "nsubjpass", "expl")
    return tuple(
        c.lemma_.lower()
        for c in verb.conjuncts
        if c.pos_ == "VERB"
        and c.i > verb.i
        and not any(ch.dep_ in own_subject for ch in c.children)
    )


def _enumeration(
    tokens: Toks, noun: Token | None, unit: str | None, predicate: tuple | None
) -> bool:
    """A bare small number word that only enumerates: "two is to perform a mission"."""
    if noun is not None or unit is not None or len(tokens) != 1:
        return False
    word = tokens[0].lower_
    return (
        word in WORD_NUMBERS
        and word not in SCALES
        and (predicate is None or predicate[0] in ("be", "have"))
    )


def find_quantities(doc: Doc) -> list[Quantity]:
    """Every quantity claim in a parsed article, in text order."""
    toks = [token for token in doc if not token.is_space]
    text = doc.text  # Doc.text is rebuilt from the tokens at every access
    found = []
    for number in number_phrases(toks):
        quantity = _build(toks, text, number)
        if quantity is not None:
            found.append(quantity)
    return found
