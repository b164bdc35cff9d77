"""The rules' resolution of an article's place names: which gazetteer candidate each one is.

Resolution scores every gazetteer candidate on priors (population, main name rather than an
alternate one, countries and states over towns of the same name) and on the article: the
countries and states its other places point to, the dateline, "Town, State" qualifiers and the
peoples it names (NORP). Two passes: the first picks each place on priors, the second re-scores
with the others' picks as context. Then the article's focus (its country, the state most of its
places are in, the most mentioned town there) breaks ties between namesakes by log distance
(local news names local places), and a name the gazetteer lacks (a street, a building, a river)
or whose only namesakes are small towns far away is put at the focus with low confidence and
`resolution="contained-in-focus"`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from newsprism.understand.gazetteer import GazetteerEntry
from newsprism.understand.place_ranker.features import within as _within
from newsprism.understand.places.lookup import PEOPLE_FORM
from newsprism.understand.toponyms import toponym_key

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


@dataclass
class Toponym:
    """A place name of the article while it is resolved: its gazetteer candidates, and the
    scores, pick and confidence the rules (then the ranker, where asked) give them; a
    `resolution.PlaceMention` is what comes out."""

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
    near: int | None = None  # index of the mention it is said to be near ("Hamo, near Qamishli")

    @property
    def pick(self) -> GazetteerEntry | None:
        return self.candidates[self.best] if self.best >= 0 else None

    @property
    def place(self) -> GazetteerEntry | None:
        """Where the mention is put: its pick, else the focus place it is taken to lie in."""
        return self.pick or self.contained_in


# --- scoring ---------------------------------------------------------------------------------


def prior_score(entry: GazetteerEntry, m: Toponym, big_town_names: set[str]) -> float:
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

    firsts: list[tuple[str, Toponym]] = field(default_factory=list)
    local: dict[int, tuple[GazetteerEntry, int]] = field(default_factory=dict)

    def nearby(self, m: Toponym) -> list[GazetteerEntry]:
        """The local places the other mentions picked (`m`'s own pick only when another
        mention picked it too)."""
        own = m.pick.geonameid if m.pick is not None and is_local(m.pick) else None
        return [e for g, (e, n) in self.local.items() if g != own or n > 1]


def _context(mentions: list[Toponym], keys: list[str]) -> _Context:
    context = _Context()
    firsts: dict[str, Toponym] = {}
    for key, m in zip(keys, mentions, strict=True):
        pick = m.pick
        if pick is None or m.form == PEOPLE_FORM:
            continue
        firsts.setdefault(key, m)
        if is_local(pick):
            entry, n = context.local.get(pick.geonameid, (pick, 0))
            context.local[pick.geonameid] = (entry, n + 1)
    context.firsts = list(firsts.items())
    return context


def _score(
    m: Toponym,
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
        s = prior_score(entry, m, big_town_names)
        if total > 0 and entry.country and countries[entry.country] > 0:
            s += 1.0 + 2.0 * countries[entry.country] / total
            if entry.admin1 and entry.feature_code not in ("PCLI", "ADM1"):
                s += 1.5 * admins[(entry.country, entry.admin1)] / total
        if qualifier is not None and _within(entry, qualifier):
            s += 3.0
        if nearby and is_local(entry):
            # places an article names together tend to lie near each other
            km = min(_approx_km(entry, other) for other in nearby)
            s += 1.5 * math.exp(-km / 150)
        scores.append(s)
    return scores


def _qualifier(m: Toponym, mentions: list[Toponym]) -> GazetteerEntry | None:
    return mentions[m.qualifier].pick if m.qualifier is not None else None


def is_local(entry: GazetteerEntry | None) -> bool:
    return entry is not None and entry.feature_code not in ("PCLI", "CONT", "ADM1")


def _approx_km(a: GazetteerEntry, b: GazetteerEntry) -> float:
    """Equirectangular distance: exact enough below a few hundred km, and cheap."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def _choose(m: Toponym, scores: list[float]) -> None:
    m.scores = scores
    if not scores:
        m.best, m.confidence = -1, 0.0
        return
    top = max(scores)
    m.best = scores.index(top)
    weights = [math.exp(s - top) for s in scores]
    m.confidence = 1.0 / sum(weights)


def names_of_big_towns(mentions: list[Toponym]) -> set[str]:
    return {
        toponym_key(e.name)
        for m in mentions
        for e in m.candidates
        if e.feature_class == "P" and e.matched_main_name and e.population >= 500_000
    }


def resolve_by_rules(
    mentions: list[Toponym], dateline: GazetteerEntry | None, demonym_countries: Counter[str]
) -> None:
    big = names_of_big_towns(mentions)
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
    _prefer_near_focus(mentions, focus_place(mentions, dateline))
    _contain_unknown_names(mentions, dateline)


# --- the article's focus ---------------------------------------------------------------------


def _prefer_near_focus(mentions: list[Toponym], focus: GazetteerEntry | None) -> None:
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


def focus_place(mentions: list[Toponym], dateline: GazetteerEntry | None) -> GazetteerEntry | None:
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


def _contain_unknown_names(mentions: list[Toponym], dateline: GazetteerEntry | None) -> None:
    """Names the gazetteer lacks (streets, buildings, neighbourhoods, rivers) lie, nearly
    always, inside the area the article is about: put them at its focus, with low confidence.
    So do names whose only namesakes are small towns far from that area (a "Washington
    Square" in a New Orleans story is a square there, not the town in Pennsylvania)."""
    focus = focus_place(mentions, dateline)
    if focus is None or (_level(focus) < 1 and _country_share(mentions, focus) < 2 / 3):
        # A country focus only when the article is plainly about that one country: better no
        # point than a wrong one (Al-Tanf is not in the United States because a story about
        # Syria names the US most).
        return
    for m in mentions:
        if not _looks_like_name(m.text):
            continue
        local = [o.pick for o in mentions if o is not m and is_local(o.pick)]
        if m.pick is not None and is_stray(m.pick, focus, local):
            _pick_namesake_near_the_others(m, mentions)
        if m.pick is None or is_stray(m.pick, focus, local):
            m.best = -1
            m.contained_in = focus
            m.confidence = _CONTAINED_CONFIDENCE


def _pick_namesake_near_the_others(m: Toponym, mentions: list[Toponym]) -> None:
    """A stray pick may hide the right namesake: "Ras al-Ain" first finds a Moroccan village
    while the Syrian town lies next to the article's Tal Abyad. Take the best-scored namesake
    the town another name of the article was put at."""
    key = toponym_key(m.text)
    others = [o.pick for o in mentions if toponym_key(o.text) != key and is_local(o.pick)]
    near = _namesake_near(m, [o for o in others if o is not None])
    if near is not None:
        m.best = near


def _namesake_near(m: Toponym, anchors: list[GazetteerEntry]) -> int | None:
    """The best-scored of a mention's local candidates within _STRAY_KM of any anchor."""
    near = [
        k
        for k, e in enumerate(m.candidates)
        if is_local(e) and any(_approx_km(e, o) <= _STRAY_KM for o in anchors)
    ]
    return max(near, key=lambda k: m.scores[k]) if near else None


def _country_share(mentions: list[Toponym], focus: GazetteerEntry) -> float:
    countries = [m.pick.country for m in mentions if m.pick is not None and m.pick.country]
    return countries.count(focus.country) / len(countries) if countries else 0.0


def keep_near(mentions: list[Toponym]) -> None:
    """ "In Hamo, near Qamishli": a place said to be near another lies within _STRAY_KM of it.
    A pick farther away (Hamm, Germany, an alternate name) gives way to a namesake near it,
    else the place is put at the one it is near, with low confidence (the village the
    gazetteer lacks is by that town)."""
    for m in mentions:
        anchor = mentions[m.near].place if m.near is not None else None
        if anchor is None or not is_local(anchor):
            continue
        if m.pick is not None and _approx_km(m.pick, anchor) <= _STRAY_KM:
            continue
        near = _namesake_near(m, [anchor])
        if near is not None:
            m.best, m.contained_in = near, None
        else:
            m.best, m.contained_in = -1, anchor
            m.confidence = min(m.confidence, _CONTAINED_CONFIDENCE) or _CONTAINED_CONFIDENCE


# A town this far from every other place an article names, in a country none of them is in,
# is a namesake of something else ("eight years of Obama": Obama, Japan) unless the words
# before it make it a place.
LONE_KM = 1500.0
LONE_POPULATION = 100_000


def lone_namesakes(mentions: list[Toponym]) -> set[int]:
    """The indices of mentions whose pick is a mid-sized or small town (never a capital, a
    country or a state) in a country no other place of the article is in, more than LONE_KM
    from all of them: the article speaks of another thing of that name."""
    keys = [toponym_key(m.text) for m in mentions]
    picked = [(key, m.pick) for key, m in zip(keys, mentions, strict=True) if m.pick is not None]
    # the names each country's places go by: a town is alone in its country when only its own
    # name (its other mentions included) points there
    names_in: dict[str | None, set[str]] = {}
    for key, pick in picked:
        names_in.setdefault(pick.country, set()).add(key)
    lone = set()
    for i, (key, m) in enumerate(zip(keys, mentions, strict=True)):
        e = m.pick
        if e is None or e.feature_class != "P" or e.feature_code == "PPLC":
            continue
        if e.population >= LONE_POPULATION or names_in[e.country] != {key}:
            continue
        others = [pick for other, pick in picked if other != key]
        if others and all(_approx_km(e, o) > LONE_KM for o in others):
            lone.add(i)
    return lone


def is_stray(
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
