"""What the article around a claim's span says: its sentences and span records, found near a
span by bisection (ArticleContext), and from them the time, place, subject and source of a
span."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from newsprism.articles import iso_day
from newsprism.crosscheck.sentences import overlaps
from newsprism.understand.lexicon import SPEECH_VERBS, speech_forms
from newsprism.understand.places import WHO_NOT_WHERE
from newsprism.understand.sentences import sentence_spans

# Speakers whose kind says nothing about who they are do not make a source.
ANONYMOUS_KINDS = {"anonymous", "unknown", None}


@dataclass
class ArticleContext:
    """An article's text, sentences and span records by type (each list in text order). The
    records near a span are found by bisection, not by reading every record of the article for
    every claim: a 4 MB article's cross-checking grew with the square of its length."""

    article: dict[str, Any]
    text: str
    sentences: list[tuple[int, int]]
    starts: list[int]
    by_type: dict[str, list[dict[str, Any]]]
    _starts_of: dict[str, list[int]] = field(default_factory=dict)
    _reach: dict[str, int] = field(default_factory=dict)

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self.starts, pos) - 1)
        return self.sentences[i]

    def _starts(self, kind: str) -> list[int]:
        if kind not in self._starts_of:
            records = self.by_type.get(kind, [])
            self._starts_of[kind] = [r["start"] for r in records]
            # how far before a span a record of this kind may start and still reach into it:
            # its own length, and for actions the reach of their subject and object
            self._reach[kind] = max((_extent(r) for r in records), default=0)
        return self._starts_of[kind]

    def within(self, kind: str, span: tuple[int, int]) -> list[dict[str, Any]]:
        """The records of `kind` inside the span, in text order."""
        starts = self._starts(kind)
        lo, hi = bisect_left(starts, span[0]), bisect_right(starts, span[1])
        return [r for r in self.by_type.get(kind, [])[lo:hi] if r["end"] <= span[1]]

    def near(self, kind: str, lo: int, hi: int) -> list[dict[str, Any]]:
        """The records of `kind` (in text order) that may touch [lo, hi], themselves or through
        their participants: a superset the caller filters as it would the whole list."""
        starts = self._starts(kind)
        records = self.by_type.get(kind, [])
        reach = self._reach[kind]
        return records[bisect_left(starts, lo - reach) : bisect_right(starts, hi + reach)]


def _extent(record: dict[str, Any]) -> int:
    """How far from its start a record reaches, its participants' spans included."""
    start = record["start"]
    reach = record["end"] - start
    for key in ("subject_start", "subject_end", "object_start", "object_end"):
        if record.get(key) is not None:
            reach = max(reach, abs(record[key] - start))
    return reach


def article_context(article: dict[str, Any], records: list[dict[str, Any]]) -> ArticleContext:
    text = article.get("text") or ""
    sentences = sentence_spans(text) or [(0, len(text))]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r.get("article_id") in (None, article["id"]):
            by_type.setdefault(r.get("type", ""), []).append(r)
    for rs in by_type.values():
        rs.sort(key=lambda r: r.get("start") or 0)
    return ArticleContext(article, text, sentences, [s for s, _ in sentences], by_type)


# --- the claim's time, place, subject and source ---------------------------------------------


def _published_window(article: dict[str, Any]) -> tuple[str | None, str | None]:
    published = article.get("published")
    if not published:
        return None, None
    day = str(published)[:10]
    return day, day


def claim_time(
    ctx: ArticleContext, span: tuple[int, int]
) -> tuple[str | None, str | None, str | None]:
    """Dates the span itself names win; else the article's date stands for 'around then'."""
    refs = [
        r
        for r in ctx.within("timeref", span)
        if r.get("first")
        and r.get("kind") in ("date", "time")
        and not _STATEMENT_TIME.search(ctx.text[max(span[0], r["start"] - 60) : r["start"]])
        and _near_or_dated(r, ctx.article)
    ]
    if refs:
        guessed = all(r.get("anchor") and r.get("anchor_source") == "inferred" for r in refs)
        source = "inferred" if guessed else "text"
        return min(r["first"] for r in refs), max(r["last"] or r["first"] for r in refs), source
    first, last = _published_window(ctx.article)
    if first is None:
        return None, None, None
    return first, last, ("inferred" if ctx.article.get("published_source") == "inferred" else
                         "published")  # fmt: skip


_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b|'\d\d\b")
FAR_DAYS = 366  # further from the article's date than this, a date must say its year


def _near_or_dated(ref: dict[str, Any], article: dict[str, Any]) -> bool:
    """A time the claim may take: one whose year is written in it, or one within a year of the
    article's date. "October 9" resolved to 2015 in an article of 2018 is a reading of the
    year rules, not something the clause says."""
    published = iso_day(article.get("published"))
    first = iso_day(ref.get("first"))
    if published is None or first is None or _YEAR.search(ref.get("text") or ""):
        return True
    return abs((first - published).days) <= FAR_DAYS


# "said on Sunday that 12 people died": Sunday is when it was said, not when they died; a
# date right after a reporting verb is left out of the claim's time.
# Any verb of saying but "order": "ordered on Sunday" dates the order, which is what is told.
_SAID = "|".join(f for f in speech_forms(SPEECH_VERBS - {"order"}) if f != "told")
_STATEMENT_TIME = re.compile(
    rf"\b(?:told(?:\s+\w+){{0,3}}?|{_SAID})\s+(?:(?:on|late|early|last|this)\s+)?$", re.IGNORECASE
)


# A place is what a claim is about when the text puts it after a locative preposition ("from
# northern Syria", "out of Syria", "in Afghanistan"); "US" in "US troops" or "Turkish" are
# actors, not where things happened.
_LOCATIVE = re.compile(
    r"\b(?:in|into|from|out\s+of|to|at|near|across|inside|toward|towards|within|through|"
    r"around|outside|over)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


# "outside the U.S. embassies", "near Turkish positions": a place name modifying an
# institution is whose it is, not where things happened.
_MODIFIER_HEAD = re.compile(
    r"\s+(?:embass(?:y|ies)|consulates?|troops|forces|soldiers|military|army|officials?|"
    r"government|citizens|nationals|envoys?|ambassadors?|positions|bases?|diplomats?)\b",
    re.IGNORECASE,
)


def claim_place(
    ctx: ArticleContext,
    span: tuple[int, int],
    anchor: int,
    exclude: tuple[int, int] | None = None,
    figures: list[tuple[int, int]] | None = None,
) -> tuple[str | None, str | None]:
    """The locative place nearest the quantity or action inside the span (a sentence that names
    both Afghanistan and Syria is split into clauses before this). Where the span names places
    of several countries and other figures (`figures`, the span's other quantities), a place
    after another figure is that figure's: "killed 247 people in Kenya and 10 in Tanzania"."""
    places = _locative_places(ctx, span, exclude)
    if not places:
        return None, None
    countries = sorted({p["country"] for p in places if p.get("country")})
    if len(countries) > 1 and figures:
        own = [p for p in places if nearest_figure(p["start"], anchor, figures)]
        if own:
            places = own
            countries = sorted({p["country"] for p in places if p.get("country")})
    if len(countries) > 1:
        # "in Kenya and Tanzania": the figure is about both, a scope of its own that neither
        # "in Nairobi" nor "in Dar es Salaam" shares
        return None, "+".join(countries)
    best = min(places, key=lambda p: abs(p["start"] - anchor))
    place = str(best["geonameid"]) if best.get("geonameid") else None
    return place, best.get("country")


# "in Dar es Salaam, Tanzania, and Nairobi, Kenya": a place listed right after a locative one
# shares its preposition.
_COORDINATED = re.compile(r"\s*(?:,\s*)?(?:(?:and|or)\s+)?(?:the\s+)?$", re.IGNORECASE)


def _locative_places(
    ctx: ArticleContext, span: tuple[int, int], exclude: tuple[int, int] | None
) -> list[dict[str, Any]]:
    """The span's places told as where something happened: after a locative preposition, or
    listed after such a place."""
    found: list[dict[str, Any]] = []
    for p in sorted(ctx.within("place", span), key=lambda p: p["start"]):
        if not (p.get("geonameid") or p.get("country")) or p.get("label") in WHO_NOT_WHERE:
            continue
        if exclude and overlaps((p["start"], p["end"]), exclude):
            continue
        if _MODIFIER_HEAD.match(ctx.text, p["end"]):
            continue
        listed = bool(found) and bool(
            _COORDINATED.fullmatch(ctx.text[found[-1]["end"] : p["start"]])
        )
        if listed or _LOCATIVE.search(ctx.text[max(span[0], p["start"] - 40) : p["start"]]):
            found.append(p)
    return found


def nearest_figure(at: int, anchor: int, figures: list[tuple[int, int]]) -> bool:
    """Whether a place at `at` is the figure's at `anchor`: a locative follows what it places,
    so it is the last figure's before it (the first one's where none comes before)."""
    starts = sorted({f[0] for f in figures} | {anchor})
    before = [f for f in starts if f < at]
    return (before[-1] if before else starts[0]) == anchor


def claim_subject(
    ctx: ArticleContext, span: tuple[int, int], target: tuple[int, int] | None
) -> str | None:
    """The actor told by the counted phrase itself ("US troops" -> United States (forces)),
    else None: guessing the grammatical subject of a long sentence does more harm than good."""
    mentions = ctx.within("mention", span)
    if target is not None:
        inside = [m for m in mentions if overlaps((m["start"], m["end"]), target)]
        if inside:
            m = inside[0]
            return m.get("entity_id") or m.get("name")
        return None
    if mentions:
        m = mentions[0]
        return m.get("entity_id") or m.get("name")
    return None


Source = tuple[str | None, str | None, str | None]  # key, kind, name as written


def claim_source(ctx: ArticleContext, span: tuple[int, int]) -> Source:
    """The speaker of an attribution covering the span's middle; None = the outlet's voice."""
    middle = (span[0] + span[1]) // 2
    for a in ctx.near("attribution", span[0], span[1]):
        covers_middle = a["start"] <= middle <= a["end"]
        covers_half = overlaps((a["start"], a["end"]), span) and (
            a["end"] - a["start"] >= (span[1] - span[0]) // 2
        )
        if covers_middle or covers_half:
            return source_of(ctx, a)
    return None, None, None


def source_of(ctx: ArticleContext, a: dict[str, Any]) -> Source:
    return _source_key(ctx, a), a.get("kind"), a.get("speaker")


def _source_key(ctx: ArticleContext, attribution: dict[str, Any]) -> str | None:
    """Who the source is, as one key across the corpus: the speaker's entity where the article
    names it, even as a title alone ("the president" said -> the article's President Trump);
    else the speaker's words."""
    if attribution.get("kind") in ANONYMOUS_KINDS:
        return None
    if attribution.get("entity_id"):
        return attribution["entity_id"]
    speaker = (attribution.get("speaker") or "").strip()
    return _entity_by_role(ctx, speaker, attribution.get("speaker_start")) or speaker or None


_TITLE_ONLY = re.compile(r"^(?:the|a|an|this|that)\s+((?:[\w.-]+\s+){0,2}[\w.-]+)$", re.I)


def _entity_by_role(ctx: ArticleContext, speaker: str, at: int | None) -> str | None:
    """The actor a title-only speaker stands for: the article's actor with that title, the one
    named last before it (or first after it)."""
    match = _TITLE_ONLY.match(speaker)
    if not match:
        return None
    head = match.group(1).split()[-1].lower()
    holders = [
        m
        for m in ctx.by_type.get("mention", [])
        if m.get("entity_id") and head in (m.get("role") or "").lower().split()
    ]
    if not holders:
        return None
    position = at if at is not None else 0
    before = [m for m in holders if m["start"] < position]
    return (before[-1] if before else holders[0])["entity_id"]

