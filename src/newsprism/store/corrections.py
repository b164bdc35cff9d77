"""A user's corrections to what linking decided, stored in one transaction across the record
families they touch: an actor split in two (`newsprism actor split`) re-points span records,
rewrites both entities, updates the claims whose participants moved, replaces the verdicts of
their groups and sends the stories of the articles concerned back to the timeline stage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from newsprism.store.base import StoreBase, chunked
from newsprism.store.claims import WITH_ARTICLE
from newsprism.store.schema import article, claim, claim_group, entity, span_record, timelined
from newsprism.store.span_codec import in_text_order, read_record, span_select
from newsprism.store.understanding import update_span


class CorrectionRecords(StoreBase):
    """What a correction reads besides the usual records, and its one write."""

    def entity_record(self, entity_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(entity).where(entity.c.id == entity_id)).mappings().first()
        return dict(row) if row else None

    def entity_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(entity.c.id)).scalars())

    def spans_of_entity(self, entity_id: str) -> list[dict[str, Any]]:
        """Every span record (mention, label, attribution) linked to the entity, decoded, in
        article and text order."""
        query = in_text_order(span_select(span_record.c.entity_id == entity_id))
        with self.engine.connect() as conn:
            return [read_record(r._mapping) for r in conn.execute(query)]

    def claim_rows_of(self, article_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The stored claim rows of the articles (id, group_id, data as stored)."""
        found = []
        with self.engine.connect() as conn:
            for chunk in chunked(sorted(set(article_ids))):
                query = select(claim.c.id, claim.c.group_id, claim.c.data).select_from(
                    WITH_ARTICLE
                ).where(article.c.id.in_(chunk))
                found += [dict(r._mapping) for r in conn.execute(query)]
        return found

    def save_correction(
        self,
        entities: Sequence[dict[str, Any]],
        span_entities: Sequence[tuple[dict[str, Any], str]],
        claim_data: Mapping[str, str],
        groups: Sequence[dict[str, Any]],
        article_ids: Sequence[str],
    ) -> None:
        """In one transaction: entity rows replaced whole, span records re-pointed (each record
        as read, with its new entity id), claims' JSON replaced (claim id → data), claim groups
        replaced, and the articles' timeline marks dropped (their stories' events are built
        again)."""
        with self.engine.begin() as conn:
            for chunk in chunked([e["id"] for e in entities]):
                conn.execute(delete(entity).where(entity.c.id.in_(chunk)))
            if entities:
                conn.execute(insert(entity), list(entities))
            for record, entity_id in span_entities:
                update_span(conn, record, entity_id=entity_id)
            for claim_id, data in claim_data.items():
                conn.execute(update(claim).where(claim.c.id == claim_id).values(data=data))
            for chunk in chunked([g["id"] for g in groups]):
                conn.execute(delete(claim_group).where(claim_group.c.id.in_(chunk)))
            if groups:
                conn.execute(insert(claim_group), list(groups))
            for chunk in chunked(sorted(set(article_ids))):
                conn.execute(delete(timelined).where(timelined.c.article_id.in_(chunk)))
