"""Entities and the table that holds them: each entity's id, names, roles and the evidence for
every name it gained; the look-up keys that point at it; creating, naming, indexing and merging
entities (the older id survives a merge)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from newsprism.link.entity_keys import (
    acronym_key,
    deletion_keys,
    group_parts,
    initials,
    org_key,
    person_key,
    regnal_key,
    regnal_stem,
)
from newsprism.understand.actors import (
    GROUP,
    ORGANIZATION,
    PERSON,
    ActorMention,
    fold,
    generation,
    is_acronym,
    lexicon,
    person_tokens,
    regnal_name,
)

ID_PREFIX = "actor:"
_COOCCUR_CAP = 40  # entities per article counted for co-occurrence: bounds the pair count
# Kinds of evidence an entity keeps for each name it gained.
SAME_NAME = "same name"
NAME_VARIANT = "name variant"  # same surname, given names or initials that fit
IN_ARTICLE = "title+surname in one article"
SOLE_NAMESAKE = "surname: the one namesake, or the one with support"
FIRST_SURNAME = "surname seen before the full name"
SPELLING = "spelling variant with support"
ALIAS_PATTERN = "alias pattern"
LISTED_ALIAS = "alias pattern: listed alias"  # aliases.json: ISIS, Daesh, Islamic State
APPOSITION = "apposition"


@dataclass
class Entity:
    id: str  # stable: assigned at creation, kept through merges (the older id survives)
    name: str  # canonical: the fullest form seen
    type: str  # person | organization | country | group
    aliases: list[str] = field(default_factory=list)  # every surface form linked
    roles: list[str] = field(default_factory=list)
    # why each later name is this actor: {"kind", "name" or "merged", "article"}
    evidence: list[dict[str, str]] = field(default_factory=list)
    # actors a user split from this one (`newsprism actor split`): never merged with it again
    apart: list[str] = field(default_factory=list)
    # aliases seen only where a capital says nothing of a name, at the start of a sentence or a
    # line: "Billionaire George Soros, who backs..." is George Soros, the capital is the line's
    unsure_case: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """What the store keeps in the entity record's `data`."""
        found: dict[str, Any] = {"evidence": self.evidence} if self.evidence else {}
        if self.apart:
            found["apart"] = self.apart
        if self.unsure_case:
            found["unsure_case"] = self.unsure_case
        if self.display_name() != self.name:
            found["full_name"] = self.name  # what linking compares, beside the name shown
        return found

    def display_name(self) -> str:
        """The name the actor is shown by: its fullest form, but for a first word only ever
        seen capitalised where any word is, at the start of a line or a sentence
        ("Billionaire George Soros, who ...", "Senior World Health Organization official"),
        when the name without it was seen where a capital means a name. Linking keeps
        comparing the fullest form, as it did."""
        if self.type not in (PERSON, ORGANIZATION) or self.name not in self.unsure_case:
            return self.name
        words = len(self.name.split())
        for alias in self.aliases:
            if (alias not in self.unsure_case and len(alias.split()) == words - 1 > 1
                    and self.name.endswith(" " + alias)):
                return alias
        return self.name


def id_age(entity_id: str) -> tuple[int, str]:
    digits = entity_id.removeprefix(ID_PREFIX)
    return (int(digits), "") if digits.isdigit() else (-1, entity_id)


class EntityTable:
    """The entities, the look-up keys of their names, and the bookkeeping that keeps both in
    step: what linking a mention (EntityIndex) reads and writes."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}
        self._keys: dict[str, str] = {}  # exact key -> entity id
        self._keys_of: dict[str, set[str]] = {}
        self._surnames: dict[str, set[str]] = {}  # full-name persons by surname / short alias
        self._solo: dict[str, str] = {}  # persons known only by one word
        self._initials: dict[str, set[str]] = {}  # organizations by initials of their names
        self._acronym_only: dict[str, str] = {}  # organizations known only by an acronym
        self._fuzzy: dict[str, set[str]] = {}  # one-deletion key -> person name tokens
        self._cooccur: dict[str, Counter[str]] = {}
        self._changed: dict[str, None] = {}
        self._merged: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, list[str]]] = {}  # id -> (name, its person tokens)
        self._given: dict[str, set[str]] = {}  # "surname|given" and "surname|g*" -> persons
        self._regnal_given: dict[str, set[str]] = {}  # "francis" -> Pope Francis, Saint Francis
        self._regnal_stems: dict[str, set[str]] = {}  # "pope benedict" -> Pope Benedict XVI
        self._next = 0
        self._why = SAME_NAME  # the evidence for the mention being linked now
        self._case_unsure = False  # the mention being linked starts a sentence or a line
        self._article_id = ""

    def _is_regnal(self, eid: str) -> bool:
        entity = self._entities.get(eid)
        return entity is not None and entity.type == PERSON and regnal_name(entity.name) is not None

    def _generation(self, eid: str) -> str:
        return generation(self._entities[eid].name)

    def _name_tokens(self, eid: str) -> list[str]:
        """The entity's name words, cached: surname buckets are scanned on every new name."""
        name = self._entities[eid].name
        cached = self._tokens.get(eid)
        if cached is None or cached[0] != name:
            cached = self._tokens[eid] = (name, person_tokens(name))
        return cached[1]

    def _create(self, name: str, kind: str) -> str:
        eid = f"{ID_PREFIX}{self._next:06d}"
        self._next += 1
        self._entities[eid] = Entity(eid, name, kind)
        self._index(self._entities[eid])
        self._changed[eid] = None
        return eid

    def _attach(self, eid: str, m: ActorMention) -> str:
        """Record a mention's surface form and role on its entity, and why it is this entity."""
        eid = self._resolve(eid)
        entity = self._entities[eid]
        surface = m.name.strip()
        before = (entity.name, len(entity.aliases), len(entity.roles))
        if surface and surface not in entity.aliases:
            if entity.aliases:
                entity.evidence.append(
                    {"kind": self._why, "name": surface, "article": self._article_id}
                )
            entity.aliases.append(surface)
            if self._case_unsure:
                entity.unsure_case.append(surface)
            if entity.type == PERSON:
                self._index_person_alias(eid, surface)
        elif surface in entity.unsure_case and not self._case_unsure:
            entity.unsure_case.remove(surface)
        if m.role and m.role not in entity.roles:
            entity.roles.append(m.role)
        if entity.type in (PERSON, ORGANIZATION) and self._fuller(surface, entity):
            entity.name = surface
            self._index(entity)
        if (entity.name, len(entity.aliases), len(entity.roles)) != before:
            self._changed[eid] = None
        return eid

    def _fuller(self, surface: str, entity: Entity) -> bool:
        if entity.type == ORGANIZATION:
            if fold(surface) in lexicon().org_alias or is_acronym(surface):
                return is_acronym(entity.name) and not is_acronym(surface)
            return is_acronym(entity.name) or len(surface) > len(entity.name)
        if regnal_name(entity.name) is not None or regnal_name(surface) is not None:
            return False  # "Pope Francis" stays the name he is known by
        return len(person_tokens(surface)) > len(person_tokens(entity.name))

    def _index(self, entity: Entity) -> None:
        eid = entity.id
        if entity.type == PERSON:
            tokens = person_tokens(entity.name)
            gen = generation(entity.name)
            if regnal_name(entity.name) is not None:
                self._register(eid, regnal_key(entity.name))
                if len(tokens) >= 2:
                    self._regnal_given.setdefault(tokens[1], set()).add(eid)
                self._regnal_stems.setdefault(regnal_stem(entity.name)[0], set()).add(eid)
            elif len(tokens) >= 2:
                self._register(eid, person_key(entity.name))
                self._add_surname(eid, tokens[-1])
            elif tokens and not self._surnames.get(tokens[0]):
                self._solo.setdefault(f"{tokens[0]} {gen}" if gen else tokens[0], eid)
                self._add_fuzzy(tokens[0])
            for alias in entity.aliases:
                self._index_person_alias(eid, alias)
        elif entity.type == ORGANIZATION:
            for name in (entity.name, *entity.aliases):
                self._register(eid, org_key(name))
                letters = initials(name)
                if letters:
                    self._initials.setdefault(letters, set()).add(eid)
            if is_acronym(entity.name):
                self._acronym_only.setdefault(acronym_key(entity.name), eid)
        elif entity.type == GROUP:
            nation, kind = group_parts(entity.name)
            self._register(eid, f"g:{fold(nation)}|{kind}")
        else:
            self._register(eid, "c:" + fold(entity.name))

    def _index_person_alias(self, eid: str, alias: str) -> None:
        tokens = person_tokens(alias)
        if self._is_regnal(eid):
            # only a birth name joined on evidence gives a regnal entity a surname
            if len(tokens) >= 2 and regnal_name(alias) is None:
                self._keys.setdefault(person_key(alias), eid)
                self._add_surname(eid, tokens[-1], tokens[:-1])
            return
        if len(tokens) >= 2:
            self._keys.setdefault(person_key(alias), eid)
        if len(self._name_tokens(eid)) >= 2 and tokens:
            # A surname or accepted variant seen alone: later lone mentions find it directly.
            self._add_surname(eid, tokens[-1])

    def _add_surname(self, eid: str, surname: str, given: list[str] | None = None) -> None:
        self._surnames.setdefault(surname, set()).add(eid)
        for word in self._name_tokens(eid)[:-1] if given is None else given:
            self._given.setdefault(f"{surname}|{word}", set()).add(eid)
            self._given.setdefault(f"{surname}|{word[0]}*", set()).add(eid)
        self._add_fuzzy(surname)

    def _register(self, eid: str, key: str) -> None:
        self._keys.setdefault(key, eid)
        self._keys_of.setdefault(eid, set()).add(key)

    def _add_fuzzy(self, word: str) -> None:
        if len(word) >= 4:
            for key in deletion_keys(word) | {word}:
                self._fuzzy.setdefault(key, set()).add(word)

    def _resolve(self, eid: str) -> str:
        while eid in self._merged and eid not in self._entities:
            eid = self._merged[eid]
        return eid

    def _merge(self, a: str, b: str, kind: str = ALIAS_PATTERN) -> str:
        """One entity from two; the older id survives, and keeps why they are one."""
        a, b = self._resolve(a), self._resolve(b)
        if a == b or b in self._entities[a].apart or a in self._entities[b].apart:
            return a  # one, or two a user split apart: the evidence does not overrule them
        keep, drop = sorted((a, b), key=id_age)
        kept, gone = self._entities[keep], self._entities.pop(drop)
        kept.evidence.append(
            {"kind": kind, "merged": gone.name, "id": drop, "article": self._article_id}
        )
        kept.evidence += gone.evidence
        sure = {a for e in (kept, gone) for a in e.aliases if a not in e.unsure_case}
        for alias in gone.aliases:
            if alias not in kept.aliases:
                kept.aliases.append(alias)
        kept.unsure_case = [a for a in dict.fromkeys([*kept.unsure_case, *gone.unsure_case])
                            if a not in sure]  # fmt: skip
        kept.roles += [r for r in gone.roles if r not in kept.roles]
        regnal = kept.type == PERSON and regnal_name(gone.name) is not None
        if regnal and regnal_name(kept.name) is None:
            kept.name = gone.name  # the birth name joined the pope, not the other way round
        elif self._fuller(gone.name, kept):
            kept.name = gone.name
        for key in self._keys_of.pop(drop, set()):
            self._keys[key] = keep
            self._keys_of.setdefault(keep, set()).add(key)
        tables = (self._surnames, self._initials, self._given, self._regnal_given)
        for table in (*tables, self._regnal_stems):
            for ids in table.values():
                if drop in ids:
                    ids.discard(drop)
                    ids.add(keep)
        for table in (self._solo, self._acronym_only):
            for word, eid in list(table.items()):
                if eid == drop:
                    table[word] = keep
        self._cooccur.setdefault(keep, Counter()).update(self._cooccur.pop(drop, Counter()))
        self._index(kept)
        self._merged[drop] = keep
        self._changed.pop(drop, None)
        self._changed[keep] = None
        return keep

    def _count_cooccurrence(self, ids: list[str]) -> None:
        ids = list(dict.fromkeys(ids))[:_COOCCUR_CAP]
        for eid in ids:
            counter = self._cooccur.setdefault(eid, Counter())
            counter.update(e for e in ids if e != eid)
