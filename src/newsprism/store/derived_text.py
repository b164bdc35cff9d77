"""Text a row leaves to its article: a claim's sentence and a quote's words are the article's
text at the row's offsets, so the row keeps an empty text and reading cuts it from the article
(issue 21, store size: 2.5 KB an article of claims, 1.1 KB of quotes).

Only rows read a few at a time take their text from the article: cutting it means reading the
whole article text in the database, once per row. Span types that pages and stages read by
the thousand (mentions and labels by actor, techniques by outlet, time expressions for the
whole corpus) keep their own. A row whose text is not its article's at its offsets (a title's
record, whose offsets are into the title) keeps it too, as does every row written before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func

FROM_ARTICLE = ""  # what a row's text column holds when its text is its article's
# The span record types whose text is left to the article (see the module's docstring).
SPAN_TYPES = frozenset({"attribution"})


def kept_text(text: str, start: int, end: int, article_text: str | None) -> str:
    """What a row stores as its text."""
    if article_text is not None and text and article_text[start:end] == text:
        return FROM_ARTICLE
    return text


def read_text(text: Any, start: Any, end: Any, article_text: Any) -> Any:
    """The SQL expression of a row's text: its own, else the article's at its offsets (SQLite
    and PostgreSQL count substr's positions in characters, as Python's offsets are)."""
    return case(
        (text == FROM_ARTICLE, func.substr(article_text, start + 1, end - start)),
        else_=text,
    )
