"""The entity a timeline is about ("Steve Jobs", "Apple Inc.", "iPhone 4"): its kind — a
person, an organisation or a thing — and the short forms of its name running text uses (a
person's surname, an organisation without its legal suffix, a thing without a generic head).
How its mentions are found in an article: `target_mentions`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsprism.timeline.entity.reading import ReadArticle
from newsprism.understand.actors import fold

PERSON, ORGANIZATION, THING = "person", "organization", "thing"

# Legal suffixes an organisation drops in running text ("Apple Inc." -> "Apple").
LEGAL_SUFFIXES = {"inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "ltd", "ltd.",
                  "llc", "plc", "limited", "incorporated", "company", "group"}  # fmt: skip
# Generic heads a product or service name drops ("iTunes Store" -> "iTunes").
_GENERIC_HEADS = {"store", "service", "services", "platform", "network", "software"}


@dataclass(frozen=True)
class Target:
    """The entity a timeline is about, with the token sequences that name it."""

    name: str
    kind: str  # person | organization | thing
    aliases: tuple[tuple[str, ...], ...]  # folded tokens, longest first


def make_target(name: str, kind: str | None = None) -> Target:
    """A target entity from its name; its kind is guessed from the name when not given."""
    tokens = _name_tokens(name)
    kind = kind or _guess_kind(name)
    aliases = {tuple(tokens)}
    if kind == PERSON and len(tokens) > 1:
        aliases.add((tokens[-1],))  # the surname alone: "Jobs"
    if kind == ORGANIZATION:
        core = tokens
        while len(core) > 1 and core[-1] in LEGAL_SUFFIXES:
            core = core[:-1]
        aliases.add(tuple(core))
        if len(core) > 2:  # "Beatles Apple Corps" -> "Apple Corps"
            aliases.add(tuple(core[1:]))
    if kind == THING and len(tokens) > 1 and tokens[-1] in _GENERIC_HEADS:
        aliases.add(tuple(tokens[:-1]))  # "iTunes Store" -> "iTunes"
    ordered = sorted(aliases, key=lambda a: (-len(a), a))
    return Target(name=name, kind=kind, aliases=tuple(ordered))


def _name_tokens(name: str) -> list[str]:
    return [fold(t) for t in re.findall(r"[\w.&'-]+", name) if fold(t)]


def _guess_kind(name: str) -> str:
    """Without the articles: a legal suffix makes an organisation; two or three capitalised
    plain words a person ("Steve Jobs"); anything else ("iPhone 4") a thing."""
    words = name.split()
    if words and fold(words[-1]) in LEGAL_SUFFIXES:
        return ORGANIZATION
    if 2 <= len(words) <= 3 and all(w.isalpha() and w.istitle() for w in words):
        return PERSON
    return THING


def guess_kind(name: str, read: Iterable[ReadArticle]) -> str:
    """The target's kind as the articles' actors tell it: a person or an organisation where
    newsprism found it as one — under its name, or under a name its own name ends with or
    holds ("Apple Corps" for "Beatles Apple Corps") — else a thing (a product, a service)."""
    words = _name_tokens(name)
    if words and words[-1] in LEGAL_SUFFIXES:
        return ORGANIZATION
    key = " ".join(words)
    votes = {PERSON: 0, ORGANIZATION: 0}
    for item in read:
        for actor in item.understanding.actors:
            other = " ".join(_name_tokens(actor.name))
            if actor.type in votes and _same_name(key, other):
                votes[actor.type] += 1
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] else THING


def _same_name(target: str, actor: str) -> bool:
    if not actor:
        return False
    if target == actor or f" {target} " in f" {actor} ":
        return True
    return " " in actor and target.endswith(" " + actor)
