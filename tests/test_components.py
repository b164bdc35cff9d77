"""The component contract: each component of understanding is declared once (its record, its
record type, its offset fields, what it requires), and the article pass, linking and the
exports all read that declaration."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from newsprism.understand import article
from newsprism.understand.article import ArticleInput, ArticleUnderstanding, understand_batch
from newsprism.understand.components import (
    BY_NAME,
    COMPONENTS,
    PIECE_ORDER,
    Component,
    run_order,
)

PARAGRAPHS = [
    "ANKARA — Turkish President Recep Tayyip Erdogan said on Tuesday that 1,200 soldiers had "
    "crossed into northern Syria near Tal Abyad.",
    # a technique well clear of the tagger's thresholds in every copy: the test is of offsets,
    # and a borderline one ("We will not stop" alone) came and went with package versions
    '"We will not stop," Erdogan told reporters in Ankara, calling the Kurdish fighters '
    "bloodthirsty terrorists.",
    "US Defense Secretary Mark Esper said about 1,000 American troops would withdraw from "
    "the region within weeks.",
    "The Syrian Observatory for Human Rights reported that 72 civilians were killed in "
    "Ras al-Ain on October 12.",
]
TEXT = "\n\n".join(PARAGRAPHS * 3)


def _offset_pairs(record_type: type) -> set[str]:
    return {
        f.name
        for f in dataclasses.fields(record_type)
        if f.name in ("start", "end") or f.name.endswith(("_start", "_end"))
    }


def test_every_offset_field_of_every_record_is_declared() -> None:
    for component in COMPONENTS:
        assert set(component.offsets) == _offset_pairs(component.record), component.name


def test_every_component_has_a_place_in_an_articles_understanding() -> None:
    held = {f.name for f in dataclasses.fields(ArticleUnderstanding)}
    for component in COMPONENTS:
        assert component.name in held
        assert component.title_into is None or component.title_into in held
    assert len({c.record_type for c in COMPONENTS}) == len(COMPONENTS)


def test_components_run_after_what_they_read() -> None:
    order = [c.name for c in PIECE_ORDER]
    for component in PIECE_ORDER:
        for required in component.requires:
            assert order.index(required) < order.index(component.name)
    assert "times" not in order  # read on the whole text once its date is known


def test_a_requirement_nobody_meets_or_a_cycle_is_refused() -> None:
    def find(piece):
        return []

    lonely = Component("labels", "label", object, ("start", "end"), ("actors",), find)
    with pytest.raises(ValueError, match="requires 'actors'"):
        run_order((lonely,))
    a = Component("a", "a", object, (), ("b",), find)
    b = Component("b", "b", object, (), ("a",), find)
    with pytest.raises(ValueError, match="require each other"):
        run_order((a, b))


def test_a_long_article_read_in_pieces_keeps_every_offset_on_its_words(monkeypatch) -> None:
    monkeypatch.setattr(article, "MAX_CHUNK_CHARS", 400)
    source = ArticleInput("long", TEXT, date(2019, 10, 15), "ANKARA", title="Erdogan defiant")
    (result,) = understand_batch([source])
    assert result.failure is None
    last_piece = TEXT.rindex("\n\n", 0, len(TEXT) - 400)
    for component in COMPONENTS:
        records = getattr(result, component.name)
        assert records, f"no {component.name} found"
        for record in records:
            assert TEXT[record.start : record.end] == record.text, (component.name, record)
            for name in component.offsets:
                value = getattr(record, name)
                assert value is None or 0 <= value <= len(TEXT), (component.name, name)
        if component.find is not None:  # pieces past the first have their offsets moved
            assert any(r.start > last_piece for r in records), component.name
    # the headline's records point into the headline
    for mention in result.title_actors:
        assert source.title[mention.start : mention.end] == mention.text
    assert BY_NAME["actors"].title_into == "title_actors"
