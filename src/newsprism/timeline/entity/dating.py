"""How the target's events are dated.

How an event is dated, most sure first (`date_source`, `confidence`, `date_reason` say which):
1. "timex"/"inherited": a date expression that governs the event's clause — attached to the
   event word, or (inherited) to the verb the event noun hangs from or the verb it shares a
   subject with ("On Monday Apple unveiled X and announced Y"); the most specific, then the
   nearest, wins;
2. "publication"/"narrative": an event told in the present tense, or in the past tense in a
   sentence without a date, happened around publication — news tells what just happened.
   Where the article told earlier a day of the week before publication ("Jobs said
   yesterday..."), an undated past event after it takes that day ("narrative"); a present
   one, and one with no such day before it, the publication date itself. A weak reading,
   marked so: background facts told in the past tense are dated wrongly by it;
3. "unknown" (`XXXX-XX-XX`) otherwise.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Token

from newsprism.timeline.entity.event_words import SHARED_CLAUSE_DEPS, is_event_noun
from newsprism.timeline.entity.reading import ReadArticle
from newsprism.understand.timex import TimeRef

UNKNOWN = "XXXX-XX-XX"

# Confidence of each way of dating (a rough probability that the date is right).
CONFIDENCE = {"timex": 0.85, "inherited": 0.7, "narrative": 0.55, "publication": 0.45,
              "unknown": 0.0}  # fmt: skip

# An undated event takes the news day told before it (see DateFinder._news_day_before). How
# far back that day may be told, in sentences; None: anywhere earlier in the article (chosen
# by leave-one-target-out cross-validation on the SemEval-2015 trial timelines: 5 of 6 folds).
NARRATIVE_REACH_SENTENCES: int | None = None
PRESENT_TAGS = {"VBZ", "VBP"}  # present-tense clauses, dated by publication
NARRATIVE_MAX_DAYS = 7  # how long before publication it may be to count as the news
_TIME_PATH_DEPS = {"pobj", "prep", "npadvmod", "tmod", "obl", "compound", "nummod", "appos",
                   "amod", "advmod", "nmod", "pcomp", "dep", "conj", "cc"}  # fmt: skip

_VALUE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_SEASON_OR_QUARTER = re.compile(r"^(\d{4})-(?:Q\d|H\d|SP|SU|FA|WI)$")


def day_value(value: str | None, published: date | None = None) -> str | None:
    """A TimeML value cut to day, month or year granularity ("2010-06-07T10:00" -> day;
    "2007-Q1" -> year); None for what is no calendar date (durations, sets, X-values)."""
    if not value:
        return None
    if value == "PRESENT_REF" and published is not None:
        return published.isoformat()
    match = _VALUE.match(value)
    if match:
        return "-".join(p for p in match.groups() if p)
    week = _WEEK.match(value)
    if week:
        return _week_value(int(week.group(1)), int(week.group(2)))
    season = _SEASON_OR_QUARTER.match(value)
    return season.group(1) if season else None


def _week_value(year: int, week: int) -> str:
    """A week at the finest granularity a timeline line has: its month when the whole week
    falls in one month ("this week" in late March: "2006-03"), else its year (or years)."""
    try:
        monday = date.fromisocalendar(year, week, 1)
        sunday = date.fromisocalendar(year, week, 7)
    except ValueError:
        return str(year)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return f"{monday.year:04d}-{monday.month:02d}"
    return str(sunday.year) if monday.year == sunday.year else str(year)


class DateFinder:
    """Dates the events of one article: the time expressions newsprism found, each placed on
    the word of the parse it is attached to."""

    def __init__(self, read: ReadArticle) -> None:
        self.read = read
        self.published = read.understanding.anchor or read.article.published
        self.hosts: dict[int, list[tuple[TimeRef, Token]]] = {}
        self.dated_sentences: set[int] = set()
        for time in read.understanding.times:
            if time.kind not in ("date", "time") or day_value(time.value, self.published) is None:
                continue
            span = read.doc.char_span(time.start, time.end, alignment_mode="expand")
            if span is None:
                continue
            self.dated_sentences.add(span.root.sent.start)
            for host in _time_hosts(span.root):
                self.hosts.setdefault(host.i, []).append((time, span.root))

    def date_of(self, token: Token) -> tuple[str, str, str, TimeRef | None]:
        """(value, source, reason, time expression) for an event word."""
        own = self._governing(token)
        if own is not None:
            time, how = own
            value = day_value(time.value, self.published) or UNKNOWN
            return value, how, f"'{time.text}' governs the event's clause", time
        tense = _tense(token)
        if self.published is None or tense is None:
            return UNKNOWN, "unknown", "no date expression governs it and it has no tense", None
        if tense == "past" and token.sent.start in self.dated_sentences:
            # a past event beside a date it does not hang from: rather undated than misdated
            return UNKNOWN, "unknown", "its sentence's date governs another clause", None
        recent = self._news_day_before(token) if tense == "past" else None
        if recent is not None:
            value = day_value(recent.value, self.published) or UNKNOWN
            reason = (
                f"told in the past tense with no date of its own, after '{recent.text}', "
                "the story's news day"
            )
            return value, "narrative", reason, recent
        reason = f"told in the {tense} tense with no date of its own: the publication date"
        return self.published.isoformat(), "publication", reason, None

    def _governing(self, token: Token) -> tuple[TimeRef, str] | None:
        for host, how in _clause_hosts(token):
            candidates = self.hosts.get(host.i)
            if candidates:
                # the most specific date the clause gives ("at the 2010 conference less than
                # two weeks ago, on June 7"), then the nearest
                time, _ = min(candidates, key=lambda c: (-_precision(c[0]), abs(c[1].i - token.i)))
                return time, how
        return None

    def _news_day_before(self, token: Token) -> TimeRef | None:
        """The last day-precise date the text gave in the few sentences before the event,
        when it is the news of the days just before publication ("Jobs said yesterday...
        Jobs also said"): an undated past event right after it is most likely told of that
        day. Off where NARRATIVE_REACH_SENTENCES is 0."""
        if NARRATIVE_REACH_SENTENCES == 0 or self.published is None:
            return None
        lowest = 0
        if NARRATIVE_REACH_SENTENCES is not None:
            sentences = list(token.doc.sents)
            here = next(n for n, s in enumerate(sentences) if s.start == token.sent.start)
            lowest = sentences[max(0, here - NARRATIVE_REACH_SENTENCES)].start_char
        best = None
        for time in self.read.understanding.times:
            if not (lowest <= time.start < token.idx) or time.kind not in ("date", "time"):
                continue
            value = day_value(time.value, self.published) or ""
            if value.count("-") != 2:
                continue
            days = (self.published - date.fromisoformat(value)).days
            if 0 <= days <= NARRATIVE_MAX_DAYS:
                best = time
        return best


def _tense(token: Token) -> str | None:
    """ "past" (simple past or perfect: "unveiled", "has filed"), "present" ("has", "sells") or
    None (infinitives, participles, nouns without a finite verb) for an event's clause."""
    verb = token if token.pos_ in ("VERB", "AUX") else _governing_verb(token)
    if verb is None:
        return None
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxiliaries):
        return "past"
    tags = {verb.tag_} | {a.tag_ for a in auxiliaries}
    if "VBD" in tags:
        return "past"
    return "present" if tags & PRESENT_TAGS else None


def _precision(time: TimeRef) -> int:
    value = day_value(time.value) or ""
    return value.count("-")


def _time_hosts(root: Token) -> list[Token]:
    """The words a time expression dates: the first event noun and the first verb above it
    ("In a July 16 press conference, Jobs said": the conference and the saying)."""
    hosts = []
    node = root
    for _ in range(8):
        if node.dep_ not in _TIME_PATH_DEPS or node.head.i == node.i:
            if node is not root and (node.pos_ in ("VERB", "AUX") or is_event_noun(node)):
                hosts.append(node)
            break
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            hosts.append(node)
            break
        if is_event_noun(node) and not hosts:
            hosts.append(node)
    return hosts


def _clause_hosts(token: Token) -> list[tuple[Token, str]]:
    """Where a date for this event may hang: the event word itself, then (inherited) the verb
    an event noun belongs to, and the verbs it shares a subject or clause with."""
    hosts = [(token, "timex")]
    node = token
    if token.pos_ not in ("VERB", "AUX"):
        verb = _governing_verb(token)
        if verb is None:
            return hosts
        hosts.append((verb, "inherited"))
        node = verb
    for _ in range(3):
        if node.dep_ not in SHARED_CLAUSE_DEPS or node.head.i == node.i:
            break
        node = node.head
        hosts.append((node, "inherited"))
    return hosts


def _governing_verb(noun: Token) -> Token | None:
    node = noun
    for _ in range(4):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None
