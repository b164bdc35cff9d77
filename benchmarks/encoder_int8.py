"""What int8 weights would do to the claims' sentence encoder: its speed on one thread and how
far it moves the cosines that claim matching compares with its thresholds, for onnxruntime's
dynamic quantization of the MiniLM graph (encoders/sentence_graph.py) in four forms, against
the float32 graph a run uses, on the same real claim sentences in one run.

    python benchmarks/encoder_int8.py --db STORE [--sentences 1500]

STORE is a store `newsprism analyze` wrote (SQLite file or PostgreSQL URL), for example one of
benchmarks/scale.py's databases: its claims' sentences (what they are embedded by), shuffled,
the first `--sentences` of them. For every pair of them: the mean, 99th percentile and largest
change of cosine, over all pairs and over the pairs at cosine >= 0.25, and how many pairs cross
each threshold of crosscheck/matching.py (0.35 numeric, 0.45 event, 0.72 attributed) either
way, next to how many float32 puts above it. Nothing here is used by a run: it says what
switching would take (thresholds chosen again on benchmarks/grouping.py's dev labels, checked
on the held-out ones). The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.crosscheck.embed import MiniLMEmbedder  # noqa: E402
from newsprism.crosscheck.matching import DEFAULT_THRESHOLDS  # noqa: E402
from newsprism.encoders.minilm import load_safetensors, model_dir  # noqa: E402
from newsprism.encoders.sentence_graph import sentence_graph  # noqa: E402
from newsprism.store import open_store  # noqa: E402

NEAR = 0.25  # pairs this alike are those a threshold decides


def claim_sentences(url: str, count: int) -> list[str]:
    seen: dict[str, None] = {}
    for data, _, _ in open_store(url).stored_claims():
        seen.setdefault(data.get("context") or data["text"])
    texts = list(seen)
    if len(texts) < 2:
        sys.exit(f"{url}: fewer than two claim sentences (analyze some articles into it)")
    random.Random(0).shuffle(texts)
    return texts[:count]


def graphs(folder: Path) -> dict[str, Path]:
    """The float32 graph and its quantized forms, as files."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    plain = folder / "float32.onnx"
    plain.write_bytes(sentence_graph(load_safetensors(model_dir() / "model.safetensors")))
    nodes = onnx.load(plain).graph.node
    feed_forward = [
        n.name for n in nodes
        if n.op_type == "MatMul" and any(i.endswith(("inner.w", ".output.dense.w"))
                                         and ".attention." not in i for i in n.input)
    ]  # fmt: skip
    forms = {
        "int8, all, per matrix": {"per_channel": False},
        "int8, all, per column": {"per_channel": True},
        "int8, products only": {"per_channel": True, "op_types_to_quantize": ["MatMul"]},
        "int8, feed-forward": {"per_channel": True, "nodes_to_quantize": feed_forward},
    }
    out = {"float32": plain}
    for n, (name, options) in enumerate(forms.items()):
        path = folder / f"int8-{n}.onnx"
        quantize_dynamic(
            plain, path, weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT}, **options,
        )  # fmt: skip
        out[name] = path
    return out


class _GraphEmbedder(MiniLMEmbedder):
    """The run's claim encoder (its tokenizer, truncation and batching) over another graph."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        super().__init__(threads=1)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self._graph = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    @property
    def session(self) -> Any:
        return self._graph


def encode(path: Path, texts: list[str]) -> tuple[np.ndarray, float]:
    """The sentences' vectors as a run encodes them, and the CPU seconds it took."""
    embedder = _GraphEmbedder(path)
    started = time.process_time()
    vectors = embedder.encode(texts)
    return vectors, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a store with analyzed articles")
    parser.add_argument("--sentences", type=int, default=1500)
    args = parser.parse_args()
    import logging

    logging.getLogger().setLevel(logging.ERROR)  # the quantizer's advice on pre-processing
    texts = claim_sentences(args.db, args.sentences)
    thresholds = sorted(DEFAULT_THRESHOLDS.values())
    pairs = np.triu_indices(len(texts), 1)
    with tempfile.TemporaryDirectory() as tmp:
        paths = graphs(Path(tmp))
        reference, reference_seconds = encode(paths.pop("float32"), texts)
        base = (reference @ reference.T)[pairs]
        near = base >= NEAR
        above = [int((base >= t).sum()) for t in thresholds]
        lines = [f"{len(texts):,} claim sentences, {len(base):,} pairs ({int(near.sum()):,} at "
                 f"cosine >= {NEAR}); float32: {reference_seconds:.1f} s on one thread; pairs "
                 f"above {thresholds}: {above}"]  # fmt: skip
        for name, path in paths.items():
            vectors, seconds = encode(path, texts)
            cosines = (vectors @ vectors.T)[pairs]
            moved = np.abs(cosines - base)
            crossed = [int(((base >= t) != (cosines >= t)).sum()) for t in thresholds]
            lines.append(
                f"{name:<22} {seconds:5.1f} s ({reference_seconds / seconds:.2f}x); cosine moved: "
                f"all pairs mean {moved.mean():.4f}, p99 {np.quantile(moved, 0.99):.4f}, max "
                f"{moved.max():.4f}; near pairs mean {moved[near].mean():.4f}, p99 "
                f"{np.quantile(moved[near], 0.99):.4f}, max {moved[near].max():.4f}; pairs "
                f"crossing {thresholds}: {crossed}"
            )
    print(f"command: python {' '.join(sys.argv)}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
