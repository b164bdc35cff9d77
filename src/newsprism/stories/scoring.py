"""How well an article fits a story: a weighted sum of what they share.

The weights and thresholds were chosen by cross-validation by topic on WikiRef220 (four folds,
each holding out a quarter of the topics; see benchmarks/stories.py, whose `--tune` reruns the
search), with the five seed articles as a constraint: only weights that split them exactly
({000, 001, 002}, {003}, {004}) were eligible. Cross-validated B-cubed F1 0.731 (P 0.934,
R 0.601); these weights, the best eligible on all topics, give F1 0.769 on WikiRef220, whose
topics are far coarser than one happening (unconstrained, 0.956 at a join of 0.5, but the
seeds then become one story). Places and publication days came out at weight zero: the named
days and the claim groups carry what they would. Every feature is in [0, 1] except the date
term, which is in [-1, 1] and zero when either side has no date: a missing date is no evidence
either way, an inferred one counts half (ArticleFeatures.date_weight).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsprism.stories.features import ArticleFeatures
    from newsprism.stories.index import Story


@dataclass(frozen=True)
class Weights:
    text: float = 1.0  # cosine of the article's lead to the story's centroid (MiniLM)
    actors: float = 0.4  # cosine of actor profiles (entity ids)
    places: float = 0.0  # cosine of place profiles (GeoNames ids, countries at half weight)
    days: float = 0.4  # cosine of the days named in the text (month and day)
    claims: float = 0.5  # 1 when the article shares a claim group with the story
    date: float = 0.0  # +1 same days ... -1 far apart (tau below), times how sure the dates are
    tau_days: float = 7.0  # days apart at which closeness has fallen to 1/e
    join: float = 0.85  # an article joins the best story scoring at least this
    merge: float = 1.05  # two stories both scoring at least this for one article become one


DEFAULT_WEIGHTS = Weights()


def sparse_cosine(a: Mapping[str, float], b: Mapping[str, float], b_norm: float) -> float:
    """a is L2-normalised; b is a sum of such profiles with norm b_norm."""
    if not a or not b or b_norm <= 0:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large.get(k, 0.0) for k, v in small.items()) / b_norm


def date_term(article: ArticleFeatures, story: Story, tau: float) -> float:
    """In [-1, 1]: +1 within the story's days, falling to -1 far from them, scaled by how sure
    the less sure of the two dates is."""
    if article.day is None or story.first_day is None or story.last_day is None:
        return 0.0
    gap = max(0, story.first_day - article.day, article.day - story.last_day)
    closeness = math.exp(-gap / tau)
    return (2 * closeness - 1) * min(article.date_weight, story.date_weight)


def score(
    article: ArticleFeatures, text_cosine: float, story: Story, w: Weights = DEFAULT_WEIGHTS
) -> float:
    shared_claim = 1.0 if story.claims.intersection(article.claims) else 0.0
    return (
        w.text * text_cosine
        + w.actors * sparse_cosine(article.actors, story.actors, story.actor_norm())
        + w.places * sparse_cosine(article.places, story.places, story.place_norm())
        + w.days * sparse_cosine(article.days, story.days, story.day_norm())
        + w.claims * shared_claim
        + w.date * date_term(article, story, w.tau_days)
    )
