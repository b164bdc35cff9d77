"""HTML pages and HTML fragments to text. trafilatura finds the main text and the metadata."""

from __future__ import annotations

import re
from html import unescape

import lxml.html
import trafilatura
from lxml.etree import ParserError

from newsprism.articles import Document, raise_if_machine_failure

_BLOCK_TAGS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section",
    "article", "pre", "ul", "ol", "table", "figure", "figcaption", "header", "footer",
}  # fmt: skip
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg")

# htmldate refuses dates after today by default; an archive of future-dated or test pages is
# still worth dating from its metadata.
_DATE_PARAMS = {"original_date": True, "extensive_search": False, "max_date": "2100-12-31"}


class NoText(ValueError):
    pass


def read_html_page(source: str, html: str) -> Document:
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:
        raise_if_machine_failure(exc)
        # trafilatura and htmldate raise assorted internal errors on broken markup (an
        # AssertionError from lxml's drop_tree for `<svg><p><pre>`): one bad page must fall
        # back to its visible text or become an error record, never abort the whole run.
        doc = None
    text = doc.text if doc is not None else None
    if not text or not text.strip():
        # trafilatura gives up on pages it cannot score (broken or unusual markup): fall back
        # to the visible text of the whole page rather than lose the article.
        text = html_fragment_to_text(html)
    if not text.strip():
        raise NoText("no text found in the HTML page")
    return Document(
        source=source,
        text=text,
        # getattr on None gives the default: metadata is simply absent when extraction failed
        title=getattr(doc, "title", None) or None,
        url=getattr(doc, "url", None) or None,
        published=getattr(doc, "date", None) or None,
        outlet=getattr(doc, "sitename", None) or None,
        fmt="html",
    )


def html_fragment_to_text(html: str) -> str:
    """Visible text of an HTML fragment (a feed entry's content), one line per block element."""
    if "<" not in html:
        # Still HTML: "Fish &amp; chips" is "Fish & chips" in the article.
        return unescape(html)
    # lxml refuses a str that carries an encoding declaration (it was decoded already).
    html = _XML_DECLARATION.sub("", html)
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return unescape(re.sub(r"<[^>]*>", " ", html))
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
