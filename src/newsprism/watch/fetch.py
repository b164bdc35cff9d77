"""Fetch a feed with a conditional GET: what the server last said (ETag, Last-Modified) goes
back as If-None-Match / If-Modified-Since, so an unchanged feed costs one 304 and no body.
Bounded in size and time; redirects are followed only to http(s) URLs."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from newsprism import __version__
from newsprism.watch.sources import FEED_SCHEMES

MAX_FEED_BYTES = 20 * 1024 * 1024  # a feed is a few hundred kB; more is a mistake or hostile
TIMEOUT_SECONDS = 30.0
CHUNK_BYTES = 64 * 1024
USER_AGENT = f"newsprism/{__version__} (feed watch)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class FetchError(Exception):
    """The feed could not be fetched; the message says why in one line, the same each time the
    same failure repeats (it names an error record, which is then not recorded twice)."""


@dataclass
class Fetched:
    status: int  # 200, or 304 when unchanged since the ETag / Last-Modified sent
    body: bytes | None
    etag: str | None
    last_modified: str | None
    url: str  # where the body came from, after redirects


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib follows redirects to ftp:// too; a feed only ever moves to another http(s) URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme.lower() not in FEED_SCHEMES:
            raise FetchError(f"redirected to {newurl!r}, not an http(s) URL: not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> Fetched:
    """GET `url`, conditional on `etag` / `last_modified` when given. FetchError when the
    server cannot be reached, answers an error status, or sends too much or too slowly."""
    if urlsplit(url).scheme.lower() not in FEED_SCHEMES:
        raise FetchError(f"{url!r} is not an http(s) URL")
    request = urllib.request.Request(url, headers=_headers(etag, last_modified))
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = _read_bounded(response, max_bytes, timeout)
            return _fetched(response.status, body, response.headers, response.url)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return _fetched(304, None, exc.headers, url)
        raise FetchError(f"the server answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot reach the server: {_reason(exc.reason)}") from exc
    except TimeoutError as exc:
        raise FetchError(f"no answer within {timeout:g} s") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"the connection failed: {_reason(exc)}") from exc


def _headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    # No Accept-Encoding: urllib does not decompress, and feeds are small.
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _read_bounded(response: http.client.HTTPResponse, max_bytes: int, timeout: float) -> bytes:
    """The body, refused past `max_bytes` or when it trickles in past `timeout` in all (the
    socket timeout alone lets a server send one byte every 29 s for ever)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_large(max_bytes))
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_too_large(max_bytes))
        if time.monotonic() > deadline:
            raise FetchError(f"the feed took more than {timeout:g} s to arrive")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> str:
    return f"the feed is larger than {max_bytes / 1024 / 1024:g} MB: not read"


def _fetched(status: int, body: bytes | None, headers: Message, url: str) -> Fetched:
    return Fetched(status, body, headers.get("ETag"), headers.get("Last-Modified"), url)


def _reason(reason: object) -> str:
    # "[Errno 111] Connection refused" → "Connection refused": the same words each time
    text = getattr(reason, "strerror", None) or str(reason)
    return text or reason.__class__.__name__
