"""Reading an article for its timeline: newsprism's understanding of it and its spaCy parse,
read line by line."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from newsprism.understand.actions import find_actions
from newsprism.understand.actors import find_actors
from newsprism.understand.article import ArticleInput, ArticleUnderstanding, resolve_times
from newsprism.understand.nlp import load_nlp


@dataclass(frozen=True)
class ReadArticle:
    """An article understood by newsprism, with the spaCy parse the events are read from."""

    article: ArticleInput
    understanding: ArticleUnderstanding
    doc: Doc


def read_article(
    article: ArticleInput,
    understanding: ArticleUnderstanding | None = None,
    model: str | None = None,
) -> ReadArticle:
    """Parse an article and keep newsprism's understanding of it. Without a stored
    understanding, the parts a timeline reads are made from this parse: actors, actions and
    times anchored to the publication date (places, labels and the rest are not needed, and
    the gazetteer they take is not opened)."""
    doc = parse_lines(article.text, model)
    if understanding is None:
        understanding = ArticleUnderstanding(
            article.id, actors=find_actors(doc), actions=find_actions(doc)
        )
        resolve_times(understanding, article.text, article.published)
    return ReadArticle(article, understanding, doc)


def parse_lines(text: str, model: str | None = None) -> Doc:
    """The spaCy parse of a text read line by line: in news a line break ends a sentence (a
    title, a dateline, a paragraph), and the parser, given the whole text, runs a dateline
    into the sentence after it ("June 8, 2010 Yesterday, Jobs unveiled...")."""
    nlp = load_nlp(model)
    lines = text.splitlines(keepends=True) or [text]
    return Doc.from_docs(list(nlp.pipe(lines)), ensure_whitespace=False)
