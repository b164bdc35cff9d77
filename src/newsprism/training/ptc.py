"""The Propaganda Techniques Corpus (SemEval-2020 Task 11) format, our fixed split of it, and the
task's two measures, written from the task definition.

Format: `article<ID>.txt` files, and label files (`*.labels`) whose lines are
`ID<TAB>technique<TAB>start<TAB>end` (technique classification, TC) or `ID<TAB>start<TAB>end`
(span identification only, SI); offsets are characters of the article text.

Split: article ids sorted numerically; every 5th one (positions 0, 5, 10, ...) is validation,
the rest training; inside training the same rule again gives the "tune" part (choices such as
the decoding threshold and the epoch) and the "fit" part (weights). Deterministic, no seed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ARTICLES = "train-articles"
LABELS = "train-labels-TC"


class PTCError(ValueError):
    """A PTC folder or label line that cannot be read; the message names the file."""


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    technique: str | None  # None where the labels give spans only (SI format)


@dataclass
class PTCArticle:
    id: str
    text: str
    spans: list[GoldSpan] = field(default_factory=list)


def _article_id(path: Path) -> str:
    match = re.fullmatch(r"article(\w+)", path.stem)
    return match.group(1) if match else path.stem


def _sort_key(article_id: str) -> tuple[int, str]:
    return (int(article_id), "") if article_id.isdigit() else (0, article_id)


def read_articles(articles_dir: Path, labels_dir: Path | None = None) -> list[PTCArticle]:
    """Articles sorted by numeric id, with their gold spans when `labels_dir` is given."""
    articles_dir = Path(articles_dir)
    if not articles_dir.is_dir():
        raise PTCError(f"{articles_dir}: not a folder of article<ID>.txt files")
    articles = {}
    for path in sorted(articles_dir.glob("*.txt")):
        articles[_article_id(path)] = PTCArticle(
            _article_id(path), path.read_text(encoding="utf-8")
        )
    if not articles:
        raise PTCError(f"{articles_dir}: no article<ID>.txt files in it")
    if labels_dir is not None:
        labels_dir = Path(labels_dir)
        files = sorted(labels_dir.glob("*.labels")) if labels_dir.is_dir() else []
        if not files:
            raise PTCError(f"{labels_dir}: no *.labels files in it")
        for path in files:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    article_id, span = _parse_label(line, f"{path}:{number}")
                    if article_id in articles:
                        articles[article_id].spans.append(span)
    for article in articles.values():
        article.spans.sort(key=lambda s: (s.start, s.end, s.technique or ""))
    return sorted(articles.values(), key=lambda a: _sort_key(a.id))


def _parse_label(line: str, where: str) -> tuple[str, GoldSpan]:
    fields = line.rstrip("\n").split("\t")
    try:
        if len(fields) == 4:
            return fields[0], GoldSpan(int(fields[2]), int(fields[3]), fields[1])
        if len(fields) == 3:
            return fields[0], GoldSpan(int(fields[1]), int(fields[2]), None)
    except ValueError:
        pass
    raise PTCError(f"{where}: expected 'ID<TAB>technique<TAB>start<TAB>end', got {line!r}")


def every_fifth(articles: Sequence[PTCArticle]) -> tuple[list[PTCArticle], list[PTCArticle]]:
    """(rest, every 5th) by sorted id: (training, validation), or inside training (fit, tune)."""
    ordered = sorted(articles, key=lambda a: _sort_key(a.id))
    return (
        [a for i, a in enumerate(ordered) if i % 5 != 0],
        [a for i, a in enumerate(ordered) if i % 5 == 0],
    )


def default_split(ptc_dir: Path) -> dict[str, list[PTCArticle]]:
    """The split every figure we report uses: train, validation, and train's fit and tune."""
    articles = read_articles(Path(ptc_dir) / ARTICLES, Path(ptc_dir) / LABELS)
    train, validation = every_fifth(articles)
    fit, tune = every_fifth(train)
    return {"train": train, "validation": validation, "fit": fit, "tune": tune}


# --- measures ------------------------------------------------------------------------------------

Spans = Sequence[tuple[int, int]]


def merge(spans: Spans) -> list[tuple[int, int]]:
    """Overlapping spans (half-open) merged, as the task merges them before scoring SI;
    spans that only touch stay apart."""
    out: list[list[int]] = []
    for s, e in sorted((s, e) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def si_scores(
    predicted: Mapping[str, Spans], gold: Mapping[str, Spans]
) -> tuple[float, float, float]:
    """(precision, recall, F1) with partial-overlap credit, pooled over articles:
    C(s, t, h) = |s ∩ t| / h; P = Σ C(s, t, |s|) / |S|; R = Σ C(s, t, |t|) / |T|."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for article_id in set(predicted) | set(gold):
        pred, true = merge(predicted.get(article_id, [])), merge(gold.get(article_id, []))
        n_pred += len(pred)
        n_gold += len(true)
        for s0, s1 in pred:
            for t0, t1 in true:
                overlap = min(s1, t1) - max(s0, t0)
                if overlap > 0:
                    p_sum += overlap / (s1 - s0)
                    r_sum += overlap / (t1 - t0)
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def tc_micro_f1(
    predicted: Mapping[tuple[str, int, int], Sequence[str]],
    gold: Mapping[tuple[str, int, int], Sequence[str]],
) -> float:
    """Micro-F1 over gold span lines. A span carrying k techniques gets the system's k guesses,
    compared as a multiset; every gold line gets one guess, so P = R = F1."""
    total = sum(len(v) for v in gold.values())
    if not total:
        return 0.0
    correct = sum(
        sum((Counter(predicted.get(key, ())) & Counter(labels)).values())
        for key, labels in gold.items()
    )
    return correct / total


def gold_spans(articles: Sequence[PTCArticle]) -> dict[str, list[tuple[int, int]]]:
    return {a.id: [(s.start, s.end) for s in a.spans] for a in articles}


def gold_techniques(articles: Sequence[PTCArticle]) -> dict[tuple[str, int, int], list[str]]:
    out: dict[tuple[str, int, int], list[str]] = {}
    for a in articles:
        for s in a.spans:
            if s.technique is not None:
                out.setdefault((a.id, s.start, s.end), []).append(s.technique)
    return out
