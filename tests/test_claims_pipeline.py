"""Cross-checking inside `analyze`: claim groups and verdicts on the example corpus, stored,
exported and shown (the fictional Velmora Dam articles; see examples/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism import analyze
from newsprism.api import open_corpus


@pytest.fixture(scope="module")
def examples_db(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("claims") / "e.db"
    with analyze(examples_dir, db=db, workers=1) as corpus:
        assert corpus.summary.crosscheck.claims > 0
    return db


def _group(claims: list[dict], value: float, counts: str) -> dict:
    found = [
        c for c in claims
        if c["statement"]["value"] == value and c["statement"]["counts"] == counts
    ]  # fmt: skip
    assert found, f"no claim group for {value} {counts}"
    return max(found, key=lambda c: len(c["articles"]))


def test_evacuations_told_by_two_independent_outlets_are_corroborated(examples_db: Path) -> None:
    with open_corpus(examples_db) as corpus:
        group = _group(corpus.claims(), 4000, "person")
    # Harbor Wire, its syndicated Northgate copy and the Valley Post: three articles, two
    # independent sources, because the copy counts with its original
    assert len(group["articles"]) == 3
    assert group["verdict"] == "corroborated" and group["independent_outlets"] == 2


def test_a_claim_two_outlets_only_relay_from_one_agency_is_single_source(
    examples_db: Path,
) -> None:
    with open_corpus(examples_db) as corpus:
        group = _group(corpus.claims(), 350, "home")
    assert len(group["articles"]) == 2
    assert group["verdict"] == "single-source" and group["independent_outlets"] == 1
    assert {e["stance"] for e in group["evidence"]} == {"reports-as-said-by"}


def test_a_figure_no_one_is_cited_for_is_unattributed(examples_db: Path) -> None:
    with open_corpus(examples_db) as corpus:
        group = _group(corpus.claims(), 40, "bridge")
    assert group["verdict"] == "unattributed"


def test_at_least_12_and_19_killed_are_not_a_contradiction(examples_db: Path) -> None:
    with open_corpus(examples_db) as corpus:
        group = _group(corpus.claims(), 12, "person")
    assert group["verdict"] != "contradicted"


def test_claims_are_exported_and_reported_with_their_evidence(
    examples_db: Path, tmp_path: Path
) -> None:
    with open_corpus(examples_db) as corpus:
        corpus.export("jsonl", tmp_path / "all.jsonl")
        html = corpus.report(tmp_path / "r.html").read_text("utf-8")
        texts = {a["id"]: a["text"] for a in corpus.articles()}
    claims = [
        r
        for r in map(json.loads, (tmp_path / "all.jsonl").read_text("utf-8").splitlines())
        if r["type"] == "claim"
    ]
    assert claims and all(c["verdict"] and c["evidence"] for c in claims)
    for claim in claims:
        for e in claim["evidence"]:
            assert texts[e["article_id"]][e["start"] : e["end"]] == e["text"]
    assert "Claims across outlets" in html and 'class="verdict v-corroborated"' in html
    # each evidence link lands on an anchor in the article text
    for claim in claims:
        for e in claim["evidence"]:
            if f'href="#c-{e["claim_id"]}"' in html:
                assert f'id="c-{e["claim_id"]}"' in html


def test_adding_articles_later_updates_the_groups(examples_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "later.db"
    first = [p for p in examples_dir.rglob("*") if p.is_file() and "river-gazette" not in p.name]
    with analyze(first, db=db, workers=1) as corpus:
        before = _group(corpus.claims(), 350, "home")
        assert len(before["articles"]) == 1
    with analyze(examples_dir, db=db, workers=1) as corpus:
        assert corpus.summary.crosscheck.articles == 1  # only the new article is read
        after = _group(corpus.claims(), 350, "home")
        assert after["id"] == before["id"] and len(after["articles"]) == 2
