"""What an article is about, as the story index compares it: its actors, places, claim groups,
day and near-duplicate original, plus the text its sentence vector is made from.

Pure data: the stage builds these from stored records, the index only reads them, and they are
stored with the story membership so that the index is rebuilt without reading the corpus again.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from newsprism.understand.places import IN_ORG_LABEL
from newsprism.understand.sentences import first_sentence_spans

# An article's profile keeps its most mentioned actors and places only: the long tail is mostly
# passing mentions that make unrelated stories look alike.
TOP_KEYS = 12
# How much a date counts, by how it was obtained: an inferred date is a guess from the text.
DATE_WEIGHT = {"own": 1.0, "inferred": 0.5}
# The text that is embedded: the headline and the lead, where a news story says what happened.
LEAD_SENTENCES = 3
# A day the text names, with or without its year ("October 9" is XXXX-10-09): keyed by month
# and day, so that a yearless mention meets the dated one. Two articles naming the same days
# tell of the same happening far more often than two naming the same actors.
_DAY_VALUE = re.compile(r"^(?:\d{4}|XXXX)-(\d{2})-(\d{2})")


@dataclass
class ArticleFeatures:
    id: str
    headline: str  # the title, or the first sentence when there is none
    outlet: str | None = None
    day: int | None = None  # proleptic ordinal of the publication day
    date_weight: float = 0.0  # 1 own date, 0.5 inferred, 0 none
    actors: dict[str, float] = field(default_factory=dict)  # entity id → L2-normalised weight
    places: dict[str, float] = field(default_factory=dict)  # "g:ID" / "c:CC" → weight
    days: dict[str, float] = field(default_factory=dict)  # "MM-DD" of days it names → weight
    claims: list[str] = field(default_factory=list)  # claim group ids
    duplicate_of: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # actor / place key → display name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def stored(self) -> str:
        """The JSON a story member row keeps: no id (the row's article_id holds it), no claim
        groups (the claim table says which groups the article's claims are in: the store puts
        them back, store.stories.StoryRecords.stored_story_members) and no field at its
        default, written compactly (issue 21, store size); from_dict reads it back given the
        id and the claim groups."""
        empty = ArticleFeatures(id=self.id, headline=self.headline)
        kept = {k: v for k, v in asdict(self).items() if k == "headline"
                or (k not in ("id", "claims") and v != getattr(empty, k))}  # fmt: skip
        return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArticleFeatures:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def profile(counts: Mapping[str, float], top: int = TOP_KEYS) -> dict[str, float]:
    """The `top` heaviest keys, L2-normalised: the dot product of two profiles is a cosine."""
    kept = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    norm = math.sqrt(sum(v * v for _, v in kept)) or 1.0
    return {k: round(v / norm, 4) for k, v in kept}


def parse_day(published: str | None) -> int | None:
    """The day of an ISO date or datetime (a month alone counts as its 15th)."""
    if not published:
        return None
    m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", published)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 15)).toordinal()
    except ValueError:
        return None


def lead_text(title: str | None, text: str, sentences: int = LEAD_SENTENCES) -> str:
    """The headline and the first sentences of the body (the headline once, when the body
    repeats it)."""
    body = " ".join(text.split())
    if title and body.startswith(" ".join(title.split())):
        body = body[len(" ".join(title.split())) :].lstrip()
    spans = first_sentence_spans(body, sentences)
    lead = body[spans[0][0] : spans[-1][1]] if spans else ""
    return f"{title.strip()}. {lead}" if title else lead


def headline_of(title: str | None, text: str) -> str:
    if title and title.strip():
        return " ".join(title.split())
    body = " ".join(text.split())
    spans = first_sentence_spans(body, 1)
    return body[spans[0][0] : spans[0][1]][:160] if spans else ""


def build_features(
    article: Mapping[str, Any],
    records: Iterable[Mapping[str, Any]],
    claim_groups: Iterable[str] = (),
    entity_names: Mapping[str, str] | None = None,
) -> ArticleFeatures:
    """An article's features from its stored row (id, title, text, outlet, published,
    published_source, duplicate_of) and its span records (mentions and places)."""
    actors: Counter[str] = Counter()
    places: Counter[str] = Counter()
    days: Counter[str] = Counter()
    names: dict[str, str] = {}
    for r in records:
        if r.get("type") == "mention" and r.get("entity_id"):
            actors[r["entity_id"]] += 1
            names.setdefault(r["entity_id"], (entity_names or {}).get(r["entity_id"]) or r["name"])
        elif r.get("type") == "timeref" and (m := _DAY_VALUE.match(str(r.get("value") or ""))):
            days[f"{m[1]}-{m[2]}"] += 1
        elif r.get("type") == "place" and r.get("geonameid") and r.get("label") != IN_ORG_LABEL:
            # an organisation's place ("the Washington Post") is cited across many stories
            key = f"g:{r['geonameid']}"
            places[key] += 1
            names.setdefault(key, r.get("name") or r["text"])
            if r.get("country"):
                # the country counts less than the place: many stories share a country
                places[f"c:{r['country']}"] += 0.5
                names.setdefault(f"c:{r['country']}", r["country"])
    actors_p, places_p = profile(actors), profile(places)
    day = parse_day(article.get("published"))
    source = "inferred" if article.get("published_source") == "inferred" else "own"
    return ArticleFeatures(
        id=article["id"],
        headline=headline_of(article.get("title"), article.get("text") or ""),
        outlet=article.get("outlet"),
        day=day,
        date_weight=DATE_WEIGHT[source] if day is not None else 0.0,
        actors=actors_p,
        places=places_p,
        days=profile(days),
        claims=sorted(set(claim_groups)),
        duplicate_of=article.get("duplicate_of"),
        names={k: v for k, v in names.items() if k in actors_p or k in places_p},
    )
