"""Time expressions: normalization, anchoring by tense, publication-date inference."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsprism.understand.published import (
    PublishedEstimate,
    combine_estimates,
    infer_published,
)
from newsprism.understand.timex import TimeRef, find_times

MONDAY = date(2019, 10, 14)


def one(text: str, anchor: date | None = MONDAY, phrase: str | None = None) -> TimeRef:
    refs = find_times(text, anchor)
    if phrase is not None:
        refs = [r for r in refs if phrase in r.text]
    assert len(refs) == 1, refs
    return refs[0]


def test_past_weekday_is_the_one_before_the_anchor() -> None:
    ref = one("On Sunday, the defense secretary said the troops had left the border town.")
    assert (ref.text, ref.value, ref.kind, ref.granularity) == ("Sunday", "2019-10-13", "date",
                                                                 "day")
    assert ref.first == ref.last == date(2019, 10, 13)
    assert ref.anchor == "2019-10-14"
    assert (ref.start, ref.end) == (3, 9)


def test_future_weekday_is_the_one_after_the_anchor() -> None:
    assert one("The two delegations will meet on Sunday in Ankara.").value == "2019-10-20"
    assert one("The vote is scheduled for Thursday.").value == "2019-10-17"


def test_weekday_named_on_that_weekday_is_the_anchor_day() -> None:
    assert one("Officials said Monday that the convoy had arrived.").value == "2019-10-14"


def test_last_and_next_weekday() -> None:
    assert one("He spoke last Friday.").value == "2019-10-11"
    assert one("They return next Monday.").value == "2019-10-21"


def test_absolute_dates() -> None:
    assert one("The deal was signed Oct. 9, 2019, in Geneva.").value == "2019-10-09"
    ref = one("Figures released 2019-10-13 show a rise.")
    assert (ref.value, ref.anchor) == ("2019-10-13", None)
    assert one("The offer expires at 5 p.m. EST, Nov. 6, 2019.").value == "2019-11-06T17:00"
    assert one("in December 2018").value == "2018-12"
    assert one("Prices fell in 2018.").value == "2018"


def test_late_month_has_mod_and_narrowed_interval() -> None:
    ref = one("The offensive began in late October 2019.")
    assert (ref.text, ref.value, ref.mod) == ("late October 2019", "2019-10", "END")
    assert (ref.first, ref.last) == (date(2019, 10, 21), date(2019, 10, 31))


def test_earlier_in_month_is_the_part_before_the_anchor() -> None:
    ref = one("Earlier in December, the council approved the budget.", date(2018, 12, 20))
    assert (ref.value, ref.mod) == ("2018-12", "START")
    assert (ref.first, ref.last) == (date(2018, 12, 1), date(2018, 12, 19))


def test_year_of_a_yearless_date_is_the_nearest_one() -> None:
    assert one("The talks resumed on October 10.").value == "2019-10-10"
    # Late in the year a January date is next January, early in the year last December's.
    assert one("The law takes effect January 5.", date(2019, 12, 20)).value == "2020-01-05"
    assert one("The strike ended Dec. 28.", date(2020, 1, 8)).value == "2019-12-28"


def test_far_yearless_date_follows_the_tense() -> None:
    assert one("The plant was closed on June 3.", date(2019, 12, 20)).value == "2019-06-03"
    assert one("The plant will reopen on June 3.", date(2019, 12, 20)).value == "2020-06-03"


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("yesterday", "2019-10-13", "date"),
        ("today", "2019-10-14", "date"),
        ("this year", "2019", "date"),
        ("two days ago", "2019-10-12", "date"),
        ("three years", "P3Y", "duration"),
        ("the past 24 hours", "PT24H", "duration"),
        ("the next 120 hours", "PT120H", "duration"),
        ("last week", "2019-W41", "date"),
        ("next month", "2019-11", "date"),
        ("a year ago", "2018", "date"),
        ("the 1990s", "199", "date"),
        ("this morning", "2019-10-14TMO", "time"),
        ("Wednesday night", "2019-10-09TNI", "time"),
        ("in recent years", "PXY", "duration"),
        ("last summer", "2019-SU", "date"),
        ("the third quarter", "2019-Q3", "date"),
        ("Q4 2018", "2018-Q4", "date"),
        ("every week", "P1W", "set"),
        ("now", "PRESENT_REF", "date"),
    ],
)
def test_expression_values(text: str, value: str, kind: str) -> None:
    ref = one(f"The group reported it {text}.", phrase=text.replace("in ", ""))
    assert (ref.value, ref.kind) == (value, kind)


def test_no_anchor_keeps_relative_values_unresolved() -> None:
    refs = find_times("On Sunday, he said the vote on October 10 was delayed until 2020.", None)
    assert [(r.text, r.value) for r in refs] == [
        ("Sunday", "XXXX-WXX-7"), ("October 10", "XXXX-10-10"), ("2020", "2020")]
    assert refs[0].first is None and refs[2].first == date(2020, 1, 1)


def test_narrative_expressions_follow_the_story() -> None:
    refs = find_times("The ceasefire began on Oct. 17, 2019. The next day, shelling resumed.",
                      MONDAY)
    assert [r.value for r in refs] == ["2019-10-17", "2019-10-18"]


def test_not_time_expressions() -> None:
    text = ("A 44-year-old man, who may be charged, saw Jan Kavan on CBS's 60 Minutes; "
            "prices fall and 1,990 people marched.")
    assert find_times(text, MONDAY) == []


def test_infer_published_from_dated_and_relative_cues() -> None:
    text = ("The ceasefire agreed on October 9, 2019 was fraying. On Sunday, the defense "
            "secretary said troops would leave. Talks are scheduled for October 22.")
    est = infer_published(text)
    assert est.earliest == date(2019, 10, 9)
    assert est.best == date(2019, 10, 14)
    assert est.latest == date(2019, 10, 19)
    assert any('"October 9, 2019" (2019-10-09)' in e for e in est.evidence)
    assert any("Sunday" in e for e in est.evidence)
    # The lead's second pass: anchor on the estimate.
    assert one(text, est.best, phrase="Sunday").value == "2019-10-13"


def test_infer_published_without_dates() -> None:
    est = infer_published("Officials said on Sunday that talks would continue.")
    assert (est.earliest, est.latest, est.best) == (None, None, None)
    assert est.evidence


def test_combine_estimates_narrows_and_keeps_evidence() -> None:
    own = PublishedEstimate(date(2019, 10, 9), None, date(2019, 10, 9), ["from the text"])
    related = [(date(2019, 10, 14), "same ceasefire story"), (date(2019, 10, 15), "wire copy")]
    est = combine_estimates(own, related)
    assert (est.earliest, est.latest) == (date(2019, 10, 13), date(2019, 10, 22))
    assert est.best == date(2019, 10, 15)
    assert est.evidence[0] == "from the text" and "same ceasefire story" in est.evidence[-1]
    assert combine_estimates(own, []) == own


def test_combine_estimates_ignores_conflicting_coverage() -> None:
    own = PublishedEstimate(date(2019, 10, 9), date(2019, 10, 19), date(2019, 10, 14), [])
    est = combine_estimates(own, [(date(2018, 3, 1), "an older story")])
    assert (est.earliest, est.latest, est.best) == (own.earliest, own.latest, own.best)
    assert "not used" in est.evidence[-1]


def test_timebank_sample_scores(shared_dir: Path) -> None:
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "timex.py"
    spec = importlib.util.spec_from_file_location("timex_bench", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["timex_bench"] = bench
    spec.loader.exec_module(bench)
    data = shared_dir / "data" / "timeml" / "TBAQ-cleaned" / "TimeBank"
    if not data.is_dir():
        pytest.skip(f"{data} is absent")
    docs, _ = bench.load([data])
    outputs, _ = bench.system_output(docs[:40])
    scores = bench.score(docs[:40], outputs, 0)
    assert scores["relaxed_f1"] > 0.85 and scores["value_acc"] > 0.75
