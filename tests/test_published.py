"""Publication-date inference for undated articles: evidence of what the article tells as
recent, a range, a confidence, and open rather than a guess. All texts are invented."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from newsprism.link.published import PublishedLinker
from newsprism.understand.article import ArticleUnderstanding
from newsprism.understand.published import (
    UNSURE_BELOW,
    PublishedEstimate,
    combine_estimates,
    infer_published,
)


def test_bare_old_year_gives_no_confident_date() -> None:
    text = ("The choir first met for a Bible class in a small town in 1948. On Thursday, its "
            "members sang again at the old hall, the organizers said.")
    est = infer_published(text)
    assert est.best is None
    assert est.confidence < UNSURE_BELOW
    assert est.earliest is None or est.earliest.year == 1948  # a weak lower bound at most


def test_yesterday_and_sunday_next_to_a_dated_event() -> None:
    text = ("The bridge over the river reopened on Saturday, May 4, 2024, after repairs. "
            "Yesterday the mayor said traffic was back to normal, and on Sunday crews left.")
    est = infer_published(text)
    assert est.confidence >= UNSURE_BELOW
    assert est.best is not None and est.earliest == date(2024, 5, 4)
    assert date(2024, 5, 4) <= est.best <= date(2024, 5, 11)
    assert est.latest is not None and est.latest <= date(2024, 5, 11)
    assert any("Sunday" in e for e in est.evidence)


def test_future_tense_date_bounds_from_above() -> None:
    text = ("Harbor Street: the council approved the budget on Tuesday, June 4, 2024. The "
            "final vote will take place on June 20, 2024.")
    est = infer_published(text)
    assert est.earliest == date(2024, 6, 4)
    assert est.latest is not None and est.latest <= date(2024, 6, 19)
    assert any("future" in e for e in est.evidence)


def test_months_only_are_not_confidently_that_month() -> None:
    # Like a seed: an old month-year and a yearless month, but the story is a year later.
    text = ("The minister first warned of a pullout in October 2017. Earlier in December, "
            "he resigned after the president announced the withdrawal.")
    est = infer_published(text)
    assert est.best is None
    assert est.confidence < UNSURE_BELOW
    assert est.earliest is not None and est.earliest <= date(2017, 12, 1)


def test_old_date_in_the_body_is_left_open() -> None:
    text = ("Residents gathered at the memorial. The factory burned down on March 3, 1961, "
            "and the town never rebuilt it.")
    est = infer_published(text)
    assert est.earliest == date(1961, 3, 3)
    assert est.best is None and est.guess is not None
    assert any("not taken" in e for e in est.evidence)


def test_dated_copy_narrows_an_open_estimate() -> None:
    own = infer_published("The factory burned down on March 3, 2021, residents said.")
    assert own.best is None
    est = combine_estimates(own, [(date(2021, 3, 5), "a copy of this article is dated")])
    assert est.best == date(2021, 3, 5)
    assert est.earliest == date(2021, 3, 4) and est.latest == date(2021, 3, 12)
    assert est.confidence >= UNSURE_BELOW


class _Store:
    """Just enough of a store for PublishedLinker: one dated copy of the article."""

    def duplicate_siblings(self, article_id: str) -> list[str]:
        return ["copy-0123456789ab"]

    def dated_articles(self, ids: list[str]) -> dict[str, str]:
        return {ids[0]: "2021-03-05"}


def test_linker_record_carries_confidence_and_anchors_times() -> None:
    text = "The factory burned down on March 3, 2021. The next day, crews cleared the site."
    result = ArticleUnderstanding(article_id="a1")
    result.estimate = infer_published(text)
    store: Any = _Store()
    record = PublishedLinker(store).settle(result, text)
    assert record is not None
    # The copy confirms the text's own unsure reading ("the next day": March 4).
    assert record["best"] == "2021-03-04" and record["confidence"] >= UNSURE_BELOW
    assert record["earliest"] == "2021-03-04" and record["precision"] == "range"
    assert result.anchor == date(2021, 3, 4) and result.anchor_source == "inferred"


def test_estimate_defaults_keep_old_callers_working() -> None:
    est = PublishedEstimate(date(2020, 1, 1), None, date(2020, 1, 1), ["from the text"])
    assert est.confidence == 0.0 and est.guess is None


def test_only_an_articles_own_date_dates_what_it_tells() -> None:
    # one helper for verdicts, the timeline and the understanding stage, which each wrote it
    from newsprism.articles import own_published_day

    assert own_published_day({"published": "2019-10-13T08:00:00+03:00"}) == date(2019, 10, 13)
    assert own_published_day({"published": "2019-10-13", "published_source": "inferred"}) is None
    assert own_published_day({"published": "last Tuesday"}) is None
    assert own_published_day({}) is None


def test_an_undated_copy_is_dated_by_its_dated_original_when_linked_by_the_batch(
    tmp_path: Path,
) -> None:
    """The understanding stage looks up a batch's near-duplicate copies at once; an undated
    syndicated copy still takes its date from the dated original, and an article with no copy
    from nothing."""
    import json

    from newsprism import analyze

    story = (
        "Flood waters forced 1,200 residents of Marlowe County from their homes, the county "
        "sheriff said. Crews reinforced the levee along the Brack River through the night, and "
        "the regional council opened three shelters in school gymnasiums. The sheriff said two "
        "bridges on Route 9 would stay closed until engineers had inspected them."
    )
    other = (
        "The city library reopened its reading room after a renovation that took two years, "
        "the head librarian said. The room has new shelving, brighter lamps and forty seats."
    )
    rows = [
        {"id": "original", "title": "Floods in Marlowe", "text": story,
         "published": "2021-03-05", "outlet": "Marlowe Courier"},
        {"id": "copy", "title": "Floods in Marlowe", "text": story + " (Wire copy.)",
         "outlet": "Valley Daily"},
        {"id": "alone", "title": "Library", "text": other, "outlet": "Valley Daily"},
    ]  # fmt: skip
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with analyze(source, tmp_path / "np.db", progress=False) as corpus:
        store = corpus.store
        ids = {row["id"]: row for row in store.article_meta().values()}
        by_title = {r["title"]: r["id"] for r in ids.values() if r["title"] != "Floods in Marlowe"}
        floods = [i for i, r in ids.items() if r["title"] == "Floods in Marlowe"]
        batch = store.duplicate_siblings_of([*floods, by_title["Library"]])
        assert batch == {i: store.duplicate_siblings(i) for i in batch}
        assert sorted(batch[floods[0]] + batch[floods[1]]) == sorted(floods)
        assert batch[by_title["Library"]] == []
        inferred = store.published_inferences()
        undated = next(i for i in floods if not ids[i]["published"] or
                       ids[i]["published_source"] == "inferred")
        assert any("is dated 2021-03-05" in e for e in inferred[undated]["evidence"])
        assert not any("copy" in e for e in inferred[by_title["Library"]]["evidence"])
