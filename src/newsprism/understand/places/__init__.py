"""Places: which spans of an article name a place, and which GeoNames place each one is.

Modules: detection (which spans of a parsed article name places), lookup (a name's gazetteer
candidates, in the forms news writes it: "Syria's", "Raqqa province", "Minnesotans"),
organisations (the places organisations are named after: "the Kansas Highway Patrol"), rules
(the rules' pick among the candidates: priors, the article's other places, its dateline and its
focus), resolution (the entry points: `find_places` on a parsed article, `resolve_places` on
given spans, and the feature tables of the learned ranker, which re-ranks the rules' candidates
where asked: see `resolution.USE_RANKER`).
"""

from newsprism.understand.places.detection import IN_ORG_LABEL, WHO_NOT_WHERE
from newsprism.understand.places.resolution import (
    CandidateTable,
    PlaceMention,
    find_places,
    resolve_for_ranking,
    resolve_places,
)

__all__ = [
    "IN_ORG_LABEL",
    "WHO_NOT_WHERE",
    "CandidateTable",
    "PlaceMention",
    "find_places",
    "resolve_for_ranking",
    "resolve_places",
]
