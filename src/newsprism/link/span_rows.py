"""One article's understanding as stored records, linked to the corpus's entities.

Runs in the main process, in arrival order: actor mentions join the canonical entities of the
whole corpus (EntityIndex), places join their GeoNames entity, quote speakers join the actor
whose mention they are.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from newsprism.link.entities import EntityIndex
from newsprism.link.entity_table import Entity
from newsprism.store.span_codec import id_extra, record_id
from newsprism.understand.article import ArticleUnderstanding
from newsprism.understand.components import BY_NAME, COMPONENTS, shifted
from newsprism.understand.places import PlaceMention


def place_entity_id(geonameid: int) -> str:
    return f"geonames:{geonameid}"


# the values most fields hold, handed back as they are before any other test
_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """A field's value as JSON holds it. Values are copied only as far as they nest: the row's
    fields go to the store at once, so dataclasses.asdict's deep copy of every value (two thirds
    of the time of making a row, in a Dask client's profile) bought nothing."""
    if type(value) in _AS_THEY_ARE:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    return value


def _fields(item: Any) -> dict[str, Any]:
    return {name: _plain(getattr(item, name)) for name in _field_names(type(item))}


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _row(kind: str, article_id: str, item: Any, entity_id: str | None = None, **extra: Any):
    data = _fields(item)
    # The export contract reserves `type` for the record type: an actor's own type is renamed.
    if "type" in data:
        data["entity_type"] = data.pop("type")
    data.update(extra)
    start, end, text = data.pop("start"), data.pop("end"), data.pop("text")
    value = data.get("value")
    return {
        "id": record_id(kind, article_id, start, end, id_extra(data)),
        "type": kind,
        "article_id": article_id,
        "start": start,
        "end": end,
        "text": text,
        "entity_id": entity_id,
        "value": None if value is None else str(value),
        "lat": data.get("lat"),
        "lon": data.get("lon"),
        "data": data,  # the record's own fields, as JSON holds them: the store packs them
    }


def link_article(
    result: ArticleUnderstanding, index: EntityIndex, text: str, title: str | None = None
) -> list[dict[str, Any]]:
    """The span records of one article, with entity ids; `index` learns its actors (the
    title's with the text's, so that a headline's "Erdogan" is the text's Recep Tayyip
    Erdogan: title offsets are moved past the text for that)."""
    article_id = result.article_id
    rows = []
    title_actors = result.title_actors if title else []
    shift = len(text) + 2
    moved = shifted(BY_NAME["actors"], title_actors, shift)
    context = f"{text}\n\n{title}" if title_actors else text
    all_ids = index.link(article_id, result.actors + moved, context=context)
    actor_ids = all_ids[: len(result.actors)]
    title_entity_at = {
        (m.start, m.end): eid
        for m, eid in zip(title_actors, all_ids[len(result.actors) :], strict=True)
    }
    spans = [(m.start, m.end, eid) for m, eid in zip(result.actors, actor_ids, strict=True)]
    entity_at = {(start, end): eid for start, end, eid in spans}
    mention_ids = iter(actor_ids)

    def entity_of(record_type: str, item: Any) -> str | None:
        """The entity a record is of: an actor mention's linked actor, a place's GeoNames
        entity, the actor a label names (in its own field), a quote's speaker."""
        if record_type == "mention":
            return next(mention_ids)
        if record_type == "place":
            return place_entity_id(item.geonameid) if _is_named_place(item) else None
        if record_type == "label":
            where = title_entity_at if item.field == "title" else entity_at
            return where.get((item.actor_start, item.actor_end))
        if record_type == "attribution":
            return _speaker_entity(item, spans)
        return None

    for component in COMPONENTS:
        carried = {name: getattr(result, name) for name in component.article_fields}
        for item in getattr(result, component.name):
            entity_id = entity_of(component.record_type, item)
            rows.append(_row(component.record_type, article_id, item, entity_id, **carried))
    return _unique(rows)


def _speaker_entity(attribution: Any, spans: list[tuple[int, int, str]]) -> str | None:
    if attribution.speaker_start is None or attribution.speaker_end is None:
        return None
    for start, end, entity_id in spans:
        if start < attribution.speaker_end and attribution.speaker_start < end:
            return entity_id
    return None


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two components may report the same span twice (e.g. a quote's two speakers): keep one
    row per id so a re-run stays idempotent."""
    return list({row["id"]: row for row in rows}.values())


def _is_named_place(place: PlaceMention) -> bool:
    """The gazetteer knows this very name. A street placed at its article's focus town shares
    the town's coordinates but is not the town: it joins no place entity."""
    return place.geonameid is not None and place.resolution == "gazetteer"


def actor_entity_rows(entities: Iterable[Entity]) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "entity_type": e.type,
            "name": e.display_name(),
            "aliases": json.dumps(sorted(e.aliases), ensure_ascii=False),
            "roles": json.dumps(sorted(e.roles), ensure_ascii=False),
            "geonameid": None,
            "lat": None,
            "lon": None,
            "country": None,
            "data": json.dumps(e.data(), ensure_ascii=False),
        }
        for e in entities
    ]


def place_entity_rows(places: Iterable[PlaceMention]) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    aliases: dict[int, set[str]] = {}
    for p in places:
        if not _is_named_place(p):
            continue
        aliases.setdefault(p.geonameid, set()).add(p.text)
        rows[p.geonameid] = {
            "id": place_entity_id(p.geonameid),
            "entity_type": "place",
            "name": p.name or p.text,
            "aliases": "[]",
            "roles": "[]",
            "geonameid": p.geonameid,
            "lat": p.lat,
            "lon": p.lon,
            "country": p.country,
            "data": json.dumps(
                {
                    "admin1": p.admin1,
                    "feature_class": p.feature_class,
                    "feature_code": p.feature_code,
                },
                ensure_ascii=False,
            ),
        }
    for geonameid, row in rows.items():
        row["aliases"] = json.dumps(sorted(aliases[geonameid]), ensure_ascii=False)
    return list(rows.values())


def entity_from_row(row: dict[str, Any]) -> Entity:
    data = json.loads(row.get("data") or "{}")
    return Entity(
        id=row["id"],
        name=data.get("full_name") or row["name"],
        type=row["entity_type"],
        aliases=json.loads(row["aliases"]),
        roles=json.loads(row["roles"]),
        evidence=data.get("evidence", []),
        apart=data.get("apart", []),
        unsure_case=data.get("unsure_case", []),
    )
