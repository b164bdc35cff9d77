"""What a user sees when feeding bad input: error records naming the file (and the line for
record files), every good article kept, no traceback; `analyze` exits 0 with a warning, 1 with
--strict, and 2 when nothing at all was readable."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsprism.api import Corpus, analyze, open_corpus
from newsprism.cli import app

runner = CliRunner()

# Invented news prose, distinct enough that no two are near-duplicates.
PIER = (
    "The harbour authority in Velmora announced on Tuesday that the eastern pier will close "
    "for six weeks of repairs. Fishing crews were told to land their catch at the southern "
    "docks until the work is finished in late spring."
)
SNOW = (
    "Schools across the northern district reopened after a week of heavy snow kept buses off "
    "the roads. Parents praised teachers who had prepared printed lessons, and the district "
    "promised to review its winter timetable before next year."
)
BAKERY = (
    "A small bakery on Linden Street won the regional bread prize for its dark rye loaf, "
    "beating forty other entries. The owner said she would spend the prize money on a second "
    "oven and two more apprentices."
)
BRIDGE = (
    "Engineers inspecting the old rail bridge over the Keth found cracks in two of its stone "
    "arches. Freight trains will slow to walking pace while the council decides whether to "
    "repair the bridge or replace it entirely."
)
ORCHESTRA = (
    "The city orchestra played its first concert in the restored market hall on Saturday "
    "night. Tickets sold out within an hour, and the conductor thanked the volunteers who "
    "had scraped and painted the hall all winter."
)
FERRY = (
    "Ferry crossings to the outer islands were cancelled for a third day as gales swept the "
    "coast. Islanders said supplies of fresh milk and bread were running low, and the coast "
    "guard flew medicine to the clinic by helicopter."
)


# -- helpers -----------------------------------------------------------------------------------


_opened: list[Corpus] = []


@pytest.fixture(autouse=True)
def _close_corpora() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().close()


def run_api(paths: Sequence[Path], db: Path, **kwargs: Any) -> Corpus:
    corpus = analyze(list(paths), db=db, workers=1, **kwargs)
    _opened.append(corpus)
    return corpus


def run_cli(paths: Sequence[Path], db: Path, *extra: str) -> Any:
    args = ["analyze", *map(str, paths), "--db", str(db), "--workers", "1", "--no-progress"]
    result = runner.invoke(app, [*args, *extra])
    assert_no_traceback(result)
    return result


def assert_no_traceback(result: Any) -> None:
    # A clean exit (typer.Exit) surfaces as SystemExit; anything else escaped the program.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def stored(db: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with open_corpus(db) as corpus:
        return corpus.articles(), corpus.errors()


def errors_for(errors: Sequence[Any], name: str) -> list[Any]:
    """Error records (IngestError or exported dicts) whose source names `name`."""

    def source(e: Any) -> str:
        return e["source"] if isinstance(e, dict) else e.source

    return [e for e in errors if name in source(e)]


def reason(e: Any) -> str:
    return e["reason"] if isinstance(e, dict) else e.reason


def texts(corpus: Corpus) -> list[str]:
    return [a["text"] for a in corpus.articles()]


def contains(haystack: Sequence[str], needle: str) -> bool:
    return any(needle in t for t in haystack)


def write_good(folder: Path, name: str = "good.txt", text: str = PIER) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- binary, empty, missing --------------------------------------------------------------------

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("picture.txt", PNG_HEADER + bytes(range(256)) * 8),
        ("noextension", os.urandom(4096)),
        ("control.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 300),  # binary, no NULs
    ],
)
def test_binary_file_is_an_error_and_good_articles_are_kept(
    tmp_path: Path, name: str, data: bytes
) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    good = write_good(tmp_path)
    db = tmp_path / "s.db"

    result = run_cli([bad, good], db)

    assert result.exit_code == 0
    assert "warning" in result.output
    articles, errors = stored(db)
    assert [a["text"] for a in articles] == [PIER]
    [error] = errors_for(errors, name)
    assert "binary" in reason(error)


def test_strict_exits_non_zero_on_a_binary_file(tmp_path: Path) -> None:
    bad = tmp_path / "image.txt"
    bad.write_bytes(PNG_HEADER * 50)
    result = run_cli([bad, write_good(tmp_path)], tmp_path / "s.db", "--strict")
    assert result.exit_code == 1
    articles, _ = stored(tmp_path / "s.db")
    assert len(articles) == 1  # --strict still keeps every readable article


def test_empty_and_whitespace_only_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\t\r\n   \n")
    write_good(tmp_path)

    corpus = run_api([tmp_path], tmp_path / "s.db")

    assert texts(corpus) == [PIER]
    for name in ("empty.txt", "blank.txt"):
        [error] = errors_for(corpus.summary.errors, name)
        assert "empty" in error.reason


def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\n\n  \n")
    (tmp_path / "random.bin").write_bytes(os.urandom(2048))
    db = tmp_path / "s.db"

    result = run_cli(
        [
            tmp_path / "empty.txt",
            tmp_path / "blank.txt",
            tmp_path / "random.bin",
            tmp_path / "missing.txt",
        ],
        db,
    )

    assert result.exit_code == 2
    assert "nothing readable" in result.output
    articles, errors = stored(db)
    assert articles == []
    assert len(errors) == 4


def test_missing_path_is_an_error_and_other_paths_are_processed(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such.txt"
    good = write_good(tmp_path)
    db = tmp_path / "s.db"

    result = run_cli([missing, good], db)

    assert result.exit_code == 0
    assert "warning" in result.output
    articles, errors = stored(db)
    assert len(articles) == 1
    [error] = errors_for(errors, "such.txt")
    assert "no such file" in reason(error)
    assert run_cli([missing, good], tmp_path / "strict.db", "--strict").exit_code == 1


# -- sizes --------------------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


def test_50mb_text_file_is_refused_quickly_as_too_large_for_one_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.txt"
    line = (BRIDGE + "\n").encode()
    block = line * (1024 * 1024 // len(line) + 1)  # ~1 MB written at a time
    with huge.open("wb") as f:
        while f.tell() < FIFTY_MB:
            f.write(block)
    good = write_good(tmp_path)

    read_bytes = Path.read_bytes

    def refuse_huge(self: Path) -> bytes:
        assert self.name != "huge.txt", "an oversized article must be refused before reading it"
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse_huge)
    started = time.monotonic()
    corpus = run_api([huge, good], tmp_path / "s.db")
    elapsed = time.monotonic() - started

    assert elapsed < 10, f"refusing a 50 MB file took {elapsed:.1f} s"
    assert texts(corpus) == [PIER]
    [error] = errors_for(corpus.summary.errors, "huge.txt")
    assert "too large for one article" in error.reason
    assert "--max-document-mb" in error.reason
    assert "limit 5 MB" in error.reason  # the unit --max-document-mb counts in


@pytest.mark.slow
def test_50mb_jsonl_of_small_records_is_read(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    vocabulary = sorted(
        set(re.findall(r"[a-z]+", " ".join([PIER, SNOW, BAKERY, BRIDGE, ORCHESTRA, FERRY]).lower()))
    )
    path = tmp_path / "many.jsonl"
    count = 0
    with path.open("w", encoding="utf-8") as f:
        while f.tell() < FIFTY_MB:
            words = " ".join(rng.choice(vocabulary) for _ in range(250))
            f.write(
                json.dumps({"title": f"Dispatch {count}", "text": f"Dispatch {count}: {words}."})
            )
            f.write("\n")
            count += 1

    corpus = run_api([path], tmp_path / "s.db")

    assert corpus.summary.errors == []
    assert corpus.summary.documents == count
    assert corpus.store.count("article") == count


# -- encodings ----------------------------------------------------------------------------------

CP1252_TEXT = (
    "\u201cThe caf\u00e9 on M\u00fcller Square will stay open,\u201d the mayor said, adding "
    "that coffee would still cost \u20ac2 despite the storm. Owners across the old town said "
    "the decision was sensible and welcome."
)
LATIN1_TEXT = (
    "The caf\u00e9 owners of Z\u00fcrich met the council on Monday and asked for \u00abfair "
    "rents\u00bb in the old town. The council promised an answer within a month, and the "
    "owners said they would wait."
)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("cp1252.txt", CP1252_TEXT.encode("cp1252"), CP1252_TEXT),
        ("latin1.txt", LATIN1_TEXT.encode("latin-1"), LATIN1_TEXT),
        ("utf16.txt", (CP1252_TEXT + "\n\n" + FERRY).encode("utf-16"), CP1252_TEXT),  # BOM
        (
            "utf16be.txt",
            b"\xfe\xff" + (CP1252_TEXT + "\n\n" + FERRY).encode("utf-16-be"),
            CP1252_TEXT,
        ),
    ],
)
def test_legacy_encodings_keep_their_characters(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(data)

    corpus = run_api([tmp_path / name], tmp_path / "s.db")

    assert corpus.summary.errors == []
    [text] = texts(corpus)
    assert expected in text
    assert "\u00c3" not in text and "\ufffd" not in text  # no mojibake, no replacement chars


# -- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "must_extract"),
    [
        # unclosed tags, stray closers, junk after the text
        (f"<html><body><div><p>{SNOW}<p><b>Unclosed <i>tags</dvi></spam> >>><<< &&& ;; <!--", True),
        # an XHTML page with an encoding declaration
        (f'<?xml version="1.0" encoding="utf-8"?><html><body><p>{SNOW}</p></body></html>', True),
        # an unclosed <svg>: trafilatura/htmldate raised AssertionError on the second
        (f"<svg><p><pre>{SNOW}", False),
        (f"<html><body><svg><p><pre>{SNOW}", False),
    ],
)
def test_broken_html_gives_its_text_or_a_clear_error(
    tmp_path: Path, html: str, must_extract: bool
) -> None:
    (tmp_path / "broken.html").write_text(html, encoding="utf-8")
    good = write_good(tmp_path)
    db = tmp_path / "s.db"

    result = run_cli([tmp_path], db)

    assert result.exit_code == 0, result.output
    articles, errors = stored(db)
    assert [a["text"] for a in articles if a["source"] == str(good)] == [PIER]
    extracted = contains([a["text"] for a in articles], "Parents praised teachers who had")
    refused = [e for e in errors_for(errors, "broken.html") if "HTML" in reason(e)]
    assert extracted or (refused and not must_extract)


@pytest.mark.parametrize(
    "html",
    ["<html><body><<<>>></// <&&& ;;; >< </>", "<html><head><script>x()</script></head></html>"],
)
def test_html_without_text_is_a_clear_error(tmp_path: Path, html: str) -> None:
    (tmp_path / "garbage.html").write_text(html, encoding="utf-8")
    write_good(tmp_path)

    corpus = run_api([tmp_path], tmp_path / "s.db")

    assert texts(corpus) == [PIER]
    assert errors_for(corpus.summary.errors, "garbage.html")


def test_hostile_markup_is_escaped_in_the_report(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Council vote &lt;script&gt;alert(4)&lt;/script&gt;</title></head>"
        f"<body><article><h1>Council vote</h1><p>{ORCHESTRA}</p>"
        "<p>The leaflet quoted &lt;script&gt;alert(1)&lt;/script&gt; and "
        "&lt;img src=x onerror=alert(2)&gt; as examples of what not to paste.</p>"
        f'<p><img src="x" onerror="alert(3)">{BAKERY}</p>'
        "<script>alert(5)</script></article></body></html>"
    )
    (tmp_path / "hostile.html").write_text(page, encoding="utf-8")
    record = {
        "title": "<script>alert(6)</script>",
        "text": f"{FERRY} <script>alert(7)</script> <img src=x onerror=alert(8)>",
        "outlet": "<b onmouseover=alert(9)>Wire</b>",
    }
    (tmp_path / "hostile.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = tmp_path / "report.html"

    result = run_cli(
        [tmp_path / "hostile.html", tmp_path / "hostile.jsonl"],
        tmp_path / "s.db",
        "--report",
        str(report),
    )

    assert result.exit_code == 0, result.output
    articles, _ = stored(tmp_path / "s.db")
    assert len(articles) == 2
    # The entity-escaped text survives extraction as literal text...
    assert contains([a["text"] for a in articles], "<script>alert(1)</script>")
    html = report.read_text(encoding="utf-8")
    # ...and is escaped again in the report: no live script, no live event handler.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(8)&gt;" in html
    assert not re.search(r"<script[^>]*>\s*alert", html, re.IGNORECASE)
    assert not re.search(r"<[a-z]+[^<>]*\son(error|mouseover)\s*=", html, re.IGNORECASE)


# -- feeds -------------------------------------------------------------------------------------

FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
    "<title>Test Wire</title><link>https://testwire.example/</link>\n"
)


def rss_item(title: str, text: str) -> str:
    return (
        f"<item><title>{title}</title><link>https://testwire.example/{title.lower()}</link>"
        f"<description><![CDATA[<p>{text}</p>]]></description></item>\n"
    )


def test_truncated_feed_is_an_error(tmp_path: Path) -> None:
    feed = tmp_path / "truncated.rss"
    feed.write_text(
        FEED_HEAD + "<item><title>Pier</title><description><![CDATA[<p>" + PIER[:70],
        encoding="utf-8",
    )
    db = tmp_path / "s.db"

    result = run_cli([feed], db)

    assert result.exit_code == 2  # nothing readable
    articles, errors = stored(db)
    assert articles == []
    assert errors_for(errors, "truncated.rss")
    assert any("feed" in reason(e) for e in errors)


@pytest.mark.parametrize(
    "tail",
    [
        "<item><title>Snow</title><description>" + SNOW[:60] + "</descr <<< &&& garbage",
        "<item><title>broken & unescaped <b>",
    ],
)
def test_feed_with_malformed_tail_keeps_its_good_entry(tmp_path: Path, tail: str) -> None:
    feed = tmp_path / "tail.rss"
    feed.write_text(FEED_HEAD + rss_item("Bakery", BAKERY) + tail, encoding="utf-8")

    corpus = run_api([feed], tmp_path / "s.db")

    articles = corpus.articles()
    assert [a["source"] for a in articles] == [f"{feed}#1"]
    assert articles[0]["text"] == BAKERY
    assert articles[0]["outlet"] == "Test Wire"
    assert any("malformed feed" in e.reason for e in errors_for(corpus.summary.errors, "tail.rss"))


@pytest.mark.parametrize(
    "body",
    [
        # feedparser itself raised KeyError('links') on this
        '<feed xmlns="http://www.w3.org/2005/Atom"><item><link></item></link>',
        # feedparser gave summary=None for this, and len(None) raised TypeError
        "<item><description></content>",
    ],
)
def test_mangled_feed_markup_is_an_error_not_a_crash(tmp_path: Path, body: str) -> None:
    (tmp_path / "mangled.atom").write_text(body, encoding="utf-8")
    write_good(tmp_path)

    corpus = run_api([tmp_path], tmp_path / "s.db")

    assert texts(corpus) == [PIER]
    assert errors_for(corpus.summary.errors, "mangled.atom")


def test_feed_entities_are_decoded_in_article_text(tmp_path: Path) -> None:
    plain_html = "Fish &amp;amp; chips prices rose by a third at the seaside stalls this week."
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coast</title>'
        "<entry><title>Stalls</title><id>urn:x:1</id>"
        '<summary type="text">Prices &amp;lt;b&amp;gt; at 5 &lt; 6 stalls rose, AT&amp;T '
        "customers said on the seafront on Friday.</summary></entry></feed>"
    )
    (tmp_path / "prices.rss").write_text(
        FEED_HEAD + f"<item><title>Fish</title><description>{plain_html}</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    (tmp_path / "coast.atom").write_text(atom, encoding="utf-8")

    corpus = run_api([tmp_path], tmp_path / "s.db")

    assert contains(texts(corpus), "Fish & chips prices rose")
    # type="text" is plain text: "&lt;b&gt;" there is literal, not markup to unescape again
    assert contains(texts(corpus), "Prices &lt;b&gt; at 5 < 6 stalls rose, AT&T customers")


# -- record files --------------------------------------------------------------------------------


def test_jsonl_bad_lines_are_errors_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    lines = [
        json.dumps({"title": "Pier closes", "text": PIER}),
        '{"title": "Broken", "text": "no closing',
        json.dumps([SNOW]),
        json.dumps({"title": "No text", "summary": BRIDGE}),
        json.dumps({"title": "Bakery prize", "text": BAKERY}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"

    corpus = run_api([path], db)

    assert sorted(texts(corpus)) == sorted([PIER, BAKERY])
    assert [a["source"] for a in corpus.articles()] == [f"{path}:1", f"{path}:5"]
    errors = corpus.summary.errors
    assert [e.line for e in errors] == [2, 3, 4]
    assert all(str(path) in e.source for e in errors)
    assert "invalid JSON" in errors[0].reason
    assert "not an object" in errors[1].reason
    assert "no text field" in errors[2].reason
    assert sorted(e["line"] for e in corpus.errors()) == [2, 3, 4]
    assert corpus.store.count("article") == 2
    assert corpus.store.count("ingest_error") == 3


def test_jsonl_line_separator_inside_a_string_does_not_split_the_record(tmp_path: Path) -> None:
    # U+2028 is legal unescaped in JSON (json.dumps(ensure_ascii=False) writes it raw).
    first = {"text": SNOW.replace(". Parents", ".\u2028Parents")}
    lines = [json.dumps(first, ensure_ascii=False), json.dumps({"text": FERRY})]
    path = tmp_path / "sep.jsonl"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    corpus = run_api([path], tmp_path / "s.db")

    assert corpus.summary.errors == []
    assert [a["source"] for a in corpus.articles()] == [f"{path}:1", f"{path}:2"]


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.json"])
def test_absurdly_nested_json_is_an_error_not_a_crash(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    write_good(tmp_path)

    corpus = run_api([tmp_path], tmp_path / "s.db")

    assert texts(corpus) == [PIER]
    [error] = errors_for(corpus.summary.errors, name)
    assert "invalid JSON" in error.reason


def test_csv_with_custom_columns_mapped_by_field_option(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    quoted = 'The mayor said "we will rebuild the pier" on Monday, and the crowd cheered.'
    rows = [
        ["id", "heading", "story", "when"],
        ["1", "Bridge cracks", BRIDGE, "2031-03-02"],
        ["2", "Pier rebuild", f"{quoted}\n\n{PIER}", "2031-03-03"],  # "" quotes and line breaks
        ["3", "Concert", ORCHESTRA, "2031-03-04"],
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    db = tmp_path / "s.db"

    unmapped = run_cli([path], tmp_path / "unmapped.db")
    assert unmapped.exit_code == 2  # no column is a known text field: nothing readable
    _, errors = stored(tmp_path / "unmapped.db")
    assert all("--field text=" in reason(e) for e in errors) and len(errors) == 3

    result = run_cli(
        [path], db, "--field", "text=story", "--field", "title=heading", "--field", "published=when"
    )

    assert result.exit_code == 0, result.output
    articles, errors = stored(db)
    assert errors == []
    by_title = {a["title"]: a for a in articles}
    assert set(by_title) == {"Bridge cracks", "Pier rebuild", "Concert"}
    assert quoted in by_title["Pier rebuild"]["text"]
    assert PIER in by_title["Pier rebuild"]["text"]
    assert by_title["Pier rebuild"]["published"] == "2031-03-03"  # columns not shifted
    # a record is named by the line it starts on (the multi-line one starts on line 3)
    assert by_title["Concert"]["source"] == f"{path}:6"
    assert by_title["Pier rebuild"]["source"] == f"{path}:3"


# -- archives ------------------------------------------------------------------------------------

BOMB_BYTES = 300 * 1024 * 1024
ZEROS = bytes(1024 * 1024)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", SNOW)
        with archive.open("zeros.txt", "w", force_zip64=True) as member:
            for _ in range(BOMB_BYTES // len(ZEROS)):
                member.write(ZEROS)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    good = write_good(tmp_path)

    corpus = run_api([bomb, good], tmp_path / "s.db")

    assert sorted(texts(corpus)) == sorted([PIER, SNOW])
    [error] = errors_for(corpus.summary.errors, "bomb.zip!/zeros.txt")
    assert "decompression bomb" in error.reason


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as f:
        for _ in range(BOMB_BYTES // len(ZEROS)):
            f.write(ZEROS)
    good = write_good(tmp_path)
    db = tmp_path / "s.db"

    result = run_cli([bomb, good], db)

    assert result.exit_code == 0
    articles, errors = stored(db)
    assert [a["text"] for a in articles] == [PIER]
    [error] = errors_for(errors, "bomb.txt.gz")
    assert "decompression bomb" in reason(error)


def test_zip_with_nested_zip_reads_every_article(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as nested:
        nested.writestr("c.txt", BAKERY)
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", PIER)
        archive.writestr("b.txt", SNOW)
        archive.writestr("nested.zip", inner.getvalue())
        archive.writestr("__MACOSX/._a.txt", b"\x00\x05\x16\x07junk")  # skipped, not an error

    corpus = run_api([path], tmp_path / "s.db")

    assert corpus.summary.errors == []
    assert sorted(a["source"] for a in corpus.articles()) == [
        f"{path}!/a.txt",
        f"{path}!/b.txt",
        f"{path}!/nested.zip!/c.txt",
    ]
    assert sorted(texts(corpus)) == sorted([PIER, SNOW, BAKERY])


def test_broken_archives_are_errors(tmp_path: Path) -> None:
    (tmp_path / "fake.zip").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    (tmp_path / "fake.gz").write_bytes(b"\x1f\x8b\x08\x00 truncated gzip")
    write_good(tmp_path)

    corpus = run_api([tmp_path], tmp_path / "s.db")

    assert texts(corpus) == [PIER]
    assert "broken zip" in errors_for(corpus.summary.errors, "fake.zip")[0].reason
    assert "broken gzip" in errors_for(corpus.summary.errors, "fake.gz")[0].reason


# -- re-running ----------------------------------------------------------------------------------


def test_second_identical_run_adds_nothing(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_good(inputs)
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "image.txt").write_bytes(PNG_HEADER * 10)
    (inputs / "snow.txt").write_bytes(SNOW.encode("utf-16"))
    (inputs / "records.jsonl").write_text(
        json.dumps({"text": BAKERY}) + "\nnot json\n" + json.dumps({"text": FERRY}) + "\n",
        encoding="utf-8",
    )
    (inputs / "tail.rss").write_text(
        FEED_HEAD + rss_item("Bridge", BRIDGE) + "<item><title>x", encoding="utf-8"
    )
    paths = [inputs, tmp_path / "missing.txt"]
    db = tmp_path / "s.db"

    first = run_api(paths, db)
    articles, errors = first.store.count("article"), first.store.count("ingest_error")
    assert articles == 5
    assert errors >= 5

    second = run_api(paths, db)
    assert second.summary.new_articles == 0
    assert second.store.count("article") == articles
    assert second.store.count("ingest_error") == errors


def test_a_reader_crash_is_an_error_record_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsprism.ingest import process

    real = process.read_blob

    def crash_on_bad(blob, limits, fields):
        if blob.name.endswith("bad.txt"):
            raise RuntimeError("unexpected reader bug")
        return real(blob, limits, fields)

    monkeypatch.setattr(process, "read_blob", crash_on_bad)
    write_good(tmp_path, "bad.txt")
    good = write_good(tmp_path, "good.txt", BRIDGE)
    corpus = run_api([tmp_path / "bad.txt", good], tmp_path / "c.db")
    assert texts(corpus) == [BRIDGE]
    [error] = errors_for(corpus.summary.errors, "bad.txt")
    assert "reader failed" in error.reason and "unexpected reader bug" in error.reason


def test_record_errors_after_cleaning_carry_their_line(tmp_path: Path) -> None:
    records = tmp_path / "short.jsonl"
    lines = [{"text": PIER}, {"text": "Too short."}]
    records.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    corpus = run_api([records], tmp_path / "l.db")
    [error] = corpus.summary.errors
    assert error.line == 2 and "only 2 words" in error.reason


def test_xml_that_is_not_a_feed_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "dataset.xml"
    data.write_text(
        '<?xml version="1.0"?>\n<articles><article><feedid>1</feedid><text>'
        + PIER
        + "</text></article></articles>\n",
        encoding="utf-8",
    )
    good = write_good(tmp_path, "good.txt", BRIDGE)
    corpus = run_api([data, good], tmp_path / "x.db")
    assert texts(corpus) == [BRIDGE]
    [error] = errors_for(corpus.summary.errors, "dataset.xml")
    assert "neither an RSS/Atom feed" in error.reason  # "<feedid>" is not an Atom "<feed>"


def test_text_file_quoting_markup_stays_text(tmp_path: Path) -> None:
    article = write_good(tmp_path, "quoted.txt", "<body> " + PIER)
    corpus = run_api([article], tmp_path / "q.db")
    [text] = texts(corpus)
    assert text.startswith("<body> ")
