"""Span identification around the tagger, shared with training: the windows of an article the
tagger reads (its lines, long ones cut at sentences to fit MAX_PIECES word pieces), their word
pieces and the spaCy token vectors under them, each token's probability from its pieces', and
the decoding of those probabilities into spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsprism.encoders.minilm import model_dir
from newsprism.understand.lines import lines_of

MAX_PIECES = 128  # per window, [CLS] and [SEP] included: the length the tagger was trained on
TRIM = frozenset(".,:;")  # the task's gold spans were trimmed of these at their edges
WORD_JOINERS = "-'\u2019"
_SPECIAL = 2


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


# --- windows and word pieces -----------------------------------------------------------------


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


# --- decoding --------------------------------------------------------------------------------


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
