"""Quantities: the numbers an article states, what they count and what happened to it.

Reads the spaCy parse only (tokens, entities, dependencies): no second model pass. A quantity is
a number phrase ("about 1,000", "tens of thousands", "two-thirds", "$1.5 billion") with its
qualifier, its unit (for measures) or the noun it counts, and the predicate that governs it.

Bounds (`low`/`high`) say what range the phrase commits the writer to:
- exact: low = high = value.
- about (about, around, some, roughly, approximately, an estimated, close to): value ± 10%;
  nearly/almost: 90% of value up to value.
- at least / more than: low = value, high open; less than / up to: high = value, low open.
- range ("between 200 and 300", "200-300", "200 to 300"): low, high, value = midpoint.
- vague ("dozens", "hundreds of", "tens of thousands"): the plural multiplier 2..9.99 of its unit
  ("hundreds" 200..999, "tens of thousands" 20,000..99,999, "dozens" 24..99), value None.

Not quantities: dates, times and durations (spaCy DATE/TIME: "in 2019", "24 hours", "five
years": a duration rarely is the contested figure, and dates belong to the time step), ordinals,
"one of the", labels ("page 5", "Resolution 2254", "F-16"), bare years.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from text_to_num import text2num

from newsprism.understand.action_classes import EVENT_NOUNS


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


# --- lexicon --------------------------------------------------------------------------------

_WORD_NUMBERS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion trillion".split()
)
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
# Plural multipliers: "hundreds" = 2..9.99 hundreds; "dozens" sits below "hundreds".
_VAGUE = {
    "tens": (20.0, 99.0),
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2e3, 9999.0),
    "millions": (2e6, 9.99e6),
    "billions": (2e9, 9.99e9),
}
_VAGUE_UNIT = {"hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_FRACTIONS = {
    "half": 1 / 2,
    "halves": 1 / 2,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 1 / 4,
    "quarters": 1 / 4,
    "fifth": 1 / 5,
    "fifths": 1 / 5,
    "tenth": 1 / 10,
    "tenths": 1 / 10,
}
_QUALIFIERS: dict[tuple[str, ...], str] = {}
for _qualifier, _phrases in {
    "about": "about|around|roughly|approximately|approx.|some|an estimated|estimated|close to|"
    "nearly|almost|just under|just over|circa",
    "at least": "at least|no fewer than|no less than|not less than|a minimum of",
    "more than": "more than|over|above|upwards of|in excess of|well over|greater than",
    "less than": "less than|fewer than|under|below|well under",
    "up to": "up to|as many as|as much as|at most|no more than|not more than|a maximum of",
}.items():
    for _phrase in _phrases.split("|"):
        _QUALIFIERS[tuple(_phrase.split())] = _qualifier
_BELOW = frozenset({("nearly",), ("almost",), ("just", "under")})  # "about", from below

_UNITS = {
    "km": "km", "kms": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km",
    "kilometres": "km", "mi": "mi", "mile": "mi", "miles": "mi", "m": "m", "meter": "m",
    "meters": "m", "metre": "m", "metres": "m", "%": "%", "percent": "%", "pct": "%",
    "dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR",
    "eur": "EUR", "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "ton": "t", "tons": "t",
    "tonne": "t", "tonnes": "t", "kg": "kg", "kilogram": "kg", "kilograms": "kg",
    "hectare": "ha", "hectares": "ha", "lira": "TRY", "liras": "TRY", "ruble": "RUB",
    "rubles": "RUB", "roubles": "RUB", "rouble": "RUB", "dlrs": "USD",
}  # fmt: skip
# "dlrs 2 million": the wire services' abbreviation stands before the number, as a sign does
_CURRENCY_SIGNS = {
    "$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "£": "GBP", "eur": "EUR", "dlrs": "USD"
}  # fmt: skip
# "2 million U.S. dollars": the country names whose dollar it is
_DOLLAR_COUNTRIES = {"u.s.": "USD", "us": "USD", "american": "USD"}
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
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DIGITS_SCALED = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|mln|bn|b|tn)$", re.IGNORECASE)
_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")
_TOLERANCE = 0.10
# Scanning runs over the article's tokens without whitespace tokens: a non-breaking space is a
# token of its own in spaCy and would split "about half".
Toks = list[Token]
_RANGE_LINKS = frozenset({"-", "–", "—", "to"})


# --- number phrases -------------------------------------------------------------------------


@dataclass
class _Number:
    start: int  # token indices [start, end)
    end: int
    value: float | None
    low: float | None = None
    high: float | None = None
    kind: str = "point"  # point | range | vague | fraction


def _digit_value(token: Token) -> float | None:
    text = token.text
    if _DIGITS.match(text):
        return float(text.replace(",", ""))
    scaled = _DIGITS_SCALED.match(text)
    if scaled:
        return float(scaled.group(1)) * _SHORT_SCALES[scaled.group(2).lower()]
    return None


def _words_value(words: list[str]) -> float | None:
    try:
        return float(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def _lower(toks: Toks, i: int) -> str:
    return toks[i].lower_ if 0 <= i < len(toks) else ""


def _read_number(toks: Toks, i: int) -> _Number | None:
    """The number phrase that starts at token i, if one does."""
    low = toks[i].lower_
    if low in _VAGUE:
        return _read_vague(toks, i)
    if low in ("a", "an", "one") and _lower(toks, i + 1) in ("half", "third", "quarter"):
        return _read_fraction(toks, i + 1, 1.0, i)
    if low in ("a", "an") and _lower(toks, i + 1) in {*_SCALES, "dozen"}:
        return _scale_up(toks, _Number(i, i + 1, 1.0))
    if low == "half":
        return _read_fraction(toks, i, 1.0, i)
    value = _digit_value(toks[i])
    if value is not None:
        return _scale_up(toks, _Number(i, i + 1, value))
    if low not in _WORD_NUMBERS:
        return None
    return _read_words(toks, i)


def _read_words(toks: Toks, i: int) -> _Number | None:
    words, j = [toks[i].lower_], i + 1
    while j < len(toks):
        nxt = _lower(toks, j)
        if nxt in _WORD_NUMBERS:
            words.append(nxt)
            j += 1
        elif nxt in ("-", "and") and _lower(toks, j + 1) in _WORD_NUMBERS and words[-1] != "and":
            # "twenty-five"; "and" only inside a compound number: "one hundred and fifty"
            if nxt == "and" and words[-1] not in _SCALES:
                break
            if nxt == "and":
                words.append("and")
            j += 1
        else:
            break
    if _lower(toks, j) == "-" and _lower(toks, j + 1) in _FRACTIONS:  # "two-thirds"
        value = _words_value(words)
        return _read_fraction(toks, j + 1, value or 1.0, i) if value else None
    if _lower(toks, j) in _FRACTIONS and _lower(toks, j) != "half":  # "three quarters"
        value = _words_value(words)
        return _read_fraction(toks, j, value or 1.0, i) if value else None
    value = _words_value(words)
    return _scale_up(toks, _Number(i, j, value)) if value is not None else None


def _scale_up(toks: Toks, number: _Number) -> _Number:
    """Apply following scale words: "1.5 million", "a dozen", "two dozen"."""
    j = number.end
    value = number.value or 0.0
    while j < len(toks):
        nxt = _lower(toks, j)
        if nxt in _SCALES:
            value *= _SCALES[nxt]
        elif nxt == "dozen":
            value *= 12
        else:
            break
        j += 1
    return _Number(number.start, j, value)


def _read_fraction(toks: Toks, j: int, numerator: float, start: int) -> _Number | None:
    """ "half", "a third", "two-thirds" are fractions of something: only with "of"/a noun after."""
    word = toks[j].lower_
    nxt = _lower(toks, j + 1)
    if nxt == "-" or _lower(toks, start - 1) in ("first", "second", "last", "the"):
        return None  # "half-hearted", "the first half of"
    if word != "half" and nxt != "of":
        return None  # "a third" alone is an ordinal use
    return _Number(start, j + 1, numerator * _FRACTIONS[word], kind="fraction")


def _read_vague(toks: Toks, i: int) -> _Number | None:
    word = toks[i].lower_
    low, high = _VAGUE[word]
    j = i + 1
    # "tens of thousands", "hundreds of thousands": the second word is the unit
    if _lower(toks, j) == "of" and _lower(toks, j + 1) in _VAGUE_UNIT:
        unit = _VAGUE_UNIT[_lower(toks, j + 1)]
        low, high = low * unit, (high + 1) * unit - 1
        j += 2
    if word == "tens" and j == i + 1:
        return None  # "tens" alone is not a count
    if _lower(toks, i - 1) == "the" and _lower(toks, j) != "of":
        return None  # "they died by the thousands" is a manner of speaking
    return _Number(i, j, None, low, high, kind="vague")


def _read_range(toks: Toks, first: _Number, between: bool) -> _Number:
    """Extend a number into a range: "200-300", "200 to 300", "between 200 and 300"."""
    j = first.end
    link = _lower(toks, j)
    if first.kind != "point":
        return first
    if not (link in _RANGE_LINKS or (between and link == "and")):
        return first
    second = _read_number(toks, j + 1) if j + 1 < len(toks) else None
    if second is None or second.kind != "point" or second.value is None:
        return first
    low = first.value
    # "1.5 to 2 million": the first number borrows the second's scale
    if low < second.value / 100 and toks[second.end - 1].lower_ in _SCALES:
        low *= _SCALES[toks[second.end - 1].lower_]
    if low >= second.value:
        return first
    return _Number(first.start, second.end, None, low, second.value, kind="range")


# --- qualifiers, units, skips ---------------------------------------------------------------


def _qualifier_before(toks: Toks, i: int) -> tuple[str | None, int, tuple[str, ...]]:
    """The qualifier phrase that ends just before token i: (qualifier, its first token, words)."""
    for size in (3, 2, 1):
        if i - size < 0:
            continue
        words = tuple(t.lower_ for t in toks[i - size : i])
        if words in _QUALIFIERS:
            return _QUALIFIERS[words], i - size, words
    return None, i, ()


def _unit_after(toks: Toks, j: int) -> tuple[str | None, int]:
    """A unit right after the number ("30 km", "six-kilometer-wide", "12 per cent")."""
    k = j + 1 if _lower(toks, j) == "-" else j
    word = _lower(toks, k)
    if word == "per" and _lower(toks, k + 1) == "cent":
        return "%", k + 2
    if word in _UNITS and not (word == "m" and k != j):
        return _UNITS[word], k + 1
    if word in _DOLLAR_COUNTRIES and _lower(toks, k + 1) in ("dollar", "dollars"):
        return _DOLLAR_COUNTRIES[word], k + 2
    return None, j


def _skip(toks: Toks, number: _Number) -> bool:
    first = toks[number.start]
    tokens = toks[number.start : number.end]
    if any(t.ent_type_ not in _ALLOWED_ENTS for t in tokens):
        return True  # dates, times, durations, ordinals, laws, products
    if _lower(toks, number.start - 1) in _LABELS:
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
        return _lower(toks, number.end) == "of" or not _counted_by_nummod(last)
    return False


# Adjectives that news uses as nouns after a number: "19 dead", "40 injured".
NOMINAL_ADJECTIVES = frozenset({"dead", "wounded", "injured", "missing", "homeless", "displaced"})


def _counted_by_nummod(token: Token) -> bool:
    head = token.head
    return (
        token.dep_ in _COUNT_HEAD_DEPS
        and head.i > token.i
        and head.pos_ in ("NOUN", "PROPN")
        and head.lower_ not in _UNITS
    )


# --- what it counts, and the predicate ------------------------------------------------------


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
    toks: Toks, number: _Number, anchor: Token, measure: bool
) -> tuple[Token | None, bool]:
    """The counted noun, and whether it came through "of" ("hundreds of civilians")."""
    if not measure and _counted_by_nummod(anchor) and anchor.head.i - anchor.i <= 7:
        return anchor.head, False
    if _lower(toks, number.end) == "of" or number.kind in ("fraction", "vague"):
        return _of_object(anchor), True
    if not measure and _lower(toks, number.end) in NOMINAL_ADJECTIVES:
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
            and child.lower_ not in _UNITS
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


# --- bounds and assembly --------------------------------------------------------------------


def _bounds(number: _Number, qualifier: str, words: tuple[str, ...]) -> tuple:
    """(value, low, high) implied by the number and its qualifier."""
    value = number.value
    if number.kind == "range" and number.low is not None and number.high is not None:
        return (number.low + number.high) / 2, number.low, number.high
    if number.kind == "vague" or value is None:
        return None, number.low, number.high
    if qualifier == "about":
        if words in _BELOW:
            return value, value * (1 - _TOLERANCE), value
        return value, value * (1 - _TOLERANCE), value * (1 + _TOLERANCE)
    if qualifier in ("at least", "more than"):
        return value, value, None
    if qualifier in ("less than", "up to"):
        return value, None, value
    return value, value, value


def _numbers(toks: Toks) -> Iterator[_Number]:
    i = 0
    while i < len(toks):
        number = _read_number(toks, i)
        if number is None:
            i += 1
            continue
        number = _read_range(toks, number, between=_lower(toks, i - 1) == "between")
        yield number
        i = max(number.end, i + 1)


def _qualify(toks: Toks, number: _Number, start: int) -> tuple[str, int, tuple[str, ...]]:
    """(qualifier, first token of the whole phrase, qualifier words)."""
    if number.kind == "vague":
        return "vague", start, ()
    if number.kind == "range":
        between = _lower(toks, start - 1) == "between"
        return "range", start - 1 if between else start, ()
    found, q_start, words = _qualifier_before(toks, start)
    return found or "exact", q_start, words


def _build(toks: Toks, text: str, number: _Number) -> Quantity | None:
    if _skip(toks, number):
        return None
    start, end = number.start, number.end
    unit: str | None = None
    if start > 0 and toks[start - 1].lower_ in _CURRENCY_SIGNS:
        unit, start = _CURRENCY_SIGNS[toks[start - 1].lower_], start - 1
        if number.kind == "point" and _lower(toks, end) in _SHORT_SCALES:  # "$3m", "€2bn"
            scale = _SHORT_SCALES[toks[end].lower_]
            number = _Number(number.start, end + 1, (number.value or 0.0) * scale)
            end = number.end
    elif number.kind == "fraction":
        unit = "fraction"
    else:
        unit, end = _unit_after(toks, number.end)
    qualifier, q_start, words = _qualify(toks, number, start)
    value, low, high = _bounds(number, qualifier, words)
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
        word in _WORD_NUMBERS
        and word not in _SCALES
        and (predicate is None or predicate[0] in ("be", "have"))
    )


def find_quantities(doc: Doc) -> list[Quantity]:
    """Every quantity claim in a parsed article, in text order."""
    toks = [token for token in doc if not token.is_space]
    text = doc.text  # Doc.text is rebuilt from the tokens at every access
    found = []
    for number in _numbers(toks):
        quantity = _build(toks, text, number)
        if quantity is not None:
            found.append(quantity)
    return found
