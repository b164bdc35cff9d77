"""Claim verdicts an analyst can trust, through the whole pipeline on invented multi-outlet
reporting: one quote relayed by two outlets is one source, several sources in one article are
one outlet's report, an opinion is not a denial, a report does not contradict itself, and
reasons name outlets and titles, never ids."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsprism.api import analyze

# (outlet, title, published, text): fictional places and people.
ARTICLES = [
    # one statement relayed by two outlets, each naming its speaker its own way
    ("Harbor Wire", "Kessler condemns the dock strike", "2026-03-03",
     "Dockworkers in Velmora walked off the job on Tuesday. President Arvid Kessler wrote on "
     "social media: \"The strike is illegal and it must end tonight, or we will act.\""),
    ("Northgate Daily", "Velmora port at a standstill", "2026-03-03",
     "The port of Velmora stood still on Tuesday as cranes fell silent. President Arvid "
     "Kessler has been under pressure for weeks. The president wrote on social media: \"The "
     "strike is illegal and it must end tonight, or we will act.\""),
    # a fact and an opinion about it
    ("Valley Post", "Leaders meet in Dunmere", "2026-04-11",
     "The prime ministers of Arland and Brevia met in Dunmere on Friday to discuss the "
     "disputed river border."),
    ("River Gazette", "What the Dunmere meeting was for", "2026-04-12",
     "Some argue that the prime ministers of Arland and Brevia did not really want to meet in "
     "Dunmere on Friday and only wanted to buy time."),
    # two sources inside one article
    ("Sentinel", "Keth bridge collapses", "2026-05-05",
     "Police said the old rail bridge over the Keth collapsed near Ostrova on Monday. Engineers "
     "at the scene said the old rail bridge over the Keth collapsed near Ostrova on Monday."),
    # a report that carries a figure and its denial
    ("Ledger", "Clashes at the port", "2026-06-18",
     "Officials said 12 people were hurt in clashes at the port of Velmora on Wednesday. The "
     "police rejected reports of 12 injuries in Velmora on Wednesday."),
    # a real corroboration: two outlets, their own words
    ("Courier", "Floods in Ostrova", "2026-07-06",
     "Floods forced 2,000 people to leave their homes in Ostrova on Sunday as the Keth rose."),
    ("Morning Star", "Ostrova evacuates", "2026-07-06",
     "About 2,000 residents of Ostrova were evacuated from their homes on Sunday as the river "
     "Keth burst its banks."),
    # a real contradiction: rival figures for the same blast
    ("Tribune", "Blast in Dravik", "2026-08-14",
     "At least 40 people were killed in the blast at the Dravik market on Thursday, the mayor "
     "of Dravik said."),
    ("Examiner", "Dravik market blast", "2026-08-14",
     "Six people were killed in the blast at the Dravik market on Thursday, the interior "
     "ministry of Brevia said."),
]  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("verdicts")
    feed = folder / "reports.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"outlet": o, "title": t, "published": p, "text": x}) + "\n"
            for o, t, p, x in ARTICLES
        ),
        encoding="utf-8",
    )
    with analyze(feed, db=folder / "store.db", workers=1) as opened:
        articles = {a["id"]: a for a in opened.articles()}
        yield {"claims": opened.claims(), "articles": articles}


def _outlets(group: dict[str, Any], corpus: dict[str, Any]) -> set[str]:
    return {corpus["articles"][e["article_id"]]["outlet"] for e in group["evidence"]}


def _telling(corpus: dict[str, Any], words: str) -> list[dict[str, Any]]:
    return [g for g in corpus["claims"] if any(words in e["text"] for e in g["evidence"])]


def test_one_quote_relayed_by_two_outlets_is_one_source(corpus: dict[str, Any]) -> None:
    groups = _telling(corpus, "The strike is illegal")
    assert groups
    assert all(g["verdict"] != "corroborated" for g in groups), [g["reason"] for g in groups]


def test_an_opinion_is_not_a_denial(corpus: dict[str, Any]) -> None:
    assert all(g["verdict"] != "contradicted" for g in _telling(corpus, "Some argue"))


def test_two_sources_in_one_article_are_one_report(corpus: dict[str, Any]) -> None:
    for g in _telling(corpus, "bridge over the Keth collapsed"):
        assert g["verdict"] != "corroborated", g["reason"]


def test_a_report_does_not_contradict_itself(corpus: dict[str, Any]) -> None:
    for g in _telling(corpus, "12 people were hurt"):
        assert g["verdict"] != "contradicted", g["reason"]


def test_two_outlets_in_their_own_words_corroborate(corpus: dict[str, Any]) -> None:
    groups = [g for g in _telling(corpus, "2,000") if g["verdict"] == "corroborated"]
    assert groups
    assert _outlets(groups[0], corpus) == {"Courier", "Morning Star"}
    assert "Courier" in groups[0]["reason"] and "Morning Star" in groups[0]["reason"]
    assert groups[0]["confidence"] > 0


def test_rival_figures_from_two_outlets_contradict(corpus: dict[str, Any]) -> None:
    groups = [g for g in _telling(corpus, "Dravik market") if g["verdict"] == "contradicted"]
    assert groups
    stances = {e["stance"] for e in groups[0]["evidence"]}
    assert "disputes" in stances and len(_outlets(groups[0], corpus)) == 2
    assert "At least 40" in groups[0]["reason"] and "Six" in groups[0]["reason"]


def test_every_strong_verdict_spans_outlets_and_names_no_ids(corpus: dict[str, Any]) -> None:
    hex_id = re.compile(r"\b[0-9a-f]{8,}\b")
    for g in corpus["claims"]:
        assert not hex_id.search(g["reason"]), g["reason"]
        if g["verdict"] in ("corroborated", "contradicted"):
            assert len(_outlets(g, corpus)) >= 2, g["reason"]


def test_actions_tell_who_did_what(tmp_path: Path) -> None:
    from newsprism.understand.actions import find_actions
    from newsprism.understand.nlp import load_nlp

    doc = load_nlp(None)(
        "Kurds threw tomatoes at US troops as they were withdrawing from Syria. Trump ordered "
        "the withdrawal of US troops. Turkey did not shell the town. Will the army leave?"
    )
    found = [(a.action, a.subject, a.object, a.mood) for a in find_actions(doc)]
    assert ("withdraw", "US troops", None, "fact") in found  # "they" is the troops
    assert ("withdraw", None, "US troops", "fact") in found  # an action noun and its "of"
    assert ("attack", "Turkey", "the town", "negated") in found
    assert ("withdraw", "the army", None, "question") in found


def test_a_verdict_on_a_group_of_thousands_stays_fast() -> None:
    """Each new article re-judges the groups it joins: a large group must not cost quadratic
    time (copies are found through shared word sequences, propositions around a few pivots)."""
    import random
    import time

    from newsprism.crosscheck import Claim, verdict
    from newsprism.crosscheck.matching import ClaimGroup

    rng = random.Random(7)
    words = ("troops convoy border post village ridge river morning night shelling rain week "
             "soldiers unit column trucks withdrew left pulled quietly finally after before "
             "north south east west town valley road bridge camp base").split()  # fmt: skip
    claims = [
        Claim(
            id=f"c{i}", article_id=f"a{i}", start=0, end=80, kind="event",
            text=" ".join(rng.choice(words) for _ in range(16)),
            subject="actor:army", actions=("withdraw",),
        )
        for i in range(3000)
    ]  # fmt: skip
    articles = {c.article_id: {"id": c.article_id, "outlet": f"Outlet {i % 300}"}
                for i, c in enumerate(claims)}  # fmt: skip
    started = time.perf_counter()
    judged = verdict(ClaimGroup("g", "event", claims), articles, lambda a, b: 0.9)
    assert time.perf_counter() - started < 5.0
    assert judged.verdict == "corroborated" and judged.independent_outlets == 300
