"""Mentions from the model's named entities: persons, organizations, places and peoples,
checked against syntax because the small model mislabels often."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from newsprism.understand.actors.lexicon import (
    Lexicon,
    fold,
    head_word,
    is_acronym,
    is_furniture,
)
from newsprism.understand.actors.mention import (
    COUNTRY,
    GOVERNMENT,
    GROUP,
    ORGANIZATION,
    PERSON,
    UNKNOWN,
    ActorMention,
    make_mention,
    name_text,
)
from newsprism.understand.actors.titles import (
    appositive_role_end,
    role_start_before,
    skip_inner_titles,
    strip_determiners,
    title_only,
    titled_person,
)
from newsprism.understand.actors.words import (
    ACTION_NOUNS,
    ACTOR_PREPS,
    AGENTIVE_PARTICIPLES,
    BOUNDARY_WORDS,
    EVENT_HEADS,
    FORCE_NOUNS,
    HEADLINE_VERBS,
    LANDMARKS,
    LOCATIVE_PREPS,
    NON_ACTOR_HEADS,
    ORG_CUES,
    ORG_HEADS,
    PLACE_NOUNS,
    SHOUTED_WORDS,
    THING_NOUNS,
    TOPONYM_PREFIXES,
)
from newsprism.understand.lexicon import PERSON_TITLES, POSTED_TITLES
from newsprism.understand.lines import line_around
from newsprism.understand.nlp import doc_text

_WORD_REST = re.compile(r"\S*")


class PlaceSpans:
    """The char spans another component resolved as places."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = {(int(s), int(e)) for s, e in spans}

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self._spans)


def entity_mention(ent, lex: Lexicon, places: PlaceSpans) -> ActorMention | None:
    span = _trim(ent)
    if span is None or is_furniture(span.text):
        return None  # "Privacy Policy and Terms"
    if "]" in span.text and name_text(span.text).lower() in STOP_WORDS:
        return None  # "[W]e" of a quote an editor bracketed: a pronoun ("US" is no "us")
    if _people_listed(span):
        return None  # each of them is found again as the person (repeated.py)
    if ent.label_ == "PERSON" or _titled_name(span):
        return _person_mention(span, lex, places)
    envoy = _envoy_after_place(span, lex)
    if envoy is not None:
        return make_mention(envoy, envoy, None, PERSON)
    if ent.label_ in ("ORG", "GPE") and len(span) <= 2 and fold(span.text) not in lex.nation_of:
        titled = titled_person(span)
        if titled is not None:
            return titled  # "Failed Premier Holt" with Holt tagged ORG
    if ent.label_ == "ORG":
        return _org_mention(span, lex, places)
    if ent.label_ == "GPE":
        return _place_mention(span, lex, places)
    if ent.label_ == "NORP":
        return _people_mention(span, lex)
    return None


_SEPARATORS = frozenset("• | · — –".split())


def _people_listed(span) -> bool:
    """"Brennan, Comey, McCabe": the model ran a list of people into one entity. Each item is
    one word, the surname of a person the article names in full."""
    items, item = [], []
    for tok in span:
        if tok.text in (",", "&") or tok.lower_ == "and":
            items.append(item)
            item = []
        else:
            item.append(tok)
    items.append(item)
    if len(items) < 2:
        return False
    surnames = {
        ent[-1].text for ent in span.doc.ents
        if ent.label_ == "PERSON" and len(ent) >= 2 and ent.start != span.start
    }  # fmt: skip
    return all(len(i) == 1 and i[0].text in surnames for i in items)


def _titled_name(span) -> bool:
    return (
        2 <= len(span) <= 4
        and span[0].lower_ in PERSON_TITLES
        # a title abbreviated in capitals ("AG Sessions") as well as spelled ("Bishop Varga")
        and (span[0].is_title or span[0].is_upper)
        and all(t.is_title for t in span[1:])
        and head_word(span.text) not in ORG_HEADS
    )


def _trim(span):
    """The span without a leading article, trailing possessive, footnote mark, preposition,
    determiner ("Federal Bureau of Investigation of") or unclosed bracket."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct
                           or _shouted(doc[start], end)):  # fmt: skip
        start += 1
    # "World Health Organization (WHO": the model stopped inside the bracket; the acronym is
    # the same actor's other name (acronyms.py), not part of this one
    opened = next((t.i for t in doc[start:end] if t.text in ("(", "[")), None)
    if opened is not None and not any(t.text in (")", "]") for t in doc[opened:end]):
        end = opened
    # "Chris Ferrara • 2 hours ago": a comment's byline; a name never runs past a separator
    end = next((t.i for t in doc[start:end] if t.text in _SEPARATORS), end)
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in ("'s", "\u2019s")
        or doc[end - 1].lower_ in BOUNDARY_WORDS
    ):
        end -= 1
    if start >= end or not (doc[start].text[:1].isupper() or doc[start].text[:1].isdigit()):
        return None
    if any("\n" in t.text or "\n" in t.whitespace_ for t in doc[start : end - 1]):
        return None  # a name never runs across lines: the model joined a headline to its text
    return doc[start:end]


# What a word in capitals before a name is when it is no part of it: "JUST WATCHED Pompeo lays
# out...", "shot BEFORE Paddock opened fire" (a verb, a preposition, an adverb shouted).
_SHOUTED_POS = frozenset("VERB AUX ADP SCONJ ADV PRON CCONJ PART DET".split())


def _shouted(tok, end: int) -> bool:
    """A word of four letters or more in capitals, a label (SHOUTED_WORDS) or read as no noun,
    before a word that is not in capitals: an acronym ("NATO", "US", "IS") is a noun, and a
    headline all in capitals ("CLOSE OUR SOUTHERN BORDER") keeps its words."""
    return (
        len(tok.text) >= 4
        and tok.is_upper
        and tok.is_alpha
        and (tok.lower_ in SHOUTED_WORDS or tok.pos_ in _SHOUTED_POS)
        and tok.i + 1 < end
        and not tok.doc[tok.i + 1].is_upper
    )


def _before_headline_verb(span):
    """A person's name without the headline the model ran it into ("Velmar Pleads Guilty",
    "Velmar To Sue", "Gregor Accused")."""
    doc = span.doc
    end = next((t.i for t in span[1:] if _headline_verb(t)), span.end)
    if end - 1 > span.start and doc[end - 1].tag_ == "VBN":
        end -= 1
    return doc[span.start : end]


def _headline_verb(tok) -> bool:
    return (
        tok.tag_ in ("VBZ", "VBD")
        or tok.lower_ in HEADLINE_VERBS
        or tok.lower_ in BOUNDARY_WORDS
        or tok.text == "&"
    )


def _person_mention(span, lex: Lexicon, places: PlaceSpans) -> ActorMention | None:
    doc = span.doc
    span = _before_headline_verb(span)
    name_start = skip_inner_titles(span)
    role_start = role_start_before(doc, name_start)
    name = doc[name_start : span.end]
    if role_start < name_start and doc[name_start - 1].lower_ in BOUNDARY_WORDS:
        return None  # "secretary of State", "professor of Dogmatic Theology": no one's name
    # the model may cut a hyphenated head ("McCarrick Cover-" of "Cover-up")
    head = head_word(name.text + _WORD_REST.match(doc_text(doc), name.end_char).group())
    if head.rstrip("-") in EVENT_HEADS or head in EVENT_HEADS:
        return None  # "McCarrick Cover-up" is something said about him
    if title_only(name.text):
        # "Pope", "Mr.": a title standing for a name, resolved with the article's people
        return make_mention(
            doc[role_start : span.end], name, doc[role_start : span.end].text, PERSON
        )
    if role_start == name_start and name_start == span.start:
        # No title vouches for a person: the model's PERSON may be a town, a weapon or a people.
        last = name[-1].lower_
        if head in ORG_HEADS:
            return make_mention(name, name, None, ORGANIZATION)  # "Keth Hydro", "Catholic Church"
        if last in NON_ACTOR_HEADS or last in LANDMARKS:
            return None  # "Velmora Dam"
        if _is_place(name, lex, places) and not _posted_to(name):
            return _place_mention(name, lex, places)
        if _attached_to(name) & NON_ACTOR_HEADS:
            return None
        if fold(name.text) in lex.nation_of:
            return make_mention(name, name, None, GROUP)  # "Kurd-led forces"
    role_end = appositive_role_end(name)
    if role_start < name_start:
        role = doc[role_start:name_start]
        return make_mention(doc[role_start : span.end], name, role.text, PERSON)
    if role_end is not None:
        role = doc[name.end : role_end]
        role_text = strip_determiners(role)
        return make_mention(doc[name.start : role_end], name, role_text, PERSON)
    return make_mention(name, name, None, PERSON)


def _org_mention(span, lex: Lexicon, places: PlaceSpans) -> ActorMention | None:
    if any(t.lower_ in ("'s", "\u2019s") for t in span):
        return None  # headline noise ("Coalition's War Crimes")
    head = _head_of(span)
    if _headline_noise(span, lex):
        return None
    if len(span) == 1 and not is_acronym(span.text):
        tok = span[0]
        if tok.dep_ == "amod" or _is_place(span, lex, places):
            return None  # "Takfiri groups", "through Qamishli"
    if head.lemma_.lower() in NON_ACTOR_HEADS or _attached_to(span) & THING_NOUNS:
        return None
    if head.lower_ in FORCE_NOUNS and all(
        t.i == head.i or fold(t.text) in lex.nation_of for t in span
    ):
        return None  # "Turkish Army" is a demonym group, made by group_mentions
    return make_mention(span, span, None, ORGANIZATION)


def _headline_noise(span, lex: Lexicon) -> bool:
    """In a Title Case Headline the model calls any capitalized run an ORG ("Broken Promises");
    there, keep only names that look like organizations."""
    if len(span) < 2 or span[-1].lower_ in ORG_CUES or fold(span.text) in lex.org_alias:
        return False
    line = line_around(doc_text(span.doc), span.start_char, span.end_char)
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", line)
    capitalized = sum(1 for w in words if w[0].isupper())
    return len(words) >= 4 and capitalized >= 0.7 * len(words)


def _place_mention(span, lex: Lexicon, places: PlaceSpans) -> ActorMention | None:
    key = fold(span.text)
    capital = lex.capital_of.get(key)
    if capital is not None and not _is_country_name(key, lex):
        if _acts(span):
            return make_mention(span, span, None, GOVERNMENT, metonymy_of=capital)
        return None
    if key in lex.nation_of:
        return make_mention(span, span, None, COUNTRY) if _acts(span) else None
    if places.covers(span.start_char, span.end_char) or _is_place(span, lex, places):
        return None
    return make_mention(span, span, None, UNKNOWN)  # "Erodogan", "Khalil": settled by settle_types


def _is_country_name(key: str, lex: Lexicon) -> bool:
    # Singapore, Kuwait: the capital is the country.
    return lex.nation_of.get(key) in lex.countries and lex.nation_of[key] == lex.capital_of[key]


def _people_mention(span, lex: Lexicon) -> ActorMention | None:
    """A bare plural demonym used as a noun: "Syria's Kurds are battling"."""
    if len(span) != 1 or span[0].dep_ in ("amod", "compound", "npadvmod"):
        return None
    if span[0].tag_ not in ("NNS", "NNPS") or fold(span.text) not in lex.nation_of:
        return None
    return make_mention(span, span, None, GROUP)


def _is_place(span, lex: Lexicon, places: PlaceSpans) -> bool:
    if places.covers(span.start_char, span.end_char):
        return True
    key = fold(span.text)
    if key in lex.capital_of or lex.nation_of.get(key) in lex.countries:
        return True
    if span[0].lower_ in TOPONYM_PREFIXES and len(span) > 1:
        return True
    head = _head_of(span)
    gov = head.head
    if head.dep_ == "pobj":
        if gov.lower_ in LOCATIVE_PREPS:
            return True
        if gov.lower_ == "of" and gov.head.lemma_.lower() in PLACE_NOUNS:
            return True  # "the city of Raqqa"
    return head.dep_ in ("compound", "nmod") and gov.lemma_.lower() in PLACE_NOUNS


# Titles of someone sent to a place: "the ambassador to Tanzania John Lange" hangs the name on
# "to" as if it were where someone went.


def _posted_to(span) -> bool:
    """A name the parser made the object of "to" after a posted title, the place it names
    before it ("ambassador to Tanzania John Lange"): the title's holder, not a place."""
    head = _head_of(span)
    gov = head.head
    return (
        len(span) >= 2
        and head.dep_ == "pobj"
        and gov.lower_ == "to"
        and gov.head.lemma_.lower() in POSTED_TITLES
    )


def _envoy_after_place(span, lex: Lexicon):
    """The name in "Ambassador to Kenya Prudence Bushnell", which the model runs into one
    organization with the country: a country, then two or three capitalized words that are
    no organization's, after a posted title. None otherwise."""
    if len(span) < 3 or not _posted_to(span):
        return None
    if fold(span[0].text) not in lex.nation_of and fold(span[0].text) not in lex.capital_of:
        return None
    name = span[1:]
    if len(name) > 3 or not all(t.is_title and t.is_alpha for t in name):
        return None
    return None if head_word(name.text) in ORG_HEADS else name


def _acts(span) -> bool:
    """Whether a place name is used as an actor rather than a location."""
    tok = _head_of(span)
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head  # "Russia and Turkey came to an agreement"
    dep, gov = tok.dep_, tok.head
    if dep in ("nsubj", "nsubjpass", "csubj", "agent"):
        return True
    if dep == "pobj" and gov.lower_ in ACTOR_PREPS:
        if gov.lower_ == "by":
            return gov.head.pos_ == "VERB" or gov.dep_ == "agent"
        return gov.head.lemma_.lower() not in PLACE_NOUNS  # "a deal with", not "border with"
    if dep == "npadvmod" and gov.lower_ in AGENTIVE_PARTICIPLES:
        return True
    return dep == "poss" and gov.lemma_.lower() in ACTION_NOUNS


def _head_of(span):
    return span.root


def _attached_to(span) -> set[str]:
    """Lemmas of the words a name hangs off, through coordination: "Patriot missile systems and
    Counter Rocket" hangs off "systems"."""
    tok = span.root
    out = set()
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
        out.add(tok.lemma_.lower())
    out.add(tok.head.lemma_.lower())
    return out
