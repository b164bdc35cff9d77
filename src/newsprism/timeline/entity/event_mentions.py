"""The target's event mentions in one article: each event word it takes part in, with its
sentence, how the target takes part, and its date."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from newsprism.timeline.entity.dating import CONFIDENCE, DateFinder
from newsprism.timeline.entity.event_words import (
    TOLD_AS_HAPPENING,
    is_event,
    lemma_of,
    mood_of,
    predicates_of,
)
from newsprism.timeline.entity.reading import ReadArticle
from newsprism.timeline.entity.target_mentions import find_target_mentions
from newsprism.timeline.entity.targets import Target


@dataclass(frozen=True)
class EventMention:
    article_id: str
    start: int  # the event word (verb, with its particle, or event noun) in the article text
    end: int
    text: str
    lemma: str  # "announce", "step_down", "launch"
    part: str  # "verb" | "noun"
    sentence_start: int
    sentence_end: int
    sentence: str
    role: str  # how the target takes part: "subject", "object", "oblique", "possessor"...
    target_start: int  # the mention of the target that makes this its event
    target_end: int
    mood: str  # fact | future
    date: str  # TimeML value: YYYY-MM-DD, YYYY-MM, YYYY, or XXXX-XX-XX when unknown
    date_source: str  # timex | inherited | publication | unknown
    confidence: float
    date_reason: str
    time_start: int | None = None  # the time expression the date comes from
    time_end: int | None = None


def target_events(read: ReadArticle, target: Target) -> list[EventMention]:
    """The events of one article the target takes part in, in text order, each dated."""
    mentions = find_target_mentions(read, target)
    dates = DateFinder(read)
    found: dict[int, EventMention] = {}
    for mention in mentions:
        for token, role in predicates_of(mention.root):
            if token.i in found or not is_event(token):
                continue
            mood = mood_of(token)
            if mood not in TOLD_AS_HAPPENING:
                continue
            found[token.i] = _event(read, token, role, mention, mood, dates)
    return [found[i] for i in sorted(found)]


def _event(
    read: ReadArticle, token: Token, role: str, mention: Span, mood: str, dates: DateFinder
) -> EventMention:
    lemma, last = lemma_of(token)
    sent = token.sent
    value, source, reason, time = dates.date_of(token)
    return EventMention(
        article_id=read.article.id,
        start=token.idx,
        end=last.idx + len(last),
        text=read.doc.text[token.idx : last.idx + len(last)],
        lemma=lemma,
        part="verb" if token.pos_ in ("VERB", "AUX") else "noun",
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        sentence=sent.text,
        role=role,
        target_start=mention.start_char,
        target_end=mention.end_char,
        mood=mood,
        date=value,
        date_source=source,
        confidence=CONFIDENCE[source],
        date_reason=reason,
        time_start=time.start if time else None,
        time_end=time.end if time else None,
    )
