"""From place spans to PlaceMentions: `find_places` on a parsed article (detection, then
resolution), `resolve_places` on given spans. The rules pick first (places.rules); then, where
asked, the learned ranker re-ranks each name's candidates with the rules' verdicts among its
features (`CandidateTable`, also what the ranker is trained on).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.understand.gazetteer import Gazetteer, GazetteerEntry
from newsprism.understand.place_ranker import PlaceRanker, packaged_ranker
from newsprism.understand.place_ranker.features import (
    ArticleContext,
    mention_features,
)
from newsprism.understand.places.detection import (
    PLACE_LABELS,
    countries_of_peoples,
    place_spans,
    told_as_place,
    told_as_town,
)
from newsprism.understand.places.lookup import candidates, candidates_and_form
from newsprism.understand.places.organisations import (
    ORG_WORDS,
    code_or_compass,
    inner_place_names,
)
from newsprism.understand.places.rules import (
    Toponym,
    focus_place,
    is_local,
    is_stray,
    keep_near,
    lone_namesakes,
    names_of_big_towns,
    prior_score,
    resolve_by_rules,
)
from newsprism.understand.toponyms import toponym_key

# Whether resolve_places and find_places use the packaged learned ranker by default.
USE_RANKER = False
_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'\u2019-]{2,40}?)\s*(?:,|\(|\u2013|\u2014|-{1,2})")
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


def resolve_toponyms(
    mentions: list[Toponym],
    dateline: GazetteerEntry | None,
    demonym_countries: Counter[str],
    ranker: PlaceRanker | None = None,
) -> None:
    """The rules' picks; then, given a ranker, its picks with the rules' verdicts as features."""
    resolve_by_rules(mentions, dateline, demonym_countries)
    if ranker is not None:
        tables = candidate_tables(mentions, dateline, demonym_countries)
        for table in tables:  # all tables first: each sees the rules' picks of the others
            if table.entries:
                table.choose(ranker.predict_proba(table.features))
    keep_near(mentions)


@dataclass
class CandidateTable:
    """One mention's candidates for the ranker (its gazetteer entries, then the article's focus
    place) with their feature rows; `choose` applies the ranker's probabilities."""

    mention: Toponym
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
    mentions: list[Toponym], dateline: GazetteerEntry | None, demonym_countries: Counter[str]
) -> list[CandidateTable]:
    """Feature tables of every mention, from the rules' resolution of the article."""
    focus = focus_place(mentions, dateline)
    ctx = ArticleContext(
        dateline, focus, demonym_countries, frozenset(names_of_big_towns(mentions)),
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
        local = [o.pick for o in mentions if o is not m and is_local(o.pick)]
        stray = [focus is not None and is_stray(e, focus, local) for e in m.candidates]
        priors = [prior_score(e, m, big) for e in m.candidates]
        qualifier = mentions[m.qualifier].pick if m.qualifier is not None else None
        entries, rows = mention_features(i, mentions, ctx, priors, qualifier, stray, m.form,
                                         qualifiers.get(toponym_key(m.text), ()))  # fmt: skip
        tables.append(CandidateTable(m, entries, np.array(rows, dtype=np.float64), focus))
    return tables


def _link_qualifiers(text: str, mentions: list[Toponym]) -> None:
    """ "Atlanta, Georgia", "Alexandria, Va.": the second names the state or country the first is
    in. "The western Iraqi province of Anbar", "the Syrian town of Hamo": the people's country
    holds the place."""
    by_start = {m.start: j for j, m in enumerate(mentions)}
    by_end = {m.end: j for j, m in enumerate(mentions)}
    for m in mentions:
        gap = re.match(r",\s*", text[m.end : m.end + 4])
        j = by_start.get(m.end + gap.end()) if gap is not None else None
        if j is None:
            kind_of = _KIND_OF.search(text, max(0, m.start - 40), m.start)
            j = by_end.get(kind_of.start()) if kind_of is not None else None
        if j is not None and any(e.feature_code in ("ADM1", "PCLI")
                                 for e in mentions[j].candidates):  # fmt: skip
            m.qualifier = j
        near = _NEAR.match(text, m.end)
        if near is not None:
            m.near = by_start.get(near.end())


_NEAR = re.compile(r"(?:\s+village|\s+town)?,?\s+(?:near|outside|close to)\s+(?:the\s+)?")
# "[Iraqi] province of ", "[Syrian] border town of ": what follows is in the people's country
_KIND_OF = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:province|governorate|region|district|county|town|city|village|state"
    r"|capital|port|island)\s+of\s+$"
)


def _to_mention(m: Toponym) -> PlaceMention:
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
        # only a dateline the text opens with: one after a headline is read as one of the
        # article's places, in its context ("COLUMBUS", of Nebraska, is no anchor on its own)
        match = _DATELINE.match(text[:60])
        dateline = match.group(1) if match else None
    if not dateline:
        return None
    name = dateline.strip().title()
    probe = Toponym(0, len(name), name, "DATELINE", candidates(gazetteer, name))
    return max(probe.candidates, key=lambda e: prior_score(e, probe, set()), default=None)


def _new_mention(gazetteer: Gazetteer, text: str, start: int, end: int, label: str) -> Toponym:
    form, found = candidates_and_form(gazetteer, text[start:end])
    return Toponym(start, end, text[start:end], label, found, _town_noun_before(text, start),
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
) -> tuple[list[Toponym], GazetteerEntry | None]:  # fmt: skip
    mentions = [_new_mention(gazetteer, text, s, e, labels[k] if labels else "GPE")
                for k, (s, e) in enumerate(spans)]  # fmt: skip
    for m in mentions:
        if not m.candidates:
            m.candidates = _inner_place(gazetteer, m.text)
    _link_qualifiers(text, mentions)
    return mentions, _dateline_entry(gazetteer, dateline, text)


_NAME_JOINERS = {"of", "the", "for", "and", "&", "on", "de"}


def _inner_place(gazetteer: Gazetteer, name: str) -> tuple[GazetteerEntry, ...]:
    """The candidates of the place an organisation's name that the gazetteer lacks is named
    after ("the University of Alberta", "Tarrant County Public Health"). Other names keep none
    ("Cherry Hinton", "Lake Vermont": a village or a lake in the article's area, not Cherry
    County or Lake County), and so do words that are no name ("Shreveport police")."""
    words = name.split()
    if not all(w[:1].isupper() or w in _NAME_JOINERS for w in words):
        return ()
    lower = {w.lower().rstrip(".,") for w in words}
    if not lower & ORG_WORDS and "of" not in lower:
        return ()
    for a, b in inner_place_names(name):
        if not code_or_compass(name[a:b]):
            found = candidates(gazetteer, name[a:b])
            if found:
                return found
    return ()


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
    resolve_toponyms(mentions, dateline_entry, Counter(), _ranker(ranker))
    return [_to_mention(m) for m in mentions]


def resolve_for_ranking(
    text: str, spans: list[tuple[int, int]], gazetteer: Gazetteer, dateline: str | None = None
) -> list[CandidateTable]:
    """The rules' resolution of given spans, as feature tables (for training and evaluating the
    ranker out of fold: `table.result()` is the rules' answer until `table.choose` is called)."""
    mentions, dateline_entry = _gold_mentions(text, spans, gazetteer, dateline, None)
    resolve_by_rules(mentions, dateline_entry, Counter())
    return candidate_tables(mentions, dateline_entry, Counter())


def _town_noun_before(text: str, start: int) -> bool:
    return bool(_TOWN_BEFORE.search(text[max(0, start - 24) : start]))


def find_places(
    doc,
    gazetteer: Gazetteer,
    dateline: str | None = None,
    ranker: PlaceRanker | bool | None = None,
) -> list[PlaceMention]:
    """Places named in a parsed article, each resolved to a GeoNames place where the gazetteer
    has one, else to the article's focus place (`resolution="contained-in-focus"`), else left
    unresolved (geonameid None). `ranker` as in resolve_places."""
    mentions = []
    text = doc.text  # spaCy rebuilds it on every access: once per article
    person_words = _person_words(doc)
    surnames = _surnames(doc)
    placed: set[int] = set()  # mentions the words before them put somewhere ("in X")
    for start, end, label in place_spans(doc, gazetteer, text, dateline_in_text=not dateline):
        span = doc[start:end]
        if label != "GPE" and span.text in surnames and not told_as_town(doc, start, end):
            # the surname of a person the article names in full, that the model did not read
            # as a country or town and no word puts anywhere: "between Campos being shot and
            # Paddock opening fire", of the security guard Jesus Campos, is not Campos, Spain
            continue
        m = _new_mention(gazetteer, text, span.start_char, span.end_char, label)
        put_there = told_as_place(doc, start, end, strict=True)
        if put_there:
            placed.add(m.start)
        # a name the model tagged as a place that the gazetteer does not know is one where the
        # words around it say so, and where the article gives no person that name ("Louis
        # Farrakhan" ... "support for Farrakhan", "the media's Farrakhan embargo")
        if m.candidates or (label in PLACE_LABELS and m.text not in person_words
                            and (put_there or told_as_place(doc, start, end))):  # fmt: skip
            mentions.append(m)
    _link_qualifiers(text, mentions)
    resolve_toponyms(mentions, _dateline_entry(gazetteer, dateline, text),
                     countries_of_peoples(doc, gazetteer), _ranker(ranker))  # fmt: skip
    # a name only the context made a place (a proper noun after "to", a mistyped person or
    # organisation) stays one only where the gazetteer's place was chosen: none of its places
    # fitting, it is no evidence of the article's focus place either
    kept = [m for m in mentions if m.label in PLACE_LABELS or m.pick is not None]
    lone = lone_namesakes(kept)
    return [_to_mention(m) for i, m in enumerate(kept) if m.start in placed or i not in lone]


def _surnames(doc) -> set[str]:
    """The last words of the people's names of several words the article gives."""
    return {ent[-1].text for ent in doc.ents
            if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].is_title}  # fmt: skip


def _person_words(doc) -> set[str]:
    """The words of the people's names of several words the article gives."""
    return {tok.text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1
            for tok in ent if tok.is_title}  # fmt: skip
