"""Events: the dated things that happened in a story, each made of the claims that tell it.

A claim told as fact with an action (withdraw, attack, kill...) is an account of an event. Two
accounts are one event when they are in one claim group (the same proposition) or when they
give it the same day and the same kind of action. Each event gets the date its accounts give it
in their own clause (with a year written, taken from the article's date, or settled by the
corpus), or failing that the day it was reported, and says which and how sure that is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from scipy.cluster.hierarchy import DisjointSet

from newsprism.articles import InTextOrder, iso_day
from newsprism.crosscheck.independence import article_report_key

__all__ = ["Account", "build_events", "date_account", "EVENT_FIELDS", "in_setting", "tells_event"]

EVENT_FIELDS = (
    "type", "id", "story_id", "statement", "actor", "action", "target", "value", "first",
    "last", "date_basis",
    "date_confidence", "date_reason", "verdict", "verdict_reason", "actions", "claim_ids",
    "group_ids", "article_ids", "outlets", "actors", "places", "evidence",
)  # fmt: skip

# How sure a date is, by where it came from: written in the clause with a year (or resolved by
# the article's known date), settled by other articles of the corpus, resolved by a publication
# date newsprism inferred, or only the day the event was reported (it happened by then).
BASIS_CONFIDENCE = {
    "text": 0.9,
    "corpus": 0.7,
    "inferred": 0.5,
    "reported": 0.3,
    "reported-inferred": 0.15,
}
_DATED_KINDS = {"date", "time"}


@dataclass(frozen=True)
class Account:
    """One claim as an account of an event, with the date it gives."""

    claim: Mapping[str, Any]
    first: date | None
    last: date | None
    value: str | None
    basis: str
    reason: str
    # what happens in its sentence: the claim's own action classes and those of every action
    # the sentence tells ("pulling out" beside a count of the displaced)
    actions: frozenset[str] = frozenset()
    timeref_id: str | None = None  # the time expression that dates it
    # who and where its span names (in_setting): (entity id, the words naming it), and the
    # geocoded places as events list them
    actors: tuple[tuple[str, str], ...] = ()
    places: tuple[Mapping[str, Any], ...] = ()

    @property
    def day(self) -> date | None:
        """The day, when the account names exactly one."""
        return self.first if self.first is not None and self.first == self.last else None


def _timeref_basis(ref: Mapping[str, Any]) -> str:
    """Where the date's year came from: the text (or the article's known date), the corpus, or
    a publication date newsprism inferred."""
    if ref.get("anchor_source") == "corpus":
        return "corpus"
    if ref.get("anchor_source") == "inferred" and (ref.get("anchor") or ref.get("written_value")):
        return "inferred"
    return "text"


def date_account(claim: Mapping[str, Any], timerefs: InTextOrder,
                 published: tuple[date, bool] | None,
                 actions: InTextOrder | None = None) -> Account:
    """The date a claim gives its event: the tightest dated time expression in its clause, else
    the day its article was reported (`published`: the day and whether it was inferred).
    `timerefs`, `actions`: the article's time expressions and action records."""
    in_span = actions.starting_in(claim["start"], claim["end"]) if actions is not None else []
    told = frozenset(claim.get("actions") or ()) | {
        a["action"] for a in in_span if a.get("action") and (a.get("mood") or "fact") == "fact"
    }
    inside = [
        r for r in timerefs.starting_in(claim["start"], claim["end"])
        if r.get("kind") in _DATED_KINDS
        and iso_day(r.get("first")) is not None and _dates_a_fact(r, in_span)
    ]  # fmt: skip
    if inside:
        ref = min(inside, key=lambda r: (iso_day(r["last"]) - iso_day(r["first"]), r["start"]))  # type: ignore[operator]
        basis = _timeref_basis(ref)
        reason = ref.get("corpus_reason") or f'"{ref["text"]}" in the same sentence'
        return Account(claim, iso_day(ref["first"]), iso_day(ref["last"]), ref.get("value"),
                       basis, reason, told, ref.get("id"))
    if published is not None:
        day, inferred = published
        basis = "reported-inferred" if inferred else "reported"
        return Account(claim, None, day, None, basis,
                       f"no date in the sentence: it happened by the day it was reported "
                       f"({day.isoformat()}{', itself inferred' if inferred else ''})", told)
    return Account(claim, None, None, None, "unknown", "no date in the sentence or article", told)


def in_setting(account: Account, mentions: InTextOrder, places: InTextOrder) -> Account:
    """The account with the actors and the geocoded places its claim's span names (`mentions`,
    `places`: its article's), so that its event can be built once its article's records are
    no longer held."""
    c = account.claim
    actors = tuple((m["entity_id"], m["text"]) for m in mentions.starting_in(c["start"], c["end"])
                   if m.get("entity_id"))  # fmt: skip
    located = tuple(
        {"id": p.get("entity_id"), "name": p.get("name") or p["text"], "lat": p["lat"],
         "lon": p["lon"]}
        for p in places.starting_in(c["start"], c["end"]) if p.get("lat") is not None
    )  # fmt: skip
    return replace(account, actors=actors, places=located)


def tells_event(account: Account) -> bool:
    """Whether the account is one a story's events are made of: told as fact, with an action,
    and a date (its own or the day it was reported). What a speaker is reported to have said
    counts only with a date of its own: undated, it is mostly opinion ("the government is
    against such attacks"), not a thing that happened."""
    return ((account.claim.get("mood") or "fact") == "fact" and bool(account.actions)
            and account.last is not None
            and (account.claim.get("kind") != "attributed" or account.first is not None))


def _dates_a_fact(ref: Mapping[str, Any], actions: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the date belongs to something told as done: the action nearest it is not only
    planned or possible ("the withdrawal, set for December 1, ...")."""
    if not actions:
        return True
    nearest = min(actions, key=lambda a: abs(a["start"] - ref["start"]))
    return (nearest.get("mood") or "fact") == "fact"


def _events_of(accounts: Sequence[Account], verdicts: Mapping[str, str]) -> list[list[Account]]:
    """Accounts joined into events: one claim group (a "related" group holds different
    propositions on one subject: not one event), one time expression dating them (the clauses
    of one sentence), or one day and one kind of action."""
    union = DisjointSet(range(len(accounts)))
    first_of: dict[Any, int] = {}
    for i, a in enumerate(accounts):
        group = a.claim.get("group_id")
        keys: list[Any] = [("group", group)] if verdicts.get(group or "") != "related" else []
        if a.timeref_id is not None:
            keys.append(("timeref", a.timeref_id))
        if a.day is not None and a.basis in ("text", "corpus"):
            keys += [("day", a.day, action) for action in a.actions]
        for key in keys:
            if key in first_of:
                union.merge(i, first_of[key])
            else:
                first_of[key] = i
    events: dict[int, list[Account]] = {}
    for i, a in enumerate(accounts):
        events.setdefault(union[i], []).append(a)
    return list(events.values())


def _best_dated(accounts: Sequence[Account]) -> Account:
    """The account whose date the event takes: the surest basis, then the tightest range."""
    rank = {basis: n for n, basis in enumerate(BASIS_CONFIDENCE)}

    def key(a: Account) -> tuple[int, int, str]:
        width = (a.last - a.first).days if a.first and a.last else 10**6
        return rank.get(a.basis, len(rank)), width, a.claim["id"]

    return min(accounts, key=key)


@dataclass(frozen=True)
class StoryContext:
    """What building a story's events reads besides its accounts."""

    story_id: str
    meta: Mapping[str, Mapping[str, Any]]  # article id → outlet, title, duplicate_group
    group_verdicts: Mapping[str, str]
    entity_names: Mapping[str, str]


def _report_key(article_id: str, meta: Mapping[str, Mapping[str, Any]]) -> str:
    """Who reports, as cross-checking counts it: copies of one article are one report, then
    one outlet, else the article."""
    return article_report_key(article_id, meta.get(article_id))


def _verdict(accounts: Sequence[Account], ctx: StoryContext) -> tuple[str, str]:
    verdicts = {ctx.group_verdicts.get(a.claim.get("group_id") or "") for a in accounts}
    reports = {_report_key(a.claim["article_id"], ctx.meta) for a in accounts}
    if "contradicted" in verdicts:
        return "contradicted", "one of its claims is disputed by another report"
    if "corroborated" in verdicts:
        return "corroborated", "one of its claims is corroborated by independent reports"
    days = {a.day for a in accounts if a.day is not None and a.basis in ("text", "corpus")}
    day_reports = {
        _report_key(a.claim["article_id"], ctx.meta) for a in accounts
        if a.day is not None and a.basis in ("text", "corpus")
    }  # fmt: skip
    if len(days) == 1 and len(day_reports) >= 2:
        return "corroborated", (f"{len(day_reports)} independent reports give it the same day, "
                                f"{next(iter(days)).isoformat()}")
    if len(reports) >= 2:
        return "unconfirmed", (f"told by {len(reports)} reports, but not as the same "
                               f"proposition on the same day")
    return "single-source", "told by one report only"


def _event(accounts: list[Account], ctx: StoryContext) -> dict[str, Any]:
    dated = _best_dated(accounts)
    claim_ids = sorted(a.claim["id"] for a in accounts)
    article_ids = list(dict.fromkeys(a.claim["article_id"] for a in accounts))
    outlets = sorted({(ctx.meta.get(a) or {}).get("outlet") or "(unknown)" for a in article_ids})
    verdict, why = _verdict(accounts, ctx)
    actors: dict[str, str] = {}
    places: dict[str, dict[str, Any]] = {}
    evidence = []
    for a in accounts:
        c = a.claim
        for entity_id, text in a.actors:
            actors.setdefault(entity_id, ctx.entity_names.get(entity_id, text))
        for place in a.places:
            places.setdefault(place["name"], dict(place))
        told = {
            "article_id": c["article_id"], "start": c["start"], "end": c["end"],
            "text": c.get("text"), "claim_id": c["id"], "date": a.value,
            "date_basis": a.basis,
        }  # fmt: skip
        # Two claims drawn from one sentence (a count and the act, or a clause and the whole)
        # are one telling of it: the longer span stands for both.
        same = next((i for i, e in enumerate(evidence) if e["article_id"] == c["article_id"]
                     and e["start"] < c["end"] and c["start"] < e["end"]), None)  # fmt: skip
        if same is None:
            evidence.append(told)
        elif c["end"] - c["start"] > evidence[same]["end"] - evidence[same]["start"]:
            evidence[same] = told
    digest = hashlib.sha1("|".join(claim_ids).encode()).hexdigest()[:16]
    return {
        "id": f"e{digest}",
        "type": "event",
        "story_id": ctx.story_id,
        "statement": dated.claim.get("text"),
        "actor": _name(dated.claim.get("subject"), ctx.entity_names),
        "action": dated.claim.get("predicate"),
        "target": _name(dated.claim.get("object"), ctx.entity_names),
        "value": dated.value or (dated.last.isoformat() if dated.last else None),
        "first": dated.first.isoformat() if dated.first else None,
        "last": dated.last.isoformat() if dated.last else None,
        "date_basis": dated.basis,
        "date_confidence": BASIS_CONFIDENCE.get(dated.basis, 0.0),
        "date_reason": dated.reason,
        "verdict": verdict,
        "verdict_reason": why,
        "actions": sorted({x for a in accounts for x in a.actions}),
        "claim_ids": claim_ids,
        "group_ids": sorted({a.claim["group_id"] for a in accounts if a.claim.get("group_id")}),
        "article_ids": article_ids,
        "outlets": outlets,
        "actors": [{"id": k, "name": v} for k, v in actors.items()],
        "places": list(places.values()),
        "evidence": evidence,
    }


def _name(value: str | None, names: Mapping[str, str]) -> str | None:
    return names.get(value, value) if value else None


def order_key(event: Mapping[str, Any]) -> tuple[str, str, str]:
    """When it happened: its first day, else the day it was reported by; undated ones last."""
    when = event.get("first") or event.get("last") or "9999-12-31"
    return when, event.get("last") or when, event["id"]


def build_events(accounts: Sequence[Account], ctx: StoryContext) -> list[dict[str, Any]]:
    """A story's events from the accounts of its articles (each in its setting), in the order
    they happened: of those that tell an event (`tells_event`)."""
    told = [a for a in accounts if tells_event(a)]
    events = [_event(group, ctx) for group in _events_of(told, ctx.group_verdicts)]
    return sorted(events, key=order_key)
