"""The story index: every new article joins the story it fits best or starts one, and two
stories that one article fits equally well become one. Adding an article searches the index
only (its sentence vector against story centroids, plus the stories that share its actors or
claim groups); nothing already placed is read again.

A merged story's id keeps resolving to the story that absorbed it (`resolve`, `aliases`), so
ids handed out in exports stay valid as the corpus grows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from newsprism.stories.features import ArticleFeatures
from newsprism.stories.scoring import DEFAULT_WEIGHTS, Weights, merge_penalty, score

# Stories compared by text for each article: the nearest centroids. Stories sharing an actor
# or a claim group are compared as well, however far their text.
TEXT_CANDIDATES = 10
# Per actor, only its latest stories are candidates: a ubiquitous actor ("United States") would
# otherwise make every article a candidate for every story.
ACTOR_CANDIDATES = 20
ACTORS_LOOKED_UP = 3
# Likewise per claim group: a group shared by many stories is a widely repeated statement.
CLAIM_CANDIDATES = 20
# A claim group already held by more stories than this says nothing of which story an article
# belongs to: a stock line ("Article posted with permission from ...", a form widget the
# cleaner missed, "the virus is fatal in up to 90% of cases") that tied unrelated PTC
# articles into one story. Two, so that one happening told apart so far can still meet.
CLAIM_STORIES = 2
SUMMARY_KEYS = 5


@dataclass
class Story:
    id: str
    slot: int  # row of the centroid matrix; also the creation order
    members: list[str] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    vector_sum: np.ndarray | None = None
    actors: dict[str, float] = field(default_factory=dict)  # sums of member profiles
    places: dict[str, float] = field(default_factory=dict)
    days: dict[str, float] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)
    outlets: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    first_day: int | None = None
    last_day: int | None = None
    date_weight: float = 0.0  # of the surest member date

    def actor_norm(self) -> float:
        return float(np.sqrt(sum(v * v for v in self.actors.values())))

    def place_norm(self) -> float:
        return float(np.sqrt(sum(v * v for v in self.places.values())))

    def day_norm(self) -> float:
        return float(np.sqrt(sum(v * v for v in self.days.values())))

    def centroid(self) -> np.ndarray:
        assert self.vector_sum is not None
        return self.vector_sum / max(float(np.linalg.norm(self.vector_sum)), 1e-12)

    def take(self, f: ArticleFeatures, vector: np.ndarray) -> None:
        self.members.append(f.id)
        self.vectors.append(vector)
        self.headlines.append(f.headline)
        self.vector_sum = vector.copy() if self.vector_sum is None else self.vector_sum + vector
        for mine, theirs in ((self.actors, f.actors), (self.places, f.places), (self.days, f.days)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0.0) + value
        self.claims.update(f.claims)
        if f.outlet:
            self.outlets[f.outlet] += 1
        for key, name in f.names.items():
            self.names.setdefault(key, name)
        if f.day is not None:
            self.first_day = f.day if self.first_day is None else min(self.first_day, f.day)
            self.last_day = f.day if self.last_day is None else max(self.last_day, f.day)
            self.date_weight = max(self.date_weight, f.date_weight)

    def absorb(self, other: Story) -> None:
        self.members += other.members
        self.vectors += other.vectors
        self.headlines += other.headlines
        assert self.vector_sum is not None and other.vector_sum is not None
        self.vector_sum = self.vector_sum + other.vector_sum
        pairs = ((self.actors, other.actors), (self.places, other.places), (self.days, other.days))
        for mine, theirs in pairs:
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0.0) + value
        self.claims |= other.claims
        self.outlets.update(other.outlets)
        for key, name in other.names.items():
            self.names.setdefault(key, name)
        days = [d for d in (self.first_day, self.last_day, other.first_day, other.last_day) if d]
        if days:
            self.first_day, self.last_day = min(days), max(days)
        self.date_weight = max(self.date_weight, other.date_weight)


@dataclass
class Placement:
    article_id: str
    story_id: str
    created: bool
    score: float | None  # None when it started a story or followed its near-duplicate original
    merged: dict[str, str]  # retired story id → the story that absorbed it


class StoryIndex:
    def __init__(self, dim: int = 384, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.dim = dim
        self.weights = weights
        self.stories: dict[str, Story] = {}
        self.aliases: dict[str, str] = {}  # retired id → surviving id
        # live story id → the retired ids that resolve to it: a story's aliases without a look
        # through every merge of the corpus (each summary, each merge)
        self._absorbed: dict[str, set[str]] = {}
        self.story_of: dict[str, str] = {}  # article id → story id (kept current on merges)
        self._matrix = np.zeros((1024, dim), dtype=np.float32)
        self._slots = 0
        self._slot_story: list[str | None] = []  # story id of each centroid row (None: retired)
        self._by_actor: dict[str, list[str]] = {}
        self._by_claim: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.stories)

    def resolve(self, story_id: str) -> str:
        """The live story an id (current or merged away) stands for."""
        while story_id in self.aliases:
            story_id = self.aliases[story_id]
        return story_id

    # -- adding ------------------------------------------------------------------------------

    def add(self, f: ArticleFeatures, vector: np.ndarray) -> Placement:
        """Place one article (its features and L2-normalised lead vector)."""
        vector = np.asarray(vector, dtype=np.float32)
        if f.id in self.story_of:
            return Placement(f.id, self.story_of[f.id], False, None, {})
        scored = self._score_candidates(f, vector)
        w = self.weights
        forced = self.story_of.get(f.duplicate_of or "")
        if forced is not None:
            # a near-duplicate is the same text: it always shares its original's story
            target, best = forced, None
        elif scored and scored[0][1] >= w.join:
            target, best = scored[0]
        else:
            story = self._new_story(self._fresh_id(f.id))
            self._join(story, f, vector)
            return Placement(f.id, story.id, True, None, {})
        # Every other story the article fits as strongly is the same story told apart so far,
        # unless made one their days would stretch past one happening's aftermath.
        others = [(s, value) for s, value in scored if s != target and value >= w.merge]
        merged: dict[str, str] = {}
        for other, value in others:
            a, b = self.stories[self.resolve(target)], self.stories[self.resolve(other)]
            if value - merge_penalty(a, b, w) < w.merge:
                continue
            survivor, retired = self._merge(a.id, b.id)
            if survivor != retired:
                merged[retired] = survivor
        target = self.resolve(target)
        self._join(self.stories[target], f, vector)
        return Placement(f.id, target, False, best, merged)

    def settle(self, story_ids: Iterable[str]) -> dict[str, str]:
        """Articles that started a story alone join one of `story_ids` (stories that just grew)
        that they now fit as an arriving article would (`join`): placing is incremental, so an
        article that came before its story's others was left alone, and would have joined had it
        come after them (PTC's Las Vegas reports: 12 in one story, one alone scoring 1.26 for
        it). Only the lone stories near a grown one are looked at: its nearest centroids and
        the stories sharing its actors or claim groups. Retired story id → the one that took
        it."""
        merged: dict[str, str] = {}
        for grown_id in dict.fromkeys(story_ids):
            grown = self.stories.get(self.resolve(grown_id))
            if grown is None or len(grown.members) < 2:
                continue  # a lone story was weighed against the lone ones when it came
            centre = grown.centroid()
            near = self._near(self._matrix[: self._slots] @ centre, TEXT_CANDIDATES + 1,
                              _top_keys(grown.actors, ACTORS_LOOKED_UP), grown.claims)  # fmt: skip
            # the lone stories stay live and alone until taken: only `grown` changes here
            lone = sorted((self.stories[s] for s in near if s in self.stories
                           and len(self.stories[s].members) == 1 and s != grown.id),
                          key=lambda story: story.slot)  # fmt: skip
            for story in lone:
                f = _as_article(story)
                telling = self._telling_claims(f.claims, besides=story.id)
                fit = score(f, float(centre @ story.vectors[0]), grown, self.weights, telling)
                if fit < self.weights.join:
                    continue
                survivor, retired = self._merge(grown.id, story.id)
                merged[retired] = survivor
                grown = self.stories[survivor]
                centre = grown.centroid()
        return {old: self.resolve(new) for old, new in merged.items()}

    def _near(
        self, sims: np.ndarray, k: int, actors: Iterable[str], claims: Iterable[str]
    ) -> set[str]:
        """Live stories to weigh: the `k` nearest centroids (`sims`, every row's cosine), and
        the latest stories holding each of `actors` or of `claims`."""
        k = min(k, self._slots)
        found = {s for i in np.argpartition(-sims, k - 1)[:k]
                 if (s := self._slot_story[int(i)]) is not None}  # fmt: skip
        for actor in actors:
            found.update(self.resolve(s) for s in self._by_actor.get(actor, [])[-ACTOR_CANDIDATES:])
        for group in claims:
            found.update(self.resolve(s) for s in self._by_claim.get(group, [])[-CLAIM_CANDIDATES:])
        return found

    def _score_candidates(self, f: ArticleFeatures, vector: np.ndarray) -> list[tuple[str, float]]:
        if not self.stories:
            return []
        sims = self._matrix[: self._slots] @ vector
        candidates = self._near(sims, TEXT_CANDIDATES, list(f.actors)[:ACTORS_LOOKED_UP], f.claims)
        telling = self._telling_claims(f.claims)
        scored = [
            (sid, score(f, float(sims[self.stories[sid].slot]), self.stories[sid], self.weights,
                        telling))
            for sid in candidates
            if sid in self.stories
        ]  # fmt: skip
        return sorted(scored, key=lambda kv: (-kv[1], self.stories[kv[0]].slot))

    def _telling_claims(self, groups: Iterable[str], besides: str | None = None) -> set[str]:
        """The article's claim groups that at most CLAIM_STORIES live stories hold (other than
        `besides`, the article's own)."""
        telling = set()
        for group in groups:
            holders = {self.resolve(s) for s in self._by_claim.get(group, ())[-CLAIM_CANDIDATES:]}
            holders.discard(besides)
            if len(holders) <= CLAIM_STORIES:
                telling.add(group)
        return telling

    def _fresh_id(self, article_id: str) -> str:
        """A story is named after its first article: stable across runs of the same inputs."""
        story_id = f"story-{article_id[:12]}"
        while story_id in self.stories or story_id in self.aliases:
            story_id += "x"
        return story_id

    def _new_story(self, story_id: str) -> Story:
        if self._slots == len(self._matrix):
            grown = np.zeros((2 * len(self._matrix), self.dim), dtype=np.float32)
            grown[: self._slots] = self._matrix[: self._slots]
            self._matrix = grown
        story = Story(id=story_id, slot=self._slots)
        self._slot_story.append(story_id)
        self._slots += 1
        self.stories[story_id] = story
        return story

    def _join(self, story: Story, f: ArticleFeatures, vector: np.ndarray) -> None:
        story.take(f, vector)
        self.story_of[f.id] = story.id
        self._matrix[story.slot] = story.centroid()
        for actor in list(f.actors)[:ACTORS_LOOKED_UP]:
            self._by_actor.setdefault(actor, []).append(story.id)
        for group in f.claims:
            self._by_claim.setdefault(group, []).append(story.id)

    def _merge(self, a: str, b: str) -> tuple[str, str]:
        """Merge two live stories: the older one survives under its id. (survivor, retired)"""
        if a == b:
            return a, b
        keep, drop = sorted((self.stories[a], self.stories[b]), key=lambda s: s.slot)
        keep.absorb(drop)
        for member in drop.members:
            self.story_of[member] = keep.id
        self._matrix[keep.slot] = keep.centroid()
        self._matrix[drop.slot] = 0.0  # a retired row never comes out as a near centroid
        self._slot_story[drop.slot] = None
        del self.stories[drop.id]
        self.aliases[drop.id] = keep.id
        absorbed = self._absorbed.pop(drop.id, set())
        for old in absorbed:
            if self.aliases.get(old) == drop.id:
                self.aliases[old] = keep.id
        self._absorbed.setdefault(keep.id, set()).update(absorbed | {drop.id})
        return keep.id, drop.id

    # -- rebuilding --------------------------------------------------------------------------

    def restore(
        self,
        members: Iterable[tuple[ArticleFeatures, str, np.ndarray]],
        aliases: dict[str, str] | None = None,
    ) -> None:
        """Rebuild from stored memberships (features, story id, vector) in placement order,
        without scoring anything again."""
        for f, story_id, vector in members:
            story = self.stories.get(story_id)
            if story is None:
                story = self._new_story(story_id)
            self._join(story, f, np.asarray(vector, dtype=np.float32))
        self.aliases.update(aliases or {})
        for old in aliases or {}:
            self._absorbed.setdefault(self.resolve(old), set()).add(old)

    # -- reading -----------------------------------------------------------------------------

    def aliases_of(self, story_id: str) -> list[str]:
        return sorted(self._absorbed.get(story_id, ()))

    def summary(self, story_id: str) -> dict[str, object]:
        """What a story is: its title (the headline of its most central article: a real
        headline reads as one, and the most central one is the least particular), articles,
        outlets, days, key actors and places."""
        story = self.stories[self.resolve(story_id)]
        centre = story.centroid()
        central = int(np.argmax(np.vstack(story.vectors) @ centre))
        return {
            "id": story.id,
            "title": story.headlines[central],
            "article_ids": list(story.members),
            "outlets": sorted(story.outlets),
            "first": _iso(story.first_day),
            "last": _iso(story.last_day),
            "actors": _top_names(story.actors, story.names),
            "actor_ids": _top_keys(story.actors),
            "places": _top_names(
                {k: v for k, v in story.places.items() if k.startswith("g:")}, story.names
            ),
            "countries": [k[2:] for k in _top_keys(story.places) if k.startswith("c:")],
            "claim_groups": sorted(story.claims),
            "aliases": self.aliases_of(story.id),
        }


def _as_article(story: Story) -> ArticleFeatures:
    """A one-article story's article as the index saw it arrive: the story's profiles are its
    own (kept apart, at 100k stories, they would double the index's memory)."""
    return ArticleFeatures(
        id=story.members[0],
        headline=story.headlines[0],
        outlet=next(iter(story.outlets), None),
        day=story.first_day,
        date_weight=story.date_weight,
        actors=dict(story.actors),
        places=dict(story.places),
        days=dict(story.days),
        claims=sorted(story.claims),
        names=dict(story.names),
    )


def _top_keys(weights: dict[str, float], n: int = SUMMARY_KEYS) -> list[str]:
    return [k for k, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def _top_names(weights: dict[str, float], names: dict[str, str]) -> list[str]:
    return [names.get(k, k) for k in _top_keys(weights)]


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day else None
