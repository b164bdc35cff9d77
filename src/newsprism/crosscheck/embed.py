"""Sentence embeddings for claim matching, behind a two-member interface (`dim`, `encode`).

`MiniLMEmbedder` runs all-MiniLM-L6-v2 as the onnxruntime graph of encoders/sentence_graph.py
and gives the same vectors as sentence-transformers (mean pooling, L2 norm).
`HashEmbedder` is a dependency-free stand-in for fast tests and for machines without the model.
"""

from __future__ import annotations

import re
import warnings
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from newsprism.encoders.minilm import load_safetensors, model_dir
from newsprism.encoders.sentence_graph import sentence_session, session_threads

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


@lru_cache(maxsize=2)
def _session(path: Path, threads: int) -> Any:
    """One graph per model and thread count in a process: the claims' encoder and the
    stories' (which truncates at more tokens, in its own tokenizer) share it, rather than each
    reading the weights and building the graph (a second each, 90 MB each)."""
    return sentence_session(load_safetensors(path / "model.safetensors"), threads)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) on onnxruntime, on at most `threads` threads. The
    graph is built when it first encodes (or when `loaded`): a process whose texts are all
    encoded elsewhere (a Dask client, the parent of forked workers) names its model without
    holding a second graph of it (~100 MB)."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, path: Path | None = None, threads: int = 1) -> None:
        from tokenizers import Tokenizer

        self.path = path or model_dir()
        if not (self.path / "model.safetensors").is_file():
            raise FileNotFoundError(f"{self.path / 'model.safetensors'}: the model's weights")
        self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.threads = session_threads(threads)

    @property
    def session(self) -> Any:
        return _session(self.path, self.threads)

    def loaded(self) -> MiniLMEmbedder:
        """This encoder with its graph built: what forked workers then share."""
        self.session  # noqa: B018 - built and cached by _session
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for begin in range(0, len(order), BATCH):
            chunk = order[begin : begin + BATCH]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.float32)
        (vectors,) = self.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
        return vectors


# The cross-checking stage's own encoder (where no engine's workers encode): two threads cut an
# article's encoding by ~30% (more do not pay on such small matrices), but never more threads
# than the workers a run was given (engine.local.here_threads).
STAGE_THREADS = 2


def loaded(embedder: Embedder) -> Embedder:
    """`embedder` with its model in memory (a stand-in has none to load)."""
    load = getattr(embedder, "loaded", None)
    return load() if load is not None else embedder


def loaded_embedder(threads: int) -> Embedder:
    """The claims' encoder on `threads` threads, its graph built: what an engine's workers
    load once (forked local workers then share it)."""
    return loaded(default_embedder(threads))


@lru_cache(maxsize=1)
def default_embedder(threads: int = STAGE_THREADS) -> Embedder:
    """The real model when its package is installed, else the hashing stand-in."""
    try:
        return MiniLMEmbedder(threads=threads)
    except (ModuleNotFoundError, ImportError, FileNotFoundError) as error:
        warnings.warn(
            f"claim matching falls back to word hashing, meaning is not compared: {error}",
            stacklevel=2,
        )
        return HashEmbedder()
