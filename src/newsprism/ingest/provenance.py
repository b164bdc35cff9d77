"""Where an article comes from and when it was published: from metadata, the URL, the file name,
or the user's --outlet. What cannot be found stays unknown, and says so."""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

_NOT_TLDS = {
    "txt", "text", "html", "htm", "xhtml", "json", "jsonl", "ndjson", "xml", "csv", "tsv", "md",
    "gz", "zip", "bak", "tmp", "old", "rss", "atom", "rdf", "php", "asp", "aspx", "log", "copy",
}  # fmt: skip
_DOMAIN = re.compile(
    r"(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))(?![a-z0-9-])"
)
_NAME_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[-_./]?)(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)/(?P<m>0?[1-9]|1[0-2])(?:/(?P<d>0?[1-9]|[12]\d|3[01]))?/"
)


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


def domain_in_path(source: str) -> str | None:
    """A domain named in the file or folder name: `rt.com_article.txt`, `bbc.co.uk/story.html`."""
    path = PurePosixPath(source.split("!/")[-1].split("#")[0].rsplit(":", 1)[0])
    parts = [*path.parent.parts[-2:], path.stem]
    for part in reversed(parts):
        for match in _DOMAIN.finditer(part.lower()):
            if match.group(2) not in _NOT_TLDS:
                return match.group(1).removeprefix("www.")
    return None


def date_in_name(source: str) -> str | None:
    name = PurePosixPath(source.split("!/")[-1]).name
    match = _NAME_DATE.search(name)
    if not match:
        return None
    return _valid_day(int(match["y"]), int(match["m"]), int(match["d"]))


def date_in_url(url: str | None) -> tuple[str, str] | None:
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path + "/")
    if not match:
        return None
    if match["d"]:
        day = _valid_day(int(match["y"]), int(match["m"]), int(match["d"]))
        return (day, "day") if day else None
    return f"{int(match['y']):04d}-{int(match['m']):02d}", "month"


def _valid_day(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_published(value: str | None) -> tuple[str, str] | None:
    """(ISO value, precision) for a date string from metadata, or None if it is not a date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return text, "year"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text, "month"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        import dateparser  # slow to import; only needed for the odd free-text date

        parsed = dateparser.parse(
            text, settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}
        )
    if parsed is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or (
        parsed.hour == parsed.minute == parsed.second == 0 and ":" not in text
    ):
        return parsed.date().isoformat(), "day"
    return parsed.isoformat(timespec="seconds"), "second"
