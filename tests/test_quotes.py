"""Attributions: direct quotes and reported speech, with speaker, cue and source kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.understand.nlp import load_nlp
from newsprism.understand.quotes import Attribution, find_attributions

TEXTS = {
    "unnamed": (
        "About 1,000 US troops will leave northern Syria, the defense secretary said on Sunday."
    ),
    "named": "Defense Secretary Mark Esper said on Sunday that about 1,000 troops would withdraw.",
    "officials": "US officials said the convoy had left the base before dawn.",
    "spokesman": "A Pentagon spokesman told reporters that the base was empty.",
    "anonymous": "An informed source told TASS that the deal was close.",
    "sources": "Sources close to the talks said the deal had collapsed.",
    "agency": "The convoy finally retreated, Syria's official news agency SANA reported.",
    "according": "The strikes continued overnight, according to state media.",
    "outlet_rule": "The Daily Herald reported that the bridge had been closed.",
    "social": "The minister wrote on Twitter that the ceasefire would hold.",
    "tweet": 'Trump tweeted: "We have secured the oil. Bringing soldiers home!"',
    "after": (
        "\u201cThe militants try to break through almost every day, but the army stops them\u201d, "
        "a military-diplomatic source said."
    ),
    "colon": (
        'General Omar Haddad said: "Our forces are ready to defend the town.\n\n'
        '"We will not withdraw from the border until the agreement is respected."'
    ),
    "pronoun": (
        "Defense Secretary Mark Esper spoke to reporters in Brussels. "
        "He said the troops would move to western Iraq."
    ),
    "scare": "The president spoke of \u201cendless wars\u201d and a \u201csafe zone\u201d there.",
    "the_one": (
        "Rep. Jackie Speier spoke. And Speier was the one that revealed the fact that 15 million "
        "dollars have been paid out to victims."
    ),
    "cleft": "It was the ministry that announced that 40 people had died.",
}


@pytest.fixture(scope="module")
def found() -> dict[str, list[Attribution]]:
    nlp = load_nlp()
    keys = list(TEXTS)
    docs = nlp.pipe(TEXTS[key] for key in keys)
    return {key: find_attributions(doc) for key, doc in zip(keys, docs, strict=True)}


def _only(found: dict[str, list[Attribution]], key: str) -> Attribution:
    assert len(found[key]) == 1, found[key]
    return found[key][0]


def _check_spans(key: str, a: Attribution) -> None:
    text = TEXTS[key]
    assert text[a.start : a.end] == a.text
    if a.speaker is not None:
        assert text[a.speaker_start : a.speaker_end] == a.speaker


@pytest.mark.parametrize(
    ("key", "speaker", "kind", "cue", "content"),
    [
        ("unnamed", "the defense secretary", "unnamed official", "say",
         "About 1,000 US troops will leave northern Syria"),
        ("named", "Mark Esper", "named", "say", "about 1,000 troops would withdraw"),
        ("officials", "US officials", "unnamed official", "say",
         "the convoy had left the base before dawn"),
        ("spokesman", "A Pentagon spokesman", "unnamed official", "tell", "the base was empty"),
        ("anonymous", "An informed source", "anonymous", "tell", "the deal was close"),
        ("sources", "Sources", "anonymous", "say", "the deal had collapsed"),
        ("agency", "SANA", "agency", "report", "The convoy finally retreated"),
        ("according", "state media", "outlet", "according to", "The strikes continued overnight"),
        ("outlet_rule", "The Daily Herald", "outlet", "report", "the bridge had been closed"),
        ("social", "The minister", "social media", "write", "the ceasefire would hold"),
        # who a relative pronoun stands for, and what "the fact that" frames
        ("the_one", "Speier", "named", "reveal",
         "15 million dollars have been paid out to victims"),
        ("cleft", "the ministry", "unnamed official", "announce", "40 people had died"),
    ],
)  # fmt: skip
def test_reported_speech(found, key, speaker, kind, cue, content):
    a = _only(found, key)
    assert (a.speaker, a.kind, a.cue, a.text, a.direct) == (speaker, kind, cue, content, False)
    _check_spans(key, a)


def test_channels(found):
    assert _only(found, "anonymous").channel == "TASS"
    assert _only(found, "social").channel == "Twitter"


def test_direct_quote_with_speaker_after(found):
    a = _only(found, "after")
    assert a.direct and a.cue == "say"
    assert a.text.startswith("The militants try") and a.text.endswith("stops them")
    assert (a.speaker, a.kind) == ("a military-diplomatic source", "anonymous")
    _check_spans("after", a)


def test_quote_running_over_a_paragraph_keeps_its_speaker(found):
    first, second = found["colon"]
    assert first.text == "Our forces are ready to defend the town."
    assert second.text.startswith("We will not withdraw")
    for a in (first, second):
        assert (a.speaker, a.kind, a.direct) == ("Omar Haddad", "named", True)
        _check_spans("colon", a)


def test_tweet_is_social_media_with_the_named_speaker_kept(found):
    a = _only(found, "tweet")
    assert (a.speaker, a.kind, a.cue, a.channel, a.direct) == (
        "Trump",
        "social media",
        "tweet",
        "Twitter",
        True,
    )


def test_pronoun_speaker_resolves_to_the_person_before(found):
    a = _only(found, "pronoun")
    assert (a.speaker, a.kind, a.resolved_from) == ("Mark Esper", "named", "He")
    assert a.text == "the troops would move to western Iraq"
    _check_spans("pronoun", a)


def test_scare_quotes_are_not_attributions(found):
    assert found["scare"] == []


def test_seed_articles(seeds_dir: Path):
    nlp = load_nlp()
    found = {
        path.name[:3]: find_attributions(nlp(path.read_text(encoding="utf-8")))
        for path in sorted(seeds_dir.glob("*.txt"))
    }

    def has(seed: str, speaker: str, kind: str, cue: str, direct: bool, words: str) -> bool:
        return any(
            a.speaker == speaker and a.kind == kind and a.cue == cue and a.direct == direct
            and words in a.text
            for a in found[seed]
        )  # fmt: skip

    assert has("000", "A senior Kurdish official", "unnamed official", "say", False, "his forces")
    assert has("000", "A senior Kurdish official", "unnamed official", "say", False, "guarantor")
    assert has("001", "Mark Esper", "named", "declare", False, "evacuate about 1,000 troops")
    assert has("002", "Mark Esper", "named", "say", True, "two missions")
    assert has("002", "Mark Esper", "named", "say", True, "Things could change")  # runs on
    assert has("002", "Trump", "social media", "tweet", True, "secured the oil")
    assert has("002", "a top Kurdish general", "unnamed official", "tell", False, "he feared")
    assert has("003", "SANA", "agency", "report", False, "finally retreated")
    assert has("003", "SANA", "agency", "report", False, "at least 40 trucks")
    assert has("003", "SOHR", "agency", "report", False, "smuggling foreign terrorists")
    assert has("003", "SOHR", "agency", "according to", False, "smuggled from areas")
    assert has("004", "a military-diplomatic source", "anonymous", "say", False, "war crimes")
    assert has("004", "a military-diplomatic source", "anonymous", "say", True, "ghost city")
    assert has("004", "US media", "outlet", "report", False, "Trump had ordered")
    resolved = [a for a in found["004"] if a.resolved_from]
    assert resolved and all(a.speaker == "a military-diplomatic source" for a in resolved)
