"""`newsprism serve`: every page type over a store analyzed once from articles invented here
(hostile ones included), as HTML and JSON, its errors, its search, its safety headers, and one
click-through in real Chromium."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from newsprism import analyze
from newsprism.cli import app as cli_app
from newsprism.store import open_store
from newsprism.web import create_app

# Invented for these tests: fictional people and outlets in real places (so they geocode).
ARTICLES = [
    {"id": "ht-1", "title": "Storm floods Hamburg harbour district", "outlet": "Harbour Times",
     "published": "2024-03-12", "url": "https://harbour-times.example/storm",
     "text": "HAMBURG — A storm flooded the harbour district of Hamburg on Monday, March 11, "
             "2024. The storm killed 12 people in Hamburg, police said. Mayor Lena Hartmann said "
             "the city would open three shelters. \"We are doing everything we can,\" Hartmann "
             "told reporters.\n\nRescue teams from Bremen arrived on Tuesday."},
    {"id": "ec-1", "title": "Twelve dead as storm hits Hamburg", "outlet": "Elbe Courier",
     "published": "2024-03-12", "url": "https://elbe-courier.example/twelve",
     "text": "A violent storm killed 12 people in Hamburg on Monday, March 11, 2024, according "
             "to the police. Mayor Lena Hartmann called the flood a disaster. The regime of red "
             "tape delayed the sandbags, critics said.\n\nVolunteers from Kiel joined the "
             "rescue."},
    {"id": "nl-1", "title": "Hamburg storm toll disputed", "outlet": "Northern Ledger",
     "published": "2024-03-13", "url": "https://northern-ledger.example/toll",
     "text": "The storm killed 30 people in Hamburg on Monday, March 11, 2024, a hospital "
             "official said. Mayor Lena Hartmann denied the reports of 30 deaths and said the "
             "toll was 12. The corrupt city hall has failed its citizens again, the opposition "
             "said."},
    {"id": "sg-1", "title": "Berlin council approves new tram line", "outlet": "Spree Gazette",
     "published": "2024-03-20", "url": "https://spree-gazette.example/tram",
     "text": "The Berlin city council approved a new tram line on Wednesday, March 20, 2024. "
             "The line will cost 300 million euros, councillor Jonas Weber said. Construction "
             "starts in Berlin next year."},
    # hostile: markup, script URLs, attribute breakers and SQL in title, outlet, URL, text and a
    # quote
    {"id": "evil-1",
     "title": "<script>alert('t')</script> Storm \"><img src=x onerror=alert(1)> zebraquokka",
     "outlet": "Evil\"><script>alert('o')</script> News", "published": "2024-03-14",
     "url": "javascript:alert('u')",
     "text": "Robert'); DROP TABLE article; -- said the storm in Hamburg was "
             "<script>alert('x')</script> a zebraquokka event. Click "
             "<a href=\"javascript:alert(2)\">here</a> or \"><img src=x onerror=alert(3)>. The "
             "storm killed 12 people in Hamburg on Monday, March 11, 2024, the fire brigade "
             "said. \"<script>alert('q')</script> was all we saw,\" Mayor Lena Hartmann said. "
             "' OR 1=1 --"},
]
HOSTILE_MARKERS = ("<script", "<img", "<a href=\"javascript", "href='javascript")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    db = folder / "web.db"
    analyze(source, db=db, workers=1).close()
    return db


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    app = create_app(store_path)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.store.close()


@pytest.fixture(scope="module")
def ids(store_path: Path) -> dict[str, Any]:
    store = open_store(store_path, existing=True)
    try:
        articles = {a["title"]: a["id"] for a in store.articles()}
        stories = sorted(store.stories(), key=lambda s: -s["size"])
        events = store.events(stories[0]["id"])
        groups = store.claim_groups()
        contradicted = next(g for g in groups if g["verdict"] == "contradicted")
        entities = {e["name"]: e["id"] for e in store.entities()}
        places = [r for r in store.span_records("place") if r.get("geonameid")]
        return {
            "storm": articles["Storm floods Hamburg harbour district"],
            "evil": next(i for t, i in articles.items() if "zebraquokka" in t),
            "story": stories[0]["id"], "event": events[0]["id"],
            "claim": contradicted["id"], "actor": entities["Lena Hartmann"],
            "outlet": "harbour-times",
            "evil_outlet": "evil-script-alert-o-script-news",
            "place": next(p["geonameid"] for p in places if p["name"] == "Hamburg"),
        }  # fmt: skip
    finally:
        store.close()


def _pages(ids: dict[str, Any]) -> dict[str, str]:
    return {
        "home": "/", "stories": "/stories", "search": "/search?q=storm",
        "story": f"/story/{ids['story']}", "article": f"/article/{ids['storm']}",
        "evil_article": f"/article/{ids['evil']}", "actor": f"/actor/{ids['actor']}",
        "claim": f"/claim/{ids['claim']}", "event": f"/event/{ids['event']}",
        "outlet": f"/outlet/{ids['outlet']}", "evil_outlet": f"/outlet/{ids['evil_outlet']}",
        "place": f"/place/{ids['place']}",
    }  # fmt: skip


EXPECTED = {
    "home": ['id="n-articles">5<', "Largest stories", "Hamburg", "contradicted"],
    "stories": ["Hamburg", "Articles", "largest first"],
    "search": ["<mark>storm</mark>", "Twelve dead as <mark>storm</mark> hits Hamburg"],
    "story": ["Timeline", "2024-03-11", "contradicted", "Lena Hartmann", "<svg", "Its claims",
              "How its outlets name its actors"],
    "article": ["Storm floods Hamburg harbour district", 'class="k-place"', "Harbour Times",
                "Its claims", "/actor/", "/place/"],
    "evil_article": ["zebraquokka", "&#39;); DROP", "OR 1=1 --"],
    "actor": ["Lena Hartmann", "Mayor", "How each outlet names", "Timeline", "Harbour Times"],
    "claim": ["For:", "Against:", "Northern Ledger", "killed 30 people", "killed 12 people",
              "contradicted"],
    "event": ["Told by", "Disputed by", "text", "90% sure", "Northern Ledger"],
    "outlet": ["Harbour Times", "Framing profile", "Storm floods Hamburg harbour district"],
    "evil_outlet": ["zebraquokka"],
    "place": ["Hamburg", "GeoNames", "<svg", "Events there", "Twelve dead as storm hits"],
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_page_type_renders(client: TestClient, ids: dict[str, Any], name: str) -> None:
    r = client.get(_pages(ids)[name])
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    for text in EXPECTED[name]:
        assert text in r.text, f"{name}: {text!r} missing"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_no_hostile_markup_ever_escapes(client: TestClient, ids: dict[str, Any], name: str) -> None:
    body = client.get(_pages(ids)[name]).text
    lowered = body.lower()
    for marker in HOSTILE_MARKERS:
        assert marker not in lowered, f"{name}: {marker} unescaped"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", lowered)
    # every "<" of the articles is escaped: a tag with an event handler can only be one of ours
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)
    assert "<script" not in lowered  # the app has no script at all
    # the hostile text is there, as text
    if name in ("evil_article", "evil_outlet"):
        assert "&lt;script&gt;" in body
        assert "&#34;&gt;&lt;img src=x onerror=alert(" in body


def test_hostile_json_is_data(client: TestClient, ids: dict[str, Any]) -> None:
    r = client.get(f"/api/article/{ids['evil']}")
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    record = r.json()["article"]
    assert record["url"] == "javascript:alert('u')"  # data, never a link
    assert record["title"].startswith("<script>")


@pytest.mark.parametrize("name", ["home", "search", "story", "article", "actor", "claim",
                                  "event", "outlet", "place", "stories"])
def test_json_for_every_page(client: TestClient, ids: dict[str, Any], name: str) -> None:
    path = _pages(ids)[name]
    api = client.get("/api" + path if path != "/" else "/api")
    accepted = client.get(path, headers={"Accept": "application/json"})
    assert api.status_code == accepted.status_code == 200
    assert api.headers["content-type"].startswith("application/json")
    assert api.json() == accepted.json()


def test_json_records_are_the_exports(client: TestClient, ids: dict[str, Any],
                                      store_path: Path) -> None:
    from newsprism import open_corpus

    with open_corpus(store_path) as corpus:
        exported = {(r["type"], r["id"]): r for r in corpus.records()}
        timeline = corpus.timeline(story=ids["story"])
    article = client.get(f"/api/article/{ids['storm']}").json()
    assert article["article"] == json.loads(json.dumps(exported[("article", ids["storm"])]))
    story = client.get(f"/api/story/{ids['story']}").json()
    assert story["story"] == exported[("story", ids["story"])]
    assert [e["id"] for e in story["events"]] == [e["id"] for e in timeline]
    claim = client.get(f"/api/claim/{ids['claim']}").json()
    assert claim["claim"] == exported[("claim", ids["claim"])]
    event = client.get(f"/api/event/{ids['event']}").json()
    assert event["event"] == exported[("event", ids["event"])]
    actor = client.get(f"/api/actor/{ids['actor']}").json()
    assert actor["entity"] == exported[("entity", ids["actor"])]
    with open_corpus(store_path) as corpus:
        own = corpus.timeline(actor=ids["actor"])
    assert [e["id"] for e in actor["timeline"]] == [e["id"] for e in own]


def test_home_counts(client: TestClient) -> None:
    data = client.get("/api").json()["corpus"]
    assert data["articles"] == 5
    assert data["outlets"] == 5
    assert data["first"] == "2024-03-12" and data["last"] == "2024-03-20"
    assert data["verdicts"].get("contradicted", 0) >= 1


def test_search_finds_a_word_and_highlights_it(client: TestClient) -> None:
    r = client.get("/search", params={"q": "zebraquokka"})
    assert r.status_code == 200
    assert "<mark>zebraquokka</mark>" in r.text
    assert ">1 article match" in r.text
    data = client.get("/api/search", params={"q": "zebraquokka"}).json()
    assert data["total"] == 1 and "zebraquokka" in data["results"][0]["snippet"]


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"q": "storm"}, 4),
        ({"q": "storm", "outlet": "elbe-courier"}, 1),
        ({"q": "storm", "since": "2024-03-13"}, 2),
        ({"q": "storm", "until": "2024-03-12"}, 2),
        ({"q": "storm", "since": "2024-03", "until": "2024-03"}, 4),
        ({"q": "tram", "language": "en"}, 1),
        ({"q": "tram", "language": "de"}, 0),
        ({"verdict": "contradicted"}, None),
        ({"q": "\"killed 12\""}, 3),
        ({"q": "zebra*"}, 1),
        ({"q": "'); DROP TABLE article; --"}, 1),
        ({"q": "\" OR 1=1 NEAR( *"}, None),
        ({"q": "...!!!"}, 0),
        ({"q": "storm", "order": "date", "size": "1", "page": "2"}, 4),
    ],
)
def test_search_filters(client: TestClient, params: dict[str, str], total: int | None) -> None:
    r = client.get("/api/search", params=params)
    assert r.status_code == 200, r.text
    data = r.json()
    if total is not None:
        assert data["total"] == total
    assert len(data["results"]) <= int(params.get("size", 20))


def test_search_by_actor_and_place(client: TestClient, ids: dict[str, Any]) -> None:
    by_actor = client.get("/api/search", params={"actor": ids["actor"]}).json()
    assert by_actor["total"] == 4
    by_place = client.get("/api/search", params={"place": ids["place"]}).json()
    assert by_place["total"] == 4
    assert client.get("/api/search", params={"q": "storm", "order": "date"}).json()[
        "results"][0]["published"] == "2024-03-14"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/story/story-nope", 404), ("/article/0000", 404), ("/actor/actor:999999", 404),
        ("/claim/gnope", 404), ("/event/enope", 404), ("/outlet/no-such-outlet", 404),
        ("/place/1", 404), ("/place/abc", 404), ("/article/%3Cscript%3E", 404),
        ("/no/such/page", 404), ("/static/..%2fapp.py", 404), ("/static/%2e%2e/app.py", 404),
        ("/static/../../queries.py", 404),
        ("/search?since=2024-13-40", 400), ("/search?until=yesterday", 400),
        ("/search?verdict=true", 400), ("/search?page=0", 400), ("/search?page=x", 400),
        ("/search?size=100000", 400), ("/search?page=9999", 400), ("/search?outlet=nope", 400),
        ("/search?actor=nope", 400), ("/search?place=x1", 400), ("/search?language=%3Cb%3E", 400),
        ("/search?order=random", 400), ("/search?q=" + "a" * 600, 400),
        ("/stories?order=worst", 400),
    ],
)  # fmt: skip
def test_bad_ids_and_parameters(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert "Traceback" not in r.text
    assert "content-security-policy" in r.headers
    if not path.startswith("/static"):
        as_json = client.get(path, headers={"Accept": "application/json"})
        assert as_json.status_code == status
        assert as_json.json()["status"] == status


def test_writes_are_refused(client: TestClient) -> None:
    r = client.post("/search", data={"q": "x"})
    assert r.status_code == 405
    assert "Traceback" not in r.text


def test_security_headers(client: TestClient, ids: dict[str, Any]) -> None:
    for path in ("/", "/static/style.css", "/nope", f"/article/{ids['evil']}", "/api"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "mark.k-place" in css.text


def test_no_remote_assets(client: TestClient, ids: dict[str, Any]) -> None:
    for path in _pages(ids).values():
        body = client.get(path).text
        assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", body), path
        assert " style=" not in body  # the CSP forbids inline style: CSS is a static file


def test_merged_story_id_redirects(client: TestClient, ids: dict[str, Any],
                                   store_path: Path) -> None:
    store = open_store(store_path, existing=True)
    try:
        aliases = store.story_aliases()
    finally:
        store.close()
    if not aliases:
        pytest.skip("no merged story in this corpus")
    alias, live = next(iter(aliases.items()))
    r = client.get(f"/story/{alias}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(live)


def test_new_articles_show_on_reload(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "growing.db"
    shutil.copy(store_path, db)
    app = create_app(db)
    try:
        with TestClient(app) as c:
            assert c.get("/api").json()["corpus"]["articles"] == 5
            more = tmp_path / "more.jsonl"
            more.write_text(json.dumps({
                "id": "x", "title": "Harbour reopens in Hamburg", "outlet": "Harbour Times",
                "published": "2024-03-18", "text": "The harbour of Hamburg reopened on "
                "Monday, March 18, 2024, after the storm, a port spokesman said."}) + "\n",
                encoding="utf-8")  # fmt: skip
            analyze(more, db=db, workers=1, understand=False).close()
            home = c.get("/")
            assert 'id="n-articles">6<' in home.text
            assert "Harbour reopens in Hamburg" in home.text
            found = c.get("/api/search", params={"q": "reopened"}).json()
            assert found["total"] == 1  # the run brought the search index up to date
    finally:
        app.state.store.close()


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no store at" in result.output
    assert not (tmp_path / "none.db").exists()


# -- in a real browser -------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(store_path: Path) -> Iterator[str]:
    import uvicorn

    app = create_app(store_path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    app.state.store.close()


@pytest.mark.browser
def test_click_through_in_chromium(served: str, ids: dict[str, Any]) -> None:
    """home → search → story → event → article → actor → outlet, in headless Chromium."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright's Python package is not installed"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not at {CHROMIUM}: `make test` installs it")
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
        page.goto(served + "/")
        assert page.locator("#n-articles").inner_text() == "5"
        page.fill("nav.top input[name=q]", "storm")
        page.click("nav.top button")
        page.wait_for_url("**/search?q=storm")
        assert page.locator("ol.results mark").first.inner_text().lower() == "storm"
        page.locator("a.story-link").first.click()
        page.wait_for_url("**/story/**")
        assert "Timeline" in page.content()
        page.locator("table.timeline a[href^='/event/']").first.click()
        page.wait_for_url("**/event/**")
        assert "Told by" in page.content()
        page.locator(".span-text a[href^='/article/']").first.click()
        page.wait_for_url("**/article/**")
        assert page.locator("mark.k-place").count() > 0
        page.locator("a[href^='/actor/']", has_text="Hartmann").first.click()
        page.wait_for_url("**/actor/**")
        assert page.locator("h1").inner_text() == "Lena Hartmann"
        page.locator("table.naming a[href^='/outlet/']").first.click()
        page.wait_for_url("**/outlet/**")
        assert "Framing profile" in page.content()
        # the hostile article: its markup stays text, nothing runs
        page.goto(served + f"/article/{ids['evil']}")
        assert "<script>alert('t')</script>" in page.locator("h1").inner_text()
        assert page.locator("img").count() == 0
        browser.close()
    assert not [m for m in problems if "Content Security Policy" in m or "dialog" in m], problems


@pytest.mark.postgres
def test_pages_and_search_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from newsprism.store.schema import metadata
    from newsprism.store.store import database_url

    engine = create_engine(database_url(pg_url))
    metadata.drop_all(engine)
    engine.dispose()
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    analyze(source, db=pg_url, workers=1).close()
    app = create_app(pg_url)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            found = c.get("/search", params={"q": "zebraquokka"})
            assert found.status_code == 200 and "<mark>zebraquokka</mark>" in found.text
            data = c.get("/api/search", params={"q": "storm", "outlet": "elbe-courier"}).json()
            assert data["total"] == 1
            assert c.get("/api/search", params={"q": "\" OR 1=1 --"}).status_code == 200
            home = c.get("/api").json()["corpus"]
            assert home["articles"] == 5
            story = c.get("/api/stories").json()["stories"][0]["id"]
            for path in (f"/story/{story}", "/outlet/harbour-times"):
                r = c.get(path)
                assert r.status_code == 200 and "<script" not in r.text.lower()
    finally:
        app.state.store.close()
