"""How each outlet names each actor: the naming matrix, and each outlet's framing profile
(loaded naming, persuasion techniques per 1,000 words).

Built from the stored `label` and `technique` records at read time: a sum over records, so a new
article costs its own, and nothing is stored twice. Rows are canonical actors (a label's
`entity_id`); columns are outlets, or, for an article whose outlet is unknown, the article
itself, named by its title or file name. A cell lists the phrases that outlet used for that
actor, each with its count, whether it is loaded and why, and its evidence spans.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

EVIDENCE_FIELDS = ("id", "article_id", "start", "end", "text", "refers_by", "field")
TECHNIQUE_EVIDENCE_FIELDS = ("id", "article_id", "start", "end", "text", "technique", "field")
NO_ACTOR = "(no actor)"  # labels such as "so-called fight" that name no actor
_KIND_ORDER = {"epithet": 0, "scare-quote": 1, "so-called": 2, "descriptor": 3, "title": 4}


@dataclass
class Phrase:
    kind: str
    loaded: bool
    loaded_terms: list[str]
    spellings: Counter[str] = field(default_factory=Counter)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """As written most often."""
        return self.spellings.most_common(1)[0][0]

    @property
    def count(self) -> int:
        return len(self.evidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "kind": self.kind, "loaded": self.loaded,
            "loaded_terms": self.loaded_terms, "count": self.count, "evidence": self.evidence,
        }  # fmt: skip


@dataclass
class Column:
    id: str
    name: str
    outlet: str | None
    articles: list[str] = field(default_factory=list)
    words: int = 0
    loaded_labels: int = 0
    loaded_terms: Counter[str] = field(default_factory=Counter)
    techniques: Counter[str] = field(default_factory=Counter)
    technique_evidence: list[dict[str, Any]] = field(default_factory=list)

    def per_thousand_words(self, count: int) -> float:
        return round(1000 * count / self.words, 2) if self.words else 0.0

    def to_dict(self) -> dict[str, Any]:
        total = sum(self.techniques.values())
        return {
            "id": self.id, "name": self.name, "outlet": self.outlet, "articles": self.articles,
            "words": self.words, "loaded_labels": self.loaded_labels,
            "loaded_labels_per_1000_words": self.per_thousand_words(self.loaded_labels),
            "top_loaded_terms": self.loaded_terms.most_common(10),
            "techniques": total,
            "techniques_per_1000_words": self.per_thousand_words(total),
            "technique_counts": [
                {
                    "technique": name, "count": n, "per_1000_words": self.per_thousand_words(n),
                    "first": next(
                        e for e in self.technique_evidence if e["technique"] == name
                    ),
                }
                for name, n in self.techniques.most_common()
            ],
            "technique_evidence": self.technique_evidence,
        }  # fmt: skip


def column_of(article: dict[str, Any]) -> tuple[str, str, str | None]:
    """(id, name, outlet) of the column an article counts under."""
    outlet = article.get("outlet")
    if outlet:
        return f"outlet:{outlet}", outlet, outlet
    name = article.get("title") or PurePath(str(article.get("source") or article["id"])).name
    return f"article:{article['id']}", name, None


def naming_matrix(
    labels: Iterable[dict[str, Any]],
    articles: Iterable[dict[str, Any]],
    entities: Iterable[dict[str, Any]],
    techniques: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """{"columns": [...], "rows": [{"entity_id", "name", "entity_type", "cells": {column id:
    [phrase, ...]}, "loaded": n}]}: rows with the most outlets first; in a cell, loaded
    phrases first, then by count. Each column is an outlet's framing profile: its loaded
    labels and its persuasion techniques, counted and per 1,000 words, with evidence."""
    columns: dict[str, Column] = {}
    column_of_article: dict[str, str] = {}
    for a in articles:
        cid, name, outlet = column_of(a)
        column = columns.setdefault(cid, Column(cid, name, outlet))
        column.articles.append(a["id"])
        column.words += int(a.get("word_count") or 0)
        column_of_article[a["id"]] = cid
    names = {e["id"]: e for e in entities}
    cells: dict[str, dict[str, dict[str, Phrase]]] = defaultdict(lambda: defaultdict(dict))
    for label in labels:
        cid = column_of_article.get(label["article_id"])
        if cid is None:
            continue
        row = label.get("entity_id") or NO_ACTOR
        key = _phrase_key(label["label"])
        phrase = cells[row][cid].get(key)
        if phrase is None:
            phrase = cells[row][cid][key] = Phrase(
                label["kind"], label["loaded"], list(label["loaded_terms"])
            )
        phrase.spellings[label["label"]] += 1
        phrase.evidence.append({k: label.get(k) for k in EVIDENCE_FIELDS})
        if label["loaded"]:
            columns[cid].loaded_labels += 1
            columns[cid].loaded_terms.update(label["loaded_terms"])
    for technique in techniques:
        cid = column_of_article.get(technique["article_id"])
        if cid is not None:
            columns[cid].techniques[technique["technique"]] += 1
            columns[cid].technique_evidence.append(
                {k: technique.get(k) for k in TECHNIQUE_EVIDENCE_FIELDS}
            )
    rows = []
    for row, by_column in cells.items():
        entity = names.get(row, {})
        out_cells = {}
        for cid, phrases in by_column.items():
            ordered = sorted(
                phrases.values(),
                key=lambda p: (not p.loaded, _KIND_ORDER.get(p.kind, 9), -p.count, p.label),
            )
            out_cells[cid] = [p.to_dict() for p in ordered]
        rows.append(
            {
                "entity_id": None if row == NO_ACTOR else row,
                "name": entity.get("name") or row,
                "entity_type": entity.get("entity_type"),
                "cells": out_cells,
                "loaded": sum(p["count"] for c in out_cells.values() for p in c if p["loaded"]),
            }
        )
    rows.sort(key=lambda r: (r["entity_id"] is None, -len(r["cells"]), -r["loaded"], r["name"]))
    used = {cid for r in rows for cid in r["cells"]}
    used |= {c.id for c in columns.values() if c.techniques}
    ordered_columns = [c.to_dict() for c in columns.values() if c.id in used]
    return {"columns": ordered_columns, "rows": rows}


def _phrase_key(label: str) -> str:
    """One cell entry per phrase, whatever its case, footnote marks or quote marks."""
    text = re.sub(r"[*\u2018\u2019\u201c\u201d\"']", "", label).casefold()
    return re.sub(r"\s+", " ", text).strip()
