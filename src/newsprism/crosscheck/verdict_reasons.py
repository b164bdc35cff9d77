"""A verdict's reason in words: who tells what (an outlet, else an article's title, else its
file name: never an id), and why the group is corroborated, contradicted, related, unconfirmed,
single-source or unattributed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from newsprism.crosscheck.claims import Claim
from newsprism.crosscheck.independence import first_of_each


def _who(c: Claim, articles: dict[str, dict[str, Any]]) -> str:
    """The outlet, else the article's title, else its file name: never an id."""
    article = articles.get(c.article_id) or {}
    if article.get("outlet"):
        return str(article["outlet"])
    title = (article.get("title") or "").strip()
    if title:
        return f"\u201c{cut(title, 60)}\u201d"
    source = str(article.get("source") or "")
    name = PurePath(source.split("!/")[-1].split("#")[0]).name if source else ""
    return name or "an article of unknown outlet"


def cut(text: str, size: int) -> str:
    """The text on one line, cut to `size` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "\u2026"


def report_labels(
    claims: list[Claim], key: Callable[[Claim], str], articles: dict[str, dict[str, Any]]
) -> list[str]:
    """One label per independent report, in the order first told."""
    return [_source_label(c, articles) for c in first_of_each(claims, key)]


def contradiction_reason(
    supporting: list[Claim], against: list[Claim], articles: dict[str, dict[str, Any]]
) -> str:
    a = supporting[0]
    told_a = a.value_text or cut(a.text, 80)
    reasons = []
    rival = next((c for c in against if not c.denies), None)
    if rival is not None:
        told_b = rival.value_text or cut(rival.text, 80)
        reasons.append(
            f"incompatible figures for the same measure, place and time: \u201c{told_a}\u201d "
            f"({_who(a, articles)}) vs \u201c{told_b}\u201d ({_who(rival, articles)})"
        )
    denial = next((c for c in against if c.denies), None)
    if denial is not None:
        reasons.append(
            f"denied: {_who(denial, articles)} disputes what {_who(a, articles)} reports "
            f"(\u201c{cut(a.text, 80)}\u201d against \u201c{cut(denial.text, 80)}\u201d)"
        )
    return "; ".join(reasons)


def unconfirmed_reason(
    supporting: list[Claim], weak: list[tuple[Claim, float]], articles: dict[str, dict[str, Any]]
) -> str:
    denial, _ = weak[0]
    return (
        f"not decided: {_who(denial, articles)} denies something (\u201c{cut(denial.text, 80)}"
        f"\u201d), but not clearly what {_who(supporting[0], articles)} reports"
    )


def corroboration_reason(cluster: list[Claim], labels: list[str]) -> str:
    articles = len({c.article_id for c in cluster})
    text = f"told by {len(labels)} independent sources ({', '.join(labels)})"
    if articles > len(labels):
        text += f" in {articles} articles; copies and relays of one source count once"
    return text


def related_reason(
    supporting: list[Claim], key: Callable[[Claim], str], articles: dict[str, dict[str, Any]]
) -> str:
    first = first_of_each(supporting, key)
    a, b = first[:2]
    return (
        f"{len(first)} independent sources tell related statements, not the same one: "
        f"\u201c{cut(a.text, 80)}\u201d ({_who(a, articles)}) and "
        f"\u201c{cut(b.text, 80)}\u201d ({_who(b, articles)})"
    )


def _source_label(c: Claim, articles: dict[str, dict[str, Any]]) -> str:
    if c.source:
        return f"{c.source_name or c.source} (via {_who(c, articles)})"
    return _who(c, articles)


def single_source_reason(supporting: list[Claim]) -> str:
    told = next(c for c in supporting if c.source)
    source = told.source_name or told.source
    articles = len({c.article_id for c in supporting})
    if articles == 1:
        return f"rests on one source: {source}, in one article"
    return f"rests on one source: {source}, told in {articles} articles"


def unattributed_reason(supporting: list[Claim], articles: dict[str, dict[str, Any]]) -> str:
    c = supporting[0]
    who = _who(c, articles)
    if c.source_kind in ("anonymous", "unknown"):
        return f"told only by {who}, citing no identifiable source"
    return f"told only by {who} in its own voice, with no source named"
