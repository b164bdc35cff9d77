"""Entity timelines: a target's events found, dated and ordered from raw text, and the
SemEval-2015 Task 4 temporal-awareness measure of benchmarks/timeline.py.

The articles here are invented for these tests.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from newsprism.timeline.entity import (
    ORGANIZATION,
    PERSON,
    UNKNOWN,
    build_timeline,
    day_value,
    make_target,
    read_article,
    target_events,
)
from newsprism.understand.article import ArticleInput

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    """benchmarks/timeline.py, loaded as a module."""
    if "timeline_bench" in sys.modules:
        return sys.modules["timeline_bench"]
    spec = importlib.util.spec_from_file_location("timeline_bench", ROOT / "benchmarks/timeline.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["timeline_bench"] = module
    spec.loader.exec_module(module)
    return module


def _events(text: str, target: str, published: date = date(2011, 8, 25), kind: str | None = None):
    read = read_article(ArticleInput("a1", text, published, None))
    return target_events(read, make_target(target, kind))


# --- targets and events ---------------------------------------------------------------------

STORY = (
    "Apple announced the iPhone on January 9, 2007. "
    "Jobs resigned as chief executive in August 2011."
)


def test_each_target_gets_its_own_dated_events() -> None:
    apple = _events(STORY, "Apple Inc.")
    jobs = _events(STORY, "Steve Jobs")
    assert [(e.text, e.date, e.date_source) for e in apple] == [
        ("announced", "2007-01-09", "timex")
    ]
    assert [(e.text, e.date, e.date_source) for e in jobs] == [("resigned", "2011-08", "timex")]
    assert jobs[0].sentence.startswith("Jobs resigned") and jobs[0].role == "subject"
    assert STORY[jobs[0].start : jobs[0].end] == "resigned"
    assert "August 2011" in jobs[0].date_reason and jobs[0].confidence > 0.5


def test_timeline_orders_events_by_date() -> None:
    events = _events(STORY, "Apple Inc.") + _events(STORY, "Steve Jobs")
    lines = build_timeline(reversed(events))
    assert [(line.order, line.date, line.lemma) for line in lines] == [
        (1, "2007-01-09", "announce"),
        (2, "2011-08", "resign"),
    ]


def test_target_not_mentioned_has_no_events() -> None:
    assert _events(STORY, "Tim Cook") == []
    assert _events("Microsoft released Windows on Monday.", "iPod") == []


def test_kinds_and_short_forms() -> None:
    assert make_target("Steve Jobs").kind == PERSON
    apple = make_target("Apple Inc.")
    assert apple.kind == ORGANIZATION and ("apple",) in apple.aliases
    corps = make_target("Beatles Apple Corps", ORGANIZATION)
    assert ("apple", "corps") in corps.aliases
    assert ("itunes",) in make_target("iTunes Store").aliases


def test_short_form_inside_another_name_is_not_the_target() -> None:
    text = "Apple Corps sued the computer maker in London on March 28, 2006."
    assert _events(text, "Apple Inc.", date(2006, 3, 29)) == []
    corps = _events(text, "Beatles Apple Corps", date(2006, 3, 29), ORGANIZATION)
    assert [(e.text, e.date) for e in corps] == [("sued", "2006-03-28")]


def test_pronoun_and_news_day() -> None:
    text = "Steve Jobs unveiled the new phone on Monday.\nHe said it would sell well."
    events = _events(text, "Steve Jobs", date(2010, 6, 8))
    assert [(e.text, e.date) for e in events] == [
        ("unveiled", "2010-06-07"),
        ("said", "2010-06-07"),
    ]
    said = events[1]
    assert said.date_source == "narrative" and text[said.target_start : said.target_end] == "He"


def test_publication_date_for_undated_past_and_unknown_otherwise() -> None:
    text = "Apple said the store sold five billion songs.\nApple may open more stores."
    events = _events(text, "Apple Inc.", date(2008, 1, 9))
    assert [(e.text, e.date, e.date_source) for e in events] == [
        ("said", "2008-01-09", "publication")
    ]  # "may open" is only possible: no timeline event
    future = _events("Apple will release the phone.", "Apple Inc.", date(2008, 1, 9))
    assert [(e.text, e.mood, e.date) for e in future] == [("release", "future", UNKNOWN)]


def test_day_values() -> None:
    assert day_value("2010-06-07T10:00") == "2010-06-07"
    assert day_value("2006-W12") == "2006-03"  # March 20-26, 2006
    assert day_value("2007-Q1") == "2007"
    assert day_value("P1Y") is None and day_value("XXXX-10-09") is None
    assert day_value("PRESENT_REF", date(2010, 1, 2)) == "2010-01-02"


# --- the benchmark's measure ------------------------------------------------------------------


def _timeline(rows: list[tuple[int, str, list[str]]]):
    bench = _bench()
    return bench.Timeline("t", [bench.Line(o, d, list(m)) for o, d, m in rows])


GOLD = [
    (0, "XXXX-XX-XX", ["1-2-said"]),
    (1, "2007", ["1-3-founded"]),
    (2, "2010-06-07", ["1-4-unveiled", "2-2-introduced"]),
    (3, "2010-06-08", ["2-5-praised"]),
]


def test_temporal_awareness_identical_is_one() -> None:
    awareness = _bench().temporal_awareness(_timeline(GOLD), _timeline(GOLD))
    assert awareness.precision == awareness.recall == awareness.f1 == 1.0


def test_temporal_awareness_empty_and_undated() -> None:
    bench = _bench()
    assert bench.temporal_awareness(_timeline(GOLD), _timeline([])).f1 == 0.0
    # events at position 0 are left out, as the task's scorer does
    only_zero = _timeline([(0, "XXXX-XX-XX", ["1-3-founded", "1-4-unveiled"])])
    assert bench.temporal_awareness(_timeline(GOLD), only_zero).f1 == 0.0


def test_temporal_awareness_small_cases() -> None:
    bench = _bench()
    gold = _timeline(GOLD)
    # right order, one date wrong: BEFORE verified, anchors 1 of 2
    system = _timeline([(1, "2007", ["1-3-founded"]), (2, "2010-06-08", ["1-4-unveiled"])])
    awareness = bench.temporal_awareness(gold, system)
    assert (awareness.verified_p, awareness.relations_p) == (2, 3)
    # gold reduced: SIM(unveiled, introduced), 2 BEFORE steps, 4 anchors
    assert awareness.relations_r == 7
    # reversed order with swapped dates: nothing the gold verifies
    reversed_ = _timeline([(1, "2007", ["1-4-unveiled"]), (2, "2010-06-07", ["1-3-founded"])])
    assert bench.temporal_awareness(gold, reversed_).precision == 0.0
    # told as simultaneous what gold orders: the SIMULTANEOUS relation is not verified
    merged = _timeline([(1, "2010-06-07", ["1-4-unveiled", "2-5-praised"])])
    assert bench.temporal_awareness(gold, merged).verified_p == 1  # the anchor of unveiled


def test_norm_date_and_micro_average() -> None:
    bench = _bench()
    assert bench.norm_date("2010-XX-XX") == "2010" and bench.norm_date("XXXX-XX-XX") == ""
    one = bench.Awareness(1, 1, 1, 1)
    zero = bench.Awareness(0, 1, 0, 1)
    assert bench.micro_awareness([(one, 3), (zero, 1)]) == (0.75, 0.75, 0.75)


def test_cat_tokens_join_and_map_back(tmp_path: Path) -> None:
    bench = _bench()
    rows = [("0", "Acme"), ("0", "sues"), ("1", "May"), ("1", "8"), ("1", ","), ("1", "2006")]
    rows += [("2", w) for w in ["Acme", "'s", "chief", "said", '"', "no", '"', "."]]
    tokens = "".join(
        f'<token number="{n}" sentence="{s}" t_id="{n + 1}">{w}</token>\n'
        for n, (s, w) in enumerate(rows)
    )
    path = tmp_path / "77_Acme.xml"
    path.write_text(
        f'<Document doc_id="77" doc_name="77_Acme">\n{tokens}<Markables>\n'
        '<TIMEX3 functionInDocument="CREATION_TIME" m_id="9" type="DATE" value="2006-05-08">\n'
        "</TIMEX3>\n</Markables>\n</Document>\n",
        encoding="utf-8",
    )
    doc = bench.read_cat(path)
    assert doc.doc_id == "77" and doc.published == date(2006, 5, 8)
    assert doc.text == 'Acme sues\nMay 8, 2006\nAcme\'s chief said "no".'
    said = doc.text.index("said")
    assert [(t.sentence, t.text) for t in doc.tokens_in(said, said + 4)] == [(2, "said")]


# --- the trial data -------------------------------------------------------------------------


def test_trial_gold_reads_and_scores_itself(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "timeline" / "trial"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the SemEval-2015 Task 4 trial data is not here")
    bench = _bench()
    gold = bench.read_timeline(folder / "timelines" / "steve_jobs.txt")
    assert gold.name == "Steve Jobs" and len(gold.lines) > 100
    assert bench.temporal_awareness(gold, gold).f1 == 1.0
    doc = bench.read_doc(sorted((folder / "corpus_CAT").glob("17174*.xml"))[0])
    assert doc.published == date(2010, 8, 9) and "Papermaster" in doc.text
