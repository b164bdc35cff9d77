"""The components of understanding, each declared once: the record it makes, the span record
type it is stored and exported as, the fields that hold character offsets into the text, what
it reads of the other components, and whether it reads the headline too.

Everything downstream reads this list rather than naming the components again: the article
pass runs them in the order their requirements give (understand/article.py) and moves their
offsets when a long text is read in pieces; linking stores each one's records
(link/span_rows.py); the exports name their fields and list columns (show/export_records.py,
show/export.py). A new record type is one `Component` here and the field of
`ArticleUnderstanding` that holds its records. The idea is spaCy's
`@Language.component(requires=...)`; these are not spaCy components because they read several
pieces of one article, a headline and a gazetteer, and keep plain dataclasses rather than
`Doc` extensions, which a worker would have to send back whole.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from graphlib import CycleError, TopologicalSorter
from typing import Any

from spacy.tokens import Doc

from newsprism.articles import Overlapping
from newsprism.understand.actions import Action, find_actions
from newsprism.understand.actors import ActorMention, find_actors
from newsprism.understand.gazetteer import Gazetteer
from newsprism.understand.labels import Label, find_labels
from newsprism.understand.places import PlaceMention, find_places
from newsprism.understand.quantities import Quantity, find_quantities
from newsprism.understand.quotes import Attribution, find_attributions
from newsprism.understand.techniques import (
    Technique,
    TechniqueModelError,
    TechniqueTagger,
    load_tagger,
)
from newsprism.understand.timex import TimeRef

TECHNIQUES_ENV = "NEWSPRISM_TECHNIQUES"  # "0": skip the technique tagger (~ 1/3 of a spaCy pass)
SPAN = ("start", "end")  # the offsets every record has


@dataclass
class Piece:
    """One parsed piece of an article (its text, a part of a long text, or its headline) and
    what the components that ran before found in it, by component name."""

    doc: Doc
    text: str
    field: str  # "text" or "title": what the offsets of its records point into
    dateline: str | None
    found: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Component:
    name: str  # the `ArticleUnderstanding` field that holds its records
    record_type: str  # the span record type they are stored and exported as
    record: type  # the dataclass of its records
    offsets: tuple[str, ...]  # the fields that hold character offsets into the text
    requires: tuple[str, ...] = ()  # the components whose records it reads
    # read on the text's pieces (None: on the whole text, after them, in article.py)
    find: Callable[[Piece], list[Any]] | None = None
    # where its headline records go (None: the headline is not read by it)
    title_into: str | None = None
    # fields of the article's understanding each of its stored records carries
    article_fields: tuple[str, ...] = ()


_gazetteer: tuple[int, Gazetteer] | None = None


def process_gazetteer() -> Gazetteer:
    """The default gazetteer, opened once per process (a sqlite connection must not cross a
    fork)."""
    global _gazetteer
    if _gazetteer is None or _gazetteer[0] != os.getpid():
        _gazetteer = (os.getpid(), Gazetteer.open_default())
    return _gazetteer[1]


@lru_cache(maxsize=1)
def process_tagger() -> TechniqueTagger | None:
    """The persuasion-technique tagger, loaded once per process (a copy inherited across a
    fork opens its own onnxruntime session on first use); None (with one warning)
    where its model is missing or $NEWSPRISM_TECHNIQUES is 0, and the rest of the stage goes
    on."""
    if os.environ.get(TECHNIQUES_ENV, "1") == "0":
        return None
    try:
        return load_tagger()
    except (TechniqueModelError, ModuleNotFoundError, OSError) as error:
        warnings.warn(f"persuasion techniques are not tagged: {error}", stacklevel=2)
        return None


def _places(piece: Piece) -> list[PlaceMention]:
    return find_places(piece.doc, process_gazetteer(), dateline=piece.dateline)


def _actors(piece: Piece) -> list[ActorMention]:
    """Actors; and the places they settle. A name the gazetteer does not know is no evidence
    of a place ("Erodogan" tagged GPE): only places found under their own name keep actors
    from a span, and any other that an actor claims is dropped from the piece's places."""
    places = piece.found.get("places")
    if places is None:  # a headline: no places are looked for there
        return find_actors(piece.doc)
    named = [(p.start, p.end) for p in places if p.resolution == "gazetteer"]
    actors = find_actors(piece.doc, place_spans=named)
    claimed = Overlapping(actors)
    piece.found["places"] = [
        p for p in places if p.resolution == "gazetteer" or not claimed.overlapping(p.start, p.end)
    ]
    return actors


def _labels(piece: Piece) -> list[Label]:
    labels = find_labels(piece.doc, piece.found["actors"])
    if piece.field == "title":
        return [dataclasses.replace(label, field="title") for label in labels]
    return labels


def _techniques(piece: Piece) -> list[Technique]:
    tagger = process_tagger()
    return [] if tagger is None else tagger.tag(piece.text, piece.doc, field=piece.field)


def _on_doc(finder: Callable[[Doc], list[Any]]) -> Callable[[Piece], list[Any]]:
    return lambda piece: finder(piece.doc)


# In the order their records are stored and exported; they run in the order `requires` gives.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "actors", "mention", ActorMention, SPAN + ("name_start", "name_end"),
        requires=("places",), find=_actors, title_into="title_actors",
    ),
    Component("places", "place", PlaceMention, SPAN, find=_places),
    # times are read on the whole text once its publication date is known or inferred
    Component("times", "timeref", TimeRef, SPAN, article_fields=("anchor_source",)),
    Component("quantities", "quantity", Quantity,
              SPAN + ("predicate_start", "predicate_end"),
              find=_on_doc(find_quantities)),
    Component("labels", "label", Label, SPAN + ("actor_start", "actor_end"),
              requires=("actors",), find=_labels, title_into="labels"),
    Component("techniques", "technique", Technique, SPAN, find=_techniques,
              title_into="techniques"),
    Component("actions", "action", Action,
              SPAN + ("subject_start", "subject_end", "object_start", "object_end"),
              find=_on_doc(find_actions)),
    Component("attributions", "attribution", Attribution,
              SPAN + ("speaker_start", "speaker_end"), find=_on_doc(find_attributions)),
)  # fmt: skip
BY_NAME = {c.name: c for c in COMPONENTS}


def run_order(components: tuple[Component, ...] = COMPONENTS) -> tuple[Component, ...]:
    """The components that read pieces, each after those it requires; a requirement no
    component meets, or a cycle, is a ValueError."""
    by_name = {c.name: c for c in components}
    for component in components:
        for name in component.requires:
            if name not in by_name:
                raise ValueError(f"{component.name} requires {name!r}, which no component makes")
    sorter = TopologicalSorter({c.name: c.requires for c in components})
    try:
        names = list(sorter.static_order())
    except CycleError as error:
        cycle = ", ".join(dict.fromkeys(error.args[1]))
        raise ValueError(f"components require each other: {cycle}") from error
    return tuple(by_name[n] for n in names if by_name[n].find is not None)


PIECE_ORDER = run_order()


def shifted(component: Component, records: list[Any], offset: int) -> list[Any]:
    """Records of a piece that starts `offset` characters into the text, with their offsets
    into the whole text."""
    if not offset:
        return records
    moved = []
    for record in records:
        changes = {
            name: getattr(record, name) + offset
            for name in component.offsets
            if getattr(record, name, None) is not None
        }
        moved.append(dataclasses.replace(record, **changes))
    return moved


__all__ = [
    "BY_NAME", "COMPONENTS", "PIECE_ORDER", "Component", "Piece",
    "process_gazetteer", "process_tagger", "run_order", "shifted",
]  # fmt: skip
