"""The ASGI app of `newsprism serve`: server-rendered pages over a store, each also JSON (with
`Accept: application/json`, or under /api/...). Read-only; every article, title, outlet name,
URL and speaker is untrusted: Jinja autoescapes everything, a Content-Security-Policy forbids
inline script and other origins, article URLs are shown as text, never linked or fetched."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from newsprism.crosscheck.verdicts import VERDICTS
from newsprism.show.highlight import Mark, highlight, mark_note
from newsprism.show.svgmap import MapPoint, on_the_map, svg_map
from newsprism.store import Store, open_store
from newsprism.web.charts import (
    Bar,
    HeatRow,
    bar_chart,
    day_columns,
    day_heatmap,
    day_range,
    stacked_bar,
)
from newsprism.web.http import (
    ID,
    LANGUAGE,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    PAGE_SIZE,
    BadRequest,
    NotFound,
    Page,
    SecurityHeaders,
    day_param,
    json_response,
    page_environment,
    page_links,
    paging,
    path_id,
    text_param,
    unmarked,
    wants_json,
)
from newsprism.web.queries import CHART_ARTICLES, MAX_ITEMS, MAX_SCAN, Reader
from newsprism.web.query_bounds import QueryTimeout, bound_queries, concurrently, deadline

log = logging.getLogger("newsprism.web")
STATIC = Path(__file__).parent / "static"
# Why an actor's names are one actor: the evidence of its first names shown on its page (the
# whole list is in its JSON and the exports)
IDENTITY_SHOWN = 50
KIND_ORDER = ("mention", "place", "timeref", "quantity", "attribution")
ANCHOR_PREFIX = {"label": "l", "technique": "t"}
HEATMAP_DAYS = 31  # the home page's articles per day per outlet: a month...
HEATMAP_OUTLETS = 8  # ...of the outlets with most articles in it
OUTLET_DAYS = 60  # an outlet's articles per day



# -- templates -------------------------------------------------------------------------------


# -- the app ---------------------------------------------------------------------------------


class WebApp:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.reader = Reader(store)
        self.env = page_environment()

    # -- rendering -----------------------------------------------------------------------------

    def render(self, request: Request, page: Page, status: int = 200) -> Response:
        html = self.env.get_template(page.template).render(
            **page.context, title=page.title, request_path=request.url.path,
            store_url=self.store.url,
        )  # fmt: skip
        return HTMLResponse(html, status, headers={"vary": "Accept"})

    def error(self, request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return json_response({"error": message, "status": status}, status)
        titles = {400: "Bad request", 404: "Not found", 500: "Error", 503: "Try again"}
        page = Page("error.html.j2", {"status": status, "message": message}, None,
                    title=titles.get(status, "Error"))  # fmt: skip
        return self.render(request, page, status)

    def view(self, handler: Callable[[Request], Page]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                page = await run_in_threadpool(self._run, handler, request)
            except HTTPException as exc:
                return self.error(request, exc.status_code, str(exc.detail))
            except QueryTimeout as exc:
                return self.error(request, 503, str(exc))
            except OperationalError as exc:
                if "interrupted" in str(exc) or "statement timeout" in str(exc):
                    return self.error(request, 503, "the store took too long to answer: narrow "
                                      "the search or try again")  # fmt: skip
                log.exception("store error on %s", request.url.path)
                return self.error(request, 503, "the store cannot be read just now")
            except SQLAlchemyError:
                log.exception("store error on %s", request.url.path)
                return self.error(request, 503, "the store cannot be read just now")
            except Exception:  # logged; the browser gets a page, not a traceback
                log.exception("error on %s", request.url.path)
                return self.error(request, 500, "something went wrong on this page; it is logged")
            if page.redirect:
                return RedirectResponse(page.redirect, 303)
            if wants_json(request):
                return json_response(page.data)
            return self.render(request, page)

        return endpoint

    @staticmethod
    def _run(handler: Callable[[Request], Page], request: Request) -> Page:
        with deadline():
            return handler(request)

    # -- pages ---------------------------------------------------------------------------------

    def home(self, request: Request) -> Page:
        r = self.reader
        overview = r.overview()
        largest = r.stories_page("largest", 10, 0)
        latest = r.stories_page("latest", 10, 0)
        articles = r.latest_articles(10)
        outlets = r.outlet_list()[:20]
        total = sum(overview["verdicts"].values()) or 1
        bars = [(v, overview["verdicts"].get(v, 0), overview["verdicts"].get(v, 0) / total)
                for v in VERDICTS]  # fmt: skip
        data = {"corpus": overview, "largest_stories": largest, "latest_stories": latest,
                "latest_articles": articles, "outlets": outlets}  # fmt: skip
        context = {**data, "bars": bars, "per_day": self._per_day_chart(overview["articles"])}
        return Page("home.html.j2", context, data, title="newsprism")

    def _per_day_chart(self, articles: int) -> dict[str, Any]:
        """The home page's heatmap of articles per day per outlet, and what it covers."""
        per_outlet: dict[str | None, Counter[str]] = defaultdict(Counter)
        names: dict[str | None, str] = {}
        for r in self.reader.articles_per_day():
            per_outlet[r["outlet_id"]][r["day"] or ""] += r["articles"]
            names[r["outlet_id"]] = r["outlet"] or r["outlet_id"] or "(no outlet)"
        days = day_range((d for c in per_outlet.values() for d in c), HEATMAP_DAYS)
        busiest = sorted(per_outlet, key=lambda o: (-sum(per_outlet[o][d] for d in days),
                                                    names[o]))  # fmt: skip
        rows = [
            HeatRow(names[o], per_outlet[o], f"/outlet/{quote(o, safe='')}" if o else None)
            for o in busiest[:HEATMAP_OUTLETS] if any(per_outlet[o][d] for d in days)
        ]  # fmt: skip
        span = f"{days[0]} to {days[-1]}" if days else ""
        title = f"articles per day of the {len(rows)} busiest outlets, {span}"
        return {
            "svg": day_heatmap(rows, days, title, width=860),
            "sampled": articles > CHART_ARTICLES, "sample": CHART_ARTICLES,
        }  # fmt: skip

    def stories(self, request: Request) -> Page:
        order = text_param(request, "order") or "largest"
        if order not in ("largest", "latest"):
            raise BadRequest("order is largest or latest")
        page, size, offset = paging(request)
        rows = self.reader.stories_page(order, size, offset)
        total = self.reader.overview()["stories"]
        data = {"order": order, "page": page, "size": size, "total": total, "stories": rows}
        context = {**data, "pages": page_links(request, page, size, total)}
        return Page("stories.html.j2", context, data, title="Stories")

    def search(self, request: Request) -> Page:
        words = text_param(request, "q", MAX_QUERY_CHARS)
        outlet_id = text_param(request, "outlet")
        language = text_param(request, "language", 20)
        since, until = day_param(request, "since"), day_param(request, "until")
        verdict = text_param(request, "verdict", 20)
        actor = text_param(request, "actor")
        place = text_param(request, "place", 20)
        order = text_param(request, "order", 20) or "relevance"
        if order not in ("relevance", "date"):
            raise BadRequest("order is relevance or date")
        if verdict is not None and verdict not in VERDICTS:
            raise BadRequest(f"verdict must be one of {', '.join(VERDICTS)}")
        if language is not None and not LANGUAGE.match(language):
            raise BadRequest("language is a code such as en, de or pt-BR")
        if place is not None and not place.isdigit():
            raise BadRequest("place is a GeoNames id (digits)")
        if actor is not None and (not ID.match(actor) or self.reader.entity(actor) is None):
            raise BadRequest(f"no actor {actor!r} in this store")
        if outlet_id is not None and (
            not ID.match(outlet_id) or self.reader.outlet(outlet_id) is None
        ):
            raise BadRequest(f"no outlet {outlet_id!r} in this store")
        page, size, offset = paging(request)
        entity_id = f"geonames:{place}" if place else actor
        if actor and place:
            raise BadRequest("filter by an actor or a place, not both at once")
        rows, total = self.store.search_articles(
            words, outlet_id=outlet_id, language=language, since=since, until=until,
            verdict=verdict, entity_id=entity_id, order=order, limit=size, offset=offset,
        )  # fmt: skip
        status = self.store.search_status()
        stories = self.reader.stories_of(r["id"] for r in rows)
        story_titles = self.reader.story_titles(stories.values())
        for r in rows:
            r["story_id"] = stories.get(r["id"])
        filters = {"q": words, "outlet": outlet_id, "language": language, "since": since,
                   "until": until, "verdict": verdict, "actor": actor, "place": place,
                   "order": order}  # fmt: skip
        results = [
            {**{k: v for k, v in r.items() if k not in ("title_marked", "snippet")},
             "snippet": unmarked(r.get("snippet"))}
            for r in rows
        ]  # fmt: skip
        data = {"filters": filters, "page": page, "size": size, "total": total,
                "more": total > 10_000, "index": status, "results": results}  # fmt: skip
        context = {
            **data, "rows": rows, "pages": page_links(request, page, size, min(total, 10_000)),
            "story_titles": story_titles,
            "outlets": self.reader.outlet_list(),
            "actor_name": (self.reader.entity(actor) or {}).get("name") if actor else None,
        }  # fmt: skip
        title = f"Search: {words}" if words else "Search"
        return Page("search.html.j2", context, data, title=title)

    def story(self, request: Request) -> Page:
        story_id = path_id(request)
        record = self.reader.story(story_id)
        if record is None:
            raise NotFound(f"no story {story_id} in this store")
        if record["id"] != story_id:  # merged into another: its stable URL leads there
            prefix = "/api" if request.url.path.startswith("/api/") else ""
            return Page("", {}, None, redirect=f"{prefix}/story/{quote(record['id'], safe='')}")
        events = self.reader.events(record["id"])
        claims = self.reader.claims((record.get("claim_groups") or ())[:MAX_ITEMS])
        members = list(record["article_ids"] or ())
        meta = self.reader.article_meta(members[:MAX_ITEMS])
        points = self._story_points(events[:MAX_ITEMS])
        verdicts = self.reader.verdict_counts(record.get("claim_groups") or ())
        data = {"story": record, "events": events, "claims": claims,
                "articles": [meta[a] for a in members[:MAX_ITEMS] if a in meta]}  # fmt: skip
        context = {
            **data, "shown_events": events[:MAX_ITEMS], "meta": meta,
            "titles": self.reader.article_meta(
                e["article_id"] for ev in events[:MAX_ITEMS] for e in ev["evidence"] or ()),
            "map": svg_map(points, width=640,
                           title=f"places of {record['title'] or record['id']}"),
            "map_points": _leaflet(points),
            "verdict_chart": stacked_bar(
                [Bar(v, verdicts.get(v, 0), css=f"v-{v}") for v in VERDICTS],
                title=f"its claims by verdict: {_verdict_summary(verdicts)}"),
            "naming": self.reader.story_naming(record), "max_items": MAX_ITEMS,
            "max_scan": MAX_SCAN,
        }  # fmt: skip
        return Page("story.html.j2", context, data, title=record["title"] or record["id"])

    def _story_points(self, events: list[dict[str, Any]]) -> list[MapPoint]:
        """The places of the events, sized by how many events name each, linked to their
        place pages."""
        named = Counter(p["name"] for e in events for p in e["places"] or ()
                        if p.get("lat") is not None)  # fmt: skip
        at = {p["name"]: (p["lat"], p["lon"]) for e in events for p in e["places"] or ()
              if p.get("lat") is not None}  # fmt: skip
        ids = self.reader.place_ids(
            a for e in events if e["places"] for a in e["article_ids"] or ())
        points = []
        for name, (lat, lon) in at.items():
            geonameid = ids.get((round(lat, 4), round(lon, 4)))
            link = f"/place/{geonameid}" if geonameid else None
            points.append(MapPoint(lat, lon, name, link, named[name]))
        return points

    def article(self, request: Request) -> Page:
        article_id = path_id(request)
        record = self.reader.article(article_id)
        if record is None:
            raise NotFound(f"no article {article_id} in this store")
        spans = self.reader.spans(article_id)
        claims = self.reader.article_groups(article_id)
        story = self.reader.article_story(article_id)
        copies = self.reader.copies(article_id, record["duplicate_group"])
        anchors: dict[int, list[str]] = {}
        for c in claims:
            for e in (*c["evidence"], *(c.get("related") or ())):
                if e["article_id"] == article_id:
                    anchors.setdefault(e["start"], []).append(f"c-{e['claim_id']}")
        for r in spans:
            if r["type"] in ANCHOR_PREFIX and r.get("field") != "title":
                anchors.setdefault(r["start"], []).append(f"{ANCHOR_PREFIX[r['type']]}-{r['id']}")
        text = highlight(
            record["text"],
            (Mark(r["start"], r["end"], r["type"], mark_note(r), r["id"])
             for r in spans if r["type"] in KIND_ORDER),
            anchors,
        )  # fmt: skip
        by_kind = {k: [r for r in spans if r["type"] == k] for k in (*KIND_ORDER, "label")}
        techniques = sorted((r for r in spans if r["type"] == "technique"),
                            key=lambda r: (r.get("field") != "title", r["start"]))  # fmt: skip
        points = [MapPoint(r["lat"], r["lon"], r.get("name") or r["text"],
                           f"/place/{r['geonameid']}")
                  for r in by_kind["place"] if on_the_map(r) and r.get("geonameid")]
        data = {"article": record, "records": spans, "claims": claims, "story": story,
                "copies": copies}  # fmt: skip
        context = {
            **data, "text": text, "by_kind": by_kind, "techniques": techniques,
            "map": svg_map(points, width=420, title="places in this article"),
            "map_points": _leaflet(points),
            "titles": self.reader.article_meta(
                e["article_id"] for c in claims for e in c["evidence"]),
        }  # fmt: skip
        return Page("article.html.j2", context, data,
                    title=record["title"] or record["source"])  # fmt: skip

    def actor(self, request: Request) -> Page:
        entity_id = path_id(request)
        record = self.reader.entity(entity_id)
        if record is None:
            raise NotFound(f"no actor {entity_id} in this store")
        if record["entity_type"] == "place" and record.get("geonameid"):
            prefix = "/api" if request.url.path.startswith("/api/") else ""
            return Page("", {}, None, redirect=f"{prefix}/place/{record['geonameid']}")
        r = self.reader
        mentions, naming, (timeline, timeline_total), (articles, total) = concurrently(
            lambda: r.mention_count(entity_id),
            lambda: r.naming_row(entity_id, record),
            lambda: r.events_of_entity(entity_id),
            lambda: self.store.search_articles(None, entity_id=entity_id, limit=PAGE_SIZE),
        )
        naming_data = None
        if naming:
            naming_data = {k: v for k, v in naming.items() if k not in ("articles", "columns")}
        data = {"entity": record, "mentions": mentions, "naming": naming_data,
                "timeline": timeline, "timeline_total": timeline_total,
                "articles": articles, "articles_total": total}  # fmt: skip
        why = (record.get("evidence") or [])[:IDENTITY_SHOWN]
        context = {
            **data, "naming_full": naming, "max_scan": MAX_SCAN, "identity": why,
            "identity_titles": self.reader.article_meta(e["article"] for e in why
                                                        if e.get("article")),
            "story_titles": self.reader.story_titles(e["story_id"] for e in timeline),
        }  # fmt: skip
        return Page("actor.html.j2", context, data, title=record["name"])

    def claim(self, request: Request) -> Page:
        group_id = path_id(request)
        found = self.reader.claims([group_id])
        if not found:
            raise NotFound(f"no claim {group_id} in this store")
        record = found[0]
        told = [*record["evidence"], *(record.get("related") or ())]
        titles = self.reader.article_meta(e["article_id"] for e in told)
        stories = self.reader.stories_of(list(record["articles"] or ())[:MAX_SCAN])
        events = self.reader.events_with_groups(set(stories.values()), group_id)
        data = {"claim": record, "events": events}
        subject = (record.get("statement") or {}).get("subject")
        context = {**data, **_sides(record["evidence"]), "titles": titles,
                   "related": record.get("related") or [],
                   # an actor's name, not its id ("actor:000012")
                   "subject_name": self.reader.entity_names([subject]).get(subject, subject),
                   "stories": self.reader.story_titles(set(stories.values()))}  # fmt: skip
        return Page("claim.html.j2", context, data, title="Claim")

    def event(self, request: Request) -> Page:
        event_id = path_id(request)
        record = self.reader.event(event_id)
        if record is None:
            raise NotFound(f"no event {event_id} in this store")
        claims = self.reader.claims(record["group_ids"] or ())
        stance = {e["claim_id"]: e for c in claims for e in c["evidence"]}
        evidence = [{**stance.get(e.get("claim_id"), {}), **e} for e in record["evidence"] or ()]
        for c in claims:  # the disputes of its claims are the other side of the event
            known = {e.get("claim_id") for e in evidence}
            evidence += [e for e in c["evidence"]
                         if e["stance"] == "disputes" and e["claim_id"] not in known]
        titles = self.reader.article_meta(e["article_id"] for e in evidence)
        story = self.reader.story_titles([record["story_id"]])
        data = {"event": record, "claims": claims}
        context = {**data, **_sides(evidence), "titles": titles,
                   "story_title": story.get(record["story_id"])}  # fmt: skip
        return Page("event.html.j2", context, data, title=record["statement"] or "Event")

    def outlet(self, request: Request) -> Page:
        outlet_id = path_id(request)
        row = self.reader.outlet(outlet_id)
        if row is None:
            raise NotFound(f"no outlet {outlet_id} in this store")
        page, size, offset = paging(request)
        articles, total = self.store.search_articles(
            None, outlet_id=outlet_id, limit=size, offset=offset)
        profile = self.reader.outlet_profile(outlet_id) if page == 1 else None
        data = {"outlet": row, "profile": profile and profile["column"],
                "naming": profile and profile["rows"], "page": page, "size": size,
                "articles": articles}  # fmt: skip
        context = {**data, "scanned": profile and profile["scanned"],
                   **(_outlet_charts(row["name"], profile) if profile else {}),
                   "titles": profile["titles"] if profile else {},
                   "pages": page_links(request, page, size, min(total, MAX_OFFSET)),
                   "max_scan": MAX_SCAN}  # fmt: skip
        return Page("outlet.html.j2", context, data, title=row["name"])

    def place(self, request: Request) -> Page:
        raw = request.path_params["id"]
        if not raw.isdigit() or len(raw) > 12:
            raise NotFound("a place is a GeoNames id (digits)")
        geonameid = int(raw)
        entity_id = f"geonames:{geonameid}"
        # The place's entity holds its name, point and every spelling: reading its thousands of
        # mentions for them took the most of the page for a country (135 ms of 300 at 100k
        # articles on PostgreSQL). Its mentions are only read where it has no entity.
        record = self.reader.entity(entity_id)
        spans = [] if record is not None else self.reader.place_spans(geonameid)
        if not spans and record is None:
            raise NotFound(f"no place {geonameid} in this store")
        page, size, offset = paging(request)
        mentions, (articles, total), (events, events_total) = concurrently(
            lambda: self.reader.mention_count(entity_id) if record is not None else len(spans),
            lambda: self.store.search_articles(None, entity_id=entity_id, limit=size,
                                               offset=offset),
            lambda: self.reader.events_of_entity(entity_id),
        )  # fmt: skip
        known = record or spans[0]
        place = {
            "geonameid": geonameid, "entity_id": entity_id, "name": known.get("name"),
            "lat": known.get("lat"), "lon": known.get("lon"), "country": known.get("country"),
            "admin1": known.get("admin1"),
            "spellings": sorted(record["aliases"] if record else {s["text"] for s in spans}),
            "mentions": mentions,
        }  # fmt: skip
        points = []
        if place["lat"] is not None:
            points.append(MapPoint(place["lat"], place["lon"], place["name"] or raw,
                                   f"/place/{geonameid}", max(1, place["mentions"])))
        data = {"place": place, "entity": record, "articles": articles, "page": page,
                "size": size, "events": events, "events_total": events_total}  # fmt: skip
        context = {
            **data, "pages": page_links(request, page, size, min(total, MAX_OFFSET)),
            "map": svg_map(points, width=560, title=f"map of {place['name'] or raw}"),
            "map_points": _leaflet(points),
            "story_titles": self.reader.story_titles(e["story_id"] for e in events),
        }  # fmt: skip
        return Page("place.html.j2", context, data, title=place["name"] or raw)


def _leaflet(points: Iterable[MapPoint]) -> list[dict[str, Any]]:
    """The points of a page's Leaflet map (static/map.js), for a JSON data block: one per
    place (an article naming a town twice gets one dot, counted twice)."""
    merged: dict[tuple[float, float, str, str | None], int] = Counter()
    for p in points:
        if p.lat is not None and p.lon is not None:
            merged[(round(p.lat, 5), round(p.lon, 5), p.label, p.link)] += p.count
    return [
        {"lat": lat, "lon": lon, "label": label, "link": link, "count": n}
        for (lat, lon, label, link), n in merged.items()
    ][:MAX_ITEMS]  # fmt: skip


def _verdict_summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[v]:,} {v}" for v in VERDICTS if counts.get(v)) or "none"


def _outlet_charts(name: str, profile: dict[str, Any]) -> dict[str, Markup]:
    """The outlet's articles per day and its persuasion techniques, over the articles its
    profile read."""
    days = day_range(profile["days"], OUTLET_DAYS)
    techniques = [
        Bar(t["technique"].replace("_", " ").replace(",", ", "), t["count"], _first_link(t))
        for t in (profile["column"] or {}).get("technique_counts") or ()
    ]  # fmt: skip
    span = f"{days[0]} to {days[-1]}" if days else ""
    return {
        "days_chart": day_columns(profile["days"], days, f"articles of {name} per day, {span}"),
        "techniques_chart": bar_chart(techniques, f"persuasion techniques in {name}"),
    }


def _first_link(technique: dict[str, Any]) -> str | None:
    first = technique.get("first") or {}
    if not first.get("article_id"):
        return None
    anchor = "" if first.get("field") == "title" else f"#t-{quote(str(first.get('id')))}"
    return f"/article/{quote(first['article_id'], safe='')}{anchor}"


def _sides(evidence: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Evidence spans for a statement and against it (stance `disputes`), and the outlets
    on each side."""
    against = [e for e in evidence if e.get("stance") == "disputes"]
    support = [e for e in evidence if e.get("stance") != "disputes"]
    return {
        "support": support, "against": against,
        "outlets_for": sorted({e.get("outlet") or "(unknown outlet)" for e in support}),
        "outlets_against": sorted({e.get("outlet") or "(unknown outlet)" for e in against}),
    }  # fmt: skip


def create_app(target: str | Path | Store) -> Starlette:
    """The app over the store at `target` (a SQLite path or PostgreSQL URL, which must exist:
    StoreError otherwise), or over an open Store."""
    store = target if isinstance(target, Store) else open_store(target, existing=True)
    bound_queries(store)
    web = WebApp(store)
    pages: list[tuple[str, Callable[[Request], Page]]] = [
        ("/", web.home), ("/stories", web.stories), ("/search", web.search),
        ("/story/{id}", web.story), ("/article/{id}", web.article), ("/actor/{id}", web.actor),
        ("/claim/{id}", web.claim), ("/event/{id}", web.event), ("/outlet/{id}", web.outlet),
        ("/place/{id}", web.place),
    ]  # fmt: skip
    routes: list[Any] = []
    for path, handler in pages:
        endpoint = web.view(handler)
        routes.append(Route(path, endpoint, methods=["GET", "HEAD"]))
        for api in ("/api", "/api/") if path == "/" else ("/api" + path,):
            routes.append(Route(api, endpoint, methods=["GET", "HEAD"]))
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        message = {404: "no such page", 405: "this app only reads: GET a page"}.get(
            status, str(getattr(exc, "detail", "error")))
        return web.error(request, status, message)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error on %s", request.url.path, exc_info=exc)
        return web.error(request, 500, "something went wrong on this page; it is logged")

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: not_found, 500: server_error},
    )
    app.state.store = store
    app.add_middleware(SecurityHeaders)
    return app
