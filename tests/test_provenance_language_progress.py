"""Outlet and date provenance, language marking, and progress output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsprism import analyze
from newsprism.ingest.provenance import date_in_name, domain_in_path, parse_published
from newsprism.progress import ProgressReporter

FRENCH = (
    "Les habitants de la vallée ont été évacués dimanche après la rupture partielle du barrage. "
    "Les secours ont installé des abris dans les écoles et les gymnases de la ville."
)
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Keth Valley Gazette</title>
  <link href="https://gazette.example/"/>
  <updated>2031-03-15T10:00:00Z</updated>
  <id>urn:gazette</id>
  <entry>
    <title>Ferry service resumes on the Keth</title>
    <link href="https://gazette.example/2031/03/15/ferry"/>
    <id>urn:gazette:1</id>
    <updated>2031-03-15T09:30:00Z</updated>
    <content type="html">&lt;p&gt;The ferry between the two banks of the Keth ran again on
    Saturday morning.&lt;/p&gt;&lt;p&gt;Operators said the river had fallen.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_non_english_articles_are_stored_and_marked(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fr.txt").write_text(FRENCH, encoding="utf-8")
    with analyze(tmp_path / "in", db=tmp_path / "l.db", workers=1) as corpus:
        [article] = corpus.articles()
        assert article["language"] == "fr"
        assert article["language_score"] > 0.9
        html = corpus.report(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "not English" in html


def test_atom_feed_entry(tmp_path: Path) -> None:
    (tmp_path / "gazette.atom").write_text(ATOM, encoding="utf-8")
    with analyze(tmp_path / "gazette.atom", db=tmp_path / "a.db", workers=1) as corpus:
        [article] = corpus.articles()
    assert article["outlet"] == "Keth Valley Gazette"
    assert article["title"] == "Ferry service resumes on the Keth"
    assert article["published"].startswith("2031-03-15T09:30")
    assert article["url"] == "https://gazette.example/2031/03/15/ferry"
    assert article["text"].startswith("The ferry between the two banks")
    assert "\n\nOperators said" in article["text"]
    assert article["source"].endswith("gazette.atom#1")


@pytest.mark.parametrize(
    ("source", "domain"),
    [
        ("corpus/rt.com_2019-10-20_story.txt", "rt.com"),
        ("corpus/www.bbc.co.uk/syria-withdrawal.html", "bbc.co.uk"),
        ("corpus/000_f7ab7fd70c0c1e7c.txt", None),
        ("corpus/notes.v2.txt", None),
    ],
)
def test_domain_in_path(source: str, domain: str | None) -> None:
    assert domain_in_path(source) == domain


def test_dates_from_names_and_metadata() -> None:
    assert date_in_name("x/rt.com_2019-10-20_story.txt") == "2019-10-20"
    assert date_in_name("x/20191020-story.txt") == "2019-10-20"
    assert date_in_name("x/story-2019-13-45.txt") is None
    assert parse_published("Sun, 13 Oct 2019 10:00:00 GMT") == (
        "2019-10-13T10:00:00+00:00",
        "second",
    )
    assert parse_published("2019-10-13") == ("2019-10-13", "day")
    assert parse_published("October 13, 2019") == ("2019-10-13", "day")
    assert parse_published("2019-10") == ("2019-10", "month")
    assert parse_published("not a date") is None


def test_progress_plain_lines_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsprism.progress.QUIET_SECONDS", 0.0)
    monkeypatch.setattr("newsprism.progress.PLAIN_EVERY_SECONDS", 0.0)
    stream = io.StringIO()
    reporter = ProgressReporter(4, "analyzing", stream=stream)
    for _ in range(4):
        reporter.advance()
    reporter.close()
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("analyzing: 4/4 (100%)")
    assert "\x1b[" not in stream.getvalue()  # no terminal escapes in a log file


def test_short_runs_print_no_progress() -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(2, "analyzing", stream=stream)
    reporter.advance()
    reporter.advance()
    reporter.close()
    assert stream.getvalue() == ""


def test_label_tables_get_no_language() -> None:
    from newsprism.ingest.language import detect_language

    table = "\n".join(f"69583317{i} Loaded_Language {i * 97} {i * 97 + 40}" for i in range(12))
    assert detect_language(table)[0] == "und"
