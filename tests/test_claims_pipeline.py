"""Cross-checking inside `analyze`: claim groups and verdicts on the example corpus, stored,
exported and shown (the fictional Velmora Dam articles; see examples/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism import analyze
from newsprism.api import open_corpus

ROOT = Path(__file__).resolve().parents[1]


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


def test_the_agencys_denial_contradicts_the_papers_19(examples_db: Path) -> None:
    # Ostrava Today: the agency counts 12 dead and rejects "19 deaths"; the Valley Post and the
    # Sentinel count 19; Harbor Wire's "at least 12" agrees with both and disputes neither
    with open_corpus(examples_db) as corpus:
        claims = corpus.claims()
        group = _group(claims, 19, "person")
        twelve = _group(claims, 12, "person")
        outlets = {a["id"]: a["outlet"] or a["source"] for a in corpus.articles()}
    assert group["verdict"] == "contradicted"
    disputing = [e for e in group["evidence"] if e["stance"] == "disputes"]
    backing = [e for e in group["evidence"] if e["stance"] != "disputes"]
    assert {outlets[e["article_id"]] for e in disputing} == {"ostrava-today.example"}
    assert any("rejected reports of 19 deaths" in e["text"] for e in disputing)
    assert "Valley Post" in {outlets[e["article_id"]] for e in backing}
    assert not any("at least 12" in e["text"] for e in disputing)
    assert "denied" in group["reason"]
    # 12 and "at least 12" are one figure, of another count than 19: a group of their own, in
    # which the agency's 12 backs Harbor Wire's "at least 12"
    assert twelve is not group and any("12 people died" in e["text"] for e in twelve["evidence"])


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


def test_a_run_that_keeps_few_claims_at_hand_groups_and_judges_as_one_that_keeps_all(
    examples_dir: Path, examples_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run over a large corpus does not hold every claim: the groups a new claim may join are
    read back from the store (issue 21). Keeping one claim at hand and storing each article
    before the next is read, every group an article did not change is read back, and the
    groups and verdicts are those of a run that kept all."""
    from newsprism.crosscheck import group_shelf
    from newsprism.stages import crosscheck

    monkeypatch.setattr(group_shelf, "KEPT_CLAIMS", 1)
    monkeypatch.setattr(crosscheck, "BATCH_ARTICLES", 1)
    with analyze(examples_dir, db=tmp_path / "few.db", workers=1) as corpus:
        few = sorted(corpus.claims(), key=lambda g: g["id"])
    with open_corpus(examples_db) as corpus:
        kept = sorted(corpus.claims(), key=lambda g: g["id"])
    assert len(few) > 20
    assert few == kept


def test_an_article_that_claims_nothing_is_cross_checked_with_the_rest(tmp_path: Path) -> None:
    """A poem beside a report: the poem has no claim to encode, and the run goes on (the scale
    benchmark's GeoWebNews articles stopped the claims' reading before this was handled)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "poem.txt").write_text(
        "Autumn song\n\nLeaves drift over the quiet lane,\nand the hills lean into rain.\n",
        encoding="utf-8",
    )
    (tmp_path / "in" / "report.txt").write_text(
        "Flood in Calder\n\nFloods forced 1,200 people from their homes in Calder on Monday, "
        "the regional council said.\n",
        encoding="utf-8",
    )
    with analyze(tmp_path / "in", db=tmp_path / "mixed.db", workers=1) as corpus:
        assert corpus.summary.crosscheck.articles == 2
        claims = corpus.claims()
        assert any(g["statement"]["value"] == 1200 for g in claims), claims
        poem = next(a for a in corpus.articles() if a["title"] == "Autumn song")
        assert not [g for g in claims if poem["id"] in g["articles"]]


def test_a_direct_quotation_is_stored_as_one_and_reported_speech_is_not(tmp_path: Path) -> None:
    """Whether a claim is someone's words as quoted travels from the attribution to the stored
    claim (independence reads it: two outlets' quotations of one meaning are one utterance)."""
    from newsprism.stages.crosscheck import load_index

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bridge.txt").write_text(
        "Bridge to reopen\n\n\u201cThe old bridge over the Keth will reopen to traffic on "
        "Monday morning,\u201d Mayor Ilse Varga said on Friday.\n\nThe regional council said "
        "that the repairs to the old bridge had been finished well ahead of schedule.\n",
        encoding="utf-8",
    )
    with analyze(tmp_path / "in", db=tmp_path / "q.db", workers=1) as corpus:
        index = load_index(corpus.store)
    said = {c.text: c.direct for c in index.claims if c.kind == "attributed"}
    quoted = [t for t, direct in said.items() if "reopen" in t]
    told = [t for t, direct in said.items() if "repairs" in t]
    assert quoted and all(said[t] for t in quoted), said
    assert told and not any(said[t] for t in told), said


def test_the_grouping_labels_of_our_examples_still_point_at_their_figures(
    examples_db: Path,
) -> None:
    # benchmarks/data/claim_groups.json anchors its labels by span; a change to ingest that
    # moves the example texts must come with relabelled spans
    labels = json.loads((ROOT / "benchmarks/data/claim_groups.json").read_text("utf-8"))
    with open_corpus(examples_db) as corpus:
        articles = corpus.articles()
    for item in labels["items"]:
        spec = labels["articles"][item["article"]]
        if "repo" not in spec:
            continue
        suffix = Path(spec["repo"]).name + spec.get("part", "")
        (article,) = [a for a in articles if a["source"].endswith(suffix)]
        assert article["text"][item["start"] : item["end"]] == item["text"], item
