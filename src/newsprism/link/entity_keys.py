"""The keys entities are looked up by, each a dict look-up away: a person's name words and
generation, an organization's name or acronym, its initials, a group's people and kind, a
regnal name, one-typo deletion keys; and how two roles or two sets of given names can be one
person's."""

from __future__ import annotations

import re
from functools import cache

from newsprism.understand.actors import (
    FORCE_NOUNS,
    GOVERNMENT_NOUNS,
    OCCUPIER_NOUNS,
    PEOPLE_NOUNS,
    fold,
    generation,
    is_acronym,
    lexicon,
    person_tokens,
)
from newsprism.understand.lexicon import TITLES, WEAK_TITLES

_INITIALS_SKIP = {"of", "the", "for", "and", "in", "on", "to", "de", "la", "al", "el"}
# Titles too common to tell two people apart.
_GROUP_NAME = re.compile(r"^(?P<nation>.+) \((?P<kind>[^()]+)\)$")


def initials(name: str) -> str:
    """ "Syrian Observatory for Human Rights" -> "sohr"; "" for a name of one word."""
    words = [w for w in re.findall(r"[^\W\d_]+", fold(name).replace("'", "")) if w]
    content = [w for w in words if w not in _INITIALS_SKIP]
    return "".join(w[0] for w in content) if len(content) >= 2 else ""


def acronym_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", fold(name))


def org_key(name: str) -> str:
    canonical = lexicon().org_alias.get(fold(name), name)
    if is_acronym(canonical):
        return "o:" + acronym_key(canonical)
    return "o:" + " ".join(re.findall(r"[^\W_]+", fold(canonical).replace("'", "")))


def group_parts(name: str) -> tuple[str, str]:
    """(people or country, kind) of a group name: "US troops" -> ("United States", "forces")."""
    parsed = _GROUP_NAME.match(name)
    if parsed:
        return parsed["nation"], parsed["kind"]
    nation_of = lexicon().nation_of
    words = name.replace("-led", "").split()
    nation = next(
        (nation_of[fold(" ".join(words[i:j]))]
         for i in range(len(words)) for j in range(len(words), i, -1)
         if fold(" ".join(words[i:j])) in nation_of),
        words[0] if words else name,
    )  # fmt: skip
    last = fold(words[-1]) if words else ""
    if last in FORCE_NOUNS or last in OCCUPIER_NOUNS:
        kind = "forces"
    elif last in PEOPLE_NOUNS or nation_of.get(last) == nation:
        kind = "people"  # a bare "Kurds" is the people
    elif last in GOVERNMENT_NOUNS:
        kind = "government"
    else:
        kind = last
    return nation, kind


def person_key(name: str) -> str:
    """ "p:donald trump", "p:donald trump jr": a son's key is never his father's."""
    gen = generation(name)
    return "p:" + " ".join(person_tokens(name)) + (f" {gen}" if gen else "")


def regnal_key(name: str) -> str:
    return "r:" + fold(name)


def deletion_keys(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def roles_compatible(a: str, b: str) -> bool:
    """Same title, no clash of nationality: "President" fits "Turkish President", "Turkish
    President" does not fit "Syrian President"."""
    ta, tb = set(fold(a).split()), set(fold(b).split())
    if not (ta & tb & TITLES) - WEAK_TITLES:
        return False
    nation_of = lexicon().nation_of
    na = {nation_of[w] for w in ta if w in nation_of}
    nb = {nation_of[w] for w in tb if w in nation_of}
    return not (na and nb and na.isdisjoint(nb))


def regnal_stem(regnal: str) -> tuple[str, str]:
    """ "Pope Benedict XVI" -> ("pope benedict", "xvi")."""
    words = fold(regnal).split()
    number = words[-1] if len(words) > 2 and re.fullmatch(r"[ivxl]+", words[-1]) else ""
    return " ".join(words[:-1] if number else words), number


@cache
def _nicknames() -> dict[str, frozenset[str]]:
    """A given name → the names it is a nickname of or has as nicknames, directly ("mike":
    michael; "michael": mike, mick, mickey...), from the nicknames package's hand-curated
    table. Never through a third name: "Sam" is Samuel's and Samantha's, who are not one."""
    from nicknames import NickNamer

    namer = NickNamer()
    pairs: dict[str, set[str]] = {}
    for table in (namer.nickname_lookup, namer.canonical_lookup):
        for name, others in table.items():
            pairs.setdefault(name, set()).update(others)
    return {name: frozenset(others - {name}) for name, others in pairs.items()}


def given_variants(word: str) -> frozenset[str]:
    """Other forms of one given name (folded): "mike" → {"michael"}, "bill" → {"william"...}."""
    return _nicknames().get(word, frozenset()) if len(word) > 1 else frozenset()


def _same_given(w: str, x: str) -> bool:
    return w == x or (len(w) == 1 and x.startswith(w)) or x in given_variants(w)


def given_names_fit(mine: list[str], other: list[str], strict: bool) -> bool:
    """One list of given names inside the other: the same names, initials ("D Trump"), or a
    name and its nickname ("Mike Pompeo" and "Michael R. Pompeo")."""
    if not mine or not other:
        return not strict
    short, long_ = sorted((mine, other), key=len)
    return all(any(_same_given(w, x) for x in long_) for w in short)
