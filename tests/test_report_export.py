"""The HTML report is one offline file with every article escaped; exports keep the contract."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism import analyze
from newsprism.cli import app

HOSTILE = (
    'Officials warned about the dam on Friday. <script>alert("pwned")</script> '
    '<img src=x onerror="alert(1)"> The evacuation of the valley began at dawn.'
)


@pytest.fixture(scope="module")
def store_with_hostile(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    (tmp / "in").mkdir()
    (tmp / "in" / "hostile.jsonl").write_text(
        json.dumps({"title": "<b>Bold</b> & <i>sly</i>", "text": HOSTILE, "outlet": "X<script>"})
        + "\n",
        encoding="utf-8",
    )
    db = tmp / "r.db"
    with analyze([examples_dir, tmp / "in"], db=db, workers=1):
        pass
    return db


@pytest.fixture(scope="module")
def report_html(store_with_hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("html") / "report.html"
    result = CliRunner().invoke(app, ["report", str(out), "--db", str(store_with_hostile)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained(report_html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", report_html)
    assert "<link" not in report_html
    assert "@import" not in report_html


def test_report_escapes_article_text(report_html: str) -> None:
    assert "<script>alert" not in report_html
    assert "<img" not in report_html  # the onerror payload only as escaped text
    assert "&lt;script&gt;alert(" in report_html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;sly&lt;/i&gt;" in report_html
    # only the report's own script tag
    assert report_html.count("<script>") == 1


def test_report_shows_articles_groups_removed_lines_and_errors(
    report_html: str, expected: dict
) -> None:
    # the examples and the one hostile article
    assert report_html.count('<article class="article"') == expected["articles_stored"] + 1
    assert "Near-duplicates and syndicated copies" in report_html
    assert "removed line(s)" in report_html
    assert "<details" in report_html  # removed boilerplate collapsed
    assert "broken-feed.xml" in report_html
    assert "Inside Dravik, a day after the Velmora Dam gave way" in report_html


def test_jsonl_export_contract(store_with_hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = CliRunner().invoke(
        app, ["export", "--format", "jsonl", "--out", str(out), "--db", str(store_with_hostile)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    types = {r["type"] for r in records}
    assert {"article", "error", "mention", "entity"} <= types
    texts = {r["id"]: r["text"] for r in records if r["type"] == "article"}
    titles = {r["id"]: r["title"] for r in records if r["type"] == "article"}
    for r in records:
        assert r["id"]
        if r["type"] == "article":
            assert {"source", "outlet", "title", "published", "text"} <= set(r)
            assert r["text"].strip()
        elif r["type"] == "error":
            assert r["source"] and r["reason"]
        elif r["type"] == "claim":  # a claim group: its verdict and evidence spans
            assert r["verdict"] and r["evidence"]
            for e in r["evidence"]:
                assert texts[e["article_id"]][e["start"] : e["end"]] == e["text"]
        elif r["type"] == "story":  # articles about one happening, by id
            assert r["article_ids"] and set(r["article_ids"]) <= set(texts)
        elif r["type"] == "event":  # a dated happening of a story: its evidence spans
            assert r["story_id"] and r["verdict"] and (r["first"] or r["last"])
            assert set(r["article_ids"]) <= set(texts)
            for e in r["evidence"]:
                assert texts[e["article_id"]][e["start"] : e["end"]] == e["text"]
        elif r["type"] != "entity":  # a derived record: the span it came from
            # labels and techniques found in a headline point into the title
            source = titles if r.get("field") == "title" else texts
            assert source[r["article_id"]][r["start"] : r["end"]] == r["text"]
        if r["type"] == "place":
            assert {"lat", "lon"} <= set(r)
        if r["type"] in ("quantity", "timeref"):
            assert "value" in r
    hostile = next(r for r in records if r.get("outlet") == "X<script>")
    assert "<script>" in hostile["text"]  # exports keep the text as it is


def test_csv_export(store_with_hostile: Path, tmp_path: Path, expected: dict) -> None:
    result = CliRunner().invoke(
        app, ["export", "--format", "csv", "--out", str(tmp_path), "--db", str(store_with_hostile)]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "article.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == expected["articles_stored"] + 1
    assert all(json.loads(r["removed"]) is not None for r in rows)
    assert (tmp_path / "error.csv").exists()


def test_export_and_report_need_an_existing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", str(tmp_path / "r.html"), "--db", str(tmp_path / "none.db")]
    )
    assert result.exit_code == 2
    assert "run `newsprism analyze" in result.output
    result = CliRunner().invoke(
        app, ["export", "--format", "xml", "--db", str(tmp_path / "none.db")]
    )
    assert result.exit_code == 2


def test_peoples_keep_their_records_but_are_no_points_on_maps(tmp_path: Path) -> None:
    """"Syrian troops" tells who, not where: the record keeps its country (label NORP) for
    stories and claims, while maps and the GeoJSON show the places named as places."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "harbor.example_aleppo.txt").write_text(
        "Syrian troops advance\n\nSyrian troops advanced on Monday, a commander told reporters "
        "in Aleppo, while Turkish officials in Ankara warned that the offensive would drive "
        "thousands more people toward the border.\n",
        encoding="utf-8",
    )
    with analyze(folder, db=tmp_path / "s.db", workers=1) as corpus:
        places = corpus.records("place")
        corpus.export("geojson", tmp_path / "places.geojson")
        html = corpus.report(tmp_path / "r.html").read_text("utf-8")
    peoples = {p["text"]: p["country"] for p in places if p["label"] == "NORP"}
    assert peoples == {"Syrian": "SY", "Turkish": "TR"}
    features = json.loads((tmp_path / "places.geojson").read_text("utf-8"))["features"]
    assert sorted(f["properties"]["text"] for f in features) == ["Aleppo", "Ankara"]
    corpus_map = html[html.index("every place"):]
    assert "Aleppo" in corpus_map and "Syria<" not in corpus_map and "Turkey<" not in corpus_map
