"""Persuasion techniques at span level: the 14 techniques of SemEval-2020 Task 11.

Two steps, as in the task. Span identification: the six layers of all-MiniLM-L6-v2, fine-tuned
as a word-piece tagger (newsprism/training/techniques.py), read each line of the article (long
lines in sentence-aligned windows); a linear head over their last states and spaCy's own token
vectors (`doc.tensor`, computed by the pass that already ran) gives each word piece the
probability of lying inside a technique; runs of tokens above the tuned threshold, inside one
window, are the spans, where one of their tokens reaches the tuned peak. Technique
classification: a logistic regression over the span's words and character n-grams, its line's
words, hand-made cues (length, how often the phrase recurs, punctuation, position) and the mean
of the tagger's states over the span.

The tagger ships as two ONNX graphs with int8 weights (`technique_model/`), run by onnxruntime
on one thread: the first two layers with an exit head read every window, the last four only the
windows where the exit head sees a technique (61% of the windows of PTC's unlabeled articles,
69% on our validation split); the frozen word-embedding matrix is read from the MiniLM
package, the classifier is plain arrays for scikit-learn's vectorisers. Why: the tagger must
cost no more than the spaCy pass (benchmarks/techniques.py measures it), and the whole
understanding stage must keep half the speed of a bare spaCy pass (benchmarks/throughput.py).
On one core int8 products take about 40% of NumPy's float32 ones, and six layers on every
window still cost 0.80-0.91 of the spaCy pass in our runs; with the exit, about 0.65, for the
same span F1 (0.455 with or without the exit, on our validation split).

The windows, word pieces and decoding the tagger shares with training are in technique_spans;
the classifier's input in technique_features.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.encoders.minilm import HIDDEN, load_safetensors, model_dir
from newsprism.understand.technique_features import SpanVectoriser, span_states
from newsprism.understand.technique_spans import (
    TokenView,
    decode,
    encode_windows,
    piece_tokenizers,
    piece_vectors,
    sentence_starts,
    token_probabilities,
    windows,
)

TECHNIQUES = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Causal_Oversimplification",
    "Flag-Waving",
    "Appeal_to_Authority",
    "Slogans",
    "Black-and-White_Fallacy",
    "Whataboutism,Straw_Men,Red_Herring",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)
MODEL_DIR = Path(__file__).parent / "technique_model"
MODEL_ENV = "NEWSPRISM_TECHNIQUE_MODEL"
GRAPHS = ("span_tagger_lower.onnx", "span_tagger_upper.onnx")  # SpanTagger reads both


class TechniqueModelError(RuntimeError):
    """The technique model is missing or does not fit this installation."""


@dataclass(frozen=True)
class Technique:
    start: int
    end: int
    text: str
    technique: str
    score: float  # the classifier's probability for this technique
    span_score: float  # the tagger's mean probability that the span's tokens carry a technique
    alternatives: list[list[Any]] = field(default_factory=list)  # [[technique, probability]]
    field: str = "text"  # "title" when found in the headline (offsets into the title)


# --- the tagger ------------------------------------------------------------------------------


@dataclass
class TaggedText:
    spans: list[tuple[int, int]]
    span_scores: list[float]
    states: np.ndarray  # last hidden state per word piece (all windows)
    offsets: np.ndarray  # character offsets of those pieces in the text


def _meta(where: Path) -> dict[str, Any]:
    meta_path = where / "meta.json"
    if not meta_path.exists():
        raise TechniqueModelError(
            f"{where}: no technique model (meta.json missing); build one with "
            "`make techniques-model`"
        )
    return json.loads(meta_path.read_text(encoding="utf-8"))


class SpanTagger:
    """Span identification: the fine-tuned MiniLM layers and their heads (two int8 ONNX graphs
    run by onnxruntime on one thread), and the decoding. Every window goes through the lower
    graph (the first layers and an exit head); only windows where the exit head sees something
    (a probability at or above the gate) go through the upper one: most lines of news carry no
    technique, and the upper layers cost the most."""

    def __init__(self, where: Path, meta: dict[str, Any]) -> None:
        self.tokenizer, self.window_tokenizer = piece_tokenizers()
        word = "embeddings.word_embeddings.weight"
        # frozen in training, so read from the MiniLM package rather than shipped again
        self.word_vectors = load_safetensors(model_dir() / "model.safetensors", [word])[word]
        self.graphs = [where / name for name in GRAPHS]
        self._sessions: tuple[int, list[Any]] | None = None
        widths = {i.name: i.shape[-1] for i in self.sessions[0].get_inputs()}
        self.tensor_width = int(widths["vectors"])
        self.decoding = dict(meta["decoding"])
        self.gate = float(meta["exit"]["gate"])
        self.windows_seen = self.windows_read = 0  # by this process: all, and through the upper

    @property
    def sessions(self) -> list[Any]:
        """The onnxruntime sessions (lower, upper) of this process: a session holds native
        state (allocators, thread pools) that must not be used across a fork, so a forked
        worker opens its own."""
        if self._sessions is None or self._sessions[0] != os.getpid():
            import onnxruntime

            options = onnxruntime.SessionOptions()
            # one thread: each understanding worker already has a core of its own
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            sessions = [
                onnxruntime.InferenceSession(str(g), options, providers=["CPUExecutionProvider"])
                for g in self.graphs
            ]
            self._sessions = (os.getpid(), sessions)
        return self._sessions[1]

    @classmethod
    def load(cls, where: Path, meta: dict[str, Any]) -> SpanTagger:
        missing = [name for name in GRAPHS if not (where / name).exists()]
        if missing or "exit" not in meta:
            raise TechniqueModelError(
                f"{where}: no {' or '.join(missing or GRAPHS)} (a model from before newsprism "
                "read windows in two graphs?); rebuild it with `make techniques-model`"
            )
        return cls(where, meta)

    def identify(
        self,
        text: str,
        doc: Any,
        view: TokenView | None = None,
        must_read: Sequence[tuple[int, int]] = (),
    ) -> TaggedText:
        """Spans found in `text`; windows overlapping `must_read` spans go through every layer
        whatever the gate says (their states then serve to classify those spans)."""
        view = view or TokenView.of(doc, self.tensor_width)
        ranges = windows(text, sentence_starts(doc), self.tokenizer)
        states, offsets, probs, _ = self.read_windows(text, ranges, view, must_read)
        token_probs = token_probabilities(view, probs, offsets)
        spans = decode(token_probs, view, ranges, **self.decoding)
        scores = []
        for s, e in spans:
            tokens = view.tokens_in(s, e)
            scores.append(float(token_probs[tokens].mean()) if tokens.stop > tokens.start else 0.0)
        return TaggedText(spans, scores, states, offsets)

    def read_windows(
        self,
        text: str,
        ranges: Sequence[tuple[int, int]],
        view: TokenView,
        must_read: Sequence[tuple[int, int]] = (),
        batch: int = 16,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per word piece of every window (in an order of their own): the last states, the
        character offsets and the probability of lying inside a technique (0 in a window the
        gate stops, unless it overlaps a `must_read` span); and per window (in `ranges` order)
        the exit head's top probability, which the gate compares."""
        tops = np.zeros(len(ranges), np.float32)
        if not ranges:
            empty = np.zeros((0, 2), np.int64)
            return np.zeros((0, HIDDEN), np.float32), empty, np.zeros(0, np.float32), tops
        encoded = encode_windows(text, ranges, self.window_tokenizer)
        forced = {
            i for i, (a, b) in enumerate(ranges) if any(s < b and e > a for s, e in must_read)
        }
        order = sorted(range(len(ranges)), key=lambda i: len(encoded[i][0]))
        lower, upper = self.sessions
        states, offsets, probs = [], [], []
        for begin in range(0, len(order), batch):
            chunk = order[begin : begin + batch]
            width = max(len(encoded[i][0]) for i in chunk)
            ids = np.zeros((len(chunk), width), np.int64)
            mask = np.zeros((len(chunk), width), np.float32)
            extra = np.zeros((len(chunk), width, self.tensor_width), np.float32)
            piece_offsets = []
            for row, i in enumerate(chunk):
                piece_ids, o = encoded[i]
                n = len(piece_ids)
                ids[row, :n], mask[row, :n] = piece_ids, 1
                piece_offsets.append(o)
                extra[row, :n] = piece_vectors(view, o)
            inputs = {"words": self.word_vectors[ids], "mask": mask, "vectors": extra}
            early, hidden = lower.run(["probs", "states"], inputs)
            piece_probs = np.zeros_like(early)  # a window the gate stops carries no span
            # [CLS] and [SEP] are left out: the exit head was never taught on them
            tops[chunk] = [
                early[r, 1 : len(o) - 1].max(initial=0.0) for r, o in enumerate(piece_offsets)
            ]
            read = [row for row, i in enumerate(chunk) if i in forced or tops[i] >= self.gate]
            self.windows_seen += len(chunk)
            self.windows_read += len(read)
            if read:
                w = int(mask[read].sum(1).max())
                inputs = {"states": hidden[read, :w], "mask": mask[read, :w]}
                late, last = upper.run(["probs", "hidden"], {**inputs, "vectors": extra[read, :w]})
                piece_probs[read, :w], hidden[read, :w] = late, last
            for row, o in enumerate(piece_offsets):
                n = len(o)
                states.append(hidden[row, 1 : n - 1])
                offsets.append(o[1 : n - 1])
                probs.append(piece_probs[row, 1 : n - 1])
        return np.concatenate(states), np.concatenate(offsets), np.concatenate(probs), tops


class TechniqueTagger:
    """Spans, then a technique for each."""

    def __init__(self, model_dir_: Path | None = None) -> None:
        where = Path(model_dir_ or MODEL_DIR)
        self.meta = _meta(where)
        self.spans = SpanTagger.load(where, self.meta)
        self.tensor_width = self.spans.tensor_width
        with np.load(where / "classifier.npz") as clf:
            self.vectoriser = SpanVectoriser.from_arrays(clf, "x_")
            self.coef = clf["coef"].astype(np.float32)
            self.intercept = clf["intercept"].astype(np.float32)
        self.classes = list(self.meta["classes"])

    def identify(
        self,
        text: str,
        doc: Any,
        view: TokenView | None = None,
        must_read: Sequence[tuple[int, int]] = (),
    ) -> TaggedText:
        return self.spans.identify(text, doc, view, must_read)

    def classify(
        self,
        text: str,
        doc: Any,
        spans: Sequence[tuple[int, int]],
        tagged: TaggedText | None = None,
        view: TokenView | None = None,
    ) -> np.ndarray:
        """Probabilities (spans x classes) for given spans (the tagger's, or gold ones)."""
        if not spans:
            return np.zeros((0, len(self.classes)), np.float32)
        view = view or TokenView.of(doc, self.tensor_width)
        tagged = tagged or self.identify(text, doc, view, must_read=spans)
        vectors = span_states(tagged.states, tagged.offsets, spans)
        x = self.vectoriser.transform(text, spans, view, vectors)
        logits = np.asarray(x @ self.coef.T) + self.intercept
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(1, keepdims=True)

    def tag(self, text: str, doc: Any, field: str = "text") -> list[Technique]:
        view = TokenView.of(doc, self.tensor_width)
        tagged = self.identify(text, doc, view)
        probs = self.classify(text, doc, tagged.spans, tagged, view)
        out = []
        for (s, e), span_score, p in zip(tagged.spans, tagged.span_scores, probs, strict=True):
            ranked = np.argsort(-p)
            out.append(
                Technique(
                    start=s, end=e, text=text[s:e], technique=self.classes[ranked[0]],
                    score=round(float(p[ranked[0]]), 4), span_score=round(span_score, 4),
                    alternatives=[[self.classes[k], round(float(p[k]), 4)] for k in ranked[1:3]],
                    field=field,
                )
            )  # fmt: skip
        return out


@lru_cache(maxsize=2)
def load_tagger(model_dir_: str | None = None) -> TechniqueTagger:
    """One tagger per process (12 MB shipped, loaded in about a second): the model in
    `model_dir_`, else in $NEWSPRISM_TECHNIQUE_MODEL, else the one shipped with newsprism."""
    chosen = model_dir_ or os.environ.get(MODEL_ENV)
    return TechniqueTagger(Path(chosen) if chosen else None)
