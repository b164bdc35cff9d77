"""all-MiniLM-L6-v2 as sentence vectors on onnxruntime: the package's weights built into one
ONNX graph (embeddings, six BERT layers, mean pooling, L2 norm) when a process first needs it.

Claims and stories embed with this graph; the technique tagger runs its own fine-tuned layers
on onnxruntime too (understand/techniques.py), so the model has one runtime in a run, and
torch is for training only. The graph is built in memory from the safetensors file rather than
shipped (90 MB of float32 the MiniLM package already carries) or exported with torch (not
installed outside training): under a second with the weights read, once per process, the
session reading the weight arrays in place (`sentence_session`). Attention and GELU use
onnxruntime's fused CPU kernels (as the tagger's exported graphs do): about 1.15 times as fast
as the NumPy forward pass they replace on one thread and 1.5 times on two, for the same vectors
(cosines within 2e-6). Weights stay float32: int8 weights are 2.1 to 2.3 times as fast but
move claim sentences' cosines by up to 0.065 (a scale per column) or 0.16 (one per matrix),
and claim matching compares cosines with thresholds given to two decimals
(benchmarks/encoder_int8.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from newsprism.encoders.minilm import HEADS, HIDDEN, usable_cpus

OPSET = 17
CONTRIB = "com.microsoft"  # onnxruntime's fused kernels
EPSILON = 1e-12  # BERT's layer-norm epsilon
EXTERNAL_FROM = 4096  # bytes: a weight this large is handed to the session, not copied into it


class _Graph:
    """Nodes and weights of the graph being built. With `external`, each weight is only named
    in the graph (as data held elsewhere) and kept in `arrays`, for the session to be handed
    the arrays themselves."""

    def __init__(self, external: bool = False) -> None:
        self.nodes: list[Any] = []
        self.weights: list[Any] = []
        self.external = external
        self.arrays: dict[str, np.ndarray] = {}

    def weight(self, name: str, value: np.ndarray) -> str:
        from onnx import TensorProto, helper, numpy_helper

        value = np.ascontiguousarray(value)
        # small constants (axes, shapes) stay in the graph: shape inference reads them
        if not self.external or value.nbytes < EXTERNAL_FROM:
            self.weights.append(numpy_helper.from_array(value, name))
            return name
        tensor = TensorProto()
        tensor.name = name
        tensor.data_type = helper.np_dtype_to_tensor_dtype(value.dtype)
        tensor.dims.extend(value.shape)
        tensor.data_location = TensorProto.EXTERNAL
        for key, data in (("location", "memory"), ("offset", "0"), ("length", str(value.nbytes))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, data
        self.weights.append(tensor)
        self.arrays[name] = value
        return name

    def node(self, op: str, inputs: list[str], output: str | None = None, **attrs: Any) -> str:
        from onnx import helper

        output = output or f"{op}_{len(self.nodes)}"
        domain = attrs.pop("domain", None)
        self.nodes.append(
            helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs)
        )
        return output


def sentence_graph(weights: Mapping[str, np.ndarray]) -> bytes:
    """The serialized graph: `input_ids` (int64) and `attention_mask` (float32), each (batch,
    tokens), give `embedding`, (batch, 384) L2-normalised mean-pooled states. `weights` are in
    the layout of `encoders.minilm.load_safetensors` (linear weights as (in, out)). The weights
    are in the graph (90 MB): a file other tools read (the quantizer)."""
    graph, _ = _build(weights, _Graph())
    return graph


def _build(weights: Mapping[str, np.ndarray], g: _Graph) -> tuple[bytes, dict[str, np.ndarray]]:
    """The serialized graph built in `g`, and the weights it names as held elsewhere."""
    from onnx import TensorProto, helper

    w, e = weights, "embeddings."
    layers = 1 + max(int(k.split(".")[2]) for k in w if k.startswith("encoder.layer."))
    zero = g.weight("zero", np.array([0], dtype=np.int64))
    tokens = g.node("Shape", ["input_ids"], start=1, end=2)
    positions = g.node("Slice", [g.weight("positions", w[e + "position_embeddings.weight"]),
                                 zero, tokens, zero])  # fmt: skip
    x = g.node("Gather", [g.weight("words", w[e + "word_embeddings.weight"]), "input_ids"])
    x = g.node("Add", [g.node("Add", [x, positions]),
                       g.weight("segment", w[e + "token_type_embeddings.weight"][0])])  # fmt: skip
    x = g.node("LayerNormalization", [x, g.weight("ln.w", w[e + "LayerNorm.weight"]),
                                      g.weight("ln.b", w[e + "LayerNorm.bias"])],
               epsilon=EPSILON, axis=-1)  # fmt: skip
    mask = g.node("Cast", ["attention_mask"], to=TensorProto.INT32)  # padding takes no attention
    for i in range(layers):
        x = _layer(g, w, f"encoder.layer.{i}.", x, mask)
    one = g.weight("one", np.array(1.0, dtype=np.float32))
    kept = g.node("Unsqueeze", ["attention_mask", g.weight("last", np.array([2], np.int64))])
    tokens_axis = g.weight("tokens_axis", np.array([1], np.int64))
    summed = g.node("ReduceSum", [g.node("Mul", [x, kept]), tokens_axis], keepdims=0)
    counted = g.node("Max", [g.node("ReduceSum", [kept, tokens_axis], keepdims=0), one])
    g.node("LpNormalization", [g.node("Div", [summed, counted])], "embedding", axis=-1, p=2)
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2 sentence vectors",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info(
                "attention_mask", TensorProto.FLOAT, ["batch", "tokens"]
            ),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
        g.weights,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(CONTRIB, 1)]
    )
    return model.SerializeToString(), g.arrays



def _layer(g: _Graph, w: Mapping[str, np.ndarray], p: str, x: str, mask: str) -> str:
    """One BERT layer: fused self-attention (query, key and value as one product), then the
    feed-forward block, each closed by a residual layer norm."""
    a = p + "attention.self."
    qkv = np.concatenate([w[a + n + ".weight"] for n in ("query", "key", "value")], axis=1)
    qkv_bias = np.concatenate([w[a + n + ".bias"] for n in ("query", "key", "value")])
    attended = g.node("Attention", [x, g.weight(a + "qkv.w", qkv), g.weight(a + "qkv.b", qkv_bias),
                                    mask], domain=CONTRIB, num_heads=HEADS)  # fmt: skip
    x = _residual_norm(g, w, p + "attention.output.", attended, x)
    inner = g.node("MatMul", [x, g.weight(p + "inner.w", w[p + "intermediate.dense.weight"])])
    inner = g.node("FastGelu", [inner, g.weight(p + "inner.b", w[p + "intermediate.dense.bias"])],
                   domain=CONTRIB)  # fmt: skip  # BERT's GELU in its tanh form
    return _residual_norm(g, w, p + "output.", inner, x)


def _residual_norm(g: _Graph, w: Mapping[str, np.ndarray], p: str, v: str, skip: str) -> str:
    """LayerNorm(v @ dense + bias + skip): ONNX's own LayerNormalization after two adds, not
    onnxruntime's fused SkipLayerNormalization, whose CPU kernel profiled at twice the cost of
    the plain pair in the tagger's graph (training/technique_tagger/onnx_export.py splits it
    the same way)."""
    dense = g.node("MatMul", [v, g.weight(p + "dense.w", w[p + "dense.weight"])])
    total = g.node("Add", [g.node("Add", [dense, g.weight(p + "dense.b", w[p + "dense.bias"])]),
                           skip])  # fmt: skip
    gamma = g.weight(p + "ln.w", w[p + "LayerNorm.weight"])
    beta = g.weight(p + "ln.b", w[p + "LayerNorm.bias"])
    return g.node("LayerNormalization", [total, gamma, beta], axis=-1, epsilon=EPSILON)


def session_threads(threads: int) -> int:
    """The threads a session asked for `threads` runs on."""
    return max(1, min(threads, usable_cpus()))


def sentence_session(weights: Mapping[str, np.ndarray], threads: int = 1) -> Any:
    """An onnxruntime session of the graph, on at most `threads` threads and never more than
    the CPUs this process may run on (two threads on one CPU spin against each other: the whole
    analyze held to one core once took 4x the CPU time).

    The session is handed the weight arrays themselves (external initializers) rather than a
    graph holding copies of them that it parses into copies of its own: a process's memory
    rose by 534 MB at its peak while it built the session that way, by 223 MB now, for the same
    vectors bit for bit, in 0.8 s of CPU rather than 1.3 (benchmarks/encoder_load.py)."""
    import onnxruntime

    graph, arrays = _build(weights, _Graph(external=True))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = session_threads(threads)
    options.inter_op_num_threads = 1
    values = [onnxruntime.OrtValue.ortvalue_from_numpy(a) for a in arrays.values()]
    options.add_external_initializers(list(arrays), values)
    session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    session.weights = (arrays, values)  # the session reads them in place: they live as long
    return session
