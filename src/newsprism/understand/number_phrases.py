"""Number phrases: "about 1,000", "tens of thousands", "two-thirds", "$1.5 billion", "between
200 and 300", read off an article's tokens into a value, a qualifier, a unit (for measures) and
bounds.

Bounds (`low`/`high`) say what range the phrase commits the writer to:
- exact: low = high = value.
- about (about, around, some, roughly, approximately, an estimated, close to): value ± 10%;
  nearly/almost: 90% of value up to value.
- at least / more than: low = value, high open; less than / up to: high = value, low open.
- range ("between 200 and 300", "200-300", "200 to 300"): low, high, value = midpoint.
- vague ("dozens", "hundreds of", "tens of thousands"): the plural multiplier 2..9.99 of its unit
  ("hundreds" 200..999, "tens of thousands" 20,000..99,999, "dozens" 24..99), value None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Token
from text_to_num import text2num

WORD_NUMBERS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion trillion".split()
)
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
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
UNITS = {
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
CURRENCY_SIGNS = {
    "$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "£": "GBP", "eur": "EUR", "dlrs": "USD"
}  # fmt: skip
# "2 million U.S. dollars": the country names whose dollar it is
_DOLLAR_COUNTRIES = {"u.s.": "USD", "us": "USD", "american": "USD"}
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DIGITS_SCALED = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|mln|bn|b|tn)$", re.IGNORECASE)
_TOLERANCE = 0.10
# Scanning runs over the article's tokens without whitespace tokens: a non-breaking space is a
# token of its own in spaCy and would split "about half".
Toks = list[Token]
_RANGE_LINKS = frozenset({"-", "–", "—", "to"})


# --- number phrases --------------------------------------------------------------------------


@dataclass
class NumberPhrase:
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
        return float(scaled.group(1)) * SHORT_SCALES[scaled.group(2).lower()]
    return None


def _words_value(words: list[str]) -> float | None:
    try:
        return float(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def lower_at(toks: Toks, i: int) -> str:
    return toks[i].lower_ if 0 <= i < len(toks) else ""


def _read_number(toks: Toks, i: int) -> NumberPhrase | None:
    """The number phrase that starts at token i, if one does."""
    low = toks[i].lower_
    if low in _VAGUE:
        return _read_vague(toks, i)
    if low in ("a", "an", "one") and lower_at(toks, i + 1) in ("half", "third", "quarter"):
        return _read_fraction(toks, i + 1, 1.0, i)
    if low in ("a", "an") and lower_at(toks, i + 1) in {*SCALES, "dozen"}:
        return _scale_up(toks, NumberPhrase(i, i + 1, 1.0))
    if low == "half":
        return _read_fraction(toks, i, 1.0, i)
    value = _digit_value(toks[i])
    if value is not None:
        return _scale_up(toks, NumberPhrase(i, i + 1, value))
    if low not in WORD_NUMBERS:
        return None
    return _read_words(toks, i)


def _read_words(toks: Toks, i: int) -> NumberPhrase | None:
    words, j = [toks[i].lower_], i + 1
    while j < len(toks):
        nxt = lower_at(toks, j)
        if nxt in WORD_NUMBERS:
            words.append(nxt)
            j += 1
        elif nxt in ("-", "and") and lower_at(toks, j + 1) in WORD_NUMBERS and words[-1] != "and":
            # "twenty-five"; "and" only inside a compound number: "one hundred and fifty"
            if nxt == "and" and words[-1] not in SCALES:
                break
            if nxt == "and":
                words.append("and")
            j += 1
        else:
            break
    if lower_at(toks, j) == "-" and lower_at(toks, j + 1) in _FRACTIONS:  # "two-thirds"
        value = _words_value(words)
        return _read_fraction(toks, j + 1, value or 1.0, i) if value else None
    if lower_at(toks, j) in _FRACTIONS and lower_at(toks, j) != "half":  # "three quarters"
        value = _words_value(words)
        return _read_fraction(toks, j, value or 1.0, i) if value else None
    value = _words_value(words)
    return _scale_up(toks, NumberPhrase(i, j, value)) if value is not None else None


def _scale_up(toks: Toks, number: NumberPhrase) -> NumberPhrase:
    """Apply following scale words: "1.5 million", "a dozen", "two dozen"."""
    j = number.end
    value = number.value or 0.0
    while j < len(toks):
        nxt = lower_at(toks, j)
        if nxt in SCALES:
            value *= SCALES[nxt]
        elif nxt == "dozen":
            value *= 12
        else:
            break
        j += 1
    return NumberPhrase(number.start, j, value)


def _read_fraction(toks: Toks, j: int, numerator: float, start: int) -> NumberPhrase | None:
    """ "half", "a third", "two-thirds" are fractions of something: only with "of"/a noun after."""
    word = toks[j].lower_
    nxt = lower_at(toks, j + 1)
    if nxt == "-" or lower_at(toks, start - 1) in ("first", "second", "last", "the"):
        return None  # "half-hearted", "the first half of"
    if word != "half" and nxt != "of":
        return None  # "a third" alone is an ordinal use
    return NumberPhrase(start, j + 1, numerator * _FRACTIONS[word], kind="fraction")


def _read_vague(toks: Toks, i: int) -> NumberPhrase | None:
    word = toks[i].lower_
    low, high = _VAGUE[word]
    j = i + 1
    # "tens of thousands", "hundreds of thousands": the second word is the unit
    if lower_at(toks, j) == "of" and lower_at(toks, j + 1) in _VAGUE_UNIT:
        unit = _VAGUE_UNIT[lower_at(toks, j + 1)]
        low, high = low * unit, (high + 1) * unit - 1
        j += 2
    if word == "tens" and j == i + 1:
        return None  # "tens" alone is not a count
    if lower_at(toks, i - 1) == "the" and lower_at(toks, j) != "of":
        return None  # "they died by the thousands" is a manner of speaking
    return NumberPhrase(i, j, None, low, high, kind="vague")


def _read_range(toks: Toks, first: NumberPhrase, between: bool) -> NumberPhrase:
    """Extend a number into a range: "200-300", "200 to 300", "between 200 and 300"."""
    j = first.end
    link = lower_at(toks, j)
    if first.kind != "point":
        return first
    if not (link in _RANGE_LINKS or (between and link == "and")):
        return first
    second = _read_number(toks, j + 1) if j + 1 < len(toks) else None
    if second is None or second.kind != "point" or second.value is None:
        return first
    low = first.value
    # "1.5 to 2 million": the first number borrows the second's scale
    if low < second.value / 100 and toks[second.end - 1].lower_ in SCALES:
        low *= SCALES[toks[second.end - 1].lower_]
    if low >= second.value:
        return first
    return NumberPhrase(first.start, second.end, None, low, second.value, kind="range")


def number_phrases(toks: Toks) -> Iterator[NumberPhrase]:
    i = 0
    while i < len(toks):
        number = _read_number(toks, i)
        if number is None:
            i += 1
            continue
        number = _read_range(toks, number, between=lower_at(toks, i - 1) == "between")
        yield number
        i = max(number.end, i + 1)


# --- qualifiers, units and bounds ------------------------------------------------------------


def _qualifier_before(toks: Toks, i: int) -> tuple[str | None, int, tuple[str, ...]]:
    """The qualifier phrase that ends just before token i: (qualifier, its first token, words)."""
    for size in (3, 2, 1):
        if i - size < 0:
            continue
        words = tuple(t.lower_ for t in toks[i - size : i])
        if words in _QUALIFIERS:
            return _QUALIFIERS[words], i - size, words
    return None, i, ()


def unit_after(toks: Toks, j: int) -> tuple[str | None, int]:
    """A unit right after the number ("30 km", "six-kilometer-wide", "12 per cent")."""
    k = j + 1 if lower_at(toks, j) == "-" else j
    word = lower_at(toks, k)
    if word == "per" and lower_at(toks, k + 1) == "cent":
        return "%", k + 2
    if word in UNITS and not (word == "m" and k != j):
        return UNITS[word], k + 1
    if word in _DOLLAR_COUNTRIES and lower_at(toks, k + 1) in ("dollar", "dollars"):
        return _DOLLAR_COUNTRIES[word], k + 2
    return None, j


def qualify(toks: Toks, number: NumberPhrase, start: int) -> tuple[str, int, tuple[str, ...]]:
    """(qualifier, first token of the whole phrase, qualifier words)."""
    if number.kind == "vague":
        return "vague", start, ()
    if number.kind == "range":
        between = lower_at(toks, start - 1) == "between"
        return "range", start - 1 if between else start, ()
    found, q_start, words = _qualifier_before(toks, start)
    return found or "exact", q_start, words


def bounds(number: NumberPhrase, qualifier: str, words: tuple[str, ...]) -> tuple:
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
