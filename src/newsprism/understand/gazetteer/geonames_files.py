"""GeoNames' own tables, as `newsprism gazetteer load` reads them: a place table (allCountries,
a country file, cities500: 19 columns) and alternateNamesV2, plain or zipped as GeoNames serves
them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from newsprism.understand.gazetteer.lookup import GazetteerError, PlaceRow

# alternateNamesV2.txt "languages" that are codes and links, not names
_NOT_NAMES = {"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "tcid", "fr_1793"}


def _open_text(path: Path) -> io.TextIOBase:
    """A GeoNames file, plain or zipped as GeoNames serves it (SY.zip holds SY.txt)."""
    if path.suffix.lower() != ".zip":
        return path.open("r", encoding="utf-8", newline="\n")
    archive = zipfile.ZipFile(path)
    wanted = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
    if not wanted:
        raise GazetteerError(f"{path}: the zip holds no GeoNames .txt table")
    return io.TextIOWrapper(archive.open(wanted[0]), encoding="utf-8", newline="\n")


def read_geonames_dump(path: Path) -> Iterator[PlaceRow]:
    """Rows of a GeoNames table (allCountries.txt, a country file, cities500.txt: 19 columns)."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 19:
                raise GazetteerError(
                    f"{path}:{number}: {len(cols)} columns, a GeoNames table has 19 "
                    "(is this the alternateNames file? load it with --alternate-names)"
                )
            try:
                yield PlaceRow(
                    geonameid=int(cols[0]),
                    name=cols[1],
                    lat=float(cols[4]),
                    lon=float(cols[5]),
                    country=cols[8] or None,
                    admin1=cols[10] or None,
                    feature_class=cols[6] or None,
                    feature_code=cols[7] or None,
                    population=int(cols[14] or 0),
                    names=tuple(n for n in (cols[2], *cols[3].split(",")) if n),
                )
            except ValueError as exc:
                raise GazetteerError(f"{path}:{number}: not a GeoNames row ({exc})") from exc


def read_alternate_names(path: Path) -> Iterator[tuple[int, str]]:
    """(geonameid, name) from alternateNamesV2.txt (or alternateNames.txt)."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or not cols[1].isdigit():
                raise GazetteerError(f"{path}:{number}: not an alternateNames row")
            if cols[2] not in _NOT_NAMES and cols[3]:
                yield int(cols[1]), cols[3]


# --- The default gazetteer's admin rows ------------------------------------------------------
