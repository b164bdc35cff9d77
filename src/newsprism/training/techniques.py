"""Train the persuasion-technique tagger shipped in newsprism/understand/technique_model/.

    make techniques-model            # installs torch (CPU build) into the venv, then runs:
    python -m newsprism.training.techniques --ptc ../shared/data/ptc

CPU only, one thread per process, deterministic seeds: the choices on the tune part and each
run on all training articles are independent processes (`--workers`, default up to 4), about
80 minutes on this project's two-core machines.
Data: the PTC training articles of our split (training/ptc.py); the validation articles are
never read here, so `benchmarks/techniques.py` measures on text the model has not seen. The
PTC's unlabeled articles (`unlabeled-articles/`, without it the tune part with its labels
unread) serve only to compare the tagger's outputs with themselves (threshold, exit gate).

Span identification: all six layers of all-MiniLM-L6-v2, fine-tuned as a word-piece tagger
(binary: inside a technique span or not) over the windows the tagger reads at inference, with a
linear head over the last states and spaCy's token vectors; the word-embedding matrix stays
frozen (no gradient for its 12M numbers, and the package need not carry it: 23 MB). The epoch
and the decoding knobs (threshold, peak, smoothing, minimum length) are chosen on the tune part;
then the tagger is trained again on all training articles for that many epochs, three times in
three batch orders, and the three runs' weights averaged (`soup`); its threshold and peak are
moved to flag as much unlabeled text as the tuned ones did (`matched_threshold`). An exit head
after the second layer learns the whole tagger's outputs (`fit_exit_head`). Both parts are
exported as ONNX graphs with int8 weights (what the package runs: `export_onnx`); the exit's
gate is then chosen on those graphs as the highest that skips at most 0.5% of the whole tagger's
spans on unlabeled text (`choose_gate`; `--regate` chooses it again for a model folder, without
training or torch).
Technique classification: logistic regression over understand.techniques.SpanVectoriser
features of the gold spans; C chosen on the tune part, then refitted on all training articles.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.encoders.minilm import HIDDEN, load_safetensors, model_dir
from newsprism.training.ptc import (
    PTCArticle,
    PTCError,
    default_split,
    gold_spans,
    gold_techniques,
    read_articles,
    si_scores,
    tc_micro_f1,
)
from newsprism.understand.lines import line_around
from newsprism.understand.techniques import (
    GRAPHS,
    MODEL_DIR,
    TECHNIQUES,
    SpanTagger,
    SpanVectoriser,
    TokenView,
    cue_features,
    decode,
    encode_windows,
    piece_tokenizers,
    piece_vectors,
    sentence_starts,
    smoothed,
    span_states,
    token_probabilities,
    windows,
    windows_of_tokens,
)

SEED = 0
TENSOR_WIDTH = 96  # en_core_web_sm's token vectors
DECODING_GRID = {
    "threshold": [round(float(t), 3) for t in np.arange(0.05, 0.8, 0.025)],
    "smooth": [0, 1, 2],
    "min_tokens": [1, 2, 3],
    # 0: no peak (every run above the threshold is a span); otherwise only peaks above it count
    "peak": [0.0] + [round(float(t), 3) for t in np.arange(0.2, 0.65, 0.05)],
}
C_GRID = [0.25, 0.5, 1.0, 2.0]
# share of the whole tagger's spans the exit may skip: spans, not tokens, as the task's measure
# counts each span once whatever its length, and the windows the gate stops hold short ones
GATE_LOSS = 0.005
UNLABELED = "unlabeled-articles"


@dataclass
class Window:
    article_id: str
    ids: np.ndarray
    labels: np.ndarray  # 1 where the piece overlaps a gold span
    offsets: np.ndarray  # character offsets in the article; [CLS]/[SEP] (0, 0)
    vectors: np.ndarray  # spaCy token vector under each piece


@dataclass
class Parsed:
    article: PTCArticle
    view: TokenView
    ranges: list[tuple[int, int]]
    windows: list[Window]


def parse(articles: Sequence[PTCArticle], nlp: Any, tokenizers: tuple[Any, Any]) -> list[Parsed]:
    lines, pieces = tokenizers
    out = []
    docs = nlp.pipe((a.text for a in articles), batch_size=16)
    for article, doc in zip(articles, docs, strict=True):
        view = TokenView.of(doc, TENSOR_WIDTH)
        ranges = windows(article.text, sentence_starts(doc), lines)
        inside = np.zeros(len(article.text) + 1, np.int64)
        for span in article.spans:
            inside[span.start : span.end] = 1
        cumulative = np.concatenate([[0], np.cumsum(inside)])
        items = []
        for ids, offsets in encode_windows(article.text, ranges, pieces):
            labels = (cumulative[offsets[:, 1]] - cumulative[offsets[:, 0]] > 0).astype(np.float32)
            labels[0] = labels[-1] = 0
            items.append(Window(article.id, ids, labels, offsets, piece_vectors(view, offsets)))
        out.append(Parsed(article, view, ranges, items))
    return out


def build_model(torch: Any, layers: int, base: dict[str, np.ndarray]) -> Any:
    nn = torch.nn

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            d = HIDDEN
            self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(d, eps=1e-12), nn.LayerNorm(d, eps=1e-12)
            self.i, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
            self.drop = nn.Dropout(0.1)

        def forward(self, x: Any, bias: Any) -> Any:
            n, t, d = x.shape
            hd = d // 12

            def heads(v: Any) -> Any:
                return v.view(n, t, 12, hd).transpose(1, 2)

            s = heads(self.q(x)) @ heads(self.k(x)).transpose(-1, -2) * hd**-0.5 + bias
            ctx = (s.softmax(-1) @ heads(self.v(x))).transpose(1, 2).reshape(n, t, d)
            x = self.ln1(self.drop(self.o(ctx)) + x)
            inner = nn.functional.gelu(self.i(x), approximate="tanh")  # FastGelu in the graph
            return self.ln2(self.drop(self.out(inner)) + x)

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(30522, HIDDEN)
            self.pos = nn.Embedding(512, HIDDEN)
            self.typ = nn.Embedding(2, HIDDEN)
            self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.layers = nn.ModuleList(Layer() for _ in range(layers))
            self.head = nn.Linear(HIDDEN + TENSOR_WIDTH, 1)
            self.drop = nn.Dropout(0.1)

        def forward(self, ids: Any, mask: Any, vectors: Any) -> tuple[Any, Any]:
            return self.encode(self.word(ids), mask, vectors)

        def encode(self, words: Any, mask: Any, vectors: Any) -> tuple[Any, Any]:
            """From the frozen word vectors on (the lookup stays in NumPy at inference)."""
            return self.finish(self.lower(words, mask, len(self.layers)), mask, vectors)

        def lower(self, words: Any, mask: Any, stop: int) -> Any:
            """Embeddings, then layers up to `stop`: the states the exit head reads."""
            x = words + self.pos.weight[: words.shape[1]] + self.typ.weight[0]
            return self.run_layers(self.drop(self.ln(x)), mask, 0, stop)

        def finish(self, x: Any, mask: Any, vectors: Any, start: int | None = None) -> Any:
            """Layers from `start` (none when None) and the head: (logits, last states)."""
            if start is not None:
                x = self.run_layers(x, mask, start, len(self.layers))
            logits = self.head(self.drop(torch.cat([x, vectors], -1))).squeeze(-1)
            return logits, x

        def run_layers(self, x: Any, mask: Any, start: int, stop: int) -> Any:
            bias = (1.0 - mask)[:, None, None, :] * -1e9
            for layer in self.layers[start:stop]:
                x = layer(x, bias)
            return x

    model = Tagger()
    model.load_state_dict(_to_torch(torch, base, layers), strict=False)
    model.word.weight.requires_grad_(False)
    return model


_LINEAR = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "i": "intermediate.dense", "out": "output.dense",
}  # fmt: skip
_NORMS = {"ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"}
_EMBEDDINGS = {
    "word.weight": "embeddings.word_embeddings.weight",
    "pos.weight": "embeddings.position_embeddings.weight",
    "typ.weight": "embeddings.token_type_embeddings.weight",
    "ln.weight": "embeddings.LayerNorm.weight",
    "ln.bias": "embeddings.LayerNorm.bias",
}


def _name_pairs(layers: int) -> list[tuple[str, str, bool]]:
    """(torch name, checkpoint name, is a linear weight stored (in, out) by the NumPy pass)."""
    pairs = [(t, c, False) for t, c in _EMBEDDINGS.items()]
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for attr, name in _LINEAR.items():
            pairs.append((f"layers.{i}.{attr}.weight", p + name + ".weight", True))
            pairs.append((f"layers.{i}.{attr}.bias", p + name + ".bias", False))
        for attr, name in _NORMS.items():
            pairs.append((f"layers.{i}.{attr}.weight", p + name + ".weight", False))
            pairs.append((f"layers.{i}.{attr}.bias", p + name + ".bias", False))
    return pairs


def _to_torch(torch: Any, base: dict[str, np.ndarray], layers: int) -> dict[str, Any]:
    out = {}
    for torch_name, name, linear in _name_pairs(layers):
        array = base[name].T if linear else base[name]
        out[torch_name] = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    return out


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


def _batch(torch: Any, chunk: Sequence[Window]) -> tuple[Any, Any, Any, Any, Any]:
    width = max(len(w.ids) for w in chunk)
    ids = np.zeros((len(chunk), width), np.int64)
    mask = np.zeros((len(chunk), width), np.float32)
    labels = np.zeros((len(chunk), width), np.float32)
    vectors = np.zeros((len(chunk), width, TENSOR_WIDTH), np.float32)
    scored = np.zeros((len(chunk), width), np.float32)
    for row, w in enumerate(chunk):
        n = len(w.ids)
        ids[row, :n], mask[row, :n], labels[row, :n] = w.ids, 1, w.labels
        vectors[row, :n] = w.vectors
        scored[row, 1 : n - 1] = 1  # not [CLS] / [SEP]
    return tuple(torch.from_numpy(a) for a in (ids, mask, labels, vectors, scored))  # type: ignore[return-value]


def predict(torch: Any, model: Any, parsed: Sequence[Parsed]) -> list[tuple[np.ndarray, Any]]:
    """Per article: (token probabilities, (last states, piece offsets)) from the torch model."""
    model.eval()
    out = []
    with torch.no_grad():
        for p in parsed:
            states, offsets, probs = [], [], []
            for begin in range(0, len(p.windows), 32):
                chunk = p.windows[begin : begin + 32]
                ids, mask, _, vectors, _ = _batch(torch, chunk)
                logits, hidden = model(ids, mask, vectors)
                pr = torch.sigmoid(logits).numpy()
                for row, w in enumerate(chunk):
                    n = len(w.ids)
                    probs.append(pr[row, 1 : n - 1])
                    offsets.append(w.offsets[1 : n - 1])
                    states.append(hidden[row, 1 : n - 1].numpy())
            if probs:
                pieces, offs = np.concatenate(probs), np.concatenate(offsets)
                hidden_states = np.concatenate(states)
            else:
                pieces, offs = np.zeros(0, np.float32), np.zeros((0, 2), np.int64)
                hidden_states = np.zeros((0, HIDDEN), np.float32)
            out.append((token_probabilities(p.view, pieces, offs), (hidden_states, offs)))
    return out


def choose_decoding(
    parsed: Sequence[Parsed], token_probs: Sequence[np.ndarray]
) -> tuple[dict[str, Any], float]:
    """The decoding knobs (`decode`) best on `parsed`, and their SI F1; on a tie the first in
    DECODING_GRID's order (no peak before any)."""
    gold = gold_spans([p.article for p in parsed])
    best: tuple[float, dict[str, Any]] = (-1.0, {})
    grid = DECODING_GRID
    for threshold, smooth, min_tokens, peak in itertools.product(
        grid["threshold"], grid["smooth"], grid["min_tokens"], grid["peak"]
    ):
        if 0.0 < peak <= threshold:  # every run reaches it: the same spans as no peak
            continue
        knobs = {"threshold": threshold, "smooth": smooth, "min_tokens": min_tokens, "peak": peak}
        predicted = {
            p.article.id: decode(probs, p.view, p.ranges, **knobs)
            for p, probs in zip(parsed, token_probs, strict=True)
        }
        f1 = si_scores(predicted, gold)[2]
        if f1 > best[0]:
            best = (f1, knobs)
    return best[1], best[0]


def training_epochs(
    torch: Any, parsed: list[Parsed], args: argparse.Namespace, order_seed: int = SEED
) -> Iterator[Any]:
    """Fine-tune on `parsed`, yielding the model after each epoch. Every run starts from the
    same weights (MiniLM's, and a head drawn with SEED); `order_seed` shuffles the batches."""
    base = load_safetensors(model_dir() / "model.safetensors")
    torch.manual_seed(SEED)
    rng = np.random.default_rng(order_seed)
    model = build_model(torch, args.layers, base)
    examples = [w for p in parsed for w in p.windows]
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": 1e-3}], weight_decay=0.01
    )
    steps = args.epochs * ((len(examples) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=[args.lr, 1e-3], total_steps=steps, pct_start=0.1
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor(2.0))
    started = time.process_time()
    for epoch in range(args.epochs):
        model.train()
        # batches of similar length (little padding), in shuffled order
        order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids) + rng.integers(8))
        batches = [order[b : b + args.batch] for b in range(0, len(order), args.batch)]
        rng.shuffle(batches)
        for step, batch in enumerate(batches):
            ids, mask, labels, vectors, scored = _batch(torch, [examples[i] for i in batch])
            logits, _ = model(ids, mask, vectors)
            loss = (loss_fn(logits, labels) * scored).sum() / scored.sum()
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            if step % 100 == 0:
                _say(
                    f"[order {order_seed}] epoch {epoch + 1}/{args.epochs} step {step}/"
                    f"{len(batches)} loss {loss.item():.3f} "
                    f"({time.process_time() - started:.0f} s CPU)"
                )
        yield model


def trained_weights(model: Any) -> dict[str, Any]:
    """A copy of what training changed (the frozen word vectors stay MiniLM's)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if k != "word.weight"}


def train_span_tagger(
    torch: Any, fit: list[Parsed], tune: list[Parsed], args: argparse.Namespace
) -> tuple[Any, dict[str, Any], float, int]:
    """Fine-tune on `fit`, keeping the epoch (and decoding) best on `tune`."""
    best: tuple[float, Any, dict[str, Any], int] = (-1.0, None, {}, 0)
    model = None
    for epoch, model in enumerate(training_epochs(torch, fit, args), start=1):
        token_probs = [probs for probs, _ in predict(torch, model, tune)]
        knobs, f1 = choose_decoding(tune, token_probs)
        _say(f"epoch {epoch}: tune-part SI F1 {f1:.3f} with {knobs}")
        if f1 > best[0]:
            best = (f1, trained_weights(model), knobs, epoch)
    model.load_state_dict(best[1], strict=False)
    return model, best[2], best[0], best[3]


def soup(torch: Any, members: Sequence[dict[str, Any]], layers: int) -> Any:
    """One tagger whose weights are the mean of the members' (a uniform "model soup",
    Wortsman et al. 2022). The members start from the same weights and differ only in the
    order they saw the batches, so they stay in one basin and their mean is a tagger in its
    own right: some of an ensemble's gain at the cost of one model at inference."""
    model = build_model(torch, layers, load_safetensors(model_dir() / "model.safetensors"))
    mean = {
        k: torch.stack([m[k].float() for m in members]).mean(0).to(members[0][k].dtype)
        for k in members[0]
    }
    model.load_state_dict(mean, strict=False)
    return model


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


def fit_stage(
    fit: list[Parsed], tune: list[Parsed], unlabeled: list[Parsed], args: argparse.Namespace
) -> dict[str, Any]:
    """Every choice made on the tune part: the epoch, the decoding knobs, the classifier's C,
    and how much unlabeled text the tuned tagger flags (for `matched_threshold`)."""
    torch = _torch()
    model, decoding, tune_si, best_epoch = train_span_tagger(torch, fit, tune, args)
    flagged = flagged_scores(torch, model, unlabeled, decoding["smooth"])
    fit_items, fit_labels = span_items(torch, model, fit)
    tune_items, tune_labels = span_items(torch, model, tune)
    scores = {}
    for c in C_GRID:
        scores[c] = classify_f1(fit_classifier(fit_items, fit_labels, c), tune_items, tune_labels)
        _say(f"  C={c}: tune-part TC micro-F1 {scores[c]:.3f}")
    return {
        "weights": trained_weights(model), "decoding": decoding, "tune_si": tune_si,
        "best_epoch": best_epoch, "flagged": flagged, "c_scores": scores,
    }  # fmt: skip


def refit_member(parsed: list[Parsed], args: argparse.Namespace, order_seed: int) -> list[Any]:
    """The weights after each epoch of a run on all training articles: the epoch to keep is
    chosen on the tune part meanwhile (`fit_stage`), so every epoch's weights come back."""
    torch = _torch()
    return [trained_weights(model) for model in training_epochs(torch, parsed, args, order_seed)]


def word_tokens(view: TokenView) -> np.ndarray:
    """Which tokens are words (not spaces): the ones whose flags count."""
    return np.array([bool(t.strip()) for t in view.texts], dtype=bool)


def flagged_scores(torch: Any, model: Any, parsed: Sequence[Parsed], smooth: int) -> Any:
    """Every word token's probability from `model` as decoding sees it (smoothed), pooled over
    articles."""
    pooled = [
        smoothed(probs, smooth)[word_tokens(p.view)]
        for p, (probs, _) in zip(parsed, predict(torch, model, parsed), strict=True)
    ]
    return np.concatenate(pooled) if pooled else np.zeros(0, np.float32)


def matched_threshold(before: np.ndarray, after: np.ndarray, threshold: float) -> float:
    """The threshold at which the refitted tagger flags the same share of unlabeled text as the
    tagger the threshold was tuned on did at `threshold`. Refitting trains on a quarter more
    articles for as many epochs, so more steps, and the model may come out surer of itself;
    the tuned labels are then spent, so the unlabeled articles carry the threshold over. The
    decoding's peak is carried over the same way. (In the shipped model's run, the three-run
    soup: threshold 0.075 to 0.1275, peak 0.45 to 0.5787.)"""
    if not len(before) or not len(after):
        return threshold
    share = float((before >= threshold).mean())
    if share <= 0.0:
        return threshold
    return round(float(np.quantile(after, 1.0 - share)), 4)


def _exit_passes(
    torch: Any, model: Any, parsed: Sequence[Parsed], exit_layer: int
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """Batch by batch over the windows: the states after `exit_layer` layers, spaCy's vectors,
    which pieces are scored, and the whole tagger's probabilities (no gradients)."""
    model.eval()
    examples = [w for p in parsed for w in p.windows]
    for begin in range(0, len(examples), 32):
        with torch.no_grad():
            ids, mask, _, vectors, scored = _batch(torch, examples[begin : begin + 32])
            states = model.lower(model.word(ids), mask, exit_layer)
            logits, _ = model.finish(states, mask, vectors, exit_layer)
        yield states, vectors, scored, torch.sigmoid(logits)


def fit_exit_head(torch: Any, model: Any, parsed: Sequence[Parsed], exit_layer: int) -> None:
    """A linear head over the states after `exit_layer` layers (and spaCy's vectors), taught to
    predict the whole tagger's own probabilities (the tagger stays as it is): windows where it
    sees nothing are not read further (SpanTagger's gate)."""
    features, targets = [], []
    for states, vectors, scored, probs in _exit_passes(torch, model, parsed, exit_layer):
        inside = scored.bool()
        features.append(torch.cat([states, vectors], -1)[inside])
        targets.append(probs[inside])
    x, y = torch.cat(features), torch.cat(targets)
    torch.manual_seed(SEED)
    model.exit_head = torch.nn.Linear(HIDDEN + TENSOR_WIDTH, 1)
    optimiser = torch.optim.Adam(model.exit_head.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(4):
        order = torch.randperm(len(x), generator=generator)
        for begin in range(0, len(order), 1024):
            rows = order[begin : begin + 1024]
            loss = loss_fn(model.exit_head(x[rows]).squeeze(-1), y[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        _say(f"  exit head epoch {epoch + 1}: loss {loss.item():.4f}")


def gate_for(tops: np.ndarray, spans: np.ndarray, loss: float) -> tuple[float, float]:
    """The highest gate (a window whose top exit probability is below it is not read further)
    that skips at most `loss` of the spans, given each window's top exit probability and how
    many spans the whole tagger finds in it; and the share of windows it lets through."""
    if not spans.sum():
        return 0.0, 1.0
    order = np.argsort(tops, kind="stable")
    lost = np.cumsum(spans[order]) / spans.sum()  # skipped if the gate is above tops[order[i]]
    allowed = int(np.searchsorted(lost, loss, side="right"))  # windows that may be skipped
    if not allowed:
        return 0.0, 1.0
    low = tops[order[allowed - 1]]
    high = tops[order[allowed]] if allowed < len(tops) else 1.0
    gate = float(low + high) / 2
    return gate, float((tops >= gate).mean())


def choose_gate(where: Path, meta: dict[str, Any], parsed: Sequence[Parsed]) -> tuple[float, float]:
    """The gate of the exported graphs in `where` (what ships, int8 and all): every window is
    read in full, and the gate is the highest that skips at most GATE_LOSS of the whole
    tagger's spans (decoded as shipped: a run that never reaches the peak is no span, so its
    window need not be read) on text none of the heads was tuned on."""
    tagger = SpanTagger(where, {**meta, "exit": {"gate": 0.0}})
    tops, spans = [], []
    for p in parsed:
        _, offsets, piece_probs, window_tops = tagger.read_windows(p.article.text, p.ranges, p.view)
        probs = token_probabilities(p.view, piece_probs, offsets)
        window_of = windows_of_tokens(p.view, p.ranges)
        first_tokens = [
            p.view.tokens_in(start, end).start
            for start, end in decode(probs, p.view, p.ranges, **meta["decoding"])
        ]
        tops.append(window_tops)
        spans.append(np.bincount(window_of[first_tokens], minlength=len(p.ranges)))
    if not tops:
        return 0.0, 1.0
    return gate_for(np.concatenate(tops), np.concatenate(spans), GATE_LOSS)


def unlabeled_articles(
    args: argparse.Namespace, split: dict[str, list[PTCArticle]] | None = None
) -> tuple[list[PTCArticle], str]:
    """The text for the threshold and the exit gate, and where it comes from."""
    if (args.ptc / UNLABELED).is_dir():
        articles = read_articles(args.ptc / UNLABELED)[: args.limit]
        return articles, f"{UNLABELED} ({len(articles)} articles)"
    # their labels stay unread: only the tagger's own outputs on them are compared
    split = split or {k: v[: args.limit] for k, v in default_split(args.ptc).items()}
    return split["tune"], "the tune part (labels not read)"


def regate(args: argparse.Namespace) -> int:
    """--regate: choose the exit gate of the model in --out again, without training."""
    from newsprism.understand.nlp import load_nlp

    meta_path = args.out / "meta.json"
    if not meta_path.exists() or "exit" not in (meta := json.loads(meta_path.read_text())):
        print(f"{args.out}: no model with an exit gate there (meta.json)", file=sys.stderr)
        return 2
    try:
        articles, unlabeled_from = unlabeled_articles(args)
    except PTCError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _say(f"reading {unlabeled_from} with spaCy")
    nlp = load_nlp(args.spacy_model or meta["spacy_model"])
    unlabeled = parse(articles, nlp, piece_tokenizers())
    gate, read_share = choose_gate(args.out, meta, unlabeled)
    meta["exit"].update(
        gate=gate, upper_reads_windows=round(read_share, 4), most_spans_skipped=GATE_LOSS,
        chosen_on=unlabeled_from,
    )  # fmt: skip
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _say(f"gate {gate:.4f}: the upper layers read {read_share:.0%} of the unlabeled windows")
    return 0


def span_items(
    torch: Any, model: Any, parsed: Sequence[Parsed]
) -> tuple[list[Any], list[list[str]]]:
    """Per article: the classifier's feature inputs for its gold spans (from `model`'s last
    states); labels per span."""
    items, labels = [], []
    for p, (_, (states, offsets)) in zip(parsed, predict(torch, model, parsed), strict=True):
        by_span: dict[tuple[int, int], list[str]] = {}
        for key, techniques in gold_techniques([p.article]).items():
            by_span[(key[1], key[2])] = techniques
        spans = list(by_span)
        if not spans:
            continue
        items.append((p, spans, span_states(states, offsets, spans)))
        labels += list(by_span.values())
    return items, labels


def fit_classifier(items: Sequence[Any], labels: list[list[str]], c: float) -> dict[str, Any]:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    phrases, lines, cues, vectors = [], [], [], []
    for p, spans, states in items:
        text = p.article.text
        phrases += [text[s:e] for s, e in spans]
        lines += [line_around(text, s, e) for s, e in spans]
        cues.append(cue_features(text, spans, p.view))
        vectors.append(states)
    words, chars, line = SpanVectoriser.vectorisers()
    words.fit(phrases)
    chars.fit(phrases)
    line.fit(lines)
    all_cues = np.concatenate(cues)
    mean, scale = all_cues.mean(0), all_cues.std(0)
    scale[scale == 0] = 1.0
    vectoriser = SpanVectoriser(words, chars, line, mean, scale)
    x = sp.vstack(
        [vectoriser.transform(p.article.text, spans, p.view, states) for p, spans, states in items]
    ).tocsr()
    rows = [i for i, ls in enumerate(labels) for _ in ls]
    targets = [t for ls in labels for t in ls]
    classifier = LogisticRegression(C=c, max_iter=2000)
    classifier.fit(x[rows], targets)
    return {"vectoriser": vectoriser, "classifier": classifier}


def classify_f1(model: dict[str, Any], items: Sequence[Any], labels: list[list[str]]) -> float:
    predicted, gold = {}, {}
    k = 0
    for p, spans, states in items:
        x = model["vectoriser"].transform(p.article.text, spans, p.view, states)
        probs = model["classifier"].predict_proba(x)
        for (s, e), row in zip(spans, probs, strict=True):
            n = len(labels[k])
            ranked = np.argsort(-row)[:n]
            predicted[(p.article.id, s, e)] = [str(model["classifier"].classes_[j]) for j in ranked]
            gold[(p.article.id, s, e)] = labels[k]
            k += 1
    return tc_micro_f1(predicted, gold)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ptc", type=Path, default=Path("../shared/data/ptc"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--spacy-model", default=None, help="default: newsprism's spaCy model")
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument(
        "--exit-layer",
        type=int,
        default=2,
        help="layers every window goes through; the rest read only windows the exit head passes",
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument(
        "--no-refit",
        dest="refit",
        action="store_false",
        help="keep the weights trained on the fit part (skip the refit on all training articles)",
    )
    parser.add_argument(
        "--soup",
        type=int,
        default=3,
        help="runs on all training articles, in different batch orders, whose weights are averaged",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes training at once (one thread each; the runs are independent)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="first N articles of each part (a quick check)"
    )
    parser.add_argument(
        "--regate",
        action="store_true",
        help="no training: choose the exit gate of the model in --out again (after a change of "
        "GATE_LOSS, or of the unlabeled text)",
    )
    args = parser.parse_args(argv)
    if not (args.ptc / "train-articles").is_dir():
        print(
            f"{args.ptc}: no PTC corpus there (train-articles/, train-labels-TC/)", file=sys.stderr
        )
        return 2
    if args.regate:
        return regate(args)
    if not 1 <= args.exit_layer < args.layers:
        parser.error(f"--exit-layer must be from 1 to {args.layers - 1} (--layers {args.layers})")
    try:
        import torch
    except ImportError:
        print(
            "training needs torch (CPU build): `make techniques-model` installs it, or "
            "`pip install torch==2.13.0`",
            file=sys.stderr,
        )
        return 2
    from newsprism.understand.nlp import load_nlp, model_name

    torch.set_num_threads(1)
    wall, cpu = time.monotonic(), time.process_time()
    split = {k: v[: args.limit] for k, v in default_split(args.ptc).items()}
    nlp = load_nlp(args.spacy_model)
    tokenizers = piece_tokenizers()
    _say(f"parsing {len(split['train'])} training articles with spaCy")
    fit, tune = parse(split["fit"], nlp, tokenizers), parse(split["tune"], nlp, tokenizers)
    _say(f"fit part: {len(fit)} articles, {sum(len(p.windows) for p in fit)} windows")
    articles, unlabeled_from = unlabeled_articles(args, split)
    _say(f"unlabeled text for the threshold and the exit gate: {unlabeled_from}")
    unlabeled = parse(articles, nlp, tokenizers)
    members = args.soup if args.refit else 0
    _say(
        f"training on {args.workers} process(es): the choices on the tune part"
        + (f", and {members} run(s) on all training articles" if members else "")
    )
    stage, runs = run_training(fit, tune, unlabeled, args, members)
    decoding, best_epoch = stage["decoding"], stage["best_epoch"]
    tuned = dict(decoding)
    best_c = max(stage["c_scores"], key=stage["c_scores"].__getitem__)
    if runs:
        # every choice is made: the weights now learn from the tune part too (25% more
        # examples; in our prototype runs validation F1 moved by -0.001 to +0.025, within the
        # run-to-run noise of about 0.015), averaged over runs that differ in batch order
        model = soup(torch, [run[best_epoch - 1] for run in runs], args.layers)
        flagged_after = flagged_scores(torch, model, unlabeled, decoding["smooth"])
        for knob in ("threshold", "peak"):  # both compare a probability: both carried over
            if tuned.get(knob):
                decoding[knob] = matched_threshold(stage["flagged"], flagged_after, tuned[knob])
        _say(f"refitted tagger's decoding {decoding} (tuned: {tuned})")
    else:
        model = soup(torch, [stage["weights"]], args.layers)
    fit_items, fit_labels = span_items(torch, model, fit)
    tune_items, tune_labels = span_items(torch, model, tune)
    final = fit_classifier(fit_items + tune_items, fit_labels + tune_labels, best_c)

    _say(f"exit head after layer {args.exit_layer}")
    fit_exit_head(torch, model, fit + tune + unlabeled, args.exit_layer)

    args.out.mkdir(parents=True, exist_ok=True)
    export_onnx(torch, model, args.exit_layer, args.out)
    for old in ("span_tagger.onnx", "span_tagger.npz"):  # the one-graph and NumPy forms of before
        (args.out / old).unlink(missing_ok=True)
    classifier = final["classifier"]
    np.savez_compressed(
        args.out / "classifier.npz",
        coef=classifier.coef_.astype(np.float16),
        intercept=classifier.intercept_.astype(np.float32),
        **final["vectoriser"].arrays("x_"),
    )
    import sklearn

    meta = {
        "task": "SemEval-2020 Task 11: span identification + technique classification",
        "classes": [str(c) for c in classifier.classes_],
        "decoding": decoding,
        "layers": args.layers,
        "exit": {"layer": args.exit_layer},  # its gate: chosen on the exported graphs, below
        "decoding_tuned_before_refit": tuned,
        "spacy_model": model_name(args.spacy_model),
        "trained_on": "PTC training split (training/ptc.py: every 5th article by id held out)",
        "tune_part": {
            "si_f1": round(stage["tune_si"], 4), "tc_micro_f1": round(stage["c_scores"][best_c], 4)
        },
        "settings": {
            "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "C": best_c,
            "seed": SEED, "frozen_word_embeddings": True, "epochs_kept": best_epoch,
            "refit_on_all_training_articles": args.refit, "soup_of_runs": members,
        },
        "versions": {"torch": torch.__version__, "scikit-learn": sklearn.__version__},
        "training_seconds": {
            "wall": round(time.monotonic() - wall), "cpu": round(time.process_time() - cpu)
        },
    }  # fmt: skip
    gate, read_share = choose_gate(args.out, meta, unlabeled)
    _say(f"gate {gate:.4f}: the upper layers read {read_share:.0%} of the unlabeled windows")
    meta["exit"].update(
        gate=gate, upper_reads_windows=round(read_share, 4), most_spans_skipped=GATE_LOSS,
        chosen_on=unlabeled_from,
    )  # fmt: skip
    missing = set(TECHNIQUES) - set(meta["classes"])
    if missing:
        _say(f"warning: no training example of {sorted(missing)}")
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _say(f"model written to {args.out} ({meta['training_seconds']})")
    return 0


def run_training(
    fit: list[Parsed],
    tune: list[Parsed],
    unlabeled: list[Parsed],
    args: argparse.Namespace,
    members: int,
) -> tuple[dict[str, Any], list[list[Any]]]:
    """`fit_stage` and `members` runs of `refit_member`, side by side on `args.workers`
    processes (each run is single-threaded and seeded, so the result does not depend on how
    many run at once)."""
    if args.workers <= 1 or members == 0:
        stage = fit_stage(fit, tune, unlabeled, args)
        return stage, [refit_member(fit + tune, args, SEED + k) for k in range(members)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked child inherits the parent's torch thread pools half set up
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        stage_job = pool.submit(fit_stage, fit, tune, unlabeled, args)
        jobs = [pool.submit(refit_member, fit + tune, args, SEED + k) for k in range(members)]
        return stage_job.result(), [job.result() for job in jobs]


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
