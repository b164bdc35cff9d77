"""The offline HTML report: one self-contained file (inline CSS and script, no external assets).
All article text goes through Jinja's autoescaping: articles are hostile input."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment

from newsprism import __version__
from newsprism.show import readable
from newsprism.show.export_records import (
    claim_records,
    entity_records,
    event_records,
    story_records,
)
from newsprism.show.framing import naming_matrix
from newsprism.show.highlight import Mark, highlight, mark_note
from newsprism.show.svgmap import MapPoint, on_the_map, svg_map
from newsprism.show.templating import environment
from newsprism.store import Store

KIND_ORDER = ("mention", "place", "timeref", "quantity", "attribution")
MATRIX_ROWS = 60  # actors shown in the report's naming matrix; the API and exports hold all
MATRIX_COLUMNS = 24  # outlets (or articles of unknown outlet) shown side by side
ANCHOR_PREFIX = {"label": "l", "technique": "t"}  # the report's link targets, as in the template
MAX_PROFILES = 60  # outlets whose framing profile the report shows
MAX_CLAIMS = 300  # the report lists claims told by two articles or more; the rest are exported
VERDICT_ORDER = {
    "contradicted": 0, "corroborated": 1, "unconfirmed": 2, "related": 3, "single-source": 4,
    "unattributed": 5,
}  # fmt: skip
TOP_ENTITIES = 60
MAX_STORIES = 30  # the largest stories get a section each; all are in the exports
MAX_EVENTS = 40  # events shown on a story's timeline; all are in the exports
STORY_ACTORS = 8  # actors whose naming by each of the story's outlets is shown


def _environment() -> Environment:
    env = environment("show/templates")
    env.filters["paragraphs"] = lambda text: [p for p in text.split("\n\n") if p.strip()]
    return env


def report_context(store: Store) -> dict[str, Any]:
    articles = store.articles()
    errors = store.errors()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in articles:
        if a["duplicate_group"]:
            groups[a["duplicate_group"]].append(a)
    group_numbers = {gid: n for n, gid in enumerate(groups, start=1)}
    for a in articles:
        a["group_number"] = group_numbers.get(a["duplicate_group"])
        a["name"] = readable.article_name(a)
    understanding = _understanding(store, articles)
    return {
        **understanding,
        "version": __version__,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "store": store.url,
        "articles": articles,
        "errors": errors,
        "groups": [(group_numbers[g], members) for g, members in groups.items()],
        "outlets": Counter(a["outlet"] or "(unknown)" for a in articles).most_common(),
        "languages": Counter(a["language"] or "und" for a in articles).most_common(),
        "known_outlets": len({a["outlet"] for a in articles if a["outlet"]}),
        "undated": sum(1 for a in articles if not a["published"]),
        "removed_lines": sum(len(a["removed"]) for a in articles),
    }


def _understanding(store: Store, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Adds to each article its highlighted text, records and map; returns the corpus-wide
    parts: the actors seen most, and the map of every place."""
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in store.span_records():
        by_article[record["article_id"]].append(record)
    claims = sorted(
        claim_records(store),
        key=lambda c: (VERDICT_ORDER.get(c["verdict"], 9), -c["independent_outlets"], c["id"]),
    )
    anchors: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        for e in (*c["evidence"], *(c.get("related") or ())):
            anchors[e["article_id"]][e["start"]].append(f"c-{e['claim_id']}")
    labels = [r for found in by_article.values() for r in found if r["type"] == "label"]
    techniques = [r for found in by_article.values() for r in found if r["type"] == "technique"]
    # labels and techniques overlap the marks: they get anchors in the text (a headline's
    # are linked through their article)
    for record in labels + techniques:
        if record.get("field") != "title":
            prefix = ANCHOR_PREFIX[record["type"]]
            anchors[record["article_id"]][record["start"]].append(f"{prefix}-{record['id']}")
    mention_counts: Counter[str] = Counter()
    place_points: dict[int, MapPoint] = {}
    for a in articles:
        found = by_article.get(a["id"], [])
        a["records"] = {k: [r for r in found if r["type"] == k] for k in KIND_ORDER}
        a["techniques"] = sorted(
            (r for r in found if r["type"] == "technique"),
            key=lambda r: (r.get("field") != "title", r["start"]),
        )
        a["highlighted"] = highlight(
            a["text"],
            # labels overlap the actor marks they name: they get anchors, not marks
            (
                Mark(r["start"], r["end"], r["type"], mark_note(r), r["id"])
                for r in found
                if r["type"] in KIND_ORDER
            ),
            anchors.get(a["id"]),
        )
        points = []
        for r in a["records"]["place"]:
            if not on_the_map(r):
                continue
            points.append(MapPoint(r["lat"], r["lon"], r.get("name") or r["text"]))
            known = place_points.get(r["geonameid"])
            place_points[r["geonameid"]] = MapPoint(
                r["lat"], r["lon"], r.get("name") or r["text"],
                f"#a-{a['id']}", (known.count if known else 0) + 1,
            )  # fmt: skip
        a["map"] = svg_map(points, width=420, title=f"places in {a['name']}")
        mention_counts.update(r["entity_id"] for r in a["records"]["mention"] if r["entity_id"])
    entity_list = list(entity_records(store))
    matrix = naming_matrix(labels, articles, entity_list, techniques)
    entities = [e for e in entity_list if e["entity_type"] != "place"]
    for e in entities:
        e["mentions"] = mention_counts.get(e["id"], 0)
    entities.sort(key=lambda e: (-e["mentions"], e["name"]))
    titles = {a["id"]: a["name"] for a in articles}
    shown = [c for c in claims if len(c["articles"]) > 1 or c["verdict"] == "contradicted"]
    return {
        **_stories(store, articles, labels, claims),
        "naming": _shown_matrix(matrix),
        "profiles": _profiles(matrix),
        "claims": shown[:MAX_CLAIMS],
        "claims_left_out": len(claims) - len(shown[:MAX_CLAIMS]),
        "claim_titles": titles,
        "entities": entities[:TOP_ENTITIES],
        "entity_count": len(entities),
        "corpus_map": svg_map(list(place_points.values()), width=900, title="every place"),
        "place_count": len(place_points),
        "understood": bool(by_article),
    }


def _stories(
    store: Store,
    articles: list[dict[str, Any]],
    labels: list[dict[str, Any]],
    claims: list[dict[str, Any]],
) -> dict[str, Any]:
    """The largest stories, each with its timeline, a map of its events' places, the claims
    its articles share and how each of its outlets names its main actors."""
    stories = sorted(story_records(store), key=lambda s: (-len(s["article_ids"]), s["id"]))
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in event_records(store):
        events[e["story_id"]].append(e)
    by_id = {a["id"]: a for a in articles}
    shown = []
    for story in stories[:MAX_STORIES]:
        members = set(story["article_ids"])
        timeline = events.get(story["id"], [])
        points = {
            p["name"]: MapPoint(p["lat"], p["lon"], p["name"])
            for e in timeline for p in e["places"]
        }  # fmt: skip
        shown.append({
            **story,
            "members": [by_id[a] for a in story["article_ids"] if a in by_id],
            "events": timeline[:MAX_EVENTS],
            "events_left_out": max(0, len(timeline) - MAX_EVENTS),
            "map": svg_map(list(points.values()), width=560,
                           title=f"places of {story['title'] or story['id']}"),
            "claims": [c for c in claims if len(members & set(c["articles"])) > 1],
            "naming": _story_naming(story, [lb for lb in labels if lb["article_id"] in members],
                                    by_id),
        })  # fmt: skip
    return {"stories": shown, "stories_left_out": max(0, len(stories) - MAX_STORIES)}


def _story_naming(
    story: dict[str, Any], labels: list[dict[str, Any]], articles: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """For the story's main actors: the phrases each outlet (or article) of the story uses."""
    rows = []
    names = dict(zip(story.get("actor_ids") or (), story.get("actors") or (), strict=False))
    for entity_id, name in list(names.items())[:STORY_ACTORS]:
        by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
        loaded: set[str] = set()
        for lb in labels:
            if lb["entity_id"] != entity_id:
                continue
            a = articles.get(lb["article_id"]) or {}
            by_outlet[a.get("outlet") or readable.article_name(a)][lb["label"]] += 1
            if lb.get("loaded"):
                loaded.add(lb["label"])
        if by_outlet:
            rows.append({"id": entity_id, "name": name, "loaded": loaded,
                         "outlets": {o: c.most_common(4) for o, c in by_outlet.items()}})
    return rows


def _shown_matrix(matrix: dict[str, Any]) -> dict[str, Any]:
    """The report's part of the matrix: the columns with the most labels, the actors named in
    the most of them; the whole matrix is in the API and the `label` exports."""
    actor_rows = [r for r in matrix["rows"] if r["entity_id"] is not None]
    counts = Counter(cid for r in actor_rows for cid in r["cells"])
    columns = sorted(matrix["columns"], key=lambda c: -counts[c["id"]])[:MATRIX_COLUMNS]
    keep = {c["id"] for c in columns}
    rows = [r for r in matrix["rows"] if keep & set(r["cells"])][:MATRIX_ROWS]
    return {
        "columns": columns,
        "rows": rows,
        "rows_left_out": len(matrix["rows"]) - len(rows),
        "columns_left_out": len(matrix["columns"]) - len(columns),
    }


def _profiles(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    """Each outlet's framing profile, the most technique-dense first; each technique count
    links to its first instance."""
    columns = [c for c in matrix["columns"] if c["techniques"] or c["loaded_labels"]]
    columns.sort(key=lambda c: (-c["techniques_per_1000_words"], -c["loaded_labels"], c["name"]))
    return columns[:MAX_PROFILES]


def render_report(store: Store) -> str:
    return _environment().get_template("report.html.j2").render(**report_context(store))


def write_report(store: Store, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(store), encoding="utf-8")
    return path
