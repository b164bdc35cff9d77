"""The store's stories: where each article was placed, the live stories and the ids merged
into them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, select

from newsprism.store.base import StoreBase, chunked
from newsprism.store.claims import CLAIM_ARTICLE, WITH_ARTICLE
from newsprism.store.schema import (
    article,
    claim,
    crosschecked,
    story,
    story_alias,
    story_member,
)

MEMBERS_AT_ONCE = 500  # story members read before their claim groups are looked up


class StoryRecords(StoreBase):
    """Story members, stories and merged ids (the stories stage)."""

    def pending_stories(self, version: str) -> list[str]:
        """Cross-checked articles this version of the stories stage has not placed, in arrival
        order. Stories placed by another version (or sentence model) are dropped first: their
        scores and vectors do not compare with this one's."""
        return self._pending(story_member, version, crosschecked, (story, story_alias))

    def stored_story_members(self) -> Iterator[tuple[dict[str, Any], str, bytes | None]]:
        """(article features, story id, lead vector) in the order the articles were placed. The
        features' JSON leaves the id to the row's article_id, and the article's claim groups to
        the claim table (ArticleFeatures.stored): they are put back here, a chunk of members at
        a time. A row written before that keeps its claim groups reads them as kept."""
        query = select(story_member.c.article_id, story_member.c.data, story_member.c.story_id,
                       story_member.c.vector)  # fmt: skip
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(story_member.c.seq))
            while chunk := rows.fetchmany(MEMBERS_AT_ONCE):
                members = [({"id": r.article_id, **json.loads(r.data)}, r.story_id, r.vector)
                           for r in chunk]  # fmt: skip
                lacking = [m["id"] for m, _, _ in members if "claims" not in m]
                groups = self.article_claim_groups(lacking) if lacking else {}
                for features, story_id, vector in members:
                    features.setdefault("claims", groups.get(features["id"], []))
                    yield features, story_id, vector

    def story_aliases(self) -> dict[str, str]:
        """Merged story id → the story that absorbed it."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(story_alias.c.alias, story_alias.c.story_id))
            return {r.alias: r.story_id for r in rows}

    def article_claim_groups(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """The claim groups each of the given articles has a claim in."""
        found: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for chunk in chunked(list(ids)):
                query = select(CLAIM_ARTICLE, claim.c.group_id).select_from(
                    WITH_ARTICLE
                ).where(article.c.id.in_(chunk))
                for r in conn.execute(query):
                    found.setdefault(r.article_id, set()).add(r.group_id)
        return {k: sorted(v) for k, v in found.items()}

    def save_stories(
        self,
        members: Sequence[dict[str, Any]],
        stories: Sequence[dict[str, Any]],
        merges: dict[str, str],
    ) -> None:
        """One batch of placed articles, the stories they changed and the merges they caused
        (retired id → survivor), in one transaction."""
        with self.engine.begin() as conn:
            for retired, survivor in merges.items():
                conn.execute(
                    story_member.update()
                    .where(story_member.c.story_id == retired)
                    .values(story_id=survivor)
                )
                conn.execute(
                    story_alias.update()
                    .where(story_alias.c.story_id == retired)
                    .values(story_id=survivor)
                )
            if merges:
                conn.execute(
                    self._insert_ignore(story_alias),
                    [{"alias": a, "story_id": s} for a, s in merges.items()],
                )
            self._insert_rows(conn, story_member, list(members), skip_existing=True)
            gone = list(merges) + [s["id"] for s in stories]
            for chunk in chunked(gone):
                conn.execute(delete(story).where(story.c.id.in_(chunk)))
            self._insert_rows(conn, story, list(stories))

    def stories(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Live stories (those of `ids`, when given), oldest first day first, their JSON fields
        read, with their articles (in the order they were placed) and claim groups (sorted)
        read from where those are kept: story_member and claim."""
        query = select(story)
        if ids is not None:
            query = query.where(story.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        contents = self._story_contents([r["id"] for r in rows] if ids is not None else None)
        for r in rows:
            r.update(json.loads(r.pop("data")))
            r["article_ids"], r["claim_groups"] = contents.get(r["id"], ([], []))
        return sorted(rows, key=lambda r: (r["first"] or "9999", r["id"]))

    def story_articles(self, story_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Story id → its articles in the order they were placed (every live story by default,
        else those of `story_ids`, a query a chunk of them)."""
        query = select(story_member.c.story_id, story_member.c.article_id).order_by(
            story_member.c.seq)
        found: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for chunk in [None] if story_ids is None else chunked(list(story_ids)):
                where = [] if chunk is None else [story_member.c.story_id.in_(chunk)]
                for story_id, article_id in conn.execute(query.where(*where)):
                    found.setdefault(story_id, []).append(article_id)
        return found

    def _story_contents(self, ids: list[str] | None) -> dict[str, tuple[list[str], list[str]]]:
        """Each story's article ids in placement order and its articles' claim groups, sorted:
        every story's, or those of `ids`. A story row does not keep them: it is written again
        each time a batch places an article in its story, and a story of thousands of articles
        would be written whole each time."""
        groups = select(story_member.c.story_id, claim.c.group_id).distinct().select_from(
            story_member.join(article, article.c.id == story_member.c.article_id)
            .join(claim, claim.c.article_seq == article.c.seq))  # fmt: skip
        claim_groups: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for chunk in [None] if ids is None else chunked(ids):
                where = [] if chunk is None else [story_member.c.story_id.in_(chunk)]
                for story_id, group_id in conn.execute(groups.where(*where)):
                    claim_groups.setdefault(story_id, set()).add(group_id)
        return {s: (found, sorted(claim_groups.get(s, ())))
                for s, found in self.story_articles(ids).items()}  # fmt: skip
