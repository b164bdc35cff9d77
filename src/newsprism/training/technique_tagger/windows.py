"""The training examples: PTC articles parsed with spaCy into the windows the tagger reads
(word pieces, gold labels, character offsets, spaCy's vectors), and windows batched as
tensors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsprism.training.ptc import PTCArticle
from newsprism.training.technique_tagger.settings import TENSOR_WIDTH
from newsprism.understand.technique_spans import (
    TokenView,
    encode_windows,
    piece_vectors,
    sentence_starts,
    windows,
)


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


def batch_tensors(torch: Any, chunk: Sequence[Window]) -> tuple[Any, Any, Any, Any, Any]:
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

