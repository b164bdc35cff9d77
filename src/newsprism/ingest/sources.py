"""Find the files to read: paths, directories (recursive) and archives, with bounded extraction."""

from __future__ import annotations

import gzip
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsprism.articles import IngestError
from newsprism.ingest.own_outputs import own_output_kind

ARCHIVE_SUFFIXES = (".zip", ".gz")


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one hostile or mistaken input from exhausting the machine."""

    max_document_bytes: int = 5 * 1024 * 1024  # a single article (.txt, .html)
    max_file_bytes: int = 512 * 1024 * 1024  # a record file or feed
    max_archive_members: int = 10_000
    max_archive_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: int = 200  # zip bombs compress far beyond what text does (~10x)
    max_archive_depth: int = 2


@dataclass
class Blob:
    """The bytes of one source file, read from disk or out of an archive."""

    name: str  # what the user sees as the source: path, or archive!/member
    data: bytes


@dataclass
class Walk:
    files: list[Path]
    errors: list[IngestError]
    own_outputs: list[tuple[Path, str]]  # newsprism's reports, exports and stores: not read


def walk(paths: list[str | Path]) -> Walk:
    """Expand the user's paths into files, sorted so runs are repeatable, leaving out the files
    newsprism wrote itself."""
    found = Walk([], [], [])
    errors = found.errors
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue  # hidden files and folders (.git, .DS_Store) are not articles
                if p.is_file():
                    _add(found, p)
        elif path.is_file():
            _add(found, path)
        elif path.exists():
            errors.append(IngestError(str(path), "not a regular file or directory"))
        else:
            errors.append(IngestError(str(path), "no such file or directory"))
    return found


def _add(found: Walk, path: Path) -> None:
    kind = own_output_kind(path)
    if kind is None:
        found.files.append(path)
    else:
        found.own_outputs.append((path, kind))


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def expand(blob: Blob, limits: Limits, depth: int = 0) -> Iterator[Blob | IngestError]:
    """Yield the blob itself, or the members of an archive, each bounded in size."""
    lower = blob.name.lower()
    if not is_archive(lower):
        yield blob
        return
    if depth >= limits.max_archive_depth:
        yield IngestError(
            blob.name, f"archive nested deeper than {limits.max_archive_depth} levels"
        )
        return
    if lower.endswith(".gz"):
        yield from _expand_gzip(blob, limits, depth)
    else:
        yield from _expand_zip(blob, limits, depth)


def _bounded_read(stream: io.BufferedIOBase, limit: int) -> bytes | None:
    """Read at most `limit` bytes; None if there is more. Counts what is really decompressed,
    never what an archive header claims."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def _expand_gzip(blob: Blob, limits: Limits, depth: int) -> Iterator[Blob | IngestError]:
    inner = blob.name[: -len(".gz")]
    limit = min(limits.max_file_bytes, max(1, len(blob.data)) * limits.max_compression_ratio)
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(blob.data)) as gz:
            data = _bounded_read(gz, limit)
    except (OSError, EOFError, ValueError, zlib.error) as exc:  # corrupt data: zlib.error
        yield IngestError(blob.name, f"broken gzip file: {exc}")
        return
    if data is None:
        yield IngestError(
            blob.name,
            f"decompresses beyond {limit:,} bytes (ratio > {limits.max_compression_ratio}:1 "
            "or over the size limit): refused as a possible decompression bomb",
        )
        return
    yield from expand(Blob(inner, data), limits, depth + 1)


def _expand_zip(blob: Blob, limits: Limits, depth: int) -> Iterator[Blob | IngestError]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob.data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        # NotImplementedError: a "zip file version" this zipfile cannot read.
        yield IngestError(blob.name, f"broken zip archive: {exc}")
        return
    if len(members) > limits.max_archive_members:
        yield IngestError(
            blob.name,
            f"{len(members):,} members, more than the limit of {limits.max_archive_members:,}",
        )
        return
    total = 0
    for member in sorted(members, key=lambda m: m.filename):
        name = f"{blob.name}!/{member.filename}"
        parts = member.filename.replace("\\", "/").split("/")
        if ".." in parts or member.filename.startswith(("/", "\\")):
            # nothing is written to disk, but a name reaching out of the archive is hostile or
            # broken: say so rather than read it or drop it unseen
            yield IngestError(name, "archive member named outside the archive (../ or /): not read")
            continue
        if any(part.startswith(".") or part == "__MACOSX" for part in parts):
            continue
        budget = min(
            limits.max_file_bytes,
            limits.max_archive_total_bytes - total,
            max(member.compress_size, 1024) * limits.max_compression_ratio,
        )
        try:
            with archive.open(member) as stream:
                data = _bounded_read(stream, budget)
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
            EOFError,
            # corrupt deflate and LZMA streams: zipfile does not wrap these in BadZipFile
            zlib.error,
            lzma.LZMAError,
        ) as exc:
            yield IngestError(name, f"cannot extract from zip: {exc}")
            continue
        if data is None:
            yield IngestError(
                name,
                f"decompresses beyond {budget:,} bytes (ratio > {limits.max_compression_ratio}:1 "
                "or over the size limit): refused as a possible decompression bomb",
            )
            if total + budget >= limits.max_archive_total_bytes:
                return
            continue
        total += len(data)
        yield from expand(Blob(name, data), limits, depth + 1)
