"""The timeline run: for every story that gained (or lost) an article, the years of its articles'
yearless dates are settled by the corpus, then its events are built again and stored.

Incremental by story: a story untouched since the last run keeps its events. Stories whose
articles still hold a date without a year are looked at again whenever new articles arrive, as
these may bring the dated account that settles it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from newsprism.articles import InTextOrder, iso_day, own_published_day
from newsprism.progress import ProgressReporter
from newsprism.stages.crosscheck import CROSSCHECK_VERSION
from newsprism.store import Store
from newsprism.timeline.contested import contested_groups, revised
from newsprism.timeline.corpus_dates import (
    ArticleRecords,
    DatedEvents,
    ResolvedDate,
    dated_events,
    resolve_yearless,
    sentences_of,
)
from newsprism.timeline.events import Account, StoryContext, build_events, date_account
from newsprism.timeline.publication import corpus_bounds
from newsprism.timeline.years import yearless_parts

# Bump when settling dates or building events changes: every timeline is then built again.
# 2: the event_entity index, place ids in events; 3: fixed facts contested; 4: a corroborated
# group's related statements are events of their own
TIMELINE_VERSION = "4"
# Events are made of claim groups: grouped again by another cross-checking version, every
# story's events are built again (its stored version is both).
STORED_VERSION = f"{TIMELINE_VERSION}-c{CROSSCHECK_VERSION}"
CHUNK_ARTICLES = 500  # articles whose mentions and places are held at once


@dataclass
class TimelineSummary:
    stories: int = 0
    events: int = 0
    dates_settled: int = 0
    contested: int = 0  # corroborated groups left unconfirmed by a rival figure in their story
    seconds: float = 0.0


def _article_label(meta: dict[str, Any]) -> str:
    """How a reason names an article: its title, else its outlet, else its file name."""
    if meta.get("title"):
        return f'"{meta["title"][:80]}"'
    if meta.get("outlet"):
        return str(meta["outlet"])
    return Path(str(meta.get("source") or meta.get("id") or "?")).name


def _written_value(ref: dict[str, Any]) -> str:
    return ref.get("written_value") or ref.get("value") or ""


def _unsettled(ref: dict[str, Any]) -> bool:
    """A date without a year that nothing but the corpus can settle (or that this stage
    settled: it is looked at again as the corpus grows)."""
    return bool(ref.get("written_value")) or (
        not ref.get("first") and yearless_parts(_written_value(ref)) is not None
    )


@dataclass
class _Corpus:
    """What the stage reads of the whole store once per run."""

    meta: dict[str, dict[str, Any]]
    labels: dict[str, str]
    names: dict[str, str]
    claims: dict[str, list[dict[str, Any]]]
    groups: dict[str, dict[str, Any]]
    group_verdicts: dict[str, str]
    published: dict[str, tuple[date, bool]]
    timerefs: dict[str, list[dict[str, Any]]]
    actions: dict[str, list[dict[str, Any]]]

    def records(self, article_id: str, timerefs: list[dict[str, Any]] | None = None
                ) -> ArticleRecords:
        return ArticleRecords(
            article_id, sentences_of(self.claims.get(article_id, ())),
            self.actions.get(article_id, []),
            self.timerefs.get(article_id, []) if timerefs is None else timerefs,
        )  # fmt: skip

    def dated_events(self) -> DatedEvents:
        return dated_events((self.records(a) for a in self.timerefs), self.labels)


def _read_corpus(store: Store) -> _Corpus:
    meta = store.article_meta()
    labels = {a: _article_label(m) for a, m in meta.items()}
    names = {e["id"]: e["name"] for e in store.entities()}
    groups = store.claim_group_verdicts()
    # A corroborated group's related statements are not what it says: no event, date or
    # contest takes them for the group's (its evidence alone is the proposition)
    apart = {e["claim_id"] for g in groups.values() for e in g.get("related") or ()}
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for data, group_id, _ in store.stored_claims():
        own = None if data["id"] in apart else group_id
        claims[data["article_id"]].append({**data, "group_id": own})
    verdicts = {g: group["verdict"] for g, group in groups.items()}
    published: dict[str, tuple[date, bool]] = {}
    for a, m in meta.items():
        if day := own_published_day(m):
            published[a] = (day, False)
    for a, inference in store.published_inferences().items():
        if a not in published and (day := iso_day(inference.get("best"))):
            published[a] = (day, True)
    return _Corpus(meta, labels, names, claims, groups, verdicts, published,
                   _records(store, "timeref"), _records(store, "action"))


def run_timeline(store: Store, progress: bool = True) -> TimelineSummary:
    started = time.monotonic()
    summary = TimelineSummary()
    changed = store.pending_timeline(STORED_VERSION)
    if not changed:
        return summary
    corpus = _read_corpus(store)
    members = store.story_articles()
    timerefs = corpus.timerefs
    waiting = {s for s, ids in members.items()
               if any(_unsettled(r) for a in ids for r in timerefs.get(a, ()))}
    todo = sorted((changed | waiting) & set(members))
    events = corpus.dated_events()
    settled = _settle_dates(todo, members, corpus, events)
    summary.dates_settled = len(settled)
    reporter = ProgressReporter(len(todo), "timeline", enabled=progress)
    revisions = _contests(todo, members, corpus)
    built: dict[str, list[dict[str, Any]]] = {}
    bounds = []
    for chunk, mentions, places in _with_mentions_and_places(store, todo, members):
        for story_id in chunk:
            built[story_id], found = _build_story(story_id, members, corpus, events,
                                                  mentions, places)  # fmt: skip
            bounds += found
            summary.events += len(built[story_id])
            reporter.advance(1)
        del mentions, places  # before the next chunk's are read
    reporter.close()
    rows = [r for refs in timerefs.values() for r in refs if r.get("_changed")]
    store.save_timeline(built, {s: members[s] for s in todo}, STORED_VERSION, rows, bounds,
                        revisions)
    summary.contested = len(revisions)
    summary.stories = len(todo)
    summary.seconds = time.monotonic() - started
    return summary


def _build_story(
    story_id: str,
    members: dict[str, list[str]],
    corpus: _Corpus,
    events: DatedEvents,
    mentions: dict[str, InTextOrder],
    places: dict[str, InTextOrder],
) -> tuple[list[dict[str, Any]], list[Any]]:
    """The story's events, and what its dated accounts say of when its undated articles were
    published."""
    ctx = StoryContext(story_id, corpus.meta, corpus.group_verdicts, corpus.names,
                       mentions, places)  # fmt: skip
    accounts: list[Account] = []
    bounds = []
    dated = _dated_members(members[story_id], corpus)
    for a in members[story_id]:
        refs = InTextOrder(corpus.timerefs.get(a, ()))
        actions = InTextOrder(corpus.actions.get(a, ()))
        own = [date_account(c, refs, corpus.published.get(a), actions)
               for c in corpus.claims.get(a, ())]  # fmt: skip
        accounts += own
        if a not in corpus.published or corpus.published[a][1]:
            others = [d for d in dated if d[1] != a]
            if found := corpus_bounds(corpus.records(a), own, events, others):
                bounds.append(found)
    return build_events(accounts, ctx), bounds


def _with_mentions_and_places(
    store: Store, todo: list[str], members: dict[str, list[str]]
) -> Iterator[tuple[list[str], dict[str, InTextOrder], dict[str, InTextOrder]]]:
    """The stories of `todo` a chunk at a time, with the actor mentions and places of the
    chunk's articles: only the changed stories' (a run that adds a few articles to a large
    store does not read every mention and place again), and never every story's at once (a
    first run's mentions and places are a third of what the stage holds, 29 of 92 MB on
    1,000 articles: benchmarks/timeline_memory.py)."""
    chunk: list[str] = []
    size = 0
    for n, story_id in enumerate(todo):
        chunk.append(story_id)
        size += len(members[story_id])
        if size < CHUNK_ARTICLES and n + 1 < len(todo):
            continue
        articles = [a for s in chunk for a in members[s]]
        yield (
            chunk,
            _in_text_order(store.span_records_by_article(articles, "mention")),
            _in_text_order(store.span_records_by_article(articles, "place")),
        )
        chunk, size = [], 0


def _contests(todo: list[str], members: dict[str, list[str]], corpus: _Corpus
              ) -> list[dict[str, Any]]:
    """Corroborated figures another report of their story contests: their verdicts revised,
    here for the events about to be built and in the store."""
    revisions = []
    for story_id in todo:
        articles = set(members[story_id])
        told = [c for a in members[story_id] for c in corpus.claims.get(a, ())]
        for contest in contested_groups(articles, corpus.groups, told, corpus.meta):
            if (row := revised(corpus.groups[contest.group_id], contest)) is not None:
                revisions.append(row)
                corpus.group_verdicts[contest.group_id] = row["verdict"]
    return revisions


def _records(store: Store, kind: str) -> dict[str, list[dict[str, Any]]]:
    return _by_article(store.span_records(kind))


def _by_article(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        found[r["article_id"]].append(r)
    return found


def _in_text_order(by_article: dict[str, list[dict[str, Any]]]) -> dict[str, InTextOrder]:
    return {a: InTextOrder(found) for a, found in by_article.items()}


def _dated_members(story: list[str], corpus: _Corpus) -> list[tuple[date, str, str]]:
    """(day, article id, name) of the story's articles whose publication date is known."""
    return [(corpus.published[a][0], a, corpus.labels.get(a, a)) for a in story
            if a in corpus.published and not corpus.published[a][1]]


def _settle_dates(
    todo: list[str], members: dict[str, list[str]], corpus: _Corpus, events: DatedEvents
) -> list[ResolvedDate]:
    """Years for the yearless dates of the stories' articles, in two passes: the second also
    leans on what the first settled (at a lower weight). The timerefs are updated in place."""
    story_dates: dict[str, list[tuple[date, str, str]]] = {}
    for s in todo:
        dated = _dated_members(members[s], corpus)
        for a in members[s]:
            if any(_unsettled(r) for r in corpus.timerefs.get(a, ())):
                story_dates[a] = [d for d in dated if d[1] != a]
    story_of = {a: s for s in todo for a in members[s]}
    settled: dict[str, ResolvedDate] = {}
    extra: DatedEvents | None = None
    for _ in range(2):
        for a, dates in story_dates.items():
            # every time expression, the ones still to settle as written: the article's own
            # dated ones are context (the latest thing it tells as done)
            refs = [_as_written(r) if _unsettled(r) else r for r in corpus.timerefs[a]]
            siblings = _sibling_readings(a, members[story_of[a]], settled, corpus)
            for found in resolve_yearless(corpus.records(a, refs), dates, events, extra,
                                          siblings, skip=set(settled)):
                settled[found.timeref_id] = found
        extra = _settled_events(settled, corpus)
    for a in story_dates:
        for ref in corpus.timerefs[a]:
            if _unsettled(ref):
                _apply(ref, settled.get(ref["id"]), corpus.labels)
    return list(settled.values())


def _sibling_readings(
    article_id: str, story: list[str], settled: dict[str, ResolvedDate], corpus: _Corpus
) -> dict[str, list[ResolvedDate]]:
    """What the same yearless words in the other articles of its story were read as: "October
    9" in two accounts of one story is one day."""
    written = {r["id"]: _written_value(r) for a in story if a != article_id
               for r in corpus.timerefs.get(a, ())}
    found: dict[str, list[ResolvedDate]] = defaultdict(list)
    for ref_id, reading in settled.items():
        if ref_id in written:
            found[written[ref_id]].append(reading)
    return found


def _as_written(ref: dict[str, Any]) -> dict[str, Any]:
    """The time expression as the article wrote it, before this stage settled its year."""
    return {**ref, "value": _written_value(ref), "first": None, "last": None}


def _settled_events(settled: dict[str, ResolvedDate], corpus: _Corpus) -> DatedEvents:
    """The accounts a year this stage settled dates, as anchors for a second pass."""
    index = DatedEvents(labels=corpus.labels)
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in settled.values():
        by_article[r.article_id].append(
            {"start": r.start, "first": r.first.isoformat(), "last": r.last.isoformat()})
    for a, dated in by_article.items():
        index.add_article(corpus.records(a), dated)
    return index


def _apply(ref: dict[str, Any], found: ResolvedDate | None, labels: dict[str, str]) -> None:
    """Write the settled year into the time expression (or take back an old one the corpus no
    longer decides), keeping what the article wrote and why."""
    written = _written_value(ref)
    if found is None:
        if not ref.get("written_value"):
            return
        ref.update(value=written, first=None, last=None, anchor_source=None,
                   corpus_reason=None, anchor_articles=None, written_value=None)
    else:
        first, last = _modified(found.first, found.last, ref.get("mod"))
        ref.update(value=found.value, first=first.isoformat(), last=last.isoformat(),
                   anchor_source=found.source, corpus_reason=found.reason,
                   anchor_articles=list(found.by_articles), written_value=written,
                   anchor_labels=[labels.get(a, a) for a in found.by_articles])
    ref["_changed"] = True


def _modified(first: date, last: date, mod: str | None) -> tuple[date, date]:
    """A month narrowed as the text narrows it: "early", "mid", "late" March."""
    if first.day != 1 or (last - first).days < 27 or mod not in ("START", "MID", "END"):
        return first, last
    start, end = {"START": (1, 10), "MID": (11, 20), "END": (21, last.day)}[mod]
    return first.replace(day=start), last.replace(day=end)


