"""What the store keeps of each claim and story member: vectors at one byte a dimension and JSON
without what the columns hold, read back to the same groups (issue 21, store size)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np

from newsprism import analyze
from newsprism.api import open_corpus
from newsprism.encoders.packed import as_stored, pack, unpack

DIM = 384


def _unit_rows(n: int, seed: int = 7) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_packed_vector_is_a_quarter_of_float32_and_keeps_its_cosines() -> None:
    rows = _unit_rows(50)
    blobs = [pack(r) for r in rows]
    assert {len(b) for b in blobs} == {DIM + 4}
    back = np.vstack([unpack(b, DIM) for b in blobs])
    exact, packed = rows @ rows.T, back @ back.T
    assert float(np.max(np.abs(exact - packed))) < 0.005
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0, atol=1e-5)


def test_a_packed_vector_reads_back_as_the_stages_compared_it() -> None:
    rows = _unit_rows(5)
    for row, compared in zip(rows, as_stored(rows), strict=True):
        assert np.array_equal(unpack(pack(row), DIM), compared)


def test_older_float32_vectors_still_read_and_other_sizes_are_refused() -> None:
    (row,) = _unit_rows(1)
    assert np.array_equal(unpack(row.tobytes(), DIM), row)
    assert unpack(row.tobytes(), 512) is None  # another model's: embed again
    assert unpack(None, DIM) is None
    assert np.array_equal(unpack(pack(np.zeros(DIM)), DIM), np.zeros(DIM))


def test_claim_rows_repeat_neither_columns_nor_defaults(examples_db: Path) -> None:
    with sqlite3.connect(examples_db) as db:
        rows = db.execute("SELECT data, length(vector) FROM claim").fetchall()
    assert rows
    for data, size in rows:
        fields = json.loads(data)
        assert size == DIM + 4
        assert not {"id", "article_id", "start", "end", "text", "kind"} & set(fields)
        assert None not in fields.values() and False not in fields.values()
        assert fields.get("mood") != "fact"


def test_a_run_in_two_batches_groups_and_places_as_one_run(
    examples_dir: Path, examples_db: Path, tmp_path: Path
) -> None:
    """The second run reads the first run's packed vectors back; the stages compared the
    packed ones all along, so nothing moves."""
    files = sorted(p for p in examples_dir.rglob("*") if p.is_file())
    db = tmp_path / "two-runs.db"
    with analyze(files[: len(files) // 2], db=db, workers=1):
        pass
    with analyze(examples_dir, db=db, workers=1) as twice, open_corpus(examples_db) as once:
        assert _claim_groups(twice) == _claim_groups(once)
        assert _stories(twice) == _stories(once)


def _claim_groups(corpus) -> list[tuple[str, ...]]:
    """Each group as the sorted evidence spans it holds (group ids depend on arrival order)."""
    return sorted(
        tuple(sorted(f"{e['article_id']}:{e['start']}" for e in g["evidence"]))
        for g in corpus.claims()
    )


def _stories(corpus) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(s["article_ids"])) for s in corpus.stories())
