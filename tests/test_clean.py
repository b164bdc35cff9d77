"""Cleaning keeps offsets back to the raw text and shows what it removed."""

from __future__ import annotations

import unicodedata

from newsprism.articles import Article
from newsprism.ingest.boilerplate import is_boilerplate
from newsprism.ingest.clean import clean_text


def _check_offsets(raw: str, cleaned) -> None:
    for clean_start, raw_start, length in cleaned.offsets:
        got = cleaned.text[clean_start : clean_start + length]
        want = unicodedata.normalize("NFKC", raw[raw_start : raw_start + length])
        # a ligature (ﬁ) expands to several characters, each mapped to the one raw character
        assert got == want or (length == 1 and got in want) or got.isspace()


def test_offsets_map_every_kept_character_back() -> None:
    raw = (
        "Floodwater reaches the old bridge\n\n"
        "Floodwater reaches the old bridge\n\n"
        "DRAVIK –  Water\u00a0rose   overnight,  officials said.\n"
        "The ﬁrst  shelters opened at\u200b dawn.\n\n"
        "Share this article\n"
    )
    cleaned = clean_text(raw)
    assert cleaned.title == "Floodwater reaches the old bridge"
    assert cleaned.dateline_place == "DRAVIK"
    assert cleaned.text == (
        "Water rose overnight, officials said.\nThe first shelters opened at dawn."
    )
    _check_offsets(raw, cleaned)
    article = Article(id="x", source="s", text=cleaned.text, raw=raw, offsets=cleaned.offsets)
    at = cleaned.text.index("officials")
    assert raw[article.raw_offset(at) :].startswith("officials")
    at = cleaned.text.index("shelters")
    assert raw[article.raw_offset(at) :].startswith("shelters")


def test_removed_lines_have_raw_spans_and_reasons() -> None:
    raw = "Headline about the dam\n\nHeadline about the dam\nBody text of the report.\nNotify of\n"
    cleaned = clean_text(raw)
    assert [(r.reason, r.text) for r in cleaned.removed] == [
        ("title", "Headline about the dam"),
        ("repeated-title", "Headline about the dam"),
        ("boilerplate", "Notify of"),
    ]
    for r in cleaned.removed:
        assert raw[r.start : r.end] == r.text


def test_no_title_when_first_line_is_a_sentence() -> None:
    raw = (
        "Residents stopped a convoy on Thursday near the village, the agency reported.\nMore text."
    )
    assert clean_text(raw).title is None


def test_metadata_title_wins_and_its_copy_leaves_the_body() -> None:
    cleaned = clean_text(
        "Dam Breach: What We Know\nThe dam broke at night.", title="Dam breach – what we know"
    )
    assert cleaned.title == "Dam breach – what we know"
    assert cleaned.title_source == "metadata"
    assert cleaned.text == "The dam broke at night."


def test_outlet_tag_and_agency_datelines() -> None:
    tag = clean_text("Alwaght- Residents of the village stopped a convoy on Thursday.")
    assert tag.dateline_outlet == "Alwaght"
    assert tag.text.startswith("Residents")
    agency = clean_text("NEW YORK (Reuters) - Stocks fell sharply on Monday after the report.")
    assert agency.dateline_place == "NEW YORK"
    assert agency.dateline_agency == "Reuters"
    plain = clean_text("Kurdish-led forces said they would withdraw from the border area.")
    assert plain.dateline_place is None and plain.dateline_outlet is None
    assert plain.text.startswith("Kurdish-led")


def test_boilerplate_is_whole_lines_only() -> None:
    assert is_boilerplate("Subscribe to our newsletter")
    assert is_boilerplate("Source: News Agencies")
    assert is_boilerplate("Would love your thoughts, please comment.x")
    assert not is_boilerplate(
        "The minister said readers who subscribe to our newsletter will get the report first."
    )
    assert not is_boilerplate("He said the US guarantor has not forced Turkey to stick to it.")


def test_reprint_credits_and_form_widgets_are_boilerplate() -> None:
    assert is_boilerplate("Article posted with permission from The Example Foundation")
    assert is_boilerplate("This report was originally published by Jo Writer at Example Hedge")
    assert is_boilerplate("Name This field is for validation purposes and should be left unchanged")
    assert is_boilerplate("This story was reprinted with permission from Example Daily.")
    assert not is_boilerplate(
        "The report was published by the ministry on Monday and names 40 officials."
    )


def test_media_player_furniture_is_boilerplate() -> None:
    assert is_boilerplate("Out of media player. Press enter to return or tab to continue.")
    assert is_boilerplate("Media playback is unsupported on your device")
    assert not is_boilerplate("Press officers said the minister would return on Monday.")


def test_a_poll_box_goes_from_its_opening_line_to_its_last_closing_one() -> None:
    """A poll among the paragraphs: its question, its answers (here names of politicians, who
    would become actors of the article) and its small print all go; a question the article
    itself asks, and a line opening a poll with no small print in reach, stay or go alone."""
    poll = (
        "take our poll - story continues below\n"
        "Which mayor handled the strike worst?\n"
        "Which mayor handled the strike worst?\n"
        "* Ada Kern Bruno Salt Mira Vance\n"
        "Email *\n"
        "Completing this poll grants you access to Example Post updates free of charge.\n"
        "You may opt out at anytime.\n"
        "You also agree to this site's Privacy Policy and Terms of Use.\n"
    )
    raw = (
        "Harbor strike enters its third week\n\n"
        "The dockworkers of Velmora have not unloaded a ship since March 3.\n"
        + poll +
        "Will the union accept the offer? Its members vote on Friday.\n"
    )  # fmt: skip
    cleaned = clean_text(raw)
    assert "Ada Kern" not in cleaned.text and "poll" not in cleaned.text
    assert "Which mayor" not in cleaned.text
    assert "Will the union accept the offer?" in cleaned.text
    assert "have not unloaded a ship since March 3." in cleaned.text
    _check_offsets(raw, cleaned)
    lone = clean_text("Strike talks resume\n\ntake our poll - story continues below\n"
                      "Which mayor handled the strike worst?\nThe talks resume today.\n")
    assert "take our poll" not in lone.text and "Which mayor" in lone.text


def test_a_shop_widget_leaves_the_text_and_the_sentence_it_ran_into_stays() -> None:
    raw = (
        "Harbor strike enters its third week\n\n"
        "The dockworkers of Velmora have not unloaded a ship since March 3.\n"
        "Ports of Call: A History Mara Olsen Best Price: $5.99 Buy New $45.86 (as of 09:30 EDT "
        "- Details) And the shipping lines are already sending their freighters to Ostrova.\n"
        "The Velmora Chronicle Ada Kern Best Price: $12.50 (as of 04:55 EDT - Details)\n"
        "The union meets again on Friday.\n"
    )
    cleaned = clean_text(raw)
    assert "Best Price" not in cleaned.text and "Mara Olsen" not in cleaned.text
    assert "And the shipping lines are already sending their freighters" in cleaned.text
    assert "The union meets again on Friday." in cleaned.text
    _check_offsets(raw, cleaned)  # kept text still maps back to the raw
    assert sum("Best Price" in r.text for r in cleaned.removed) == 2
