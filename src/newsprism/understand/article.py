"""Understanding one article: the spaCy pass, then places, actors, labels, times, quantities,
quotes, actions and persuasion techniques.

This is the per-article hot path and runs in worker processes: each process loads the model and
opens the gazetteer once, then reads batches of articles with `nlp.pipe`.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from newsprism.articles import Overlapping, raise_if_machine_failure
from newsprism.understand.actions import Action, find_actions
from newsprism.understand.actors import ActorMention, find_actors
from newsprism.understand.gazetteer import Gazetteer
from newsprism.understand.labels import Label, find_labels
from newsprism.understand.nlp import load_nlp
from newsprism.understand.places import PlaceMention, find_places
from newsprism.understand.published import PublishedEstimate, infer_published
from newsprism.understand.quantities import Quantity, find_quantities
from newsprism.understand.quotes import Attribution, find_attributions
from newsprism.understand.techniques import (
    Technique,
    TechniqueModelError,
    TechniqueTagger,
    load_tagger,
)
from newsprism.understand.timex import TimeRef, find_times

# Bump when a component changes what it finds: stored articles are then read again.
UNDERSTAND_VERSION = "18"
# spaCy's parser needs about 1 GB per 100,000 words; longer texts are read in pieces cut at
# paragraph breaks, and the spans shifted back.
MAX_CHUNK_CHARS = 100_000
PIPE_BATCH = 16  # pieces per nlp.pipe batch, for short articles (see pipe_batch_size)
_TITLE = -1
TECHNIQUES_ENV = "NEWSPRISM_TECHNIQUES"  # "0": skip the technique tagger (~ 1/3 of a spaCy pass)
# Every field that holds a character offset into the text, in any component's record.
_OFFSET_FIELDS = (
    "start", "end", "name_start", "name_end", "speaker_start", "speaker_end",
    "predicate_start", "predicate_end", "actor_start", "actor_end", "subject_start",
    "subject_end", "object_start", "object_end",
)  # fmt: skip


@dataclass(frozen=True)
class ArticleInput:
    id: str
    text: str
    published: date | None  # the anchor for relative dates when known
    dateline: str | None
    title: str | None = None  # headlines carry the strongest labels ("Fleeing American Occupiers")


@dataclass
class ArticleUnderstanding:
    article_id: str
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    # actors of the title, offsets into the title: linked with the text's, stored only as the
    # actors its labels name
    title_actors: list[ActorMention] = field(default_factory=list)
    times: list[TimeRef] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    anchor: date | None = None
    anchor_source: str | None = None  # "published" or "inferred"
    estimate: PublishedEstimate | None = None  # only for articles without a publication date
    failure: str | None = None  # why this article could not be understood; then nothing else


def failed(article_id: str, error: BaseException) -> ArticleUnderstanding:
    """The result of an article whose understanding raised: no records, the reason kept."""
    return ArticleUnderstanding(article_id, failure=f"{type(error).__name__}: {error}")


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


def understand_batch(
    batch: list[ArticleInput], model: str | None = None
) -> list[ArticleUnderstanding]:
    """Understand a batch together (one `nlp.pipe`); when that raises, each article alone, so
    that one article that breaks a component fails by itself and the others are understood."""
    try:
        return _understand_together(batch, model)
    except Exception as error:  # an isolation boundary: any bug in any component lands here
        raise_if_machine_failure(error)
        if len(batch) == 1:
            return [failed(batch[0].id, error)]
    return [_understand_alone(article, model) for article in batch]


def _understand_alone(article: ArticleInput, model: str | None) -> ArticleUnderstanding:
    try:
        return _understand_together([article], model)[0]
    except Exception as error:
        raise_if_machine_failure(error)
        return failed(article.id, error)


def _understand_together(
    batch: list[ArticleInput], model: str | None
) -> list[ArticleUnderstanding]:
    nlp = load_nlp(model)
    gazetteer = process_gazetteer()
    pieces = [
        (i, start, chunk) for i, a in enumerate(batch) for start, chunk in text_chunks(a.text)
    ]
    # a title is read as a piece of its own, marked by offset -1
    pieces += [(i, _TITLE, a.title) for i, a in enumerate(batch) if a.title and a.title.strip()]
    results = [ArticleUnderstanding(a.id) for a in batch]
    tagger = process_tagger()
    docs = nlp.pipe((chunk for _, _, chunk in pieces), batch_size=pipe_batch_size(pieces))
    for (i, offset, chunk), doc in zip(pieces, docs, strict=True):
        result = results[i]
        if tagger is not None:
            found = tagger.tag(chunk, doc, field="title" if offset == _TITLE else "text")
            result.techniques += found if offset == _TITLE else _shifted(found, offset)
        if offset == _TITLE:
            title_actors = find_actors(doc)
            result.title_actors = title_actors
            result.labels += [
                dataclasses.replace(label, field="title")
                for label in find_labels(doc, title_actors)
            ]
            continue
        places = find_places(doc, gazetteer, dateline=batch[i].dateline)
        # A name the gazetteer does not know is no evidence of a place ("Erodogan" tagged GPE):
        # only places found under their own name keep actors from a span, and any other that
        # an actor claims is dropped.
        named = [(p.start, p.end) for p in places if p.resolution == "gazetteer"]
        actors = find_actors(doc, place_spans=named)
        claimed = Overlapping(actors)
        places = [p for p in places
                  if p.resolution == "gazetteer" or not claimed.overlapping(p.start, p.end)]
        result.places += _shifted(places, offset)
        result.actors += _shifted(actors, offset)
        result.labels += _shifted(find_labels(doc, actors), offset)
        result.quantities += _shifted(find_quantities(doc), offset)
        result.attributions += _shifted(find_attributions(doc), offset)
        result.actions += _shifted(find_actions(doc), offset)
    for article, result in zip(batch, results, strict=True):
        resolve_times(result, article.text, article.published)
    return results


def pipe_batch_size(pieces: list[tuple[int, int, str]]) -> int:
    """How many pieces spaCy parses at once: 16 short articles, but together no more text
    than one chunk. Sixteen 100,000-character chunks of one long article parsed as one batch
    took 2.8 GB at 800 KB (1.1 GB one at a time, and no slower)."""
    longest = max((len(chunk) for _, _, chunk in pieces), default=0)
    return max(1, min(PIPE_BATCH, MAX_CHUNK_CHARS // max(1, longest)))


def resolve_times(
    result: ArticleUnderstanding, text: str, published: date | None, source: str = "published"
) -> None:
    """Times anchored to the publication date; without one, infer it from the text first."""
    if published is not None:
        result.anchor, result.anchor_source = published, source
        result.times = find_times(text, published)
        return
    unanchored = find_times(text, None)
    result.estimate = infer_published(text, unanchored)
    if result.estimate.best is not None:
        result.anchor, result.anchor_source = result.estimate.best, "inferred"
        result.times = find_times(text, result.estimate.best)
    else:
        result.times = unanchored


def text_chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= MAX_CHUNK_CHARS:
        return [(0, text)]
    chunks = []
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + MAX_CHUNK_CHARS // 2, end)
            end = cut + 1 if cut > 0 else end
        chunks.append((start, text[start:end]))
        start = end
    return chunks


def _shifted(items: list[Any], offset: int) -> list[Any]:
    if not offset:
        return items
    shifted = []
    for item in items:
        changes = {
            name: getattr(item, name) + offset
            for name in _OFFSET_FIELDS
            if getattr(item, name, None) is not None
        }
        shifted.append(dataclasses.replace(item, **changes))
    return shifted
