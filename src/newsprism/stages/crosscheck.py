"""The cross-checking run: the claims of every understood article not yet grouped, added one
article at a time to the corpus's claim groups; the verdicts of the groups they touch are
recomputed and stored, one batch of articles per transaction.

Reading an article's claims and encoding their meanings is per-article work: it runs on the
run's engine (the local workers or Dask's) while this process groups the batch before, so the
corpus-wide part here is only the search, the grouping, the verdicts and the writes.

Incremental: the grouping index is rebuilt from the stored claims and their embeddings (no
claim is embedded or grouped twice), and adding an article only searches it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from typing import Any

from newsprism.crosscheck import (
    Claim,
    ClaimGroup,
    ClaimIndex,
    Embedder,
    StoredGroups,
    claim_vectors,
    default_embedder,
    extract_claims,
    loaded_embedder,
    verdict,
)
from newsprism.crosscheck.claims import CLAIM_RECORD_TYPES
from newsprism.crosscheck.embed import STAGE_THREADS
from newsprism.crosscheck.verdicts import Verdict
from newsprism.encoders.packed import pack, packed_form
from newsprism.engine.local import (
    Engine,
    here_threads,
    map_stage,
    stage_workers,
    tapered_batches,
)
from newsprism.progress import ProgressReporter
from newsprism.store import Store, layouts
from newsprism.store.claims import (
    CLAIM_COLUMNS,
    STATEMENT_FIELDS,
    group_data,
    statement_of,
    stored_evidence,
    told_articles,
)
from newsprism.store.derived_text import kept_text

# Bump when claims or grouping change: every group is then rebuilt from the stored records.
CROSSCHECK_VERSION = "16"
# articles a worker reads at a time, and per transaction here: small enough that two workers
# share a few hundred articles evenly
BATCH_ARTICLES = 16


@dataclass
class CrosscheckSummary:
    articles: int = 0
    claims: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


# A claim whose sentence an earlier claim of its article already stored the vector of keeps
# this instead (two or three figures of one toll sentence share its vector): an empty value,
# not NULL, which stays "no vector of this model".
SAME_SENTENCE = b""


# stored claims put back in the index at a time: a reload holds no more than these at once
RESTORE_CHUNK = 5_000


def load_index(store: Store, embedder: Embedder | None = None) -> ClaimIndex:
    """The claim groups of the store, ready to take new claims. The index keeps each claim's
    id, group and vector; the groups' claims are read back from the store when a new claim
    may join them (StoredGroups), so a run does not hold the corpus's claims."""
    index = ClaimIndex(embedder=embedder, shelf=StoredGroups(partial(_stored_groups, store)))
    chunk: list[tuple[Claim, str, bytes | None]] = []
    # the vectors of the current article's sentences: its claims are stored one after another
    article, sentences = None, {}
    for data, group_id, vector in store.stored_claims():
        claim = Claim.from_dict(data)
        if claim.article_id != article:
            article, sentences = claim.article_id, {}
        if vector == SAME_SENTENCE:
            vector = sentences.get(claim.meaning_text)  # None: embedded again below
        else:
            sentences.setdefault(claim.meaning_text, vector)
        chunk.append((claim, group_id, vector))
        if len(chunk) == RESTORE_CHUNK:
            _restore(index, chunk)
            chunk = []
    _restore(index, chunk)
    return index


def _restore(index: ClaimIndex, chunk: list[tuple[Claim, str, bytes | None]]) -> None:
    if not chunk:
        return
    claims, groups, vectors = zip(*chunk, strict=True)
    packed = [packed_form(v, index.dim) for v in vectors]
    # vectors another model stored, or a sentence's vector not found before its claim:
    # embedded again, the groups kept
    missing = [i for i, v in enumerate(packed) if v is None]
    if missing:
        again = index.embedder.encode([claims[i].meaning_text for i in missing])
        for i, v in zip(missing, again, strict=True):
            packed[i] = pack(v)
    index.restore(claims, groups, packed)


def _stored_groups(store: Store, group_ids: list[str]) -> dict[str, list[Claim]]:
    return {g: [Claim.from_dict(d) for d in found]
            for g, found in store.claims_of_groups(group_ids).items()}  # fmt: skip


def run_crosscheck(
    store: Store,
    progress: bool = True,
    embedder: Embedder | None = None,
    engine: Engine | None = None,
    workers: int | None = None,
) -> CrosscheckSummary:
    """Group the claims of the understood articles not yet cross-checked. Their claims are
    extracted and their meanings encoded on `engine`'s workers (per-article work, which then
    overlaps the grouping here); without an engine, or with an `embedder` of the caller's,
    here."""
    started = time.monotonic()
    summary = CrosscheckSummary()
    pending = store.pending_crosscheck(CROSSCHECK_VERSION)
    if not pending:
        return summary
    articles = store.article_meta()
    index = load_index(store, embedder or default_embedder(here_threads(workers, STAGE_THREADS)))
    copies = copy_groups_of(articles)
    reporter = ProgressReporter(len(pending), "cross-checking", enabled=progress)
    # each article's text, from when it is sent to be read until its claims are stored
    texts: dict[str, str] = {}
    sharing = stage_workers(workers, len(pending) // BATCH_ARTICLES) if embedder is None else 1
    read = map_stage(
        engine if embedder is None else None,  # a caller's own model stays here
        workers,
        len(pending) // BATCH_ARTICLES,
        _claim_inputs(store, tapered_batches(pending, BATCH_ARTICLES, sharing), articles, texts),
        here=partial(read_claims, embedder=index.embedder),
        there=partial(read_claims, threads=1),
        load=partial(loaded_embedder, 1),  # forked local workers share the loaded model
    )
    for batch in read:
        claim_rows, touched = add_articles(index, batch, articles, copies, texts)
        index.fetch_groups(touched)  # the older groups a copy touched, read at once
        group_rows = []
        for group_id in touched:
            group = index.group(group_id)
            judged = verdict(group, articles, index.similarity)
            group_rows.append(group_row(group, judged))
            summary.verdicts[judged.verdict] += 1
        store.save_crosscheck([a.article_id for a in batch], claim_rows, group_rows,
                              CROSSCHECK_VERSION)  # fmt: skip
        index.saved()
        summary.articles += len(batch)
        summary.claims += len(claim_rows)
        reporter.advance(len(batch))
    reporter.close()
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class ArticleClaims:
    """One article's claims as read where the engine ran it, with their meanings encoded."""

    article_id: str
    claims: list[Claim]
    vectors: dict[str, bytes]  # packed, by meaning text (claim_vectors)


def read_claims(
    batch: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    embedder: Embedder | None = None,
    threads: int = 1,
) -> list[ArticleClaims]:
    """The claims of each (article, its span records) and their meanings: the per-article part
    of cross-checking, run by the engine's workers (one thread each: `threads`)."""
    embedder = embedder or default_embedder(threads)
    read = []
    for article, records in batch:
        claims = list({c.id: c for c in extract_claims(article, records)}.values())
        read.append(ArticleClaims(article["id"], claims, claim_vectors(claims, embedder)))
    return read


def _claim_inputs(
    store: Store,
    batches: Iterable[Sequence[str]],
    articles: dict[str, dict[str, Any]],
    texts: dict[str, str],
) -> Iterator[list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    for ids in batches:
        batch = []
        records = store.span_records_by_article(ids, CLAIM_RECORD_TYPES)
        for row in store.understanding_inputs(ids):
            texts[row["id"]] = row["text"]
            article = {**articles.get(row["id"], {}), **row}
            batch.append((article, records[row["id"]]))
        yield batch


def add_articles(
    index: ClaimIndex,
    batch: list[ArticleClaims],
    articles: dict[str, dict[str, Any]],
    copy_groups: dict[str, set[str]],
    texts: dict[str, str],
) -> tuple[list[dict[str, Any]], set[str]]:
    """Group the claims of a batch of articles: their rows to store, and the ids of the groups
    whose verdict may have changed."""
    rows: list[dict[str, Any]] = []
    touched: set[str] = set()
    for read in batch:
        text = texts.pop(read.article_id)
        claims = {c.id: c for c in read.claims}
        stored_sentences: set[str] = set()
        # no article metadata for the index to keep (its `to_state`'s): the store holds it
        for change in index.add(read.claims, None, read.vectors):
            touched.add(change.group_id)
            c = claims[change.claim_id]
            if c.meaning_text in stored_sentences:
                vector = SAME_SENTENCE
            else:  # the bytes the index was given where the article was read, else its own
                vector = read.vectors.get(c.meaning_text) or index.stored_vector(c.id)
            stored_sentences.add(c.meaning_text)
            rows.append(
                {
                    "id": c.id,
                    "article_id": c.article_id,
                    "start": c.start,
                    "end": c.end,
                    "text": kept_text(c.text, c.start, c.end, text),
                    "kind": c.kind,
                    "group_id": change.group_id,
                    "vector": vector,
                    "data": layouts.pack("claim", CLAIM_LAYOUT, stored_fields(c)),
                }
            )
        # A copy of an older article changes who is independent in that article's groups too.
        copies = copy_groups.get((articles.get(read.article_id) or {}).get("duplicate_group") or "")
        if copies:
            touched |= index.groups_of_articles(copies)
    return rows, touched


# Neither the fields the claim row holds in columns of its own (CLAIM_COLUMNS) nor values that
# say nothing (Claim's defaults) are repeated in the row's JSON (store size, issue 21).
_DEFAULTS = {"mood": "fact"}
# A claim's own fields as its row's JSON holds them by position (store/layouts.py).
CLAIM_LAYOUT = " ".join(f.name for f in fields(Claim) if f.name not in CLAIM_COLUMNS)


def stored_fields(claim: Claim) -> dict[str, Any]:
    """The claim's JSON as stored: what the columns do not hold and is not a default."""
    return {
        k: v
        for k, v in claim.to_dict().items()
        if k not in CLAIM_COLUMNS and not _says_nothing(v) and _DEFAULTS.get(k) != v
    }


def _says_nothing(value: Any) -> bool:
    # a value of 0 says something: only None, False and empty text or lists are left out
    return value is None or value is False or (isinstance(value, str | list | tuple) and not value)


def copy_groups_of(articles: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """The members of each near-duplicate group, by the group's original."""
    groups: dict[str, set[str]] = {}
    for article_id, meta in articles.items():
        if meta.get("duplicate_group"):
            groups.setdefault(meta["duplicate_group"], set()).add(article_id)
    return groups


def _told(e: Any) -> dict[str, Any]:
    """An evidence entry of a statement a group holds, as stored: its claim, whose source says
    whether it reports someone's words or asserts in its own voice (store.claims.said_stance,
    put back on reading)."""
    return {"claim_id": e.claim_id}


def group_row(group: ClaimGroup, judged: Verdict) -> dict[str, Any]:
    # the claim the supporting side was built around states the group
    pivot = judged.for_evidence[0].claim_id if judged.for_evidence else None
    lead = next((c for c in group.claims if c.id == pivot), group.claims[0])
    # what the group says, taken from that claim; empty fields and the evidence's sentences
    # (kept in the claim table) are left out, and put back by the store on reading
    statement = {k: getattr(lead, k) for k in STATEMENT_FIELDS if k != "text"}
    statement["text"] = lead.value_text or lead.text
    statement = {k: v for k, v in statement.items() if v is not None}
    # ... and left out where the lead claim, the first of the evidence, says just that
    derived = pivot is not None and statement == statement_of(stored_fields(lead), lead.text)
    # each entry keeps its claim and stance: the store puts back the claim's span, value,
    # speaker and article
    evidence = [_told(e) for e in judged.for_evidence] + [
        stored_evidence({"claim_id": e.claim_id, "stance": "disputes"})
        for e in judged.against_evidence
    ]  # fmt: skip
    related = [_told(e) for e in judged.related_evidence]
    # the group's articles, left out where its evidence names them all in the same order
    told = told_articles(e.article_id for e in (
        *judged.for_evidence, *judged.against_evidence, *judged.related_evidence))
    return {
        "id": group.id,
        "kind": group.kind,
        "verdict": judged.verdict,
        "independent_outlets": judged.independent_outlets,
        "first_seen": judged.first_seen,
        "data": group_data(
            {
                "confidence": round(judged.confidence, 3),
                **({} if derived else {"statement": statement}),
                "reason": judged.reason,
                "sources": judged.sources,
                "evidence": evidence,
                **({"related": related} if related else {}),
                **({} if told == group.article_ids else {"articles": group.article_ids}),
            },
            group.id,
        ),
    }
