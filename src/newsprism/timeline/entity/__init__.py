"""Entity timelines: the events an article tells a target entity took part in, each dated.

Given an article understood by newsprism (its actors and time expressions) and its spaCy parse,
`target_events` returns the target's event mentions: the verb or event noun whose participant
the target is, the sentence, and a date at day, month or year granularity with how sure it is
and why. `build_timeline` then groups the mentions of several articles into event lines and
orders them by date, as in SemEval-2015 Task 4 (TimeLine).

The package, bottom first: `reading` (an article's understanding and parse), `targets` (the
target and the short forms of its name), `target_mentions` (where an article names it or refers
back to it), `event_words` (which words are its events, and their mood), `dating` (how each
event is dated), `event_mentions` (the dated event mentions of one article), `lines` (timeline
lines, ordered by date).
"""

from newsprism.timeline.entity.dating import CONFIDENCE, UNKNOWN, day_value
from newsprism.timeline.entity.event_mentions import EventMention, target_events
from newsprism.timeline.entity.lines import TimelineLine, build_timeline, date_key
from newsprism.timeline.entity.reading import ReadArticle, parse_lines, read_article
from newsprism.timeline.entity.target_mentions import find_target_mentions
from newsprism.timeline.entity.targets import (
    ORGANIZATION,
    PERSON,
    THING,
    Target,
    guess_kind,
    make_target,
)

__all__ = [
    "CONFIDENCE",
    "ORGANIZATION",
    "PERSON",
    "THING",
    "UNKNOWN",
    "EventMention",
    "ReadArticle",
    "Target",
    "TimelineLine",
    "build_timeline",
    "date_key",
    "day_value",
    "find_target_mentions",
    "guess_kind",
    "make_target",
    "parse_lines",
    "read_article",
    "target_events",
]
