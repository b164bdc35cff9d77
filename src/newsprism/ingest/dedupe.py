"""Duplicate detection. Exact copies share an id (hash of the normalized text); near-duplicates
and syndicated copies are found with MinHash LSH (datasketch)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
# Stored signatures are only comparable under the scheme that made them.
SCHEME = "affine32"
SHINGLE_WORDS = 3
DEFAULT_THRESHOLD = 0.5
LSH_MAX_THRESHOLD = 0.8


def fold_text(text: str) -> str:
    """Text reduced to lower-case words: quotes, dashes, spacing and case differ between copies
    of the same article and must not change its identity."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def content_id(text: str) -> str:
    return hashlib.sha256(fold_text(text).encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    # Built once per process: MinHash() would otherwise redo this for every article.
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def word_shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The runs of `size` consecutive words: what copied text shares and rewording does not."""
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> bytes:
    words = fold_text(text).split()
    shingles = {" ".join(words)} if len(words) < SHINGLE_WORDS else word_shingles(words)
    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=_permutations(), scheme=SCHEME)
    mh.update_batch([s.encode() for s in shingles])
    # the affine32 scheme's values are below 2**32: four bytes each hold them whole (stores
    # written before kept eight)
    return mh.hashvalues.astype("<u4").tobytes()


def _values(sig: bytes) -> np.ndarray:
    wide = len(sig) == NUM_PERM * 8
    return np.frombuffer(sig, dtype="<u8" if wide else "<u4").astype(np.uint64)


def _minhash(sig: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=_values(sig),
                   permutations=_permutations(), scheme=SCHEME)  # fmt: skip


class LshBands:
    """How signatures are cut into bands for a threshold (datasketch's MinHashLSH banding: two
    articles sharing all the values of any one band are candidate near-duplicates), each band
    as one 64-bit key: the store holds the stored articles' keys and looks up a new article's
    candidates, so that no run holds every article's bands (about 8 KB an article in
    datasketch's in-memory index)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        # Banding cannot be tuned for thresholds near 1 (datasketch needs at least two bands);
        # the exact threshold is checked on each candidate.
        lsh = MinHashLSH(threshold=min(threshold, LSH_MAX_THRESHOLD), num_perm=NUM_PERM)
        self._ranges: list[tuple[int, int]] = list(lsh.hashranges)
        # what stored keys must have been made with to be compared with these
        self.scheme = f"{SCHEME}-b{lsh.b}r{lsh.r}"

    def keys(self, sig: bytes) -> list[int]:
        values = _values(sig).astype("<u8")
        return [
            int.from_bytes(hashlib.blake2b(values[start:end].tobytes(), digest_size=8,
                                           salt=band.to_bytes(4, "little")).digest(),
                           "little", signed=True)  # a BIGINT column's range
            for band, (start, end) in enumerate(self._ranges)
        ]  # fmt: skip


def best_match(sig: bytes, candidates: Iterable[tuple[str, bytes, str | None]],
               threshold: float) -> tuple[str, float] | None:
    """Of the candidates (id, signature, group original or None), in arrival order, the group
    original of the most similar one at `threshold` or above (the earliest of equals), and the
    estimated similarity."""
    mh = _minhash(sig)
    best: tuple[str, float] | None = None
    for candidate, candidate_sig, duplicate_of in candidates:
        similarity = mh.jaccard(_minhash(candidate_sig))
        if similarity >= threshold and (best is None or similarity > best[1]):
            best = (duplicate_of or candidate, round(float(similarity), 3))
    return best


class NearDuplicateIndex:
    """Signatures held in memory by their bands' keys: each new article is matched against
    those added before it and joins the group of the most similar one. (A run keeps in one only
    the batch not yet stored: the store looks up the rest.)"""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD,
                 bands: LshBands | None = None) -> None:  # fmt: skip
        self.threshold = threshold
        self.bands = bands or LshBands(threshold)
        self._by_key: dict[int, list[str]] = {}
        # id → (when added, signature, group original)
        self._added: dict[str, tuple[int, bytes, str | None]] = {}

    def add(self, article_id: str, sig: bytes, duplicate_of: str | None,
            keys: Iterable[int] | None = None) -> None:  # fmt: skip
        """Add the article (`keys`: its signature's band keys, when known)."""
        if article_id in self._added:
            return
        self._added[article_id] = (len(self._added), sig, duplicate_of)
        for key in self.bands.keys(sig) if keys is None else keys:
            self._by_key.setdefault(key, []).append(article_id)

    def candidates(self, keys: Iterable[int]) -> list[tuple[str, bytes, str | None]]:
        """The articles sharing a band key with `keys`, in the order they were added."""
        found = sorted({a for key in keys for a in self._by_key.get(key, ())},
                       key=lambda a: self._added[a][0])  # fmt: skip
        return [(a, *self._added[a][1:]) for a in found]

    def match(self, sig: bytes) -> tuple[str, float] | None:
        """The group original of the best near-duplicate, and the estimated similarity."""
        return best_match(sig, self.candidates(self.bands.keys(sig)), self.threshold)

    def clear(self) -> None:
        self._by_key.clear()
        self._added.clear()
