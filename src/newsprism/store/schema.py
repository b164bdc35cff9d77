"""The store's tables. One schema for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
    text,
)

SCHEMA_VERSION = "1"
# Nullable columns added since a store of this schema version could first be made: opening an
# older store adds them (its rows read as NULL there) instead of refusing it.
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "outlet": ("country", "notes"),
    "published_inference": ("confidence", "corpus_earliest", "corpus_latest", "corpus_evidence"),
    "article": ("raw_zlib",),
}

metadata = MetaData()
# Indexes a store written before has and this version drops when it opens the store:
# ix_span_record_entity_article is now ix_span_record_entity, partial; ix_span_record_type
# bounded no query (every query on records is by article or entity; the web app's are written
# so that no index on type can serve them) and cost 2 KB an article.
RETIRED_INDEXES = ("ix_span_record_entity_article", "ix_span_record_type")
# (ix_span_record_article went with the table keyed by article id it indexed: see span_table;
# ix_claim_article likewise, with the claim table keyed so: see claim_table.)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

outlet = Table(
    "outlet",
    metadata,
    Column("id", Text, primary_key=True),  # slug of the name
    Column("name", Text, nullable=False),
    Column("domain", Text),
    # from the user's outlet manifest only: nothing in an article says where its outlet is from
    Column("country", Text),
    Column("notes", Text),
)

article = Table(
    "article",
    metadata,
    # seq keeps arrival order: the first stored member of a near-duplicate group is its original.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("fmt", String(16), nullable=False),
    Column("outlet_id", Text),
    Column("outlet_source", String(16)),
    Column("url", Text),
    Column("title", Text),
    Column("title_source", String(16)),
    Column("published", String(40)),
    Column("published_precision", String(16)),
    Column("published_source", String(16)),
    Column("language", String(16)),
    Column("language_score", Float),
    Column("dateline_place", Text),
    Column("word_count", Integer, nullable=False),
    Column("text", Text, nullable=False),
    # The text as read (HTML, a feed item), for provenance: zlib-compressed in raw_zlib, with raw
    # left empty (an HTML page is several times its text, and read back only on request).
    # Stores written before hold it in raw, raw_zlib null; articles.raw_text reads both.
    Column("raw", Text, nullable=False),
    Column("offsets", Text, nullable=False),  # JSON [[clean_start, raw_start, length], ...]
    Column("removed", Text, nullable=False),  # JSON [{start, end, text, reason}, ...]
    Column("minhash", LargeBinary),
    Column("raw_zlib", LargeBinary),
    Column("duplicate_of", String(64)),  # first stored article of its near-duplicate group
    Column("duplicate_similarity", Float),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)
Index("ix_article_outlet", article.c.outlet_id)
Index("ix_article_duplicate_of", article.c.duplicate_of)

# The band keys of each article's MinHash signature (ingest/dedupe.py's LshBands; the scheme
# they were made with in meta, MINHASH_BANDS_KEY): a new article's near-duplicate candidates are
# the articles sharing a key, looked up here rather than held in memory by every run. Written
# with their article, in its transaction.
minhash_band = Table(
    "minhash_band",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("article_seq", Integer, primary_key=True, autoincrement=False),  # article.seq
    sqlite_with_rowid=False,
)
MINHASH_BANDS_KEY = "minhash_bands"

# Every place an article was read from. An exact copy read again from another file or outlet is
# not stored twice, but where it was seen is kept here.
sighting = Table(
    "sighting",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("source", Text, primary_key=True),
    Column("outlet_id", Text),
    Column("title", Text),
    Column("url", Text),
    Column("published", String(40)),
)

ingest_error = Table(
    "ingest_error",
    metadata,
    Column("id", String(64), primary_key=True),  # hash of (source, line, reason): re-runs add none
    Column("source", Text, nullable=False),
    Column("line", Integer),
    Column("reason", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
)

# Input files a run has read to the end, so the next run can skip them while unchanged. Written
# in the same transaction as the file's last articles.
source_file = Table(
    "source_file",
    metadata,
    Column("path", Text, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
)

# -- understanding: what each article says ---------------------------------------------------
# One table for every span-based record (mention, place, timeref, quantity, attribution, label,
# technique, action): they share the evidence span and are read back per article or per type.
# The fields the export contract names (value, lat, lon, entity) are columns, so SQL can filter
# on them; the rest of each record is JSON in `data`, its default values left out. A record's id
# is computed from the row (store/span_codec.py), not stored.
#
# A row names its article by the article's `seq`, and its key is (article_seq, ordinal): the
# records of an article lie together (SQLite: a table without rowid, clustered on its key), so
# that no index of their own is needed to read them by article, and each row and the entity
# index hold a small integer rather than the article's 32-character id. Readers join `article`
# for the id (span_select). That was 10 KB an article of the 72 (issue 21). A store written
# before, keyed by article id, is rewritten so once when opened (store.Store._rekey_spans).
def span_table(name: str, meta: MetaData) -> Table:
    return Table(
        name,
        meta,
        Column("article_seq", Integer, nullable=False),  # article.seq
        Column("ordinal", Integer, nullable=False),  # the record's place in its article's batch
        Column("type", String(16), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("entity_id", String(64)),
        Column("value", Text),
        Column("lat", Float),
        Column("lon", Float),
        Column("data", Text, nullable=False),
        PrimaryKeyConstraint("article_seq", "ordinal"),
        sqlite_with_rowid=False,
    )


span_record = span_table("span_record", metadata)
# entity first, then the article: "articles that mention X" is read from the index alone (an
# actor or place page at 100k articles: 616 -> 185 ms for an actor named 100,000 times). Only
# the records of an entity: two in five (dates, figures, techniques) have none, and a query
# for an entity's records implies `entity_id IS NOT NULL`, which both databases see.
ENTITY_CONDITION = "entity_id IS NOT NULL"
Index("ix_span_record_entity", span_record.c.entity_id, span_record.c.article_seq,
      sqlite_where=text(ENTITY_CONDITION), postgresql_where=text(ENTITY_CONDITION))  # fmt: skip
# An actor's labels (its naming-matrix row) among its mentions: 1,667 labels of 131,693 records
# for an actor named in 3,000 of 100k articles, which the entity index alone makes a scan of all
# of them (135 ms on PostgreSQL). Partial: the labels only, a few records an article. A query
# uses it when its condition says LABEL_CONDITION in these words, a literal, not a bound
# parameter (SQLite matches a partial index's condition by its words).
LABEL_INDEX = "ix_span_record_label_entity"
LABEL_CONDITION = "type = 'label'"
Index(LABEL_INDEX, span_record.c.entity_id, sqlite_where=text(LABEL_CONDITION),
      postgresql_where=text(LABEL_CONDITION))  # fmt: skip

# Canonical actors and places across the corpus. Linking updates them in place: an id never
# changes once given, so exports and links stay valid as the corpus grows.
entity = Table(
    "entity",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("entity_type", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list
    Column("roles", Text, nullable=False),  # JSON list
    Column("geonameid", BigInteger),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(8)),
    Column("data", Text, nullable=False),
)

# Articles the understanding stage has read, with the version of that stage: a newer newsprism
# reads them again, an unchanged one skips them.
understood = Table(
    "understood",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("version", String(16), nullable=False),
    Column("model", Text, nullable=False),
    Column("understood_at", DateTime(timezone=True), nullable=False),
)

# How an undated article's publication date was inferred: the range and its evidence.
published_inference = Table(
    "published_inference",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("earliest", String(10)),
    Column("latest", String(10)),
    Column("best", String(10)),
    Column("evidence", Text, nullable=False),  # JSON list of reasons
    Column("confidence", Float, nullable=True),  # [0, 1]; low: best may be off by over a year
    # what the rest of the corpus says (the timeline stage): the events the article tells as
    # done, its story's dated articles, events it awaits that others report done
    Column("corpus_earliest", String(10)),
    Column("corpus_latest", String(10)),
    Column("corpus_evidence", Text),  # JSON list of reasons
)

# -- cross-checking: claims and the groups they form across outlets --------------------------
def claim_table(name: str, meta: MetaData) -> Table:
    return Table(
        name,
        meta,
        # seq keeps the order claims were grouped in: the grouping index is rebuilt in that order.
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", String(64), nullable=False, unique=True),
        # article.seq: an integer, not the article's 32-character id (issue 21, store size);
        # readers join the article for its id (and for the text a row leaves to it)
        Column("article_seq", Integer, nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),  # empty: the article's text (derived_text.py)
        Column("kind", String(16), nullable=False),
        Column("group_id", String(72), nullable=False),
        # the sentence embedding (encoders/packed.py): groups grow without embedding old claims
        # again
        Column("vector", LargeBinary),
        Column("data", Text, nullable=False),  # the claim's fields, by position (layouts.py)
    )


claim = claim_table("claim", metadata)
Index("ix_claim_article_seq", claim.c.article_seq)
Index("ix_claim_group", claim.c.group_id)

claim_group = Table(
    "claim_group",
    metadata,
    Column("id", String(72), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("independent_outlets", Integer, nullable=False),
    Column("first_seen", String(40)),
    Column("data", Text, nullable=False),  # evidence for and against, reason, sources: JSON
)
Index("ix_claim_group_verdict", claim_group.c.verdict)

# Articles whose claims have been grouped, with the version of the cross-checking stage.
crosschecked = Table(
    "crosschecked",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("version", String(16), nullable=False),
)

# -- stories: articles about one happening, grown one article at a time ----------------------
# Where each article was placed, in placement order (the story index is rebuilt in that order),
# with what the index compared: its features (JSON) and lead vector (float32). `story_id` is
# the live story: a merge moves the members of the story it retires.
story_member = Table(
    "story_member",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(64), nullable=False, unique=True),
    Column("story_id", String(80), nullable=False),
    Column("version", String(64), nullable=False),  # stage version and sentence model
    Column("vector", LargeBinary),
    Column("data", Text, nullable=False),
)
Index("ix_story_member_story", story_member.c.story_id)

# Each live story as exported: title, days, and the rest (articles, outlets, actors...) as JSON.
story = Table(
    "story",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("title", Text),
    Column("first", String(10)),
    Column("last", String(10)),
    Column("size", Integer, nullable=False),
    Column("data", Text, nullable=False),
)
# The two orders stories are listed in (the home page, /stories): the largest and the latest
# first, read from an index instead of sorting every story (PostgreSQL at 100k articles: 60 ms
# a listing)
Index("ix_story_largest", story.c.size.desc(), story.c.id)
Index(
    "ix_story_latest",
    func.coalesce(story.c.last, story.c.first).desc(), story.c.size.desc(), story.c.id,
)

# Ids of stories merged into another: they keep resolving to the story that absorbed them.
story_alias = Table(
    "story_alias",
    metadata,
    Column("alias", String(80), primary_key=True),
    Column("story_id", String(80), nullable=False),
)

# -- timeline: the dated events of each story -------------------------------------------------
# Each event as exported; its story, dates and verdict as columns for the queries that order
# and filter timelines, the rest (statement, claims, articles, evidence) JSON.
timeline_event = Table(
    "timeline_event",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("story_id", String(80), nullable=False),
    Column("first", String(10)),
    Column("last", String(10)),
    Column("verdict", String(16), nullable=False),
    Column("data", Text, nullable=False),
)
Index("ix_timeline_event_story", timeline_event.c.story_id)
Index("ix_timeline_event_first", timeline_event.c.first)

# Which events name which actor or place (its entity id): an actor's or a place's timeline
# without reading every event of every story it appears in (the web app's actor and place
# pages at 100k articles).
event_entity = Table(
    "event_entity",
    metadata,
    Column("event_id", String(40), primary_key=True),
    Column("entity_id", String(64), primary_key=True),
    Column("story_id", String(80), nullable=False),
    Column("first", String(10)),
)
Index("ix_event_entity_entity", event_entity.c.entity_id, event_entity.c.first)
Index("ix_event_entity_story", event_entity.c.story_id)

# Articles whose story's timeline includes them, with the timeline stage's version and the
# story it was built for (a merge moves an article to another story: built again).
timelined = Table(
    "timelined",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("story_id", String(80), nullable=False),
    Column("version", String(16), nullable=False),
)
