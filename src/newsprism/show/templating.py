"""The Jinja setup the report and the web app share: the same escaping and the same display
filters, so that a date or a technique reads alike in both."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from newsprism.show import readable


def environment(templates: str) -> Environment:
    """An environment over the package's `templates` folder ("show/templates")."""
    env = Environment(
        loader=PackageLoader("newsprism", templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # "Name_Calling,Labeling" -> "Name Calling, Labeling"
    env.filters["technique_name"] = lambda name: name.replace("_", " ").replace(",", ", ")
    # what a reader reads: "9 October, year unknown", "more than 400 Kurds"
    env.filters["timeml"] = lambda value, mod=None: readable.timeml(
        None if value is None else str(value), mod
    )
    env.filters["quantity"] = readable.quantity
    env.filters["article_name"] = readable.article_name  # never a path or an id
    env.filters["day"] = day
    return env


def day(value: Any) -> str:
    """A stored timestamp as its day ("2031-03-14T09:30:00+00:00" -> "2031-03-14"), for tables;
    the full value stays in the exports."""
    if value is None:
        return ""
    text = str(value)
    return text[:10] if len(text) > 10 and text[10] in "T " else text
