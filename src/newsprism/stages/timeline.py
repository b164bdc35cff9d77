"""The timeline run: for every story that gained (or lost) an article, the years of its articles'
yearless dates are settled by the corpus, then its events are built again and stored.

Incremental by story: a story untouched since the last run keeps its events. Stories whose
articles still hold a date without a year are looked at again whenever new articles arrive, as
these may bring the dated account that settles it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsprism.articles import InTextOrder, iso_day, own_published_day
from newsprism.progress import ProgressReporter
from newsprism.stages.crosscheck import CROSSCHECK_VERSION
from newsprism.store import Store
from newsprism.store.base import chunked
from newsprism.timeline.contested import contested_groups, revised
from newsprism.timeline.corpus_dates import (
    ArticleRecords,
    DatedEvents,
    ResolvedDate,
    own_dates,
    resolve_yearless,
    sentences_of,
)
from newsprism.timeline.events import (
    Account,
    StoryContext,
    build_events,
    date_account,
    in_setting,
    tells_event,
)
from newsprism.timeline.publication import corpus_bounds
from newsprism.timeline.years import yearless_parts

# Bump when settling dates or building events changes: every timeline is then built again.
# 2: the event_entity index, place ids in events; 3: fixed facts contested; 4: a corroborated
# group's related statements are events of their own
TIMELINE_VERSION = "4"
# Events are made of claim groups: grouped again by another cross-checking version, every
# story's events are built again (its stored version is both).
STORED_VERSION = f"{TIMELINE_VERSION}-c{CROSSCHECK_VERSION}"
CHUNK_ARTICLES = 200  # articles whose claims, time expressions, mentions... are held at once


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
    """What the stage holds of the whole store through a run: of every article its label,
    metadata and publication date; the index of the corpus's dated accounts; which articles
    hold a date still to settle; and what this run changes (time expressions settled, group
    verdicts revised). Claims, time expressions, actions, mentions and places are read a chunk
    of articles at a time, so that what is held grows by little more than an article's label
    (benchmarks/timeline_memory.py)."""

    meta: dict[str, dict[str, Any]]
    labels: dict[str, str]
    published: dict[str, tuple[date, bool]]
    apart: set[str]  # claim ids of corroborated groups' related statements
    events: DatedEvents
    unsettled: set[str]  # articles with a yearless date
    settled: dict[str, dict[str, Any]] = field(default_factory=dict)  # timeref id → as changed
    revised: dict[str, str] = field(default_factory=dict)  # group id → verdict after contests


@dataclass
class _Chunk:
    """The claims (each with its group id), time expressions and actions of a chunk of
    articles."""

    claims: dict[str, list[dict[str, Any]]]
    timerefs: dict[str, list[dict[str, Any]]]
    actions: dict[str, list[dict[str, Any]]]

    def records(self, article_id: str) -> ArticleRecords:
        return ArticleRecords(article_id, sentences_of(self.claims[article_id]),
                              self.actions[article_id], self.timerefs[article_id])  # fmt: skip


def _read_corpus(store: Store) -> _Corpus:
    meta = store.article_meta()
    labels = {a: _article_label(m) for a, m in meta.items()}
    published: dict[str, tuple[date, bool]] = {}
    for a, m in meta.items():
        if day := own_published_day(m):
            published[a] = (day, False)
    for a, inference in store.published_inferences().items():
        if a not in published and (day := iso_day(inference.get("best"))):
            published[a] = (day, True)
    # A corroborated group's related statements are not what it says: no event, date or
    # contest takes them for the group's (its evidence alone is the proposition)
    corpus = _Corpus(meta, labels, published, store.related_claim_ids(),
                     DatedEvents(labels=labels), set())  # fmt: skip
    # in article order: the order the index's accounts are told in (and their reasons kept)
    for articles in chunked(sorted(meta), CHUNK_ARTICLES):
        timerefs = store.span_records_by_article(articles, "timeref")
        corpus.unsettled.update(a for a in articles if any(map(_unsettled, timerefs[a])))
        dated = {a: found for a in articles if (found := own_dates(timerefs[a]))}
        chunk = _read_chunk(store, list(dated), corpus, timerefs)
        for a, found in dated.items():
            corpus.events.add_article(chunk.records(a), found)
    return corpus


def _read_chunk(store: Store, articles: list[str], corpus: _Corpus,
                timerefs: dict[str, list[dict[str, Any]]] | None = None) -> _Chunk:
    """The chunk's records as stored (its time expressions unless given), with the time
    expressions this run settled."""
    if timerefs is None:
        timerefs = store.span_records_by_article(articles, "timeref")
    if corpus.settled:
        for a in articles:
            timerefs[a] = [corpus.settled.get(r["id"], r) for r in timerefs[a]]
    return _Chunk(_claims(store, articles, corpus), timerefs,
                  store.span_records_by_article(articles, "action"))  # fmt: skip


def _claims(store: Store, articles: list[str], corpus: _Corpus, kind: str | None = None
            ) -> dict[str, list[dict[str, Any]]]:
    """The articles' claims (of `kind`), each with its group's id, but for related statements:
    they are not what their group says."""
    return {
        a: [{**data, "group_id": None if data["id"] in corpus.apart else group_id}
            for data, group_id in found]
        for a, found in store.claims_by_article(articles, kind).items()
    }  # fmt: skip


def _verdicts(store: Store, claims: Iterable[dict[str, Any]], corpus: _Corpus) -> dict[str, str]:
    """The verdicts of the claims' groups, as this run's contests left them."""
    stored = store.group_verdicts(c["group_id"] for c in claims if c["group_id"])
    return {g: corpus.revised.get(g, verdict) for g, verdict in stored.items()}


def run_timeline(store: Store, progress: bool = True) -> TimelineSummary:
    started = time.monotonic()
    summary = TimelineSummary()
    changed = store.pending_timeline(STORED_VERSION)
    if not changed:
        return summary
    corpus = _read_corpus(store)
    members = store.story_articles()
    waiting = {s for s, ids in members.items() if not corpus.unsettled.isdisjoint(ids)}
    todo = sorted((changed | waiting) & set(members))
    summary.dates_settled = _settle_dates(store, todo, members, corpus)
    reporter = ProgressReporter(len(todo), "timeline", enabled=progress)
    revisions = _contests(store, todo, members, corpus)
    built: dict[str, list[dict[str, Any]]] = {}
    bounds = []
    told: dict[str, list[Account]] = defaultdict(list)  # the accounts of stories being read
    dated: dict[str, list[tuple[date, str, str]]] = {}  # their articles of known date
    for chunk, finished in _members_in_chunks(todo, members):
        reads = _ChunkReads.of(store, list(dict.fromkeys(a for _, a in chunk)), corpus)
        for story_id, article_id in chunk:
            if story_id not in dated:
                dated[story_id] = _dated_members(members[story_id], corpus)
            accounts, found = _accounts(article_id, dated[story_id], corpus, reads)
            told[story_id] += accounts
            if found:
                bounds.append(found)
        del reads  # before the stories are built and the next chunk's records are read
        for story_id, events in _built(store, {s: told.pop(s, []) for s in finished}, corpus):
            built[story_id] = events
            dated.pop(story_id, None)
            summary.events += len(events)
            reporter.advance(1)
    reporter.close()
    store.save_timeline(built, {s: members[s] for s in todo}, STORED_VERSION,
                        list(corpus.settled.values()), bounds, revisions)  # fmt: skip
    summary.contested = len(revisions)
    summary.stories = len(todo)
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class _ChunkReads:
    """What dating the accounts of a chunk of articles reads of the store: their claims, time
    expressions and actions, and the actor mentions and places the accounts name."""

    chunk: _Chunk
    mentions: dict[str, InTextOrder]
    places: dict[str, InTextOrder]

    @classmethod
    def of(cls, store: Store, articles: list[str], corpus: _Corpus) -> _ChunkReads:
        return cls(_read_chunk(store, articles, corpus),
                   _in_text_order(store.span_records_by_article(articles, "mention")),
                   _in_text_order(store.span_records_by_article(articles, "place")))  # fmt: skip


def _accounts(article_id: str, dated: list[tuple[date, str, str]], corpus: _Corpus,
              reads: _ChunkReads) -> tuple[list[Account], dict[str, Any] | None]:
    """The article's accounts of events, each in its setting, and what its story's dated
    accounts (and `dated`, its story's articles of known date) say of when it was published
    when its own date is not known."""
    chunk = reads.chunk
    refs = InTextOrder(chunk.timerefs[article_id])
    actions = InTextOrder(chunk.actions[article_id])
    own = [date_account(c, refs, corpus.published.get(article_id), actions)
           for c in chunk.claims[article_id]]  # fmt: skip
    bounds = None
    if article_id not in corpus.published or corpus.published[article_id][1]:
        others = [d for d in dated if d[1] != article_id]
        bounds = corpus_bounds(chunk.records(article_id), own, corpus.events, others)
    mentions, places = reads.mentions[article_id], reads.places[article_id]
    return [in_setting(a, mentions, places) for a in own if tells_event(a)], bounds


def _built(store: Store, stories: dict[str, list[Account]], corpus: _Corpus
           ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each story's events, from its accounts."""
    verdicts, names = _event_reads(store, stories.values(), corpus)
    for story_id, accounts in stories.items():
        yield story_id, build_events(accounts, StoryContext(story_id, corpus.meta, verdicts, names))


def _event_reads(store: Store, stories: Collection[list[Account]], corpus: _Corpus
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """The verdicts of the accounts' claim groups, and the names of who their claims say acts
    and is acted on and of the actors their spans mention."""
    claims = [a.claim for accounts in stories for a in accounts]
    named = [c.get(k) for c in claims for k in ("subject", "object")]
    named += [entity_id for accounts in stories for a in accounts for entity_id, _ in a.actors]
    return _verdicts(store, claims, corpus), store.entity_names(filter(None, named))


def _members_in_chunks(todo: list[str], members: dict[str, list[str]]
                       ) -> Iterator[tuple[list[tuple[str, str]], list[str]]]:
    """The (story, article) pairs of the stories of `todo`, CHUNK_ARTICLES at a time, each
    chunk with the stories whose last articles it holds: a story of thousands of articles is
    read a chunk at a time like any other (its records read at once set the stage's peak:
    benchmarks/timeline_memory.py), and only the changed stories' records are read."""
    chunk: list[tuple[str, str]] = []
    finished: list[str] = []
    for story_id in todo:
        for article_id in members[story_id]:
            if len(chunk) == CHUNK_ARTICLES:
                yield chunk, finished
                chunk, finished = [], []
            chunk.append((story_id, article_id))
        finished.append(story_id)
    if chunk or finished:
        yield chunk, finished


def _stories_in_chunks(todo: list[str], members: dict[str, list[str]]
                       ) -> Iterator[tuple[list[str], list[str]]]:
    """The stories of `todo` in chunks of about CHUNK_ARTICLES articles, with their articles:
    only the changed stories' records are read (a run that adds a few articles to a large
    store does not read every record again), and never every story's at once."""
    chunk: list[str] = []
    size = 0
    for n, story_id in enumerate(todo):
        chunk.append(story_id)
        size += len(members[story_id])
        if size < CHUNK_ARTICLES and n + 1 < len(todo):
            continue
        yield chunk, [a for s in chunk for a in members[s]]
        chunk, size = [], 0


def _contests(store: Store, todo: list[str], members: dict[str, list[str]], corpus: _Corpus
              ) -> list[dict[str, Any]]:
    """Corroborated figures another report of their story contests: their verdicts revised,
    here for the events about to be built and in the store. Only numeric claims contest and
    are contested: only they are read, a chunk of stories at a time. Each story's contests
    weigh its groups' verdicts as stored."""
    revisions = []
    for stories, articles in _stories_in_chunks(todo, members):
        numeric = _claims(store, articles, corpus, kind="numeric")
        groups = {g: {"id": g, "verdict": v} for g, v in store.group_verdicts(
            c["group_id"] for found in numeric.values() for c in found if c["group_id"]).items()}
        for story_id in stories:
            told = [c for a in members[story_id] for c in numeric[a]]
            for contest in contested_groups(set(members[story_id]), groups, told, corpus.meta):
                if (row := revised(groups[contest.group_id], contest)) is not None:
                    revisions.append(row)
                    corpus.revised[contest.group_id] = row["verdict"]
    return revisions


def _in_text_order(by_article: dict[str, list[dict[str, Any]]]) -> dict[str, InTextOrder]:
    return {a: InTextOrder(found) for a, found in by_article.items()}


def _dated_members(story: list[str], corpus: _Corpus) -> list[tuple[date, str, str]]:
    """(day, article id, name) of the story's articles whose publication date is known."""
    return [(corpus.published[a][0], a, corpus.labels.get(a, a)) for a in story
            if a in corpus.published and not corpus.published[a][1]]


def _settle_dates(
    store: Store, todo: list[str], members: dict[str, list[str]], corpus: _Corpus
) -> int:
    """Years for the yearless dates of the stories' articles, in two passes over them, a chunk
    of articles at a time: the second also leans on what the first settled (at a lower weight).
    The time expressions it changes are kept in `corpus.settled`; how many it settled is
    returned."""
    story_of = {a: s for s in todo for a in members[s] if a in corpus.unsettled}
    settled = _Settled()
    extra = DatedEvents(labels=corpus.labels)  # the first pass's, for the second
    for second in (False, True):
        for articles in chunked(list(story_of), CHUNK_ARTICLES):
            chunk = _read_chunk(store, articles, corpus)
            for a in articles:
                story = members[story_of[a]]
                dated = [d for d in _dated_members(story, corpus) if d[1] != a]
                # every time expression, the ones still to settle as written: the article's
                # own dated ones are context (the latest thing it tells as done)
                refs = [_as_written(r) if _unsettled(r) else r for r in chunk.timerefs[a]]
                records = ArticleRecords(a, sentences_of(chunk.claims[a]), chunk.actions[a], refs)
                siblings = settled.in_story(a, story)
                found = resolve_yearless(records, dated, corpus.events, extra if second else None,
                                         siblings, skip=settled.readings.keys())  # fmt: skip
                by_id = {r["id"]: r for r in chunk.timerefs[a]}
                for f in found:
                    settled.add(f, _written_value(by_id[f.timeref_id]))
                if not second and found:
                    extra.add_article(records, [{"start": f.start, "first": f.first.isoformat(),
                                                 "last": f.last.isoformat()} for f in found])
                elif second:  # the article's readings are final: its own are settled by it
                    for ref in chunk.timerefs[a]:
                        reading = settled.readings.get(ref["id"])
                        if _unsettled(ref) and _apply(ref, reading, corpus.labels):
                            corpus.settled[ref["id"]] = ref
    return len(settled.readings)


class _Settled:
    """The yearless dates a run has settled, by time expression, in the order it settled them,
    with each article's: the readings of a story's other articles are looked up through its
    articles, not through every reading of the corpus (each article once looked at them all,
    and at a copy of their ids: work growing with the square of the corpus; the whole stage
    took 2.9 s at 1,000 articles and 38 s at 10,000, benchmarks/scale.py --mixed)."""

    def __init__(self) -> None:
        self.readings: dict[str, ResolvedDate] = {}
        self._written: dict[str, str] = {}  # a reading's words, as the article wrote them
        # each article's readings: (when first settled, time expression id)
        self._of_article: dict[str, list[tuple[int, str]]] = defaultdict(list)

    def add(self, reading: ResolvedDate, written: str) -> None:
        ref_id = reading.timeref_id
        if ref_id not in self.readings:
            self._of_article[reading.article_id].append((len(self.readings), ref_id))
        self.readings[ref_id] = reading
        self._written[ref_id] = written

    def in_story(self, article_id: str, story: Iterable[str]) -> dict[str, list[ResolvedDate]]:
        """What the same yearless words in the other articles of its story were read as:
        "October 9" in two accounts of one story is one day. Each list in the order the
        readings were settled."""
        found: dict[str, list[ResolvedDate]] = defaultdict(list)
        for _, ref_id in sorted(settled for other in dict.fromkeys(story) if other != article_id
                                for settled in self._of_article.get(other, ())):  # fmt: skip
            found[self._written[ref_id]].append(self.readings[ref_id])
        return found


def _as_written(ref: dict[str, Any]) -> dict[str, Any]:
    """The time expression as the article wrote it, before this stage settled its year."""
    return {**ref, "value": _written_value(ref), "first": None, "last": None}


def _apply(ref: dict[str, Any], found: ResolvedDate | None, labels: dict[str, str]) -> bool:
    """Write the settled year into the time expression (or take back an old one the corpus no
    longer decides), keeping what the article wrote and why; whether it changed."""
    written = _written_value(ref)
    if found is None:
        if not ref.get("written_value"):
            return False
        ref.update(value=written, first=None, last=None, anchor_source=None,
                   corpus_reason=None, anchor_articles=None, written_value=None)
    else:
        first, last = _modified(found.first, found.last, ref.get("mod"))
        ref.update(value=found.value, first=first.isoformat(), last=last.isoformat(),
                   anchor_source=found.source, corpus_reason=found.reason,
                   anchor_articles=list(found.by_articles), written_value=written,
                   anchor_labels=[labels.get(a, a) for a in found.by_articles])
    return True


def _modified(first: date, last: date, mod: str | None) -> tuple[date, date]:
    """A month narrowed as the text narrows it: "early", "mid", "late" March."""
    if first.day != 1 or (last - first).days < 27 or mod not in ("START", "MID", "END"):
        return first, last
    start, end = {"START": (1, 10), "MID": (11, 20), "END": (21, last.day)}[mod]
    return first.replace(day=start), last.replace(day=end)


