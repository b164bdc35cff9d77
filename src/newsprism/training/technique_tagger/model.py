"""The tagger in torch: MiniLM's layers (their weights from its checkpoint), a linear head over
the last states and spaCy's vectors; its predictions, the weights training changed, and a
soup of runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.encoders.minilm import HIDDEN, load_safetensors, model_dir
from newsprism.training.technique_tagger.settings import TENSOR_WIDTH
from newsprism.training.technique_tagger.windows import Parsed, batch_tensors
from newsprism.understand.technique_spans import token_probabilities


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


def predict(torch: Any, model: Any, parsed: Sequence[Parsed]) -> list[tuple[np.ndarray, Any]]:
    """Per article: (token probabilities, (last states, piece offsets)) from the torch model."""
    model.eval()
    out = []
    with torch.no_grad():
        for p in parsed:
            states, offsets, probs = [], [], []
            for begin in range(0, len(p.windows), 32):
                chunk = p.windows[begin : begin + 32]
                ids, mask, _, vectors, _ = batch_tensors(torch, chunk)
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


def trained_weights(model: Any) -> dict[str, Any]:
    """A copy of what training changed (the frozen word vectors stay MiniLM's)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if k != "word.weight"}


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

