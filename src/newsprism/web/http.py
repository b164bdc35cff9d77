"""What a request to `newsprism serve` may ask and how the answer goes out: query parameters
checked and bounded (a bad one is a 400 that says what is allowed), the page record a handler
returns, JSON answers, the security headers on every answer, and the template filters (search
matches marked, escaped everywhere else)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsprism import __version__
from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.show.templating import environment
from newsprism.store.articles import outlet_id as outlet_slug
from newsprism.store.search import SEARCH_MARK

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000  # deeper pages: narrow the search instead
MAX_QUERY_CHARS = 500
# The map (static/map.js with the vendored Leaflet) keeps this policy as it is: its script and
# CSS are files of this app, its points come in a JSON data block (<script type=
# "application/json">, which is not run, so script-src need not allow inline script), and
# Leaflet positions its elements through the CSSOM (element.style.transform = ...), which
# style-src does not govern (it governs <style> elements and style="" attributes): no
# 'unsafe-inline' anywhere. The country shapes are fetched from /static (connect-src falls back
# to default-src 'self'); circle markers need no marker images.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{1,8})?$")
ID = re.compile(r"^[\w:.\-]{1,120}$")


class BadRequest(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(400, detail)


class NotFound(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(404, detail)


@dataclass
class Page:
    template: str
    context: dict[str, Any]
    data: Any  # the JSON answer: the page's records as the exports write them
    title: str = "newsprism"
    redirect: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# -- templates -------------------------------------------------------------------------------


def marked(text: str | None) -> Markup:
    """Text whose search matches are between SEARCH_MARK characters, as escaped HTML with each
    match in <mark>; a stray mark character in the text itself only ever opens or closes one."""
    if not text:
        return Markup("")
    start, stop = SEARCH_MARK
    out, open_ = [], False
    for piece in re.split(f"([{start}{stop}])", text):
        if piece == start:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif piece == stop:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(str(escape(piece)))
    if open_:
        out.append("</mark>")
    return Markup("".join(out))


def unmarked(text: str | None) -> str | None:
    return None if text is None else text.replace(SEARCH_MARK[0], "").replace(SEARCH_MARK[1], "")


def page_environment() -> Environment:
    env = environment("web/templates")
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.filters["marked"] = marked
    env.filters["num"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    env.filters["outlet_slug"] = outlet_slug
    env.globals["version"] = __version__
    env.globals["verdicts"] = VERDICTS
    return env


# -- parameters ------------------------------------------------------------------------------


def text_param(request: Request, name: str, limit: int = 120) -> str | None:
    value = request.query_params.get(name)
    if value is None or not value.strip():
        return None
    if len(value) > limit:
        raise BadRequest(f"{name} is too long (at most {limit} characters)")
    return value.strip()


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def day_param(request: Request, name: str) -> str | None:
    value = text_param(request, name, 10)
    if value is None:
        return None
    if not DAY.match(value):
        raise BadRequest(f"{name} must be a day, a month or a year: 2024-03-12, 2024-03, 2024")
    try:
        parts = [int(p) for p in value.split("-")]
        date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))
    except ValueError as exc:
        raise BadRequest(f"{name}: {value} is not a day of the calendar") from exc
    return value


def paging(request: Request) -> tuple[int, int, int]:
    """(page, size, offset), bounded."""
    size = int_param(request, "size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = int_param(request, "page", 1, 1, MAX_OFFSET)
    if (page - 1) * size > MAX_OFFSET:
        raise BadRequest(f"pages go {MAX_OFFSET:,} results deep: narrow the search instead")
    return page, size, (page - 1) * size


def path_id(request: Request, name: str = "id") -> str:
    value = request.path_params[name]
    if not ID.match(value):
        raise NotFound(f"no such {name}: ids are letters, digits and - _ : .")
    return value


# -- answers ---------------------------------------------------------------------------------


class SecurityHeaders:
    """The Content-Security-Policy and friends on every answer, errors and static files too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.encode() not in present:
                        headers.append((key.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def wants_json(request: Request) -> bool:
    if request.url.path == "/api" or request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=str, indent=1)
    return Response(body, status, media_type="application/json", headers={"vary": "Accept"})


def page_links(request: Request, page: int, size: int, total: int) -> dict[str, Any]:
    """Links to the previous and next page, the other parameters kept."""
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}

    def link(n: int) -> str:
        return f"{request.url.path}?{urlencode({**params, 'page': n})}"

    last = max(1, -(-total // size))
    return {
        "page": page, "last": last, "total": total,
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < last else None,
    }  # fmt: skip
