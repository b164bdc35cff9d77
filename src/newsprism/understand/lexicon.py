"""The words that several parts of newsprism decide by, in one place: titles (actors, places,
quotes and linking read them) and verbs of saying (quotes, actors, places and claims' times).

The lists are data files in `words/` beside this module, so that a word is added once and every
reader sees it; each reader takes the named set it needs, never a private copy. They had drifted
apart: three title lists (places knew "sir" and "lord", quotes knew "prime", actors neither), two
lists of weak titles that disagreed on "Gen.", and four lists of speech verbs.
"""

from __future__ import annotations

from importlib import resources


def _words(name: str) -> list[list[str]]:
    """The lines of words/NAME as lists of words, comments and blank lines left out."""
    text = resources.files(__package__).joinpath("words", name).read_text("utf-8")
    lines = (line.split("#", 1)[0].split() for line in text.splitlines())
    return [line for line in lines if line]


def _with_and_without_stop(words: list[str]) -> frozenset[str]:
    """"gen." also as "gen": spaCy keeps the full stop in the token, folded names do not."""
    return frozenset(words) | {w[:-1] for w in words if w.endswith(".") and len(w) > 1}


# -- titles ----------------------------------------------------------------------------------
# Lower case, abbreviations with and without their full stop.
TITLES = _with_and_without_stop([w for line in _words("titles.txt") for w in line])
TITLE_MODIFIERS = frozenset(w for line in _words("title_modifiers.txt") for w in line)
# Abbreviated titles, as they stand before a name: a full stop after them ends no sentence.
ABBREVIATED_TITLES = frozenset(w[:-1] for w in TITLES if w.endswith("."))
# Forms of address that say nothing of a role: "Mr." and "Gen." fit any man or general.
HONORIFICS = _with_and_without_stop("mr. mrs. gen. lt. col.".split())
# Titles too common to tell two roles apart: two "officials" need not hold one office.
WEAK_TITLES = HONORIFICS | _with_and_without_stop("ms. dr. official officer".split())
# Titles only a person holds: "Bishop Varga" is a person whatever the model calls it (not
# "General": General Motors).
PERSON_TITLES = _with_and_without_stop(
    """bishop archbishop cardinal monsignor msgr. fr. rev. mr. mrs. ms. dr. pope president
    senator sen. congressman congresswoman pm ag ig vp""".split()
)
# Titles of an office held abroad: "the US ambassador to Turkey" is no Turkish official.
POSTED_TITLES = frozenset("ambassador envoy consul emissary nuncio representative".split())
# A word before a capitalized name that makes it a person's: a title, or "Prime" of "Prime
# Minister".
NAME_TITLES = TITLES | {"prime"}

# -- verbs of saying -------------------------------------------------------------------------
_SPEECH_LINES = _words("speech_verbs.txt")
# Lemmas of verbs that report speech or introduce a quote ("say", "tell", "tweet").
REPORTING_VERBS = frozenset(line[0] for line in _SPEECH_LINES if line[3:] == ["report"])
# Lemmas of every verb of saying: those that report and those that only take a stance ("urge",
# "threaten", "condemn").
SPEECH_VERBS = frozenset(line[0] for line in _SPEECH_LINES)
# lemma -> (past tense, third person present)
SPEECH_FORMS = {line[0]: (line[1], line[2]) for line in _SPEECH_LINES}


def speech_forms(lemmas: frozenset[str]) -> list[str]:
    """The past and third-person forms of `lemmas`, longest first (for a regex alternation)."""
    forms = {form for lemma in lemmas for form in SPEECH_FORMS[lemma]}
    return sorted(forms, key=lambda f: (-len(f), f))
