"""The learned place ranker: for each toponym, the probability that each GeoNames candidate (or
the article's focus place) lies within 161 km of where the toponym is.

A gradient-boosted tree model (scikit-learn's HistGradientBoostingClassifier) trained by
`make geocoding-model` (newsprism.training.geocoding) on GeoWebNews and LGL, shipped as plain
arrays in `model.npz` (its trees' nodes, no pickle) and evaluated here with NumPy: loading it runs
no code from the file and needs no scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsprism.understand.place_ranker.features import FEATURES

MODEL_FILE = "model.npz"


@dataclass(frozen=True)
class PlaceRanker:
    """Trees as flat node arrays; `roots[t]` is tree t's first node, children are global
    indices."""

    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    is_leaf: np.ndarray
    value: np.ndarray
    depth: int

    def predict_proba(self, X: np.ndarray) -> np.ndarray:  # the usual name
        """P(within 161 km) for each row of X (features in FEATURES order)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise ValueError(f"expected rows of {len(self.features)} features, got {X.shape}")
        if len(X) == 0:
            return np.zeros(0)
        rows = np.arange(len(X))[:, None]
        node = np.broadcast_to(self.roots, (len(X), len(self.roots))).copy()
        for _ in range(self.depth + 1):  # every tree descends one level a step
            leaf = self.is_leaf[node]
            if leaf.all():
                break
            x = X[rows, self.feature[node]]
            go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        raw = self.baseline + self.value[node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, features=np.array(self.features), baseline=np.array(self.baseline),
            roots=self.roots, feature=self.feature, threshold=self.threshold,
            missing_left=self.missing_left, left=self.left, right=self.right,
            is_leaf=self.is_leaf, value=self.value, depth=np.array(self.depth),
        )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> PlaceRanker:
        with np.load(path, allow_pickle=False) as data:
            features = tuple(str(f) for f in data["features"])
            if features != FEATURES:
                raise ValueError(
                    f"{path} was trained on other features: retrain it (make geocoding-model)"
                )
            return cls(
                features, float(data["baseline"]), data["roots"], data["feature"],
                data["threshold"], data["missing_left"], data["left"], data["right"],
                data["is_leaf"], data["value"], int(data["depth"]),
            )  # fmt: skip


@lru_cache(maxsize=1)
def packaged_ranker() -> PlaceRanker | None:
    """The model shipped with newsprism, or None where it is missing (then the rules decide)."""
    path = resources.files(__name__) / MODEL_FILE
    if not path.is_file():
        return None
    return PlaceRanker.load(Path(str(path)))
