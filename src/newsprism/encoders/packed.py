"""Sentence vectors as the store keeps them: one byte a dimension.

A float32 MiniLM vector is 1,536 bytes, most of a claim's row (issue 21: 168 KB an article,
three quarters of it claim vectors and JSON). Scaled to int8 by its largest component it is
388 bytes, and cosines move by about 0.001 (the thresholds they are compared with are given to
two decimals). The stages compare the vectors as stored, unpacked, never the float32 ones the
model gave: a corpus analyzed in one run and one analyzed a batch at a time then group alike.
A run holds the vectors it compares packed too (`PackedRows`): a quarter of the memory, and the
very bytes it was given go to the store, so that a reload compares what the run compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

SCALE_BYTES = 4  # a float32 scale before the int8 components
LEVELS = 127.0


def pack(vector: np.ndarray) -> bytes:
    """The vector as stored: its scale (float32, little-endian) then its int8 components."""
    v = np.asarray(vector, dtype=np.float32).ravel()
    scale = float(np.max(np.abs(v))) / LEVELS if v.size else 0.0
    codes = np.zeros(v.shape, dtype=np.int8) if scale == 0.0 else _codes(v, scale)
    return np.float32(scale).astype("<f4").tobytes() + codes.tobytes()


def _codes(v: np.ndarray, scale: float) -> np.ndarray:
    return np.clip(np.rint(v / scale), -LEVELS, LEVELS).astype(np.int8)


def unpack(blob: bytes | None, dim: int) -> np.ndarray | None:
    """The stored vector, L2-normalised, as float32; a float32 vector an older version stored is
    read as it was; None for a vector of another size (another model: embed again)."""
    if blob is None:
        return None
    if len(blob) == SCALE_BYTES + dim:
        scale = np.frombuffer(blob[:SCALE_BYTES], dtype="<f4")[0]
        v = np.frombuffer(blob[SCALE_BYTES:], dtype=np.int8).astype(np.float32) * scale
        return _unit(v)
    if len(blob) == 4 * dim:
        return np.frombuffer(blob, dtype=np.float32).copy()
    return None


def packed_form(blob: bytes | None, dim: int) -> bytes | None:
    """The stored vector in the packed form, as stored; a float32 vector an older version
    stored, packed now; None for a vector of another size (another model: embed again)."""
    if blob is None or len(blob) == SCALE_BYTES + dim:
        return blob
    if len(blob) == 4 * dim:
        return pack(np.frombuffer(blob, dtype=np.float32))
    return None


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm > 0 else v.astype(np.float32)


class CodeTable(Protocol):
    """Where `PackedRows` keeps its rows' int8 codes, a row per position in the order added:
    its own growing array, or an index that must hold the very same codes anyway (the claims'
    ANN index), so that a run holds them once."""

    def append(self, codes: np.ndarray) -> None: ...

    def take(self, positions: np.ndarray) -> np.ndarray: ...


class CodeArray:
    """A growing (rows, dim) int8 array: `PackedRows`' own code table."""

    def __init__(self, dim: int, capacity: int = 1024) -> None:
        self._codes = np.zeros((capacity, dim), dtype=np.int8)
        self._size = 0

    def append(self, codes: np.ndarray) -> None:
        needed = self._size + len(codes)
        if needed > len(self._codes):
            grown = np.zeros((max(needed, 2 * len(self._codes)), self._codes.shape[1]), np.int8)
            grown[: self._size] = self._codes[: self._size]
            self._codes = grown
        self._codes[self._size : needed] = codes
        self._size = needed

    def take(self, positions: np.ndarray) -> np.ndarray:
        return self._codes[positions]


class PackedRows:
    """A growing table of packed vectors (`pack`'s bytes), 4 + dim bytes a row plus its norm,
    instead of 4 x dim as float32. `rows` reads them back exactly as `unpack` reads each one's
    bytes (the same float32 operations, element by element), and `blob` hands back the very
    bytes a row was given. The codes live in `codes` (default: an array of its own)."""

    def __init__(self, dim: int, capacity: int = 1024, codes: CodeTable | None = None) -> None:
        self.dim = dim
        self._codes = codes if codes is not None else CodeArray(dim, capacity)
        self._scales = np.zeros(capacity, dtype="<f4")
        self._norms = np.ones(capacity, dtype=np.float32)  # 1 for a zero vector: left as it is
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, blobs: Sequence[bytes]) -> None:
        """Add packed vectors (each `pack`'s bytes for this size)."""
        if any(len(b) != SCALE_BYTES + self.dim for b in blobs):
            size = SCALE_BYTES + self.dim
            raise ValueError(f"a packed vector of {self.dim} dimensions is {size} bytes")
        needed = self._size + len(blobs)
        if needed > len(self._scales):
            self._grow(max(needed, 2 * len(self._scales)))
        new = slice(self._size, needed)
        raw = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), -1)
        codes = raw[:, SCALE_BYTES:].view(np.int8)
        self._scales[new] = raw[:, :SCALE_BYTES].copy().view("<f4").ravel()
        for i, row in enumerate(codes):
            # the norm `unpack` divides by, computed as it computes it (row by row)
            norm = np.linalg.norm(row.astype(np.float32) * self._scales[self._size + i])
            self._norms[self._size + i] = norm if norm > 0 else 1.0
        self._codes.append(codes)
        self._size = needed

    def _grow(self, capacity: int) -> None:
        scales = np.zeros(capacity, dtype="<f4")
        norms = np.ones(capacity, dtype=np.float32)
        scales[: self._size] = self._scales[: self._size]
        norms[: self._size] = self._norms[: self._size]
        self._scales, self._norms = scales, norms

    def rows(self, positions: Sequence[int]) -> np.ndarray:
        """The float32 rows at `positions`, each as `unpack` gives it."""
        at = self._positions(positions)
        v = self._codes.take(at).astype(np.float32) * self._scales[at, None]
        return v / self._norms[at, None]

    def row(self, position: int) -> np.ndarray:
        return self.rows([position])[0]

    def blob(self, position: int) -> bytes:
        return self.blobs([position])[0]

    def blobs(self, positions: Sequence[int]) -> list[bytes]:
        """The bytes each row of `positions` was given, read from the code table at once."""
        at = self._positions(positions)
        codes = self._codes.take(at)
        return [self._scales[i].tobytes() + row.tobytes() for i, row in zip(at, codes, strict=True)]

    def _positions(self, positions: Sequence[int]) -> np.ndarray:
        at = np.asarray(positions, dtype=np.int64)
        if len(at) and (at.min() < 0 or at.max() >= self._size):
            wrong = int(at.min()) if at.min() < 0 else int(at.max())
            raise IndexError(f"row {wrong} of {self._size}")
        return at
