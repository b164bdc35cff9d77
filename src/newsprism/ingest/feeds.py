"""RSS and Atom feeds (feedparser): one article per entry."""

from __future__ import annotations

import time
from collections.abc import Iterator

import feedparser

from newsprism.ingest.html import html_fragment_to_text
from newsprism.model import Document, IngestError


def looks_like_feed(head: str) -> bool:
    head = head[:2048].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head or "<channel" in head


def read_feed(name: str, data: bytes) -> Iterator[Document | IngestError]:
    parsed = feedparser.parse(data)
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
    fmt = "atom" if parsed.version.startswith("atom") else "rss"
    for index, entry in enumerate(entries, start=1):
        html = ""
        if entry.get("content"):
            html = max((c.get("value", "") for c in entry.content), key=len)
        if len(entry.get("summary", "")) > len(html):
            html = entry.summary
        text = html_fragment_to_text(html)
        if not text.strip():
            yield IngestError(f"{name}#{index}", "feed entry has no text (no content or summary)")
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp)
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
