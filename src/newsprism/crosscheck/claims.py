"""Claims: what an article asserts, each tied to its evidence span in the article text.

A claim is built from the understanding stage's records of one article:
- numeric: one per counted quantity ("about 1,000 troops ... withdrawn"), the most checkable;
- event: a sentence with no quantity that tells an action of a known class, with an actor;
- attributed: what a speaker is reported to have said, when it is neither of the above.
Each carries the measure (counted thing, action), the value with its qualifier and bounds, the
time and place it is about, and whom the article attributes it to.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from newsprism.articles import iso_day
from newsprism.crosscheck.lexicon import (
    ACTION_CLASSES,
    DENIAL_RE,
    action_class,
    actions_in,
    count_class,
    is_denial,
)

NUMERIC, EVENT, ATTRIBUTED = "numeric", "event", "attributed"

# Speakers whose kind says nothing about who they are do not make a source.
ANONYMOUS_KINDS = {"anonymous", "unknown", None}


@dataclass(frozen=True)
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

    @property
    def meaning_text(self) -> str:
        return self.context or self.text

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        out = asdict(self)
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


# --- sentences and clauses ---------------------------------------------------------------

_ABBREV = r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bGen)(?<!\bSt)(?<!\bNo)"
# "on Aug. 7, killed 247 people": a month's abbreviation before a day ends no sentence
_MONTH_ABBREV = "".join(
    rf"(?<!\b{m})" for m in "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_SENTENCE_END = re.compile(
    _ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z])|"
    + _ABBREV + _MONTH_ABBREV + r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[0-9])|\n\s*"
)
# Clause breaks used only to share one sentence between several quantities.
# A denial coordinated with an assertion ("said 12 died and rejected reports of 19 deaths")
# is its own clause even without a comma: the denial must not reach the asserted figure.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|:|\s[–—-]\s|,\s*(?=(?:but|while|whereas|although|coinciding|after|as|which|"
    r"and|days|weeks|when)\b)|\s(?:and|but)\s+(?=(?:den(?:y|ies|ied)|reject|dismiss|refut|"
    r"rebut|disput)\w*\b))\s*"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(0).rstrip())
        _append_trimmed(spans, text, start, end)
        start = match.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _clause_for(
    text: str, sentence: tuple[int, int], target: tuple[int, int], others: list[tuple[int, int]]
) -> tuple[int, int]:
    """The part of `sentence` that holds `target` and none of `others` (other quantities of
    the same sentence), cut at clause breaks; the whole sentence when it holds one."""
    s_start, s_end = sentence
    inside = [
        o for o in others if s_start <= o[0] < s_end and o != target and not _overlaps(o, target)
    ]
    if not inside:
        return sentence
    start, end = s_start, s_end
    for match in _CLAUSE_BREAK.finditer(text, s_start, s_end):
        b_start, b_end = match.start(), match.end()
        if b_end <= target[0] and any(o[1] <= b_start for o in inside):
            start = max(start, b_end)
        if b_start >= target[1] and any(o[0] >= b_end for o in inside):
            end = min(end, b_start)
    return start, end


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- per-article context -------------------------------------------------------------------


@dataclass
class _Context:
    """An article's text, sentences and span records by type (each list in text order). The
    records near a span are found by bisection, not by reading every record of the article for
    every claim: a 4 MB article's cross-checking grew with the square of its length."""

    article: dict[str, Any]
    text: str
    sentences: list[tuple[int, int]]
    starts: list[int]
    by_type: dict[str, list[dict[str, Any]]]
    _starts_of: dict[str, list[int]] = field(default_factory=dict)
    _reach: dict[str, int] = field(default_factory=dict)

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(self.starts, pos) - 1)
        return self.sentences[i]

    def _starts(self, kind: str) -> list[int]:
        if kind not in self._starts_of:
            records = self.by_type.get(kind, [])
            self._starts_of[kind] = [r["start"] for r in records]
            # how far before a span a record of this kind may start and still reach into it:
            # its own length, and for actions the reach of their subject and object
            self._reach[kind] = max((_extent(r) for r in records), default=0)
        return self._starts_of[kind]

    def within(self, kind: str, span: tuple[int, int]) -> list[dict[str, Any]]:
        """The records of `kind` inside the span, in text order."""
        starts = self._starts(kind)
        lo, hi = bisect_left(starts, span[0]), bisect_right(starts, span[1])
        return [r for r in self.by_type.get(kind, [])[lo:hi] if r["end"] <= span[1]]

    def near(self, kind: str, lo: int, hi: int) -> list[dict[str, Any]]:
        """The records of `kind` (in text order) that may touch [lo, hi], themselves or through
        their participants: a superset the caller filters as it would the whole list."""
        starts = self._starts(kind)
        records = self.by_type.get(kind, [])
        reach = self._reach[kind]
        return records[bisect_left(starts, lo - reach) : bisect_right(starts, hi + reach)]


def _extent(record: dict[str, Any]) -> int:
    """How far from its start a record reaches, its participants' spans included."""
    start = record["start"]
    reach = record["end"] - start
    for key in ("subject_start", "subject_end", "object_start", "object_end"):
        if record.get(key) is not None:
            reach = max(reach, abs(record[key] - start))
    return reach


def _context(article: dict[str, Any], records: list[dict[str, Any]]) -> _Context:
    text = article.get("text") or ""
    sentences = sentence_spans(text) or [(0, len(text))]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r.get("article_id") in (None, article["id"]):
            by_type.setdefault(r.get("type", ""), []).append(r)
    for rs in by_type.values():
        rs.sort(key=lambda r: r.get("start") or 0)
    return _Context(article, text, sentences, [s for s, _ in sentences], by_type)


# --- the claim's time, place, subject and source ---------------------------------------------


def _published_window(article: dict[str, Any]) -> tuple[str | None, str | None]:
    published = article.get("published")
    if not published:
        return None, None
    day = str(published)[:10]
    return day, day


def _claim_time(ctx: _Context, span: tuple[int, int]) -> tuple[str | None, str | None, str | None]:
    """Dates the span itself names win; else the article's date stands for 'around then'."""
    refs = [
        r
        for r in ctx.within("timeref", span)
        if r.get("first")
        and r.get("kind") in ("date", "time")
        and not _STATEMENT_TIME.search(ctx.text[max(span[0], r["start"] - 60) : r["start"]])
        and _near_or_dated(r, ctx.article)
    ]
    if refs:
        guessed = all(r.get("anchor") and r.get("anchor_source") == "inferred" for r in refs)
        source = "inferred" if guessed else "text"
        return min(r["first"] for r in refs), max(r["last"] or r["first"] for r in refs), source
    first, last = _published_window(ctx.article)
    if first is None:
        return None, None, None
    return first, last, ("inferred" if ctx.article.get("published_source") == "inferred" else
                         "published")  # fmt: skip


_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b|'\d\d\b")
FAR_DAYS = 366  # further from the article's date than this, a date must say its year


def _near_or_dated(ref: dict[str, Any], article: dict[str, Any]) -> bool:
    """A time the claim may take: one whose year is written in it, or one within a year of the
    article's date. "October 9" resolved to 2015 in an article of 2018 is a reading of the
    year rules, not something the clause says."""
    published = iso_day(article.get("published"))
    first = iso_day(ref.get("first"))
    if published is None or first is None or _YEAR.search(ref.get("text") or ""):
        return True
    return abs((first - published).days) <= FAR_DAYS


# "said on Sunday that 12 people died": Sunday is when it was said, not when they died; a
# date right after a reporting verb is left out of the claim's time.
_STATEMENT_TIME = re.compile(
    r"\b(?:said|says|told(?:\s+\w+){0,3}?|announced|stated|reported|added|confirmed|claimed|"
    r"insisted|tweeted|wrote|denied|rejected|declared|warned)\s+(?:(?:on|late|early|last|this)\s+)?$",
    re.IGNORECASE,
)


# A place is what a claim is about when the text puts it after a locative preposition ("from
# northern Syria", "out of Syria", "in Afghanistan"); "US" in "US troops" or "Turkish" are
# actors, not where things happened.
_LOCATIVE = re.compile(
    r"\b(?:in|into|from|out\s+of|to|at|near|across|inside|toward|towards|within|through|"
    r"around|outside|over)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


# "outside the U.S. embassies", "near Turkish positions": a place name modifying an
# institution is whose it is, not where things happened.
_MODIFIER_HEAD = re.compile(
    r"\s+(?:embass(?:y|ies)|consulates?|troops|forces|soldiers|military|army|officials?|"
    r"government|citizens|nationals|envoys?|ambassadors?|positions|bases?|diplomats?)\b",
    re.IGNORECASE,
)


def _claim_place(
    ctx: _Context,
    span: tuple[int, int],
    anchor: int,
    exclude: tuple[int, int] | None = None,
    figures: list[tuple[int, int]] | None = None,
) -> tuple[str | None, str | None]:
    """The locative place nearest the quantity or action inside the span (a sentence that names
    both Afghanistan and Syria is split into clauses before this). Where the span names places
    of several countries and other figures (`figures`, the span's other quantities), a place
    after another figure is that figure's: "killed 247 people in Kenya and 10 in Tanzania"."""
    places = _locative_places(ctx, span, exclude)
    if not places:
        return None, None
    countries = sorted({p["country"] for p in places if p.get("country")})
    if len(countries) > 1 and figures:
        own = [p for p in places if _nearest_figure(p["start"], anchor, figures)]
        if own:
            places = own
            countries = sorted({p["country"] for p in places if p.get("country")})
    if len(countries) > 1:
        # "in Kenya and Tanzania": the figure is about both, a scope of its own that neither
        # "in Nairobi" nor "in Dar es Salaam" shares
        return None, "+".join(countries)
    best = min(places, key=lambda p: abs(p["start"] - anchor))
    place = str(best["geonameid"]) if best.get("geonameid") else None
    return place, best.get("country")


# "in Dar es Salaam, Tanzania, and Nairobi, Kenya": a place listed right after a locative one
# shares its preposition.
_COORDINATED = re.compile(r"\s*(?:,\s*)?(?:(?:and|or)\s+)?(?:the\s+)?$", re.IGNORECASE)


def _locative_places(
    ctx: _Context, span: tuple[int, int], exclude: tuple[int, int] | None
) -> list[dict[str, Any]]:
    """The span's places told as where something happened: after a locative preposition, or
    listed after such a place."""
    found: list[dict[str, Any]] = []
    for p in sorted(ctx.within("place", span), key=lambda p: p["start"]):
        if not (p.get("geonameid") or p.get("country")) or p.get("label") == "NORP":
            continue
        if exclude and _overlaps((p["start"], p["end"]), exclude):
            continue
        if _MODIFIER_HEAD.match(ctx.text, p["end"]):
            continue
        listed = bool(found) and bool(
            _COORDINATED.fullmatch(ctx.text[found[-1]["end"] : p["start"]])
        )
        if listed or _LOCATIVE.search(ctx.text[max(span[0], p["start"] - 40) : p["start"]]):
            found.append(p)
    return found


def _nearest_figure(at: int, anchor: int, figures: list[tuple[int, int]]) -> bool:
    """Whether a place at `at` is the figure's at `anchor`: a locative follows what it places,
    so it is the last figure's before it (the first one's where none comes before)."""
    starts = sorted({f[0] for f in figures} | {anchor})
    before = [f for f in starts if f < at]
    return (before[-1] if before else starts[0]) == anchor


def _claim_subject(
    ctx: _Context, span: tuple[int, int], target: tuple[int, int] | None
) -> str | None:
    """The actor told by the counted phrase itself ("US troops" -> United States (forces)),
    else None: guessing the grammatical subject of a long sentence does more harm than good."""
    mentions = ctx.within("mention", span)
    if target is not None:
        inside = [m for m in mentions if _overlaps((m["start"], m["end"]), target)]
        if inside:
            m = inside[0]
            return m.get("entity_id") or m.get("name")
        return None
    if mentions:
        m = mentions[0]
        return m.get("entity_id") or m.get("name")
    return None


Source = tuple[str | None, str | None, str | None]  # key, kind, name as written


def _claim_source(ctx: _Context, span: tuple[int, int]) -> Source:
    """The speaker of an attribution covering the span's middle; None = the outlet's voice."""
    middle = (span[0] + span[1]) // 2
    for a in ctx.near("attribution", span[0], span[1]):
        covers_middle = a["start"] <= middle <= a["end"]
        covers_half = _overlaps((a["start"], a["end"]), span) and (
            a["end"] - a["start"] >= (span[1] - span[0]) // 2
        )
        if covers_middle or covers_half:
            return _source_of(ctx, a)
    return None, None, None


def _source_of(ctx: _Context, a: dict[str, Any]) -> Source:
    return _source_key(ctx, a), a.get("kind"), a.get("speaker")


def _source_key(ctx: _Context, attribution: dict[str, Any]) -> str | None:
    """Who the source is, as one key across the corpus: the speaker's entity where the article
    names it, even as a title alone ("the president" said -> the article's President Trump);
    else the speaker's words."""
    if attribution.get("kind") in ANONYMOUS_KINDS:
        return None
    if attribution.get("entity_id"):
        return attribution["entity_id"]
    speaker = (attribution.get("speaker") or "").strip()
    return _entity_by_role(ctx, speaker, attribution.get("speaker_start")) or speaker or None


_TITLE_ONLY = re.compile(r"^(?:the|a|an|this|that)\s+((?:[\w.-]+\s+){0,2}[\w.-]+)$", re.I)


def _entity_by_role(ctx: _Context, speaker: str, at: int | None) -> str | None:
    """The actor a title-only speaker stands for: the article's actor with that title, the one
    named last before it (or first after it)."""
    match = _TITLE_ONLY.match(speaker)
    if not match:
        return None
    head = match.group(1).split()[-1].lower()
    holders = [
        m
        for m in ctx.by_type.get("mention", [])
        if m.get("entity_id") and head in (m.get("role") or "").lower().split()
    ]
    if not holders:
        return None
    position = at if at is not None else 0
    before = [m for m in holders if m["start"] < position]
    return (before[-1] if before else holders[0])["entity_id"]


# --- extraction ---------------------------------------------------------------------------


def extract_claims(article: dict[str, Any], records: list[dict[str, Any]]) -> list[Claim]:
    """Claims of one article from its span records (quantity, timeref, place, mention,
    attribution). Spans index `article['text']`."""
    ctx = _context(article, records)
    quantities = [q for q in ctx.by_type.get("quantity", []) if _is_claimable_quantity(q, ctx.text)]
    claims = _numeric_claims(ctx, quantities)
    events = _event_claims(ctx, sorted((q["start"], q["end"]) for q in quantities))
    return claims + events + _attributed_claims(ctx, claims + events)


# "the two countries", "both embassies", "its 12 victims": a number that refers back to what
# the text has counted already, not a figure it reports
_REFERENCE = re.compile(r"\b(?:the|these|those|both|its|their|his|her|our)\s+$", re.I)


def _is_claimable_quantity(q: dict[str, Any], text: str) -> bool:
    # A bare number with neither a counted thing nor a unit cannot be compared with anything;
    # "a two-tier system", "a three-day visit" count nothing.
    has_value = any(q.get(k) is not None for k in ("value", "low", "high"))
    hyphenated = text[q["end"] : q["end"] + 1] == "-"
    if hyphenated or _REFERENCE.search(text, max(0, q["start"] - 8), q["start"]):
        return False
    return has_value and bool(q.get("counts_lemma") or q.get("unit"))


def _numeric_claims(ctx: _Context, quantities: list[dict[str, Any]]) -> list[Claim]:
    spans = [(q["start"], q["end"]) for q in quantities]
    out = []
    for q in quantities:
        target = (q["start"], q["end"])
        sentence = ctx.sentence_of(q["start"])
        span = _clause_for(ctx.text, sentence, target, spans)
        out.append(_numeric_claim(ctx, q, span, sentence))
    return out


# Verbs that carry a figure without telling what happened to what it counts ("the toll stands
# at 19", "officials put the number at 40", "rejected reports of 19 deaths").
LIGHT_VERBS = frozenset(
    "be have say tell report count put estimate reach include confirm reject deny dismiss "
    "number total stand give make rise climb bring".split()
)


_PARTICIPLE_AFTER = re.compile(r"[ \t]+(\w+(?:ed|en|wn))\b")

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
    if own:  # "82 were killed and 1,700 injured": the verb the parser gives is "killed"
        return own
    verbs = [predicate, *(action_class(v) for v in q.get("coordinated") or ())]
    own |= {v for v in verbs if v and (v in ACTION_CLASSES or v not in LIGHT_VERBS)}
    return own


def _participant_actions(ctx: _Context, q: dict[str, Any]) -> set[str]:
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
    ctx: _Context,
    q: dict[str, Any],
    span: tuple[int, int],
    sentence: tuple[int, int],
) -> Claim:
    text = ctx.text[span[0] : span[1]]
    context = ctx.text[sentence[0] : sentence[1]] if span != sentence else None
    predicate = action_class(q.get("predicate"))
    actions = _participant_actions(ctx, q) | _measure_actions(q, predicate, ctx.text)
    actions = actions or actions_in(text)
    time_first, time_last, time_source = _claim_time(ctx, span)
    # every number of the clause, those that count nothing said ("and 10 in Tanzania") too
    others = [(r["start"], r["end"]) for r in ctx.within("quantity", span)]
    place, country = _claim_place(ctx, span, q["start"], (q["start"], q["end"]), others)
    source, source_kind, source_name = _claim_source(ctx, span)
    article_id = ctx.article["id"]
    return Claim(
        id=claim_id(article_id, NUMERIC, span[0], span[1], f"{q['start']}:{q['end']}"),
        article_id=article_id,
        start=span[0],
        end=span[1],
        text=text,
        kind=NUMERIC,
        subject=_claim_subject(ctx, span, (q["start"], q["end"])),
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


def _event_claims(ctx: _Context, figures: list[tuple[int, int]]) -> list[Claim]:
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
        place, country = _claim_place(ctx, span, action["start"])
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


def _participant(ctx: _Context, start: int | None, end: int | None) -> str | None:
    """An action's participant as one key across the corpus: the entity of the actor named in
    it, else its words (lowercase, without a leading determiner)."""
    if start is None or end is None:
        return None
    named = [
        m for m in ctx.near("mention", start, end)
        if m.get("entity_id") and _overlaps((m["start"], m["end"]), (start, end))
    ]  # fmt: skip
    if named:
        return str(named[-1]["entity_id"])
    words = _DETERMINERS.sub("", " ".join(ctx.text[start:end].lower().split())).split()
    while words and (words[0][:1].isdigit() or words[0] in NUMBER_WORDS):
        words = words[1:]  # "two bombs" and "the bombs" are the bombs
    return " ".join(words).strip(".,;:'\"") or None


def _attributed_claims(ctx: _Context, taken: list[Claim]) -> list[Claim]:
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
        place, country = _claim_place(ctx, span, span[0])
        out.append(
            _span_claim(
                ctx,
                ATTRIBUTED,
                span,
                actions_in(text),
                _claim_subject(ctx, span, None),
                place,
                country,
                source=_source_of(ctx, a),
            )
        )
    return out


def _span_claim(
    ctx: _Context,
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
    time_first, time_last, time_source = _claim_time(ctx, span)
    src, src_kind, src_name = source if source is not None else _claim_source(ctx, span)
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
