"""Duplicate detection. Exact copies share an id (hash of the normalized text); near-duplicates
and syndicated copies are found with MinHash LSH (datasketch)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
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


def _minhash(sig: bytes) -> MinHash:
    wide = len(sig) == NUM_PERM * 8
    values = np.frombuffer(sig, dtype="<u8" if wide else "<u4").astype(np.uint64)
    return MinHash(
        num_perm=NUM_PERM, seed=1, hashvalues=values, permutations=_permutations(), scheme=SCHEME
    )


class NearDuplicateIndex:
    """Stored articles' signatures in an LSH index; each new article is matched against it and
    joins the group of its most similar earlier article."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        # The LSH only proposes candidates; the exact threshold is checked on each. Banding
        # cannot be tuned for thresholds near 1 (datasketch needs at least two bands).
        self._lsh = MinHashLSH(threshold=min(threshold, LSH_MAX_THRESHOLD), num_perm=NUM_PERM)
        self._roots: dict[str, str] = {}
        self._hashes: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._roots)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._roots

    def ids(self) -> set[str]:
        return set(self._roots)

    def add(self, article_id: str, sig: bytes, duplicate_of: str | None) -> None:
        if article_id in self._roots:
            return
        mh = _minhash(sig)
        self._lsh.insert(article_id, mh)
        self._hashes[article_id] = mh
        self._roots[article_id] = duplicate_of or article_id

    def match(self, sig: bytes) -> tuple[str, float] | None:
        """The group original of the best near-duplicate, and the estimated similarity."""
        mh = _minhash(sig)
        best: tuple[str, float] | None = None
        for candidate in self._lsh.query(mh):
            similarity = mh.jaccard(self._hashes[candidate])
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (self._roots[candidate], round(float(similarity), 3))
        return best
