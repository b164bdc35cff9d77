"""One bad article never stops the others, and newsprism never reads back what it wrote.

- A store holding an article dated 0001-01-01 (or 9999-12-31) whose text says "yesterday" once
  made every later run crash in the time rules: later articles were never understood.
- Any article whose understanding raises becomes an error record naming its source; the rest of
  its batch is understood, and the next run does not trip on it again.
- `analyze . --report report.html` run again in the same folder read its own report (and
  exports, and store) as articles.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import newsprism.understand.article as article_module
from newsprism.api import Corpus, analyze, open_corpus
from newsprism.cli import app
from newsprism.ingest.own_outputs import RECORD_TYPES as OWN_RECORD_TYPES
from newsprism.ingest.own_outputs import own_output_kind
from newsprism.show.export_records import RECORD_TYPES
from newsprism.understand.components import BY_NAME, PIECE_ORDER
from newsprism.understand.timex import find_times

runner = CliRunner()

HARBOUR = (
    "Officials in Velmora said yesterday that the eastern pier will close for six weeks. "
    "The harbour master said tomorrow the fishing crews would meet the council."
)
RAIL = (
    "Engineers found cracks in two stone arches of the rail bridge over the Keth on Monday. "
    "Freight trains will slow to walking pace, the council said."
)
MARKET = (
    "The city orchestra played its first concert in the restored market hall in Dunmere on "
    "Saturday night, and 400 tickets sold out within an hour."
)

@pytest.fixture
def run(close_after: list[Any]) -> Callable[..., Corpus]:
    def analyze_closed_after(paths: list[Path], db: Path, **kwargs: Any) -> Corpus:
        corpus = analyze(paths, db=db, workers=1, progress=False, **kwargs)
        close_after.append(corpus)
        return corpus

    return analyze_closed_after


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def records_of(corpus: Corpus, kind: str, text_part: str) -> list[dict[str, Any]]:
    ids = {a["id"] for a in corpus.articles() if text_part in a["text"]}
    assert ids, f"no stored article says {text_part!r}"
    return [r for r in corpus.records(kind) if r["article_id"] in ids]


# -- dates at the ends of the calendar ----------------------------------------------------------


@pytest.mark.parametrize("anchor", [date(1, 1, 1), date(9999, 12, 31)])
def test_relative_times_at_the_calendar_edges_are_left_unresolved_not_raised(anchor: date) -> None:
    text = (
        "Officials said yesterday and again today that talks resume tomorrow, two days from "
        "now, next week or early next year; the convoy left last Monday, the night before."
    )
    times = find_times(text, anchor)
    assert any(t.text.lower() == "today" for t in times)  # the anchor day itself still resolves
    for t in times:
        for day in (t.first, t.last):
            assert day is None or date.min <= day <= date.max


def test_a_story_timeline_past_year_9999_does_not_raise() -> None:
    times = find_times("The archive closes on December 31. The next day it reopens.",
                       date(9999, 12, 30))  # fmt: skip
    assert [t.value for t in times] == ["9999-12-31"]  # "the next day" has no calendar day


@pytest.mark.parametrize("published", ["0001-01-01T00:00:00", "9999-12-31"])
def test_an_out_of_range_date_does_not_poison_the_store(
    tmp_path: Path, published: str, run: Callable[..., Corpus]
) -> None:
    db = tmp_path / "store.db"
    bad = write_jsonl(tmp_path / "feed.jsonl", [{"title": "Pier", "published": published,
                                                  "text": HARBOUR}])  # fmt: skip
    first = run([bad], db)
    assert first.summary is not None and first.summary.understanding is not None
    assert first.summary.understanding.articles == 1
    (tmp_path / "later.txt").write_text(RAIL, encoding="utf-8")
    later = run([tmp_path / "later.txt"], db)
    # the article added later is understood: the stored one no longer stops every run
    assert later.summary is not None and later.summary.understanding is not None
    assert later.summary.understanding.articles == 1
    assert records_of(later, "place", "Keth") or records_of(later, "timeref", "Keth")
    assert not later.errors()


def test_cli_exits_0_on_an_article_dated_year_one(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "feed.jsonl", [{"published": "0001-01-01", "text": HARBOUR}])
    args = ["analyze", str(bad), "--db", str(tmp_path / "s.db"), "--workers", "1",
            "--no-progress"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.exception is None


# -- one article that breaks a component ------------------------------------------------------


def test_an_article_that_breaks_understanding_is_an_error_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Corpus]
) -> None:
    quantities = BY_NAME["quantities"]
    assert quantities.find is not None
    real = quantities.find

    def breaks_on_dunmere(piece: Any) -> Any:
        if "Dunmere" in piece.text:
            raise RuntimeError("a component bug on this one article")
        return real(piece)

    broken = dataclasses.replace(quantities, find=breaks_on_dunmere)
    monkeypatch.setattr(article_module, "PIECE_ORDER",
                        tuple(broken if c is quantities else c for c in PIECE_ORDER))  # fmt: skip
    for name, text in (("pier.txt", HARBOUR), ("rail.txt", RAIL), ("market.txt", MARKET)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = tmp_path / "store.db"
    corpus = run([tmp_path], db)
    errors = corpus.errors()
    assert [Path(e["source"]).name for e in errors] == ["market.txt"]
    assert "could not be understood" in errors[0]["reason"]
    assert "RuntimeError: a component bug on this one article" in errors[0]["reason"]
    assert len(corpus.articles()) == 3  # the article itself stays stored
    assert records_of(corpus, "timeref", "Velmora")  # the rest of the batch was understood
    assert records_of(corpus, "timeref", "Keth")
    assert not records_of(corpus, "timeref", "Dunmere")
    assert corpus.summary is not None and corpus.summary.errors  # shown in the run's summary

    again = run([tmp_path], db)  # not read again by this version: no new failure
    assert again.summary is not None and again.summary.understanding is not None
    assert again.summary.understanding.articles == 0
    assert len(again.errors()) == 1


# -- its own outputs ----------------------------------------------------------------------------


def _corpus_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    for name, text in (("pier.txt", HARBOUR), ("rail.txt", RAIL), ("market.txt", MARKET)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_analyze_in_a_folder_never_reads_its_own_report_or_store(tmp_path: Path) -> None:
    folder = _corpus_folder(tmp_path)
    db = folder / "newsprism.db"
    claims = None
    for _ in range(3):
        result = runner.invoke(
            app,
            ["analyze", str(folder), "--db", str(db), "--report", str(folder / "report.html"),
             "--workers", "1", "--no-progress", "--rescan"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        with open_corpus(db) as corpus:
            assert sorted(Path(a["source"]).name for a in corpus.articles()) == [
                "market.txt", "pier.txt", "rail.txt",
            ]  # fmt: skip
            assert not corpus.errors()
            verdicts = sorted(c["verdict"] for c in corpus.claims())
        assert claims is None or verdicts == claims
        claims = verdicts
    said = " ".join(result.output.split())
    assert "not read, as newsprism wrote them" in said
    assert "report.html (report)" in said


def test_analyze_never_reads_its_own_exports(tmp_path: Path, run: Callable[..., Corpus]) -> None:
    folder = _corpus_folder(tmp_path)
    db = tmp_path / "store.db"
    run([folder], db)
    for fmt, out in (("jsonl", "all.jsonl"), ("csv", "exported"), ("geojson", "places.geojson"),
                     ("framing", "framing.json")):  # fmt: skip
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(folder / out),
                                     "--db", str(db)])  # fmt: skip
        assert result.exit_code == 0, result.output
    written = [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".txt"]
    tables = list((folder / "exported").glob("*.csv"))  # a CSV per type, one per list field
    assert len(written) == 3 + len(tables) and len(tables) > len(RECORD_TYPES)
    assert all(own_output_kind(p) for p in written), [p for p in written if not own_output_kind(p)]
    again = run([folder], db, rescan=True)
    assert again.summary is not None
    assert len(again.summary.own_outputs) == len(written)
    assert again.summary.new_articles == 0 and not again.errors()


def test_what_only_looks_like_an_output_is_still_read(tmp_path: Path) -> None:
    """A user's own JSONL, CSV and SQLite files are inputs, not newsprism's outputs."""
    jsonl = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a1", "type": "news", "text": RAIL}])
    own_csv = tmp_path / "article.csv"
    own_csv.write_text("title,text\nBridge,cracks in the arches\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><title>newsprism reportage</title><p>A page.</p></html>")
    other_db = tmp_path / "other.sqlite"
    with sqlite3.connect(other_db) as connection:
        connection.execute("CREATE TABLE article (id TEXT, body TEXT)")
    assert [own_output_kind(p) for p in (jsonl, own_csv, page, other_db)] == [None] * 4


def test_every_exported_record_type_is_recognised_as_an_output() -> None:
    assert set(RECORD_TYPES) <= OWN_RECORD_TYPES


# -- hostile archives and spreadsheets ----------------------------------------------------------


def test_an_archive_member_named_outside_the_archive_is_an_error_record(
    tmp_path: Path, run: Callable[..., Corpus]
) -> None:
    import zipfile

    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../evil.txt", HARBOUR)
        bundle.writestr("/etc/absolute.txt", MARKET)
        bundle.writestr("reports/rail.txt", RAIL)
        bundle.writestr(".DS_Store", "hidden files stay unseen")
    corpus = run([archive], tmp_path / "store.db", understand=False)
    assert [Path(a["source"]).name for a in corpus.articles()] == ["rail.txt"]
    refused = sorted(e["source"].split("bundle.zip!/", 1)[1] for e in corpus.errors())
    assert refused == ["../../evil.txt", "/etc/absolute.txt"]
    assert all("outside the archive" in e["reason"] for e in corpus.errors())


def test_csv_cells_never_run_as_spreadsheet_formulas(
    tmp_path: Path, run: Callable[..., Corpus]
) -> None:
    import csv

    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"title": "=HYPERLINK(\"http://example.invalid\",\"click\")", "text": RAIL},
        {"title": "@SUM(1+1)", "text": HARBOUR},
        {"title": "-2 degrees on the pier", "text": MARKET},
    ])  # fmt: skip
    run([feed], tmp_path / "store.db", understand=False)
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "csv"),
                                 "--db", str(tmp_path / "store.db")])  # fmt: skip
    assert result.exit_code == 0, result.output
    with (tmp_path / "csv" / "article.csv").open(encoding="utf-8", newline="") as handle:
        titles = sorted(row["title"] for row in csv.DictReader(handle))
    assert titles == ["'-2 degrees on the pier", "'=HYPERLINK(\"http://example.invalid\",\"click\")",
                      "'@SUM(1+1)"]  # fmt: skip


@pytest.mark.parametrize("size", ["-1", "0", "nan"])
def test_a_document_size_limit_below_zero_is_refused_before_anything_is_written(
    tmp_path: Path, size: str
) -> None:
    (tmp_path / "rail.txt").write_text(RAIL, encoding="utf-8")
    db = tmp_path / "store.db"
    result = runner.invoke(app, ["analyze", str(tmp_path / "rail.txt"), "--db", str(db),
                                 "--max-document-mb", size, "--no-progress"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--max-document-mb must be a size above 0" in " ".join(result.output.split())
    assert not db.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("feed.jsonl", json.dumps({"body": RAIL, "headline": "Rail"}) + "\n"),
        ("feed.json", json.dumps([{"body": RAIL, "headline": "Rail"}])),
        ("table.csv", f"headline,body\nRail,\"{RAIL}\"\n"),
    ],
)
def test_a_field_mapped_to_a_missing_column_is_an_error_naming_it(
    tmp_path: Path, name: str, content: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    db = tmp_path / "store.db"
    args = ["analyze", str(tmp_path / name), "--db", str(db), "--field", "text=story",
            "--no-understand", "--no-progress"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with open_corpus(db) as corpus:
        assert corpus.articles() == []  # not read with the default names behind the user's back
        [error] = corpus.errors()
    assert error["source"].endswith(name)
    assert "--field text=story" in error["reason"] and "body" in error["reason"]
    mapped = runner.invoke(app, [*args[:5], "text=body", *args[6:]])
    assert mapped.exit_code == 0, mapped.output
    with open_corpus(db) as corpus:  # the same file, mapped right, is read on the next run
        assert [a["title"] for a in corpus.articles()] == ["Rail"]


# -- reading never creates or changes a store ---------------------------------------------------


def test_opening_a_missing_store_to_read_creates_nothing(tmp_path: Path) -> None:
    from newsprism.store.store import StoreError

    typo = tmp_path / "typo.db"
    with pytest.raises(StoreError, match="no store at"):
        open_corpus(typo)
    assert not typo.exists()


@pytest.mark.parametrize("kind", ["empty", "other application", "text"])
def test_export_and_report_never_change_a_file_that_is_not_a_store(
    tmp_path: Path, kind: str
) -> None:
    import hashlib

    target = tmp_path / "data.db"
    if kind == "empty":
        target.write_bytes(b"")
    elif kind == "text":
        target.write_text("not a database\n", encoding="utf-8")
    else:
        with sqlite3.connect(target) as connection:
            connection.execute("CREATE TABLE article (id TEXT, body TEXT)")
            connection.execute("INSERT INTO article VALUES ('a', 'b')")
        connection.close()
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    for args in (["export", "--format", "jsonl", "--out", str(tmp_path / "out.jsonl")],
                 ["report", str(tmp_path / "report.html")]):  # fmt: skip
        result = runner.invoke(app, [*args, "--db", str(target)])
        assert result.exit_code == 2, result.output
        assert "not a newsprism store" in " ".join(result.output.split())
        assert "Traceback" not in result.output
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.db"]  # no -wal, no -shm


def test_writing_a_report_or_export_into_a_directory_is_one_line_and_exit_3(
    tmp_path: Path, run: Callable[..., Corpus]
) -> None:
    (tmp_path / "rail.txt").write_text(RAIL, encoding="utf-8")
    db = tmp_path / "store.db"
    run([tmp_path / "rail.txt"], db, understand=False)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for args in (["report", str(folder)], ["export", "--format", "jsonl", "--out", str(folder)]):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 3, result.output
        said = " ".join(result.output.split())
        assert "cannot write" in said and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 3


def test_a_postgresql_server_that_never_answers_fails_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket
    import threading
    import time

    import newsprism.store.store as store_module
    from newsprism.store.store import StoreError, open_store

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_stay_silent() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_stay_silent, daemon=True)
    thread.start()
    monkeypatch.setattr(store_module, "CONNECT_TIMEOUT_S", 2)
    port = listener.getsockname()[1]
    started = time.monotonic()
    try:
        with pytest.raises(StoreError, match="cannot open the store"):
            open_store(f"postgresql://reader@127.0.0.1:{port}/news")
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "stamp", ["Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"]
)
def test_a_placeholder_feed_date_is_no_date_not_2001(tmp_path: Path, stamp: str) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbor Wire</title>"
        f"<item><title>Pier</title><pubDate>{stamp}</pubDate><description>{HARBOUR}"
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    db = tmp_path / "store.db"
    result = runner.invoke(app, ["analyze", str(feed), "--db", str(db), "--no-understand",
                                 "--no-progress"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with open_corpus(db) as corpus:
        [article] = corpus.articles()
    assert article["published"] is None  # a placeholder, not a date; it will be inferred


# -- stray NUL bytes and UTF-16 without a byte-order mark ---------------------------------------


def test_a_stray_nul_byte_loses_neither_the_file_nor_its_neighbours(
    tmp_path: Path, db_target: str, close_after: list[Any]
) -> None:
    lines = [
        json.dumps({"title": "Pier", "text": HARBOUR}).encode(),
        json.dumps({"title": "Rail", "text": RAIL}).encode().replace(b"bridge", b"bri\x00dge"),
        json.dumps({"title": "Market", "text": MARKET}).encode(),
    ]
    (tmp_path / "feed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    dam = b"The Velmora Dam gave way\x00\x00 on Thursday. " + RAIL.encode()
    (tmp_path / "dam.txt").write_bytes(dam)
    corpus = analyze(tmp_path, db=db_target, workers=1, understand=False)
    close_after.append(corpus)
    articles = {a["title"] or Path(a["source"]).name: a for a in corpus.articles()}
    assert sorted(articles) == ["Market", "Pier", "Rail", "dam.txt"]
    assert not corpus.errors()
    for name, where in (("Rail", "bridge"), ("dam.txt", "gave way on Thursday")):
        assert where in articles[name]["text"] and "\x00" not in articles[name]["text"]
        assert [r["reason"] for r in articles[name]["removed"]] == ["nul-bytes"]


def test_utf16_without_a_byte_order_mark_is_read_and_binary_is_still_refused(
    tmp_path: Path,
) -> None:
    from newsprism.ingest.decode import NotText, decode_bytes

    for encoding in ("utf-16-le", "utf-16-be"):
        text, used = decode_bytes(FERRY_TEXT.encode(encoding))
        assert (text, used) == (FERRY_TEXT, encoding)
    with pytest.raises(NotText):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(NotText):
        decode_bytes(bytes(4096))  # all NUL


FERRY_TEXT = (
    "Ferry crossings to the outer islands were cancelled for a third day as gales swept the "
    "coast; islanders said supplies of fresh milk were running low."
)


def test_highlighting_a_long_article_is_near_linear() -> None:
    """The report once spent 276 s on one 2 MB article: every mark was scanned at every cut."""
    import time

    from newsprism.show.highlight import Mark, highlight

    text = "word " * 40_000  # 200 KB
    marks = [Mark(i * 10, i * 10 + 7, "place", "n", f"r{i}") for i in range(19_999)]
    marks += [Mark(i * 1000, i * 1000 + 600, "attribution", "q", f"q{i}") for i in range(199)]
    started = time.perf_counter()
    html = highlight(text, marks)
    assert time.perf_counter() - started < 5.0  # the scan of every mark at every cut: minutes
    assert html.count('class="k-place"') == 19_999
    assert html.count('data-id="q198"') > 100  # a quote is cut at every place inside it


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """After `analyze` was killed with SIGKILL, its workers (250 MB each) lived on for half an
    hour, parented to init. Now they end within seconds of their parent."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pids = tmp_path / "pids"
    pids.mkdir()
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from newsprism.engine.local import ordered_map\n"
        "def work(i):\n"
        f"    Path({str(pids)!r}, str(os.getpid())).touch()\n"
        "    time.sleep(60)\n"
        "list(ordered_map(work, range(4), 2))\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # a zombie awaiting its reaper is dead for this purpose
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split()[2] != "Z"

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their parent"


def test_two_analyze_runs_on_one_store_take_turns(tmp_path: Path) -> None:
    """Two runs at once both did all the work, and the second reported "0 stored, 40
    near-duplicates". Now the second waits for the first and finds its articles stored."""
    import subprocess
    import sys

    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(40):
        words = " ".join(f"w{(i * 7919 + k * 104729) % 100003}" for k in range(120))
        (folder / f"a{i}.txt").write_text(f"Report {i} from Velmora. {words}.", encoding="utf-8")
    db = tmp_path / "store.db"
    command = [sys.executable, "-m", "newsprism.cli", "analyze", str(folder), "--db", str(db),
               "--no-understand", "--no-progress", "--workers", "1"]  # fmt: skip
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    outputs = [p.communicate(timeout=300)[0] for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    said = [" ".join(o.split()) for o in outputs]
    assert sum("new articles stored │ 40" in s for s in said) == 1, said
    assert not any("near-duplicates / syndicated copies │ 40" in s for s in said)
    with open_corpus(db) as corpus:
        assert len(corpus.articles()) == 40


def _reports(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"report-{i:02d}.txt").write_text(
            f"Rail strike, day {i + 1}\n\n{RAIL} Report {i} of the Lakeside desk.", encoding="utf-8"
        )
    return folder


def test_a_full_disk_stops_the_run_and_the_next_run_reads_every_file(tmp_path: Path) -> None:
    """With /tmp full (a library unpacks its model there for each process) every document
    failed to clean: 80 error records, exit 2 "nothing readable", and all 80 files marked read
    to the end, so that the next run skipped them. A full disk is the machine's failure: the
    run stops with one line and exit 3, and the next run stores every article."""
    import resource
    import signal
    import subprocess
    import sys

    reports = _reports(tmp_path / "reports", 12)
    db = tmp_path / "store.db"
    command = [sys.executable, "-m", "newsprism.cli", "analyze", str(reports), "--db", str(db),
               "--workers", "1", "--no-progress", "--no-understand"]  # fmt: skip

    first = subprocess.run([*command[:4], str(reports / "report-00.txt"), *command[5:]],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    room = db.stat().st_size + 100_000

    def disk_nearly_full() -> None:  # no file may grow past `room`: the store, nor a temp file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

    full = subprocess.run(command, preexec_fn=disk_nearly_full, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert full.returncode == 3, full.stdout + full.stderr
    assert "Traceback" not in full.stderr and len(full.stderr.strip().splitlines()) <= 3
    assert "too large" in full.stderr and "run the same command again" in full.stderr
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    with open_corpus(db) as corpus:
        assert len(corpus.articles()) == 12 and corpus.errors() == []


def test_a_store_that_fills_up_mid_run_is_one_clear_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLAlchemy's message carries the statement and every parameter (megabytes for a batch
    of articles): the user reads the driver's own words and what to do."""
    from sqlalchemy.exc import OperationalError

    import newsprism.cli.analyze as analyze_command

    def disk_full(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO article ...", [{"text": "x" * 100_000}],
                               sqlite3.OperationalError("database or disk is full"))  # fmt: skip

    monkeypatch.setattr(analyze_command, "run_analyze", disk_full)
    (tmp_path / "rail.txt").write_text(RAIL, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "rail.txt"),
                                 "--db", str(tmp_path / "store.db")])  # fmt: skip
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "database or disk is full" in said and "Free space" in said
    assert "xxxx" not in result.output and len(result.output.strip().splitlines()) <= 4
