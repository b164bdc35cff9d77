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
    # a voiced opinion and a question about one thing
    ("Pilgrim Herald", "A city with two mayors", "2026-09-02",
     "Some say there are two mayors of Velmora [(a double)]."),
    ("Evening Courier", "Who runs Velmora?", "2026-09-02",
     "Does not that just mean there are two mayors of Velmora now?"),
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


def test_an_opinion_and_a_question_corroborate_nothing(corpus: dict[str, Any]) -> None:
    groups = _telling(corpus, "two mayors of Velmora")
    assert groups
    assert all(g["verdict"] != "corroborated" for g in groups), [g["reason"] for g in groups]


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


def test_an_action_noun_carried_by_a_verb_is_a_report_of_the_action() -> None:
    """"launched strikes", "conducted an offensive": the noun tells what happened, the verb who
    did it; "claimed responsibility for the attacks" is one act whose object is the attacks,
    while "claimed 217 lives" and "claimed that ..." are not claims of responsibility."""
    from newsprism.understand.actions import find_actions
    from newsprism.understand.nlp import load_nlp

    doc = load_nlp(None)(
        "Brevian forces launched missile strikes against camps in Arland. Velmora has "
        "conducted a week-long offensive into the north. The militia claimed responsibility "
        "for the attacks. No one has claimed responsibility. The blasts claimed 217 lives. "
        "He claimed that the troops had left."
    )
    found = {(a.action, a.subject, a.object, a.mood, a.nominal) for a in find_actions(doc)}
    assert ("attack", "Brevian forces", "camps in Arland", "fact", False) in found
    assert ("attack", "Velmora", "the north", "fact", False) in found
    assert ("claim_responsibility", "The militia", "the attacks", "fact", False) in found
    assert ("claim_responsibility", "No one", None, "fact", False) in found
    assert [a.action for a in find_actions(doc)].count("claim_responsibility") == 2


def test_a_declared_measure_is_one_act_whoever_declared_it() -> None:
    """Paris: seven outlets told France's state of emergency ("Hollande imposed", "France has
    declared a national", "called for three days of mourning", "three days of mourning were
    declared") and none of it made a claim. A measure declared is an act whose other is the
    measure by its one word; "declared that ..." is speech, not a measure; two measures are two
    propositions, and so are two countries' emergencies."""
    from newsprism.crosscheck.comparisons import scope_compatible
    from newsprism.crosscheck.verdicts import same_proposition
    from newsprism.understand.actions import find_actions
    from newsprism.understand.nlp import load_nlp

    doc = load_nlp(None)(
        "President Varga imposed a state of emergency after the attacks. Velmora has declared "
        "a nationwide state of emergency. Varga called for three days of mourning. Three days "
        "of national mourning have been declared. A curfew will be imposed by the army. The "
        "mayor declared that the emergency was over."
    )
    found = {(a.action, a.subject, a.object, a.mood) for a in find_actions(doc)}
    assert ("declare", "President Varga", "emergency", "fact") in found
    assert ("declare", "Velmora", "emergency", "fact") in found
    assert ("declare", "Varga", "mourning", "fact") in found
    assert ("declare", None, "mourning", "fact") in found
    assert ("declare", "the army", "curfew", "future") in found
    assert len([a for a in find_actions(doc) if a.action == "declare"]) == 5

    def declared(cid: str, text: str, subject: str, measure: str, country: str | None) -> Any:
        return _event(cid, text, "declare", subject, measure, country=country)

    president = declared("a", "Varga imposed a state of emergency.", "actor:000001",
                         "emergency", None)  # fmt: skip
    country = declared("b", "Velmora declared a national state of emergency.", "actor:000002",
                       "emergency", "VL")  # fmt: skip
    assert same_proposition(president, country, lambda p, q: 0.5) == 0.5
    mourning = declared("c", "Varga called for days of mourning.", "actor:000001", "mourning",
                        None)  # fmt: skip
    assert same_proposition(president, mourning, lambda p, q: 0.5) is None
    assert not scope_compatible(president, mourning)  # never one group
    elsewhere = declared("d", "Arland declared a state of emergency.", "actor:000003",
                         "emergency", "AR")  # fmt: skip
    assert same_proposition(country, elsewhere, lambda p, q: 0.5) is None


def test_acts_told_on_other_weekdays_are_other_acts() -> None:
    """Undated articles: "raids on Monday" and "raids Saturday" cannot be placed on the
    calendar, yet they are two days; a figure's weekday may be the day it was told."""
    from newsprism.crosscheck import Claim
    from newsprism.crosscheck.comparisons import times_compatible

    def told(cid: str, text: str, kind: str = "event") -> Claim:
        return Claim(id=cid, article_id=cid, start=0, end=len(text), text=text, kind=kind,
                     subject="police", actions=("attack",))  # fmt: skip

    monday = told("a", "Police carried out several raids in Dunmere on Monday morning.")
    saturday = told("b", "Police carried out raids and arrests Saturday in Dunmere.")
    undated = told("c", "Police carried out raids in Dunmere.")
    assert not times_compatible(monday, saturday)
    assert times_compatible(monday, undated) and times_compatible(saturday, undated)
    assert times_compatible(told("d", "12 killed on Friday", "numeric"),
                            told("e", "12 killed, officials said Saturday", "numeric"))


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


def test_a_corroborated_group_is_stated_by_what_corroborates_it() -> None:
    """A group may hold a related sentence that arrived first ("Paddock checked in on the
    28th") beside the two reports that agree ("Paddock shot the guard before he opened fire"):
    the evidence is what corroborates, the first of it states the group, and the related
    sentence is kept apart."""
    from newsprism.crosscheck import Claim, verdict
    from newsprism.crosscheck.matching import ClaimGroup

    def act(cid: str, article: str, text: str) -> Claim:
        return Claim(id=cid, article_id=article, start=0, end=len(text), text=text,
                     kind="event", subject="actor:000001", actions=("shoot",))  # fmt: skip

    checked_in = act("c1", "a1", "Velm checked in at the hotel on the 28th, police said.")
    shot = act("c2", "a2", "Velm shot the guard six minutes before he opened fire.")
    shot_too = act("c3", "a3", "Velm had already shot the guard before he opened fire.")
    articles = {a: {"id": a, "outlet": f"Outlet {a}"} for a in ("a1", "a2", "a3")}

    def alike(a: Claim, b: Claim) -> float:
        return 0.9 if {a.id, b.id} == {"c2", "c3"} else 0.2

    judged = verdict(ClaimGroup("g", "event", [checked_in, shot, shot_too]), articles, alike)
    assert judged.verdict == "corroborated" and judged.independent_outlets == 2
    # what corroborates is the evidence; the related sentence is shown apart, counted for nothing
    assert [e.claim_id for e in judged.for_evidence] == ["c2", "c3"]
    assert [e.claim_id for e in judged.related_evidence] == ["c1"]


def _figure(
    cid: str, article: str, text: str, value: float, **fields: Any
) -> Any:
    from newsprism.crosscheck import Claim

    return Claim(
        id=cid, article_id=article, start=0, end=len(text), text=text, kind="numeric",
        counts=fields.pop("counts", "person"), value=value, low=value, high=value,
        qualifier="exact", **fields,
    )  # fmt: skip


def test_how_much_a_figure_moved_is_not_what_it_is() -> None:
    """"The number of cases has risen by 50%" and "a case fatality rate of 50%" read alike to
    the sentence model (PTC's Ebola coverage made them one corroborated figure); a change and a
    level are two propositions, while "rose to 57" is a level."""
    from newsprism.crosscheck.verdicts import same_proposition

    rate = _figure("r", "a1", "Ebola has a case fatality rate of 50%.", 50, counts=None,
                   unit="%", predicate="have", value_text="50%")  # fmt: skip
    average = _figure("v", "a2", "The average case fatality rate is around 50%.", 50,
                      counts=None, unit="%", predicate="be", value_text="around 50%")  # fmt: skip
    risen = _figure("c", "a3", "The number of cases has risen by 50% in a week.", 50,
                    counts=None, unit="%", predicate="rise", value_text="50%")  # fmt: skip
    assert same_proposition(rate, average, lambda p, q: 0.75) == 0.75
    assert same_proposition(rate, risen, lambda p, q: 0.75) is None
    toll = _figure("t", "a4", "The toll rose to 57 on Sunday.", 57, predicate="rise",
                   value_text="57", actions=("kill",))  # fmt: skip
    killed = _figure("k", "a5", "The blasts killed 57 people.", 57, predicate="kill",
                     value_text="57 people", actions=("kill",))  # fmt: skip
    assert same_proposition(toll, killed, lambda p, q: 0.5) == 1.0


def test_a_handful_alone_corroborates_nothing() -> None:
    """Three arrested here and three arrested there: a small figure is no fingerprint, so the
    rest of the two sentences must agree (same place or actor, or read alike)."""
    from newsprism.crosscheck.verdicts import same_proposition

    a = _figure("a", "x", "Three people were arrested in Arland on Monday.", 3,
                actions=("arrest",), place="arland")  # fmt: skip
    b = _figure("b", "y", "Brevian police arrested three people over the fire.", 3,
                actions=("arrest",))  # fmt: skip
    assert same_proposition(a, b, lambda p, q: 0.6) is None
    assert same_proposition(a, b, lambda p, q: 0.85) == 0.85  # told alike: one proposition
    c = _figure("c", "z", "In Arland, three were detained on Monday.", 3,
                actions=("arrest",), place="arland")  # fmt: skip
    assert same_proposition(a, c, lambda p, q: 0.4) == 1.0  # the same place
    big = [_figure(k, k, f"{k}: 317 people were arrested.", 317, actions=("arrest",))
           for k in "pq"]  # fmt: skip
    assert same_proposition(*big, lambda p, q: 0.4) == 1.0  # a large figure is distinctive


def test_one_figure_of_two_predicates_is_not_one_proposition() -> None:
    from newsprism.crosscheck.verdicts import same_proposition

    killed = _figure("k", "x", "About 40 people were killed at the Velmora market.", 40,
                     actions=("kill",))  # fmt: skip
    treated = _figure("t", "y", "About 40 people were in surgery at the Velmora clinic.", 40)
    assert same_proposition(killed, treated, lambda p, q: 0.9) is None
    withdrawn = _figure("w", "z", "About 1,000 troops will be withdrawn from Arland.", 1000,
                        counts="troop", actions=("withdraw",))  # fmt: skip
    deployed = _figure("d", "v", "About 1,000 troops had been deployed and then withdrawn.",
                       1000, counts="troop", actions=("deploy", "withdraw"))  # fmt: skip
    assert same_proposition(withdrawn, deployed, lambda p, q: 0.5) == 1.0


def test_a_handful_joins_no_group_of_another_scene() -> None:
    """Grouping: a small figure joins a neighbour only when they read alike or share a place
    or actor; a large one needs only the numeric threshold."""
    import numpy as np

    from newsprism.crosscheck.matching import ClaimIndex

    class Fixed:  # every sentence at cosine 0.6 of the others
        dim = 2

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.array([[1.0, 0.0] if "Arland" in t else [0.6, 0.8] for t in texts],
                            dtype=np.float32)  # fmt: skip

    index = ClaimIndex(embedder=Fixed())
    a = _figure("a", "x", "Three people were arrested in Arland.", 3, actions=("arrest",))
    b = _figure("b", "y", "Police arrested three people in the north.", 3, actions=("arrest",))
    index.add([a]), index.add([b])
    assert index.group_of_claim("a") != index.group_of_claim("b")
    c = _figure("c", "x", "In all 317 people were arrested in Arland.", 317, actions=("arrest",))
    d = _figure("d", "y", "Police arrested 317 people in the north.", 317, actions=("arrest",))
    index.add([c]), index.add([d])
    assert index.group_of_claim("c") == index.group_of_claim("d")


def test_a_rival_figure_is_found_behind_sentences_of_many_figures() -> None:
    """The claims of one sentence share its vector: many figures told in a few sentences near a
    new claim must not hide the rival figure of another outlet ranked behind them."""
    import numpy as np

    from newsprism.crosscheck.matching import ClaimIndex

    class Ranked:
        dim = 3

        def encode(self, texts: list[str]) -> np.ndarray:
            rows = []
            for t in texts:
                if "crowd" in t:  # closest to the new claim, but of another measure
                    rows.append([0.9, 0.43589, 0.0])
                elif "Tribune" in t:
                    rows.append([0.7, 0.0, 0.71414])
                else:
                    rows.append([1.0, 0.0, 0.0])
            return np.array(rows, dtype=np.float32)

    index = ClaimIndex(embedder=Ranked())
    for i in range(12):  # twelve sentences of two figures each, of wounded people
        index.add([
            _figure(f"w{i}-{j}", f"s{i}", f"crowd sentence {i}: {j + 100} wounded", j + 100 + i,
                    actions=("wound",), time_first="2026-08-14", time_last="2026-08-14",
                    time_source="published")
            for j in range(2)
        ])  # fmt: skip
    dated = {"time_first": "2026-08-14", "time_last": "2026-08-14", "time_source": "published"}
    first = _figure("t", "tribune", "Tribune: 253 people were killed in Dravik.", 253,
                    actions=("kill",), **dated)  # fmt: skip
    index.add([first], {"tribune": {"id": "tribune", "outlet": "Tribune"}})
    rival = _figure("e", "examiner", "The blast killed 247 people in Dravik.", 247,
                    actions=("kill",), **dated)  # fmt: skip
    index.add([rival], {"examiner": {"id": "examiner", "outlet": "Examiner"}})
    assert index.group_of_claim("e") == index.group_of_claim("t")


def test_a_place_after_another_figure_is_that_figures() -> None:
    from newsprism.crosscheck.claim_context import nearest_figure
    from newsprism.understand.sentences import sentence_spans

    # "killed 247 people in Kenya and 10 in Tanzania": 247 at 7, Kenya at 25, 10 at 35, ...
    assert nearest_figure(25, 7, [(35, 37)])
    assert not nearest_figure(41, 7, [(35, 37)])
    assert not nearest_figure(25, 35, [(7, 18)])
    text = "The bombings, on Aug. 7, killed 247 people. Then 10 more died."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The bombings, on Aug. 7, killed 247 people.", "Then 10 more died."
    ]


def test_one_known_actor_doing_one_thing_is_one_proposition() -> None:
    """"US troops are withdrawing" told inside sentences about other things (Kurds throwing
    tomatoes at them, Kurds pleading with them) is one proposition when the actor is one
    resolved identity doing the same act; words alike ("troops") or another object are not."""
    from newsprism.crosscheck.verdicts import same_proposition

    def act(cid: str, text: str, subject: str, obj: str | None = None) -> Any:
        return _event(cid, text, "withdraw", subject, obj)

    tomatoes = act("a", "Kurds throw tomatoes at US troops as they withdraw.", "actor:000004")
    pleading = act("b", "Kurds plead with US soldiers who are pulling out.", "actor:000004")
    assert same_proposition(tomatoes, pleading, lambda p, q: 0.5) == 0.5
    assert same_proposition(tomatoes, pleading, lambda p, q: 0.3) is None  # nothing alike
    words = [act(k, "Troops withdraw.", "troops") for k in "cd"]
    assert same_proposition(*words, lambda p, q: 0.5) is None  # words, not one known actor
    elsewhere = act("e", "US troops pull out of the oil fields.", "actor:000004", "oil fields")
    assert same_proposition(tomatoes, elsewhere, lambda p, q: 0.5) is None
    # a quote's mood is not read: "the troops could not have pulled out" reports no pull-out
    quoted = replace_fields(pleading, kind="attributed")
    assert same_proposition(tomatoes, quoted, lambda p, q: 0.5) is None


def test_one_known_actor_befallen_by_one_act_in_the_passive_is_one_proposition() -> None:
    """"Dr. Hale was gunned down in his kitchen" and "Hale was shot in the back as he stood in
    his kitchen": no doer named, one resolved person, one act (AQUAINT's reports of one doctor's
    killing were only "related"). Words alike, another person, or a named doer in one of them
    are not enough."""
    from newsprism.crosscheck.verdicts import same_proposition

    def shot(cid: str, text: str, obj: str | None, subject: str | None = None) -> Any:
        return _event(cid, text, "shoot", subject, obj)

    gunned = shot("a", "Dr. Hale was gunned down in his kitchen last fall.", "actor:000021")
    back = shot("b", "Hale was shot in the back as he stood in his kitchen.", "actor:000021")
    assert same_proposition(gunned, back, lambda p, q: 0.5) == 0.5
    assert same_proposition(gunned, back, lambda p, q: 0.3) is None  # nothing alike
    other = shot("c", "Dr. Rowe was shot in his kitchen.", "actor:000022")
    assert same_proposition(gunned, other, lambda p, q: 0.5) is None
    words = [shot(k, "A guard was shot.", "guard") for k in "de"]
    assert same_proposition(*words, lambda p, q: 0.5) is None  # words, not one known actor
    by_police = shot("f", "Police shot Hale in his kitchen.", "actor:000021", "actor:000030")
    assert same_proposition(gunned, by_police, lambda p, q: 0.5) is None


def test_the_same_other_is_the_same_head_whatever_hangs_on_it() -> None:
    """"IS claimed responsibility for the horrific Paris attacks" and "Islamic State claimed
    responsibility for the attacks on a social media account" (the parse hung the channel on
    the attacks): one actor, one act, one other. Attacks and raids are two others, and so are
    two named actors."""
    from newsprism.crosscheck import Claim
    from newsprism.crosscheck.verdicts import object_head, same_proposition

    def claimed(cid: str, obj: str) -> Claim:
        text = f"Islamic State claimed responsibility for the {obj}."
        return Claim(id=cid, article_id=cid, start=0, end=len(text), text=text, kind="event",
                     subject="actor:000013", object=obj,
                     actions=("claim_responsibility",))  # fmt: skip

    paris = claimed("a", "horrific paris attacks")
    channel = claimed("b", "attacks on a social media account")
    assert object_head(paris.object) == object_head(channel.object) == "attacks"
    assert same_proposition(paris, channel, lambda p, q: 0.5) == 0.5
    assert same_proposition(paris, claimed("c", "raids in brussels"), lambda p, q: 0.5) is None
    assert object_head("actor:000002") != object_head("actor:000003")


def test_a_growing_toll_is_judged_on_the_count_outlets_confirm() -> None:
    """The toll of one bombing told as it grew (dozens, 81, then 257 a week later by
    two outlets): the group is corroborated on 257, and the early counts are updates, not rival
    figures, though every sentence dates the killing to the day of the bombing."""
    from newsprism.crosscheck import verdict
    from newsprism.crosscheck.matching import ClaimGroup

    day = {"time_first": "1998-08-07", "time_last": "1998-08-07", "time_source": "text"}
    dozens = _figure("d", "ap1", "Bombs exploded Friday, killing dozens of people.", 24,
                     actions=("kill",), **day)  # fmt: skip
    dozens = replace_fields(dozens, qualifier="vague", high=99)
    early = _figure("e", "xh1", "Two bombs exploded Friday, killing 81 people.", 81,
                    actions=("kill",), **day)  # fmt: skip
    late = [
        _figure("l1", "ap2", "The Aug. 7 attacks at the embassies killed 257 people.", 257,
                actions=("kill",), **day),
        _figure("l2", "xh2", "The twin bombings of Aug. 7 have killed 257 people.", 257,
                actions=("kill",), **day),
    ]  # fmt: skip
    articles = {
        "ap1": {"outlet": "Associated Press", "published": "1998-08-07"},
        "xh1": {"outlet": "Xinhua", "published": "1998-08-08"},
        "ap2": {"outlet": "Associated Press", "published": "1998-08-13"},
        "xh2": {"outlet": "Xinhua", "published": "1998-08-14"},
    }
    judged = verdict(ClaimGroup("g", "numeric", [dozens, early, *late]), articles,
                     lambda a, b: 0.5)  # fmt: skip
    assert judged.verdict == "corroborated", judged.reason
    assert {e.claim_id for e in judged.for_evidence} >= {"l1", "l2"}
    # told by a third outlet on the same days as 257, 81 is a rival figure
    same_day = {k: {**a, "published": "1998-08-14"} for k, a in articles.items()}
    same_day["ap1"] = same_day["xh1"] = {"outlet": "Reuters", "published": "1998-08-14"}
    judged = verdict(ClaimGroup("g", "numeric", [dozens, early, *late]), same_day,
                     lambda a, b: 0.7)  # fmt: skip
    assert judged.verdict == "contradicted", judged.reason


def _event(
    cid: str, text: str, action: str, subject: str | None, obj: str | None, **fields: Any
) -> Any:
    """An event claim of one article as cross-checking reads it."""
    from newsprism.crosscheck import Claim

    return Claim(id=cid, article_id=cid, start=0, end=len(text), text=text, kind="event",
                 subject=subject, object=obj, actions=(action,), **fields)  # fmt: skip


def replace_fields(claim: Any, **fields: Any) -> Any:
    from dataclasses import replace

    return replace(claim, **fields)


def test_a_text_copied_or_a_quote_relayed_is_one_source() -> None:
    """Independence: twelve words in a row in common come from one text (a press release
    filled in for two operations; one congressman's words in two transcripts), and two quotes
    about one named actor that share half their words are one utterance relayed in two
    translations. Two outlets telling one fact in their own words stay two."""
    from newsprism.crosscheck import Claim
    from newsprism.crosscheck.independence import independent_reports

    def claim(cid: str, text: str, kind: str = "event", **fields: Any) -> Claim:
        return Claim(id=cid, article_id=cid, start=0, end=len(text), text=text, kind=kind,
                     **fields)  # fmt: skip

    release = [
        claim("r1", "Most of the migrants detained by border officers during this operation had "
                    "prior convictions for theft and assault."),
        claim("r2", "Several of the migrants detained by border officers during this operation had "
                    "prior convictions for drunk driving."),
    ]  # fmt: skip
    transcript = [
        claim("t1", "\u201cWell, lets face it, twice before the vote the rebels warned the "
                    "governor that they would march on Velmora in June,\u201d he said.",
              kind="numeric"),
        claim("t2", "\u201cLet\u2019s face it, twice before the vote the rebels warned the "
                    "governor that they would march on Velmora and then they did.\u201d",
              kind="numeric"),
    ]  # fmt: skip
    translated = [
        claim("q1", "The decree is very good and completely explains the meaning of chapter "
                    "eight of the Velmora Accord.", kind="attributed", subject="actor:000009",
              source_kind="unknown"),
        claim("q2", "explains precisely the meaning of chapter eight of the Velmora Accord. "
                    "There are no other readings.", kind="attributed", subject="actor:000009",
              source_kind="unknown"),
    ]  # fmt: skip
    marks = [
        claim("m1", "\u201cWe never expected that 29% of the voters would back the mayor.",
              kind="numeric"),
        claim("m2", "We never expected that 29% of the voters would back the mayor.",
              kind="numeric"),
    ]  # fmt: skip
    own_words = [
        claim("o1", "Floods forced 2,000 people to leave their homes in Ostrova on Sunday as "
                    "the river rose over its banks."),
        claim("o2", "About 2,000 residents of Ostrova were evacuated from their homes on Sunday "
                    "as the river Keth burst its banks."),
    ]  # fmt: skip
    claims = release + transcript + translated + marks + own_words
    articles = {c.article_id: {"outlet": f"Outlet {c.id}"} for c in claims}
    report = independent_reports(claims, articles)
    for a, b in (release, transcript, translated, marks):
        assert report[a.id] == report[b.id], (a.text, b.text)
    assert report["o1"] != report["o2"]
    other_actor = [translated[0], replace_fields(translated[1], subject="actor:000010")]
    report = independent_reports(other_actor, articles)
    assert report["q1"] != report["q2"]  # about two actors: not shown to be one utterance


def test_one_utterance_quoted_in_two_translations_is_one_source_whoever_spoke() -> None:
    """Paris: CNN quotes Hollande ("they must know that they will face a France very
    determined"), ABC gives the Elysee Palace the words "they will face a determined and united
    France": direct quotations of one meaning are one utterance, whoever each outlet says spoke.
    Reported speech of one meaning stays two reports (several officials may tell one fact), and
    so do direct quotations of other meanings."""
    from newsprism.crosscheck import Claim
    from newsprism.crosscheck.independence import independent_reports

    def quote(cid: str, text: str, source: str, direct: bool = True) -> Claim:
        return Claim(id=cid, article_id=cid, start=0, end=len(text), text=text,
                     kind="attributed", source=source, source_kind="named",
                     direct=direct)  # fmt: skip

    president = quote("p", "When attackers are capable of such acts, they must know that "
                           "they will face a Velmora very determined", "actor:000001")
    palace = quote("e", "attackers capable of such atrocities should know that they will face "
                        "a determined and united Velmora.", "actor:000002")
    articles = {c.id: {"outlet": f"Outlet {c.id}"} for c in (president, palace)}

    def alike(a: Claim, b: Claim) -> float:
        return 0.86

    report = independent_reports([president, palace], articles, alike)
    assert report["p"] == report["e"]
    told = [replace_fields(president, direct=False), replace_fields(palace, direct=False)]
    report = independent_reports(told, articles, alike)
    assert report["p"] != report["e"]  # two accounts of one fact, not one quotation
    report = independent_reports([president, palace], articles, lambda a, b: 0.6)
    assert report["p"] != report["e"]


def test_a_corroborated_groups_related_statements_are_kept_apart_everywhere(
    tmp_path: Path,
) -> None:
    """Three outlets tell that the gunman shot the guard before he opened fire; one of them also
    tells that he shot himself later, a sentence the group took in for its subject. The verdict
    rests on the three; the fourth is exported, stored and shown as related, not as evidence,
    and the timeline does not make it part of the corroborated event."""
    import csv

    from starlette.testclient import TestClient

    from newsprism.web import create_app

    told = [
        ("Valley Post", "The gunman Karl Velm shot the hotel security guard six minutes before "
         "he opened fire on the festival crowd, police said on Tuesday. Velm checked in at the "
         "Lakeview hotel on Friday. Officers reached his room an hour later."),
        ("Hill Times", "Karl Velm had already shot the security guard six minutes before "
         "opening fire on the festival crowd, the sheriff said on Tuesday. Velm later shot "
         "himself in his hotel room as officers arrived. Investigators are still searching his "
         "house."),
        ("River Gazette", "Karl Velm shot the guard at 9:59 p.m. and fired on the crowd at "
         "10:05 p.m., the sheriff said. Velm had stayed at the hotel for three days before the "
         "attack."),
    ]  # fmt: skip
    source = tmp_path / "festival.jsonl"
    source.write_text("".join(
        json.dumps({"id": f"r{i}", "outlet": outlet, "published": "2031-05-02",
                    "title": f"Festival shooting {i}", "text": text}) + "\n"
        for i, (outlet, text) in enumerate(told)
    ), encoding="utf-8")  # fmt: skip
    db = tmp_path / "festival.db"
    with analyze(source, db=db, workers=1) as corpus:
        (group,) = [g for g in corpus.claims() if g["verdict"] == "corroborated"]
        events = corpus.timeline()
        corpus.export("csv", tmp_path / "csv")
        corpus.export("jsonl", tmp_path / "out.jsonl")
    assert group["independent_outlets"] == 3
    assert all("shot the" in e["text"] and "guard" in e["text"] for e in group["evidence"])
    (related,) = group["related"]
    assert related["text"].startswith("Velm later shot himself")
    assert related["outlet"] == "Hill Times"
    assert related["stance"] == "asserts" and related["claim_id"] not in {
        e["claim_id"] for e in group["evidence"]}
    assert related["article_id"] in group["articles"]
    # the timeline: the guard's shooting, corroborated, is not told by the related sentence,
    # which is an event of its own on its own evidence
    (shooting,) = [e for e in events if group["id"] in e["group_ids"]]
    assert shooting["verdict"] == "corroborated"
    assert sorted(shooting["claim_ids"]) == sorted(e["claim_id"] for e in group["evidence"])
    (apart,) = [e for e in events if related["claim_id"] in e["claim_ids"]]
    assert apart["verdict"] == "single-source" and not apart["group_ids"]
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    exported = [json.loads(line) for line in lines]
    assert [r["related"] for r in exported if r["id"] == group["id"]] == [group["related"]]
    with open(tmp_path / "csv" / "claim.related.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["id"], r["claim_id"]) for r in rows] == [(group["id"], related["claim_id"])]
    with TestClient(create_app(db)) as client:
        page = client.get(f"/claim/{group['id']}").text
    assert "Related, not counted" in page
    assert re.search(r'subject: <a href="/actor/actor[^"]*">Karl Velm</a>', page)  # not its id
    side, related_part = page.split("Related, not counted")
    assert "Velm later shot himself" in related_part and "Velm later shot himself" not in side
