"""Gazetteer look-ups of a place name, in the forms news writes it: "the United States",
"Syria's", "Raqqa province", "northern Syria", "Oaxaca State", the people of a state or city
("Minnesotans"); AP state abbreviations ("Ky.", "W. Va.") name US states. Look-ups are cached
per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsprism.understand.gazetteer import Gazetteer, GazetteerEntry

_DIRECTIONS = re.compile(
    r"^(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|"
    r"southeast|southwest|upper|lower)\s+",
    re.IGNORECASE,
)
# Trailing words that qualify a name without being in GeoNames' ("Raqqa province").
_GENERIC_SUFFIXES = {
    "province", "governorate", "region", "city", "countryside", "area", "district", "state",
}  # fmt: skip
# US states as AP style abbreviates them after a town's name ("Paducah, Ky."), with the
# dotted postal codes and a few older forms news still writes; spaces are dropped before the
# look-up ("W. Va."). Written with their dots: "Ill." and "Ga." are not "ILL" or the code GA.
US_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Cal.": "California", "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware",
    "D.C.": "District of Columbia", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Kans.": "Kansas", "Ky.": "Kentucky",
    "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts", "Mich.": "Michigan",
    "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri", "Mont.": "Montana",
    "Neb.": "Nebraska", "Nebr.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Oreg.": "Oregon",
    "Pa.": "Pennsylvania", "Penn.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee", "Tex.": "Texas",
    "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wisc.": "Wisconsin", "Wyo.": "Wyoming",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def _lookup(gazetteer: Gazetteer, name: str) -> tuple[GazetteerEntry, ...]:
    return tuple(gazetteer.lookup(name))


def candidates(gazetteer: Gazetteer, text: str) -> tuple[GazetteerEntry, ...]:
    """Gazetteer entries for a mention, trying the forms news writes around the name: "the
    United States", "Syria's", "Raqqa province", "Ky." (an AP abbreviation of a US state)."""
    return candidates_and_form(gazetteer, text)[1]


def candidates_and_form(gazetteer: Gazetteer, text: str) -> tuple[int, tuple[GazetteerEntry, ...]]:
    """The candidates, and which form of the name found them (0: as written; the ranker weighs
    "Syrians" found as "Syrian" less than a name found whole)."""
    state = US_STATE_ABBREVIATIONS.get(re.sub(r"\s+", "", text.strip()).removesuffix("'s"))
    if state is not None:
        return 0, tuple(e for e in _lookup(gazetteer, state)
                        if e.feature_code == "ADM1" and e.country == "US")  # fmt: skip
    forms = _name_forms(text)
    for k, form in enumerate(forms):
        found = _lookup(gazetteer, form)
        if _is_code(text):
            # "EU", "UK": codes, not towns that happen to be spelt so (Eu, France)
            found = tuple(e for e in found if not e.matched_main_name or e.name.isupper()
                          or e.feature_class != "P")  # fmt: skip
        if k > 0 and _DIRECTIONS.match(text.strip()):
            # "northern Syria" is a region of a country or state, "East Bank" no town Bank
            found = tuple(e for e in found if e.feature_code in ("PCLI", "ADM1"))
        if found:
            return k, found
    for form in _demonym_bases(forms[0]):
        found = tuple(e for e in _lookup(gazetteer, form) if e.matched_main_name and _large(e))
        if found:
            return PEOPLE_FORM, found
    return 0, ()


# The form of a name found as its people's ("Minnesotans" as Minnesota): the rules do not take
# it as evidence of where the article is ("Londoner" is as much London, Ontario's).
PEOPLE_FORM = 9


# "Minnesotans", "Ohioan", "Ontarians", "Floridians", "Texan", "Londoners": the people of a
# state, a region or a city, as news writes them; a country's and a continent's peoples are
# the gazetteer's own names for them ("Syrian"). (suffix, what replaces it), tried in order.
_DEMONYM_ENDINGS = (
    ("ians", "ia"), ("ian", "ia"), ("ians", "io"), ("ian", "io"), ("ians", "a"), ("ian", "a"),
    ("ans", "a"), ("an", "a"),
    ("ans", ""), ("an", ""), ("ans", "as"), ("an", "as"), ("ers", ""), ("er", ""), ("i", ""),
)  # fmt: skip


def _demonym_bases(name: str) -> list[str]:
    """The places a capitalised people's name may come from: "Minnesotans" -> "Minnesota"."""
    if not name[:1].isupper() or " " in name.strip() and not name.split()[-1][:1].isupper():
        return []
    bases = []
    for ending, base in _DEMONYM_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            bases.append(name[: len(name) - len(ending)] + base)
    return list(dict.fromkeys(bases))


def _large(entry: GazetteerEntry) -> bool:
    """A place whose people news names after it: a country, a state or region, a capital or a
    city of 100,000 ("Lutherans" are no people of Luther, Oklahoma)."""
    return (entry.feature_code in ("PCLI", "ADM1", "CONT", "PPLC")
            or (entry.feature_class == "P" and entry.population >= 100_000))  # fmt: skip


def _is_code(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 3 and bare.isupper()


def _name_forms(text: str) -> list[str]:
    name = re.sub(r"[\u2019']s$", "", text.strip()).strip()
    name = re.sub(r"^(?:the|The)\s+", "", name)
    forms = [name]
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _GENERIC_SUFFIXES:
        forms.append(" ".join(words[:-1]))
    if name.endswith("s") and len(name) > 4:
        forms.append(name[:-1])  # "Syrians": the demonym is a name of the country
    bare = _DIRECTIONS.sub("", name)  # "northern Syria" (after "North Carolina" is tried whole)
    if bare and bare != name:
        forms.append(bare)
    return forms


# Feature codes of countries, continents, states and counties.
ADMIN_CODES = {"PCLI", "CONT", "ADM1", "ADM2"}


def same_letters(entry, name: str) -> bool:
    """Whether a place the gazetteer found under its main name is written with these letters,
    accents included: "given to God" is not Göd. (Lookup folds accents, which a name the model
    tagged may keep; a proper noun it missed needs the very name.)"""
    return not entry.matched_main_name or entry.name.casefold() == name.casefold()
