"""Features of each GeoNames candidate of a toponym, for the learned place ranker.

The rules of `places` (priors, context of the other places, dateline, qualifiers, the article's
focus, stray namesakes) are computed first; their scores and verdicts become features here, next
to the raw facts they were built from, so the ranker learns how far to trust each one instead of
the rules overriding it. The article's focus place itself is one more candidate ("the name lies
in the area the article is about"), so a name the gazetteer lacks is ranked like the others.

This module knows nothing of `places`' private types: it takes any mention object with the
attributes used below (duck typing), so `places` can import it without a cycle.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.understand.gazetteer import GazetteerEntry
from newsprism.understand.toponyms import toponym_key

# The order is the model's: append new features at the end and retrain (`make geocoding-model`).
FEATURES = (
    "log_population", "main_name", "exact_main_name", "name_form", "is_country",
    "is_continent", "is_adm1", "is_adm2", "is_town", "level", "population_rank",
    "log_population_ratio", "log_candidates", "rule_score", "rule_margin", "rule_pick",
    "rule_confidence", "prior", "country_share", "country_seen", "admin_share", "qualified",
    "log_km_nearby", "near_nearby", "dateline_country", "dateline_admin", "log_km_dateline",
    "focus_country", "focus_admin", "log_km_focus", "focus_level", "stray", "town_noun",
    "is_code", "is_norp", "adjective_like", "words", "mentions_of_name", "big_town_adm1",
    "is_focus_candidate", "rules_contained", "has_dateline", "has_focus", "n_places",
    "qualified_elsewhere",
)  # fmt: skip
_NO_KM = 25.0  # log1p of a distance where there is nothing to measure to: farther than any
_ADJECTIVE = re.compile(r"(?:an|ian|ish|ese|ic|i|ch)$", re.IGNORECASE)


def km(a: GazetteerEntry, b: GazetteerEntry) -> float:
    """Great-circle distance: the features compare places anywhere on Earth."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def level(entry: GazetteerEntry) -> int:
    """How specific a place is: a town (3), a county (2), a state (1), a country (0)."""
    if entry.feature_class == "P":
        return 3
    return {"ADM2": 2, "ADM1": 1, "PCLI": 0}.get(entry.feature_code or "", -1)


@dataclass(frozen=True)
class ArticleContext:
    """What the rules concluded about the article, shared by all its mentions."""

    dateline: GazetteerEntry | None
    focus: GazetteerEntry | None
    demonym_countries: Counter[str]
    big_town_names: frozenset[str]
    key_counts: Counter[str]
    n_places: int


def _log_km(entry: GazetteerEntry, others: Sequence[GazetteerEntry]) -> float:
    return min((math.log1p(km(entry, o)) for o in others), default=_NO_KM)


def _context(i: int, mentions: Sequence[Any], ctx: ArticleContext) -> tuple:
    """Country and state shares of the other mentions' picks (each name once, weighted by the
    rules' confidence), and the local places they were put at."""
    countries: Counter[str] = Counter(ctx.demonym_countries)
    admins: Counter[tuple[str, str]] = Counter()
    total = sum(ctx.demonym_countries.values())
    seen = {toponym_key(mentions[i].text)}
    nearby = []
    for j, other in enumerate(mentions):
        pick = other.pick
        if j == i or pick is None:
            continue
        if pick.feature_code not in ("PCLI", "CONT", "ADM1"):
            nearby.append(pick)
        key = toponym_key(other.text)
        if key in seen:
            continue
        seen.add(key)
        total += other.confidence
        if pick.country:
            countries[pick.country] += other.confidence
            if pick.admin1 and pick.feature_code not in ("PCLI", "CONT"):
                admins[(pick.country, pick.admin1)] += other.confidence
    return countries, admins, max(total, 1e-9), nearby


def mention_features(
    i: int, mentions: Sequence[Any], ctx: ArticleContext, priors: Sequence[float],
    qualifier: GazetteerEntry | None, stray: Sequence[bool], name_form: int,
    same_name_qualifiers: Sequence[GazetteerEntry] = (),
) -> tuple[list[GazetteerEntry], list[list[float]]]:  # fmt: skip
    """The candidates of mention `i` (its gazetteer entries, then the focus place when there is
    one) and one feature row each, in FEATURES order. `same_name_qualifiers`: the states and
    countries that qualify other mentions of the same name ("Athens, Texas" ... "Athens"): one
    sense per article."""
    m = mentions[i]
    entries = list(m.candidates)
    if ctx.focus is not None and all(e.geonameid != ctx.focus.geonameid for e in entries):
        entries.append(ctx.focus)
    if not entries:
        return [], []
    countries, admins, total, nearby = _context(i, mentions, ctx)
    pops = [e.population for e in m.candidates] or [0]
    top_pop = max(pops)
    top_score = max(m.scores) if m.scores else 0.0
    text = m.text.strip()
    key = toponym_key(text)
    mention = [
        math.log1p(len(m.candidates)), float(m.town_noun),
        float(len(text.replace(".", "")) <= 3 and text.replace(".", "").isupper()),
        float(m.label == "NORP"),
        float(bool(_ADJECTIVE.search(text)) and name_form == 0),
        float(len(text.split())), float(ctx.key_counts[key]),
    ]  # fmt: skip
    rows = []
    for k, e in enumerate(entries):
        is_focus = k >= len(m.candidates)
        rule_score = m.scores[k] if not is_focus and k < len(m.scores) else top_score - 10.0
        share = countries[e.country] / total if e.country else 0.0
        dl = ctx.dateline
        rows.append([
            math.log10(e.population + 1), float(e.matched_main_name),
            float(toponym_key(e.name) == key), float(name_form),
            float(e.feature_code == "PCLI"), float(e.feature_code == "CONT"),
            float(e.feature_code == "ADM1"), float(e.feature_code == "ADM2"),
            float(e.feature_class == "P"), float(level(e)),
            float(sum(p > e.population for p in pops)),
            math.log10((top_pop + 1) / (e.population + 1)),
            mention[0], rule_score, rule_score - top_score,
            float(m.pick is not None and m.pick.geonameid == e.geonameid and not is_focus),
            m.confidence, priors[k] if not is_focus else -5.0,
            share, float(share > 0),
            admins[(e.country, e.admin1)] / total if e.country and e.admin1 else 0.0,
            float(qualifier is not None and within(e, qualifier)),
            _log_km(e, [o for o in nearby if o.geonameid != e.geonameid]),
            max((math.exp(-km(e, o) / 150) for o in nearby if o.geonameid != e.geonameid),
                default=0.0),
            float(dl is not None and dl.country == e.country),
            float(dl is not None and dl.country == e.country and dl.admin1 == e.admin1),
            _log_km(e, [dl]) if dl is not None else _NO_KM,
            float(ctx.focus is not None and ctx.focus.country == e.country),
            float(ctx.focus is not None and ctx.focus.country == e.country
                  and ctx.focus.admin1 == e.admin1),
            _log_km(e, [ctx.focus]) if ctx.focus is not None else _NO_KM,
            float(level(ctx.focus)) if ctx.focus is not None else -2.0,
            float(not is_focus and stray[k]), mention[1], mention[2], mention[3], mention[4],
            mention[5], mention[6],
            float(e.feature_code == "ADM1" and toponym_key(e.name) in ctx.big_town_names),
            float(is_focus), float(m.pick is None and m.contained_in is not None),
            float(dl is not None), float(ctx.focus is not None), float(ctx.n_places),
            float(any(within(e, q) for q in same_name_qualifiers)),
        ])  # fmt: skip
    return entries, rows


def within(entry: GazetteerEntry, container: GazetteerEntry) -> bool:
    """Whether `entry` lies in `container`, a country or a first-level region."""
    if entry.geonameid == container.geonameid or entry.country != container.country:
        return False
    if container.feature_code == "PCLI":
        return True
    return container.feature_code == "ADM1" and entry.admin1 == container.admin1
