"""Stories: articles about one happening, found incrementally from what they share (actors,
places, claim groups, days) and how alike their leads read. Pure logic: the stage
(stages/stories.py) reads and writes the store."""

from newsprism.stories.features import ArticleFeatures, build_features, lead_text
from newsprism.stories.index import Placement, Story, StoryIndex
from newsprism.stories.scoring import DEFAULT_WEIGHTS, Weights

__all__ = [
    "DEFAULT_WEIGHTS",
    "ArticleFeatures",
    "Placement",
    "Story",
    "StoryIndex",
    "Weights",
    "build_features",
    "lead_text",
]
