"""Timeline: yearless dates settled by the corpus with the reasoning kept, events built from the
claims of each story, dated, ordered, with verdicts and evidence; through the API on invented
articles (the fictional hills of Tessaly; no real events), and on the seed articles."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from newsprism import analyze
from newsprism.timeline.years import Anchor, choose_year

# Two undated accounts of one clash that give its day without a year, one dated account of the
# same withdrawal from another outlet, and an undated article that nothing in the corpus dates.
CLASH = [
    {
        "id": "north-1",
        "title": "Rebels storm the Tessaly garrison",
        "text": (
            "Rebel fighters attacked the garrison at Tessaly on May 14, after government troops "
            "withdrew from the northern hills. Local officials said the fighting went on for "
            "two days and that shops in the valley stayed closed."
        ),
        "outlet": "Ridge Courier",
    },
    {
        "id": "north-2",
        "title": "Villagers flee the Tessaly hills",
        "text": (
            "Since government troops began pulling out of the northern hills, 12,000 villagers "
            "have been displaced and the garrison at Tessaly has been attacked since May 14. "
            "Aid groups said the roads to the valley were crowded with carts."
        ),
        "outlet": "Plains Herald",
    },
    {
        "id": "capital-1",
        "title": "Government sends soldiers back to the north",
        "text": (
            "In late May 2023, the government reversed its decision to withdraw all of its "
            "troops from the northern hills, announcing the deployment of 800 soldiers to the "
            "border posts above Tessaly."
        ),
        "outlet": "Capital Daily",
    },
    {
        "id": "harbour-1",
        "title": "Harbour cranes idle",
        "text": (
            "Dock workers at the Orsk harbour stopped work on June 2 over unpaid wages, the "
            "union said. The port authority said talks would resume next week."
        ),
        "outlet": "Coast Ledger",
    },
]


def test_year_is_the_one_the_anchors_agree_on() -> None:
    october = Anchor(date(2019, 10, 21), date(2019, 10, 31), 1.0, "dated account", "a")
    chosen = choose_year("XXXX-10-09", [october])
    assert chosen is not None and chosen.value == "2019-10-09"
    # A date told before the anchored event (it was still to come) lies before it, however
    # far: "in December" of the year before.
    before = Anchor(date(2019, 10, 21), date(2019, 10, 31), 1.0, "dated account", "a",
                    before=True)
    chosen = choose_year("XXXX-12", [before])
    assert chosen is not None and (chosen.value, chosen.first, chosen.last) == (
        "2018-12", date(2018, 12, 1), date(2018, 12, 31))


def test_year_stays_open_when_the_anchors_disagree_or_are_far() -> None:
    a = Anchor(date(2019, 10, 21), date(2019, 10, 31), 1.0, "one account", "a")
    b = Anchor(date(2017, 10, 1), date(2017, 10, 31), 1.0, "another account", "b")
    assert choose_year("XXXX-10-09", [a, b]) is None
    far = Anchor(date(2019, 5, 1), date(2019, 5, 1), 1.0, "far account", "c")
    assert choose_year("XXXX-10-09", [far]) is None  # five months and more away: undecided
    assert choose_year("XXXX-02-29", [Anchor(date(2019, 2, 1), date(2019, 2, 1), 1, "", "d")]) \
        is None  # 2019 has no 29 February, and 2020's is past reach of a February 2019 account
    assert choose_year("2019-10-09", [a]) is None  # it has a year: nothing to choose


@pytest.fixture(scope="module")
def clash_corpus(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("clash")
    path = folder / "clash.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in CLASH) + "\n", encoding="utf-8")
    corpus = analyze([path], db=folder / "store.db", progress=False)
    yield corpus
    corpus.close()


def _article_ids(corpus) -> dict[str, str]:
    return {Path(a["title"]).name: a["id"] for a in corpus.articles()}


def _timerefs(corpus, article_id: str) -> list[dict]:
    return [r for r in corpus.records("timeref") if r["article_id"] == article_id]


def test_yearless_day_takes_the_year_of_the_dated_account_of_its_event(clash_corpus) -> None:
    ids = _article_ids(clash_corpus)
    capital = ids["Government sends soldiers back to the north"]
    for title in ("Rebels storm the Tessaly garrison", "Villagers flee the Tessaly hills"):
        (may14,) = [r for r in _timerefs(clash_corpus, ids[title]) if r["text"] == "May 14"]
        assert may14["value"] == "2023-05-14"
        assert may14["written_value"] == "XXXX-05-14"
        assert may14["anchor_source"] == "corpus"
        assert "2023" in may14["corpus_reason"] and "withdraw" in may14["corpus_reason"]
        assert may14["anchor_articles"]
    (storm_ref,) = [r for r in _timerefs(clash_corpus, ids["Rebels storm the Tessaly garrison"])
                    if r["text"] == "May 14"]
    assert capital in storm_ref["anchor_articles"]


def test_the_same_yearless_words_in_another_account_of_the_story_are_read_alike(
    clash_corpus,
) -> None:
    """A yearless date is settled with what the same words in the story's other articles were
    read as: "May 14" in the second account of the garrison's storming leans on the first's
    reading (the stage looks such readings up through the story's articles)."""
    ids = _article_ids(clash_corpus)
    storm, flee = ids["Rebels storm the Tessaly garrison"], ids["Villagers flee the Tessaly hills"]
    readings = {a: r for a in (storm, flee) for r in _timerefs(clash_corpus, a)
                if r["text"] == "May 14"}  # fmt: skip
    leaning = [a for a, r in readings.items()
               if "the same words in an article of the same story" in r["corpus_reason"]]
    assert len(leaning) == 1, readings
    (a,) = leaning
    other = flee if a == storm else storm
    assert other in readings[a]["anchor_articles"]
    assert readings[a]["value"] == readings[other]["value"] == "2023-05-14"


def test_a_yearless_date_nothing_dates_stays_open(clash_corpus) -> None:
    ids = _article_ids(clash_corpus)
    (june2,) = [r for r in _timerefs(clash_corpus, ids["Harbour cranes idle"])
                if r["text"] == "June 2"]
    assert june2["value"] == "XXXX-06-02" and june2["anchor_source"] != "corpus"


def test_the_day_told_by_two_outlets_is_one_corroborated_event(clash_corpus) -> None:
    ids = _article_ids(clash_corpus)
    storm, flee = ids["Rebels storm the Tessaly garrison"], ids["Villagers flee the Tessaly hills"]
    (event,) = [e for e in clash_corpus.timeline() if e["first"] == "2023-05-14"]
    assert {storm, flee} <= set(event["article_ids"])
    assert event["verdict"] == "corroborated"
    assert {"Ridge Courier", "Plains Herald"} <= set(event["outlets"])
    assert event["date_basis"] == "corpus" and 0 < event["date_confidence"] < 1
    assert {e["article_id"] for e in event["evidence"]} >= {storm, flee}
    text = {a["id"]: a["text"] for a in clash_corpus.articles()}
    for span in event["evidence"]:
        assert text[span["article_id"]][span["start"]:span["end"]] == span["text"]


def test_timeline_is_in_the_order_things_happened(clash_corpus) -> None:
    events = clash_corpus.timeline()
    dated = [e["first"] or e["last"] for e in events]
    assert dated == sorted(dated)
    firsts = [e["first"] for e in events]
    assert firsts.index("2023-05-14") < firsts.index("2023-05-21")  # late May 2023 after


def test_timeline_of_a_story_and_of_an_actor(clash_corpus) -> None:
    for story in clash_corpus.stories():
        events = clash_corpus.timeline(story=story["id"])
        assert all(e["story_id"] == story["id"] for e in events)
        assert all(set(e["article_ids"]) <= set(story["article_ids"]) for e in events)
    with pytest.raises(ValueError, match="no story"):
        clash_corpus.timeline(story="story-nothere")
    with pytest.raises(ValueError, match="no actor"):
        clash_corpus.timeline(actor="Nobody Atall")


def test_events_are_exported_with_the_contract_fields(clash_corpus, tmp_path: Path) -> None:
    from newsprism.show.export import export_jsonl

    out = tmp_path / "all.jsonl"
    with out.open("w", encoding="utf-8") as stream:
        export_jsonl(clash_corpus.store, stream)
    events = [json.loads(line) for line in out.read_text().splitlines()
              if json.loads(line)["type"] == "event"]
    assert events
    for e in events:
        assert {"id", "story_id", "value", "first", "last", "article_ids", "verdict",
                "outlets", "claim_ids", "evidence", "statement"} <= set(e)


def test_a_timeline_reading_one_article_at_a_time_settles_and_builds_the_same(
    clash_corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline reads claims, dates, actions, mentions and places a chunk of articles at a
    time, never the whole corpus's (nor a whole story's) at once: with one article a chunk, the
    years it settles (with their reasons), the bounds it puts on undated articles and the
    events, those told by several articles of a story among them, are the same."""
    from newsprism.stages import timeline

    monkeypatch.setattr(timeline, "CHUNK_ARTICLES", 1)
    path = tmp_path / "clash.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in CLASH) + "\n", encoding="utf-8")
    with analyze([path], db=tmp_path / "store.db", progress=False) as chunked:
        assert len(chunked.store.story_articles()) > 1
        assert any(len(e["article_ids"]) > 1 for e in chunked.records("event"))
        assert chunked.records("event") == clash_corpus.records("event")
        settled = [r for r in chunked.records("timeref") if r.get("anchor_source") == "corpus"]
        assert settled and all(r.get("corpus_reason") for r in settled)
        assert chunked.records("timeref") == clash_corpus.records("timeref")
        bounds = chunked.store.published_inferences()
        assert any(b.get("corpus_evidence") for b in bounds.values())
        assert bounds == clash_corpus.store.published_inferences()


def test_the_timeline_reads_groups_verdicts_and_related_statements_as_stored(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """What the timeline reads of claim groups (verdicts, the claims that are related
    statements) without the evidence read whole is what the whole groups say."""
    with analyze([seeds_dir], db=tmp_path / "seeds.db", progress=False) as corpus:
        whole = {g["id"]: g for g in corpus.store.claim_groups()}
        verdicts = corpus.store.group_verdicts([*whole, "g-no-such-group"])
        related = corpus.store.related_claim_ids()
    assert verdicts == {g: group["verdict"] for g, group in whole.items()} and len(whole) > 3
    assert related == {e["claim_id"] for g in whole.values() for e in g.get("related") or ()}


def test_seeds_october_9_the_offensive_and_the_order_of_the_timeline(seeds_dir: Path,
                                                                     tmp_path: Path) -> None:
    corpus = analyze([seeds_dir], db=tmp_path / "seeds.db", progress=False)
    try:
        by_name = {Path(a["source"]).name[:3]: a["id"] for a in corpus.articles()}
        for seed in ("000", "002"):
            (oct9,) = [r for r in _timerefs(corpus, by_name[seed]) if r["text"] == "October 9"]
            assert oct9["value"] == "2019-10-09", seed
            assert oct9["anchor_source"] == "corpus" and oct9["corpus_reason"]
        events = corpus.timeline()
        # one entry a sentence: two claims of one sentence back some events, and the event
        # page had listed the sentence twice under "Told by"
        assert any(len(e["claim_ids"]) > len(e["evidence"]) for e in events)
        for e in events:
            spans = sorted((x["article_id"], x["start"], x["end"]) for x in e["evidence"])
            assert all(a[0] != b[0] or a[2] <= b[1] for a, b in pairwise(spans)), e
        (offensive,) = [e for e in events if e["first"] == "2019-10-09"]
        assert {by_name["000"], by_name["002"]} <= set(offensive["article_ids"])
        assert offensive["verdict"] == "corroborated"
        when = {seed: [e["first"] for e in events if by_name[seed] in e["article_ids"]
                       and e["first"]] for seed in ("004", "003")}
        assert max(when["004"]) < "2019-10-09" and max(when["004"]) >= "2018-12-01"
        # 003 tells the late October 2019 reversal as done; nothing else in the corpus dates its
        # "late March": the first March after it, marked as the article's own reading
        assert min(when["003"]) >= "2019-10-21" and max(when["003"]) >= "2020-03-21"
        (march,) = [r for r in _timerefs(corpus, by_name["003"]) if r["text"] == "late March"]
        assert march["value"] == "2020-03" and march["anchor_source"] == "inferred"
        assert "late October 2019" in march["corpus_reason"]
    finally:
        corpus.close()
    _assert_entity_index_matches(tmp_path / "seeds.db", events, named=True)


def _figure(article: str, group: str, value: float, **fields) -> dict:
    text = f"{int(value)} attackers died at the stadium"
    return {"id": f"{article}-{group}", "article_id": article, "start": 0, "end": len(text),
            "text": text, "kind": "numeric", "group_id": group, "counts": "attacker",
            "actions": ["kill"], "value": value, "low": value, "high": value,
            "qualifier": "exact", "value_text": f"{int(value)} attackers", **fields}


def test_a_corroborated_figure_another_report_of_its_story_contests_is_unconfirmed() -> None:
    from newsprism.timeline.contested import contested_groups, revised

    groups = {"g3": {"id": "g3", "verdict": "corroborated"},
              "g4": {"id": "g4", "verdict": "single-source"}}
    meta = {"c": {"outlet": "Third Wire"}}
    told = [_figure("a", "g3", 3), _figure("b", "g3", 3), _figure("c", "g4", 4)]
    (contest,) = contested_groups({"a", "b", "c"}, groups, told, meta)
    assert contest.group_id == "g3" and contest.rival_group_id == "g4"
    assert "4 attackers" in contest.reason and "Third Wire" in contest.reason
    change = revised(groups["g3"], contest)
    assert change is not None and change["verdict"] == "unconfirmed"
    assert change["verdict_before_story_check"] == "corroborated"
    # Not a contest: the rival report is outside the story, in another country, dated to other
    # days (an update), about another count, or one of the group's own reports.
    assert contested_groups({"a", "b"}, groups, told, meta) == []
    elsewhere = [*told[:2], _figure("c", "g4", 4, country="DE")]
    elsewhere[0]["country"] = "FR"
    assert contested_groups({"a", "b", "c"}, groups, elsewhere, meta) == []
    later = [_figure("a", "g3", 3, time_first="2031-05-03", time_last="2031-05-03",
                     time_source="text"), _figure("b", "g3", 3),
             _figure("c", "g4", 4, time_first="2031-05-05", time_last="2031-05-05",
                     time_source="text")]
    assert contested_groups({"a", "b", "c"}, groups, later, meta) == []
    other_count = [*told[:2], _figure("c", "g4", 4, counts="hostage")]
    assert contested_groups({"a", "b", "c"}, groups, other_count, meta) == []
    same_report = [*told[:2], _figure("a", "g4", 4)]
    assert contested_groups({"a", "b", "c"}, groups, same_report, meta) == []
    # Nor where the figure may be another moment or another count: a toll that grows (127 dead,
    # then 129), a vague figure ("thousands"), a figure far from the group's (one cafe's 15
    # dead beside the concert hall's 80).
    def dead(article: str, group: str, value: float, **fields) -> dict:
        return _figure(article, group, value, counts="person", value_text=f"{value} dead",
                       **fields)

    grew = [dead("a", "g3", 129), dead("b", "g3", 129), dead("c", "g4", 127)]
    assert contested_groups({"a", "b", "c"}, groups, grew, meta) == []
    vague = [*told[:2], _figure("c", "g4", 2000, qualifier="vague", low=2000, high=None)]
    assert contested_groups({"a", "b", "c"}, groups, vague, meta) == []
    far = [*told[:2], _figure("c", "g4", 15)]
    assert contested_groups({"a", "b", "c"}, groups, far, meta) == []


def test_cli_timeline_prints_the_events_in_order(clash_corpus) -> None:
    from typer.testing import CliRunner

    from newsprism.cli import app

    db = clash_corpus.store.url.removeprefix("sqlite:///")
    result = CliRunner().invoke(app, ["timeline", "--db", db], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "2023-05-14" in result.output and "corroborated" in result.output
    # late May 2023 (the month, written "2023-05") comes after May 14
    assert result.output.index("2023-05-14") < result.output.index("2023-05 ")
    bad = CliRunner().invoke(app, ["timeline", "--db", db, "--story", "story-nothere"])
    assert bad.exit_code == 2 and "no story" in bad.output


def test_an_article_that_arrives_later_settles_the_dates_of_earlier_ones(tmp_path: Path) -> None:
    first, later = tmp_path / "first.jsonl", tmp_path / "later.jsonl"
    first.write_text("\n".join(json.dumps(a) for a in CLASH[:2]) + "\n", encoding="utf-8")
    later.write_text(json.dumps(CLASH[2]) + "\n", encoding="utf-8")
    db = tmp_path / "store.db"
    with analyze([first], db=db, progress=False) as corpus:
        values = {r["value"] for r in corpus.records("timeref") if r["text"] == "May 14"}
        assert values == {"XXXX-05-14"}  # nothing dates it yet: left open
    with analyze([later], db=db, progress=False) as corpus:
        values = {r["value"] for r in corpus.records("timeref") if r["text"] == "May 14"}
        assert values == {"2023-05-14"}
        assert any(e["first"] == "2023-05-14" for e in corpus.timeline())
    _assert_entity_index_matches(db, _events(db))


def _events(db: Path) -> list[dict]:
    from newsprism.api import open_corpus

    with open_corpus(db) as corpus:
        return corpus.timeline()


def _assert_entity_index_matches(db: Path, corpus_events: list[dict], named: bool = False) -> None:
    """The index the web app reads an actor's or a place's timeline from names exactly the
    events' actors and places, with no row left from a timeline built before."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        indexed = set(conn.execute("SELECT event_id, entity_id FROM event_entity"))
    told = {
        (e["id"], x["id"])
        for e in corpus_events
        for x in [*(e["actors"] or ()), *(e["places"] or ())]
        if x.get("id")
    }
    assert indexed == told
    if named:
        assert any(x.startswith("actor:") for _, x in indexed)
        assert any(x.startswith("geonames:") for _, x in indexed)  # places by GeoNames id


def test_dated_accounts_of_a_long_article_are_looked_up_without_scanning() -> None:
    """The sentence and nearest action of each time expression, as a scan would find them,
    and fast on an article of 20,000 sentences (a scan per expression made it quadratic)."""
    import random
    import time

    from newsprism.timeline.corpus_dates import ArticleRecords, Sentence

    rng = random.Random(3)
    sentences = [Sentence(i * 100, i * 100 + 90, "s", frozenset()) for i in range(20_000)]
    actions = [{"start": rng.randrange(0, 2_000_000), "action": "attack"} for _ in range(40_000)]
    records = ArticleRecords("long", sentences, actions, [])
    offsets = range(0, 2_000_000, 97)
    started = time.perf_counter()
    found = {o: (records.sentence_at(o), records.nearest_action(o)) for o in offsets}
    assert time.perf_counter() - started < 2.0  # ~20,000 lookups
    for offset in offsets[::200]:  # as a scan finds them
        sentence, action = found[offset]
        assert sentence == next((x for x in sentences if x.start <= offset < x.end), None)
        inside = [a for a in actions if sentence and sentence.start <= a["start"] < sentence.end]
        if not inside:
            assert action is None
        else:
            assert abs(action["start"] - offset) == min(abs(a["start"] - offset) for a in inside)


def test_a_long_articles_claims_are_dated_without_scanning_its_records() -> None:
    """Each claim's date and each yearless date of a 4 MB article: the timeline stage read
    every time expression and action of the article for every claim, and the article's latest
    dated event again for every yearless date (exponent 1.8 in benchmarks/long_article.py).
    Now found by bisection and once per article, with the same results as the scan."""
    import random
    import time

    from newsprism.articles import InTextOrder
    from newsprism.timeline.corpus_dates import (
        ArticleRecords,
        DatedEvents,
        Sentence,
        resolve_yearless,
    )
    from newsprism.timeline.events import date_account

    rng = random.Random(5)
    n = 12_000  # sentences of 100 characters
    claims = [{"id": f"c{i}", "article_id": "long", "start": i * 100, "end": i * 100 + 90,
               "text": "s", "kind": "event"} for i in range(n)]  # fmt: skip
    actions = sorted(({"start": rng.randrange(0, n * 100), "action": "attack",
                       "mood": rng.choice(["fact", "fact", "planned"])}
                      for _ in range(2 * n)), key=lambda a: a["start"])  # fmt: skip
    refs = []
    for i in range(n):
        start = i * 100 + rng.randrange(0, 80)
        if i % 2:
            refs.append({"id": f"t{i}", "article_id": "long", "start": start, "kind": "date",
                         "text": "January 9", "value": "XXXX-01-09", "first": None})
        else:
            day = f"2019-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}"
            refs.append({"id": f"t{i}", "article_id": "long", "start": start, "kind": "date",
                         "text": day, "value": day, "first": day, "last": day})
    started = time.perf_counter()
    by_start, ordered_refs = InTextOrder(actions), InTextOrder(refs)
    accounts = [date_account(c, ordered_refs, None, by_start) for c in claims]
    sentences = [Sentence(c["start"], c["end"], "s", frozenset()) for c in claims]
    settled = resolve_yearless(ArticleRecords("long", sentences, actions, refs), [],
                               DatedEvents())
    assert time.perf_counter() - started < 10.0  # the scans: minutes
    assert len(settled) > n // 4  # read after the article's latest dated event
    for c, account in list(zip(claims, accounts, strict=True))[::300]:  # as a scan dates them
        inside = [r for r in refs if c["start"] <= r["start"] < c["end"] and r["first"]]
        in_span = [a for a in actions if c["start"] <= a["start"] < c["end"]]
        fact = [r for r in inside if not in_span or (min(
            in_span, key=lambda a, r=r: abs(a["start"] - r["start"]))["mood"] == "fact")]
        assert account.timeref_id == (fact[0]["id"] if fact else None)
