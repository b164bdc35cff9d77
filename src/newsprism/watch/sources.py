"""What a watched source is (a feed URL, or a folder or file on disk) and what a watch remembers
of each between polls and restarts: a JSON state file beside the store, written atomically."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STATE_VERSION = 1
FEED_SCHEMES = ("http", "https")


class WatchError(RuntimeError):
    """A watch that cannot start: a source that is neither a feed URL nor an existing path, an
    unreadable state file, a state already in use by another watch."""


@dataclass(frozen=True)
class Source:
    """One thing to poll. `key` names it in the state file: the URL of a feed, the absolute
    path of a folder or file (so `./inbox` and `inbox` are one source)."""

    kind: str  # "feed" or "path"
    given: str  # as the user wrote it: the display name, and the path files are read under
    key: str

    @property
    def is_feed(self) -> bool:
        return self.kind == "feed"


def parse_source(text: str) -> Source:
    """A source as given on the command line: an http(s) URL is a feed, anything else a path
    that must exist now (a typo should stop the watch at once, not be retried for ever)."""
    scheme = urlsplit(text).scheme.lower()
    if scheme in FEED_SCHEMES:
        if not urlsplit(text).hostname:
            raise WatchError(f"{text}: a feed URL needs a host, e.g. https://news.example/rss")
        return Source("feed", text, text)
    if "://" in text:
        raise WatchError(
            f"{text}: only http:// and https:// feeds are fetched; give a local feed file or "
            "folder as a path instead"
        )
    path = Path(text).expanduser()
    if not path.exists():
        raise WatchError(
            f"{text}: no such file or folder (a feed is an http:// or https:// URL)"
        )
    return Source("path", str(path), str(path.resolve()))


def parse_sources(texts: Sequence[str]) -> list[Source]:
    if not texts:
        raise WatchError("nothing to watch: give feed URLs (https://...) or folders")
    sources = {}
    for text in texts:
        source = parse_source(text)
        sources.setdefault(source.key, source)  # the same source given twice is polled once
    return list(sources.values())


@dataclass
class SourceState:
    """What the watch knows of one source. Times are ISO 8601 UTC, readable in the file."""

    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None  # of the last feed body analyzed: a server that ignores
    # conditional requests and sends the same bytes again is not analyzed again
    last_success: str | None = None
    last_error: str | None = None
    failures: int = 0  # in a row; 0 once the source answers again
    next_retry: str | None = None  # a failing source is not polled before this
    files: dict[str, list[int]] = field(default_factory=dict)  # path sources: relative path →
    # [size, mtime_ns] of every file analyzed, so unchanged files are never read again

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceState:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def due(self, now: float) -> bool:
        return self.next_retry is None or parse_time(self.next_retry) <= now + 1e-6


def format_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def default_state_path(db: str | Path) -> Path:
    """Where the state of a watch on `db` lives: a hidden file beside a SQLite store (hidden, so
    that `analyze` over the store's folder never reads it as articles), or one per PostgreSQL
    URL in the current folder."""
    text = str(db)
    if "://" in text:
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        return Path(f".newsprism-watch-{digest}.json")
    path = Path(text).expanduser()
    return path.with_name(f".{path.name}.watch.json")


def bodies_folder(state_path: Path) -> Path:
    """Where fetched feed bodies are kept to be analyzed as feed files: beside the state."""
    name = state_path.name.removesuffix(".json")
    return state_path.with_name(name if name != state_path.name else f"{name}.d")


class WatchState:
    """The state file: {"version": 1, "sources": {key: SourceState}}. Sources no longer
    watched keep their entry, so watching them again later fetches nothing twice."""

    def __init__(self, path: Path, sources: dict[str, SourceState] | None = None) -> None:
        self.path = path
        self.sources = sources or {}

    @classmethod
    def load(cls, path: Path) -> WatchState:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise WatchError(f"cannot read the watch state {path}: {exc}") from exc
        try:
            data = json.loads(text)
            sources = {k: SourceState.from_json(v) for k, v in data["sources"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise WatchError(
                f"the watch state {path} is unreadable ({exc}): move it away to start afresh "
                "(every feed is then fetched once more; nothing is stored twice)"
            ) from exc
        return cls(path, sources)

    def of(self, source: Source) -> SourceState:
        return self.sources.setdefault(source.key, SourceState())

    def save(self) -> None:
        """Write atomically: a watch killed mid-write leaves the previous state whole."""
        data = {
            "version": STATE_VERSION,
            "sources": {k: asdict(v) for k, v in sorted(self.sources.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


@contextlib.contextmanager
def state_lock(state_path: Path) -> Iterator[None]:
    """Held for the whole watch: two watches sharing one state would each fetch what the other
    already has, and overwrite each other's record of it."""
    state_path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{state_path}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WatchError(
                f"another newsprism watch is using {state_path}: stop it first, or give this "
                "one its own --state file"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
