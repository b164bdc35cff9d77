"""A user's corrections to what linking decided, carried through the stages they change.

`split_actor` undoes a wrong identity: names that linking joined to one actor ("Donald Trump
Jr." taken for Donald J. Trump) become an actor of their own. Their mentions, the labels and
quotes attributed through them, and the claims whose actor, other participant or source they
were, move to the new actor; the verdicts of those claims' groups are judged again (who is an
independent source may have changed), and the timelines of the stories they are told in are
built again. The two actors are kept apart from then on: no later evidence merges them.

What a split does not redo: the claims keep their groups (grouping leaned on the old identity
only where the same actor did the same act, and a regrouping would mean cross-checking the
corpus again), and stories keep their articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newsprism.crosscheck import extract_claims, verdict
from newsprism.link.entity_table import ID_PREFIX, Entity, id_age
from newsprism.link.span_rows import actor_entity_rows, entity_from_row
from newsprism.stages.crosscheck import CLAIM_LAYOUT, group_row, load_index
from newsprism.stages.timeline import run_timeline
from newsprism.store import Store, layouts

SPLIT_BY_USER = "split by a user"
# The fields of a claim that hold an actor's id.
PARTICIPANTS = ("subject", "object", "source")


class CorrectionError(ValueError):
    """A correction that cannot be made as asked; the message says why and what to do."""


@dataclass
class SplitSummary:
    actor: str  # the actor split
    name: str  # its name after the split
    new_actor: str
    new_name: str
    names: list[str]  # the names that moved
    records: Counter[str] = field(default_factory=Counter)  # span records moved, by type
    articles: int = 0
    claims: int = 0  # claims whose participant moved
    groups: int = 0  # claim groups judged again
    stories: int = 0  # stories whose timeline was built again


def split_actor(
    store: Store,
    actor_id: str,
    names: Sequence[str],
    articles: Sequence[str] = (),
    progress: bool = False,
) -> SplitSummary:
    """Split `names` (some of the actor's names, as its page and export list them; case does
    not matter) off `actor_id` into an actor of their own, and carry the split through. With
    `articles` (article ids), only the mentions in those articles move: "Brenner" the coach in
    a sports report, while "Brenner" stays the minister everywhere else."""
    old = _actor(store, actor_id)
    wanted = _names_to_split(old, names)
    spans = store.spans_of_entity(actor_id)
    if articles:
        told = {s["article_id"] for s in spans}
        if unknown := [a for a in articles if a not in told]:
            raise CorrectionError(
                f"{actor_id} ({old.name}) is not mentioned in article {', '.join(unknown)}: give "
                "the ids of articles that mention it (its page in `newsprism serve` lists them)"
            )
    moved = _moved_spans(spans, wanted, set(articles))
    if not moved:
        raise CorrectionError(
            f"no mention of {actor_id} ({old.name}) is written as {', '.join(map(repr, wanted))}"
            f"{' in these articles' if articles else ''}: nothing to split"
        )
    moved_ids = {s["id"] for s in moved}
    if not any(s["type"] == "mention" and s["id"] not in moved_ids for s in spans):
        raise CorrectionError(
            f"every mention of {actor_id} ({old.name}) would move: nothing would be left of it. "
            "Name only what is another actor, or restrict the split to some articles."
        )
    new = _split_entity(store, old, wanted, moved, spans)
    span_entities = {s["id"]: new.id for s in moved}
    articles = sorted({s["article_id"] for s in moved})
    claim_data, changes = _claims_moved(store, articles, actor_id, new.id, span_entities)
    groups = _judged_again(store, changes)
    store.save_correction(actor_entity_rows([old, new]), [(s, new.id) for s in moved],
                          claim_data, groups, articles)  # fmt: skip
    timeline = run_timeline(store, progress=progress)
    return SplitSummary(
        actor=old.id, name=old.name, new_actor=new.id, new_name=new.name, names=wanted,
        records=Counter(s["type"] for s in moved), articles=len(articles),
        claims=len(claim_data), groups=len(groups), stories=timeline.stories,
    )  # fmt: skip


def _actor(store: Store, actor_id: str) -> Entity:
    row = store.entity_record(actor_id)
    if row is None or row["entity_type"] == "place":
        raise CorrectionError(
            f"no actor {actor_id!r} in this store: actor ids look like {ID_PREFIX}000014 (the "
            "actor's page in `newsprism serve`, or `newsprism export --type entity`)"
        )
    return entity_from_row(row)


def _names_to_split(actor: Entity, names: Sequence[str]) -> list[str]:
    by_fold = {a.casefold(): a for a in actor.aliases}
    wanted = list(dict.fromkeys(by_fold[n.strip().casefold()] for n in names
                                if n.strip().casefold() in by_fold))  # fmt: skip
    unknown = [n for n in names if n.strip().casefold() not in by_fold]
    if unknown or not wanted:
        raise CorrectionError(
            f"{actor.id} ({actor.name}) has no name {', '.join(map(repr, unknown or names))}; "
            f"its names are {', '.join(map(repr, sorted(actor.aliases)))}"
        )
    return wanted


def _moved_spans(spans: list[dict[str, Any]], wanted: list[str], articles: set[str]
                 ) -> list[dict[str, Any]]:
    """The actor's mentions written with one of the names (in `articles`, when given), and the
    labels and attributions that rest on those mentions."""
    names = set(wanted)
    spans = [s for s in spans if not articles or s["article_id"] in articles]
    mentions = [s for s in spans
                if s["type"] == "mention" and (s.get("name") or s["text"]).strip() in names]
    at = {(s["article_id"], s["start"], s["end"]) for s in mentions}
    by_article: dict[str, list[tuple[int, int]]] = {}
    for s in mentions:
        by_article.setdefault(s["article_id"], []).append((s["start"], s["end"]))
    moved = list(mentions)
    for s in spans:
        if s["type"] == "label":
            if s.get("field") == "title":
                # a headline's label rests on a title mention, which is not stored: it moves
                # when the label itself names the actor by one of the names
                if any(n in (s.get("label") or s["text"]) for n in names):
                    moved.append(s)
            elif (s["article_id"], s.get("actor_start"), s.get("actor_end")) in at:
                moved.append(s)
        elif s["type"] == "attribution":
            lo, hi = s.get("speaker_start"), s.get("speaker_end")
            if lo is not None and hi is not None and any(
                start < hi and lo < end for start, end in by_article.get(s["article_id"], ())
            ):
                moved.append(s)
    return moved


def _split_entity(store: Store, old: Entity, wanted: list[str], moved: list[dict[str, Any]],
                  spans: list[dict[str, Any]]) -> Entity:
    """The new actor, and `old` rewritten in place: each keeps its own names, roles and
    evidence, and each is kept apart from the other."""
    mentions = [s for s in moved if s["type"] == "mention"]
    moved_ids = {s["id"] for s in moved}
    staying = [s for s in spans if s["type"] == "mention" and s["id"] not in moved_ids]
    known = store.entity_ids()
    # undoing a merge gives the actor back the id it had before it
    undone = next((e["id"] for e in old.evidence if e.get("merged") in wanted
                   and e.get("id") and e["id"] not in known), None)  # fmt: skip
    new_id = undone or f"{ID_PREFIX}{1 + max((id_age(i)[0] for i in known), default=0):06d}"
    kinds = Counter(s.get("entity_type") or old.type for s in mentions)
    counts = Counter((s.get("name") or s["text"]).strip() for s in staying)
    gone = [n for n in wanted if not counts[n]]  # names the old actor no longer goes by
    new = Entity(
        id=new_id,
        name=max(wanted, key=lambda n: (len(n.split()), len(n))),
        type=kinds.most_common(1)[0][0],
        aliases=sorted(wanted),
        roles=sorted({s["role"] for s in mentions if s.get("role")}),
        evidence=[{"kind": SPLIT_BY_USER, "from": old.id, "names": ", ".join(wanted)}]
        + [e for e in old.evidence if e.get("name") in gone or e.get("merged") in gone],
        apart=[old.id],
    )
    old.aliases = [a for a in old.aliases if a not in gone]
    if old.name in gone:
        old.name = max(old.aliases, key=lambda a: (counts[a], len(a)))
    old.roles = sorted({s["role"] for s in staying if s.get("role")})
    old.evidence = [e for e in old.evidence
                    if e.get("name") not in gone and e.get("merged") not in gone]
    old.evidence.append({"kind": SPLIT_BY_USER, "split": ", ".join(wanted), "id": new.id})
    old.apart = sorted({*old.apart, new.id})
    return new


def _claims_moved(
    store: Store, articles: list[str], actor_id: str, new_id: str, span_entities: dict[str, str]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The claims of the articles whose actor, other participant or source was one of the
    moved mentions, read again from their records as they are after the split: their stored
    JSON, and claim id → {field: new actor}. Only a field that named the split actor and now
    names the new one changes (nothing else a new reading might find)."""
    meta = store.article_meta()
    stored = {r["id"]: r for r in store.claim_rows_of(articles)}
    data: dict[str, str] = {}
    changed: dict[str, dict[str, str]] = {}
    for row in store.understanding_inputs(articles):
        records = [{**r, "entity_id": span_entities.get(r["id"], r.get("entity_id"))}
                   for r in store.span_records(article_id=row["id"])]  # fmt: skip
        for c in extract_claims({**meta.get(row["id"], {}), **row}, records):
            if c.id not in stored:
                continue
            fields = layouts.unpack("claim", stored[c.id]["data"])
            changes = {f: new_id for f in PARTICIPANTS
                       if fields.get(f) == actor_id and getattr(c, f) == new_id}
            if not changes:
                continue
            data[c.id] = layouts.pack("claim", CLAIM_LAYOUT, {**fields, **changes})
            changed[c.id] = changes
    return data, changed


def _judged_again(store: Store, changes: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The rows of the groups holding the changed claims, judged with the changes."""
    if not changes:
        return []
    index = load_index(store)
    rows = []
    articles = store.article_meta()
    for group_id in sorted({index.group_of_claim(c) for c in changes}):
        group = index.group(group_id)
        group.claims = [replace(c, **changes[c.id]) if c.id in changes else c
                        for c in group.claims]  # fmt: skip
        rows.append(group_row(group, verdict(group, articles, index.similarity)))
    return rows
