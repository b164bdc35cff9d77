"""The gazetteer file: places with coordinates and every name they go by, looked up by any
spelling (toponym keys), filled in batches.

A plain sqlite3 file rather than the SQLAlchemy store: it is a read-mostly lookup cache shared by
every store, bulk-loaded with millions of rows, and rebuilt at will.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from newsprism.understand.toponyms import KEY_VERSION, toponym_keys

GAZETTEER_VERSION = 4
_SCHEMA = """
CREATE TABLE IF NOT EXISTS place (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    country TEXT, admin1 TEXT, feature_class TEXT, feature_code TEXT,
    population INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS name (
    key TEXT NOT NULL, base TEXT NOT NULL, geonameid INTEGER NOT NULL, is_main INTEGER NOT NULL,
    PRIMARY KEY (key, geonameid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_name_base ON name (base);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_BATCH = 20_000



class GazetteerError(RuntimeError):
    pass


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    feature_class: str | None
    feature_code: str | None
    population: int


@dataclass(frozen=True)
class GazetteerEntry(Place):
    """A place found by a look-up."""

    matched_main_name: bool = False


@dataclass(frozen=True)
class PlaceRow(Place):
    """A place to load, with its alternate names."""

    names: tuple[str, ...] = ()


# The place table's columns, in order: Place's fields, then the source.
_PLACE_FIELDS = fields(Place)


def default_path() -> Path:
    configured = os.environ.get("NEWSPRISM_GAZETTEER")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "newsprism" / f"gazetteer-v{GAZETTEER_VERSION}-k{KEY_VERSION}.sqlite"


class Gazetteer:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._pid = os.getpid()
        self._conn = sqlite3.connect(self.path)
        try:
            self._conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise GazetteerError(f"{self.path} is not a newsprism gazetteer: {exc}") from exc
        keys = self.meta("key_version")
        if keys is None:
            self.set_meta("key_version", str(KEY_VERSION))
        elif keys != str(KEY_VERSION):
            self._conn.close()
            raise GazetteerError(
                f"{self.path} was built with place-name keys v{keys}, this newsprism uses "
                f"v{KEY_VERSION}: delete it and load it again (the default rebuilds by itself)"
            )

    @property
    def _db(self) -> sqlite3.Connection:
        # A sqlite connection must not be used across fork: a child process opens its own.
        if self._pid != os.getpid():
            self._conn = sqlite3.connect(self.path)
            self._pid = os.getpid()
        return self._conn

    @classmethod
    def open_default(cls) -> Gazetteer:
        """The default gazetteer, built from packaged GeoNames-derived tables on first use, in
        a process of its own where one can start (`build_default_apart`)."""
        # imported here: the builders import this module for its rows
        from newsprism.understand.gazetteer.packaged import build_default, build_default_apart

        gazetteer = cls(default_path())
        if gazetteer.meta("default") is None:
            build_default_apart(gazetteer.path)
            if gazetteer.meta("default") is None:  # no process could build it: built here
                build_default(gazetteer)
        return gazetteer

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM place").fetchone()[0]

    def add(self, rows: Iterable[PlaceRow], source: str) -> int:
        """Add or replace places and their names; returns how many places were written."""
        written = 0
        places: list[tuple] = []
        names: list[tuple] = []
        for row in rows:
            places.append((*(getattr(row, f.name) for f in _PLACE_FIELDS), source))
            names.extend(_name_rows(row.geonameid, row.name, row.names))
            if len(places) >= _BATCH:
                self._write(places, names)
                written += len(places)
                places, names = [], []
        self._write(places, names)
        return written + len(places)

    def add_names(self, names: Iterable[tuple[int, str]]) -> int:
        """Add alternate names (geonameid, name) for places already in the gazetteer."""
        known = {row[0] for row in self._db.execute("SELECT geonameid FROM place")}
        batch: list[tuple] = []
        added = 0
        for geonameid, name in names:
            if geonameid in known:
                batch.extend(_name_rows(geonameid, None, (name,)))
            if len(batch) >= _BATCH:
                self._write([], batch)
                added += len(batch)
                batch = []
        self._write([], batch)
        return added + len(batch)

    def _write(self, places: list[tuple], names: list[tuple]) -> None:
        with self._db:
            if places:
                self._db.executemany(
                    "INSERT OR REPLACE INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places
                )
            if names:
                self._db.executemany(
                    "INSERT INTO name VALUES (?, ?, ?, ?) ON CONFLICT (key, geonameid) "
                    "DO UPDATE SET is_main = max(is_main, excluded.is_main)",
                    names,
                )

    def lookup(self, name: str, limit: int = 25) -> list[GazetteerEntry]:
        """Places that go by `name` under any spelling, main-name matches and the most populous
        first. Falls back to the key without Arabic articles ("Qamishli" → Al Qamishli)."""
        key, base = toponym_keys(name)
        if not key:
            return []
        select = (
            "SELECT p.geonameid, p.name, p.lat, p.lon, p.country, p.admin1, p.feature_class, "
            "p.feature_code, p.population, max(n.is_main) FROM name n "
            "JOIN place p ON p.geonameid = n.geonameid WHERE n.{column} = ? "
            "GROUP BY p.geonameid ORDER BY max(n.is_main) DESC, p.population DESC LIMIT ?"
        )
        rows = self._db.execute(select.format(column="key"), (key, limit)).fetchall()
        if not rows:
            rows = self._db.execute(select.format(column="base"), (base, limit)).fetchall()
        return [GazetteerEntry(*row[:9], matched_main_name=bool(row[9])) for row in rows]


def _name_rows(geonameid: int, main: str | None, others: Iterable[str]) -> Iterator[tuple]:
    named = [(main, 1)] if main is not None else []
    named.extend((name, 0) for name in others)
    seen = set()
    for name, is_main in named:
        key, base = toponym_keys(name)
        # Latin-script names only: the articles newsprism reads are in English.
        if key and key.isascii() and key not in seen:
            seen.add(key)
            yield (key, base, geonameid, is_main)
