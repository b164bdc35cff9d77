"""The store's timelines: each story's events and which articles they were built from."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from newsprism.store.base import StoreBase, chunked
from newsprism.store.claims import group_data, group_fields
from newsprism.store.schema import (
    claim_group,
    event_entity,
    published_inference,
    story_member,
    timeline_event,
    timelined,
)
from newsprism.store.span_codec import record_row
from newsprism.store.understanding import update_span

# An event's JSON leaves out what its row's columns hold (id, story, days, verdict), its type,
# and its statement where that is the words of its first evidence span (issue 21, store size):
# read_event puts them back.
EVENT_COLUMNS = ("id", "story_id", "first", "last", "verdict")
EVENT_SELECT = (*(timeline_event.c[name] for name in EVENT_COLUMNS), timeline_event.c.data)


def event_data(event: Mapping[str, Any]) -> str:
    """The JSON an event's row keeps."""
    kept = {k: v for k, v in event.items() if k not in EVENT_COLUMNS and k != "type"}
    first_told = (event.get("evidence") or [{}])[0].get("text")
    if first_told is not None and kept.get("statement") == first_told:
        del kept["statement"]
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def read_event(row: Any) -> dict[str, Any]:
    """An event as stored and built (a row of EVENT_SELECT, as event_data wrote it or as
    written before, whole)."""
    data = json.loads(row.data)
    event = {"type": "event", **{name: getattr(row, name) for name in EVENT_COLUMNS}, **data}
    if "statement" not in data:
        event["statement"] = (data.get("evidence") or [{}])[0].get("text")
    return event


class TimelineRecords(StoreBase):
    """Events per story (the timeline stage), and its revisions of claim verdicts."""

    def pending_timeline(self, version: str) -> set[str]:
        """Stories whose timeline must be built again: those holding an article this version of
        the timeline stage has not seen in that story. Everything another version made is
        dropped first."""
        with self.engine.begin() as conn:
            stale = conn.execute(
                select(func.count()).select_from(timelined).where(timelined.c.version != version)
            ).scalar_one()
            if stale:
                for table in (timeline_event, event_entity, timelined):
                    conn.execute(delete(table))
            query = select(story_member.c.story_id).outerjoin(
                timelined, timelined.c.article_id == story_member.c.article_id
            ).where(
                timelined.c.article_id.is_(None) | (timelined.c.story_id != story_member.c.story_id)
            )
            return set(conn.execute(query).scalars())

    def save_timeline(
        self,
        events: dict[str, list[dict[str, Any]]],
        members: dict[str, list[str]],
        version: str,
        timerefs: Sequence[dict[str, Any]] = (),
        bounds: Sequence[dict[str, Any]] = (),
        revisions: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Stories' events built again (story id → events; `members`: story id → its articles),
        the time expressions they settled (timeref records as read) and the bounds the corpus
        puts on undated articles' publication (article_id, corpus_earliest, corpus_latest,
        corpus_evidence) and the claim groups its stories revise (id, verdict and fields for the
        group's data), in one transaction. Events of stories merged away go too."""
        with self.engine.begin() as conn:
            self._revise_groups(conn, revisions)
            for b in bounds:
                conn.execute(
                    published_inference.update()
                    .where(published_inference.c.article_id == b["article_id"])
                    .values(
                        corpus_earliest=b["corpus_earliest"], corpus_latest=b["corpus_latest"],
                        corpus_evidence=json.dumps(b["corpus_evidence"], ensure_ascii=False),
                    )
                )  # fmt: skip
            for ref in timerefs:
                row = record_row(ref)
                update_span(conn, ref, value=row["value"], data=row["data"])
            for table in (timeline_event, event_entity):
                for chunk in chunked(list(events)):
                    conn.execute(delete(table).where(table.c.story_id.in_(chunk)))
                conn.execute(
                    delete(table).where(table.c.story_id.not_in(select(story_member.c.story_id)))
                )
            rows = [
                {
                    "id": e["id"], "story_id": e["story_id"], "first": e["first"],
                    "last": e["last"], "verdict": e["verdict"],
                    "data": event_data(e),
                }
                for story_events in events.values() for e in story_events
            ]  # fmt: skip
            self._insert_rows(conn, timeline_event, rows, skip_existing=True)
            named = [
                {"event_id": e["id"], "entity_id": x["id"], "story_id": e["story_id"],
                 "first": e["first"]}
                for story_events in events.values() for e in story_events
                for x in [*(e.get("actors") or ()), *(e.get("places") or ())] if x.get("id")
            ]  # fmt: skip
            self._insert_rows(conn, event_entity, named, skip_existing=True)
            done = [
                {"article_id": a, "story_id": s, "version": version}
                for s, ids in members.items() for a in ids
            ]  # fmt: skip
            for chunk in chunked([d["article_id"] for d in done]):
                conn.execute(delete(timelined).where(timelined.c.article_id.in_(chunk)))
            if done:
                conn.execute(insert(timelined), done)

    @staticmethod
    def _revise_groups(conn: Connection, revisions: Sequence[dict[str, Any]]) -> None:
        for r in revisions:
            row = conn.execute(
                select(claim_group.c.data).where(claim_group.c.id == r["id"])
            ).first()
            if row is None:
                continue
            data = {**group_fields(row.data, r["id"]),
                    **{k: v for k, v in r.items() if k != "id"}}  # fmt: skip
            conn.execute(
                claim_group.update()
                .where(claim_group.c.id == r["id"])
                .values(verdict=r["verdict"], data=group_data(data, r["id"]))
            )

    def events(self, story_id: str | None = None) -> list[dict[str, Any]]:
        """Events (of one story, or all), as the timeline stage stored them."""
        query = select(*EVENT_SELECT)
        if story_id is not None:
            query = query.where(timeline_event.c.story_id == story_id)
        with self.engine.connect() as conn:
            return [read_event(r) for r in conn.execute(query)]
