"""The Python API as a user of pandas or spaCy expects it: wrong names raise with the valid ones
listed, reading never creates a store, summaries and matrices are there to use, and what the
report shows a reader reads as words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from examples_store import analyzed_examples
from newsprism import Corpus, analyze, open_corpus
from newsprism.api import NamingMatrix, StoreInfo
from newsprism.show.export_records import RECORD_TYPES
from newsprism.show.highlight import mark_note
from newsprism.show.readable import article_name, quantity, timeml
from newsprism.store.store import StoreError

HEX_ID = re.compile(r"\b[0-9a-f]{8,}\b")


@pytest.fixture(scope="module")
def corpus() -> Iterator[Corpus]:
    with open_corpus(analyzed_examples().db) as opened:
        yield opened


# -- wrong names are errors that list the right ones ------------------------------------------


def test_a_verdict_technique_or_type_that_does_not_exist_raises_listing_the_valid_ones(
    corpus: Corpus,
) -> None:
    with pytest.raises(ValueError, match="did you mean 'corroborated'.*single-source"):
        corpus.claims("Corroborated")
    with pytest.raises(ValueError, match="unknown verdict 'bogus': use one of corroborated"):
        corpus.claims("bogus")
    with pytest.raises(ValueError, match="did you mean 'Loaded_Language'.*Doubt"):
        corpus.techniques("loaded language")
    with pytest.raises(ValueError, match="unknown record type 'claims': use one of article"):
        corpus.records("claims")
    with pytest.raises(ValueError, match="no actor 'Nobody' in this corpus"):
        corpus.labels("Nobody")
    assert corpus.claims("contradicted") and corpus.techniques("Loaded_Language")


def test_query_filters_as_a_reader_means_and_refuses_unknown_fields(corpus: Corpus) -> None:
    contradicted = corpus.query("claim", {"verdict": "Contradicted"})
    assert contradicted == corpus.claims("contradicted")
    # a number as a number, an object's field by its CSV name, a list when one item matches
    assert corpus.query("claim", ["statement.value=19", "verdict=contradicted"]) == contradicted
    harbor = corpus.query("article", {"outlet": "harbor wire"})
    assert len(harbor) == 2 and {a["outlet"] for a in harbor} == {"Harbor Wire"}
    stories = corpus.query("story", ["outlets=Valley Post"])
    assert stories and all("Valley Post" in s["outlets"] for s in stories)
    assert [a["title"] for a in corpus.query("article", ["title~INQUIRY"])] == [
        "Holt announces independent inquiry into Velmora Dam breach"
    ]
    assert len(corpus.query("article", limit=3)) == 3
    with pytest.raises(ValueError, match="unknown field 'verdikt' of claim records: .*verdict"):
        corpus.query("claim", {"verdikt": "corroborated"})
    with pytest.raises(ValueError, match="unknown verdict 'confirmed'"):
        corpus.query("claim", {"verdict": "confirmed"})
    with pytest.raises(ValueError, match="write it as FIELD=VALUE"):
        corpus.query("claim", ["verdict"])


# -- reading never creates; nothing to read is an error before anything is written -------------


def test_opening_a_missing_store_raises_and_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    with pytest.raises(StoreError, match="no store at .*run `newsprism analyze"):
        open_corpus(typo)
    assert not typo.exists()


def test_analyzing_only_missing_paths_raises_before_a_store_is_created(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with pytest.raises(FileNotFoundError, match="nothing to analyze: no such file"):
        analyze(tmp_path / "nothere", db=db)
    assert list(tmp_path.iterdir()) == []  # no store, no lock file


# -- summaries and matrices to use ------------------------------------------------------------


def test_an_opened_corpus_summary_says_what_the_store_holds(corpus: Corpus) -> None:
    summary = corpus.summary
    assert isinstance(summary, StoreInfo)
    assert set(summary.records) == set(RECORD_TYPES)
    for kind in ("article", "claim", "mention", "story", "event", "error"):
        assert summary.records[kind] == len(corpus.records(kind)), kind
    assert summary.written_by is not None and summary.schema_version == "1"
    assert dict(summary.outlets)["Valley Post"] == 3
    assert (summary.first_published, summary.last_published) == ("2031-03-13", "2031-03-17")
    verdicts = [c["verdict"] for c in corpus.claims()]
    assert summary.verdicts == {v: verdicts.count(v) for v in summary.verdicts}
    assert corpus.info().to_dict()["records"]["article"] == len(corpus) == 12


def test_the_naming_matrix_is_a_dict_with_dataframes(corpus: Corpus) -> None:
    matrix = corpus.naming_matrix()
    assert isinstance(matrix, NamingMatrix) and isinstance(matrix, dict)
    assert {"rows", "columns"} <= set(matrix)
    frame = matrix.to_dataframe()
    assert isinstance(frame, pd.DataFrame) and frame.index.name == "actor"
    assert "Prime Minister" in frame.loc["Anika Holt", "Valley Post"]
    long = matrix.to_dataframe(long=True)
    loaded = long[long.loaded & (long.actor == "Anika Holt")]
    assert loaded.label.tolist() == ["failed premier"]
    profiles = matrix.profiles()
    assert profiles.loc["Valley Post", "articles"] == 3
    assert profiles["techniques"].sum() == len(corpus.techniques())


def test_to_dataframe_has_every_export_field_even_for_an_empty_type(corpus: Corpus) -> None:
    from newsprism.show.export_records import record_fields

    for kind in RECORD_TYPES:
        frame = corpus.to_dataframe(kind)
        assert list(frame.columns) == list(record_fields(kind)), kind


# -- what a reader reads ----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "mod", "said"), [
    ("XXXX-10-09", None, "9 October, year unknown"),
    ("2019-10-09", None, "9 October 2019"),
    ("2019-10", "START", "early October 2019"),
    ("XXXX-WXX-6TEV", None, "Saturday evening"),
    ("P2W", "EQUAL_OR_MORE", "at least 2 weeks"),
    ("PXD", None, "days"),
    ("PRESENT_REF", None, "now"),
    ("2031-W10", None, "week 10 of 2031"),
    ("199X", None, "the 1990s"),
    ("13", None, "the 14th century"),  # "strikes each year since the 14th century"
    ("20", None, "the 21st century"),
    ("19XX", None, "the 20th century"),
    ("not-timeml", None, "not-timeml"),
])  # fmt: skip
def test_timeml_values_read_as_words(value: str, mod: str | None, said: str) -> None:
    assert timeml(value, mod) == said


def test_hover_text_shows_words_not_timeml_or_floats() -> None:
    assert mark_note({"type": "timeref", "value": "XXXX-10-09"}) == "time: 9 October, year unknown"
    assert mark_note({"type": "quantity", "qualifier": "more than", "value": 400.0,
                      "counts": "Kurds"}) == "quantity: more than 400 Kurds"  # fmt: skip
    assert quantity({"qualifier": "about", "value": 4000.0, "counts": "residents"}) == (
        "about 4,000 residents"
    )
    assert quantity({"qualifier": "range", "value": 15.0, "low": 10.0, "high": 20.0}) == (
        "between 10 and 20"
    )


def test_the_report_names_untitled_articles_by_outlet_and_file_and_hovers_in_words(
    corpus: Corpus, tmp_path: Path
) -> None:
    html = corpus.report(tmp_path / "r.html").read_text("utf-8")
    notes = re.findall(r'<mark class="k-(?:timeref|quantity)"[^>]* title="([^"]*)"', html)
    assert notes
    assert not [n for n in notes if "XXXX" in n or re.search(r"\d\.0\b", n)]
    untitled = next(a for a in corpus.articles() if not a["title"] and a["outlet"])
    assert article_name(untitled) == "Lorvoice: lorvoice_border_statement.txt"
    assert ">Lorvoice: lorvoice_border_statement.txt</a>" in html
    links = re.findall(r'<a href="#a-[0-9a-f]+">([^<]*)</a>', html)
    assert links and not [text for text in links if "/" in text]  # never a path


def test_article_names_never_show_a_path_or_an_id() -> None:
    assert article_name({"title": "  A   headline "}) == "A headline"
    assert article_name({"source": "/data/in/x.zip!/2019/oct/piece.txt"}) == "piece.txt"
    assert article_name({"source": "feeds/wire.rss#3", "outlet": "Wire"}) == "Wire: wire.rss#3"


def test_reasons_name_outlets_titles_or_files_never_hex_ids(corpus: Corpus) -> None:
    for claim in corpus.claims():
        assert not HEX_ID.search(claim["reason"] or ""), claim["reason"]
    for event in corpus.timeline():
        for key in ("date_reason", "verdict_reason"):
            assert not HEX_ID.search(event.get(key) or ""), event[key]
