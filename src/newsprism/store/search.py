"""Full-text search over articles, read by `newsprism serve`: SQLite FTS5 or PostgreSQL's
full-text search, kept up to date by `analyze`."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy import text as sql

from newsprism.store import schema
from newsprism.store.base import StoreBase
from newsprism.store.schema import article

# Full-text search over articles (`update_search_index`, `search_articles`): the SQLite FTS5
# table, the `meta` key of the last article seq it holds, the characters around each match in
# titles and snippets (control characters: never markup), and PostgreSQL's tsvector of an
# article (its first 200,000 characters: a tsvector is limited to 1 MB).
SEARCH_TABLE = "article_search"
SEARCH_SEQ_KEY = "search_seq"
SEARCH_MARK = ("\x02", "\x03")
MAX_SEARCH_TERMS = 16
# An entity with this many mentions is filtered article by article (see _mentions_filter).
FREQUENT_MENTIONS = 50_000


# On PostgreSQL each article's tsvector is stored (a generated column, GIN-indexed): ranking
# and filtering read it instead of parsing the text again for every match (a common word at
# 100k articles: 5 s, the statement timeout, before). Relevance ranks the latest
# RANKED_MATCHES matches (all of them where fewer match), so that a word in half the corpus
# costs a bounded time; the count still covers every match up to its cap.
PG_SEARCH_COLUMN = "search_vector"
RANKED_MATCHES = 1000
# Rows of each index SQLite's ANALYZE reads after a run: the statistics of a sample, in 0.2 s
# at 100k articles, where a full ANALYZE reads every one of 13 M span records
ANALYSIS_SAMPLE = 20_000


def _pg_vector(table: str) -> str:
    prefix = f"{table}." if table else ""
    return (f"to_tsvector('english'::regconfig, "
            f"left(coalesce({prefix}title, '') || ' ' || {prefix}text, 200000))")  # fmt: skip


PG_SEARCH_VECTOR = _pg_vector("a")
PG_SEARCH_INDEX_VECTOR = _pg_vector("article")


def search_query(words: str) -> str:
    """The FTS5 query for what a user typed: every word and "quoted phrase" must occur, a
    trailing * makes a prefix; any other character is dropped, so no input is FTS5 syntax."""
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', words):
        tokens = re.findall(r"\w+", phrase or word)
        if not tokens:
            continue
        if phrase:
            parts.append('"' + " ".join(tokens) + '"')
            continue
        parts += [f'"{t}"' for t in tokens]
        if word.endswith("*"):
            parts[-1] += "*"
    return " ".join(parts[:MAX_SEARCH_TERMS])


class SearchIndex(StoreBase):
    """The full-text index of articles and its queries."""

    def update_search_index(self) -> int:
        """Bring the full-text index over article titles and texts up to date; `analyze` calls
        it at the end of each run, under its writer lock. Returns the articles it added.
        SQLite: an FTS5 table over `article` (external content, rowid = seq: the text is not
        stored twice) filled from the last seq it holds (`meta` SEARCH_SEQ_KEY); articles are
        only ever appended, their title and text never change. PostgreSQL: a GIN index on the
        tsvector expression that `search_articles` queries, which the server keeps up to date.
        Both also index `article.published` (date filters, the corpus's date range)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_article_published ON article (published)"
            )
            if self.dialect == "postgresql":
                # (a store of before: its articles' vectors computed once, here)
                conn.exec_driver_sql(
                    f"ALTER TABLE article ADD COLUMN IF NOT EXISTS {PG_SEARCH_COLUMN} tsvector "
                    f"GENERATED ALWAYS AS ({_pg_vector('')}) STORED"
                )
                conn.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS ix_article_search_vector ON article USING gin "
                    f"({PG_SEARCH_COLUMN})"
                )
                conn.exec_driver_sql("DROP INDEX IF EXISTS ix_article_search")
                self._pg_stored_vector = True
                return 0
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(title, text, "
                f"content='article', content_rowid='seq', tokenize='unicode61 remove_diacritics 2')"
            )
            last = int(conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == SEARCH_SEQ_KEY)
            ).scalar() or 0)  # fmt: skip
            top = conn.execute(select(func.max(article.c.seq))).scalar() or 0
            if top <= last:
                return 0
            added = conn.execute(
                sql(f"INSERT INTO {SEARCH_TABLE} (rowid, title, text) "
                    "SELECT seq, title, text FROM article WHERE seq > :last AND seq <= :top"),
                {"last": last, "top": top},
            ).rowcount  # fmt: skip
            conn.execute(delete(schema.meta).where(schema.meta.c.key == SEARCH_SEQ_KEY))
            conn.execute(insert(schema.meta), [{"key": SEARCH_SEQ_KEY, "value": str(top)}])
            return max(added, 0)

    def search_status(self) -> dict[str, Any]:
        """{"ready": whether the index exists, "pending": stored articles not yet in it (an
        analyze run adds them when it ends)}."""
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(article.c.seq))).scalar() or 0
            if self.dialect == "postgresql":
                return {"ready": True, "pending": 0}
            ready = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (SEARCH_TABLE,)
            ).first() is not None  # fmt: skip
            last = int(conn.execute(
                select(schema.meta.c.value).where(schema.meta.c.key == SEARCH_SEQ_KEY)
            ).scalar() or 0)  # fmt: skip
            pending = conn.execute(
                select(func.count()).select_from(article).where(article.c.seq > last)
            ).scalar_one() if top > last else 0  # fmt: skip
        return {"ready": ready, "pending": pending}

    def search_articles(
        self,
        words: str | None = None,
        *,
        outlet_id: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
        verdict: str | None = None,
        entity_id: str | None = None,
        order: str = "relevance",
        limit: int = 20,
        offset: int = 0,
        count_cap: int = 10_000,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of articles matching `words` (full text over title and text; every word
        must occur, "quoted phrases" and word* prefixes understood; any other character is
        ignored, never SQL or query syntax) and the filters: an outlet id, a language, a
        publication day range (ISO days, both ends included), a claim verdict its claims
        have, an entity (actor or `geonames:ID` place) it mentions. Rows: id, title, outlet,
        outlet_id, published, language, word_count, and with `words` `title_marked` and
        `snippet`, the matches between SEARCH_MARK characters. Also how many match, counted up
        to `count_cap` (count_cap + 1 means more). Without `words`, the latest stored first;
        with them, the best match first (`order="date"`: the latest published first)."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        where = []
        if outlet_id is not None:
            where.append("a.outlet_id = :outlet_id")
            params["outlet_id"] = outlet_id
        if language is not None:
            where.append("a.language = :language")
            params["language"] = language
        if since is not None:
            where.append("a.published >= :since")
            params["since"] = since
        if until is not None:
            where.append("a.published < :until")
            params["until"] = until + "~"  # any time of that day sorts before "~"
        if verdict is not None:
            where.append(
                "a.seq IN (SELECT c.article_seq FROM claim c JOIN claim_group g "
                "ON g.id = c.group_id WHERE g.verdict = :verdict)"
            )
            params["verdict"] = verdict
        if entity_id is not None:
            where.append(self._mentions_filter(entity_id))
            params["entity_id"] = entity_id
        start, stop = SEARCH_MARK
        columns = ("a.id, a.title, a.source, o.name AS outlet, a.outlet_id, a.published, "
                   "a.language, a.word_count")  # fmt: skip
        joins = "LEFT JOIN outlet o ON o.id = a.outlet_id"
        query = search_query(words) if words else ""
        if not query:
            if words:  # nothing searchable in it (punctuation only)
                return [], 0
            cond = " AND ".join(where) or "1=1"
            body = f"FROM article a {joins} WHERE {cond}"
            listing = f"SELECT {columns} {body} ORDER BY a.seq DESC LIMIT :limit OFFSET :offset"
        elif self.dialect == "postgresql":
            params["q"] = words
            params.update(start=start, stop=stop)
            vector = f"a.{PG_SEARCH_COLUMN}" if self._has_stored_vector() else (
                f"({PG_SEARCH_VECTOR})")  # fmt: skip
            cond = " AND ".join([f"{vector} @@ websearch_to_tsquery('english', :q)", *where])
            body = f"FROM article a {joins} WHERE {cond}"
            options = "'StartSel=' || :start || ', StopSel=' || :stop"
            shown = (
                f"ts_headline('english', coalesce(a.title, ''), websearch_to_tsquery('english', "
                f":q), 'HighlightAll=true, ' || {options}) AS title_marked, "
                f"ts_headline('english', left(a.text, 20000), websearch_to_tsquery('english', "
                f":q), 'MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter= … , ' "
                f"|| {options}) AS snippet"
            )
            if order == "date":
                listing = (f"SELECT {columns}, {shown} {body} "
                           f"ORDER BY a.published DESC NULLS LAST, a.seq DESC "
                           f"LIMIT :limit OFFSET :offset")  # fmt: skip
            else:
                params["ranked"] = max(RANKED_MATCHES, offset + limit)
                latest = (f"SELECT a.seq, ts_rank({vector}, websearch_to_tsquery('english', :q)) "
                          f"AS rank {body} ORDER BY a.seq DESC LIMIT :ranked")  # fmt: skip
                listing = (f"SELECT {columns}, {shown} FROM ({latest}) AS m "
                           f"JOIN article a ON a.seq = m.seq {joins} "
                           f"ORDER BY m.rank DESC, a.seq DESC "
                           f"LIMIT :limit OFFSET :offset")  # fmt: skip
        else:
            params["q"] = query
            params.update(start=start, stop=stop)
            cond = " AND ".join([f"{SEARCH_TABLE} MATCH :q", *where])
            body = (f"FROM {SEARCH_TABLE} JOIN article a ON a.seq = {SEARCH_TABLE}.rowid "
                    f"{joins} WHERE {cond}")  # fmt: skip
            rank = f"{SEARCH_TABLE}.rank" if order != "date" else "a.published DESC"
            listing = (
                f"SELECT {columns}, highlight({SEARCH_TABLE}, 0, :start, :stop) AS title_marked, "
                f"snippet({SEARCH_TABLE}, 1, :start, :stop, ' … ', 32) AS snippet "
                f"{body} ORDER BY {rank}, a.seq DESC LIMIT :limit OFFSET :offset"
            )
        counting = f"SELECT count(*) FROM (SELECT 1 {body} LIMIT :cap) AS found"
        if not query and entity_id is not None and len(where) == 1:
            # "articles that name X" alone is counted from the entity index, without a probe
            # per article: 190 -> 18 ms for an actor named in 3,000 of 100k articles
            counting = ("SELECT count(*) FROM (SELECT DISTINCT article_seq FROM span_record "
                        "WHERE entity_id = :entity_id LIMIT :cap) AS found")  # fmt: skip
        with self.engine.connect() as conn:
            if query and self.dialect == "postgresql":
                # The planner prices a sequential scan without the cost of unpacking each
                # article's stored tsvector (TOAST), so for a common word it scans the table:
                # counting "trump" at 100k articles took 265 ms that way, 71 ms by the index.
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = [dict(r._mapping) for r in conn.execute(sql(listing), params)]
            total = conn.execute(sql(counting), {**params, "cap": count_cap + 1}).scalar_one()
        return rows, total

    def refresh_statistics(self) -> None:
        """After a run's writes: PostgreSQL's VACUUM ANALYZE (row statistics for the planner,
        and the visibility map that lets counts read an index alone: the web app's home page
        at 100k articles freshly written took 1.4 s, 0.3 s after it), SQLite's ANALYZE on a
        sample of each index (0.2 s at 100k articles). Autovacuum would get there, later; a run
        that wrote nothing costs little.

        Not SQLite's PRAGMA optimize: the SQLite of Debian 12 (3.40) re-analyzes only tables
        its own connection queried, so a store first analyzed at 60 articles kept their
        statistics at 100k, and the planner, told span_record had 6,704 rows, scanned all 13
        million for an outlet's page (4.4 s, not 0.12)."""
        if self.dialect == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_SAMPLE}")
                conn.exec_driver_sql("ANALYZE")

    def _has_stored_vector(self) -> bool:
        """Whether this PostgreSQL store has its articles' tsvectors stored (a store made
        before them has them once an `analyze` ran on it)."""
        known = getattr(self, "_pg_stored_vector", None)
        if known is None:
            with self.engine.connect() as conn:
                known = conn.exec_driver_sql(
                    "SELECT 1 FROM information_schema.columns WHERE table_name = 'article' "
                    f"AND column_name = '{PG_SEARCH_COLUMN}'"
                ).first() is not None  # fmt: skip
            if known:
                self._pg_stored_vector = True  # (it never goes away; its absence is checked again)
        return bool(known)

    def _mentions_filter(self, entity_id: str) -> str:
        """The SQL condition "the article mentions the entity", in the form that is fast for
        it: an entity of few mentions as the list of its articles; one named in thousands of
        articles (the list would be read whole) probed article by article, latest first, so
        that a page and its capped count stop early."""
        with self.engine.connect() as conn:
            mentions = conn.execute(
                sql("SELECT count(*) FROM (SELECT 1 FROM span_record WHERE entity_id = :e "
                    "LIMIT :n) AS m"), {"e": entity_id, "n": FREQUENT_MENTIONS},
            ).scalar_one()  # fmt: skip
        if mentions < FREQUENT_MENTIONS:
            return ("a.seq IN (SELECT s.article_seq FROM span_record s "
                    "WHERE s.entity_id = :entity_id)")  # fmt: skip
        return ("EXISTS (SELECT 1 FROM span_record s WHERE s.entity_id = :entity_id "
                "AND s.article_seq = a.seq)")  # fmt: skip
