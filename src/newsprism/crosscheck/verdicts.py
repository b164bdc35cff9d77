"""A verdict for each claim group: corroborated, contradicted, single-source or unattributed.

Independence is what counts, not the number of articles: syndicated copies (one near-duplicate
group) and articles of one outlet count once, and articles that only relay the same named
source ("SANA reported ...") count once, as that source (independence.py). A verdict's reason
is put in words in verdict_reasons.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from newsprism.articles import own_published_day
from newsprism.crosscheck.claims import ATTRIBUTED, EVENT, NUMERIC, Claim
from newsprism.crosscheck.comparisons import (
    CUMULATIVE_ACTIONS,
    EXACT_TOLERANCE,
    figure,
    figures_within,
    is_few,
    participants,
    rival,
    roles_swapped,
    same_scene,
    times_compatible,
    value_range,
    values_agree,
)
from newsprism.crosscheck.group_shelf import ClaimGroup
from newsprism.crosscheck.independence import (
    SAME_QUOTE,
    first_of_each,
    independent_reports,
    report_key,
    word_overlap,
    word_set,
)
from newsprism.crosscheck.lexicon import OPINION_RE
from newsprism.crosscheck.verdict_reasons import (
    contradiction_reason,
    corroboration_reason,
    related_reason,
    report_labels,
    single_source_reason,
    unattributed_reason,
    unconfirmed_reason,
)
from newsprism.link.entity_table import ID_PREFIX as ACTOR_PREFIX
from newsprism.understand.action_classes import DECLARE

CORROBORATED = "corroborated"
CONTRADICTED = "contradicted"
SINGLE_SOURCE = "single-source"
UNATTRIBUTED = "unattributed"
RELATED = "related"  # several sources on one subject, none telling the same proposition
UNCONFIRMED = "unconfirmed"  # a denial that may or may not concern this statement: not decided
VERDICTS = (CORROBORATED, CONTRADICTED, RELATED, UNCONFIRMED, SINGLE_SOURCE, UNATTRIBUTED)

# Cosines of all-MiniLM-L6-v2 between two statements, chosen on the labelled pairs of
# benchmarks/data/claim_verdicts.json (dev and test splits; the heldout split is never used to
# choose) for a pair precision of at least 0.9: in other words but one proposition; the same
# action with a shared participant told alike; a denial aimed at this statement rather than at
# another one.
PARAPHRASE = 0.80
SAME_EVENT = 0.70
PARAPHRASE_UNCOUNTED = 0.70  # two equal percentages or sums that say what they measure alike
# the same resolved actor doing the same act to the same other (_same_actor_act)
SAME_ACTOR_ACT = 0.45
DENIAL_LINK = 0.65
RIVAL_LINK = 0.60  # a rival figure told of the same happening, not of another with its measure
# A group's verdict is recomputed whenever an article joins it: in a group of thousands of
# claims, propositions are built around a sample of pivots, so that the cost stays bounded.
MAX_PIVOTS = 40
MAX_SIDES = 8  # of the agreeing sets with most reports, how many are searched for a proposition
# Two figures further apart than this ratio tell two counts even where their qualifiers allow
# both: "at least 75 killed" on the first day and "257 killed" a week later, and also "at least
# 129" and "at least 130", a toll told at two moments (chosen on the labelled pairs of
# claim_verdicts.json: any wider and half the pairs it adds are two counts).
CLOSE_FIGURES = 1.0 + EXACT_TOLERANCE

Similarity = Callable[[Claim, Claim], float]


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
    independent_outlets: int  # independent reports: outlets, syndication groups, relayed sources
    for_evidence: list[Evidence] = field(default_factory=list)
    against_evidence: list[Evidence] = field(default_factory=list)
    # statements of the group that only relate to what a corroborated group says (the same
    # subject, not the same proposition): shown apart, counted for nothing
    related_evidence: list[Evidence] = field(default_factory=list)
    first_seen: str | None = None
    reason: str = ""
    sources: list[str] = field(default_factory=list)  # one label per independent report
    # how strongly the evidence makes the verdict: the meaning agreement of the pair that
    # corroborates, or of the denial with what it denies; 1.0 where structure alone decides
    confidence: float = 1.0


def same_proposition(a: Claim, b: Claim, similarity: Similarity | None) -> float | None:
    """How strongly `a` and `b` state one proposition, or None when they are only related. A
    numeric group is one measure, scope and time by construction; other statements must say
    the same in other words, or tell the same actor doing the same thing at the same place."""
    if a.kind == NUMERIC and b.kind == NUMERIC:
        if not close_figures(a, b) or (figure(a) or 0) <= 1:
            return None  # "one person of interest" and "at least one victim" count nothing alike
        if is_change(a) != is_change(b):
            return None  # "cases have risen by 50%" is no "fatality rate of 50%"
        if a.counts is None and b.counts is None:
            # "31 percent", "$5 million": of what, the figure alone does not say
            cosine = similarity(a, b) if similarity is not None else 0.0
            return cosine if cosine >= PARAPHRASE_UNCOUNTED else None
        if not (set(a.actions) & set(b.actions)) and (a.actions or b.actions):
            # "40 people killed" and "about 40 people in surgery": one figure, two predicates
            return None
        if is_few(a) and not same_scene(a, b):
            # a handful (comparisons.FEW) is no fingerprint: the rest must read alike
            cosine = similarity(a, b) if similarity is not None else 0.0
            return cosine if cosine >= PARAPHRASE_UNCOUNTED else None
        return 1.0
    if a.kind == ATTRIBUTED and b.kind == ATTRIBUTED and (
        word_overlap(word_set(a.text), word_set(b.text)) >= SAME_QUOTE
    ):
        return 1.0
    if similarity is None:
        return None
    cosine = similarity(a, b)
    if a.mood != b.mood:
        return None  # "troops will leave" and "troops left" are two propositions
    if cosine >= PARAPHRASE:
        return cosine
    same_event = (
        bool(participants(a) & participants(b))
        and bool(set(a.actions) & set(b.actions))
        and not roles_swapped(a, b)
        and not (a.country and b.country and a.country != b.country)
    )
    if same_event and cosine >= SAME_EVENT:
        return cosine
    return cosine if same_event and _same_actor_act(a, b) and cosine >= SAME_ACTOR_ACT else None


# "risen by 50%", "cut by half", "up by 3,000": after a verb of change, the figure after "by" is
# how much a measure moved, not what it is ("killed by 40 gunmen" counts the gunmen)
CHANGE_VERBS = frozenset(
    "rise increase grow climb jump surge soar swell double fall drop decline decrease plunge "
    "slip shrink cut reduce lower slash raise boost expand gain lose".split()
)
_BY = re.compile(r"\bby\s+(?:about\s+|around\s+|nearly\s+|almost\s+|roughly\s+|some\s+"
                 r"|more\s+than\s+|over\s+)?$", re.I)  # fmt: skip


def is_change(c: Claim) -> bool:
    """Whether the claim's figure is how much something changed ("the number of cases has
    risen by 50%") rather than what it is ("a fatality rate of 50%", "rose to 57")."""
    if c.predicate not in CHANGE_VERBS or not c.value_text:
        return False
    at = c.text.find(c.value_text)
    return at > 0 and bool(_BY.search(c.text[max(0, at - 30) : at]))


def _same_actor_act(a: Claim, b: Claim) -> bool:
    """One known actor doing one thing to the same (or no named) other: "US troops are
    withdrawing" in a sentence about Kurds throwing tomatoes and "US soldiers pulling out" in
    one about Kurds pleading with them. The sentences around the act differ, so their meanings
    agree less than paraphrases do; the resolved actor and the act carry the proposition. Only
    acts the text tells (event claims, whose mood is read), not whole quotes: "Paddock could not
    have carried out the massacre" is no report that he did."""
    if not (a.kind == EVENT and b.kind == EVENT and times_compatible(a, b)):
        return False
    if DECLARE in a.actions and DECLARE in b.actions:
        # one measure declared, whoever each outlet says declared it ("Hollande imposed a state
        # of emergency", "France has declared a national state of emergency")
        return a.object == b.object
    if a.subject is None and b.subject is None:
        # told in the passive, the doer unnamed: the same resolved actor it befell
        return a.object is not None and a.object == b.object and a.object.startswith(ACTOR_PREFIX)
    return (
        a.subject is not None
        and a.subject == b.subject
        and a.subject.startswith(ACTOR_PREFIX)
        and object_head(a.object) == object_head(b.object)
    )


# Words that end the head of a participant's words: what follows them modifies it.
_MODIFIERS_FROM = frozenset(
    "on in at of for from by with against to into near over after before during that which who "
    "where when".split()
)


def object_head(participant: str | None) -> str | None:
    """A participant as the same other across wordings: an entity as itself, words by their
    head (the last word before a modifier), so that "the horrific Paris attacks" and "the
    attacks on a social media account" (the parse hung the channel on the attacks) are one
    other, and "the attacks" and "the raids" are not."""
    if participant is None or participant.startswith(ACTOR_PREFIX):
        return participant
    words = participant.split()
    for i, word in enumerate(words):
        if word in _MODIFIERS_FROM and i:
            words = words[:i]
            break
    return words[-1] if words else participant


def close_figures(a: Claim, b: Claim) -> bool:
    """Whether two agreeing figures tell one count, not two (CLOSE_FIGURES): "at least 58
    injured" allows 1,700, but an outlet that says so speaks of another count."""
    return figures_within(a, b, CLOSE_FIGURES)


def verdict(
    group: ClaimGroup, articles: dict[str, dict[str, Any]], similarity: Similarity | None = None
) -> Verdict:
    """The group's verdict. `similarity` compares two claims' meanings (ClaimIndex.similarity);
    without it only numeric claims and the same quoted words can corroborate."""
    report_of = independent_reports(group.claims, articles, similarity)

    def key(c: Claim) -> str:
        return report_of[c.id]

    supporting, against = _split(group.claims, key, similarity, _reported_on(articles))
    reports = {report_key(c, articles.get(c.article_id)) for c in supporting}
    # A report that tells a claim and its denial contests it; it does not contradict itself.
    against = [c for c in against if report_key(c, articles.get(c.article_id)) not in reports]
    linked, weak = _aimed_denials(against, supporting, similarity)
    # a question or a voiced opinion ("Some say there are two popes") backs nothing
    cluster, strength = _best_cluster([c for c in supporting if _asserts(c)], key, similarity)
    corroborating = len({key(c) for c in cluster}) >= 2
    shown = cluster if corroborating else supporting
    labels = report_labels(shown, key, articles)
    evidence = _evidence_maker(articles)
    related: list[Claim] = []
    if corroborating:
        # the statements that corroborate come first: the first of them states the group, not
        # whichever related sentence of the group arrived first ("Paddock checked in on the
        # 28th" heading a group corroborated by two reports that he shot the guard first)
        in_cluster = {c.id for c in cluster}
        related = [c for c in supporting if c.id not in in_cluster]
        supporting = cluster + related
    common = {
        "group_id": group.id,
        "independent_outlets": len(labels),
        "for_evidence": [evidence(c) for c in supporting],
        "first_seen": _first_seen(group.claims, articles),
        "sources": labels,
    }
    if linked:
        confidence = min(s for _, s in linked)
        return Verdict(
            verdict=CONTRADICTED,
            reason=contradiction_reason(supporting, [c for c, _ in linked], articles),
            against_evidence=[evidence(c) for c, _ in linked],
            confidence=confidence,
            **common,
        )
    if weak:
        return Verdict(
            verdict=UNCONFIRMED,
            reason=unconfirmed_reason(supporting, weak, articles),
            against_evidence=[evidence(c) for c, _ in weak],
            confidence=max(s for _, s in weak),
            **common,
        )
    if corroborating:
        # the evidence is what corroborates; the rest of the group is only on its subject
        return Verdict(
            verdict=CORROBORATED,
            reason=corroboration_reason(cluster, labels),
            confidence=strength,
            **{**common, "for_evidence": [evidence(c) for c in cluster],
               "related_evidence": [evidence(c) for c in related]},
        )  # fmt: skip
    if len({key(c) for c in supporting}) >= 2:
        return Verdict(verdict=RELATED, reason=related_reason(supporting, key, articles), **common)
    if any(c.source for c in supporting):
        return Verdict(verdict=SINGLE_SOURCE, reason=single_source_reason(supporting), **common)
    return Verdict(
        verdict=UNATTRIBUTED, reason=unattributed_reason(supporting, articles), **common
    )


def _aimed_denials(
    against: list[Claim], supporting: list[Claim], similarity: Similarity | None
) -> tuple[list[tuple[Claim, float]], list[tuple[Claim, float]]]:
    """The disputing claims that surely concern the supported statement (a rival figure for the
    same measure and days; a denial close in meaning to it), and denials that may concern it."""
    linked, weak = [], []
    for c in against:
        if similarity is None:
            linked.append((c, 1.0))
            continue
        facts = [s for s in supporting if asserts_fact(s)]
        closeness, closest = max(
            ((similarity(c, s), s) for s in facts), default=(0.0, None), key=lambda p: p[0]
        )
        if not c.denies:
            if closeness >= RIVAL_LINK:  # else a figure of another happening: no dispute
                linked.append((c, closeness))
            continue
        if c.kind == NUMERIC and any(close_figures(c, s) for s in supporting):
            closeness = 1.0  # "rejected reports of 19 deaths" names the very figure it denies
        elif closest is not None and not set(c.actions) & set(closest.actions):
            # "his claim that he met the victims is untrue" reads like "he caused the victims
            # great pain", and denies another thing: a denial tells the same action it denies
            weak.append((c, closeness))
            continue
        (linked if closeness >= DENIAL_LINK else weak).append((c, closeness))
    return linked, weak


def _asserts(c: Claim) -> bool:
    """Whether a claim states something rather than asking or weighing in."""
    return (
        c.mood != "question"
        and not c.text.rstrip(" \"\u201d\u2019'").endswith("?")
        and not OPINION_RE.search(c.text)
    )


def _best_cluster(
    supporting: list[Claim], key: Callable[[Claim], str], similarity: Similarity | None
) -> tuple[list[Claim], float]:
    """The claims that state one proposition with the most independent reports behind them,
    and the weakest link that joins them (1.0 for a lone claim; none without a claim)."""
    best: tuple[int, list[Claim], float] = (0, supporting[:1], 1.0)
    pivots = first_of_each(supporting, key)[:MAX_PIVOTS]
    for pivot in pivots:
        cluster, weakest = [pivot], 1.0
        for c in supporting:
            if c is pivot:
                continue
            strength = same_proposition(pivot, c, similarity)
            if strength is not None:
                cluster.append(c)
                if key(c) != key(pivot):
                    weakest = min(weakest, strength)
        reports = len({key(c) for c in cluster})
        if reports > best[0]:
            best = (reports, cluster, weakest)
    return best[1], best[2]


_MODAL = re.compile(r"\b(?:should|must|ought|would|could|might|may)\b", re.IGNORECASE)


def asserts_fact(c: Claim) -> bool:
    """Whether a claim tells something as fact, so that a denial can dispute it: "it should be
    vitally important that..." is a view, and denying another thing is not denying it."""
    return c.mood == "fact" and not (c.kind == ATTRIBUTED and _MODAL.search(c.text))


def _split(
    claims: list[Claim],
    key: Callable[[Claim], str],
    similarity: Similarity | None = None,
    reported_on: Callable[[Claim], Claim] = lambda c: c,
) -> tuple[list[Claim], list[Claim]]:
    """The claims that agree with each other and have the most independent sources behind
    them, and those that dispute them: rival figures for the same days, and explicit denials
    of a figure the supporting side allows. Agreement is not transitive ("at least 12" agrees
    with 12 and with 19, which disagree), so the supporting side is a set of claims that all
    agree pairwise: of those, the one where most reports tell one figure, so that a toll that
    grew (dozens, 81, 257, 259 dead) is judged on the count that outlets confirm, not on the
    loosest one ("dozens" allows 81, and no outlet tells "dozens" and 81 alike)."""
    positive = [c for c in claims if not c.denies] or list(claims)
    taken = {id(c) for c in positive}
    denials = [c for c in claims if c.denies and id(c) not in taken]
    if all(c.kind != NUMERIC for c in positive):
        return positive, denials  # without figures, every assertion agrees with every other
    # the first claim of each report, and of each figure told: a later report's figure may be
    # the one that others confirm
    pivots = list(
        {id(c): c for c in first_of_each(positive, key) + first_of_each(positive, _figure_key)}
        .values()
    )[:MAX_PIVOTS]
    sides = sorted(
        (_consistent_with(pivot, positive) for pivot in pivots),
        key=lambda side: (len({key(c) for c in side}), len(side)),
        reverse=True,
    )

    def confirmed(side: list[Claim]) -> tuple[int, int, int]:
        cluster, _ = _best_cluster([c for c in side if _asserts(c)], key, similarity)
        return len({key(c) for c in cluster}), len({key(c) for c in side}), len(side)

    supporting = max(sides[:MAX_SIDES], key=confirmed)
    inside = {id(c) for c in supporting}
    rivals = [
        c
        for c in positive
        if id(c) not in inside and any(rival(reported_on(c), reported_on(s)) for s in supporting)
    ]
    disputing = [
        d
        for d in denials
        if d.kind != NUMERIC or any(values_agree(d, s) is not False for s in supporting)
    ]
    return supporting, rivals + disputing


def _figure_key(c: Claim) -> str:
    return repr(value_range(c))


def _reported_on(articles: dict[str, dict[str, Any]]) -> Callable[[Claim], Claim]:
    """A running count (the dead, the wounded, the arrested) as of the day its article came
    out: "the Aug. 7 bombings killed 257" told on Aug. 13 and "killed 259" on Aug. 30 are two
    moments of one toll, not rival figures for Aug. 7. Other claims keep their own days."""

    def dated(c: Claim) -> Claim:
        day = own_published_day(articles.get(c.article_id) or {})
        if c.kind != NUMERIC or not set(c.actions) & CUMULATIVE_ACTIONS or day is None:
            return c
        told = day.isoformat()
        return replace(c, time_first=told, time_last=told, time_source="text")

    return dated


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
