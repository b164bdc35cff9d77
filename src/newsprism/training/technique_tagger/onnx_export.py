"""The trained tagger as the package runs it: two ONNX graphs (below and above the exit) with
int8 weights, their fused layer norms split back into ONNX's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsprism.encoders.minilm import HIDDEN
from newsprism.training.technique_tagger.settings import TENSOR_WIDTH
from newsprism.understand.techniques import GRAPHS


def export_onnx(torch: Any, model: Any, exit_layer: int, out_dir: Path) -> None:
    """The tagger from the word vectors on, as two ONNX graphs with int8 weights (onnxruntime's
    dynamic quantization; on one core its int8 products cost about 40% of NumPy's float32
    ones): the lower one (embeddings, the first `exit_layer` layers, the exit head) reads every
    window, the upper one (the other layers and the head) only the windows the exit head lets
    through (SpanTagger)."""

    class Lower(torch.nn.Module):
        def __init__(self, tagger: Any) -> None:
            super().__init__()
            self.tagger = tagger

        def forward(self, words: Any, mask: Any, vectors: Any) -> tuple[Any, Any]:
            states = self.tagger.lower(words, mask, exit_layer)
            logits = self.tagger.exit_head(torch.cat([states, vectors], -1)).squeeze(-1)
            return torch.sigmoid(logits), states

    class Upper(torch.nn.Module):
        def __init__(self, tagger: Any) -> None:
            super().__init__()
            self.tagger = tagger

        def forward(self, states: Any, mask: Any, vectors: Any) -> tuple[Any, Any]:
            logits, hidden = self.tagger.finish(states, mask, vectors, exit_layer)
            return torch.sigmoid(logits), hidden

    model.eval()
    parts = (
        (Lower(model), ["words", "mask", "vectors"], ["probs", "states"], GRAPHS[0]),
        (Upper(model), ["states", "mask", "vectors"], ["probs", "hidden"], GRAPHS[1]),
    )
    for module, inputs, outputs, name in parts:
        _export_int8(torch, module, inputs, outputs, out_dir / name)


def _export_int8(
    torch: Any, module: Any, inputs: list[str], outputs: list[str], path: Path
) -> None:
    import tempfile
    import warnings

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    example = (
        torch.zeros(2, 7, HIDDEN), torch.ones(2, 7), torch.zeros(2, 7, TENSOR_WIDTH)
    )  # fmt: skip
    axes = {0: "windows", 1: "pieces"}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # the TorchScript exporter (deprecated for the torch.export one, which needs onnxscript
        # too): its plain-op graph is what onnxruntime's BERT fusions below recognise
        warnings.simplefilter("ignore", DeprecationWarning)
        plain = Path(tmp) / "float32.onnx"
        torch.onnx.export(
            module, example, str(plain), dynamo=False, opset_version=17,
            input_names=inputs, output_names=outputs,
            dynamic_axes={name: axes for name in inputs + outputs},
        )  # fmt: skip
        # onnxruntime's BERT fusions (GELU, residual + layer norm as one kernel): 8% faster
        fused = Path(tmp) / "fused.onnx"
        optimize_model(
            str(plain), model_type="bert", num_heads=12, hidden_size=HIDDEN, opt_level=1
        ).save_model_to_file(str(fused))
        path.unlink(missing_ok=True)
        quantize_dynamic(
            fused, path, weight_type=QuantType.QInt8,
            # a scale per output column: in development one scale per matrix cost six
            # fine-tuned layers 0.02 of validation SI F1 (0.40 against 0.42 in float32); per
            # column nothing
            per_channel=True,
            # the fused kernels are outside ONNX's own domain: their outputs' type is not inferred
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )  # fmt: skip
        onnx.save(split_skip_layer_norms(onnx.load(path)), path)


def split_skip_layer_norms(graph: Any) -> Any:
    """Each fused SkipLayerNormalization node back into Add (input + residual [+ bias]) and
    ONNX's own LayerNormalization: the same arithmetic, but onnxruntime's CPU kernel for the
    fused node took a fifth of the graph's time where the plain pair takes under a tenth (its
    profiler, onnxruntime 1.32, six layers). Done after quantization, which leaves these nodes
    alone, so that the shipped graph is exactly what this code makes of a training run."""
    from onnx import helper

    nodes = []
    for node in graph.graph.node:
        if node.op_type != "SkipLayerNormalization":
            nodes.append(node)
            continue
        inputs, outputs = list(node.input), list(node.output)
        if any(outputs[1:3]):  # mean and inverse deviation: never read in our graph
            raise ValueError(f"{node.name}: its statistics are used; cannot split it")
        epsilon = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-12)
        total = node.name + "/sum"
        nodes.append(helper.make_node("Add", inputs[:2], [total], name=node.name + "/add"))
        if len(inputs) > 4 and inputs[4]:
            nodes.append(helper.make_node("Add", [total, inputs[4]], [total + "+bias"]))
            total += "+bias"
        if len(outputs) > 3 and outputs[3]:  # the sum itself, read by a later node
            nodes.append(helper.make_node("Identity", [total], [outputs[3]]))
        norm_inputs = [total, inputs[2]] + ([inputs[3]] if len(inputs) > 3 and inputs[3] else [])
        nodes.append(
            helper.make_node(
                "LayerNormalization", norm_inputs, [outputs[0]], name=node.name + "/norm",
                axis=-1, epsilon=epsilon,
            )
        )  # fmt: skip
    del graph.graph.node[:]
    graph.graph.node.extend(nodes)
    return graph

