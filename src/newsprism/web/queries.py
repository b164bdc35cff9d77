"""What each page of the web app reads from the store: one bounded set of queries per page,
by primary key or index, never the whole corpus. Records come out as the exports write them
(the fields of show/export_records.py), so the JSON of a page is the export's records."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import text as sql

from newsprism.show.export_records import (
    ARTICLE_FIELDS,
    CLAIM_FIELDS,
    ENTITY_FIELDS,
    STORY_FIELDS,
)
from newsprism.show.framing import naming_matrix
from newsprism.store import Store
from newsprism.store.base import chunked
from newsprism.store.claims import complete_groups
from newsprism.store.schema import (
    LABEL_CONDITION,
    LABEL_INDEX,
    article,
    claim,
    claim_group,
    entity,
    event_entity,
    outlet,
    published_inference,
    sighting,
    span_record,
    story,
    story_alias,
    story_member,
    timeline_event,
)
from newsprism.store.span_codec import read_record, span_select
from newsprism.store.timeline import EVENT_SELECT, read_event
from newsprism.timeline.events import EVENT_FIELDS, order_key

MAX_ITEMS = 200  # events, claims, articles listed on one page; the rest are counted
MAX_SCAN = 2000  # articles an actor's or place's timeline, or an outlet's profile, is built from
STORY_ACTORS = 8  # actors whose naming by each of a story's outlets is shown
CHART_ARTICLES = 5000  # the home page's articles-per-day chart reads the latest this many stored

def _of_type(*kinds: str) -> Any:
    """span_record.type is one of `kinds`, in a form no index on type can serve. Without
    statistics SQLite preferred the index on type that stores had before (every span of that
    type in the corpus: 1.5 s for an outlet's profile at 100,000 articles) to the article or
    entity index that bounds the query. Stores drop that index when opened
    (schema.RETIRED_INDEXES); the form keeps any such plan away."""
    return func.coalesce(span_record.c.type, "").in_(kinds)


class Reader:
    """Read-only queries on a store for the web app's pages."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _conn(self) -> Any:
        return self.store.engine.connect()

    # -- the corpus ----------------------------------------------------------------------------

    def overview(self) -> dict[str, Any]:
        with self._conn() as conn:
            counts = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (("articles", article), ("outlets", outlet),
                                    ("stories", story), ("events", timeline_event))
            }  # fmt: skip
            # the claims are the sum of the verdicts: one pass over the verdict index, not two
            # (1.7 M groups at 100k articles: 55 ms a pass on PostgreSQL)
            verdicts = dict(
                conn.execute(
                    select(claim_group.c.verdict, func.count()).group_by(claim_group.c.verdict)
                ).all()
            )
            counts["claims"] = sum(verdicts.values())
            # the days only: a timestamp's hours say nothing about a corpus's span
            first = (conn.execute(select(func.min(article.c.published))).scalar() or "")[:10]
            last = (conn.execute(select(func.max(article.c.published))).scalar() or "")[:10]
            languages = conn.execute(
                select(article.c.language, func.count())
                .group_by(article.c.language)
                .order_by(func.count().desc())
                .limit(12)
            ).all() if counts["articles"] <= 20_000 else []  # fmt: skip
        return {
            **counts, "verdicts": verdicts, "first": first, "last": last,
            "languages": [(lang or "und", n) for lang, n in languages],
        }  # fmt: skip

    def stories_page(self, order: str, limit: int, offset: int) -> list[dict[str, Any]]:
        """Stories without their JSON (id, title, first, last, size), largest or latest first."""
        key = (story.c.size.desc(), story.c.id) if order == "largest" else (
            func.coalesce(story.c.last, story.c.first).desc(), story.c.size.desc(), story.c.id)
        query = (
            select(story.c.id, story.c.title, story.c.first, story.c.last, story.c.size)
            .order_by(*key).limit(limit).offset(offset)
        )  # fmt: skip
        with self._conn() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def latest_articles(self, limit: int = 10) -> list[dict[str, Any]]:
        rows, _ = self.store.search_articles(None, limit=limit, count_cap=0)
        return rows

    def outlet_list(self) -> list[dict[str, Any]]:
        query = (
            # counting outlet_id, not seq, lets PostgreSQL read the outlet index alone (117 ->
            # 39 ms at 100k articles): the count is the same, as a joined article has an outlet
            select(outlet.c.id, outlet.c.name, func.count(article.c.outlet_id).label("articles"))
            .select_from(outlet.outerjoin(article, article.c.outlet_id == outlet.c.id))
            .group_by(outlet.c.id, outlet.c.name)
            .order_by(func.count(article.c.outlet_id).desc(), outlet.c.name)
            .limit(MAX_ITEMS)
        )
        with self._conn() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def articles_per_day(self, limit: int = CHART_ARTICLES) -> list[dict[str, Any]]:
        """(outlet_id, outlet, day, articles) over the latest `limit` articles stored: a range
        of the primary key, as no index orders articles by publication date."""
        latest = (
            select(article.c.outlet_id, func.substr(article.c.published, 1, 10).label("day"))
            .order_by(article.c.seq.desc()).limit(limit).subquery()
        )  # fmt: skip
        query = (
            select(latest.c.outlet_id, outlet.c.name.label("outlet"), latest.c.day,
                   func.count().label("articles"))
            .select_from(latest.outerjoin(outlet, latest.c.outlet_id == outlet.c.id))
            .group_by(latest.c.outlet_id, outlet.c.name, latest.c.day)
        )  # fmt: skip
        with self._conn() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # -- articles ------------------------------------------------------------------------------

    def article_meta(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """id → title, outlet, outlet_id, published, language, source of the given articles."""
        return self._articles_by_id(ids, (
            article.c.id, article.c.title, article.c.source, article.c.published,
            article.c.language, article.c.outlet_id, outlet.c.name.label("outlet"),
        ))  # fmt: skip

    def _articles_by_id(self, ids: Iterable[str], cols: tuple[Any, ...]
                        ) -> dict[str, dict[str, Any]]:
        """id → the given columns (of article and its outlet) of the given articles."""
        found: dict[str, dict[str, Any]] = {}
        with self._conn() as conn:
            for chunk in chunked(list(dict.fromkeys(ids))):
                query = select(*cols).select_from(
                    article.outerjoin(outlet, article.c.outlet_id == outlet.c.id)
                ).where(article.c.id.in_(chunk))
                found.update({r.id: dict(r._mapping) for r in conn.execute(query)})
        return found

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The article's export record (as `article_records` writes it)."""
        cols = [c for c in article.c if c.name not in ("minhash", "raw", "raw_zlib")]
        query = select(
            *cols, outlet.c.name.label("outlet"), outlet.c.domain.label("outlet_domain"),
            outlet.c.country.label("outlet_country"), outlet.c.notes.label("outlet_notes"),
        ).select_from(
            article.outerjoin(outlet, article.c.outlet_id == outlet.c.id)
        ).where(article.c.id == article_id)  # fmt: skip
        with self._conn() as conn:
            found = conn.execute(query).first()
            if found is None:
                return None
            row = dict(found._mapping)
            sq = select(sighting, outlet.c.name.label("outlet")).select_from(
                sighting.outerjoin(outlet, sighting.c.outlet_id == outlet.c.id)
            ).where(sighting.c.article_id == article_id).order_by(sighting.c.source)
            row["seen_in"] = [
                {"source": s.source, "outlet": s.outlet, "title": s.title, "url": s.url}
                for s in conn.execute(sq)
            ]
            copied = conn.execute(
                select(article.c.id).where(article.c.duplicate_of == article_id).limit(1)
            ).first()
            inference = conn.execute(
                select(published_inference).where(published_inference.c.article_id == article_id)
            ).first()
        row["removed"] = json.loads(row["removed"])
        row["duplicate_group"] = row["duplicate_of"] or (article_id if copied else None)
        row["type"] = "article"
        row["domain"] = row.pop("outlet_domain", None)
        row["format"] = row.pop("fmt", None)
        if inference is not None:
            inf = dict(inference._mapping)
            inf["evidence"] = json.loads(inf["evidence"])
            inf["corpus_evidence"] = json.loads(inf.get("corpus_evidence") or "[]")
            row["published_evidence"] = {
                k: inf.get(k) for k in (
                    "earliest", "latest", "best", "confidence", "evidence", "corpus_earliest",
                    "corpus_latest", "corpus_evidence",
                )
            }  # fmt: skip
        return {k: row.get(k) for k in ARTICLE_FIELDS}

    def spans(self, article_id: str) -> list[dict[str, Any]]:
        return list(self.store.span_records(article_id=article_id))

    def copies(self, article_id: str, group: str | None) -> list[dict[str, Any]]:
        """The other members of its near-duplicate group (original first), at most MAX_ITEMS."""
        if not group:
            return []
        query = (
            select(article.c.id, article.c.title, article.c.source, article.c.duplicate_of,
                   article.c.duplicate_similarity, outlet.c.name.label("outlet"))
            .select_from(article.outerjoin(outlet, article.c.outlet_id == outlet.c.id))
            .where((article.c.duplicate_of == group) | (article.c.id == group))
            .order_by(article.c.seq).limit(MAX_ITEMS)
        )  # fmt: skip
        with self._conn() as conn:
            return [dict(r._mapping) for r in conn.execute(query) if r.id != article_id]

    def article_groups(self, article_id: str) -> list[dict[str, Any]]:
        """The claim groups the article has a claim in."""
        with self._conn() as conn:
            ids = list(conn.execute(
                select(claim.c.group_id)
                .join_from(claim, article, article.c.seq == claim.c.article_seq)
                .where(article.c.id == article_id).distinct()
            ).scalars())  # fmt: skip
        return self.claims(ids)

    def article_story(self, article_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            story_id = conn.execute(
                select(story_member.c.story_id).where(story_member.c.article_id == article_id)
            ).scalar()
            if story_id is None:
                return None
            row = conn.execute(
                select(story.c.id, story.c.title, story.c.first, story.c.last, story.c.size)
                .where(story.c.id == story_id)
            ).first()  # fmt: skip
        return dict(row._mapping) if row else None

    # -- stories, events, claims ---------------------------------------------------------------

    def story(self, story_id: str) -> dict[str, Any] | None:
        """The story's export record; the id of a story merged into another finds that one."""
        with self._conn() as conn:
            live = conn.execute(
                select(story_alias.c.story_id).where(story_alias.c.alias == story_id)
            ).scalar()
        found = self.store.stories([live or story_id])
        if not found:
            return None
        return {**{k: found[0].get(k) for k in STORY_FIELDS}, "type": "story"}

    def events(self, story_id: str) -> list[dict[str, Any]]:
        """The story's events, in the order they happened, as exported."""
        return [
            {k: e.get(k) for k in EVENT_FIELDS}
            for e in sorted(self.store.events(story_id), key=order_key)
        ]

    def event(self, event_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            row = conn.execute(
                select(*EVENT_SELECT).where(timeline_event.c.id == event_id)
            ).first()
        if row is None:
            return None
        found = read_event(row)
        return {k: found.get(k) for k in EVENT_FIELDS}

    def claims(self, group_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Claim groups' export records, in the order given."""
        ids = list(dict.fromkeys(group_ids))
        found: dict[str, dict[str, Any]] = {}
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = select(claim_group).where(claim_group.c.id.in_(chunk))
                rows = complete_groups(conn, [dict(r._mapping) for r in conn.execute(query)])
                for row in rows:
                    found[row["id"]] = {**{k: row.get(k) for k in CLAIM_FIELDS}, "type": "claim"}
        return [found[i] for i in ids if i in found]

    def verdict_counts(self, group_ids: Iterable[str], limit: int = MAX_SCAN) -> dict[str, int]:
        """verdict → how many of the claim groups (the first `limit`) have it."""
        ids = list(dict.fromkeys(group_ids))[:limit]
        found: Counter[str] = Counter()
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = (
                    select(claim_group.c.verdict, func.count())
                    .where(claim_group.c.id.in_(chunk)).group_by(claim_group.c.verdict)
                )  # fmt: skip
                found.update(dict(conn.execute(query).all()))
        return dict(found)

    def place_ids(self, article_ids: Iterable[str], limit: int = MAX_SCAN
                  ) -> dict[tuple[float, float], int]:
        """(lat, lon) rounded to 4 decimals → GeoNames id, from the place records of the
        articles (the first `limit`): events keep a place's name and point, not its id."""
        ids = list(dict.fromkeys(article_ids))[:limit]
        found: dict[tuple[float, float], int] = {}
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = (
                    select(span_record.c.entity_id, span_record.c.lat, span_record.c.lon)
                    .join_from(span_record, article, article.c.seq == span_record.c.article_seq)
                    .where(article.c.id.in_(chunk), _of_type("place"),
                           span_record.c.entity_id.like("geonames:%"),
                           span_record.c.lat.is_not(None))
                )  # fmt: skip
                for r in conn.execute(query):
                    key = (round(r.lat, 4), round(r.lon, 4))
                    tail = r.entity_id.split(":", 1)[1]
                    if tail.isdigit():
                        found.setdefault(key, int(tail))
        return found

    def stories_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article id → its story id."""
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, str] = {}
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = select(story_member.c.article_id, story_member.c.story_id).where(
                    story_member.c.article_id.in_(chunk)
                )
                found.update({r.article_id: r.story_id for r in conn.execute(query)})
        return found

    def story_titles(self, story_ids: Iterable[str]) -> dict[str, str | None]:
        ids = list(dict.fromkeys(story_ids))
        found: dict[str, str | None] = {}
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = select(story.c.id, story.c.title).where(story.c.id.in_(chunk))
                found.update({r.id: r.title for r in conn.execute(query)})
        return found

    def events_of_stories(self, story_ids: Iterable[str]) -> list[dict[str, Any]]:
        ids = list(dict.fromkeys(story_ids))
        found = []
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = select(*EVENT_SELECT).where(timeline_event.c.story_id.in_(chunk))
                found += [read_event(r) for r in conn.execute(query)]
        return [{k: e.get(k) for k in EVENT_FIELDS} for e in sorted(found, key=order_key)]

    def events_of_entity(
        self, entity_id: str, limit: int = MAX_ITEMS
    ) -> tuple[list[dict[str, Any]], int]:
        """An actor's or a place's timeline (the first `limit` events, in the order they
        happened) and how many events name it, from the event_entity index."""
        when = func.coalesce(event_entity.c.first, "9999-12-31")
        with self._conn() as conn:
            total = conn.execute(
                select(func.count()).select_from(event_entity)
                .where(event_entity.c.entity_id == entity_id)
            ).scalar_one()  # fmt: skip
            query = (
                select(*EVENT_SELECT)
                .join(event_entity, event_entity.c.event_id == timeline_event.c.id)
                .where(event_entity.c.entity_id == entity_id)
                .order_by(when, event_entity.c.event_id)
                .limit(limit)
            )
            found = [read_event(r) for r in conn.execute(query)]
        return [{k: e.get(k) for k in EVENT_FIELDS} for e in sorted(found, key=order_key)], total

    def events_with_groups(self, story_ids: Iterable[str], group_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events_of_stories(story_ids) if group_id in (e["group_ids"] or ())]

    # -- actors and places ---------------------------------------------------------------------

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            found = conn.execute(select(entity).where(entity.c.id == entity_id)).first()
        if found is None:
            return None
        row = dict(found._mapping)
        data = json.loads(row.pop("data") or "{}")
        record = {
            **row, "type": "entity", "aliases": json.loads(row["aliases"]),
            "roles": json.loads(row["roles"]), **data,
        }  # fmt: skip
        return {k: record.get(k) for k in ENTITY_FIELDS}

    def entity_names(self, ids: Iterable[str]) -> dict[str, str]:
        ids = list(dict.fromkeys(i for i in ids if i))
        found: dict[str, str] = {}
        with self._conn() as conn:
            for chunk in chunked(ids):
                query = select(entity.c.id, entity.c.name).where(entity.c.id.in_(chunk))
                found.update({r.id: r.name for r in conn.execute(query)})
        return found

    def mention_count(self, entity_id: str) -> int:
        """How many records name an entity: for an actor its mentions, labels and quotes (the
        entity index counts them alone; counting one type would read every record)."""
        with self._conn() as conn:
            return conn.execute(
                select(func.count()).select_from(span_record)
                .where(span_record.c.entity_id == entity_id)
            ).scalar_one()  # fmt: skip

    def entity_spans(
        self, entity_id: str, kind: str, limit: int = MAX_SCAN
    ) -> list[dict[str, Any]]:
        query: Any
        if kind == "label":
            # the partial index of labels (schema.py), which SQLite without statistics takes
            # only when told
            told = f" INDEXED BY {LABEL_INDEX}" if self.store.dialect == "sqlite" else ""
            query = sql(f"SELECT span_record.*, a.id AS article_id FROM span_record{told} "
                        "JOIN article a ON a.seq = span_record.article_seq "
                        f"WHERE entity_id = :entity_id AND {LABEL_CONDITION} LIMIT :limit"
                        ).bindparams(entity_id=entity_id, limit=limit)  # fmt: skip
        else:
            query = span_select(span_record.c.entity_id == entity_id, _of_type(kind)).limit(limit)
        with self._conn() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        return [read_record(row) for row in rows]

    def naming_row(self, entity_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
        """The naming-matrix row of one actor: what each outlet calls it, with evidence."""
        labels = self.entity_spans(entity_id, "label")
        if not labels:
            return None
        meta = self._framing_articles(lb["article_id"] for lb in labels)
        matrix = naming_matrix(labels, meta.values(), [record])
        rows = [r for r in matrix["rows"] if r["entity_id"] == entity_id]
        if not rows:
            return None
        return {**rows[0], "columns": {c["id"]: c["name"] for c in matrix["columns"]},
                "articles": meta}  # fmt: skip

    def _framing_articles(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return self._articles_by_id(ids, (
            article.c.id, article.c.title, article.c.source, article.c.word_count,
            outlet.c.name.label("outlet"), article.c.outlet_id,
        ))  # fmt: skip

    def story_naming(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """For the story's main actors: the phrases each of its outlets uses (the first
        MAX_SCAN of its articles)."""
        members = list(record["article_ids"] or ())[:MAX_SCAN]
        actor_ids = list(record.get("actor_ids") or ())[:STORY_ACTORS]
        if not members or not actor_ids:
            return []
        names = dict(zip(record.get("actor_ids") or (), record.get("actors") or (), strict=False))
        labels = []
        with self._conn() as conn:
            for chunk in chunked(members):
                query = span_select(
                    _of_type("label"), article.c.id.in_(chunk),
                    span_record.c.entity_id.in_(actor_ids),
                )  # fmt: skip
                labels += [read_record(r._mapping) for r in conn.execute(query)]
        meta = self._framing_articles(lb["article_id"] for lb in labels)
        rows = []
        for entity_id in actor_ids:
            by_outlet: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
            loaded: set[str] = set()
            for lb in labels:
                if lb["entity_id"] != entity_id:
                    continue
                a = meta.get(lb["article_id"]) or {}
                key = (a.get("outlet") or a.get("title") or a.get("source") or "?",
                       a.get("outlet_id"))  # fmt: skip
                by_outlet[key][lb["label"]] += 1
                if lb.get("loaded"):
                    loaded.add(lb["label"])
            if by_outlet:
                rows.append({
                    "id": entity_id, "name": names.get(entity_id, entity_id), "loaded": loaded,
                    "outlets": [(name, oid, c.most_common(4))
                                for (name, oid), c in by_outlet.items()],
                })  # fmt: skip
        return rows

    def place_spans(self, geonameid: int, limit: int = MAX_SCAN) -> list[dict[str, Any]]:
        return self.entity_spans(f"geonames:{geonameid}", "place", limit)

    # -- outlets -------------------------------------------------------------------------------

    def outlet(self, outlet_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            row = conn.execute(select(outlet).where(outlet.c.id == outlet_id)).first()
            if row is None:
                return None
            found = dict(row._mapping)
            found["articles"] = conn.execute(
                select(func.count()).select_from(article).where(article.c.outlet_id == outlet_id)
            ).scalar_one()
            span = conn.execute(
                select(func.min(article.c.published), func.max(article.c.published))
                .where(article.c.outlet_id == outlet_id)
            ).first()  # fmt: skip
        found["first"], found["last"] = span or (None, None)
        return found

    def outlet_profile(self, outlet_id: str) -> dict[str, Any]:
        """The outlet's framing profile (its column of the naming matrix) and the rows naming
        its actors, over its latest MAX_SCAN articles."""
        cols = (article.c.id, article.c.title, article.c.source, article.c.word_count,
                outlet.c.name.label("outlet"), article.c.outlet_id, article.c.published)
        with self._conn() as conn:
            arts = [dict(r._mapping) for r in conn.execute(
                select(*cols).select_from(
                    article.outerjoin(outlet, article.c.outlet_id == outlet.c.id))
                .where(article.c.outlet_id == outlet_id)
                .order_by(article.c.seq.desc()).limit(MAX_SCAN)
            )]  # fmt: skip
            spans: dict[str, list[dict[str, Any]]] = {"label": [], "technique": []}
            for chunk in chunked([a["id"] for a in arts]):
                query = span_select(article.c.id.in_(chunk), _of_type("label", "technique"))
                for r in conn.execute(query):
                    record = read_record(r._mapping)
                    spans[record["type"]].append(record)
        names = self.entity_names(lb["entity_id"] for lb in spans["label"])
        entities = [{"id": i, "name": n} for i, n in names.items()]
        matrix = naming_matrix(spans["label"], arts, entities, spans["technique"])
        column = next((c for c in matrix["columns"] if c["outlet"]), None)
        rows = [r for r in matrix["rows"] if r["entity_id"]]
        days = Counter((a["published"] or "")[:10] for a in arts)
        return {"column": column, "rows": rows[:MAX_ITEMS], "scanned": len(arts),
                "titles": {a["id"]: a["title"] or a["source"] for a in arts},
                "days": dict(days)}  # fmt: skip


def evidence_titles(
    reader: Reader, records: Iterable[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Article meta for every evidence span of the given claims or events."""
    return reader.article_meta(e["article_id"] for r in records for e in r.get("evidence") or ())

