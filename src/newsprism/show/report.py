"""The offline HTML report: one self-contained file (inline CSS and script, no external assets).
All article text goes through Jinja's autoescaping: articles are hostile input."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from newsprism import __version__
from newsprism.store import Store


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newsprism", "show/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
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
    return {
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


def render_report(store: Store) -> str:
    return _environment().get_template("report.html.j2").render(**report_context(store))


def write_report(store: Store, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(store), encoding="utf-8")
    return path
