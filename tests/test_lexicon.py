"""One lexicon: the titles and verbs of saying that actors, places, quotes, linking and claims
read come from understand/words/, and each reader's set is a named part of it."""

from __future__ import annotations

from importlib import resources

from newsprism.understand import lexicon
from newsprism.understand.sentences import first_sentence_spans, sentence_spans


def test_every_named_set_of_titles_is_part_of_the_title_list() -> None:
    for name in ("PERSON_TITLES", "POSTED_TITLES", "WEAK_TITLES", "HONORIFICS"):
        words = getattr(lexicon, name)
        assert words <= lexicon.TITLES, (name, sorted(words - lexicon.TITLES))
    # abbreviations are read with and without their full stop
    assert {"gen", "gen.", "sen", "sen."} <= lexicon.TITLES
    assert "gen" in lexicon.ABBREVIATED_TITLES and "general" not in lexicon.ABBREVIATED_TITLES


def test_each_verb_of_saying_has_its_forms_and_reporting_verbs_are_verbs_of_saying() -> None:
    text = resources.files("newsprism.understand").joinpath("words", "speech_verbs.txt")
    for line in text.read_text("utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            assert len(words) in (3, 4) and words[3:] in ([], ["report"]), line
    assert lexicon.REPORTING_VERBS < lexicon.SPEECH_VERBS
    assert {"say", "tell", "tweet"} <= lexicon.REPORTING_VERBS
    assert "urge" in lexicon.SPEECH_VERBS - lexicon.REPORTING_VERBS  # a stance, not a quote
    forms = lexicon.speech_forms(frozenset({"say", "tell", "deny"}))
    assert set(forms) == {"said", "says", "told", "tells", "denied", "denies"}
    assert forms == sorted(forms, key=lambda f: (-len(f), f))  # longest first, for a regex


def test_an_abbreviated_title_ends_no_sentence() -> None:
    # the claims' splitter knew five abbreviations; "Sen." and "Lt." cut a name from its
    # sentence, and the claim lost its speaker
    text = ("Sen. Lindsey Graham said the troops would stay. Lt. Col. Earl Brown, a Pentagon "
            "spokesman, disagreed on Aug. 7 with the senator. Mr. Brown left.")
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Sen. Lindsey Graham said the troops would stay.",
        "Lt. Col. Earl Brown, a Pentagon spokesman, disagreed on Aug. 7 with the senator.",
        "Mr. Brown left.",
    ]


def test_the_first_sentences_are_those_the_whole_split_finds() -> None:
    # a story's lead and headline read only the first sentences of an article, without
    # splitting the rest of it; they must be the sentences the whole split gives
    text = ("ANKARA (Reuters) - Gen. Mark Milley said on Oct. 9 that U.S. troops \"would leave "
            "soon.\" 'It is over,' a Kurdish official told reporters.\n\nSome 1,000 soldiers "
            "remain. On Aug. 7, 12 were wounded! Was it the last convoy? Officials declined to "
            "say.\n") * 40
    whole = sentence_spans(text)
    assert len(whole) > 200
    for count in (0, 1, 3, 7, len(whole) + 5):
        assert first_sentence_spans(text, count) == whole[:count]
    assert [text[s:e] for s, e in whole[:3]] == [
        "ANKARA (Reuters) - Gen. Mark Milley said on Oct. 9 that U.S. troops \"would leave "
        "soon.\"",
        "'It is over,' a Kurdish official told reporters.",
        "Some 1,000 soldiers remain.",
    ]


def test_the_action_classes_a_sentence_tells() -> None:
    # the longest phrase wins ("pulled out" is a withdrawal, not a bare "pulled"); case and a
    # word between a verb and its particle do not matter; a word inside another is no action
    from newsprism.understand.action_classes import actions_in

    assert actions_in("U.S. forces PULLED troops OUT of Manbij on Monday.") == {"withdraw"}
    assert actions_in("Turkish jets struck Ras al-Ayn; 12 civilians died, 30 were wounded.") == {
        "attack", "kill", "wound",
    }  # fmt: skip
    assert actions_in("The killings and the arrests followed the invasion.") == {
        "kill", "arrest", "enter",
    }  # fmt: skip
    assert actions_in("Skilled negotiators shelled out for a remote campsite.") == {"attack"}
    assert actions_in("Nothing happened in the town square.") == set()
