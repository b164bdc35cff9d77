"""Where an article comes from and when it was published: from metadata, the URL, the file name,
or the user's --outlet. What cannot be found stays unknown, and says so."""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import tldextract

# File-type words: `notes.md`, `feed.zip` and `clip.mov` name files, though md, zip and mov are
# also top-level domains.
_NOT_TLDS = {
    "txt", "text", "html", "htm", "xhtml", "json", "jsonl", "ndjson", "xml", "csv", "tsv", "md",
    "gz", "zip", "bak", "tmp", "old", "rss", "atom", "rdf", "php", "asp", "aspx", "log", "copy",
    "mov",
}  # fmt: skip
# RFC 2606 reserves .example for names that must not be real: fictional corpora (ours among
# them) name their outlets `harborwire.example`.
_RESERVED_SUFFIXES = ("example",)
# Generic TLDs that are no everyday word; country codes (two letters) are not either.
_PLAIN_TLDS = {"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", *_RESERVED_SUFFIXES}
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# A dotted run of labels; which leading part of it is a host is for the suffix list to say.
_DOTTED = re.compile(rf"(?<![a-z0-9.-])({_LABEL}(?:\.{_LABEL})+)(?![a-z0-9-])")
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
    """A domain named in the file or folder name: `rt.com_article.txt`, `bbc.co.uk/story.html`,
    `bbc.co.uk-article.txt`. Only a name under a real public suffix counts, so
    `premier.league.3.txt` names no outlet."""
    path = PurePosixPath(source.split("!/")[-1].split("#")[0].rsplit(":", 1)[0])
    parts = [*path.parent.parts[-2:], path.stem]
    for part in reversed(parts):
        for match in _DOTTED.finditer(part.lower()):
            host = _first_host(match.group(1))
            if host:
                return host
    return None


def _first_host(run: str) -> str | None:
    """The longest leading part of a dotted run that is a registrable host. Under a TLD that
    is an English word, the host must be the whole run: `cypriot.financial.crisis.5` is words
    (.financial is a TLD), `league.final` a name."""
    labels = run.split(".")
    for end in range(len(labels), 1, -1):
        for host in _cut_at_hyphens(labels[:end]):
            if registrable(host) and (end == len(labels) or not _under_word_tld(host)):
                return host.removeprefix("www.")
    return None


def _under_word_tld(host: str) -> bool:
    last = host.rsplit(".", 1)[-1]
    return len(last) > 2 and last not in _PLAIN_TLDS


def _cut_at_hyphens(labels: list[str]) -> list[str]:
    """`bbc.co.uk-article`, then `bbc.co.uk`: a file name may glue a word to the domain with a
    hyphen, and a domain may hold one itself (`lakeside-courier.example`)."""
    head, last = labels[:-1], labels[-1]
    pieces = last.split("-")
    return [".".join([*head, "-".join(pieces[:n])]) for n in range(len(pieces), 0, -1)]


def registrable(host: str) -> bool:
    """Whether `host` is a name under a public suffix of the Public Suffix List (or .example),
    rather than words that happen to be joined by dots."""
    parts = _suffix_list()(host)
    last = parts.suffix.rsplit(".", 1)[-1]
    if not (parts.domain and parts.suffix) or last in _NOT_TLDS:
        return False
    # The newer generic TLDs are English words (.final, .news, .live): `world.cup.final` is
    # words, so under one of them a name counts only without a subdomain (`league.final`).
    return len(last) == 2 or last in _PLAIN_TLDS or parts.subdomain in ("", "www")


@cache
def _suffix_list() -> tldextract.TLDExtract:
    # The list bundled with tldextract, read once per process: never fetched, nothing cached on
    # disk, so a run gives the same outlets offline as online.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, extra_suffixes=_RESERVED_SUFFIXES
    )


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


# Publication years outside this range are placeholders (0001-01-01, 9999-12-31 from a CMS or a
# feed with no date), not dates: the article is treated as undated and its date inferred.
PUBLISHED_YEARS = (1600, 2999)


def parse_published(value: str | None) -> tuple[str, str] | None:
    """(ISO value, precision) for a date string from metadata, or None if it is not a date (or
    a placeholder year, see PUBLISHED_YEARS)."""
    found = _parse_published(value)
    if found is None or not PUBLISHED_YEARS[0] <= int(found[0][:4]) <= PUBLISHED_YEARS[1]:
        return None
    written = re.findall(r"(?<!\d)\d{4}(?!\d)", value or "")
    if written and found[0][:4] not in written:
        return None  # "Mon, 01 Jan 0001" read as 2001: a year the text does not say
    return found


def _parse_published(value: str | None) -> tuple[str, str] | None:
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
