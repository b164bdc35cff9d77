"""The five founding articles: titles, outlet, boilerplate, re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism import analyze

BOILERPLATE = [
    "Subscribe to our newsletter",
    "Sign up here to get the latest news",
    "Notify of",
    "Inline Feedbacks",
    "View all comments",
    "Would love your thoughts, please comment",
    "Source: Read Full Article",
    "Source: News Agencies",
]


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    db = tmp_path_factory.mktemp("seeds") / "s.db"
    with analyze(seeds_dir, db=db, workers=1) as corpus:
        assert corpus.summary.errors == []
        return {Path(a["source"]).name[:3]: a for a in corpus.articles()}


def test_five_articles_in_english(seeds: dict[str, dict]) -> None:
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]
    assert {a["language"] for a in seeds.values()} == {"en"}


@pytest.mark.parametrize(
    ("key", "title_start"),
    [
        ("000", "Betrayed Kurdish allies throw rotten tomatoes"),
        ("001", "A SIGHT TO BEHOLD: Fleeing American Occupiers"),
        ("002", "US fears ISIS resurrection so much"),
        ("004", "US Troops Pullout May Shed Light on Coalition"),
    ],
)
def test_title_found_and_not_repeated_in_body(seeds: dict, key: str, title_start: str) -> None:
    article = seeds[key]
    assert article["title"].startswith(title_start)
    assert title_start.casefold() not in article["text"].casefold()


def test_alwaght_article_has_outlet_and_no_title(seeds: dict) -> None:
    article = seeds["003"]
    assert article["outlet"] == "Alwaght"
    assert article["outlet_source"] == "dateline"
    assert article["title"] is None
    assert article["text"].startswith("Residents of a Syria")


def test_dateline_place_split_off(seeds: dict) -> None:
    assert seeds["001"]["dateline_place"] == "DAMASCUS"
    assert seeds["001"]["text"].startswith("The US soldiers retreating")


@pytest.mark.parametrize("line", BOILERPLATE)
def test_no_boilerplate_left_in_any_body(seeds: dict, line: str) -> None:
    for article in seeds.values():
        assert line.casefold() not in article["text"].casefold(), article["source"]


def test_removed_lines_are_kept_with_reasons(seeds: dict) -> None:
    removed = {r["text"] for a in seeds.values() for r in a["removed"]}
    assert "Source: News Agencies" in removed
    assert "Notify of" in removed
    reasons = {r["reason"] for r in seeds["004"]["removed"]}
    assert reasons == {"title", "repeated-title", "boilerplate"}


def test_unknown_outlet_and_date_stay_unknown(seeds: dict) -> None:
    for key in ("000", "001", "002", "004"):
        assert seeds[key]["outlet"] is None
    # No seed carries a date of its own; those that mention enough get an inferred one.
    assert all(a["published_source"] in (None, "inferred") for a in seeds.values())
    # 003 tells only months ("late October 2019", "late March"): a lower bound, no day.
    assert seeds["003"]["published"] is None
    assert seeds["003"]["published_evidence"]["earliest"] == "2020-03-01"


def test_quotes_and_body_kept(seeds: dict) -> None:
    assert "Gen Mazloum Kobani" in seeds["002"]["text"]
    assert "It's time for us to come home" in seeds["002"]["text"]
    assert seeds["004"]["text"].rstrip().endswith("terrorist group.")


def test_second_run_adds_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "again.db"
    with analyze(seeds_dir, db=db, workers=1) as first:
        assert first.summary.new_articles == 5
    with analyze(seeds_dir, db=db, workers=1) as second:
        assert second.summary.new_articles == 0
        assert second.summary.unchanged_files == 5  # not even read again
        assert second.store.count("article") == 5
    with analyze(seeds_dir, db=db, workers=1, rescan=True) as third:
        assert third.summary.new_articles == 0
        assert third.summary.already_stored == 5  # read again, recognised by content
        assert third.store.count("article") == 5
        assert third.store.count("sighting") == 5
