"""`newsprism serve`: every page type over a store analyzed once from articles invented here
(hostile ones included), as HTML and JSON, its errors, its search, its safety headers, and one
click-through in real Chromium."""

from __future__ import annotations

import html
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
    "story": ["Timeline", "11 March 2024", "contradicted", "Lena Hartmann", "<svg", "Its claims",
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
    _assert_only_our_scripts(body)
    lowered = _SCRIPT.sub("", body).lower()  # our scripts, checked above, left out
    for marker in HOSTILE_MARKERS:
        assert marker not in lowered, f"{name}: {marker} unescaped"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", lowered)
    # every "<" of the articles is escaped: a tag with an event handler can only be one of ours
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)
    # the hostile text is there, as text
    if name in ("evil_article", "evil_outlet"):
        assert "&lt;script&gt;" in body
        assert "&#34;&gt;&lt;img src=x onerror=alert(" in body


# The only scripts a page may have: the vendored Leaflet and map.js, as files, and the map's
# points as a JSON data block (never run; tojson leaves no "<" in it to close the block early).
OUR_SCRIPTS = {
    ' src="/static/vendor/leaflet.js" defer', ' src="/static/map.js" defer',
}  # fmt: skip
_SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S | re.I)
_DATA_BLOCK = re.compile(r'^ type="application/json" id="map-points-[a-z]+"$')


def _assert_only_our_scripts(body: str) -> None:
    for attrs, content in _SCRIPT.findall(body):
        if attrs in OUR_SCRIPTS:
            assert content == ""
        else:
            assert _DATA_BLOCK.match(attrs), attrs
            assert "<" not in content and ">" not in content
            assert isinstance(json.loads(content), list)
    assert body.lower().count("<script") == len(_SCRIPT.findall(body))


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


def test_dates_read_as_words_and_days(client: TestClient, ids: dict[str, Any]) -> None:
    # an event's TimeML value ("2031-03-14TAF") reads as words on the story page; tables show
    # an article's day, not its timestamp
    from newsprism.show.readable import timeml

    page = client.get(f"/story/{ids['story']}").text
    events = client.get(f"/api/story/{ids['story']}").json()["events"]
    valued = [e for e in events if e.get("first") and e.get("value")]
    assert valued
    for e in valued:
        assert timeml(e["value"]) in page.replace("&#39;", "'")
    articles = client.get(f"/api/story/{ids['story']}").json()["articles"]
    stamped = [a["published"] for a in articles if a.get("published") and "T" in a["published"]]
    for stamp in stamped:
        assert f"<td>{stamp[:10]}</td>" in page and stamp not in page
    # the story's days and an event's page read as words too, never as an ISO date
    story = client.get(f"/api/story/{ids['story']}").json()["story"]
    assert f" · {timeml(story['first'][:10])}" in page
    event = client.get(f"/api/event/{ids['event']}").json()["event"]
    shown = client.get(f"/event/{ids['event']}").text.replace("&#39;", "'")
    when = shown.split("When: <b>", 1)[1].split("</b>", 1)[0]
    for day in {event.get("first"), event.get("last")} - {None}:
        assert day not in when and timeml(day) in when


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


# -- charts and the map ----------------------------------------------------------------------

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HOSTILE_OUTLET = "Evil&#34;&gt;&lt;script&gt;alert(&#39;o&#39;)&lt;/script&gt; News"


def _chart(body: str, kind: str) -> str:
    found = re.search(rf'<svg class="chart {kind}".*?</svg>', body, re.S)
    assert found, f"no {kind} chart"
    return found.group(0)


def _map_points(body: str, name: str) -> list[dict[str, Any]]:
    found = re.search(
        rf'<script type="application/json" id="map-points-{name}">(.*?)</script>', body, re.S)
    assert found, f"no map data for {name}"
    return json.loads(found.group(1))


def test_home_chart_counts_articles_per_day_per_outlet(client: TestClient) -> None:
    svg = _chart(client.get("/").text, "heatmap")
    assert "Harbour Times · 2024-03-12: 1 article<" in svg
    assert "Elbe Courier · 2024-03-12: 1 article<" in svg
    assert "Northern Ledger · 2024-03-13: 1 article<" in svg
    assert "Spree Gazette · 2024-03-20: 1 article<" in svg
    assert "Harbour Times · 2024-03-13: 0 articles<" in svg
    assert svg.count('class="on"') == 5  # five articles, each of its own outlet
    assert ">2024-02-19<" in svg and ">2024-03-20<" in svg  # the 31 days to the last one
    assert 'href="/outlet/harbour-times"' in svg
    # the hostile outlet's name is text inside the SVG too
    assert f"{HOSTILE_OUTLET}: 1 article" in svg
    assert "<script" not in svg.lower() and "<img" not in svg.lower()


def test_story_chart_counts_its_verdicts(client: TestClient, ids: dict[str, Any]) -> None:
    from collections import Counter

    data = client.get(f"/api/story/{ids['story']}").json()
    assert len(data["claims"]) == len(data["story"]["claim_groups"])  # all of them, here
    expected = Counter(c["verdict"] for c in data["claims"])
    svg = _chart(client.get(f"/story/{ids['story']}").text, "stacked")
    assert expected["contradicted"] >= 1
    for verdict, n in expected.items():
        assert f">{verdict} {n}<" in svg  # the legend
        assert f"{verdict}: {n} claim" in svg  # the segment's tooltip
    assert svg.count("<rect") == 2 * len(expected)  # a segment and a legend key each


def test_outlet_charts(client: TestClient, ids: dict[str, Any]) -> None:
    days = _chart(client.get("/outlet/harbour-times").text, "columns")
    assert ">2024-03-12: 1 article<" in days and ">2024-03-11: 0 articles<" in days
    evil = client.get(f"/outlet/{ids['evil_outlet']}")
    assert f"articles of {HOSTILE_OUTLET} per day" in _chart(evil.text, "columns")
    for outlet_id in ("harbour-times", "elbe-courier", "northern-ledger", ids["evil_outlet"]):
        body = client.get(f"/outlet/{outlet_id}").text
        profile = client.get(f"/api/outlet/{outlet_id}").json()["profile"] or {}
        counts = profile.get("technique_counts") or []
        if not counts:
            assert 'class="chart bars"' not in body
            continue
        svg = _chart(body, "bars")
        for t in counts:
            name = t["technique"].replace("_", " ").replace(",", ", ")
            assert f">{name}: {t['count']}<" in svg
        assert svg.count("<rect") == len(counts)


def test_chart_labels_are_escaped_and_well_formed() -> None:
    from xml.etree import ElementTree

    from newsprism.web.charts import Bar, HeatRow, bar_chart, day_heatmap, stacked_bar

    evil = "<script>alert(1)</script>\"' & <img src=x onerror=alert(2)>"
    charts = [
        bar_chart([Bar(evil, 3, "/outlet/x?a=1&b=\"2")], evil),
        stacked_bar([Bar(evil, 2, css="v-related"), Bar("b", 1)], evil),
        day_heatmap([HeatRow(evil, {"2024-01-01": 2})], ["2024-01-01", "2024-01-02"], evil),
    ]
    for svg in charts:
        ElementTree.fromstring(str(svg))  # well-formed: nothing broke out of a text or attribute
        assert "<script" not in svg and "<img" not in svg and "&lt;script&gt;" in svg
        assert 'role="img"' in svg and "<title id=" in svg


def test_day_range_skips_future_and_partial_dates() -> None:
    from datetime import date

    from newsprism.web.charts import day_range

    days = ["2024-03-01", "2099-01-01", "2024-02", "", "2024-02-30"]
    assert day_range(days, 3, today=date(2025, 1, 1)) == ["2024-02-28", "2024-02-29", "2024-03-01"]
    # a corpus dated wholly in the future (the example corpus is set in 2031) still has its
    # chart: the window holding most of its days, which one stray 2099 does not pull away
    future = ["2031-03-14", "2031-03-15", "2031-03-16", "2099-01-01"]
    assert day_range(future, 3, today=date(2025, 1, 1)) == future[:3]
    assert day_range(["2099-01-01"], 3, today=date(2025, 1, 1))[-1] == "2099-01-01"
    assert day_range(["", "2024-02"], 3, today=date(2025, 1, 1)) == []


def test_map_data_blocks(client: TestClient, ids: dict[str, Any]) -> None:
    place_link = f"/place/{ids['place']}"
    points = _map_points(client.get(place_link).text, "place")
    assert len(points) == 1 and points[0]["label"] == "Hamburg"
    assert points[0]["link"] == place_link and abs(points[0]["lat"] - 53.55) < 0.1
    story = _map_points(client.get(f"/story/{ids['story']}").text, "story")
    hamburg = next(p for p in story if p["label"] == "Hamburg")
    assert hamburg["link"] == place_link and hamburg["count"] >= 1
    article = _map_points(client.get(f"/article/{ids['storm']}").text, "article")
    assert {"label": "Hamburg", "link": place_link}.items() <= next(
        p for p in article if p["label"] == "Hamburg").items()
    for name in ("place", "story", "article"):
        body = client.get(_pages(ids)[name]).text
        assert 'src="/static/vendor/leaflet.js"' in body and 'src="/static/map.js"' in body
        assert 'href="/static/vendor/leaflet.css"' in body
        assert '<svg class="map"' in body  # the map without JavaScript
    assert "leaflet" not in client.get("/search?q=storm").text  # no map, no script


def test_map_data_block_escapes_hostile_names() -> None:
    from markupsafe import Markup

    from newsprism.web.http import page_environment

    hostile = "</script><script>alert('x')</script> & <!-- \u2028 \"><img src=x>"
    template = page_environment().from_string(
        '{% from "_macros.html.j2" import map_figure %}{{ map_figure(svg, points, "t") }}')
    points = [{"lat": 1.5, "lon": 2.5, "label": hostile, "link": "/place/1", "count": 2}]
    html = template.render(svg=Markup('<svg class="map"></svg>'), points=points)
    _assert_only_our_scripts(html)
    assert _map_points(html, "t") == points


def test_csp_stays_strict_with_charts_and_map(client: TestClient, ids: dict[str, Any]) -> None:
    for name in ("home", "story", "article", "outlet", "place"):
        assert client.get(_pages(ids)[name]).headers["content-security-policy"] == STRICT_CSP
    assert client.get("/static/map.js").headers["content-security-policy"] == STRICT_CSP


@pytest.mark.parametrize(
    ("path", "media"),
    [("/static/map.js", "javascript"), ("/static/vendor/leaflet.js", "javascript"),
     ("/static/vendor/leaflet.css", "text/css"),
     ("/static/vendor/countries-110m.geo.json", "application/json")],
)  # fmt: skip
def test_map_files_are_served(client: TestClient, path: str, media: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and media in r.headers["content-type"]
    if path.endswith(".geo.json"):
        shapes = r.json()
        assert shapes["type"] == "FeatureCollection" and len(shapes["features"]) > 170


def test_static_files_are_package_data() -> None:
    import fnmatch
    import tomllib

    import newsprism

    root = Path(newsprism.__file__).parent
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    globs = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]["newsprism"]
    static = (root / "web" / "static").rglob("*")
    files = [f.relative_to(root).as_posix() for f in static if f.is_file()]
    assert "web/static/vendor/LICENSE-leaflet.txt" in files
    assert "web/static/vendor/LICENSE-world-atlas.txt" in files
    for rel in files:  # a setuptools glob's * stops at a slash, unlike fnmatch's
        assert any(fnmatch.fnmatchcase(rel, g) and rel.count("/") == g.count("/")
                   for g in globs), f"{rel} is not in the package data"  # fmt: skip


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


def test_an_untitled_article_is_named_by_outlet_and_file_never_by_id(
    store_path: Path, tmp_path: Path
) -> None:
    db = tmp_path / "untitled.db"
    shutil.copy(store_path, db)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "harbour_notice.txt").write_text(
        "The harbour of Hamburg reopened to ships on Monday after the storm, and the port "
        "authority said that the quays in the old district would stay closed for a week.\n",
        encoding="utf-8",
    )
    analyze(folder, db=db, workers=1, understand=False, outlet="Harbour Times").close()
    app = create_app(db)
    try:
        with TestClient(app) as c:
            found = c.get("/search", params={"q": "quays"})
            assert "Harbour Times: harbour_notice.txt" in found.text
            (row,) = c.get("/api/search", params={"q": "quays"}).json()["results"]
            assert row["id"] not in found.text.replace(f"/article/{row['id']}", "")
            corpus = c.get("/api").json()["corpus"]
            assert "T" not in (corpus["first"] + corpus["last"])  # days, not timestamps
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


@pytest.mark.browser
def test_leaflet_map_in_chromium(served: str, ids: dict[str, Any]) -> None:
    """The place and story pages draw a Leaflet map over the country shapes, under the strict
    CSP; without JavaScript the SVG map stays."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright's Python package is not installed"
    )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not at {CHROMIUM}: `make test` installs it")
    problems: list[str] = []
    place = f"{served}/place/{ids['place']}"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        page = browser.new_page()
        page.add_init_script("window.cspViolations = []; document.addEventListener("
                             "'securitypolicyviolation', e => window.cspViolations.push("
                             "e.violatedDirective + ' ' + e.blockedURI));")  # fmt: skip
        page.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url')}")
                if m.type == "error" or "newsprism" in m.text else None)  # fmt: skip
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)  # fmt: skip
        page.goto(place)
        page.wait_for_selector(".leaflet-container path.np-country", state="attached")
        assert page.locator(".leaflet-container path.np-country").count() > 170
        assert page.locator(".leaflet-container path.np-point").count() == 1
        assert not page.locator("svg.map").is_visible()  # the Leaflet map took its place
        page.locator("path.np-point").click()
        link = page.locator(".leaflet-popup-content a")
        assert link.inner_text() == "Hamburg"
        assert link.get_attribute("href") == f"/place/{ids['place']}"
        page.goto(f"{served}/story/{ids['story']}")
        page.wait_for_selector(".leaflet-container path.np-country", state="attached")
        assert page.locator(".leaflet-container path.np-point").count() >= 1
        violations = page.evaluate("window.cspViolations")
        no_js = browser.new_context(java_script_enabled=False).new_page()
        no_js.goto(place)
        assert no_js.locator("svg.map").is_visible()
        assert no_js.locator(".leaflet-container").count() == 0
        browser.close()
    problems = [m for m in problems if not m.endswith("/favicon.ico")]  # the app has none
    assert violations == [] and problems == [], (violations, problems)


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
            for path in (f"/story/{story}", "/outlet/harbour-times", "/"):
                r = c.get(path)
                assert r.status_code == 200
                _assert_only_our_scripts(r.text)
            assert "Harbour Times · 2024-03-12: 1 article<" in c.get("/").text  # the chart
            assert "/place/" in json.dumps(_map_points(c.get(f"/story/{story}").text, "story"))
            by_date = c.get("/api/search", params={"q": "storm", "order": "date"}).json()
            assert by_date["total"] >= 1 and by_date["results"]
    finally:
        app.state.store.close()
    # a store made before the articles' search vectors were stored still searches (by the
    # expression), and gets them at its next analyze
    engine = create_engine(database_url(pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE article DROP COLUMN search_vector")
    engine.dispose()
    app = create_app(pg_url)
    try:
        with TestClient(app, raise_server_exceptions=False) as c:
            found = c.get("/search", params={"q": "zebraquokka"})
            assert found.status_code == 200 and "<mark>zebraquokka</mark>" in found.text
    finally:
        app.state.store.close()
    analyze(source, db=pg_url, workers=1).close()
    engine = create_engine(database_url(pg_url))
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM article WHERE search_vector IS NOT NULL").scalar() == 5
    engine.dispose()


def test_an_actor_page_says_why_its_names_are_one_actor(tmp_path: Path) -> None:
    source = tmp_path / "names.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in [
        {"outlet": "Harbour Times", "title": "Dock strike spreads", "published": "2031-03-03",
         "text": "The Velmora Dockworkers Union (VDU) called a strike on Monday. President "
                 "Arvid Kessler said the strike was illegal."},
        {"outlet": "Coast Courier", "title": "Kessler hardens his line", "published": "2031-03-04",
         "text": "The VDU kept the port closed on Tuesday. Kessler said he would act."},
    ]), encoding="utf-8")  # fmt: skip
    db = tmp_path / "names.db"
    analyze(source, db=db, workers=1).close()
    from newsprism import open_corpus

    with open_corpus(db) as corpus:
        joined = [e for e in corpus.records("entity") if e.get("evidence")]
    assert joined, "the articles name an actor in two ways"
    app = create_app(db)
    with TestClient(app) as client:
        for entity in joined:
            page = html.unescape(client.get(f"/actor/{entity['id']}").text)
            assert "Why these names are one actor" in page
            for e in entity["evidence"]:
                assert f"\u201c{e.get('name') or e.get('merged')}\u201d: {e['kind']}" in page
                if e.get("article"):
                    assert f'href="/article/{e["article"]}"' in page
    app.state.store.close()


def test_an_actors_article_count_and_labels_match_its_records(client: TestClient,
                                                              store_path: Path) -> None:
    # the count is read from the entity index and the labels from the partial label index:
    # both must say what the records say
    store = open_store(store_path, existing=True)
    try:
        records = [r for r in store.span_records("mention") if r.get("entity_id")]
        labels = [r for r in store.span_records("label") if r.get("entity_id")]
    finally:
        store.close()
    named = {}
    for r in records:
        named.setdefault(r["entity_id"], set()).add(r["article_id"])
    for entity_id, articles in sorted(named.items(), key=lambda kv: -len(kv[1]))[:5]:
        data = client.get(f"/api/actor/{entity_id}").json()
        assert data["articles_total"] == len(articles), entity_id
    labelled = {r["entity_id"] for r in labels}
    for entity_id in sorted(labelled)[:5]:
        row = client.get(f"/api/actor/{entity_id}").json()["naming"]
        assert row is not None, entity_id


def test_a_timeline_names_articles_of_no_known_outlet_by_their_titles(tmp_path: Path) -> None:
    """Plain files carry no outlet: who tells an event is then its articles' titles, never
    "(unknown)", and the story says no outlet is named."""
    told = [
        "The gunman Karl Velm shot the hotel security guard six minutes before he opened fire "
        "on the festival crowd, police said on Tuesday.",
        "Karl Velm had already shot the security guard six minutes before opening fire on the "
        "festival crowd, the sheriff said on Tuesday.",
    ]
    source = tmp_path / "festival.jsonl"
    source.write_text("".join(
        json.dumps({"id": f"r{i}", "title": f"Festival gunman shot guard first, report {i}",
                    "published": "2031-05-02", "text": text}) + "\n"
        for i, text in enumerate(told)
    ), encoding="utf-8")  # fmt: skip
    db = tmp_path / "festival.db"
    with analyze(source, db=db, workers=1) as corpus:
        (story,) = corpus.stories()
        events = corpus.timeline()
    assert events and all(e["outlets"] == ["(unknown)"] for e in events)
    with TestClient(create_app(db)) as client:
        page = client.get(f"/story/{story['id']}").text
    assert "outlets: none named in its articles" in page
    row = page[page.index('id="ev-'):]
    row = row[: row.index("</tr>")]
    assert "(unknown)" not in row
    assert row.count('href="/article/') == len(events[0]["article_ids"]) >= 1
    assert "Festival gunman shot guard first, report" in row
