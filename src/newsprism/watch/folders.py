"""Folder (and local file) sources: which files are new or changed since the last poll, by
relative path, size and modification time. Only the folder listing is read; a file's bytes are
read by the pipeline, and only when it changed."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Stamp = list[int]  # [size, mtime_ns], as JSON keeps it


@dataclass
class FolderScan:
    current: dict[str, Stamp]  # every file there now: relative path → stamp
    changed: list[Path]  # new or changed since `seen`, as paths to give the pipeline


def scan(root: Path, seen: dict[str, Stamp], exclude: Iterable[Path] = ()) -> FolderScan:
    """The files under `root` (or `root` itself, a file), and those not in `seen` with the same
    stamp. Hidden files and folders are left out as `analyze` leaves them out, and so are the
    paths in `exclude` (the watch's own state, beside a store kept in a watched folder).
    OSError when `root` is gone."""
    excluded = {os.path.realpath(p) for p in exclude}
    current: dict[str, Stamp] = {}
    changed: list[Path] = []
    for path, rel in _files(root):
        if _is_excluded(path, excluded):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue  # removed while listing: the next poll sees it gone
        stamp = [stat.st_size, stat.st_mtime_ns]
        current[rel] = stamp
        if seen.get(rel) != stamp:
            changed.append(path)
    return FolderScan(current, changed)


def _files(root: Path) -> list[tuple[Path, str]]:
    if root.is_file():
        return [(root, root.name)]
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such file or folder")
    found = []
    # sorted rglob, as ingest's walk does: the paths and their order are the ones `analyze`
    # would give this folder's files, so the store's record of read files matches
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file():
            found.append((path, rel.as_posix()))
    return found


def _is_excluded(path: Path, excluded: set[str]) -> bool:
    if not excluded:
        return False
    real = os.path.realpath(path)
    return any(real == e or real.startswith(e + os.sep) for e in excluded)
