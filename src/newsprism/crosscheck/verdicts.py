"""A verdict for each claim group: corroborated, contradicted, single-source or unattributed.

Independence is what counts, not the number of articles: syndicated copies (one near-duplicate
group) and articles of one outlet count once, and articles that only relay the same named
source ("SANA reported ...") count once, as that source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsprism.crosscheck.claims import NUMERIC, Claim
from newsprism.crosscheck.matching import ClaimGroup, same_time, values_agree

CORROBORATED = "corroborated"
CONTRADICTED = "contradicted"
SINGLE_SOURCE = "single-source"
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class Evidence:
    claim_id: str
    article_id: str
    outlet: str | None
    published: str | None
    start: int
    end: int
    text: str
    value_text: str | None
    source: str | None
    source_kind: str | None


@dataclass(frozen=True)
class Verdict:
    group_id: str
    verdict: str
    independent_outlets: int  # independent sources: outlets, syndication groups, relayed sources
    for_evidence: list[Evidence] = field(default_factory=list)
    against_evidence: list[Evidence] = field(default_factory=list)
    first_seen: str | None = None
    reason: str = ""
    sources: list[str] = field(default_factory=list)  # the independent source keys, for display


def independence_key(claim: Claim, article: dict[str, Any] | None) -> str:
    """Who a claim really rests on: a named source it relays, else its syndication group, else
    its outlet, else the article itself (an article of no known outlet is its own outlet)."""
    if claim.source:
        return f"source:{claim.source.strip().lower()}"
    article = article or {}
    copies = article.get("duplicate_group") or article.get("duplicate_of")
    if copies:
        return f"copies:{copies}"
    if article.get("outlet"):
        return f"outlet:{str(article['outlet']).strip().lower()}"
    return f"article:{claim.article_id}"


def verdict(group: ClaimGroup, articles: dict[str, dict[str, Any]]) -> Verdict:
    def key(c: Claim) -> str:
        return independence_key(c, articles.get(c.article_id))

    supporting, against = _split(group.claims, key)
    sources = list(dict.fromkeys(key(c) for c in supporting))
    evidence = _evidence_maker(articles)
    common = {
        "group_id": group.id,
        "independent_outlets": len(sources),
        "for_evidence": [evidence(c) for c in supporting],
        "against_evidence": [evidence(c) for c in against],
        "first_seen": _first_seen(group.claims, articles),
        "sources": sources,
    }
    if against:
        return Verdict(
            verdict=CONTRADICTED,
            reason=_contradiction_reason(supporting, against, articles),
            **common,
        )
    if len(sources) >= 2:
        return Verdict(
            verdict=CORROBORATED,
            reason=_corroboration_reason(supporting, sources, key, articles),
            **common,
        )
    if sources and sources[0].startswith("source:"):
        return Verdict(verdict=SINGLE_SOURCE, reason=_single_source_reason(supporting), **common)
    return Verdict(
        verdict=UNATTRIBUTED, reason=_unattributed_reason(supporting, articles), **common
    )


def _split(claims: list[Claim], key: Callable[[Claim], str]) -> tuple[list[Claim], list[Claim]]:
    """The claims that agree with each other and have the most independent sources behind
    them, and those that dispute them: rival figures for the same days, and explicit denials
    of a figure the supporting side allows. Agreement is not transitive ("at least 12" agrees
    with 12 and with 19, which disagree), so the supporting side is a set of claims that all
    agree pairwise."""
    positive = [c for c in claims if not c.negated] or list(claims)
    denials = [c for c in claims if c.negated and c not in positive]
    supporting = max(
        (_consistent_with(pivot, positive) for pivot in positive),
        key=lambda side: (len({key(c) for c in side}), len(side)),
    )
    rivals = [
        c
        for c in positive
        if c not in supporting
        and any(same_time(c, s) and values_agree(c, s) is False for s in supporting)
    ]
    disputing = [
        d
        for d in denials
        if d.kind != NUMERIC or any(values_agree(d, s) is not False for s in supporting)
    ]
    return supporting, rivals + disputing


def _consistent_with(pivot: Claim, claims: list[Claim]) -> list[Claim]:
    """`pivot` and, greedily, every claim that agrees with all those taken before it."""
    if pivot.kind != NUMERIC:
        return list(claims)
    side = [pivot]
    for c in claims:
        if c is not pivot and all(values_agree(c, m) is not False for m in side):
            side.append(c)
    return side


def _evidence_maker(articles: dict[str, dict[str, Any]]) -> Callable[[Claim], Evidence]:
    def make(c: Claim) -> Evidence:
        article = articles.get(c.article_id) or {}
        return Evidence(
            claim_id=c.id,
            article_id=c.article_id,
            outlet=article.get("outlet"),
            published=_day(article.get("published")),
            start=c.start,
            end=c.end,
            text=c.text,
            value_text=c.value_text,
            source=c.source,
            source_kind=c.source_kind,
        )

    return make


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def _first_seen(claims: list[Claim], articles: dict[str, dict[str, Any]]) -> str | None:
    days = [_day((articles.get(c.article_id) or {}).get("published")) for c in claims]
    known = [d for d in days if d]
    return min(known) if known else None


def _who(c: Claim, articles: dict[str, dict[str, Any]]) -> str:
    outlet = (articles.get(c.article_id) or {}).get("outlet")
    return outlet or f"article {c.article_id[:8]}"


def _contradiction_reason(
    supporting: list[Claim], against: list[Claim], articles: dict[str, dict[str, Any]]
) -> str:
    a = supporting[0]
    told_a = a.value_text or a.text[:80]
    reasons = []
    rival = next((c for c in against if not c.negated), None)
    if rival is not None:
        told_b = rival.value_text or rival.text[:80]
        reasons.append(
            f"incompatible figures for the same measure, place and time: \u201c{told_a}\u201d "
            f"({_who(a, articles)}) vs \u201c{told_b}\u201d ({_who(rival, articles)})"
        )
    denial = next((c for c in against if c.negated), None)
    if denial is not None:
        reasons.append(
            f"denied: {_who(denial, articles)} disputes what {_who(a, articles)} reports "
            f"(\u201c{denial.text[:80]}\u201d)"
        )
    return "; ".join(reasons)


def _corroboration_reason(
    supporting: list[Claim],
    sources: list[str],
    key: Callable[[Claim], str],
    articles_meta: dict[str, dict[str, Any]],
) -> str:
    articles = len({c.article_id for c in supporting})
    first = {}
    for c in supporting:
        first.setdefault(key(c), c)
    names = ", ".join(_source_label(first[s], articles_meta) for s in sources)
    text = f"told by {len(sources)} independent sources ({names})"
    if articles > len(sources):
        text += f" in {articles} articles; copies and relays of one source count once"
    return text


def _source_label(c: Claim, articles: dict[str, dict[str, Any]]) -> str:
    if c.source:
        return f"{c.source_name or c.source} (via {_who(c, articles)})"
    return _who(c, articles)


def _single_source_reason(supporting: list[Claim]) -> str:
    source = supporting[0].source_name or supporting[0].source
    articles = len({c.article_id for c in supporting})
    if articles == 1:
        return f"rests on one source: {source}, in one article"
    return f"rests on one source: all {articles} articles relay {source}"


def _unattributed_reason(supporting: list[Claim], articles: dict[str, dict[str, Any]]) -> str:
    c = supporting[0]
    who = _who(c, articles)
    if c.source_kind in ("anonymous", "unknown"):
        return f"told only by {who}, citing no identifiable source"
    return f"told only by {who} in its own voice, with no source named"
