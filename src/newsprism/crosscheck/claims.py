"""Claims: what an article asserts, each tied to its evidence span in the article text.

A claim is built from the understanding stage's records of one article:
- numeric: one per counted quantity ("about 1,000 troops ... withdrawn"), the most checkable;
- event: a sentence with no quantity that tells an action of a known class, with an actor;
- attributed: what a speaker is reported to have said, when it is neither of the above.
Each carries the measure (counted thing, action), the value with its qualifier and bounds, the
time and place it is about, and whom the article attributes it to (read from the article
around the span: claim_context.py; its sentences and clauses: sentences.py).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from newsprism.articles import iso_day
from newsprism.crosscheck.claim_context import (
    ArticleContext,
    Source,
    article_context,
    claim_place,
    claim_source,
    claim_subject,
    claim_time,
    source_of,
)
from newsprism.crosscheck.lexicon import (
    ACTION_CLASSES,
    DENIAL_RE,
    action_class,
    actions_in,
    count_class,
    is_denial,
)
from newsprism.crosscheck.sentences import clause_for, overlaps

NUMERIC, EVENT, ATTRIBUTED = "numeric", "event", "attributed"


# slots: a run holds every claim of the corpus (the claim index); without a per-instance dict
# a claim takes about 400 bytes rather than 460, its strings included
@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    kind: str
    subject: str | None = None
    predicate: str | None = None
    counts: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    unit: str | None = None
    time_first: str | None = None
    time_last: str | None = None
    place: str | None = None
    source: str | None = None
    source_kind: str | None = None
    # beyond the agreed API: what matching needs
    # what happened to what is counted: the quantity's own verb or counted word, else every
    # action class told in the evidence span
    actions: tuple[str, ...] = ()
    country: str | None = None  # ISO country of `place`
    # "text" (a date in the span), "published" (the article's date), or "inferred" (either one
    # resting on a publication date newsprism guessed: not known enough to compare)
    time_source: str | None = None
    denies: bool = False  # the span explicitly denies (a report, a figure) rather than asserts
    value_text: str | None = None  # the quantity as written ("about 1,000 troops")
    source_name: str | None = None  # the speaker as written, for display
    # the whole sentence when the evidence is one clause of it: what meaning is judged on
    # ("rejected reports of 19 deaths" alone does not say which deaths)
    context: str | None = None
    # an event's other participant (to whom or what), an entity id or the words as written;
    # `subject` is who does it
    object: str | None = None
    mood: str = "fact"  # how the text tells it: fact, negated, possible, future, intended...
    # the span is someone's words as quoted (a direct quotation), not the article's account of
    # them: two outlets quoting words that mean the same quote one utterance
    direct: bool = False

    @property
    def meaning_text(self) -> str:
        return self.context or self.text

    def to_dict(self) -> dict[str, Any]:
        # every field is a plain value: asdict's deep copy of each took seven times as long
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["actions"] = list(self.actions)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}  # a field an older version stored
        data["actions"] = tuple(data.get("actions") or ())
        return cls(**data)


def claim_id(article_id: str, kind: str, start: int, end: int, anchor: str = "") -> str:
    raw = f"{article_id}|{kind}|{start}|{end}|{anchor}"
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


# --- extraction ---------------------------------------------------------------------------


# The span record types claims are read from: the others (techniques, labels) need not be read
# back from the store and sent to the engine's workers for cross-checking.
CLAIM_RECORD_TYPES = ("quantity", "timeref", "place", "mention", "attribution", "action")


def extract_claims(article: dict[str, Any], records: list[dict[str, Any]]) -> list[Claim]:
    """Claims of one article from its span records (of CLAIM_RECORD_TYPES; others are not
    read). Spans index `article['text']`."""
    ctx = article_context(article, records)
    told = [_people_befallen(q, ctx.text) for q in ctx.by_type.get("quantity", [])]
    quantities = [q for q in told if _is_claimable_quantity(q, ctx.text)]
    claims = _numeric_claims(ctx, quantities)
    events = _event_claims(ctx, sorted((q["start"], q["end"]) for q in quantities))
    return claims + events + _attributed_claims(ctx, claims + events)


# "the two countries", "both embassies", "its 12 victims": a number that refers back to what
# the text has counted already, not a figure it reports
_REFERENCE = re.compile(r"\b(?:the|these|those|both|its|their|his|her|our)\s+$", re.I)


# A bare figure a people's fate befell: "At least 82 were killed", "352 were injured", "12 died".
FATES = frozenset({"kill", "wound", "arrest"})
_BEFALLEN = re.compile(r"\s+(?:were|was|are|have\s+been|had\s+been|has\s+been|died)\b")


def _people_befallen(q: dict[str, Any], text: str) -> dict[str, Any]:
    """The quantity, counting people when it is a bare figure told as the subject of what befell
    them ("At least 82 were killed and more than 1,700 injured"): newsrooms leave the people out,
    readers hear them."""
    if q.get("counts_lemma") or q.get("unit") or action_class(q.get("predicate")) not in FATES:
        return q
    if not _BEFALLEN.match(text, q["end"]):
        return q
    return {**q, "counts": "people", "counts_lemma": "people"}


def _is_claimable_quantity(q: dict[str, Any], text: str) -> bool:
    # A bare number with neither a counted thing nor a unit cannot be compared with anything;
    # "a two-tier system", "a three-day visit" count nothing.
    has_value = any(q.get(k) is not None for k in ("value", "low", "high"))
    hyphenated = text[q["end"] : q["end"] + 1] == "-"
    if hyphenated or _REFERENCE.search(text, max(0, q["start"] - 8), q["start"]):
        return False
    return has_value and bool(q.get("counts_lemma") or q.get("unit"))


def _numeric_claims(ctx: ArticleContext, quantities: list[dict[str, Any]]) -> list[Claim]:
    spans = [(q["start"], q["end"]) for q in quantities]
    out = []
    for q in quantities:
        target = (q["start"], q["end"])
        sentence = ctx.sentence_of(q["start"])
        span = clause_for(ctx.text, sentence, target, spans)
        out.append(_numeric_claim(ctx, q, span, sentence))
    return out


# Verbs that carry a figure without telling what happened to what it counts ("the toll stands
# at 19", "officials put the number at 40", "rejected reports of 19 deaths").
LIGHT_VERBS = frozenset(
    "be have say tell report count put estimate reach include confirm reject deny dismiss "
    "number total stand give make rise climb bring".split()
)


_PARTICIPLE_AFTER = re.compile(r"[ \t]+(\w+(?:ed|en|wn)|dead)\b")

# Counted nouns that say what happened: "claimed 217 lives" and "the toll rose to 259" count
# the dead.
FATE_OF_COUNTED = {"life": "kill", "casualty": "kill", "body": "kill", "toll": "kill"}


def _measure_actions(q: dict[str, Any], predicate: str | None, text: str) -> set[str]:
    """What happened to what the quantity counts, told by the quantity itself: its own verb
    ("82 were killed") or its counted word ("1,700 injured", "19 deaths"). Other verbs of the
    clause ("82 were killed and 1,700 injured") belong to other figures."""
    # "100 were killed and more than 1,000 others wounded": the verb left out after "and" is
    # the participle right after the figure, whatever the parser attached it to
    gapped = _PARTICIPLE_AFTER.match(text, q.get("end") or 0)
    told_after = actions_in(gapped.group(1)) if gapped else set()
    if told_after:
        return told_after
    counted = q.get("counts_lemma") or ""
    own = {FATE_OF_COUNTED[counted]} if counted in FATE_OF_COUNTED else actions_in(counted)
    if own and predicate in ACTION_CLASSES and (q.get("counts") or "") not in (q.get("text") or ""):
        # "claimed at least 217 lives and injured nearly 5,000": the 5,000 borrows its counted
        # word from the figure before it, and its own verb says what happened to them
        return {predicate}
    if own:  # "82 were killed and 1,700 injured": the verb the parser gives is "killed"
        return own
    verbs = [predicate, *(action_class(v) for v in q.get("coordinated") or ())]
    own |= {v for v in verbs if v and (v in ACTION_CLASSES or v not in LIGHT_VERBS)}
    return own


def _participant_actions(ctx: ArticleContext, q: dict[str, Any]) -> set[str]:
    """What the parse says happened to the counted thing: the actions whose subject or object
    holds the figure ("floods forced 2,000 people to leave": they left)."""
    figure = (q["start"], q["end"])
    return {
        a["action"] for a in ctx.near("action", *figure) if _has_participant(a, [figure])
    }


DENIAL_REACH = 80  # characters between a denial and the figure it denies


def _denies_figure(text: str, span: tuple[int, int], figure: tuple[int, int]) -> bool:
    """A denial of this very figure: "rejected reports of 19 deaths", "reports that 40 died
    were false"; not a denial of something else told in the same clause ("the massacre that
    left 58 dead ... a fact that contradicts the official story")."""
    if not is_denial(text[span[0] : span[1]]):
        return False
    near = text[max(span[0], figure[0] - DENIAL_REACH) : min(span[1], figure[1] + DENIAL_REACH)]
    return bool(DENIAL_RE.search(near))


def _numeric_claim(
    ctx: ArticleContext,
    q: dict[str, Any],
    span: tuple[int, int],
    sentence: tuple[int, int],
) -> Claim:
    text = ctx.text[span[0] : span[1]]
    context = ctx.text[sentence[0] : sentence[1]] if span != sentence else None
    predicate = action_class(q.get("predicate"))
    actions = _participant_actions(ctx, q) | _measure_actions(q, predicate, ctx.text)
    actions = actions or actions_in(text)
    time_first, time_last, time_source = claim_time(ctx, span)
    # every number of the clause, those that count nothing said ("and 10 in Tanzania") too
    others = [(r["start"], r["end"]) for r in ctx.within("quantity", span)]
    place, country = claim_place(ctx, span, q["start"], (q["start"], q["end"]), others)
    source, source_kind, source_name = claim_source(ctx, span)
    article_id = ctx.article["id"]
    return Claim(
        id=claim_id(article_id, NUMERIC, span[0], span[1], f"{q['start']}:{q['end']}"),
        article_id=article_id,
        start=span[0],
        end=span[1],
        text=text,
        kind=NUMERIC,
        subject=claim_subject(ctx, span, (q["start"], q["end"])),
        predicate=predicate,
        counts=count_class(q.get("counts_lemma")),
        value=q.get("value"),
        low=q.get("low"),
        high=q.get("high"),
        qualifier=q.get("qualifier"),
        unit=q.get("unit"),
        time_first=time_first,
        time_last=time_last,
        place=place,
        source=source,
        source_kind=source_kind,
        actions=tuple(sorted(actions)),
        country=country,
        time_source=time_source,
        denies=_denies_figure(ctx.text, span, (q["start"], q["end"])),
        value_text=q.get("text"),
        source_name=source_name,
        context=context,
    )


def _event_claims(ctx: ArticleContext, figures: list[tuple[int, int]]) -> list[Claim]:
    """One claim per action the article tells (who did what to whom): the action's class, its
    participants and the sentence's place and time. A sentence with a figure has both: "two
    bombs exploded outside the embassies, killing 81" tells the blasts and the toll."""
    out = []
    for action in ctx.by_type.get("action", []):
        span = ctx.sentence_of(action["start"])
        if action.get("nominal") or span[1] - span[0] < 25 or _has_participant(action, figures):
            continue
        subject = _participant(ctx, action.get("subject_start"), action.get("subject_end"))
        obj = _participant(ctx, action.get("object_start"), action.get("object_end"))
        place, country = claim_place(ctx, span, action["start"])
        if subject is None and obj is None and place is None:
            continue
        claim = _span_claim(
            ctx, EVENT, span, {action["action"]}, subject, place, country,
            anchor=f"{action['start']}:{action['end']}",
        )  # fmt: skip
        out.append(replace(claim, object=obj, mood=action.get("mood") or "fact"))
    return out


NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve dozens hundreds thousands "
    "several some many few both".split()
)


def _has_participant(action: dict[str, Any], figures: list[tuple[int, int]]) -> bool:
    """Whether the subject or object of the action holds one of the figures ("at least 75
    people were killed"): then what happened to it is that action. `figures` in text order."""
    for role in ("subject", "object"):
        start, end = action.get(f"{role}_start"), action.get(f"{role}_end")
        if start is None or end is None:
            continue
        first = bisect_left(figures, (start, -1))
        if any(f[1] <= end for f in figures[first : bisect_right(figures, (end, end + 1))]):
            return True
    return False


_DETERMINERS = re.compile(r"^(?:the|a|an|its|their|his|her|this|these|those)\s+", re.I)


def _participant(ctx: ArticleContext, start: int | None, end: int | None) -> str | None:
    """An action's participant as one key across the corpus: the entity of the actor named in
    it, else its words (lowercase, without a leading determiner)."""
    if start is None or end is None:
        return None
    named = [
        m for m in ctx.near("mention", start, end)
        if m.get("entity_id") and overlaps((m["start"], m["end"]), (start, end))
    ]  # fmt: skip
    if named:
        return str(named[-1]["entity_id"])
    words = _DETERMINERS.sub("", " ".join(ctx.text[start:end].lower().split())).split()
    while words and (words[0][:1].isdigit() or words[0] in NUMBER_WORDS):
        words = words[1:]  # "two bombs" and "the bombs" are the bombs
    return " ".join(words).strip(".,;:'\"") or None


def _attributed_claims(ctx: ArticleContext, taken: list[Claim]) -> list[Claim]:
    out = []
    spans = sorted((c.start, c.end) for c in taken)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))  # the furthest end so far
    for a in ctx.by_type.get("attribution", []):
        span = (a["start"], a["end"])
        before = bisect_left(starts, span[1])  # the taken claims starting before it ends
        if span[1] - span[0] < 25 or (before and reach[before - 1] > span[0]):
            continue
        text = ctx.text[span[0] : span[1]]
        place, country = claim_place(ctx, span, span[0])
        claim = _span_claim(
            ctx,
            ATTRIBUTED,
            span,
            actions_in(text),
            claim_subject(ctx, span, None),
            place,
            country,
            source=source_of(ctx, a),
        )
        out.append(replace(claim, direct=bool(a.get("direct"))))
    return out


def _span_claim(
    ctx: ArticleContext,
    kind: str,
    span: tuple[int, int],
    actions: set[str],
    subject: str | None,
    place: str | None,
    country: str | None,
    source: Source | None = None,
    anchor: str = "",
) -> Claim:
    text = ctx.text[span[0] : span[1]]
    time_first, time_last, time_source = claim_time(ctx, span)
    src, src_kind, src_name = source if source is not None else claim_source(ctx, span)
    article_id = ctx.article["id"]
    return Claim(
        id=claim_id(article_id, kind, span[0], span[1], anchor),
        article_id=article_id,
        start=span[0],
        end=span[1],
        text=text,
        kind=kind,
        subject=subject,
        predicate=min(actions) if len(actions) == 1 else None,
        time_first=time_first,
        time_last=time_last,
        place=place,
        source=src,
        source_kind=src_kind,
        actions=tuple(sorted(actions)),
        country=country,
        time_source=time_source,
        denies=is_denial(text),
        source_name=src_name,
    )


# --- helpers shared with matching and verdicts ---------------------------------------------


def time_window(claim: Claim, slack_days: int) -> tuple[date, date] | None:
    first, last = iso_day(claim.time_first), iso_day(claim.time_last)
    if first is None or claim.time_source == "inferred":
        return None
    last = last or first
    if claim.time_source == "published":
        # an article reports what happened up to a few days before it came out
        return first - timedelta(days=slack_days), last
    return first, last
