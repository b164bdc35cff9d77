"""The stories run: every cross-checked article not yet placed joins a story or starts one, one
batch of articles per transaction; the stories it changed are summarised and stored again.

Incremental: the story index is rebuilt from the stored memberships (features and lead vectors:
no article is embedded twice), and adding an article only searches it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from newsprism.crosscheck.embed import Embedder
from newsprism.encoders.packed import pack, unpack
from newsprism.engine.local import Engine, here_threads, map_stage
from newsprism.progress import ProgressReporter
from newsprism.store import Store
from newsprism.stories import ArticleFeatures, StoryIndex, build_features, lead_text
from newsprism.stories.embed import (
    THREADS,
    embedder_name,
    loaded_story_embedder,
    story_embedder,
)

# Bump when features, scoring or weights change: every story is then rebuilt.
STORIES_VERSION = "6"
# articles per transaction, and per encoding on a worker: two workers share a few hundred evenly
BATCH_ARTICLES = 16
PROFILE_TYPES = {"mention", "place", "timeref"}


@dataclass
class StoriesSummary:
    articles: int = 0
    created: int = 0
    merged: int = 0
    stories: int = 0
    seconds: float = 0.0


def stage_version(embedder: Embedder) -> str:
    return f"{STORIES_VERSION}:{embedder_name(embedder)}"


def load_index(store: Store, embedder: Embedder) -> StoryIndex:
    """The stored stories, ready to take new articles."""
    index = StoryIndex(dim=embedder.dim)
    members = [
        (ArticleFeatures.from_dict(data), story_id, unpacked)
        for data, story_id, vector in store.stored_story_members()
        if (unpacked := unpack(vector, embedder.dim)) is not None
    ]
    index.restore(members, store.story_aliases())
    return index


def run_stories(
    store: Store,
    progress: bool = True,
    embedder: Embedder | None = None,
    engine: Engine | None = None,
    workers: int | None = None,
) -> StoriesSummary:
    """Place the cross-checked articles not yet in a story. Their leads are encoded on
    `engine`'s workers while this process places the batch before; without an engine, or with
    an `embedder` of the caller's, here."""
    started = time.monotonic()
    summary = StoriesSummary()
    own = embedder or story_embedder(here_threads(workers, THREADS))
    version = stage_version(own)
    pending = store.pending_stories(version)
    if not pending:
        return summary
    index = load_index(store, own)
    meta = store.article_meta()
    names = {e["id"]: e["name"] for e in store.entities()}
    reporter = ProgressReporter(len(pending), "stories", enabled=progress)
    encoded = map_stage(
        engine if embedder is None else None,  # a caller's own model stays here
        workers,
        len(pending) // BATCH_ARTICLES,
        _features(store, pending, meta, names),
        here=partial(encode_leads, embedder=own),
        there=partial(encode_leads, threads=1),
        load=partial(loaded_story_embedder, 1),  # forked local workers share the loaded model
    )
    for features, blobs in encoded:
        members, touched, merges = [], set(), {}
        for f, blob in zip(features, blobs, strict=True):
            placed = index.add(f, _compared(blob, own.dim))
            summary.created += placed.created
            merges.update(placed.merged)
            touched.add(placed.story_id)
            members.append(
                {
                    "article_id": f.id,
                    "story_id": placed.story_id,
                    "version": version,
                    "vector": blob,  # the bytes the index compared, not its floats packed again
                    "data": f.stored(),
                }
            )
        # An article that started a story alone before the batch's articles came may fit one
        # of the stories they grew (StoryIndex.settle).
        settled = index.settle(sorted(touched))
        merges.update(settled)
        touched.update(settled.values())
        # A member placed earlier in this batch may have moved with a merge since.
        for m in members:
            m["story_id"] = index.resolve(m["story_id"])
        merges = {old: index.resolve(new) for old, new in merges.items()}
        live = {index.resolve(s) for s in touched}
        store.save_stories(members, [story_row(index, s) for s in sorted(live)], merges)
        summary.merged += len(merges)
        summary.articles += len(features)
        reporter.advance(len(features))
    reporter.close()
    summary.stories = len(index)
    summary.seconds = time.monotonic() - started
    return summary


Leads = tuple[list[ArticleFeatures], list[str]]


def encode_leads(
    batch: Leads, embedder: Embedder | None = None, threads: int = 1
) -> tuple[list[ArticleFeatures], list[bytes]]:
    """A batch's features with the vectors of their leads packed as the store keeps them (so
    that a reloaded index places as this one does: both compare them unpacked): the
    per-article part of the stage, run by the engine's workers (one thread each: `threads`)."""
    features, texts = batch
    return features, [pack(v) for v in (embedder or story_embedder(threads)).encode(texts)]


def _compared(blob: bytes, dim: int) -> np.ndarray:
    vector = unpack(blob, dim)
    assert vector is not None, "encode_leads packs vectors of the embedder's size"
    return vector


def _features(
    store: Store, pending: list[str], meta: dict[str, dict[str, Any]], names: dict[str, str]
) -> Iterator[Leads]:
    for i in range(0, len(pending), BATCH_ARTICLES):
        yield article_features(store, pending[i : i + BATCH_ARTICLES], meta, names)


def article_features(
    store: Store, ids: list[str], meta: dict[str, dict[str, Any]], names: dict[str, str]
) -> tuple[list[ArticleFeatures], list[str]]:
    """Features and lead text of each article, in the order given."""
    claims = store.article_claim_groups(ids)
    features, texts = [], []
    profiles = store.span_records_by_article(ids, PROFILE_TYPES)
    for row in store.understanding_inputs(ids):
        article = {**row, "outlet": (meta.get(row["id"]) or {}).get("outlet")}
        records = profiles[row["id"]]
        features.append(build_features(article, records, claims.get(row["id"], ()), names))
        texts.append(lead_text(row.get("title"), row.get("text") or ""))
    return features, texts


def story_row(index: StoryIndex, story_id: str) -> dict[str, Any]:
    """The story as stored: its articles and claim groups are left to story_member and claim
    (Store.stories reads them there), as the row is written again each time a batch touches it."""
    summary = index.summary(story_id)
    data = {k: v for k, v in summary.items()
            if k not in ("id", "title", "first", "last", "article_ids", "claim_groups")}
    return {
        "id": summary["id"],
        "title": summary["title"],
        "first": summary["first"],
        "last": summary["last"],
        "size": len(summary["article_ids"]),  # type: ignore[arg-type]
        "data": json.dumps(data, ensure_ascii=False),
    }
