"""Choose a reader by file type and turn a blob of bytes into documents or error records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from newsprism.articles import Document, IngestError
from newsprism.ingest.decode import NotText, decode_bytes
from newsprism.ingest.feeds import looks_like_feed, read_feed
from newsprism.ingest.html import NoText, read_html_page
from newsprism.ingest.record_files import FieldMap, read_csv, read_json, read_jsonl
from newsprism.ingest.sources import Blob, Limits

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"}
FEED_SUFFIXES = {".rss", ".atom", ".rdf", ".xml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".tsv"}
SINGLE_DOCUMENT = TEXT_SUFFIXES | HTML_SUFFIXES
PAGE_FORMAT = "html-page"  # a whole HTML page whose main text is not extracted yet


def suffix_of(name: str) -> str:
    return PurePosixPath(name.split("!/")[-1]).suffix.lower()


def sniff(name: str, head: str) -> str:
    """The reader for a blob: by suffix, then by content for the ambiguous ones."""
    suffix = suffix_of(name)
    start = head.lstrip()[:2048].lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in {".csv", ".tsv"}:
        return "csv"
    if suffix in FEED_SUFFIXES and (suffix != ".xml" or looks_like_feed(start)):
        return "feed"
    if suffix in TEXT_SUFFIXES - {""}:
        return "text"  # a .txt article that quotes "<body>" is still plain text
    if suffix in HTML_SUFFIXES or _looks_like_html(start):
        return "html"
    if start.startswith("<?xml") or suffix == ".xml":
        return "feed" if looks_like_feed(start) else "other-xml"
    return "text"


def _looks_like_html(start: str) -> bool:
    return start.startswith("<!doctype html") or "<html" in start or "<body" in start


def size_error(name: str, size: int, single: bool, limits: Limits) -> IngestError | None:
    """The error for a source over its size limit (one article, or one record file), else None."""
    limit = limits.max_document_bytes if single else limits.max_file_bytes
    if size <= limit:
        return None
    # MiB, as --max-document-mb counts them: "--max-document-mb 5" reads "limit 5 MB".
    mib = 1024 * 1024
    what = "one article" if single else "one file"
    hint = "split it, or raise the limit with --max-document-mb" if single else "split it"
    return IngestError(
        name,
        f"{size / mib:.1f} MB is too large for {what} (limit {round(limit / mib, 2):g} MB); {hint}",
    )


def read_blob(blob: Blob, limits: Limits, fields: FieldMap) -> Iterator[Document | IngestError]:
    name, data = blob.name, blob.data
    if not data or data.isspace():  # not data.strip(): that copies a 50 MB file to test it
        yield IngestError(name, "empty file")
        return
    kind = sniff(name, data[:4096].decode("latin-1"))
    too_large = size_error(name, len(data), kind in {"text", "html"}, limits)
    if too_large:
        yield too_large
        return
    if kind == "other-xml":
        yield IngestError(
            name,
            "XML that is neither an RSS/Atom feed nor an XHTML page: not an article format "
            "newsprism reads (convert it to JSONL with text, title, url and published fields)",
        )
        return
    if kind == "feed":
        # feedparser reads the XML encoding declaration itself.
        yield from read_feed(name, data)
        return
    try:
        text, _encoding = decode_bytes(data)
    except NotText as exc:
        yield IngestError(name, str(exc))
        return
    if not text or text.isspace():
        # a byte-order mark alone, or whitespace in UTF-16: empty once decoded, and a record
        # reader would read it into nothing at all
        yield IngestError(name, "empty file")
        return
    if kind == "jsonl":
        yield from read_jsonl(name, text, fields)
    elif kind == "json":
        yield from read_json(name, text, fields)
    elif kind == "csv":
        yield from read_csv(name, text, fields)
    elif kind == "html":
        # Main-text extraction is the costly part of a page: it runs later, in the workers
        # (see extract_page), not here in the process that walks the inputs.
        yield Document(source=name, text=text, fmt=PAGE_FORMAT)
    else:
        yield Document(source=name, text=text, fmt="text")


def extract_page(doc: Document) -> Document | IngestError:
    """The article inside an HTML page (a Document of format PAGE_FORMAT)."""
    if doc.fmt != PAGE_FORMAT:
        return doc
    try:
        return read_html_page(doc.source, doc.text)
    except (NoText, ValueError) as exc:
        return IngestError(doc.source, f"unreadable HTML: {exc}")
