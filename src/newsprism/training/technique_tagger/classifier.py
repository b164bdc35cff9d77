"""Technique classification: logistic regression over SpanVectoriser features of the gold
spans (their text, line, cues and the tagger's last states), and its micro-F1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.training.ptc import gold_techniques, tc_micro_f1
from newsprism.training.technique_tagger.model import predict
from newsprism.training.technique_tagger.windows import Parsed
from newsprism.understand.lines import line_around
from newsprism.understand.technique_features import SpanVectoriser, cue_features, span_states


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

