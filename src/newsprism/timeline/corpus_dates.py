"""Dates without a year, settled by the corpus: "October 9" in an undated article takes its year
from the articles that tell the same events with a year, or from the dated articles of its
story. The reasoning is kept with each date: which article fixed it and why.

The same event is the same action class (withdraw, attack...) with a participant in common: the
head word of who acts or what is acted on ("troops"), or the country it happens in. Such a match
alone is weak, so a year is only taken where every account within reach agrees
(`years.choose_year`). A dated account counts for the action nearest its date in the sentence
("the withdrawal ... the liberation of Raqqa in October 2017" does not date the withdrawal).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newsprism.articles import iso_day
from newsprism.crosscheck.verdict_reasons import cut
from newsprism.timeline.years import (
    Anchor,
    YearChoice,
    choose_year,
    first_after,
    yearless_parts,
)

__all__ = ["ArticleRecords", "DatedEvents", "ResolvedDate", "Sentence", "own_dates",
           "resolve_yearless"]

# Evidence weights: a dated member of the same story says most about when its events happened;
# another article's dated account of the same event somewhat less; a year this stage settled
# itself (second pass) least.
STORY_WEIGHT = 2.0
EVENT_WEIGHT = 1.0
SETTLED_WEIGHT = 0.5
# A dated account anchors only when its date is no wider than a month: a bare year ("born in
# 1990", "since 2014") is background more often than the date of the event beside it.
MAX_ANCHOR_DAYS = 31
# Moods that tell an event as still to come (or only wanted): such an article predates the
# accounts that tell the event as done.
AWAITED = {"future", "intended", "possible", "conditional"}
# Words for armed forces vary by outlet ("troops", "soldiers", "personnel"): one participant.
_FORCES = {"troop", "soldier", "force", "personnel", "military", "serviceman", "servicemen",
           "army", "marine"}
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")
# Words that only say how much of something ("all of its troops", "about half"): not a head.
_PARTITIVE = {"all", "half", "some", "most", "many", "part", "rest", "remainder", "number",
              "thousands", "hundreds", "dozens", "several", "few", "each", "both", "none"}
_PREPOSITION = re.compile(r"\b(?:from|in|of|to|into|at|on|with|near|across|for)\b", re.I)


@dataclass(frozen=True)
class ResolvedDate:
    timeref_id: str
    article_id: str
    start: int
    value: str
    first: date
    last: date
    reason: str
    by_articles: tuple[str, ...]
    agreement: float
    # "corpus": other articles settled it; "inferred": only the article's own latest dated
    # event did (the first such date after it), a reader's default, less sure
    source: str = "corpus"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    countries: frozenset[str]


@dataclass
class ArticleRecords:
    """What settling one article's dates reads: its sentences (those claims were made of, with
    the countries they are about), actions and time expressions."""

    article_id: str
    sentences: list[Sentence]
    actions: list[Mapping[str, Any]]
    timerefs: list[Mapping[str, Any]]
    # looked up by bisection, once per time expression: a scan each time made settling a long
    # article's dates quadratic (251 s at 2 MB; benchmarks/long_article.py)
    _sentence_starts: list[int] = field(init=False, repr=False)
    _by_start: list[Mapping[str, Any]] = field(init=False, repr=False)
    _action_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.sentences = sorted(self.sentences, key=lambda s: s.start)
        self._sentence_starts = [s.start for s in self.sentences]
        self._by_start = sorted(self.actions, key=lambda a: a["start"])
        self._action_starts = [a["start"] for a in self._by_start]

    def sentence_at(self, offset: int) -> Sentence | None:
        i = bisect_right(self._sentence_starts, offset) - 1
        # sentences do not overlap (sentences_of merges them): only the last one starting
        # at or before the offset can hold it
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def actions_in(self, sentence: Sentence) -> list[Mapping[str, Any]]:
        lo = bisect_left(self._action_starts, sentence.start)
        hi = bisect_left(self._action_starts, sentence.end)
        return self._by_start[lo:hi]

    def nearest_action(self, offset: int) -> Mapping[str, Any] | None:
        """The action nearest a time expression in its sentence: what the date belongs to."""
        sentence = self.sentence_at(offset)
        actions = self.actions_in(sentence) if sentence else []
        return min(actions, key=lambda a: abs(a["start"] - offset)) if actions else None


def sentences_of(claims: Iterable[Mapping[str, Any]]) -> list[Sentence]:
    """The sentences an article's claims were made of: overlapping claim spans (a clause and
    its sentence) are one sentence, about every country its claims are about."""
    merged: list[list[Any]] = []  # [start, end, text, countries]
    for c in sorted(claims, key=lambda c: (c["start"], -c["end"])):
        countries = set(filter(None, (c.get("country") or "").split("+")))
        if merged and c["start"] < merged[-1][1]:
            last = merged[-1]
            if c["end"] > last[1]:
                last[1], last[2] = c["end"], c.get("text") or last[2]
            last[3] |= countries
        else:
            merged.append([c["start"], c["end"], c.get("text") or "", countries])
    return [Sentence(s, e, t, frozenset(cs)) for s, e, t, cs in merged]


def _head(words: str | None) -> str | None:
    """The head word of a phrase: its last word before a preposition ("US military personnel
    from Syria" → personnel; "all of its troops" → troops), singular; every word for armed
    forces is one."""
    parts = _PREPOSITION.split(words or "", maxsplit=1)
    found = _WORD.findall(parts[0])
    if found and found[-1].lower() in _PARTITIVE and len(parts) > 1:
        found = _WORD.findall(_PREPOSITION.split(parts[1], maxsplit=1)[0])
    if not found or found[-1].lower() in _PARTITIVE:
        return None
    head = found[-1].lower()
    head = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
    return "forces" if head in _FORCES else head


def action_terms(action: Mapping[str, Any], sentence: Sentence) -> frozenset[str]:
    """Who or what an action is about: the head words of its subject and object, the countries
    of its sentence."""
    terms = {f"country:{c}" for c in sentence.countries}
    for key in ("subject", "object"):
        if (head := _head(action.get(key))) and len(head) > 2:
            terms.add(head)
    return frozenset(terms)


def own_dates(timerefs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """An article's time expressions dated by its own words or its known publication date
    (not by a date newsprism inferred or the corpus settled): those that anchor others."""
    return [r for r in timerefs if _has_own_year(r)]


def _has_own_year(ref: Mapping[str, Any]) -> bool:
    """A dated time expression whose year is the text's, or the article's known date's (not a
    date newsprism inferred, nor one this stage settled)."""
    if ref.get("kind") not in ("date", "time") or not iso_day(ref.get("first")):
        return False
    return ref.get("anchor_source") != "corpus" and not (
        ref.get("anchor") and ref.get("anchor_source") == "inferred")


@dataclass
class DatedEvents:
    """Dated accounts of events across the corpus, by action class: what anchors a yearless
    date."""

    labels: Mapping[str, str] = field(default_factory=dict)  # article id → title or outlet
    by_class: dict[str, list[tuple[frozenset[str], date, date, str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (class, term) → article id → positions in by_class[class]: a date is compared only with
    # the accounts that share one of its terms, in other articles (a scan of the whole class
    # for every date grows with the square of a long article's length, and with the corpus)
    _by_term: dict[tuple[str, str], dict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def add_article(self, article: ArticleRecords, dated: Iterable[Mapping[str, Any]]) -> None:
        """The `dated` time expressions of an article, each as the date of the action nearest
        it in its sentence, when that action is told as done."""
        for ref in dated:
            sentence = article.sentence_at(ref["start"])
            nearest = article.nearest_action(ref["start"])
            if sentence is None or nearest is None:
                continue
            if (nearest.get("mood") or "fact") != "fact" or not nearest.get("action"):
                continue
            first = iso_day(ref["first"])
            last = iso_day(ref.get("last")) or first
            assert first is not None and last is not None
            if (last - first).days > MAX_ANCHOR_DAYS:
                continue
            terms = action_terms(nearest, sentence)
            told = self.by_class[nearest["action"]]
            for term in terms:
                self._by_term[nearest["action"], term][article.article_id].append(len(told))
            told.append((terms, first, last, article.article_id, sentence.text))

    def anchors(self, classes: Iterable[str], terms: frozenset[str], article_id: str,
                awaited: bool, weight: float = EVENT_WEIGHT) -> list[Anchor]:
        found: dict[tuple[str, date], Anchor] = {}
        for c in classes:
            accounts = self.by_class.get(c, [])
            sharing: set[int] = set()
            for term in terms:
                for other, positions in self._by_term.get((c, term), {}).items():
                    if other != article_id:
                        sharing.update(positions)
            for _, first, last, other, text in (accounts[i] for i in sorted(sharing)):
                told = f" ({self.labels[other]})" if other in self.labels else ""
                dated = first.isoformat() + (f"..{last.isoformat()}" if last != first else "")
                reason = f"“{cut(text, 90)}”{told} tells the same {c} event, dated {dated}"
                found.setdefault((other, first), Anchor(
                    first, last, weight, reason, other, before=awaited))
        return list(found.values())


def awaited_events(article: ArticleRecords) -> set[tuple[str, str]]:
    """(action class, participant) the article tells as still to come, wanted or possible."""
    found: set[tuple[str, str]] = set()
    for a in article.actions:
        sentence = article.sentence_at(a["start"])
        if (a.get("mood") or "fact") in AWAITED and a.get("action") and sentence is not None:
            found |= {(a["action"], t) for t in action_terms(a, sentence)}
    return found


def resolve_yearless(
    article: ArticleRecords,
    story_dates: Sequence[tuple[date, str, str]],
    events: DatedEvents,
    settled: DatedEvents | None = None,
    siblings: Mapping[str, Sequence[ResolvedDate]] | None = None,
    skip: AbstractSet[str] = frozenset(),
) -> list[ResolvedDate]:
    """A year for each of the article's yearless dates the corpus decides. `story_dates`:
    (day, article id, name) of its story's other dated articles; `siblings`: what the same
    written value was read as in other articles of the story; `skip`: time expressions already
    settled. The article's own bounds on its
    publication are not evidence here: the latest year an article names is as often background
    ("the summer of 2014" in a November 2015 report) as the year of its news."""
    awaited = awaited_events(article)
    latest: list[Mapping[str, Any] | None] = []  # the article's latest_told, once it is asked
    out = []
    for ref in article.timerefs:
        if ref["id"] in skip or ref.get("first") or yearless_parts(ref.get("value") or "") is None:
            continue
        anchors = [Anchor(d, d, STORY_WEIGHT, f"{label}, in the same story, is dated "
                          f"{d.isoformat()}", a) for d, a, label in story_dates]
        anchors += [
            Anchor(r.first, r.last, STORY_WEIGHT, f"the same words in an article of the same "
                   f"story were read as {r.value} ({r.reason})", r.article_id)
            for r in (siblings or {}).get(ref["value"], ())
        ]
        sentence = article.sentence_at(ref["start"])
        for action in article.actions_in(sentence) if sentence else ():
            if not action.get("action"):
                continue
            assert sentence is not None
            terms = action_terms(action, sentence)
            waits = any((action["action"], t) in awaited for t in terms)
            anchors += events.anchors([action["action"]], terms, article.article_id, waits)
            if settled is not None:
                anchors += settled.anchors([action["action"]], terms, article.article_id, waits,
                                           SETTLED_WEIGHT)
        choice = choose_year(ref["value"], _dedupe(anchors))
        if choice is not None:
            out.append(_resolved(ref, choice))
        elif not anchors:
            if not latest:
                latest.append(latest_told(article))
            if (found := _after_latest_told(article, ref, latest[0])) is not None:
                out.append(found)
    return out


def latest_told(article: ArticleRecords) -> Mapping[str, Any] | None:
    """The latest date, with its year and no wider than a month, that the article gives a
    thing told as done ("In late October 2019, Washington reversed..."); not a bare year, which
    is as often background."""
    best = None
    for ref in article.timerefs:
        if not _has_own_year(ref):
            continue
        first, last = iso_day(ref["first"]), iso_day(ref.get("last")) or iso_day(ref["first"])
        nearest = article.nearest_action(ref["start"])
        if first is None or last is None or (last - first).days > MAX_ANCHOR_DAYS:
            continue
        if nearest is None or (nearest.get("mood") or "fact") != "fact":
            continue
        if best is None or first > iso_day(best["first"]):  # type: ignore[operator]
            best = ref
    return best


def _after_latest_told(article: ArticleRecords, ref: Mapping[str, Any],
                       latest: Mapping[str, Any] | None) -> ResolvedDate | None:
    """Where nothing in the corpus speaks: a date told as done without a year is read as the
    first such date after the latest dated thing the article tells as done ("In late October
    2019 ... Also in late March" is March 2020), as a reader takes it, when that is within half
    a year; marked as the article's own reading, not the corpus's. `latest`: latest_told of
    the article (found once per article: once per date, a long article's took the square of
    its length)."""
    nearest = article.nearest_action(ref["start"])
    if article.sentence_at(ref["start"]) is None or latest is None:
        return None  # not in a sentence a claim was made of: not told as a thing that happened
    if nearest is not None and (nearest.get("mood") or "fact") != "fact":
        return None
    start = iso_day(latest["first"])
    assert start is not None
    choice = first_after(ref["value"], start)
    if choice is None:
        return None
    return ResolvedDate(
        timeref_id=ref["id"], article_id=ref["article_id"], start=ref["start"],
        value=choice.value, first=choice.first, last=choice.last,
        reason=(f'"{ref.get("text")}" read as {choice.value}: the first such date after the '
                f'latest dated thing the article tells as done, "{latest.get("text")}" '
                f"({latest.get('value')}); nothing else in the corpus dates it"),
        by_articles=(), agreement=1.0, source="inferred",
    )  # fmt: skip


def _dedupe(anchors: list[Anchor]) -> list[Anchor]:
    """One vote per article: its strongest anchor."""
    best: dict[str, Anchor] = {}
    for a in anchors:
        if a.article_id not in best or a.weight > best[a.article_id].weight:
            best[a.article_id] = a
    return list(best.values())


def _resolved(ref: Mapping[str, Any], choice: YearChoice) -> ResolvedDate:
    reasons = "; ".join(a.reason for a in choice.anchors[:3])
    more = len(choice.anchors) - 3
    return ResolvedDate(
        timeref_id=ref["id"],
        article_id=ref["article_id"],
        start=ref["start"],
        value=choice.value,
        first=choice.first,
        last=choice.last,
        reason=f'"{ref.get("text")}" read as {choice.value}: {reasons}'
        + (f" (and {more} more)" if more > 0 else ""),
        by_articles=tuple(dict.fromkeys(a.article_id for a in choice.anchors)),
        agreement=round(choice.agreement, 3),
    )
