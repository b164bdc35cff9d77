"""The scoring functions of benchmarks/actors.py on tiny hand-made examples (no pipeline run),
and a check that the committed labelled set is well formed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

if not (SHARED / "corpus").exists():
    pytest.skip(
        f"benchmarks/actors.py imports benchmarks/grouping.py, which needs {SHARED} "
        "(the shared corpora); it is absent here",
        allow_module_level=True,
    )

sys.path.insert(0, str(ROOT / "benchmarks"))
import actors  # noqa: E402

# four mentions of two actors in three articles; the system merges m3 into A and misses m4
GOLD = {"m1": "A", "m2": "A", "m3": "B", "m4": "B"}
DOC = {"m1": "x", "m2": "y", "m3": "y", "m4": "z"}
SYSTEM = {"m1": "e1", "m2": "e1", "m3": "e1", "m4": "none-m4"}


def test_cross_article_pairs() -> None:
    s = actors.cross_pairs(GOLD, SYSTEM, DOC)
    # cross-article pairs: m1-m2 (A,A joined), m1-m3 (joined, gold apart), m1-m4, m2-m4,
    # m3-m4 (B,B apart); m2-m3 share article y and do not count
    assert (s["gold"], s["system"], s["both"]) == (2, 2, 1)
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(0.5)


def test_bcubed() -> None:
    p, r, f = actors.bcubed(GOLD, SYSTEM)
    # precision: m1, m2 2/3 each, m3 1/3, m4 1 -> 8/12; recall: m1, m2 1, m3, m4 1/2 -> 3/4
    assert p == pytest.approx(8 / 12)
    assert r == pytest.approx(3 / 4)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert actors.bcubed(GOLD, {m: f"c-{GOLD[m]}" for m in GOLD}) == (1.0, 1.0, 1.0)


def test_linked_article_pairs() -> None:
    linked, total, unlinked = actors.linked_article_pairs(GOLD, SYSTEM, DOC)
    # A in x and y: e1 both (linked); B in y and z: e1 vs none-m4 (not linked)
    assert (linked, total) == (1, 2)
    assert unlinked == [("B", "y", "z")]


def test_match_mention_prefers_exact_span() -> None:
    m = actors.Mention(0, "x", 10, 17, "A")
    stored = [
        {"name_start": 6, "name_end": 17, "entity_id": "e9", "name": "Mr Hollande"},
        {"name_start": 10, "name_end": 17, "entity_id": "e1", "name": "Hollande"},
    ]
    actors.match_mention(m, stored)
    assert (m.boundary, m.entity) == ("exact", "e1")
    far = actors.Mention(1, "x", 40, 45, "A")
    actors.match_mention(far, stored)
    assert (far.boundary, far.entity) == ("missed", None)


def test_labelled_set_is_well_formed() -> None:
    labels = json.loads(actors.DEFAULT_LABELS.read_text("utf-8"))
    splits = {spec["split"] for spec in labels["articles"].values()}
    assert splits == {"dev", "test"}
    for item in labels["mentions"] + labels["labels"]:
        assert item["article"] in labels["articles"]
        assert 0 <= item["start"] < item["end"] and len(item["sha1"]) == 12
        assert "text" not in item  # never third-party text
