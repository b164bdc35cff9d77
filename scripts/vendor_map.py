"""Vendor the web app's map: Leaflet and Natural Earth's country shapes, from their npm packages.

    python scripts/vendor_map.py [--leaflet TGZ] [--world-atlas TGZ]

Without a tarball it runs `npm pack` for the pinned versions (the npm registry only). Writes
src/newsprism/web/static/vendor/: leaflet.js and leaflet.css as published (no marker images:
the app draws circle markers), countries-110m.geo.json, the licenses and VENDOR.md (versions and
the tarballs' sha256). Run it again only to change a version: the files are committed.

The TopoJSON is decoded here, in Python, once (its arcs are delta-encoded and quantized): the
browser then gets plain GeoJSON for Leaflet, so no topojson-client is vendored and no decoding
runs on each page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "newsprism" / "web" / "static" / "vendor"
LEAFLET = "leaflet@1.9.4"
WORLD_ATLAS = "world-atlas@2.0.2"
DECIMALS = 2  # 1:110m shapes are coarser than 0.01° (about 1 km): more digits only add bytes

Position = list[float]


def npm_pack(spec: str, folder: Path) -> Path:
    name = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(folder)],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    return folder / name


def member(tgz: Path, name: str) -> bytes:
    with tarfile.open(tgz) as tar:
        found = tar.extractfile(f"package/{name}")
        if found is None:
            raise SystemExit(f"{tgz.name} has no {name}")
        return found.read()


# -- TopoJSON → GeoJSON (https://github.com/topojson/topojson-specification) --------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[Position]]:
    """Absolute [lon, lat] of every arc: quantized arcs store deltas from the previous point."""
    scale = topology.get("transform", {}).get("scale", [1, 1])
    shift = topology.get("transform", {}).get("translate", [0, 0])
    quantized = "transform" in topology
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = (x + dx, y + dy) if quantized else (dx, dy)
            points.append([x * scale[0] + shift[0], y * scale[1] + shift[1]])
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[Position]]) -> list[Position]:
    """A closed ring from arc indexes; ~i is arc i reversed. Consecutive arcs share an end
    point, kept once."""
    out: list[Position] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points[1:] if out else points)
    rounded = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in unwrap(out)]
    return [p for n, p in enumerate(rounded) if n == 0 or p != rounded[n - 1]]


def unwrap(points: list[Position]) -> list[Position]:
    """The ring with continuous longitudes. world-atlas is made for spherical renderers: a
    ring across the antimeridian (Fiji, Chukotka) jumps from 180 to -180, which Leaflet's flat
    map would draw as a stripe across the world; past ±180 instead, it is drawn where it is.
    A ring around a pole (Antarctica) must keep its jump: that edge is its flat side."""
    out = [list(points[0])]
    for x, y in points[1:]:
        prev = out[-1][0]
        out.append([x - 360 * round((x - prev) / 360), y])
    return out if abs(out[-1][0] - out[0][0]) < 180 else points


def geometry(g: dict[str, Any], arcs: list[list[Position]]) -> dict[str, Any] | None:
    if g.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in g["arcs"]]}
    if g.get("type") == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [[ring(r, arcs) for r in poly] for poly in g["arcs"]]}  # fmt: skip
    return None  # countries-110m has only polygons; a null geometry has no shape to draw


def to_geojson(topology: dict[str, Any], name: str) -> dict[str, Any]:
    arcs = decode_arcs(topology)
    features = []
    for g in topology["objects"][name]["geometries"]:
        shape = geometry(g, arcs)
        if shape is not None:
            features.append({"type": "Feature", "id": g.get("id"),
                             "properties": {"name": (g.get("properties") or {}).get("name")},
                             "geometry": shape})  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


# -- the vendored folder -----------------------------------------------------------------------

NOTICE = """# Vendored files of the web app's map

Written by `python scripts/vendor_map.py` from the npm packages below; do not edit by hand.

| file | from | license |
| --- | --- | --- |
| leaflet.js, leaflet.css | {leaflet} (`dist/`, unchanged) | BSD-2-Clause: LICENSE-leaflet.txt |
| countries-110m.geo.json | {atlas} (`countries-110m.json`, TopoJSON decoded to GeoJSON, \
coordinates rounded to {decimals} decimals) | ISC for world-atlas: LICENSE-world-atlas.txt; \
the shapes are Natural Earth's (public domain) |

Natural Earth: "All versions of Natural Earth raster + vector map data found on this website are
in the public domain. You may use the maps in any manner, including modifying the content and
design, electronic dissemination, and offset printing." (https://www.naturalearthdata.com/about/terms-of-use/)
The world-atlas shapes are Natural Earth's Admin 0 countries, version 4.1.0, 1:110m.

leaflet.js ends with a `sourceMappingURL` comment; the map file is not vendored (browsers only
ask for it with their developer tools open).

sha256 of the tarballs: {leaflet_tgz} `{leaflet_sha}`, {atlas_tgz} `{atlas_sha}`.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaflet", type=Path, help=f"{LEAFLET} tarball (default: npm pack)")
    parser.add_argument("--world-atlas", type=Path, help=f"{WORLD_ATLAS} tarball")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        leaflet = args.leaflet or npm_pack(LEAFLET, Path(tmp))
        atlas = args.world_atlas or npm_pack(WORLD_ATLAS, Path(tmp))
        OUT.mkdir(parents=True, exist_ok=True)
        for name in ("leaflet.js", "leaflet.css"):
            (OUT / name).write_bytes(member(leaflet, f"dist/{name}"))
        (OUT / "LICENSE-leaflet.txt").write_bytes(member(leaflet, "LICENSE"))
        (OUT / "LICENSE-world-atlas.txt").write_bytes(member(atlas, "LICENSE"))
        topology = json.loads(member(atlas, "countries-110m.json"))
        shapes = to_geojson(topology, "countries")
        (OUT / "countries-110m.geo.json").write_text(
            json.dumps(shapes, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
        (OUT / "VENDOR.md").write_text(NOTICE.format(
            leaflet=LEAFLET, atlas=WORLD_ATLAS, decimals=DECIMALS,
            leaflet_tgz=leaflet.name, leaflet_sha=hashlib.sha256(leaflet.read_bytes()).hexdigest(),
            atlas_tgz=atlas.name, atlas_sha=hashlib.sha256(atlas.read_bytes()).hexdigest(),
        ), encoding="utf-8")  # fmt: skip
    print(f"wrote {OUT.relative_to(ROOT)}: {len(shapes['features'])} countries")


if __name__ == "__main__":
    main()
