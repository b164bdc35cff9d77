"""The project's own fictional corpus against its expected-results file (examples/expected.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism import analyze


@pytest.fixture(scope="module")
def corpus(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    with analyze(examples_dir, db=db, workers=1) as corpus:
        yield corpus


def _relative(source: str, examples_dir: Path) -> str:
    return Path(source).as_posix().split(examples_dir.as_posix() + "/", 1)[-1]


@pytest.fixture(scope="module")
def by_source(corpus, examples_dir: Path) -> dict[str, dict]:
    return {_relative(a["source"], examples_dir): a for a in corpus.articles()}


def test_article_count(corpus, expected: dict) -> None:
    assert len(corpus.articles()) == expected["articles_stored"]


def test_every_expected_article_found(by_source: dict, expected: dict) -> None:
    assert set(expected["articles"]) <= set(by_source)


@pytest.mark.parametrize(
    "field", ["outlet", "title", "published", "published_source", "language", "dateline_place"]
)
def test_metadata(by_source: dict, expected: dict, field: str) -> None:
    for source, want in expected["articles"].items():
        if field not in want:
            continue
        got = by_source[source][field]
        if field == "published" and got is not None:
            got = got[:10]
        assert got == want[field], f"{source}: {field}"


def test_bodies(by_source: dict, expected: dict) -> None:
    for source, want in expected["articles"].items():
        text = by_source[source]["text"]
        for phrase in want.get("body_contains", []):
            assert phrase in text, f"{source} lost {phrase!r}"
        for phrase in want.get("body_not_contains", []):
            assert phrase not in text, f"{source} still has {phrase!r}"
        reasons = {r["reason"] for r in by_source[source]["removed"]}
        assert set(want.get("removed_reasons", [])) <= reasons, source


def test_errors(corpus, expected: dict, examples_dir: Path) -> None:
    errors = corpus.errors()
    for want in expected["errors"]:
        matching = [
            e for e in errors if _relative(e["source"], examples_dir).startswith(want["source"])
        ]
        assert matching, f"no error record for {want['source']}"
        assert any(want["reason_contains"] in e["reason"] for e in matching)


def test_near_duplicates(by_source: dict, expected: dict) -> None:
    for copy, original in expected["near_duplicates"]:
        group = by_source[original]["duplicate_group"]
        assert group is not None
        assert by_source[copy]["duplicate_group"] == group
        assert by_source[copy]["duplicate_of"] == by_source[original]["id"]
    grouped = {s for s, a in by_source.items() if a["duplicate_group"]}
    assert grouped == {s for pair in expected["near_duplicates"] for s in pair}


def test_dataframe(corpus, expected: dict) -> None:
    frame = corpus.to_dataframe("article")
    assert len(frame) == expected["articles_stored"]
    assert {"id", "source", "outlet", "title", "published", "text"} <= set(frame.columns)
    assert len(corpus.duplicate_groups()) == len(expected["near_duplicates"])
