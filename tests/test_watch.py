"""`newsprism watch`: feeds served from 127.0.0.1 by the test itself (fictional articles), folders
in a temporary directory; each `watch(..., cycles=1)` call is a watch started afresh from its
state file, at a time the test chooses."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from newsprism.engine.local import LocalEngine
from newsprism.pipeline import run_analyze
from newsprism.store import open_store
from newsprism.watch import WatchError, parse_every, watch
from newsprism.watch.command import watch_command
from newsprism.watch.cycle import CycleReport
from newsprism.watch.fetch import FetchError, fetch
from newsprism.watch.loop import DEFAULT_DB
from newsprism.watch.schedule import backoff_delay
from newsprism.watch.sources import default_state_path, state_lock
from newsprism.watch.stop import StoppableEngine, StopRequest, WatchStopped

T0 = 1_900_000_000.0  # the test's clock: each poll happens when the test says
EVERY = 600.0

STORIES = [
    ("Lakeside council repairs the old pier",
     "The harbour council of Lakeside voted on Tuesday to repair the old wooden pier before "
     "the summer ferry season, the mayor said."),
    ("Ferry timetable changes in Port Vell",
     "The Port Vell ferry company will add two evening crossings from next month, its "
     "spokesperson told reporters at the quay."),
    ("Orchard cooperative reports a record harvest",
     "Growers of the Greenhill orchard cooperative picked a record 40 tonnes of apples this "
     "autumn, the cooperative's chair announced."),
    ("Library in Millbrook extends opening hours",
     "The Millbrook public library will open on Sundays from March, the town clerk wrote in "
     "a notice published on Friday."),
    ("Cycling lane opens along the canal",
     "A new cycling lane along the Eastwater canal opened on Monday after two years of "
     "works, the regional transport office said."),
    ("Bakery wins the county bread prize",
     "The small Rivermouth bakery won the county bread prize for its rye loaf, the judges "
     "announced at the fair on Saturday."),
    ("Night market returns to Old Square",
     "The night market returns to Old Square every Thursday in June, with forty stalls of "
     "local food and crafts, organisers said."),
    ("Hill road closed after a small landslide",
     "The hill road above Stonebridge was closed on Wednesday after a small landslide, and "
     "crews expect to reopen it within three days."),
]  # fmt: skip


def rss(items: list[int], title: str = "Lakeside Courier (fiction)") -> bytes:
    entries = "".join(
        f"<item><title>{STORIES[i][0]}</title>"
        f"<link>https://courier.example/story/{i}</link>"
        f"<pubDate>Tue, 0{1 + i % 9} Oct 2030 08:00:00 GMT</pubDate>"
        f"<description>{STORIES[i][1]}</description></item>"
        for i in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://courier.example/</link>{entries}</channel></rss>").encode()  # fmt: skip


def atom(items: list[int]) -> bytes:
    entries = "".join(
        f"<entry><title>{STORIES[i][0]}</title><id>urn:fiction:{i}</id>"
        f'<link href="https://gazette.example/{i}"/><updated>2030-10-0{1 + i % 9}T09:00:00Z'
        f"</updated><summary>{STORIES[i][1]}</summary></entry>"
        for i in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Hill Gazette (fiction)</title><id>urn:fiction:gazette</id>"
            f"<updated>2030-10-09T09:00:00Z</updated>{entries}</feed>").encode()  # fmt: skip


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    conditional: bool = True  # False: a server that ignores If-None-Match / If-Modified-Since
    location: str | None = None


@dataclass
class FeedServer:
    url: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def seen(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            server.requests.append((self.path, dict(self.headers)))
            route = server.routes.get(self.path)
            if route is None:
                return self._send(404, b"no such feed")
            if route.location:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                return self.end_headers()
            if route.status != 200:
                return self._send(route.status, b"<h1>server error</h1>")
            if route.conditional and self._unchanged(route):
                self.send_response(304)
                self._validators(route)
                return self.end_headers()
            self._send(200, route.body, route)

        def _unchanged(self, route: Route) -> bool:
            if route.etag and self.headers.get("If-None-Match"):
                return self.headers["If-None-Match"] == route.etag
            since = self.headers.get("If-Modified-Since")
            return bool(route.last_modified and since == route.last_modified)

        def _validators(self, route: Route) -> None:
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)

        def _send(self, status: int, body: bytes, route: Route | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            if route:
                self._validators(route)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer("", {})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the developer's environment would be asked for 127.0.0.1.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "all_proxy"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def poll(sources: list[str], db: Path, at: float, **kwargs: Any) -> CycleReport:
    """One poll at time `at` by a watch started afresh (its state read from the file)."""
    options = {"workers": 1, "understand": False, "progress": False, "quiet": True, **kwargs}
    summary = watch(sources, db, EVERY, cycles=1, clock=lambda: at, **options)
    assert summary.cycles == 1
    return summary.reports[-1]


def count(db: Path, table: str = "article") -> int:
    store = open_store(db)
    try:
        return store.count(table)
    finally:
        store.close()


def errors_of(db: Path, source: str) -> list[dict[str, Any]]:
    store = open_store(db)
    try:
        return [e for e in store.errors() if e["source"] == source]
    finally:
        store.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- schedule ---------------------------------------------------------------------------------


def test_every_takes_durations_and_says_how_to_write_one() -> None:
    assert [parse_every(t) for t in ("30s", "10m", "1h", "1h30m", "90", "1.5m")] == [
        30, 600, 3600, 5400, 90, 90,
    ]  # fmt: skip
    for bad in ("10x", "", "0s", "-5m", "m10"):
        with pytest.raises(ValueError, match="30s, 10m"):
            parse_every(bad)


def test_back_off_doubles_the_interval_up_to_an_hour() -> None:
    assert [backoff_delay(n, 600) for n in range(1, 6)] == [600, 1200, 2400, 3600, 3600]
    assert backoff_delay(1, 7200) == 7200  # never more often than the poll itself
    assert backoff_delay(10_000, 30) == 3600


# -- feeds ------------------------------------------------------------------------------------


def test_feeds_are_fetched_once_then_only_when_they_change(
    feeds: FeedServer, tmp_path: Path
) -> None:
    stamp = formatdate(T0 - 86400, usegmt=True)
    feeds.routes["/courier.rss"] = Route(rss([0, 1, 2]), etag='"c1"')
    feeds.routes["/gazette.atom"] = Route(atom([3, 4]), last_modified=stamp)
    feeds.routes["/deaf.rss"] = Route(rss([5], title="Deaf Server (fiction)"), conditional=False)
    urls = [feeds.url + p for p in ("/courier.rss", "/gazette.atom", "/deaf.rss")]
    db = tmp_path / "store.db"

    first = poll(urls, db, T0)
    assert first.new_articles == 6 and count(db) == 6
    assert {o.status for o in first.outcomes} == {"fetched"}
    assert not any("If-None-Match" in h for _, h in feeds.requests)

    # Two more polls in one watch: the clock moves as it sleeps.
    clock = [T0 + EVERY]
    log = io.StringIO()
    summary = watch(urls, db, EVERY, cycles=2, workers=1, understand=False, progress=False,
                    log=log, clock=lambda: clock[0],
                    sleep=lambda s: clock.__setitem__(0, clock[0] + s))  # fmt: skip
    assert summary.cycles == 2 and summary.new_articles == 0 and count(db) == 6
    for report in summary.reports:
        assert report.analyzed == []  # nothing given to the pipeline
        assert report.outcome(urls[0]).status == "not-modified"
        assert report.outcome(urls[1]).status == "not-modified"
        assert report.outcome(urls[2]).status == "unchanged"  # same bytes: not analyzed again
    assert feeds.seen("/courier.rss")[-1]["If-None-Match"] == '"c1"'
    assert feeds.seen("/gazette.atom")[-1]["If-Modified-Since"] == stamp
    assert "304 not modified" in log.getvalue() and "nothing new" in log.getvalue()

    # A new entry: only the changed feed is analyzed, and only the new article is stored.
    feeds.routes["/courier.rss"] = Route(rss([7, 0, 1, 2]), etag='"c2"')
    third = poll(urls, db, T0 + 3 * EVERY)
    assert third.outcome(urls[0]).status == "fetched"
    assert third.outcome(urls[1]).status == "not-modified"
    assert len(third.analyzed) == 1 and third.new_articles == 1 and count(db) == 7

    # The same feed file analyzed again stores nothing: the pipeline's own idempotence.
    store = open_store(db)
    try:
        again = run_analyze(third.analyzed, store, workers=1, progress=False, understand=False,
                            rescan=True)  # fmt: skip
    finally:
        store.close()
    assert again.new_articles == 0 and again.already_stored == 4

    # Restarted: nothing is fetched twice, nothing stored twice.
    fourth = poll(urls, db, T0 + 4 * EVERY)
    assert fourth.analyzed == [] and count(db) == 7
    full = [h for p, h in feeds.requests if p == "/courier.rss" and "If-None-Match" not in h]
    assert len(full) == 1
    state = json.loads(default_state_path(db).read_text(encoding="utf-8"))
    assert state["sources"][urls[0]]["etag"] == '"c2"'
    assert default_state_path(db).name == ".store.db.watch.json"  # hidden: never read as input


def test_a_failing_feed_is_recorded_and_retried_later_while_others_go_on(
    feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.routes["/ok.rss"] = Route(rss([0, 1]), etag='"ok"')
    feeds.routes["/flaky.rss"] = Route(status=500)
    feeds.routes["/broken.rss"] = Route(b"<rss><channel><item>this is not <<< a feed")
    ok, flaky, broken = (feeds.url + p for p in ("/ok.rss", "/flaky.rss", "/broken.rss"))
    refused = f"http://127.0.0.1:{closed_port()}/feed.rss"
    sources = [ok, flaky, broken, refused]
    db = tmp_path / "store.db"

    first = poll(sources, db, T0)
    assert first.outcome(ok).status == "fetched" and first.new_articles == 2
    for url in (flaky, broken, refused):
        assert first.outcome(url).status == "failed"
    assert "HTTP 500" in errors_of(db, flaky)[0]["reason"]
    assert "not a readable RSS/Atom feed" in errors_of(db, broken)[0]["reason"]
    assert "cannot reach the server" in errors_of(db, refused)[0]["reason"]
    assert "next try in 10m" in first.outcome(flaky).detail

    second = poll(sources, db, T0 + EVERY)  # one interval later: retried, fails again
    assert len(feeds.seen("/flaky.rss")) == 2
    assert "failure 2 in a row, next try in 20m" in second.outcome(flaky).detail
    assert second.outcome(ok).status == "not-modified"
    assert len(errors_of(db, flaky)) == 1  # the same failure is one record

    third = poll(sources, db, T0 + 2 * EVERY)  # inside the back-off: not asked
    assert len(feeds.seen("/flaky.rss")) == 2
    assert third.outcome(flaky).status == "waiting"
    assert third.outcome(ok).status == "not-modified"

    feeds.routes["/flaky.rss"] = Route(rss([2, 3]), etag='"back"')
    fourth = poll(sources, db, T0 + 3 * EVERY)  # back-off over, and the feed is back
    assert fourth.outcome(flaky).status == "fetched"
    assert "recovered after 2 failure(s)" in fourth.outcome(flaky).detail
    assert fourth.new_articles == 2 and count(db) == 4
    state = json.loads(default_state_path(db).read_text(encoding="utf-8"))["sources"]
    assert state[flaky]["failures"] == 0 and state[flaky]["next_retry"] is None
    assert state[refused]["failures"] == 3  # tried at 0, 1 and 3 intervals: down each time


def test_an_empty_feed_is_no_failure(feeds: FeedServer, tmp_path: Path) -> None:
    # Also checks that ingest's feed reader still words an empty feed as the watch expects.
    feeds.routes["/empty.rss"] = Route(rss([]), etag='"e"')
    report = poll([feeds.url + "/empty.rss"], tmp_path / "store.db", T0)
    assert report.outcomes[0].status == "empty" and report.analyzed == []


def test_fetch_follows_http_redirects_only_and_bounds_the_body(feeds: FeedServer) -> None:
    feeds.routes["/feed.rss"] = Route(rss([0]), etag='"x"')
    feeds.routes["/moved"] = Route(status=301, location="/feed.rss")
    feeds.routes["/escape"] = Route(status=302, location="file:///etc/passwd")
    feeds.routes["/ftp"] = Route(status=302, location="ftp://files.example/feed.rss")
    fetched = fetch(feeds.url + "/moved")
    assert fetched.status == 200 and fetched.etag == '"x"' and fetched.url.endswith("/feed.rss")
    assert fetch(feeds.url + "/feed.rss", etag='"x"').status == 304
    with pytest.raises(FetchError, match="file:///etc/passwd"):
        fetch(feeds.url + "/escape")
    with pytest.raises(FetchError, match="not an http"):  # urllib itself would follow this one
        fetch(feeds.url + "/ftp")
    with pytest.raises(FetchError, match="larger than"):
        fetch(feeds.url + "/feed.rss", max_bytes=100)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(feeds.url + "/nothing-here")


# -- folders ----------------------------------------------------------------------------------


def test_a_folder_source_analyzes_only_new_and_changed_files(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in (0, 1):
        (inbox / f"story{i}.txt").write_text(f"{STORIES[i][0]}\n\n{STORIES[i][1]}\n")
    (inbox / ".draft.txt").write_text(STORIES[5][1])  # hidden: left out, as analyze does
    db = inbox / "store.db"  # the store and the watch's state inside the watched folder

    first = poll([str(inbox)], db, T0)
    assert sorted(Path(p).name for p in first.analyzed) == ["story0.txt", "story1.txt"]
    assert first.new_articles == 2

    second = poll([str(inbox)], db, T0 + EVERY)
    assert second.analyzed == [] and second.outcomes[0].status == "no-change"

    (inbox / "story1.txt").write_text(f"{STORIES[2][0]}\n\n{STORIES[2][1]}\n")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "story3.txt").write_text(f"{STORIES[3][0]}\n\n{STORIES[3][1]}\n")
    third = poll([str(inbox)], db, T0 + 2 * EVERY)
    assert sorted(Path(p).name for p in third.analyzed) == ["story1.txt", "story3.txt"]
    assert third.new_articles == 2 and count(db) == 4

    assert poll([str(inbox)], db, T0 + 3 * EVERY).analyzed == []  # restarted: nothing again


# -- the whole pipeline, stopping, the command -----------------------------------------------


def test_new_articles_are_understood_as_analyze_does(feeds: FeedServer, tmp_path: Path) -> None:
    feeds.routes["/one.rss"] = Route(rss([6]), etag='"1"')
    feeds.routes["/two.rss"] = Route(atom([7]), etag='"2"')
    one, two = feeds.url + "/one.rss", feeds.url + "/two.rss"
    db = tmp_path / "store.db"
    assert poll([one], db, T0).new_articles == 1  # stored only (--no-understand)

    # Started again with understanding on: the new feed's article and the one stored before
    # are both read, in the one pass of the stages.
    report = poll([one, two], db, T0 + EVERY, understand=True)
    assert report.outcome(one).status == "not-modified" and len(report.analyzed) == 1
    summary = report.summary
    assert summary is not None and summary.new_articles == 1
    assert summary.understanding is not None and summary.understanding.articles == 2
    assert summary.crosscheck is not None and summary.stories is not None


def test_ctrl_c_stops_the_watch_cleanly(feeds: FeedServer, tmp_path: Path) -> None:
    feeds.routes["/feed.rss"] = Route(rss([0]), etag='"x"')
    clock = [T0]

    def interrupted_sleep(seconds: float) -> None:
        clock[0] += seconds
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C: handled by the watch, not raised

    before = signal.getsignal(signal.SIGINT)  # SIG_IGN where the tests run in the background
    summary = watch([feeds.url + "/feed.rss"], tmp_path / "store.db", EVERY, cycles=None,
                    workers=1, understand=False, progress=False, quiet=True,
                    clock=lambda: clock[0], sleep=interrupted_sleep)  # fmt: skip
    assert summary.stopped and summary.cycles == 1 and summary.new_articles == 1
    assert signal.getsignal(signal.SIGINT) is before  # given back


def test_what_a_stop_left_unanalyzed_is_fetched_again(feeds: FeedServer, tmp_path: Path) -> None:
    feeds.routes["/feed.rss"] = Route(rss([0, 1]), etag='"x"')
    url, db = feeds.url + "/feed.rss", tmp_path / "store.db"

    def fetch_then_ctrl_c(*args: Any, **kwargs: Any) -> Any:
        fetched = fetch(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return fetched

    stopped = poll([url], db, T0, fetcher=fetch_then_ctrl_c)
    assert stopped.stopped and stopped.summary is None and count(db) == 0
    again = poll([url], db, T0 + EVERY)
    assert "If-None-Match" not in feeds.seen("/feed.rss")[-1]  # its ETag was not kept
    assert again.new_articles == 2


def test_a_stop_ends_a_stage_after_the_batch_being_stored() -> None:
    stop = StopRequest()
    results = StoppableEngine(LocalEngine(), stop).map_ordered(lambda x: x * 2, range(5), 1)
    assert next(results) == 0
    stop.request()
    with pytest.raises(WatchStopped):
        next(results)


def test_bad_sources_and_a_state_in_use_stop_the_watch_at_once(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    for bad, message in (("ftp://files.example/feed.rss", "only http"),
                         (str(tmp_path / "missing"), "no such file or folder")):  # fmt: skip
        with pytest.raises(WatchError, match=message):
            watch([bad], db, EVERY, cycles=1, quiet=True)
    with state_lock(default_state_path(db)), pytest.raises(WatchError, match="another"):
        watch([str(tmp_path)], db, EVERY, cycles=1, quiet=True)


def test_the_command(feeds: FeedServer, tmp_path: Path) -> None:
    assert DEFAULT_DB == "newsprism.db"  # the same default as `analyze --db`
    app = typer.Typer()
    app.command("watch")(watch_command)
    app.command("other")(lambda: None)  # two commands: `watch` stays a sub-command
    feeds.routes["/feed.rss"] = Route(rss([0, 1]), etag='"x"')
    db = str(tmp_path / "store.db")
    base = ["watch", "--db", db, "--workers", "1", "--no-understand", "--no-progress"]
    runner = CliRunner()

    done = runner.invoke(app, [*base, feeds.url + "/feed.rss", "--cycles", "1", "--every", "1m"])
    assert done.exit_code == 0, done.output
    assert "2 new article(s)" in done.output

    bad_every = runner.invoke(app, [*base, feeds.url + "/feed.rss", "--every", "often"])
    assert bad_every.exit_code == 2 and "30s, 10m" in bad_every.output
    bad_source = runner.invoke(app, [*base, "gopher://old.example/feed", "--cycles", "1"])
    assert bad_source.exit_code == 2 and "only http" in bad_source.output
