"""Ingest in two stages.

1. `read_sources` (in the main process, cheap, streaming): walk files, unpack archives, parse
   record files and feeds into documents, and cut them into batches.
2. `process_batch` (in worker processes, the costly part): extract HTML main text, clean,
   identify the language and fingerprint each document.

Batches rather than files are the unit of parallel work, so one 100,000-line JSONL file uses
every core as well as 100,000 small files do. Nothing here touches the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.articles import Article, Document, IngestError, raise_if_machine_failure
from newsprism.ingest.clean import clean_text
from newsprism.ingest.dedupe import content_id, signature
from newsprism.ingest.language import detect_language
from newsprism.ingest.outlets import OutletManifest
from newsprism.ingest.provenance import (
    date_in_name,
    date_in_url,
    domain_in_path,
    domain_of,
    parse_published,
)
from newsprism.ingest.readers import (
    SINGLE_DOCUMENT,
    extract_page,
    read_blob,
    size_error,
    suffix_of,
)
from newsprism.ingest.record_files import FieldMap
from newsprism.ingest.sources import Blob, Limits, expand, is_archive

BATCH_DOCUMENTS = 32
MAX_OUTLET_CHARS = 200


@dataclass(frozen=True)
class IngestOptions:
    limits: Limits = field(default_factory=Limits)
    fields: FieldMap = field(default_factory=FieldMap)
    default_outlet: str | None = None  # --outlet: used where nothing in the source names one
    outlets: OutletManifest | None = None  # --outlets: the user's word, over anything found
    min_words: int = 5


FileStamp = tuple[str, int, int]  # (source path, size, mtime in ns)


@dataclass
class Batch:
    """Documents for one worker call, with the read errors met on the way, the input files whose
    last document is in this batch, and the unchanged files skipped since the previous batch."""

    documents: list[Document] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    completed: list[FileStamp] = field(default_factory=list)
    skipped: int = 0


@dataclass
class BatchResult:
    articles: list[Article] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    documents: int = 0
    completed: list[FileStamp] = field(default_factory=list)
    skipped: int = 0

    @property
    def files_done(self) -> int:
        return len(self.completed) + self.skipped


def read_file(path: Path, display: str, options: IngestOptions) -> Iterator[Document | IngestError]:
    limits = options.limits
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield IngestError(display, f"cannot read: {exc.strerror or exc}")
        return
    # Refused before reading: a 2 GB log file named .txt must not be loaded to learn that.
    single = suffix_of(display) in SINGLE_DOCUMENT and not is_archive(display)
    too_large = size_error(display, size, single, limits)
    if too_large:
        yield too_large
        return
    try:
        data = path.read_bytes()
        for item in expand(Blob(display, data), limits):
            if isinstance(item, IngestError):
                yield item
            else:
                yield from read_blob(item, limits, options.fields)
    except OSError as exc:
        raise_if_machine_failure(exc)
        yield IngestError(display, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a reader bug on one file must not end the run
        raise_if_machine_failure(exc)
        yield IngestError(display, f"reader failed on this file: {exc!r}; the rest is kept")


def file_stamp(path: Path, display: str) -> FileStamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (display, stat.st_size, stat.st_mtime_ns)


def read_sources(
    files: list[tuple[Path, str]],
    options: IngestOptions,
    done: dict[str, tuple[int, int]] | None = None,
    batch_size: int | None = None,
) -> Iterator[Batch]:
    """Batches of documents from `files`. A file whose size and modification time match its
    entry in `done` (files completed by an earlier run) is skipped without being read."""
    batch_size = batch_size or BATCH_DOCUMENTS
    done = done or {}
    batch = Batch()
    for path, display in files:
        stamp = file_stamp(path, display)
        if stamp is not None and done.get(display) == stamp[1:]:
            batch.skipped += 1
            continue
        retry = False
        for item in read_file(path, display, options):
            if isinstance(item, IngestError):
                batch.errors.append(item)
                retry = retry or item.retry
            else:
                batch.documents.append(item)
                if len(batch.documents) >= batch_size:
                    yield batch
                    batch = Batch()
        if stamp is not None and not retry:
            batch.completed.append(stamp)
    if batch.documents or batch.errors or batch.completed or batch.skipped:
        yield batch


def process_batch(batch: Batch, options: IngestOptions) -> BatchResult:
    result = BatchResult(
        errors=list(batch.errors), completed=batch.completed, skipped=batch.skipped
    )
    for doc in batch.documents:
        try:
            article = document_to_article(doc, options)
        except Exception as exc:  # one bad document must not stop the batch
            raise_if_machine_failure(exc)
            article = IngestError(doc.source, f"cannot clean this document: {exc!r}", doc.line)
        if isinstance(article, IngestError):
            result.errors.append(article)
        else:
            result.documents += 1
            result.articles.append(article)
    return result


def document_to_article(doc: Document, options: IngestOptions) -> Article | IngestError:
    page = extract_page(doc)
    if isinstance(page, IngestError):
        return page
    doc = page
    raw = doc.text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = clean_text(raw, doc.title)
    words = len(cleaned.text.split())
    if words < options.min_words:
        return IngestError(
            doc.source,
            f"only {words} words of article text after cleaning "
            f"({len(cleaned.removed)} lines removed as boilerplate or title)",
            doc.line,
        )
    article = Article(
        id=content_id(cleaned.text),
        source=doc.source,
        text=cleaned.text,
        raw=raw,
        offsets=cleaned.offsets,
        title=cleaned.title,
        title_source=cleaned.title_source,
        url=doc.url,
        dateline_place=cleaned.dateline_place,
        removed=cleaned.removed,
        fmt=doc.fmt,
        word_count=words,
    )
    _set_outlet(article, doc, cleaned.dateline_outlet, options.default_outlet)
    if options.outlets is not None:
        _set_manifest_outlet(article, options.outlets)
    _set_published(article, doc)
    article.language, article.language_score = detect_language(cleaned.text)
    article.minhash = signature(cleaned.text)
    return article


def _set_outlet(article: Article, doc: Document, tag: str | None, default: str | None) -> None:
    article.domain = domain_of(doc.url) or domain_in_path(doc.source)
    candidates = (
        (doc.outlet, "metadata"),
        (domain_of(doc.url), "domain"),
        (domain_in_path(doc.source), "filename"),
        (tag, "dateline"),
        (default, "cli"),
    )
    for name, how in candidates:
        if name and name.strip():
            # A record's "source" field can hold anything; no outlet name is this long.
            article.outlet = " ".join(name.split())[:MAX_OUTLET_CHARS]
            article.outlet_source = how
            return


def _set_manifest_outlet(article: Article, manifest: OutletManifest) -> None:
    entry = manifest.find(article.source, (article.domain, domain_of(article.url)))
    if entry is not None:
        article.outlet, article.outlet_source = entry.outlet, "manifest"
    # An outlet the manifest describes keeps its country whichever way an article named it: the
    # store keeps the first row it is given for an outlet.
    article.outlet_country, article.outlet_notes = manifest.details(article.outlet)


def _set_published(article: Article, doc: Document) -> None:
    parsed = parse_published(doc.published)
    if parsed:
        article.published, article.published_precision = parsed
        article.published_source = "metadata"
        return
    from_url = date_in_url(doc.url)
    if from_url:
        article.published, article.published_precision = from_url
        article.published_source = "url"
        return
    from_name = date_in_name(doc.source)
    if from_name:
        article.published, article.published_precision = from_name, "day"
        article.published_source = "filename"
