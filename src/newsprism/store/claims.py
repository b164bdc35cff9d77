"""The store's cross-checking records: claims with their vectors, and claim groups with their
verdicts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from newsprism.store.base import StoreBase, chunked
from newsprism.store.schema import (
    claim,
    claim_group,
    crosschecked,
    understood,
)

# A claim's fields the claim table holds in columns of their own: its JSON leaves them out.
CLAIM_COLUMNS = ("id", "article_id", "start", "end", "text", "kind")

# What a claim group says (its statement), as exported: the fields the store leaves out of a
# group's JSON when they are empty, and puts back on reading.
STATEMENT_FIELDS = (
    "subject", "predicate", "counts", "value", "low", "high", "qualifier", "unit",
    "time_first", "time_last", "place", "country", "text",
)  # fmt: skip


def complete_groups(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim group rows with their JSON read: each statement with every field, and each
    evidence span with its text, which the store keeps once, in the claim table (a group's
    JSON held every sentence of its evidence again: a fifth of the store)."""
    for r in rows:
        r.update(json.loads(r.pop("data")))
        statement = r.get("statement") or {}
        r["statement"] = {k: statement.get(k) for k in STATEMENT_FIELDS}
    missing = list({e["claim_id"] for r in rows for e in r.get("evidence") or ()
                    if "text" not in e})  # fmt: skip
    texts: dict[str, str] = {}
    for chunk in chunked(missing):
        query = select(claim.c.id, claim.c.text).where(claim.c.id.in_(chunk))
        texts.update({i: t for i, t in conn.execute(query)})
    for r in rows:
        r["evidence"] = [
            e if "text" in e else _with_text(e, texts.get(e["claim_id"]))
            for e in r.get("evidence") or ()
        ]
    return rows


def _with_text(evidence: dict[str, Any], text: str | None) -> dict[str, Any]:
    """The span's text where the export contract has it: right after its offsets."""
    out: dict[str, Any] = {}
    for key, value in evidence.items():
        out[key] = value
        if key == "end":
            out["text"] = text
    out.setdefault("text", text)
    return out


class ClaimRecords(StoreBase):
    """Claims and claim groups (read and written by the cross-checking stage)."""

    def pending_crosscheck(self, version: str) -> list[str]:
        """Understood articles whose claims this version of cross-checking has not grouped, in
        arrival order. Claims grouped by another version are dropped first: groups are only
        comparable when one version made them all."""
        return self._pending(crosschecked, version, understood, (claim, claim_group))

    def stored_claims(self) -> Iterator[tuple[dict[str, Any], str, bytes | None]]:
        """(claim fields, group id, embedding) in the order the claims were grouped. The JSON
        leaves out what the columns hold and fields at their default."""
        columns = [claim.c[name] for name in CLAIM_COLUMNS]
        query = select(claim.c.data, claim.c.group_id, claim.c.vector, *columns)
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(claim.c.seq)):
                fields = {c.name: getattr(row, c.name) for c in columns}
                yield {**json.loads(row.data), **fields}, row.group_id, row.vector

    def save_crosscheck(
        self,
        article_ids: Sequence[str],
        claims: Sequence[dict[str, Any]],
        groups: Sequence[dict[str, Any]],
        version: str,
    ) -> None:
        """One batch of articles' claims and the groups they changed, in one transaction."""
        with self.engine.begin() as conn:
            if claims:
                conn.execute(self._insert_ignore(claim), list(claims))
            for chunk in chunked([g["id"] for g in groups]):
                conn.execute(delete(claim_group).where(claim_group.c.id.in_(chunk)))
            if groups:
                conn.execute(insert(claim_group), list(groups))
            if article_ids:
                conn.execute(
                    self._insert_ignore(crosschecked),
                    [{"article_id": a, "version": version} for a in dict.fromkeys(article_ids)],
                )

    def claim_groups(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(claim_group))]
            return complete_groups(conn, rows)
