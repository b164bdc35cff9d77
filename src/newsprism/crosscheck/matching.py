"""Incremental grouping of claims across articles: structure first, then meaning.

Two claims may share a group only if they speak of the same measure (counted-thing class, unit,
action class), of compatible actors, places and times. Among such candidates, found through an
approximate-nearest-neighbour index over claim embeddings, a claim joins the group of its most
similar compatible neighbour when the cosine passes the threshold for its kind. Adding claims
never revisits old assignments, so the cost of adding an article depends on its own claims and
on the index search (logarithmic in HNSW), not on the size of the corpus.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsprism.crosscheck.claim_positions import ClaimPositions
from newsprism.crosscheck.claims import ATTRIBUTED, EVENT, NUMERIC, Claim
from newsprism.crosscheck.comparisons import FEW_COSINE, can_join, is_few, same_scene
from newsprism.crosscheck.embed import Embedder, default_embedder
from newsprism.crosscheck.group_shelf import ClaimGroup, HeldGroups, StoredGroups
from newsprism.encoders.packed import SCALE_BYTES, PackedRows, pack, packed_form, unpack

# Cosine thresholds for all-MiniLM-L6-v2 over claim sentences. A numeric claim has already
# passed the structural gate (same counted thing, same action class, compatible value, time and
# place), so meaning only has to confirm the topic: unrelated news sentences sit below ~0.3,
# two outlets wording the same fact differently land around 0.4-0.7. Event and attributed
# claims have little structure to lean on, so they need near-paraphrases.
DEFAULT_THRESHOLDS = {NUMERIC: 0.35, EVENT: 0.45, ATTRIBUTED: 0.72}
BULK_ADD = 1000  # vectors added at once from which the index is built on every core
# candidates looked at per claim; groups are small, so a few dozen is plenty. The claims of one
# sentence share its vector and come back together (a toll sentence holds three or four), so
# 24 could be six sentences and miss the rival figure of another outlet ranked seventh.
NEIGHBOURS = 64
# How far usearch's cosine of the codes may be from the exact one and still decide a comparison
# alone: 4,000 times the largest gap seen (Neighbour), and five times what a kernel of another
# CPU that took a reciprocal square root at 12 bits, unrefined, could be off by.
ROUNDING = 0.002


@dataclass(frozen=True)
class GroupChange:
    group_id: str
    claim_id: str
    change: str  # "created" (a new group) or "joined" (an existing one)


# --- the vector index ---------------------------------------------------------------------


class _AnnCodes:
    """usearch HNSW over the claims' int8 codes, as `PackedRows`' code table: the index keeps
    the very codes the store keeps (a row's scale leaves its cosines unchanged), so a run holds
    them once, 384 bytes a claim, rather than again as the f16 copy the index searched before
    (768 bytes)."""

    def __init__(self, dim: int) -> None:
        from usearch.index import Index  # imported here: it loads a native library

        # expansion values trade a little recall for speed; the search asks for NEIGHBOURS
        self.ann = Index(ndim=dim, metric="cos", dtype="i8", expansion_add=64, expansion_search=48)

    def append(self, codes: np.ndarray) -> None:
        keys = np.arange(len(self.ann), len(self.ann) + len(codes), dtype=np.uint64)
        # A bulk load (the stored claims at the start of a run) has the machine to itself: all
        # cores (0); one article's few claims stay on one thread beside the workers.
        self.ann.add(keys, codes, threads=0 if len(codes) > BULK_ADD else 1)

    def take(self, positions: np.ndarray) -> np.ndarray:
        if not len(positions):
            return np.zeros((0, self.ann.ndim), dtype=np.int8)
        got = self.ann.get(positions.astype(np.uint64), dtype=np.int8)
        return np.asarray(got, dtype=np.int8).reshape(len(positions), -1)


class ClaimVectorIndex:
    """The claims' vectors as stored (packed, `PackedRows`), searched through an ANN index of
    their codes and compared exactly."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._codes = _AnnCodes(dim)
        self.stored = PackedRows(dim, codes=self._codes)

    def __len__(self) -> int:
        return len(self.stored)

    @property
    def native_bytes(self) -> int:
        """What the ANN index holds outside Python's allocator (its graph and the codes)."""
        return int(self._codes.ann.memory_usage)

    def add(self, blobs: Sequence[bytes]) -> None:
        """Add vectors as the store keeps them (`pack`'s bytes)."""
        if blobs:
            self.stored.append(blobs)

    def nearest(
        self, blob: bytes, vector: np.ndarray, count: int, at_least: float = -np.inf
    ) -> list[Neighbour]:
        """The nearest stored vectors to the packed vector `blob` (whose unpacked float32 form
        is `vector`), best first by the index's own cosine of the codes, but for those whose
        cosine is surely below `at_least`; each reads its exact cosine back from the stored rows
        only when asked."""
        if not len(self.stored):
            return []
        count = min(count, len(self.stored))
        codes = np.frombuffer(blob, dtype=np.int8, offset=SCALE_BYTES)
        found = self._codes.ann.search(codes, count, threads=1)
        near = 1.0 - np.asarray(found.distances, dtype=np.float64)
        kept = ~(near < at_least - ROUNDING)  # NaN (no cosine) is kept, to be read back
        return [
            Neighbour(int(k), float(c), self.stored, vector)
            for k, c in zip(found.keys[kept], near[kept], strict=True)
        ]


class Neighbour:
    """One stored vector near a query. usearch's cosine of two int8 codes is their stored
    vectors' cosine but for float32 rounding (4.8e-7 at most over 1,000 real articles'
    claims), so a comparison that is clear by `ROUNDING` is decided on it; a closer one reads
    the row back and compares the exact cosine, computed as a reload computes it. Matching so
    decides as if every neighbour's exact cosine were read (most are far below the threshold)
    and reads back a few rows a claim instead of 64 (`benchmarks/scale.py`)."""

    __slots__ = ("position", "near", "_stored", "_vector", "_exact")

    def __init__(self, position: int, near: float, stored: PackedRows, vector: np.ndarray) -> None:
        self.position = position
        self.near = near  # the index's cosine; NaN where it has none (a zero vector's)
        self._stored = stored
        self._vector = vector
        self._exact: float | None = None

    def exact(self) -> float:
        if self._exact is None:
            self._exact = float(self._stored.rows([self.position])[0] @ self._vector)
        return self._exact

    def below(self, bound: float) -> bool:
        """Whether the exact cosine is below `bound`."""
        return self._versus(bound) < 0

    def above(self, bound: float) -> bool:
        """Whether the exact cosine is above `bound`."""
        return self._versus(bound) > 0

    def _versus(self, bound: float) -> float:
        """Negative where the exact cosine is below `bound`, positive where above: told by the
        index's cosine when it is clear by ROUNDING, else (close, or NaN) read back."""
        if self.near < bound - ROUNDING:
            return -1.0
        if self.near > bound + ROUNDING:
            return 1.0
        return self.exact() - bound


# --- the grouping -------------------------------------------------------------------------


def claim_vectors(claims: Iterable[Claim], embedder: Embedder) -> dict[str, bytes]:
    """The meaning of each of an article's claims, by its text, packed as the store keeps it (so
    that a reloaded index groups as this one does): one encoding per distinct sentence, since two
    figures of one sentence share it. Per-article work: the engine's workers do it as they read
    the article, and the same texts in the same order give the same vectors wherever it ran."""
    texts = list(dict.fromkeys(c.meaning_text for c in claims))
    if not texts:  # an article that claims nothing (a poem, a recipe)
        return {}
    return {t: pack(v) for t, v in zip(texts, embedder.encode(texts), strict=True)}


class ClaimIndex:
    """Claims and their groups, grown one article at a time. The groups' claims are held in
    memory, or read from the store where `shelf` is a StoredGroups (group_shelf.py): the index
    itself keeps a claim's id, group, article (claim_positions.py) and vector."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        dim: int | None = None,
        thresholds: dict[str, float] | None = None,
        neighbours: int = NEIGHBOURS,
        shelf: HeldGroups | StoredGroups | None = None,
    ) -> None:
        self.embedder = embedder if embedder is not None else default_embedder()
        self.dim = dim or self.embedder.dim
        self.thresholds = dict(getattr(self.embedder, "thresholds", None) or DEFAULT_THRESHOLDS)
        self.thresholds.update(thresholds or {})
        self.neighbours = neighbours
        self._shelf = shelf if shelf is not None else HeldGroups()
        # every claim by position where the groups are held; a stored index finds it in its group
        self._claims: list[Claim] | None = [] if isinstance(self._shelf, HeldGroups) else None
        self._positions = ClaimPositions()
        self.articles: dict[str, dict[str, Any]] = {}
        self._index = ClaimVectorIndex(self.dim)

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def claims(self) -> list[Claim]:
        """Every claim, in the order they were added (read from the store by a stored index)."""
        if self._claims is not None:
            return list(self._claims)
        return [self._claim_at(p) for p in range(len(self))]

    @property
    def native_bytes(self) -> int:
        """Memory the index holds outside Python (tracemalloc does not see it)."""
        return self._index.native_bytes

    def add(
        self,
        claims: list[Claim],
        article_meta: dict[str, dict[str, Any]] | None = None,
        vectors: dict[str, bytes] | None = None,
    ) -> list[GroupChange]:
        """Assign each claim to an existing group or a new one. Claims already in the index
        (same id) are skipped, so re-adding an article changes nothing. `vectors` are the
        claims' meanings already encoded where the article was read (claim_vectors); a claim
        whose meaning is not among them is encoded here."""
        self.articles.update({k: _meta(v) for k, v in (article_meta or {}).items()})
        known = self._positions.position
        fresh = list({c.id: c for c in claims if known(c.id) is None}.values())
        if not fresh:
            return []
        encoded = dict(vectors or {})
        missing = [c for c in fresh if c.meaning_text not in encoded]
        if missing:
            encoded.update(claim_vectors(missing, self.embedder))
        return [self._add_one(c, encoded[c.meaning_text]) for c in fresh]

    def _add_one(self, claim: Claim, blob: bytes) -> GroupChange:
        # checked before anything changes (the index stores only packed vectors)
        if len(blob) != SCALE_BYTES + self.dim:
            raise ValueError(f"claim {claim.id}: not a packed vector of {self.dim} dimensions")
        vector = unpack(blob, self.dim)
        assert vector is not None
        group_id = self._best_group(claim, blob, vector)
        change = "joined"
        if group_id is None:
            group_id = "g" + claim.id
            group = self._shelf.create(group_id, claim.kind)
            change = "created"
        else:
            group = self._shelf.changing(group_id)
        self._remember(claim, group_id)
        group.claims.append(claim)
        self._index.add([blob])
        return GroupChange(group_id, claim.id, change)

    def _best_group(self, claim: Claim, blob: bytes, vector: np.ndarray) -> str | None:
        threshold = self.thresholds[claim.kind]
        few = claim.kind == NUMERIC and is_few(claim)
        best: tuple[float, str] | None = None
        nearby = self._index.nearest(blob, vector, self.neighbours, at_least=threshold)
        # the groups the claim may join, read at once where the store holds them
        group_at = self._positions.group_at
        self._shelf.fetch(group_at(near.position) for near in nearby)
        for near in nearby:
            if near.below(threshold):
                continue
            pos = near.position
            if few and near.below(FEW_COSINE) and not same_scene(claim, self._claim_at(pos)):
                continue
            group_id = group_at(pos)
            if best is not None and not near.above(best[0]):
                continue
            if can_join(claim, self._shelf.group(group_id).claims):
                best = (near.exact(), group_id)
        return best[1] if best else None

    def _remember(self, claim: Claim, group_id: str) -> None:
        self._positions.add(claim.id, claim.article_id, group_id)
        if self._claims is not None:
            self._claims.append(claim)

    def _claim_at(self, position: int) -> Claim:
        if self._claims is not None:
            return self._claims[position]
        group = self._shelf.group(self._positions.group_at(position))
        claim_id = self._positions.id_at(position)
        return next(c for c in group.claims if c.id == claim_id)

    def groups(self) -> list[ClaimGroup]:
        """Every group, in the order they were made (read from the store by a stored index)."""
        return [self._shelf.group(g) for g in self._positions.groups()]

    def group(self, group_id: str) -> ClaimGroup:
        return self._shelf.group(group_id)

    def fetch_groups(self, group_ids: Iterable[str]) -> None:
        """Have these groups at hand (a stored index reads those it lacks in one query)."""
        self._shelf.fetch(group_ids)

    def saved(self) -> None:
        """The store now holds every claim added so far (a stored index may let their groups
        go)."""
        self._shelf.saved()

    def group_of_claim(self, claim_id: str) -> str:
        return self._positions.group_at(self._position(claim_id))

    def vector_of(self, claim_id: str) -> np.ndarray:
        """The claim's embedding as it compares it (the stored vector, unpacked)."""
        return self._index.stored.row(self._position(claim_id))

    def stored_vector(self, claim_id: str) -> bytes:
        """The claim's embedding as the store keeps it: the bytes it was added with, so that a
        reload compares exactly what this index compared."""
        return self._index.stored.blob(self._position(claim_id))

    def similarity(self, a: Claim, b: Claim) -> float:
        """The cosine of two indexed claims' meanings."""
        va, vb = self._index.stored.rows([self._position(a.id), self._position(b.id)])
        return float(va @ vb)

    def groups_of_articles(self, article_ids: Iterable[str]) -> set[str]:
        """Ids of the groups holding a claim of any of `article_ids`."""
        return self._positions.groups_of_articles(article_ids)

    def _position(self, claim_id: str) -> int:
        found = self._positions.position(claim_id)
        if found is None:
            raise KeyError(f"claim {claim_id} is not in this index")
        return found

    # --- persistence: claims, assignments and vectors; the ANN index is rebuilt on load ---

    def to_state(self) -> dict[str, Any]:
        stored = self._index.stored
        vectors = b"".join(stored.blobs(range(len(stored))))
        return {
            "version": 2,  # 1 held float32 vectors
            "embedder": _embedder_name(self.embedder),
            "dim": self.dim,
            "thresholds": self.thresholds,
            "claims": [c.to_dict() for c in self.claims],
            "groups": [self._positions.group_at(p) for p in range(len(self))],
            "vectors": base64.b64encode(vectors).decode("ascii"),
            "articles": self.articles,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], embedder: Embedder | None = None) -> ClaimIndex:
        index = cls(embedder=embedder)
        same_model = state.get("embedder") == _embedder_name(index.embedder)
        if same_model:
            index.thresholds.update(state.get("thresholds") or {})
        claims = [Claim.from_dict(c) for c in state["claims"]]
        raw = state.get("vectors")
        if raw and same_model and state.get("dim") == index.dim:
            data = base64.b64decode(raw)
            size = 4 * index.dim if state.get("version", 1) == 1 else SCALE_BYTES + index.dim
            found = [packed_form(data[i : i + size], index.dim) for i in range(0, len(data), size)]
            blobs = [b for b in found if b is not None]
            if len(blobs) != len(found):
                raise ValueError(f"the state's vectors are not whole {index.dim}-dimension ones")
        else:  # no vectors, or another model's: embed again (the groups stay as stored)
            blobs = [pack(v) for v in index.embedder.encode([c.meaning_text for c in claims])]
        index.restore(claims, state["groups"], blobs)
        index.articles.update(state.get("articles") or {})
        return index

    def restore(
        self, claims: Iterable[Claim], group_ids: Iterable[str], vectors: Sequence[bytes]
    ) -> None:
        """Load stored claims with their group assignments (in the order they were added) and
        their vectors as stored (`pack`'s bytes)."""
        claims = list(claims)
        if len(claims) != len(vectors):
            raise ValueError(f"{len(claims)} claims but {len(vectors)} vectors")
        self._index.add(vectors)  # first: a vector of the wrong size leaves the index as it was
        held = isinstance(self._shelf, HeldGroups)
        for claim, group_id in zip(claims, group_ids, strict=True):
            if held:  # a stored index reads its groups back when it needs them
                known = group_id in self._shelf
                group = self._shelf.changing(group_id) if known else self._shelf.create(
                    group_id, claim.kind)
                group.claims.append(claim)
            self._remember(claim, group_id)


def _embedder_name(embedder: Embedder) -> str:
    return str(getattr(embedder, "name", type(embedder).__name__))


def _meta(article: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "outlet", "published", "duplicate_group", "duplicate_of", "title", "domain")
    return {k: article.get(k) for k in keys if k in article}
