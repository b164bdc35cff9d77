"""Understanding one article: the spaCy pass, then the components of understanding/components.py
on each piece of it (places, actors, labels, quantities, quotes, actions and persuasion
techniques, each after those it reads), then its times on the whole text.

This is the per-article hot path and runs in worker processes: each process loads the model and
opens the gazetteer once, then reads batches of articles with `nlp.pipe`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from newsprism.articles import raise_if_machine_failure
from newsprism.understand.actions import Action
from newsprism.understand.actors import ActorMention
from newsprism.understand.components import (
    BY_NAME,
    PIECE_ORDER,
    Piece,
    shifted,
)
from newsprism.understand.labels import Label
from newsprism.understand.nlp import load_nlp
from newsprism.understand.places import PlaceMention
from newsprism.understand.published import PublishedEstimate, infer_published
from newsprism.understand.quantities import Quantity
from newsprism.understand.quotes import Attribution
from newsprism.understand.techniques import Technique
from newsprism.understand.timex import TimeRef, find_times

# Bump when a component changes what it finds: stored articles are then read again.
UNDERSTAND_VERSION = "24"
# spaCy's parser needs about 1 GB per 100,000 words; longer texts are read in pieces cut at
# paragraph breaks, and the spans shifted back.
MAX_CHUNK_CHARS = 100_000
PIPE_BATCH = 16  # pieces per nlp.pipe batch, for short articles (see pipe_batch_size)
_TITLE = -1


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
    pieces = [
        (i, start, chunk) for i, a in enumerate(batch) for start, chunk in text_chunks(a.text)
    ]
    # a title is read as a piece of its own, marked by offset -1
    pieces += [(i, _TITLE, a.title) for i, a in enumerate(batch) if a.title and a.title.strip()]
    results = [ArticleUnderstanding(a.id) for a in batch]
    docs = nlp.pipe((chunk for _, _, chunk in pieces), batch_size=pipe_batch_size(pieces))
    for (i, offset, chunk), doc in zip(pieces, docs, strict=True):
        title = offset == _TITLE
        piece = Piece(doc, chunk, "title" if title else "text", batch[i].dateline)
        for component in PIECE_ORDER:
            if title and component.title_into is None:
                continue
            assert component.find is not None  # PIECE_ORDER holds only the piece readers
            piece.found[component.name] = component.find(piece)
        for name, found in piece.found.items():
            component = BY_NAME[name]
            if title:
                assert component.title_into is not None
                getattr(results[i], component.title_into).extend(found)
            else:
                getattr(results[i], name).extend(shifted(component, found, offset))
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


__all__ = ["ArticleInput", "ArticleUnderstanding", "understand_batch"]
