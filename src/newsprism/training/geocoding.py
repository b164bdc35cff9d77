"""Train the learned place ranker shipped in newsprism/understand/place_ranker/model.npz.

    make geocoding-model
    python -m newsprism.training.geocoding ../shared/data/geoparsing/GWN.xml \\
        ../shared/data/geoparsing/lgl.xml

For each gold toponym with coordinates, the rules of `places` resolve the article as usual; each
GeoNames candidate of the toponym (and the article's focus place) becomes a row of features
(place_ranker.features) labelled 1 when it lies within 161 km of gold. A gradient-boosted tree
classifier learns P(within 161 km); a toponym goes to its most probable candidate, and that
probability is its confidence.

Evaluation is by article: 5-fold GroupKFold over the articles of all files together, each
article's toponyms ranked by the model of the fold that never saw it (out of fold); the report
gives acc@161 of the rules and of the ranker per file, and the ranker's calibration. The shipped
model is then fitted on every article. Deterministic (fixed seeds), under a minute on two
cores.
"""

from __future__ import annotations

import argparse
import math
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsprism.understand.gazetteer import Gazetteer
from newsprism.understand.place_ranker import MODEL_FILE, PlaceRanker
from newsprism.understand.place_ranker.features import FEATURES
from newsprism.understand.places import CandidateTable, PlaceMention, resolve_for_ranking

ACC_KM = 161.0
MAX_KM = 20039.0
FOLDS = 5
SEED = 0
MODEL_PATH = Path(__file__).resolve().parents[1] / "understand" / "place_ranker" / MODEL_FILE
# Chosen once on the cross-validation of GeoWebNews + LGL, not per fold: few, shallow-ish trees
# generalise to other news better than a model fitted to the last percent here.
PARAMS = {
    "max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 40,
    "l2_regularization": 1.0, "early_stopping": False, "random_state": SEED,
}  # fmt: skip


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Article:
    text: str
    toponyms: list[Toponym]


def _float(element: ET.Element, *paths: str) -> float | None:
    for path in paths:
        value = element.findtext(path)
        if value and value.strip():
            return float(value)
    return None


def read_corpus(path: Path) -> list[Article]:
    """Articles of an LGL-style (<gaztag><lat/><lon/>) or GWN-style (<latitude/><longitude/>)
    XML file."""
    articles = []
    for article in ET.parse(path).getroot().iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for t in article.iter("toponym"):
            start, end = t.findtext("start"), t.findtext("end")
            if start is None or end is None:
                continue
            lat = _float(t, "gaztag/lat", "latitude", "lat")
            lon = _float(t, "gaztag/lon", "longitude", "lon")
            toponyms.append(Toponym(int(start), int(end), lat, lon))
        articles.append(Article(text, sorted(toponyms, key=lambda x: x.start)))
    return articles


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def error_km(gold: Toponym, lat: float | None, lon: float | None) -> float:
    if lat is None or lon is None or gold.lat is None or gold.lon is None:
        return MAX_KM
    return haversine_km(gold.lat, gold.lon, lat, lon)


@dataclass
class Scored:
    """One gold toponym: the rules' answer, and its candidate table with each candidate's
    error."""

    corpus: str
    article: int  # a group id unique over all files
    gold: Toponym
    rules: PlaceMention
    table: CandidateTable
    errors: np.ndarray  # km from gold, per candidate
    ranked: PlaceMention | None = None  # the ranker's answer, once ranked
    confidence: float = field(default=0.0)


def scored_toponyms(files: Sequence[Path], gazetteer: Gazetteer) -> list[Scored]:
    """Every gold toponym with coordinates of every file, resolved by the rules."""
    out: list[Scored] = []
    group = 0
    for path in files:
        for article in read_corpus(path):
            gold = [t for t in article.toponyms if t.lat is not None]
            spans = [(t.start, t.end) for t in gold]
            tables = resolve_for_ranking(article.text, spans, gazetteer)
            for t, table in zip(gold, tables, strict=True):
                errors = np.array([error_km(t, e.lat, e.lon) for e in table.entries])
                out.append(Scored(path.name, group, t, table.result(), table, errors))
            group += 1
    return out


def _rows(items: Sequence[Scored]) -> tuple[np.ndarray, np.ndarray]:
    with_rows = [s for s in items if len(s.errors)]
    X = np.vstack([s.table.features for s in with_rows])
    y = np.concatenate([s.errors < ACC_KM for s in with_rows]).astype(int)
    return X, y


def fit(items: Sequence[Scored]) -> PlaceRanker:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    X, y = _rows(items)
    # One OpenMP thread: on shared two-core machines more threads made the fits 8x slower.
    with threadpool_limits(limits=1):
        model = HistGradientBoostingClassifier(**PARAMS).fit(X, y)
    return export(model)


def export(model) -> PlaceRanker:  # a fitted HistGradientBoostingClassifier
    """The fitted trees as flat node arrays (scikit-learn's own node records, read once here:
    the shipped file holds numbers only)."""
    trees = [predictors[0].nodes for predictors in model._predictors]
    offsets = np.cumsum([0] + [len(t) for t in trees[:-1]])
    nodes = np.concatenate(trees)
    shift = np.concatenate([np.full(len(t), o) for t, o in zip(trees, offsets, strict=True)])
    leaf = nodes["is_leaf"].astype(bool)
    return PlaceRanker(
        features=FEATURES,
        baseline=float(np.ravel(model._baseline_prediction)[0]),
        roots=offsets.astype(np.int64),
        feature=nodes["feature_idx"].astype(np.int64),
        threshold=nodes["num_threshold"].astype(np.float64),
        missing_left=nodes["missing_go_to_left"].astype(bool),
        left=np.where(leaf, 0, nodes["left"] + shift).astype(np.int64),
        right=np.where(leaf, 0, nodes["right"] + shift).astype(np.int64),
        is_leaf=leaf,
        value=nodes["value"].astype(np.float64),
        depth=int(nodes["depth"].max()),
    )


def rank(items: Sequence[Scored], ranker: PlaceRanker) -> None:
    """Each toponym's answer by `ranker` (rules' answer where it has no candidate)."""
    for s in items:
        if not len(s.errors):
            s.ranked, s.confidence = s.rules, s.rules.confidence
            continue
        s.table.choose(ranker.predict_proba(s.table.features))
        s.ranked, s.confidence = s.table.result(), s.table.mention.confidence


def cross_validate(items: Sequence[Scored], folds: int = FOLDS) -> None:
    """Out-of-fold answers: each article ranked by the model fitted on the other folds."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([s.article for s in items])
    for train, test in GroupKFold(n_splits=folds).split(np.zeros(len(items)), groups=groups):
        ranker = fit([items[k] for k in train])
        rank([items[k] for k in test], ranker)


def accuracy(errors: Sequence[float]) -> float:
    return sum(e < ACC_KM for e in errors) / len(errors) if errors else 0.0


def auc(errors: Sequence[float]) -> float:
    """Area under the sorted log-error curve, normalised to 0..1; lower is better."""
    if not errors:
        return 0.0
    logs = sorted(math.log(1 + min(e, MAX_KM)) for e in errors)
    if len(logs) == 1:
        return logs[0] / math.log(1 + MAX_KM)
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:], strict=False))
    return area / ((len(logs) - 1) * math.log(1 + MAX_KM))


def errors_of(items: Sequence[Scored], ranked: bool) -> list[float]:
    out = []
    for s in items:
        place = s.ranked if ranked and s.ranked is not None else s.rules
        out.append(error_km(s.gold, place.lat, place.lon))
    return out


def calibration(items: Sequence[Scored]) -> list[tuple[float, float, int, float]]:
    """(low, high, n, accuracy) per confidence decile of the ranker's answers."""
    rows = []
    for d in range(10):
        low, high = d / 10, (d + 1) / 10
        inside = [s for s in items
                  if low <= s.confidence < high or (d == 9 and s.confidence >= 1.0)]  # fmt: skip
        acc = accuracy(errors_of(inside, ranked=True)) if inside else float("nan")
        rows.append((low, high, len(inside), acc))
    return rows


def report(items: Sequence[Scored]) -> list[str]:
    lines = []
    for corpus in dict.fromkeys(s.corpus for s in items):
        part = [s for s in items if s.corpus == corpus]
        rules, ranked = errors_of(part, ranked=False), errors_of(part, ranked=True)
        lines.append(
            f"{corpus} gold spans, {FOLDS}-fold by article, out of fold (n={len(part)}): "
            f"rules acc@161 {accuracy(rules):.3f} AUC {auc(rules):.3f} | "
            f"ranker acc@161 {accuracy(ranked):.3f} AUC {auc(ranked):.3f}"
        )
    lines.append("ranker calibration (out of fold): confidence decile, toponyms, acc@161")
    for low, high, n, acc in calibration(items):
        lines.append(f"  {low:.1f}-{high:.1f}  {n:5d}  {acc:.3f}" if n else
                     f"  {low:.1f}-{high:.1f}  {n:5d}      -")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--no-cv", action="store_true", help="fit and save only")
    args = parser.parse_args(argv)
    gazetteer = Gazetteer.open_default()
    items = scored_toponyms(args.files, gazetteer)
    if not args.no_cv:
        cross_validate(items)
        print("\n".join(report(items)))
    fit(items).save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
