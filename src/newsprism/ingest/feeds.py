"""RSS and Atom feeds (feedparser): one article per entry."""

from __future__ import annotations

import re
from collections.abc import Iterator

import feedparser

from newsprism.articles import Document, IngestError, raise_if_machine_failure
from newsprism.ingest.html import html_fragment_to_text

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:rdf|channel)[\s>/]")


def looks_like_feed(head: str) -> bool:
    # Whole element names: "<feedid>" in an XML data set is not an Atom "<feed>".
    return _FEED_ROOT.search(head[:2048].lower()) is not None


def read_feed(name: str, data: bytes) -> Iterator[Document | IngestError]:
    try:
        parsed = feedparser.parse(data)
    except Exception as exc:
        raise_if_machine_failure(exc)
        # feedparser's loose parser has its own bugs on mangled markup (a KeyError for
        # `<feed ...><item><link></item></link>`): a broken feed is an error record, not a crash.
        yield IngestError(name, f"broken feed, no entry could be read: {exc!r}")
        return
    entries = parsed.entries
    if parsed.bozo and not entries:
        reason = getattr(parsed, "bozo_exception", "not a feed")
        yield IngestError(name, f"broken feed, no entry could be read: {reason}")
        return
    if not entries:
        yield IngestError(name, "feed has no entries")
        return
    if parsed.bozo:
        yield IngestError(
            name,
            f"malformed feed, {len(entries)} entries recovered: {parsed.bozo_exception}",
        )
    outlet = parsed.feed.get("title") or None
    fmt = "atom" if (parsed.get("version") or "").startswith("atom") else "rss"
    for index, entry in enumerate(entries, start=1):
        text = _entry_text(entry)
        if not text.strip():
            yield IngestError(f"{name}#{index}", "feed entry has no text (no content or summary)")
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (
            # not strftime: its %Y writes year 1 as "1", which later reads as 2001
            "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*stamp[:6])
            if stamp
            else entry.get("published") or entry.get("updated")
        )
        yield Document(
            source=f"{name}#{index}",
            text=text,
            title=entry.get("title") or None,
            url=entry.get("link") or None,
            published=published,
            outlet=outlet,
            fmt=fmt,
        )


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    """The longest of an entry's content and summary, as text. feedparser gives HTML for
    text/html and already-unescaped text for text/plain (Atom type="text"), which must not be
    parsed as markup. On malformed feeds a value can be None rather than missing."""
    candidates = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    summary_type = (entry.get("summary_detail") or {}).get("type") or ""
    candidates.append((entry.get("summary") or "", summary_type))
    # max() keeps the first of equally long values: content wins a tie with the summary.
    value, kind = max(candidates, key=lambda c: len(c[0]))
    return value if kind == "text/plain" else html_fragment_to_text(value)
