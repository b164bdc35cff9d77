"""Places: which spans of an article name a place, and which GeoNames place each one is.

Detection starts from spaCy's entities and fixes their types with the gazetteer and the words
around them: a small model tags "Qamishli" ORG and "Ras al-Ayn" PERSON, so an ORG or PERSON span
becomes a place only when the gazetteer knows the whole name *and* the sentence puts it where a
place goes ("in", "near", "the town of"); a span led by a title ("Gen Mazloum Kobani") or used as a
speaker never does. A proper noun the model missed is taken only in the same strong context.

Resolution scores every gazetteer candidate on priors (population, main name rather than an
alternate one, countries and states over towns of the same name) and on the article: the
countries and states its other places point to, the dateline, "Town, State" qualifiers and the
peoples it names (NORP). Two passes: the first picks each place on priors, the second re-scores
with the others' picks as context. Then the article's focus (its country, the state most of its
places are in, the most mentioned town there) breaks ties between namesakes by log distance
(local news names local places), and a name the gazetteer lacks (a street, a building, a river)
or whose only namesakes are small towns far away is put at the focus with low confidence and
`resolution="contained-in-focus"`. AP state abbreviations ("Ky.", "W. Va.") name US states, and
peoples of countries and continents ("Syrian", "European") are places too. Look-ups are cached
per process.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from newsprism.understand.gazetteer import Gazetteer, GazetteerEntry
from newsprism.understand.place_ranker import PlaceRanker, packaged_ranker
from newsprism.understand.place_ranker.features import (
    ArticleContext,
    mention_features,
)
from newsprism.understand.place_ranker.features import within as _within
from newsprism.understand.toponyms import toponym_key

PLACE_LABELS = {"GPE", "LOC"}
# Labels a small model puts on places it mistypes; they become places only in place context.
RETYPABLE_LABELS = {"ORG", "PERSON", "FAC", "NORP"}
# Words after which a capitalised name is where something happens.
_LOCATIVE = {
    "in", "near", "from", "to", "into", "at", "outside", "around", "towards", "toward", "across",
    "through", "via", "nearby", "between", "and", "or", "of", "inside", "within", "past", "beyond",
    "neighbouring", "neighboring",
}  # fmt: skip
# People are talked to, heard from and met at: these are no evidence that a PERSON span is a place.
_WEAK_FOR_PEOPLE = {"to", "from", "at", "via", "past"}
# Verbs whose direct object is a place ("fled Qamishli", "entered Ras al-Ain"): enough to make a
# mistyped ORG a place the gazetteer knows, never a PERSON (one can "leave Trump").
_PLACE_VERBS = {
    "flee", "enter", "reach", "capture", "shell", "storm", "besiege", "bomb", "evacuate",
    "encircle", "surround", "liberate", "recapture", "overrun", "invade",
}  # fmt: skip
# "the town of X", "X countryside": nouns that make a neighbouring name a place.
_PLACE_NOUNS = {
    "town", "city", "village", "province", "governorate", "region", "district", "countryside",
    "border", "outskirts", "suburbs", "capital", "county", "state", "area", "crossing",
    "towns", "cities", "villages", "provinces", "regions", "districts", "areas",
}  # fmt: skip
_TOWN_NOUNS = {"town", "city", "village", "towns", "cities", "villages", "capital"}
_DIRECTIONS = re.compile(
    r"^(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|"
    r"southeast|southwest|upper|lower)\s+",
    re.IGNORECASE,
)
_TITLES = {
    "gen", "general", "mr", "mrs", "ms", "dr", "president", "minister", "commander", "col",
    "colonel", "lt", "maj", "major", "capt", "captain", "sgt", "sheikh", "king", "prince",
    "sen", "senator", "rep", "gov", "governor", "mayor", "judge", "prof", "sir", "lord", "imam",
}  # fmt: skip
_ORG_WORDS = {
    "party", "forces", "force", "council", "army", "ministry", "congress", "university", "bank",
    "company", "group", "front", "movement", "committee", "agency", "court", "police", "news",
    "times", "post", "institute", "union", "brigade", "corps", "command", "office", "club",
}  # fmt: skip
_SPEECH = re.compile(
    r"\s*(?:,\s*)?(?:said|says|told|added|stated|tweeted|wrote|called\s+(?:for|on)|urged|warned"
    r"|announced|claimed|insisted|denied|accused|stressed)\b"
)
# Trailing words that qualify a name without being in GeoNames' ("Raqqa province").
_GENERIC_SUFFIXES = {"province", "governorate", "region", "city", "countryside", "area", "district"}
_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'\u2019-]{2,40}?)\s*(?:,|\(|\u2013|\u2014|-{1,2})")
_ADMIN_CODES = {"PCLI", "CONT", "ADM1", "ADM2"}
# A name the gazetteer lacks is put at the article's focus place with this confidence at most.
_CONTAINED_CONFIDENCE = 0.3
_FOCUS_CONFIDENCE = 0.4
_NEAR_FOCUS_WEIGHT = 0.3
_NEAR_FOCUS_LEVEL = 1
# A town this small whose name an article uses far from where the article is, is a namesake.
_STRAY_POPULATION = 20_000
_STRAY_KM = 250  # farther than this from the focus and from every other town: a stray namesake
_WORD = re.compile(r"[^\W_]+")
_NAME_CONNECTORS = {
    "of", "the", "and", "on", "upon", "de", "du", "des", "la", "le", "les", "del", "di", "da",
    "al", "el", "y", "van", "von", "der", "den", "s", "st",
}  # fmt: skip
# US states as AP style abbreviates them after a town's name ("Paducah, Ky."), with the
# dotted postal codes and a few older forms news still writes; spaces are dropped before the
# look-up ("W. Va."). Written with their dots: "Ill." and "Ga." are not "ILL" or the code GA.
_US_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Cal.": "California", "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware",
    "D.C.": "District of Columbia", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Kans.": "Kansas", "Ky.": "Kentucky",
    "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts", "Mich.": "Michigan",
    "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri", "Mont.": "Montana",
    "Neb.": "Nebraska", "Nebr.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Oreg.": "Oregon",
    "Pa.": "Pennsylvania", "Penn.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee", "Tex.": "Texas",
    "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wisc.": "Wisconsin", "Wyo.": "Wyoming",
}  # fmt: skip
# Whether resolve_places and find_places use the packaged learned ranker by default.
USE_RANKER = False
_TOWN_BEFORE = re.compile(r"\b(?:city|town|village|capital)\s+of\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    geonameid: int | None
    name: str | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    feature_class: str | None
    feature_code: str | None
    confidence: float
    label: str
    # "gazetteer": the gazetteer's place of that name; "contained-in-focus": a name the gazetteer
    # lacks (a street, a building, a river), placed at the article's focus place, which it is
    # taken to lie in (low confidence); "unresolved": nothing found.
    resolution: str = "gazetteer"


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    candidates: tuple[GazetteerEntry, ...]
    town_noun: bool = False  # "the city of X": a town, not the province of the same name
    qualifier: int | None = None  # index of the mention that qualifies it ("Atlanta, Georgia")
    scores: list[float] = field(default_factory=list)
    best: int = -1
    confidence: float = 0.0
    contained_in: GazetteerEntry | None = None  # the focus place a name the gazetteer lacks is in
    form: int = 0  # which of the name's forms found the candidates (0: the name as written)

    @property
    def pick(self) -> GazetteerEntry | None:
        return self.candidates[self.best] if self.best >= 0 else None

    @property
    def place(self) -> GazetteerEntry | None:
        """Where the mention is put: its pick, else the focus place it is taken to lie in."""
        return self.pick or self.contained_in


# --- look-ups --------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _lookup(gazetteer: Gazetteer, name: str) -> tuple[GazetteerEntry, ...]:
    return tuple(gazetteer.lookup(name))


def candidates(gazetteer: Gazetteer, text: str) -> tuple[GazetteerEntry, ...]:
    """Gazetteer entries for a mention, trying the forms news writes around the name: "the
    United States", "Syria's", "Raqqa province", "Ky." (an AP abbreviation of a US state)."""
    return _candidates_and_form(gazetteer, text)[1]


def _candidates_and_form(gazetteer: Gazetteer, text: str) -> tuple[int, tuple[GazetteerEntry, ...]]:
    """The candidates, and which form of the name found them (0: as written; the ranker weighs
    "Syrians" found as "Syrian" less than a name found whole)."""
    state = _US_STATE_ABBREVIATIONS.get(re.sub(r"\s+", "", text.strip()).removesuffix("'s"))
    if state is not None:
        return 0, tuple(e for e in _lookup(gazetteer, state)
                        if e.feature_code == "ADM1" and e.country == "US")  # fmt: skip
    forms = _name_forms(text)
    for k, form in enumerate(forms):
        found = _lookup(gazetteer, form)
        if _is_code(text):
            # "EU", "UK": codes, not towns that happen to be spelt so (Eu, France)
            found = tuple(e for e in found if not e.matched_main_name or e.name.isupper()
                          or e.feature_class != "P")  # fmt: skip
        if k > 0 and _DIRECTIONS.match(text.strip()):
            # "northern Syria" is a region of a country or state, "East Bank" no town Bank
            found = tuple(e for e in found if e.feature_code in ("PCLI", "ADM1"))
        if found:
            return k, found
    return 0, ()


def _is_code(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 3 and bare.isupper()


def _name_forms(text: str) -> list[str]:
    name = re.sub(r"[\u2019']s$", "", text.strip()).strip()
    name = re.sub(r"^(?:the|The)\s+", "", name)
    forms = [name]
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _GENERIC_SUFFIXES:
        forms.append(" ".join(words[:-1]))
    if name.endswith("s") and len(name) > 4:
        forms.append(name[:-1])  # "Syrians": the demonym is a name of the country
    bare = _DIRECTIONS.sub("", name)  # "northern Syria" (after "North Carolina" is tried whole)
    if bare and bare != name:
        forms.append(bare)
    return forms


# --- scoring ---------------------------------------------------------------------------------


def _prior(entry: GazetteerEntry, m: _Mention, big_town_names: set[str]) -> float:
    code = entry.feature_code
    population = entry.population
    if code in ("ADM1", "ADM2"):
        # A division's population is that of all its towns, yet news names it less often
        # than its main town ("Raqqa" is mostly the city).
        population //= 10
    score = 0.35 * math.log10(population + 1)
    if entry.matched_main_name:
        score += 0.6
    if code in ("PCLI", "CONT"):
        score += 2.5
    elif code == "ADM1" and entry.matched_main_name:
        # "New York" the city, not the state, when a big town has the same main name.
        score += -0.5 if toponym_key(entry.name) in big_town_names else 1.5
    elif code == "ADM2":
        score += 0.3
    if m.town_noun:
        score += 1.0 if entry.feature_class == "P" else -1.0
    if len(m.text) <= 4 and m.text.replace(".", "").isupper() and code != "PCLI":
        score -= 2.0  # "US", "UK": codes, not the French village Us
    return score


@dataclass
class _Context:
    """The other place names of an article, gathered once per pass rather than once per
    mention (that was quadratic in a long article's names): each name's first mention with a
    pick, in text order, and each local place picked, with how many mentions picked it."""

    firsts: list[tuple[str, _Mention]] = field(default_factory=list)
    local: dict[int, tuple[GazetteerEntry, int]] = field(default_factory=dict)

    def nearby(self, m: _Mention) -> list[GazetteerEntry]:
        """The local places the other mentions picked (`m`'s own pick only when another
        mention picked it too)."""
        own = m.pick.geonameid if m.pick is not None and _is_local(m.pick) else None
        return [e for g, (e, n) in self.local.items() if g != own or n > 1]


def _context(mentions: list[_Mention], keys: list[str]) -> _Context:
    context = _Context()
    firsts: dict[str, _Mention] = {}
    for key, m in zip(keys, mentions, strict=True):
        pick = m.pick
        if pick is None:
            continue
        firsts.setdefault(key, m)
        if _is_local(pick):
            entry, n = context.local.get(pick.geonameid, (pick, 0))
            context.local[pick.geonameid] = (entry, n + 1)
    context.firsts = list(firsts.items())
    return context


def _score(
    m: _Mention,
    key: str,
    context: _Context,
    qualifier: GazetteerEntry | None,
    dateline: GazetteerEntry | None,
    demonym_countries: Counter[str],
    big_town_names: set[str],
) -> list[float]:
    countries: Counter[str] = Counter(demonym_countries)
    admins: Counter[tuple[str, str]] = Counter()
    total = sum(demonym_countries.values())
    for other_key, other in context.firsts:
        if other_key == key:
            continue  # each other name counts once: "US" 12 times is one piece of evidence
        pick = other.pick  # never None: `firsts` holds mentions with a pick
        weight = other.confidence
        total += weight
        if pick.country:
            countries[pick.country] += weight
        if pick.country and pick.admin1 and pick.feature_code not in ("PCLI", "CONT"):
            admins[(pick.country, pick.admin1)] += weight
    if dateline is not None and dateline.country:
        countries[dateline.country] += 2.0
        total += 2.0
        if dateline.admin1:
            admins[(dateline.country, dateline.admin1)] += 1.0
    nearby = context.nearby(m)
    scores = []
    for entry in m.candidates:
        s = _prior(entry, m, big_town_names)
        if total > 0 and entry.country and countries[entry.country] > 0:
            s += 1.0 + 2.0 * countries[entry.country] / total
            if entry.admin1 and entry.feature_code not in ("PCLI", "ADM1"):
                s += 1.5 * admins[(entry.country, entry.admin1)] / total
        if qualifier is not None and _within(entry, qualifier):
            s += 3.0
        if nearby and _is_local(entry):
            # places an article names together tend to lie near each other
            km = min(_approx_km(entry, other) for other in nearby)
            s += 1.5 * math.exp(-km / 150)
        scores.append(s)
    return scores


def _qualifier(m: _Mention, mentions: list[_Mention]) -> GazetteerEntry | None:
    return mentions[m.qualifier].pick if m.qualifier is not None else None


def _is_local(entry: GazetteerEntry | None) -> bool:
    return entry is not None and entry.feature_code not in ("PCLI", "CONT", "ADM1")


def _approx_km(a: GazetteerEntry, b: GazetteerEntry) -> float:
    """Equirectangular distance: exact enough below a few hundred km, and cheap."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def _choose(m: _Mention, scores: list[float]) -> None:
    m.scores = scores
    if not scores:
        m.best, m.confidence = -1, 0.0
        return
    top = max(scores)
    m.best = scores.index(top)
    weights = [math.exp(s - top) for s in scores]
    m.confidence = 1.0 / sum(weights)


def _big_town_names(mentions: list[_Mention]) -> set[str]:
    return {
        toponym_key(e.name)
        for m in mentions
        for e in m.candidates
        if e.feature_class == "P" and e.matched_main_name and e.population >= 500_000
    }


def _resolve(
    mentions: list[_Mention],
    dateline: GazetteerEntry | None,
    demonym_countries: Counter[str],
    ranker: PlaceRanker | None = None,
) -> None:
    """The rules' picks; then, given a ranker, its picks with the rules' verdicts as features."""
    _resolve_by_rules(mentions, dateline, demonym_countries)
    if ranker is not None:
        tables = candidate_tables(mentions, dateline, demonym_countries)
        for table in tables:  # all tables first: each sees the rules' picks of the others
            if table.entries:
                table.choose(ranker.predict_proba(table.features))


def _resolve_by_rules(
    mentions: list[_Mention], dateline: GazetteerEntry | None, demonym_countries: Counter[str]
) -> None:
    big = _big_town_names(mentions)
    keys = [toponym_key(m.text) for m in mentions]
    for m, key in zip(mentions, keys, strict=True):  # priors only
        _choose(m, _score(m, key, _Context(), None, None, Counter(), big))
    for _ in range(2):  # then with the other places, the dateline and the peoples as context
        context = _context(mentions, keys)
        scored = [
            _score(m, key, context, _qualifier(m, mentions), dateline, demonym_countries, big)
            for m, key in zip(mentions, keys, strict=True)
        ]
        for m, scores in zip(mentions, scored, strict=True):
            _choose(m, scores)
    _prefer_near_focus(mentions, _focus(mentions, dateline))
    _contain_unknown_names(mentions, dateline)


@dataclass
class CandidateTable:
    """One mention's candidates for the ranker (its gazetteer entries, then the article's focus
    place) with their feature rows; `choose` applies the ranker's probabilities."""

    mention: _Mention
    entries: list[GazetteerEntry]
    features: np.ndarray
    focus: GazetteerEntry | None

    def choose(self, probabilities: np.ndarray) -> None:
        m = self.mention
        k = int(np.argmax(probabilities))
        if k < len(m.candidates):
            m.best, m.contained_in = k, None
        else:  # the focus place: the name lies in the area the article is about
            m.best, m.contained_in = -1, self.entries[k]
        m.confidence = float(probabilities[k])

    def result(self) -> PlaceMention:
        return _to_mention(self.mention)


def candidate_tables(
    mentions: list[_Mention], dateline: GazetteerEntry | None, demonym_countries: Counter[str]
) -> list[CandidateTable]:
    """Feature tables of every mention, from the rules' resolution of the article."""
    focus = _focus(mentions, dateline)
    ctx = ArticleContext(
        dateline, focus, demonym_countries, frozenset(_big_town_names(mentions)),
        Counter(toponym_key(m.text) for m in mentions), len(mentions),
    )  # fmt: skip
    big = set(ctx.big_town_names)
    qualifiers: dict[str, list[GazetteerEntry]] = {}
    for m in mentions:
        q = mentions[m.qualifier].pick if m.qualifier is not None else None
        if q is not None:
            qualifiers.setdefault(toponym_key(m.text), []).append(q)
    tables = []
    for i, m in enumerate(mentions):
        local = [o.pick for o in mentions if o is not m and _is_local(o.pick)]
        stray = [focus is not None and _stray(e, focus, local) for e in m.candidates]
        priors = [_prior(e, m, big) for e in m.candidates]
        qualifier = mentions[m.qualifier].pick if m.qualifier is not None else None
        entries, rows = mention_features(i, mentions, ctx, priors, qualifier, stray, m.form,
                                         qualifiers.get(toponym_key(m.text), ()))  # fmt: skip
        tables.append(CandidateTable(m, entries, np.array(rows, dtype=np.float64), focus))
    return tables


def _prefer_near_focus(mentions: list[_Mention], focus: GazetteerEntry | None) -> None:
    """Local news names local places: among namesakes, the nearer the article's focus the
    likelier (Athens, Georgia in a story from Atlanta; Dublin, Ohio in one from Columbus). The
    penalty grows with the log of the distance, so it decides between namesakes far apart and
    leaves neighbours to the other evidence. Countries and continents are not moved."""
    if focus is None or _level(focus) < _NEAR_FOCUS_LEVEL:
        return
    for m in mentions:
        if len(m.candidates) < 2:
            continue
        scores = [
            s if e.feature_code in ("PCLI", "CONT")
            else s - _NEAR_FOCUS_WEIGHT * math.log1p(_approx_km(e, focus) / 100)
            for e, s in zip(m.candidates, m.scores, strict=True)
        ]  # fmt: skip
        _choose(m, scores)


def _level(entry: GazetteerEntry) -> int:
    """How specific a place is: a town (3), a county (2), a state (1), a country (0)."""
    if entry.feature_class == "P":
        return 3
    return {"ADM2": 2, "ADM1": 1, "PCLI": 0}.get(entry.feature_code or "", -1)


def _focus(mentions: list[_Mention], dateline: GazetteerEntry | None) -> GazetteerEntry | None:
    """The place an article is about, drilled down: the country most of its places are in, then
    the state most of them there are in (a state named outright counts double: it says where
    the story is), then the most mentioned town or county in that state; the state or country
    itself where the article names no town there. The dateline counts as two mentions."""
    weighted = [
        (m.pick, 1.0)
        for m in mentions
        if m.pick is not None and _level(m.pick) >= 0 and m.confidence >= _FOCUS_CONFIDENCE
    ]
    if dateline is not None and _level(dateline) >= 0:
        weighted.append((dateline, 2.0))
    if not weighted:
        return None
    countries: Counter[str | None] = Counter()
    states: Counter[tuple[str | None, str]] = Counter()
    biggest: Counter[tuple[str | None, str]] = Counter()  # ties go to the state of bigger places
    for e, w in weighted:
        countries[e.country] += w
        if e.admin1 and _level(e) >= 1:
            states[(e.country, e.admin1)] += 2 * w if _level(e) == 1 else w
            biggest[(e.country, e.admin1)] = max(biggest[(e.country, e.admin1)], e.population)
    country = countries.most_common(1)[0][0]
    inside = [(e, w) for e, w in weighted if e.country == country]
    in_country = [k for k in states if k[0] == country]
    if in_country:
        state = max(in_country, key=lambda k: (states[k], biggest[k]))[1]
        inside = [(e, w) for e, w in inside if e.admin1 == state]
    votes: Counter[int] = Counter()
    entries: dict[int, GazetteerEntry] = {}
    for e, w in inside:
        votes[e.geonameid] += w
        entries[e.geonameid] = e
    # a town or county over a state, then the most mentioned, then the more specific
    best = max(entries, key=lambda g: (_level(entries[g]) >= 2, votes[g], _level(entries[g])))
    return entries[best]


def _contain_unknown_names(mentions: list[_Mention], dateline: GazetteerEntry | None) -> None:
    """Names the gazetteer lacks (streets, buildings, neighbourhoods, rivers) lie, nearly
    always, inside the area the article is about: put them at its focus, with low confidence.
    So do names whose only namesakes are small towns far from that area (a "Washington
    Square" in a New Orleans story is a square there, not the town in Pennsylvania)."""
    focus = _focus(mentions, dateline)
    if focus is None or (_level(focus) < 1 and _country_share(mentions, focus) < 2 / 3):
        # A country focus only when the article is plainly about that one country: better no
        # point than a wrong one (Al-Tanf is not in the United States because a story about
        # Syria names the US most).
        return
    for m in mentions:
        if not _looks_like_name(m.text):
            continue
        local = [o.pick for o in mentions if o is not m and _is_local(o.pick)]
        if m.pick is not None and _stray(m.pick, focus, local):
            _pick_namesake_near_the_others(m, mentions)
        if m.pick is None or _stray(m.pick, focus, local):
            m.best = -1
            m.contained_in = focus
            m.confidence = _CONTAINED_CONFIDENCE


def _pick_namesake_near_the_others(m: _Mention, mentions: list[_Mention]) -> None:
    """A stray pick may hide the right namesake: "Ras al-Ain" first finds a Moroccan village
    while the Syrian town lies next to the article's Tal Abyad. Take the best-scored namesake
    the town another name of the article was put at."""
    key = toponym_key(m.text)
    others = [o.pick for o in mentions if toponym_key(o.text) != key and _is_local(o.pick)]
    near = [
        k
        for k, e in enumerate(m.candidates)
        if _is_local(e) and any(_approx_km(e, o) <= _STRAY_KM for o in others if o is not None)
    ]
    if near:
        m.best = max(near, key=lambda k: m.scores[k])


def _country_share(mentions: list[_Mention], focus: GazetteerEntry) -> float:
    countries = [m.pick.country for m in mentions if m.pick is not None and m.pick.country]
    return countries.count(focus.country) / len(countries) if countries else 0.0


def _stray(
    entry: GazetteerEntry, focus: GazetteerEntry, local: list[GazetteerEntry | None]
) -> bool:
    """A small town outside the article's country, or far outside its state, and far from
    every other town the article names: a border town next to the towns around it is where
    the story is (Ras al-Ayn in Syria in a story told from Turkey), not a stray namesake."""
    if entry.feature_class != "P" or entry.population >= _STRAY_POPULATION:
        return False
    if any(
        other is not None and other.geonameid != entry.geonameid
        and _approx_km(entry, other) <= _STRAY_KM
        for other in local
    ):  # fmt: skip
        return False
    if entry.country != focus.country:
        return True
    return (
        _level(focus) >= 1 and entry.admin1 != focus.admin1 and _approx_km(entry, focus) > _STRAY_KM
    )


def _looks_like_name(text: str) -> bool:
    """ "Royal Street", "Port of Spain", "A417": every word but the little ones capitalised."""
    words = [w for w in _WORD.findall(text) if w.lower() not in _NAME_CONNECTORS]
    return bool(words) and all(w[0].isupper() or w[0].isdigit() for w in words)


def _link_qualifiers(text: str, mentions: list[_Mention]) -> None:
    """ "Atlanta, Georgia", "Alexandria, Va.": the second names the state or country the first is
    in."""
    by_start = {m.start: j for j, m in enumerate(mentions)}
    for m in mentions:
        gap = re.match(r",\s*", text[m.end : m.end + 4])
        if gap is None:
            continue
        j = by_start.get(m.end + gap.end())
        if j is not None and any(e.feature_code in ("ADM1", "PCLI")
                                 for e in mentions[j].candidates):  # fmt: skip
            m.qualifier = j


def _to_mention(m: _Mention) -> PlaceMention:
    e = m.place
    if e is None:
        return PlaceMention(m.start, m.end, m.text, None, None, None, None, None, None, None,
                            None, 0.0, m.label, "unresolved")  # fmt: skip
    return PlaceMention(
        start=m.start,
        end=m.end,
        text=m.text,
        geonameid=e.geonameid if e.geonameid > 0 else None,
        name=e.name,
        lat=e.lat,
        lon=e.lon,
        country=e.country,
        admin1=e.admin1,
        feature_class=e.feature_class,
        feature_code=e.feature_code,
        confidence=round(m.confidence, 3),
        label=m.label,
        resolution="gazetteer" if m.pick is not None else "contained-in-focus",
    )


def _dateline_entry(gazetteer: Gazetteer, dateline: str | None, text: str) -> GazetteerEntry | None:
    """The dateline's place: given ("DAMASCUS"), else read off the text's start ("DAMASCUS, Oct
    13 (Reuters) -")."""
    if not dateline:
        match = _DATELINE.match(text[:60])
        dateline = match.group(1) if match else None
    if not dateline:
        return None
    name = dateline.strip().title()
    probe = _Mention(0, len(name), name, "DATELINE", candidates(gazetteer, name))
    return max(probe.candidates, key=lambda e: _prior(e, probe, set()), default=None)


def _new_mention(gazetteer: Gazetteer, text: str, start: int, end: int, label: str) -> _Mention:
    form, found = _candidates_and_form(gazetteer, text[start:end])
    return _Mention(start, end, text[start:end], label, found, _town_noun_before(text, start),
                    form=form)  # fmt: skip


def _ranker(ranker: PlaceRanker | bool | None) -> PlaceRanker | None:
    """None: the default (the packaged model when USE_RANKER); False: the rules alone."""
    if isinstance(ranker, PlaceRanker):
        return ranker
    if ranker is None:
        ranker = USE_RANKER
    return packaged_ranker() if ranker else None


def _gold_mentions(
    text: str, spans: list[tuple[int, int]], gazetteer: Gazetteer, dateline: str | None,
    labels: Sequence[str] | None,
) -> tuple[list[_Mention], GazetteerEntry | None]:  # fmt: skip
    mentions = [_new_mention(gazetteer, text, s, e, labels[k] if labels else "GPE")
                for k, (s, e) in enumerate(spans)]  # fmt: skip
    _link_qualifiers(text, mentions)
    return mentions, _dateline_entry(gazetteer, dateline, text)


def resolve_places(
    text: str,
    spans: list[tuple[int, int]],
    gazetteer: Gazetteer,
    dateline: str | None = None,
    labels: Sequence[str] | None = None,
    ranker: PlaceRanker | bool | None = None,
) -> list[PlaceMention]:
    """Resolve given place spans of `text` (one result per span, in order; geonameid None where
    the gazetteer has no such place). `ranker`: None for the default, False for the rules
    alone, True for the packaged model, or a PlaceRanker."""
    mentions, dateline_entry = _gold_mentions(text, spans, gazetteer, dateline, labels)
    _resolve(mentions, dateline_entry, Counter(), _ranker(ranker))
    return [_to_mention(m) for m in mentions]


def resolve_for_ranking(
    text: str, spans: list[tuple[int, int]], gazetteer: Gazetteer, dateline: str | None = None
) -> list[CandidateTable]:
    """The rules' resolution of given spans, as feature tables (for training and evaluating the
    ranker out of fold: `table.result()` is the rules' answer until `table.choose` is called)."""
    mentions, dateline_entry = _gold_mentions(text, spans, gazetteer, dateline, None)
    _resolve_by_rules(mentions, dateline_entry, Counter())
    return candidate_tables(mentions, dateline_entry, Counter())


# --- detection -------------------------------------------------------------------------------


def _locative_before(doc, start: int, places: set[int], person: bool) -> bool:  # noqa: ANN001
    """A place word just before token `start`: "in X", "near X", "the town of X", "Raqqa and X"."""
    if start == 0:
        return False
    if not person and doc[start - 1].lemma_.lower() in _PLACE_VERBS:
        return True
    prev = doc[start - 1].lower_
    if prev not in _LOCATIVE or (person and prev in _WEAK_FOR_PEOPLE):
        return False
    if prev in ("of", "and", "or"):
        # weak alone: only "the town of X" and a list of places ("Raqqa and X")
        return start >= 2 and (doc[start - 2].lower_ in _PLACE_NOUNS or start - 2 in places)
    return True


def _place_noun_after(doc, end: int) -> bool:  # noqa: ANN001
    return end < len(doc) and doc[end].lower_ in _PLACE_NOUNS


def _looks_like_person(doc, ent, text: str) -> bool:  # noqa: ANN001
    if ent.start > 0:
        prev = doc[ent.start - 1]
        if prev.lower_.rstrip(".") in _TITLES:
            return True
        if prev.is_title and prev.pos_ == "PROPN" and not prev.ent_type_:
            return True  # part of a longer name the model cut
    return bool(_SPEECH.match(text[ent.end_char : ent.end_char + 12]))


def _said_names(doc, text: str) -> set[str]:  # noqa: ANN001
    """Names used as speakers anywhere in the article ("Kobani said"): people, not places."""
    return {ent.text for ent in doc.ents if _SPEECH.match(text[ent.end_char : ent.end_char + 12])}


def _retype(doc, ent, gazetteer: Gazetteer, said: set[str], places: set[int],  # noqa: ANN001
            place_keys: set[str], text: str) -> bool:  # fmt: skip
    """Whether an ORG/PERSON/FAC span is a place the model mistyped: the gazetteer knows the
    whole name and the sentence puts it where a place goes (or the article already used the same
    name as a place: one sense per article)."""
    words = {t.lower_ for t in ent}
    if words & _ORG_WORDS or ent.text in said or ent.text.isupper():
        return False
    person = ent.label_ == "PERSON"
    if person and _looks_like_person(doc, ent, text):
        return False
    context = (
        _locative_before(doc, ent.start, places, person)
        or _place_noun_after(doc, ent.end)
        or toponym_key(ent.text) in place_keys
    )
    if not context:
        return False
    found = candidates(gazetteer, ent.text)
    return any(e.matched_main_name or e.population >= 5000 for e in found)


def _missed_spans(doc, places: set[int], gazetteer: Gazetteer) -> list[tuple[int, int]]:  # noqa: ANN001
    """Proper nouns outside any entity, right after "in"/"near" etc., that the gazetteer knows
    as a sizeable place or a division."""
    spans = []
    i = 0
    while i < len(doc) - 1:
        if doc[i].lower_ not in _LOCATIVE or doc[i].lower_ in ("of", "and", "or"):
            i += 1
            continue
        j = i + 1
        while (
            j < len(doc)
            and j not in places
            and not doc[j].ent_type_
            and (doc[j].pos_ == "PROPN" or (doc[j].text in ("-", "al") and j > i + 1))
        ):
            j += 1
        if j > i + 1 and doc[i + 1].is_title:
            found = candidates(gazetteer, doc[i + 1 : j].text)
            if any(e.population >= 10_000 or e.feature_code in _ADMIN_CODES for e in found):
                spans.append((i + 1, j))
        i = max(j, i + 1)
    return spans


def _demonym_countries(doc, gazetteer: Gazetteer) -> Counter[str]:  # noqa: ANN001
    """Countries of the peoples an article names ("Kurdish", "Turkish"): weak context."""
    votes: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ == "NORP":
            for e in candidates(gazetteer, ent.text):
                if e.feature_code == "PCLI" and e.country:
                    votes[e.country] += 0.3
                    break
    return votes


def _town_noun_before(text: str, start: int) -> bool:
    return bool(_TOWN_BEFORE.search(text[max(0, start - 24) : start]))


def _place_spans(doc, gazetteer: Gazetteer, text: str) -> list[tuple[int, int, str]]:  # noqa: ANN001
    """(start token, end token, label) of the spans that name places."""
    said = _said_names(doc, text)
    places: set[int] = set()
    place_keys: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    retypable = [e for e in doc.ents if e.label_ in RETYPABLE_LABELS - {"NORP"}]
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS:
            place_keys.add(toponym_key(ent.text))
    # Twice over the mistyped ones, so that a name made a place late in the article also makes
    # its earlier mentions places ("Ras al-Ain is one of two towns..." ... "near Ras al-Ain").
    decided: set[int] = set()
    for _ in range(2):
        for ent in doc.ents:
            if ent.start in decided:
                continue
            if (ent.label_ in PLACE_LABELS and not _speaker_not_place(ent, said, gazetteer)) or (
                ent in retypable and _retype(doc, ent, gazetteer, said, places, place_keys, text)
            ):
                decided.add(ent.start)
                spans.append((ent.start, ent.end, ent.label_))
                places.update(range(ent.start, ent.end))
                place_keys.add(toponym_key(ent.text))
    for ent in doc.ents:
        # "Syrian", "European": a people or an adjective of a country or continent points to it
        if (
            ent.label_ == "NORP"
            and ent.start not in places
            and _names_a_country(gazetteer, ent.text)
        ):
            spans.append((ent.start, ent.end, "NORP"))
            places.update(range(ent.start, ent.end))
    for start, end in _missed_spans(doc, places, gazetteer):
        spans.append((start, end, "PROPN"))
    return sorted(spans)


def _speaker_not_place(ent, said: set[str], gazetteer: Gazetteer) -> bool:  # noqa: ANN001
    """A GPE the model found that speaks ("Khalil called for...") and that the gazetteer knows
    only under another main name (Hebron, whose Arabic name is al-Khalil) is a person. A
    capital or country that speaks ("Damascus said") stays a place, for metonymy."""
    if ent.text not in said:
        return False
    return not any(
        e.matched_main_name or e.feature_code in _ADMIN_CODES or e.feature_code == "PPLC"
        for e in candidates(gazetteer, ent.text)
    )


def _names_a_country(gazetteer: Gazetteer, text: str) -> bool:
    return any(e.feature_code in ("PCLI", "CONT") for e in candidates(gazetteer, text))


def find_places(
    doc,  # noqa: ANN001
    gazetteer: Gazetteer,
    dateline: str | None = None,
    ranker: PlaceRanker | bool | None = None,
) -> list[PlaceMention]:
    """Places named in a parsed article, each resolved to a GeoNames place where the gazetteer
    has one, else to the article's focus place (`resolution="contained-in-focus"`), else left
    unresolved (geonameid None). `ranker` as in resolve_places."""
    mentions = []
    text = doc.text  # spaCy rebuilds it on every access: once per article
    for start, end, label in _place_spans(doc, gazetteer, text):
        span = doc[start:end]
        m = _new_mention(gazetteer, text, span.start_char, span.end_char, label)
        if label in PLACE_LABELS or m.candidates:
            mentions.append(m)
    _link_qualifiers(text, mentions)
    _resolve(mentions, _dateline_entry(gazetteer, dateline, text),
             _demonym_countries(doc, gazetteer), _ranker(ranker))  # fmt: skip
    return [_to_mention(m) for m in mentions]
