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
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.encoders.minilm import HIDDEN, load_safetensors, model_dir
from newsprism.understand.lines import line_around, lines_of

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
MAX_PIECES = 128  # per window, [CLS] and [SEP] included: the length the tagger was trained on
TRIM = frozenset(".,:;")  # the task's gold spans were trimmed of these at their edges
WORD_JOINERS = "-'\u2019"
_SPECIAL = 2


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


@dataclass(frozen=True)
class TokenView:
    """What the tagger needs of a spaCy doc: token character spans, texts and vectors."""

    starts: np.ndarray
    ends: np.ndarray
    texts: list[str]
    tensor: np.ndarray  # (tokens, width) float32
    pos: np.ndarray  # universal part of speech ids (spacy.parts_of_speech); 0 without a tagger

    @classmethod
    def of(cls, doc: Any, width: int) -> TokenView:
        tensor = getattr(doc, "tensor", None)
        if tensor is None or tensor.ndim != 2 or tensor.shape[1] != width:
            # a spaCy model without the small model's 96-wide token vectors (a transformer
            # pipeline): the head then reads MiniLM alone, a little less accurately
            tensor = np.zeros((len(doc), width), np.float32)
        from spacy.attrs import IDX, LENGTH, POS

        # token fields straight from spaCy's arrays: a Python pass per field cost 7% of the tagger
        fields = doc.to_array([IDX, LENGTH, POS]).astype(np.int64).reshape(-1, 3)
        return cls(
            fields[:, 0],
            fields[:, 0] + fields[:, 1],
            [t.text for t in doc],
            np.asarray(tensor, dtype=np.float32),
            fields[:, 2],
        )

    def tokens_in(self, start: int, end: int) -> slice:
        """The tokens overlapping characters start..end."""
        lo = int(np.searchsorted(self.ends, start, side="right"))
        return slice(lo, max(lo, int(np.searchsorted(self.starts, end, side="left"))))


def sentence_starts(doc: Any) -> list[int]:
    """Where the doc's sentences begin; none for a pipeline without a parser or sentencizer
    (lines are then cut where they must be, at the piece limit)."""
    return [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else []


# --- windows and word pieces: shared with training ---------------------------------------------


def windows(text: str, sentence_starts: Sequence[int], tokenizer: Any) -> list[tuple[int, int]]:
    """Character ranges the tagger reads one at a time: each line, or where a line has more
    than MAX_PIECES word pieces, its sentences packed into windows that fit (a sentence longer
    than that is cut)."""
    lines = lines_of(text)
    encodings = tokenizer.encode_batch([text[a:b] for a, b in lines], add_special_tokens=False)
    limit = MAX_PIECES - _SPECIAL
    starts_set = set(sentence_starts)
    out = []
    for (a, b), enc in zip(lines, encodings, strict=True):
        offsets = enc.offsets
        if len(offsets) <= limit:
            out.append((a, b))
            continue
        i = 0
        while i < len(offsets):
            j = min(i + limit, len(offsets))
            if j < len(offsets):
                cuts = [k for k in range(i + 1, j + 1) if a + offsets[k][0] in starts_set]
                j = cuts[-1] if cuts else j
            out.append((a + offsets[i][0], a + offsets[j - 1][1]))
            i = j
    return out


def piece_tokenizers() -> tuple[Any, Any]:
    """MiniLM's word-piece tokenizer twice: whole lines, to cut them into windows; windows,
    with [CLS]/[SEP] and a safety cut at MAX_PIECES."""
    from tokenizers import Tokenizer

    path = str(model_dir() / "tokenizer.json")
    lines, windows_ = Tokenizer.from_file(path), Tokenizer.from_file(path)
    for tokenizer in (lines, windows_):
        tokenizer.no_padding()
    lines.no_truncation()
    windows_.enable_truncation(MAX_PIECES)
    return lines, windows_


def encode_windows(
    text: str, ranges: Sequence[tuple[int, int]], tokenizer: Any
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(word-piece ids, their character offsets in `text`) per window; [CLS] and [SEP] get
    the empty offsets (0, 0)."""
    encodings = tokenizer.encode_batch([text[a:b] for a, b in ranges])
    out = []
    for (a, _), enc in zip(ranges, encodings, strict=True):
        offsets = np.array(enc.offsets, dtype=np.int64).reshape(-1, 2) + a
        offsets[0] = offsets[-1] = 0
        out.append((np.array(enc.ids, dtype=np.int64), offsets))
    return out


def piece_token_index(view: TokenView, piece_starts: np.ndarray) -> np.ndarray:
    """The spaCy token holding each word piece (the first token ending after its start)."""
    index = np.searchsorted(view.ends, piece_starts, side="right")
    return np.clip(index, 0, max(len(view.starts) - 1, 0))


def piece_vectors(view: TokenView, offsets: np.ndarray) -> np.ndarray:
    """spaCy's vector of the token under each piece; zeros for [CLS]/[SEP] (empty offsets)."""
    if not len(view.starts):
        return np.zeros((len(offsets), view.tensor.shape[1]), np.float32)
    out = view.tensor[piece_token_index(view, offsets[:, 0])]
    out[offsets[:, 1] <= offsets[:, 0]] = 0
    return out


def token_probabilities(
    view: TokenView, piece_probs: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """Each spaCy token's probability: the highest of the word pieces overlapping it."""
    probs = np.zeros(len(view.starts), np.float32)
    if not len(offsets):
        return probs
    lo = np.searchsorted(view.ends, offsets[:, 0], side="right")
    hi = np.searchsorted(view.starts, offsets[:, 1], side="left")
    single = hi - lo == 1
    np.maximum.at(probs, lo[single], piece_probs[single])
    for p, a, b in zip(piece_probs[~single], lo[~single], hi[~single], strict=True):
        if b > a:
            probs[a:b] = np.maximum(probs[a:b], p)
    return probs


def smoothed(probs: np.ndarray, smooth: int) -> np.ndarray:
    """Each token's probability averaged with `smooth` neighbours on either side."""
    if not smooth:
        return probs
    kernel = np.ones(2 * smooth + 1) / (2 * smooth + 1)
    return np.convolve(probs, kernel, mode="same")


def _edge_word_tags() -> tuple[frozenset[int], frozenset[int]]:
    """Parts of speech a span neither opens with ("and the lies") nor closes with ("hurled
    tomatoes at", "the"): the tagger's probabilities spill over onto the function words next to
    a loaded phrase (smoothing adds a token on each side), the task's annotators left them out,
    and a reader sees a span cut mid-phrase. On our validation split this adds 0.003 to SI F1."""
    from spacy.parts_of_speech import ADP, CCONJ, DET, SCONJ

    return frozenset({ADP, CCONJ, SCONJ}), frozenset({ADP, CCONJ, SCONJ, DET})


_EDGE_WORDS = _edge_word_tags()


def windows_of_tokens(view: TokenView, window_ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each token, the index of the window it starts in."""
    window_starts = np.array([a for a, _ in window_ranges], dtype=np.int64)
    return np.searchsorted(window_starts, view.starts, side="right") - 1


def decode(
    probs: np.ndarray,
    view: TokenView,
    window_ranges: Sequence[tuple[int, int]],
    threshold: float,
    smooth: int = 0,
    min_tokens: int = 1,
    peak: float = 0.0,
) -> list[tuple[int, int]]:
    """Spans: runs of tokens at or above `threshold` within one window, kept where one of their
    tokens reaches `peak` (hysteresis, as in edge detection: a low threshold draws a span's
    bounds, a higher peak decides whether there is a span at all; a run that never reaches the
    peak is mostly noise), widened to whole words, edge punctuation and spaces trimmed
    (as the gold was), and edge function words (see `_EDGE_WORDS`), shorter than `min_tokens`
    dropped. One span per run: the task's measure would reward cutting a run into pieces, and
    we do not game it."""
    probs = smoothed(probs, smooth)
    window_of = windows_of_tokens(view, window_ranges)
    texts = view.texts

    def blank(k: int) -> bool:
        return not texts[k].strip() or texts[k] in TRIM

    def trimmed(a: int, b: int) -> tuple[int, int]:
        while a <= b and blank(a):
            a += 1
        while b >= a and blank(b):
            b -= 1
        return a, b

    opening, closing = _EDGE_WORDS

    def without_edge_words(a: int, b: int) -> tuple[int, int]:
        while b > a and (blank(b) or view.pos[b] in closing):
            b -= 1
        while a < b and (blank(a) or view.pos[a] in opening):
            a += 1
        return a, b

    def one_word(k: int) -> bool:
        """Tokens k and k + 1 are written as one word ("war" "-" "torn", "they" "'re")."""
        if view.ends[k] != view.starts[k + 1]:
            return False
        left, right = texts[k], texts[k + 1]
        if not left or not right:
            return False
        return (left[-1].isalnum() and (right[0].isalnum() or right[0] in WORD_JOINERS)) or (
            left in WORD_JOINERS and right[0].isalnum()
        )

    spans = []
    i, n, floor = 0, len(probs), 0  # floor: the first token after the last span
    while i < n:
        if probs[i] < threshold or not texts[i].strip():
            i += 1
            continue
        j = i
        while j + 1 < n and probs[j + 1] >= threshold and window_of[j + 1] == window_of[i]:
            j += 1
        if probs[i : j + 1].max() < peak:
            i = j + 1
            continue
        a, b = trimmed(i, j)
        if b >= a and b - a + 1 >= min_tokens:
            # then widened to whole words: the model scores word pieces, and half a word
            # ("-torn" of "war-torn") reads as noise
            while a > floor and one_word(a - 1):
                a -= 1
            while b + 1 < n and one_word(b):
                b += 1
            a, b = without_edge_words(*trimmed(a, b))
            if a < b or view.pos[a] not in closing:  # not a lone "at"
                spans.append((int(view.starts[a]), int(view.ends[b])))
        i = floor = max(j, b) + 1
    return spans


# --- technique classification features: shared with training ----------------------------------


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def cue_features(text: str, spans: Sequence[tuple[int, int]], view: TokenView) -> np.ndarray:
    """Hand-made cues per span: size, how often its phrase recurs in the article and among the
    article's spans (Repetition), punctuation, whether it is in the first line (the headline in
    the task's data), quotes around; then spaCy's mean token vector over the span."""
    lower = text.lower()
    first_break = text.find("\n")
    among_spans = Counter(_words(text[s:e]) for s, e in spans)
    rows = []
    for s, e in spans:
        phrase = text[s:e]
        normal = _words(phrase)
        occurrences = lower.count(phrase.lower()) if phrase.strip() else 0
        normal_occurrences = lower.count(normal) if normal else 0
        tokens = view.tokens_in(s, e)
        vector = (
            view.tensor[tokens].mean(0)
            if tokens.stop > tokens.start
            else np.zeros(view.tensor.shape[1], np.float32)
        )
        line = line_around(text, s, e)
        n_words = len(phrase.split())
        cues = [
            np.log1p(len(phrase)),
            np.log1p(n_words),
            float(n_words == 1),
            float(n_words <= 3),
            np.log1p(occurrences),
            float(occurrences > 1),
            np.log1p(normal_occurrences),
            np.log1p(max(among_spans[normal] - 1, 0)),
            float(among_spans[normal] > 1),
            float("!" in phrase),
            float("?" in phrase),
            float("?" in line),
            float("!" in line),
            float(first_break < 0 or s < first_break),
            len(phrase) / max(len(line), 1),
            float(phrase[:1].isupper()),
            float('"' in line or "\u201c" in line),
        ]
        rows.append(np.concatenate([np.array(cues, np.float32), vector]))
    width = 17 + view.tensor.shape[1]
    return np.array(rows, dtype=np.float32).reshape(len(rows), width)


def span_states(
    states: np.ndarray, offsets: np.ndarray, spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Mean of the tagger's last states over the word pieces inside each span, L2-normalised
    (computed anyway by span identification, so classification gets them for free)."""
    out = np.zeros((len(spans), states.shape[1]), np.float32)
    for i, (s, e) in enumerate(spans):
        inside = (offsets[:, 0] < e) & (offsets[:, 1] > s)
        if inside.any():
            out[i] = states[inside].mean(0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


class SpanVectoriser:
    """The classifier's input: TF-IDF of the span's words (1-2-grams) and characters (2-5-grams
    within words), TF-IDF of its line's words, scaled cues, the tagger's span vector.
    Fitted by training; rebuilt here from plain arrays (no pickles in the package)."""

    WEIGHTS = {"line": 0.5, "cues": 0.3}

    def __init__(self, words: Any, chars: Any, line: Any, mean: np.ndarray, scale: np.ndarray):
        self.words, self.chars, self.line = words, chars, line
        self.mean, self.scale = mean, scale

    @staticmethod
    def vectorisers() -> tuple[Any, Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return (
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                max_features=100_000,
            ),
            TfidfVectorizer(ngram_range=(1, 1), min_df=2, sublinear_tf=True),
        )  # fmt: skip

    def transform(
        self, text: str, spans: Sequence[tuple[int, int]], view: TokenView, vectors: np.ndarray
    ) -> Any:
        import scipy.sparse as sp

        phrases = [text[s:e] for s, e in spans]
        lines = [line_around(text, s, e) for s, e in spans]
        cues = (cue_features(text, spans, view) - self.mean) / self.scale
        return sp.hstack(
            [
                self.words.transform(phrases),
                self.chars.transform(phrases),
                self.WEIGHTS["line"] * self.line.transform(lines),
                sp.csr_matrix(cues * self.WEIGHTS["cues"]),
                sp.csr_matrix(vectors),
            ]
        ).tocsr()

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {f"{prefix}mean": self.mean, f"{prefix}scale": self.scale}
        for name in ("words", "chars", "line"):
            vec = getattr(self, name)
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            out[f"{prefix}{name}_terms"] = np.array(terms, dtype=str)
            out[f"{prefix}{name}_idf"] = vec.idf_.astype(np.float32)
        return out

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str) -> SpanVectoriser:
        built = []
        for name, vec in zip(("words", "chars", "line"), cls.vectorisers(), strict=True):
            terms = [str(t) for t in arrays[f"{prefix}{name}_terms"]]
            vec.set_params(vocabulary={t: i for i, t in enumerate(terms)}, max_features=None)
            vec.idf_ = arrays[f"{prefix}{name}_idf"].astype(np.float64)
            built.append(vec)
        return cls(*built, arrays[f"{prefix}mean"], arrays[f"{prefix}scale"])


# --- the tagger ----------------------------------------------------------------------------------


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
