"""What two claims share, compared by their structure: the same measure (counted thing, unit,
action), compatible scope (actors, places, mood), times and values, and whether a claim may
join a group of them (can_join). Matching (matching.py) asks these questions of the nearest
claims by meaning; verdicts (verdicts.py) and the timeline ask them of a group's members.
"""

from __future__ import annotations

import re
from datetime import date

from newsprism.crosscheck.claims import EVENT, NUMERIC, Claim, time_window
from newsprism.understand.action_classes import DECLARE
from newsprism.understand.timex.lexicon import WEEKDAY_ALT

GROUP_SLACK_DAYS = 7  # published-date fallback: a report covers what happened in the week before
SAME_TIME_SLACK_DAYS = 2  # values disagreeing only count as rivals when told of the same days
# Two exact figures agree only when equal (a rounding error aside): "killed 253" and "killing
# 247" are rival counts, not one (a writer who rounds says "about" or "more than").
EXACT_TOLERANCE = 0.005
# A handful (the numbers a style guide spells out, under ten) is no fingerprint: "three people
# arrested in Germany" and "Belgian authorities arrested three people", three attackers dead at
# a stadium and three at a theatre, tell one figure of two happenings. Such a figure joins a
# claim only where both tell the same place or actor, or say the rest alike (FEW_COSINE, the
# cosine of verdicts.PARAPHRASE_UNCOUNTED, chosen on the dev split of claim_verdicts.json).
FEW = 10
FEW_COSINE = 0.70
# An undated figure joins a group only near a figure it agrees with: "at least 19 dead" (one
# cafe) agrees with "at least 80 dead" (the concert hall) and with 129 (the whole night), yet
# tells another count. Within 10%, as the labelled set's rule for one proposition ("more than
# 250" = 257). Figures told of the same days ("at least 82 killed on Sunday", "more than 100
# killed on Sunday") are one count told with more or less precision, and stay together with the
# rival figures of those days, so that the contradiction shows.
JOIN_RATIO = 1.10


def value_range(claim: Claim) -> tuple[float, float] | None:
    """The values a quantity allows: 'at least 114' -> [114, inf), 'about 1,000' -> [900, 1100]."""
    if claim.value is None and claim.low is None and claim.high is None:
        return None
    low = claim.low if claim.low is not None else None
    high = claim.high if claim.high is not None else None
    if claim.qualifier in (None, "exact") or (low is None and high is None):
        v = claim.value if claim.value is not None else (low if low is not None else high)
        assert v is not None
        return v * (1 - EXACT_TOLERANCE), v * (1 + EXACT_TOLERANCE)
    return (low if low is not None else float("-inf")), (high if high is not None else float("inf"))


def values_agree(a: Claim, b: Claim) -> bool | None:
    """True when some value satisfies both claims, False when none does, None if not numeric."""
    ra, rb = value_range(a), value_range(b)
    if ra is None or rb is None:
        return None
    return ra[0] <= rb[1] and rb[0] <= ra[1]


def _windows_gap(a: Claim, b: Claim, slack: int) -> int | None:
    wa, wb = time_window(a, slack), time_window(b, slack)
    if wa is None or wb is None:
        return None
    return _gap(wa, wb)


def _gap(wa: tuple[date, date], wb: tuple[date, date]) -> int:
    if wa[1] < wb[0]:
        return (wb[0] - wa[1]).days
    if wb[1] < wa[0]:
        return (wa[0] - wb[1]).days
    return 0


def times_compatible(a: Claim, b: Claim) -> bool:
    gap = _windows_gap(a, b, GROUP_SLACK_DAYS)
    if gap is None:
        return not _other_weekdays(a, b)
    return gap <= 1


_WEEKDAY_RE = re.compile(rf"\b{WEEKDAY_ALT}\b")


def _other_weekdays(a: Claim, b: Claim) -> bool:
    """Two acts whose clauses name only different days of the week happened on different days,
    even where neither day could be put on the calendar (an undated article): "police carried
    out raids on Monday" and "police carried out raids Saturday". A figure's weekday is as
    often the day it was told ("officials said Saturday") as the day it counts, so only acts."""
    if a.kind != EVENT or b.kind != EVENT:
        return False
    days_a, days_b = set(_WEEKDAY_RE.findall(a.text)), set(_WEEKDAY_RE.findall(b.text))
    return bool(days_a and days_b) and not days_a & days_b


def same_time(a: Claim, b: Claim) -> bool:
    """Both claims are known to be about the same days (needed to call values contradictory:
    a toll of 120 on Monday and 140 on Friday is an update, not a dispute)."""
    gap = _windows_gap(a, b, SAME_TIME_SLACK_DAYS)
    return gap is not None and gap == 0


# Counts that only grow as a story goes on: a lower figure told later disputes a higher one.
CUMULATIVE_ACTIONS = frozenset({"kill", "wound", "arrest", "displace"})


def count_shrank(a: Claim, b: Claim) -> bool:
    """One of two figures of a count that only grows (the dead, the wounded) was told later and
    is lower: 247 dead on 26 August after 253 on 21 August is not an update but a rival."""
    if not (set(a.actions) & set(b.actions) & CUMULATIVE_ACTIONS):
        return False
    wa, wb = time_window(a, 0), time_window(b, 0)
    ra, rb = value_range(a), value_range(b)
    if wa is None or wb is None or ra is None or rb is None or wa[0] == wb[0]:
        return False
    (early, early_range), (late, late_range) = sorted(((wa, ra), (wb, rb)))
    return late_range[1] < early_range[0]


def rival(a: Claim, b: Claim) -> bool:
    """Figures of one measure that cannot both be right: disagreeing values told of the same
    days, or a growing count told lower later. Undated figures are not rivals: a toll of 127
    and one of 129 may be two moments of one story (tried on the labelled set: it added wrong
    contradictions and no right one). Nor are figures of differently qualified counts ("NATO's
    three newest members", "an original 12 members") or a count's earlier value ("from 16
    members to 19")."""
    return (
        values_agree(a, b) is False
        and (same_time(a, b) or count_shrank(a, b))
        and count_modifiers(a) == count_modifiers(b)
        and not (earlier_value(a) or earlier_value(b))
    )


# Words that make a figure count part of a whole, or the whole at another moment: "the three
# newest members", "an original 12 members", "another 40 people", "the remaining 500 troops".
COUNT_MODIFIERS = frozenset(
    "new newest newer original founding first initial last latest remaining former other "
    "another additional more further extra previous current existing surviving".split()
)
_WORDS = re.compile(r"[a-z]+")
MODIFIER_REACH = 2  # words before the figure that may qualify what it counts


def count_modifiers(c: Claim) -> frozenset[str]:
    """The words of COUNT_MODIFIERS in the figure's phrase or just before it."""
    if not c.value_text:
        return frozenset()
    at = c.text.find(c.value_text)
    before = _WORDS.findall(c.text[max(0, at - 40) : at].lower()) if at > 0 else []
    # "more than 100" is a bound, not "three more attackers"
    own = _WORDS.findall(_MORE_THAN.sub(" ", c.value_text.lower()))
    return frozenset(w for w in [*before[-MODIFIER_REACH:], *own] if w in COUNT_MODIFIERS)


_MORE_THAN = re.compile(r"\bmore\s+than\b")


_FROM_TO = re.compile(r"\bfrom\s+$", re.I)
_TO_AFTER = re.compile(r"^[^.;]{0,40}?\bto\s+(?:about\s+|nearly\s+|some\s+)?[\d$£€]", re.I)


def earlier_value(c: Claim) -> bool:
    """The figure is where a change started: "from 16 members to 19"."""
    if not c.value_text:
        return False
    at = c.text.find(c.value_text)
    if at <= 0 or not _FROM_TO.search(c.text[max(0, at - 10) : at]):
        return False
    return bool(_TO_AFTER.match(c.text[at + len(c.value_text) :]))


def same_measure(a: Claim, b: Claim) -> bool:
    """Same counted thing and unit, and a shared action class when both tell an action (a bare
    "5,000 troops are there" can stand beside "5,000 troops were deployed")."""
    if (a.kind == NUMERIC) != (b.kind == NUMERIC):
        return False
    if a.kind == NUMERIC and (
        a.counts != b.counts or a.unit != b.unit or (a.counts is None and a.unit is None)
    ):
        return False
    return bool(set(a.actions) & set(b.actions)) or not (a.actions and b.actions)


def scope_compatible(a: Claim, b: Claim) -> bool:
    if a.kind == EVENT and b.kind == EVENT:
        if a.mood != b.mood or roles_swapped(a, b):
            return False
        if DECLARE in a.actions and DECLARE in b.actions and a.object != b.object:
            return False  # a state of emergency and days of mourning: two measures declared
    elif a.subject and b.subject and a.subject != b.subject:
        return False
    return not (a.country and b.country and a.country != b.country)


def participants(c: Claim) -> set[str]:
    return {p for p in (c.subject, c.object) if p}


def roles_swapped(a: Claim, b: Claim) -> bool:
    """"Turkey attacked the Kurds" and "the Kurds attacked Turkey" share both participants and
    tell two events."""
    return bool(
        a.subject and a.object and a.subject == b.object and a.object == b.subject
        and a.subject != a.object
    )  # fmt: skip


def figures_within(a: Claim, b: Claim, ratio: float) -> bool:
    """Whether two claims' stated figures are within `ratio` of each other (a figure that is
    missing, zero or negative only matches the same)."""
    va, vb = figure(a), figure(b)
    if va is None or vb is None or va <= 0 or vb <= 0:
        return va == vb
    return max(va, vb) / min(va, vb) <= ratio


def near_figures(a: Claim, b: Claim) -> bool:
    """Whether two figures are within JOIN_RATIO of each other (by their stated values)."""
    return figures_within(a, b, JOIN_RATIO)


def figure(c: Claim) -> float | None:
    """The figure a claim states: its value, else its bound."""
    return next((v for v in (c.value, c.low, c.high) if v is not None), None)


def is_few(c: Claim) -> bool:
    """A figure of a handful (FEW): "three attackers", "two explosions"."""
    value = figure(c)
    return value is not None and value < FEW


def same_scene(a: Claim, b: Claim) -> bool:
    """Both claims name the same place, or the same actor, of what they tell."""
    return bool((a.place and a.place == b.place) or (participants(a) & participants(b)))


def shares_anchor(a: Claim, b: Claim) -> bool:
    """Claims without a figure need something concrete in common, a participant or the same
    place, before their wording is compared: "US soldiers retreated from Kobani" and "a US convoy
    retreated near Qamishli" read alike but are two events."""
    return bool((participants(a) & participants(b)) or (a.place and a.place == b.place))


def structurally_compatible(a: Claim, b: Claim) -> bool:
    if not (same_measure(a, b) and scope_compatible(a, b) and times_compatible(a, b)):
        return False
    return a.kind == NUMERIC or shares_anchor(a, b)


def can_join(claim: Claim, members: list[Claim]) -> bool:
    """A claim joins a group only if it is structurally compatible with every member: one group
    is one measure, scope and time, not a chain of look-alikes (killed ~ killed-and-injured ~
    injured). A numeric claim also needs a value that agrees with some member, or one that
    disagrees with members known to speak of the same days (then it is a rival figure, kept in
    the group so that the contradiction shows). A disagreeing figure of unknown or other time
    is more likely another moment of the story, so it starts its own group."""
    if not all(structurally_compatible(claim, m) for m in members):
        return False
    if claim.kind != NUMERIC:
        return True
    # one article giving two different figures speaks of two things ("more than 100 died in
    # Nairobi ... six were killed in Dar es Salaam")
    if any(
        m.article_id == claim.article_id
        and not (m.denies or claim.denies)
        and values_agree(claim, m) is False
        for m in members
    ):
        return False
    # a figure that rules out one of the group's, not as a rival of its days, counts something
    # else: "less than 60 died" agrees with a plague's 57 and a shooting's 58, which must not
    # meet through it
    if any(values_agree(claim, m) is False and not rival(claim, m) for m in members):
        return False
    if any(
        values_agree(claim, m) is not False and (near_figures(claim, m) or same_time(claim, m))
        for m in members
    ):
        return True
    # one article giving two figures speaks of two things, it does not contradict itself
    return any(rival(claim, m) and m.article_id != claim.article_id for m in members)
