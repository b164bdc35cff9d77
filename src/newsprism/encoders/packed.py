"""Sentence vectors as the store keeps them: one byte a dimension.

A float32 MiniLM vector is 1,536 bytes, most of a claim's row (issue 21: 168 KB an article,
three quarters of it claim vectors and JSON). Scaled to int8 by its largest component it is
388 bytes, and cosines move by about 0.001 (the thresholds they are compared with are given to
two decimals). The stages compare the vectors as stored, unpacked, never the float32 ones the
model gave: a corpus analyzed in one run and one analyzed a batch at a time then group alike.
"""

from __future__ import annotations

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


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Each row as it reads back from the store."""
    rows = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    dim = rows.shape[1] if rows.ndim == 2 else 0
    out = np.zeros(rows.shape, dtype=np.float32)
    for i, row in enumerate(rows):
        unpacked = unpack(pack(row), dim)
        assert unpacked is not None
        out[i] = unpacked
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm > 0 else v.astype(np.float32)
