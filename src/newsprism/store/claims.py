"""The store's cross-checking records: claims with their vectors, and claim groups with their
verdicts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from newsprism.store import layouts
from newsprism.store.base import StoreBase, chunked
from newsprism.store.derived_text import read_text
from newsprism.store.schema import (
    article,
    claim,
    claim_group,
    crosschecked,
    outlet,
    understood,
)
from newsprism.store.understanding import article_seqs

# A claim's fields the claim table holds in columns of their own: its JSON leaves them out.
CLAIM_COLUMNS = ("id", "article_id", "start", "end", "text", "kind")
# A claim's text: its own, or its article's at its offsets where the row leaves it to the article
# (derived_text.py); and its article's id, the row naming its article by seq. Both are read with
# the claim joined to its article (WITH_ARTICLE).
CLAIM_TEXT = read_text(claim.c.text, claim.c.start, claim.c.end, article.c.text).label("text")
CLAIM_ARTICLE = article.c.id.label("article_id")
WITH_ARTICLE = claim.join(article, article.c.seq == claim.c.article_seq)
_CLAIM_READ = [CLAIM_TEXT if name == "text" else CLAIM_ARTICLE if name == "article_id"
               else claim.c[name] for name in CLAIM_COLUMNS]  # fmt: skip

# What a claim group says (its statement), as exported: the fields the store leaves out of a
# group's JSON when they are empty, and puts back on reading.
STATEMENT_FIELDS = (
    "subject", "predicate", "counts", "value", "low", "high", "qualifier", "unit",
    "time_first", "time_last", "place", "country", "text",
)  # fmt: skip


# A group's evidence entry as exported, in order. The store keeps only what the claim does not
# say (EVIDENCE_KEPT): the rest is the claim's (its columns and JSON) and its article's (outlet,
# day), put back on reading. The entries were two thirds of a group's JSON, and most groups hold
# one claim (issue 21, store size).
EVIDENCE_FIELDS = (
    "claim_id", "article_id", "outlet", "published", "start", "end", "text", "value_text",
    "source", "source_kind", "source_name", "stance",
)  # fmt: skip
EVIDENCE_KEPT = ("claim_id", "stance")
# A group's lists of evidence entries: what it rests on (for and against), and the statements
# of a corroborated group that are only on its subject (`related`, counted for nothing).
EVIDENCE_LISTS = ("evidence", "related")


def stored_evidence(entry: dict[str, Any]) -> dict[str, Any]:
    """An evidence entry as a group's JSON keeps it."""
    return {k: entry[k] for k in EVIDENCE_KEPT}


def statement_of(fields: dict[str, Any], text: str) -> dict[str, Any]:
    """What a group says, as its lead claim says it (the claim's stored JSON and its text): a
    group's JSON leaves its statement out when it is this."""
    out = {k: fields.get(k) for k in STATEMENT_FIELDS if k != "text"}
    out["text"] = fields.get("value_text") or text
    return {k: v for k, v in out.items() if v is not None}


def told_articles(article_ids: Iterable[str | None]) -> list[str]:
    """The articles a group's evidence comes from, in its order: what a group's JSON leaves out
    as its `articles` when they are all of them."""
    return [a for a in dict.fromkeys(article_ids) if a is not None]


# A group's reason cites its sources by number where it names them as `sources` does ("told by
# 2 independent sources (X, Y)"): spelled out twice, the names were a tenth of a group's JSON.
_CITE, _CITED = "⟦", "⟧"
CITED_REASON = "reason_cited"  # the key it is kept under then, so that no reason is misread
_CITATION = re.compile(f"{_CITE}(\\d+){_CITED}")
# Cited reasons that name nothing but their sources, which most groups (one claim told by one
# article) give word for word: kept as their position here (append only).
CITED_REASONS = (
    f"told only by {_CITE}0{_CITED} in its own voice, with no source named",
    f"told only by {_CITE}0{_CITED}, citing no identifiable source",
)
# The confidence of a verdict that structure alone decides, left out of the JSON.
SURE = 1.0
# The evidence of a group that is the one claim that founded it (the group's id is "g" and the
# claim's), in the stance its claim's source gives: most groups.
FOUNDER = 0


def said_stance(fields: Mapping[str, Any]) -> str:
    """The stance a claim's own words give its evidence entry in a group that it supports: it
    reports someone's words, or asserts in the outlet's voice."""
    return "reports-as-said-by" if fields.get("source") else "asserts"


def group_data(fields: Mapping[str, Any], group_id: str | None = None) -> str:
    """A claim group's JSON as stored: each evidence entry that is its claim and stance as a
    [claim id, stance] pair, or its claim id alone where the stance is the one its claim's
    source gives (an entry without a stance), the evidence of a group that is its founding claim
    as FOUNDER, and the reason citing its sources by number (by its position in CITED_REASONS
    where it is one of them)."""
    out = dict(fields)
    if out.get("confidence") == SURE:
        del out["confidence"]
    for key in EVIDENCE_LISTS:
        if out.get(key):
            out[key] = [_kept_entry(e) for e in out[key]]
    if group_id and out.get("evidence") == [group_id[1:]]:
        out["evidence"] = FOUNDER
    reason, sources = out.get("reason"), out.get("sources")
    if isinstance(reason, str) and sources:
        cited = reason
        for i, name in sorted(enumerate(sources), key=lambda kv: -len(kv[1] or "")):
            if name:
                cited = cited.replace(name, f"{_CITE}{i}{_CITED}")
        if cited != reason and _cite_back(cited, sources) == reason:
            known = cited in CITED_REASONS
            out = {(CITED_REASON if k == "reason" else k):
                   ((CITED_REASONS.index(cited) if known else cited) if k == "reason" else v)
                   for k, v in out.items()}  # fmt: skip
    return json.dumps(out, ensure_ascii=False, default=str, separators=(",", ":"))


def _kept_entry(entry: Any) -> Any:
    if not isinstance(entry, dict) or not set(entry) <= set(EVIDENCE_KEPT):
        return entry  # a store written before kept every field
    if "stance" not in entry:
        return entry["claim_id"]
    return [entry["claim_id"], entry["stance"]]


def group_fields(data: str | None, group_id: str | None = None) -> dict[str, Any]:
    """A claim group's stored JSON read back (as group_data wrote it, or as written before).
    An evidence entry without a stance takes its claim's (said_stance) where the group is
    completed (complete_groups)."""
    out = json.loads(data or "{}")
    out.setdefault("confidence", SURE)
    if out.get("evidence") == FOUNDER and group_id:
        out["evidence"] = [group_id[1:]]
    for key in EVIDENCE_LISTS:
        if out.get(key):
            out[key] = [_read_entry(e) for e in out[key]]
    if CITED_REASON in out:
        sources = out.get("sources") or []
        out = {("reason" if k == CITED_REASON else k): (_cite_back(_cited(v), sources)
               if k == CITED_REASON else v) for k, v in out.items()}  # fmt: skip
    return out


def _read_entry(entry: Any) -> Any:
    if isinstance(entry, str):
        return {"claim_id": entry}
    if isinstance(entry, list):
        return {"claim_id": entry[0], "stance": entry[1]}
    return entry


def _cited(reason: str | int) -> str:
    if isinstance(reason, int):
        return CITED_REASONS[reason] if 0 <= reason < len(CITED_REASONS) else ""
    return reason


def _cite_back(reason: str, sources: Sequence[str]) -> str:
    return _CITATION.sub(lambda m: sources[int(m[1])] if int(m[1]) < len(sources) else "", reason)


def complete_groups(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim group rows with their JSON read: each statement with every field (from the lead
    claim, the first of the evidence, when the JSON leaves it out), and each entry of its
    evidence and of its related statements whole, from its claim and the claim's article (see
    EVIDENCE_FIELDS)."""
    for r in rows:
        r.update(group_fields(r.pop("data"), r.get("id")))
    wanted = {e["claim_id"] for r in rows for key in EVIDENCE_LISTS for e in r.get(key) or ()
              if "text" not in e}  # fmt: skip
    wanted |= {r["evidence"][0]["claim_id"] for r in rows
               if "statement" not in r and r.get("evidence")}  # fmt: skip
    claims: dict[str, dict[str, Any]] = {}
    columns = (
        claim.c.id, CLAIM_ARTICLE, claim.c.start, claim.c.end, CLAIM_TEXT, claim.c.data,
        article.c.published, outlet.c.name.label("outlet"),
    )  # fmt: skip
    joined = WITH_ARTICLE.outerjoin(outlet, article.c.outlet_id == outlet.c.id)
    for chunk in chunked(list(wanted)):
        query = select(*columns).select_from(joined).where(claim.c.id.in_(chunk))
        for c in conn.execute(query):
            claims[c.id] = {**dict(c._mapping), "fields": layouts.unpack("claim", c.data)}
    for r in rows:
        evidence = r.get("evidence") or ()
        lead = claims.get(evidence[0]["claim_id"]) if evidence else None
        if "statement" not in r:
            r["statement"] = statement_of(lead["fields"], lead["text"]) if lead else {}
        r["statement"] = {k: r["statement"].get(k) for k in STATEMENT_FIELDS}
        for key in EVIDENCE_LISTS:
            r[key] = [e if "text" in e else _whole(e, claims.get(e["claim_id"]))
                      for e in r.get(key) or ()]  # fmt: skip
        if "articles" not in r:
            told = (*r["evidence"], *r["related"])
            r["articles"] = told_articles(e.get("article_id") for e in told)
    return rows


def _whole(evidence: dict[str, Any], found: dict[str, Any] | None) -> dict[str, Any]:
    """An evidence entry with what its claim and article say, in the export's order. A store
    written before kept every field but the text: those are kept as they were. A claim no
    longer stored leaves the fields it would give empty, never missing."""
    if found is None:
        return {k: evidence.get(k) for k in EVIDENCE_FIELDS}
    fields = found["fields"]
    day = str(found["published"])[:10] if found["published"] else None
    derived = {**fields, **found, "published": day, "claim_id": found["id"],
               "stance": said_stance(fields)}  # fmt: skip
    return {k: evidence[k] if k in evidence else derived.get(k) for k in EVIDENCE_FIELDS}


class ClaimRecords(StoreBase):
    """Claims and claim groups (read and written by the cross-checking stage)."""

    def pending_crosscheck(self, version: str) -> list[str]:
        """Understood articles whose claims this version of cross-checking has not grouped, in
        arrival order. Claims grouped by another version are dropped first: groups are only
        comparable when one version made them all."""
        return self._pending(crosschecked, version, understood, (claim, claim_group))

    def stored_claims(self) -> Iterator[tuple[dict[str, Any], str, bytes | None]]:
        """(claim fields, group id, embedding) in the order the claims were grouped. The JSON
        leaves out what the columns hold and fields at their default, and holds the rest by
        position (layouts.py)."""
        query = select(claim.c.data, claim.c.group_id, claim.c.vector, *_CLAIM_READ)
        with self.engine.connect() as conn:
            for row in conn.execute(query.select_from(WITH_ARTICLE).order_by(claim.c.seq)):
                yield _claim_fields(row), row.group_id, row.vector

    def claims_by_article(
        self, article_ids: Iterable[str], kind: str | None = None
    ) -> dict[str, list[tuple[dict[str, Any], str | None]]]:
        """Each given article's claims (of `kind` if given) with their group ids, in the order
        stored_claims gives them, without their vectors: what a stage reading a chunk of
        articles at a time needs, in a query a chunk."""
        found: dict[str, list[tuple[dict[str, Any], str | None]]] = {a: [] for a in article_ids}
        for row in self._claim_rows(article.c.id, found, kind):
            found[row.article_id].append((_claim_fields(row), row.group_id))
        return found

    def claims_of_groups(self, group_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Each given group's claims (fields as stored_claims gives them) in the order they
        joined it: what a run's claim index reads back of the groups a new claim may join."""
        found: dict[str, list[dict[str, Any]]] = {g: [] for g in group_ids}
        for row in self._claim_rows(claim.c.group_id, found):
            found[row.group_id].append(_claim_fields(row))
        return found

    def _claim_rows(
        self, column: Any, values: Iterable[str], kind: str | None = None
    ) -> Iterator[Any]:
        """The rows of the claims (of `kind` if given) whose `column` holds one of `values`,
        with their group and article ids, in the order stored_claims gives them within each
        chunk of values: a query a chunk."""
        query = select(claim.c.data, claim.c.group_id, *_CLAIM_READ).select_from(WITH_ARTICLE)
        if kind is not None:
            query = query.where(claim.c.kind == kind)
        with self.engine.connect() as conn:
            for chunk in chunked(sorted(values)):
                yield from conn.execute(query.where(column.in_(chunk)).order_by(claim.c.seq))

    def save_crosscheck(
        self,
        article_ids: Sequence[str],
        claims: Sequence[dict[str, Any]],
        groups: Sequence[dict[str, Any]],
        version: str,
    ) -> None:
        """One batch of articles' claims (rows naming their article by id) and the groups they
        changed, in one transaction."""
        with self.engine.begin() as conn:
            if claims:
                seqs = article_seqs(conn, [c["article_id"] for c in claims])
                rows = [{**{k: v for k, v in c.items() if k != "article_id"},
                         "article_seq": seqs[c["article_id"]]} for c in claims]  # fmt: skip
                self._insert_rows(conn, claim, rows, skip_existing=True)
            for chunk in chunked([g["id"] for g in groups]):
                conn.execute(delete(claim_group).where(claim_group.c.id.in_(chunk)))
            self._insert_rows(conn, claim_group, list(groups))
            if article_ids:
                conn.execute(
                    self._insert_ignore(crosschecked),
                    [{"article_id": a, "version": version} for a in dict.fromkeys(article_ids)],
                )

    def claim_groups(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(claim_group))]
            return complete_groups(conn, rows)

    def related_claim_ids(self) -> set[str]:
        """The claims that stand as a group's related statements (said on its subject, not
        its proposition), read group by group: the groups are not held."""
        query = select(claim_group.c.id, claim_group.c.data).where(
            claim_group.c.data.contains('"related"'))  # only such groups can hold any
        found: set[str] = set()
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                found.update(e["claim_id"] for e in group_fields(r.data, r.id).get("related")
                             or ())  # fmt: skip
        return found

    def group_verdicts(self, group_ids: Iterable[str]) -> dict[str, str]:
        """The verdicts of the given claim groups, by group id."""
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for ids in chunked(sorted(set(group_ids))):
                query = select(claim_group.c.id, claim_group.c.verdict).where(
                    claim_group.c.id.in_(ids))
                found.update((r.id, r.verdict) for r in conn.execute(query))
        return found


def _claim_fields(row: Any) -> dict[str, Any]:
    """A claim's fields from its row: its JSON's, and those its columns hold."""
    return {**layouts.unpack("claim", row.data), **{n: getattr(row, n) for n in CLAIM_COLUMNS}}
