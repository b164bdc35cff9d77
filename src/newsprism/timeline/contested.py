"""Figures contested within a story: a claim group corroborated by two outlets is not settled
when another report of the same story gives a different figure for the same count.

Cross-checking compares a figure with rivals only when both are dated to the same days (a toll
of 120 on Monday and 140 on Friday is an update). Undated reports of one story (most wire
copy, most partisan sites) never meet that test, so "three attackers died" could stand as
corroborated beside other outlets' "four". Within a story the reports are about one happening
at about one time: there, a different figure for the same count (the same counted thing and
action, not known to be in another country), told as fact by a report the group does not hold,
leaves the group "unconfirmed" with both figures shown. It does not make it
"contradicted": the figures may be counts at different hours, and a wrong contradiction costs
an analyst more than an abstention.

Only a fixed fact can be contested this way. A toll or a count of the wounded or arrested grows
as a story goes on (127 dead on Saturday morning, 129 by Sunday): two undated figures of it are
two moments, not rivals; cross-checking calls them rivals where the dates show a lower count told
later. Who carried out an attack is a fixed fact (three attackers or four). A vague figure
("thousands of troops") contests nothing, and a figure far from the group's tells another count
of the story (15 dead at one cafe, at least 80 at the concert hall).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from newsprism.crosscheck.claims import Claim, time_window
from newsprism.crosscheck.comparisons import CUMULATIVE_ACTIONS, figures_within, values_agree
from newsprism.crosscheck.lexicon import count_class
from newsprism.crosscheck.verdicts import CORROBORATED, UNCONFIRMED, close_figures

__all__ = ["Contest", "contested_groups"]

# How far apart a rival figure may be: three attackers or four, 230 aboard or 239.
RIVAL_RATIO = 1.5
# Who carried out an attack does not grow with the story, whatever happened to them.
PERPETRATORS = frozenset({"assailant"})


@dataclass(frozen=True)
class Contest:
    group_id: str
    rival_group_id: str
    reason: str


def _told_as_fact(c: Claim) -> bool:
    return (
        c.counts is not None and c.mood == "fact" and not c.denies and c.qualifier != "vague"
    )


def _growing(a: Claim, b: Claim) -> bool:
    """Both count what a story's later reports add to: the dead, the wounded, the arrested."""
    shared = set(a.actions) & set(b.actions)
    return bool(shared & CUMULATIVE_ACTIONS) and count_class(a.counts) not in PERPETRATORS




def _rival(claim: Claim, group: list[Claim]) -> bool:
    """A figure for what the group counts (the same counted thing and a shared action, in a
    country the group is not known to be elsewhere than), disagreeing with each of its figures,
    not dated to other days than they are."""
    countries = {c.country for c in group if c.country}
    if claim.country and countries and claim.country not in countries:
        return False
    if claim.article_id in {c.article_id for c in group}:
        return False  # one report telling two figures tells of two counts
    for c in group:
        if c.counts != claim.counts or not set(c.actions) & set(claim.actions):
            return False
        if values_agree(c, claim) is not False or close_figures(c, claim):
            return False
        if _growing(c, claim) or not figures_within(c, claim, RIVAL_RATIO):
            return False
        wa, wb = time_window(c, 0), time_window(claim, 0)
        if wa is not None and wb is not None and wa != wb:
            return False  # dated to different days: an update
    return True


def _outlet(claim: Claim, meta: Mapping[str, Mapping[str, Any]]) -> str:
    m = meta.get(claim.article_id) or {}
    return str(m.get("outlet") or m.get("title") or "another report")


def contested_groups(
    story_articles: set[str],
    groups: Mapping[str, Mapping[str, Any]],
    claims: Iterable[Mapping[str, Any]],
    meta: Mapping[str, Mapping[str, Any]],
) -> list[Contest]:
    """The corroborated numeric groups of a story that another of its reports contests.
    `groups`: group id → stored group (verdict, kind); `claims`: the story's claims (each with
    its `group_id`)."""
    by_group: dict[str, list[Claim]] = {}
    for data in claims:
        if (data["article_id"] not in story_articles or data.get("kind") != "numeric"
                or not data.get("group_id")):  # a group's related statement: not its figure
            continue
        claim = Claim.from_dict({k: v for k, v in data.items() if k != "group_id"})
        if _told_as_fact(claim):
            by_group.setdefault(data["group_id"], []).append(claim)
    found = []
    for group_id, told in by_group.items():
        if (groups.get(group_id) or {}).get("verdict") != CORROBORATED:
            continue
        rival = next((c for other_id, others in by_group.items() if other_id != group_id
                      for c in others if _rival(c, told)), None)
        if rival is not None:
            found.append(Contest(group_id, _group_of(rival, by_group), (
                f"corroborated, but another report of the same story gives a different figure "
                f"for the same count: “{rival.value_text or rival.text}” ({_outlet(rival, meta)}) "
                f"against “{told[0].value_text or told[0].text}”"
            )))  # fmt: skip
    return found


def _group_of(claim: Claim, by_group: Mapping[str, list[Claim]]) -> str:
    return next(g for g, claims in by_group.items() if claim in claims)


def revised(group: Mapping[str, Any], contest: Contest | None) -> dict[str, Any] | None:
    """The group's stored fields revised for a contest (None when nothing changes)."""
    if contest is None:
        return None
    return {
        "id": group["id"],
        "verdict": UNCONFIRMED,
        "reason": contest.reason,
        "contested_by": contest.rival_group_id,
        "verdict_before_story_check": group["verdict"],
    }
