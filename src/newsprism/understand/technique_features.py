"""Technique classification's input, shared with training: hand-made cues per span, the mean of
the tagger's states over it, and the vectoriser that joins them to TF-IDF of the span's words,
characters and line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.understand.lines import line_around
from newsprism.understand.technique_spans import TokenView


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
