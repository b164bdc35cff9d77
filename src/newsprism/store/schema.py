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
    String,
    Table,
    Text,
)

SCHEMA_VERSION = "1"

metadata = MetaData()

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
    Column("raw", Text, nullable=False),
    Column("offsets", Text, nullable=False),  # JSON [[clean_start, raw_start, length], ...]
    Column("removed", Text, nullable=False),  # JSON [{start, end, text, reason}, ...]
    Column("minhash", LargeBinary),
    Column("duplicate_of", String(64)),  # first stored article of its near-duplicate group
    Column("duplicate_similarity", Float),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)
Index("ix_article_outlet", article.c.outlet_id)
Index("ix_article_duplicate_of", article.c.duplicate_of)

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
