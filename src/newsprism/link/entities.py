"""One canonical entity per real-world actor across the corpus, built incrementally.

Articles arrive one at a time; each mention is linked by dict look-ups on token keys (full
name, surname, acronym, initials, one-typo deletion keys), never by scanning the corpus, so a
new article costs the same with 10 or 10,000 articles behind it.

Linking rules, strongest first:
- a person's full name links to the entity with that name, or with the same surname and
  compatible given names ("Recep Erdogan" / "Recep Tayyip Erdogan");
- a surname alone links to a full name in the same article, else to the one person in the
  corpus with that surname; with several candidates and nothing to tell them apart it gets an
  entity of its own rather than a guess;
- an acronym links to the organization it abbreviates: defined in parentheses, the initials of
  a name in the same article, else of the one such name in the corpus; the small alias file
  covers what initials cannot (Daesh, PKK);
- a spelling variant ("Erodogan", "Asad") links only with support besides the spelling: the same
  article, a compatible role, or entities the candidate has appeared with before;
- capitals acting for governments, "Syrian government" and "Syria" are one country entity;
  demonym groups are one entity per people and kind ("Kurds (forces)");
- a generational suffix is part of the name: "Donald Trump Jr." is never "Donald J. Trump";
- a regnal or religious name ("Pope Francis", "Saint Francis") is keyed by title and name, never
  by a surname; it joins a birth name only on evidence in an article: an apposition ("Pope
  Francis, Jorge Bergoglio,") or the regnal name written with the surname ("Francis Bergoglio").

Every name an entity gains, and every merge, keeps the evidence that made it (`Entity.evidence`:
kind, the name, the article), so a user can see why two names are one actor.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsprism.understand.actors import (
    CORE_TITLES,
    COUNTRY,
    FORCE_NOUNS,
    GOVERNMENT,
    GOVERNMENT_NOUNS,
    GROUP,
    OCCUPIER_NOUNS,
    ORG_HEADS,
    ORGANIZATION,
    PEOPLE_NOUNS,
    PERSON,
    ActorMention,
    close_spelling,
    fold,
    generation,
    is_acronym,
    lexicon,
    person_tokens,
    regnal_name,
)

ID_PREFIX = "actor:"
_INITIALS_SKIP = {"of", "the", "for", "and", "in", "on", "to", "de", "la", "al", "el"}
# Titles too common to tell two people apart.
_WEAK_TITLES = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "official", "officer"}
_NAMESAKES_CAP = 8  # more same-surname candidates than this and a lone surname stays unlinked
_COOCCUR_CAP = 40  # entities per article counted for co-occurrence: bounds the pair count
_GROUP_NAME = re.compile(r"^(?P<nation>.+) \((?P<kind>[^()]+)\)$")
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

    def data(self) -> dict[str, list[dict[str, str]]]:
        """What the store keeps in the entity record's `data`."""
        return {"evidence": self.evidence} if self.evidence else {}


# --- keys -------------------------------------------------------------------------------------


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


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _id_age(entity_id: str) -> tuple[int, str]:
    digits = entity_id.removeprefix(ID_PREFIX)
    return (int(digits), "") if digits.isdigit() else (-1, entity_id)


def roles_compatible(a: str, b: str) -> bool:
    """Same title, no clash of nationality: "President" fits "Turkish President", "Turkish
    President" does not fit "Syrian President"."""
    ta, tb = set(fold(a).split()), set(fold(b).split())
    if not (ta & tb & CORE_TITLES) - _WEAK_TITLES:
        return False
    nation_of = lexicon().nation_of
    na = {nation_of[w] for w in ta if w in nation_of}
    nb = {nation_of[w] for w in tb if w in nation_of}
    return not (na and nb and na.isdisjoint(nb))


# --- the index --------------------------------------------------------------------------------


@dataclass
class _Article:
    id: str
    context: str
    linked: dict[str, None] = field(default_factory=dict)  # entity ids, in order
    persons: list[str] = field(default_factory=list)  # full-name persons linked here
    orgs: list[str] = field(default_factory=list)
    _folded: str | None = None

    def folded_context(self) -> str:
        if self._folded is None:
            self._folded = fold(self.context)
        return self._folded


class EntityIndex:
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
        self._article_id = ""

    # -- public API --

    @classmethod
    def from_entities(
        cls, entities: Iterable[Entity], links: Iterable[tuple[str, str]] = ()
    ) -> EntityIndex:
        """An index over stored entities; `links` ((article_id, entity_id) pairs, optional)
        restores who appeared with whom, which spelling variants use as support."""
        index = cls()
        for entity in entities:
            index._entities[entity.id] = entity
            index._next = max(index._next, _id_age(entity.id)[0] + 1)
            index._index(entity)
        by_article: dict[str, list[str]] = {}
        for article_id, entity_id in links:
            if entity_id in index._entities:
                by_article.setdefault(article_id, []).append(entity_id)
        for ids in by_article.values():
            index._count_cooccurrence(ids)
        return index

    def link(self, article_id: str, mentions: list[ActorMention], context: str = "") -> list[str]:
        """The entity id of each mention, creating and extending entities as needed. `context`
        is the article text the mention offsets point into (used for acronym definitions
        and as support for spelling variants)."""
        article = _Article(article_id, context)
        self._article_id = article_id
        defined = _parenthesized(mentions, context)
        ids: list[str] = [""] * len(mentions)
        for i in sorted(range(len(mentions)), key=lambda i: _link_order(mentions[i])):
            self._why = SAME_NAME
            eid = self._link_one(mentions[i], article, defined.get(i), ids)
            ids[i] = eid
            article.linked.setdefault(eid)
        for i, j in _appositions(mentions, context):
            a, b = self._resolve(ids[i]), self._resolve(ids[j])
            if a != b and self._is_regnal(a) != self._is_regnal(b):
                self._merge(a, b, APPOSITION)  # "Pope Francis, Jorge Bergoglio, said"
        linked = {self._resolve(e): None for e in article.linked}
        self._count_cooccurrence(
            [e for e in linked if self._entities[e].type in (PERSON, ORGANIZATION)]
        )
        # A merge during this article may have retired an id handed out earlier in it.
        return [self._resolve(eid) for eid in ids]

    def entities(self) -> list[Entity]:
        return list(self._entities.values())

    def changed(self) -> list[Entity]:
        """Entities created or updated since the last call."""
        out = [self._entities[e] for e in self._changed if e in self._entities]
        self._changed = {}
        return out

    def merged(self) -> dict[str, str]:
        """Ids retired by merges since the last call -> the id that absorbed them."""
        out = {old: self._resolve(new) for old, new in self._merged.items()}
        self._merged = {}
        return out

    # -- one mention --

    def _link_one(
        self, m: ActorMention, art: _Article, defined_by: int | None, ids: list[str]
    ) -> str:
        if m.type == PERSON or self._reads_as_person(m, art):
            regnal = regnal_name(m.name, m.role)
            if regnal is not None:
                return self._link_regnal(m, regnal, art)
            tokens = person_tokens(m.name)
            if len(tokens) >= 2:
                return self._link_full_name(m, tokens, art)
            return self._link_surname(m, tokens[0] if tokens else fold(m.name), art)
        if m.type == ORGANIZATION:
            if is_acronym(m.name):
                target = ids[defined_by] if defined_by is not None else None
                return self._link_acronym(m, art, target)
            return self._link_org_name(m, art)
        if m.type in (COUNTRY, GOVERNMENT):
            country = self._country_of(m)
            if country is not None:
                self._why = "the country's name, capital or government"
                return self._link_keyed(m, "c:" + fold(country), country, COUNTRY)
        self._why = "the same people and kind of group"
        nation, kind = group_parts(m.name)
        return self._link_keyed(m, f"g:{fold(nation)}|{kind}", f"{nation} ({kind})", GROUP)

    def _reads_as_person(self, m: ActorMention, art: _Article) -> bool:
        """A one-word ORG label on a known surname ("Trump ordered") is the person."""
        if m.type != ORGANIZATION or " " in m.name.strip() or is_acronym(m.name):
            return False
        if org_key(m.name) in self._keys or fold(m.name) in ORG_HEADS:
            return False  # "Church" is no Mr. Church
        word = fold(m.name)
        # an article's persons may have been merged into others since it listed them
        in_article = any(self._name_tokens(self._resolve(e))[-1] == word for e in art.persons)
        return in_article or len(self._surnames.get(word, ())) == 1

    def _country_of(self, m: ActorMention) -> str | None:
        if m.metonymy_of:
            return m.metonymy_of
        lex = lexicon()
        if m.type == COUNTRY:
            return lex.nation_of.get(fold(m.name), m.name)
        nation, _ = group_parts(m.name)  # "Syrian government" -> Syria
        return nation if nation in lex.countries else None

    def _link_keyed(self, m: ActorMention, key: str, name: str, kind: str) -> str:
        eid = self._keys.get(key)
        if eid is None:
            eid = self._create(name, kind)
            self._register(eid, key)
        return self._attach(eid, m)

    # -- persons --

    def _link_full_name(self, m: ActorMention, tokens: list[str], art: _Article) -> str:
        eid = self._keys.get(person_key(m.name))
        if eid is None:
            self._why = NAME_VARIANT
            eid = self._same_surname(m, tokens, art)
        if eid is None:
            self._why = ALIAS_PATTERN
            eid = self._regnal_with_surname(tokens, art)
            if eid is not None:  # "Pope Bergoglio", seen before, is now known to be him
                title = fold(self._entities[eid].name).split()[0]
                other = self._keys.get(regnal_key(f"{title} {tokens[-1]}"))
                if other is not None:
                    name = self._entities[eid].name
                    eid = self._merge(eid, other, ALIAS_PATTERN)
                    self._entities[eid].name = name  # "Pope Francis", not "Pope Bergoglio"
                    self._index(self._entities[eid])
        if eid is None:
            self._why = FIRST_SURNAME
            eid = self._upgrade_solo(m, tokens)
        if eid is None:
            self._why = SPELLING
            eid = self._fuzzy_person(m, tokens, art)
        if eid is None:
            eid = self._create(m.name, PERSON)
        eid = self._attach(eid, m)
        if eid not in art.persons:
            art.persons.append(eid)
        return eid

    def _same_surname(self, m: ActorMention, tokens: list[str], art: _Article) -> str | None:
        gen = generation(m.name)
        found = [
            e for e in self._by_given(tokens[-1], tokens) if self._given_fit(tokens, e, gen=gen)
        ]
        return self._pick(sorted(found, key=_id_age), m, art)

    def _link_regnal(self, m: ActorMention, regnal: str, art: _Article) -> str:
        """ "Pope Francis" by title and name: never by a surname it does not have."""
        eid = self._keys.get(regnal_key(regnal))
        if eid is None:
            self._why = "regnal name with or without its number"
            eid = self._same_regnal_stem(regnal)
        if eid is None:
            self._why = ALIAS_PATTERN  # "Pope Bergoglio": the pope born Bergoglio
            eid = self._regnal_by_birth_name(regnal)
        if eid is None:
            eid = self._create(regnal, PERSON)
        entity = self._entities[self._resolve(eid)]
        if len(regnal.split()) > len(entity.name.split()):
            entity.name = regnal  # "Pope Benedict" was "Pope Benedict XVI"
            self._index(entity)
        eid = self._attach(eid, m)
        if eid not in art.persons:
            art.persons.append(eid)
        return eid

    def _same_regnal_stem(self, regnal: str) -> str | None:
        """The one entity of this title and name whose number does not clash: "Pope Benedict"
        is "Pope Benedict XVI" while no other Pope Benedict is known."""
        stem, number = _regnal_stem(regnal)
        found = {
            e
            for e in map(self._resolve, self._regnal_stems.get(stem, ()))
            if not number or not _regnal_stem(self._entities[e].name)[1]
            or _regnal_stem(self._entities[e].name)[1] == number
        }  # fmt: skip
        known = {self._resolve(e) for e in self._regnal_stems.get(stem, ())}
        return found.pop() if len(found) == 1 and len(known) == 1 else None

    def _regnal_by_birth_name(self, regnal: str) -> str | None:
        words = fold(regnal).split()
        if len(words) != 2:
            return None
        found = {
            e
            for e in map(self._resolve, self._surnames.get(words[1], ()))
            if self._is_regnal(e) and fold(self._entities[e].name).split()[0] == words[0]
        }
        return found.pop() if len(found) == 1 else None

    def _regnal_with_surname(self, tokens: list[str], art: _Article) -> str | None:
        """ "Francis Bergoglio", "Benedict Ratzinger": a pope's name written with his birth
        surname, in an article naming that pope, or one already joined to that surname. Only
        a pope's, and only one with no number: a "John Smith" in an article naming King John
        or Pope John XXIII is someone else."""
        if len(tokens) != 2:
            return None
        linked = {self._resolve(e) for e in art.linked}
        found = {
            e
            for e in map(self._resolve, self._regnal_given.get(tokens[0], ()))
            if (e in linked or e in self._surnames.get(tokens[1], ()))
            and fold(self._entities[e].name).split() == ["pope", tokens[0]]
        }
        return found.pop() if len(found) == 1 else None

    def _is_regnal(self, eid: str) -> bool:
        entity = self._entities.get(eid)
        return entity is not None and entity.type == PERSON and regnal_name(entity.name) is not None

    def _by_given(self, surname: str, tokens: list[str]) -> set[str]:
        """Persons with this surname sharing a given name or an initial with `tokens`: a
        bucket of namesakes is never scanned whole."""
        found: set[str] = set()
        for word in tokens[:-1]:
            key = f"{surname}|{word}*" if len(word) == 1 else f"{surname}|{word}"
            found |= self._given.get(key, set())
            found |= self._given.get(f"{surname}|{word[0]}", set())  # written as an initial
        return found

    def _upgrade_solo(self, m: ActorMention, tokens: list[str]) -> str | None:
        """ "Erdogan" seen alone before anyone wrote his full name: that entity becomes the full
        name, unless another person with this surname makes the match a guess."""
        if generation(m.name):
            return None  # a lone "Trump" is no more the son than the father
        eid = self._solo.get(tokens[-1])
        if eid is None or self._surnames.get(tokens[-1]):
            return None
        del self._solo[tokens[-1]]
        return eid

    def _fuzzy_person(self, m: ActorMention, tokens: list[str], art: _Article) -> str | None:
        found = [
            e
            for word in self._near(tokens[-1])
            for e in self._by_given(word, tokens)
            if self._given_fit(tokens, e, strict=True, gen=generation(m.name))
            and self._supported(e, m, art)
        ]
        return found[0] if len(set(found)) == 1 else None

    def _link_surname(self, m: ActorMention, word: str, art: _Article) -> str:
        gen = generation(m.name)
        solo = f"{word} {gen}" if gen else word
        self._why = IN_ARTICLE
        eid = self._in_article(m, word, art)
        if eid is None:
            self._why = SOLE_NAMESAKE
            same = [e for e in self._surnames.get(word, ()) if self._generation(e) == gen]
            eid = self._pick(same if gen else list(self._surnames.get(word, ())), m, art)
        if eid is None:
            self._why = "regnal name seen with the same actors"
            found = [e for e in self._regnal_given.get(word, ()) if self._supported(e, m, art)]
            eid = found[0] if len(found) == 1 and not gen else None
        if eid is None:
            self._why = SAME_NAME
            eid = self._solo.get(solo)
        if eid is None and not gen:
            self._why = SPELLING
            found = {
                e
                for near in self._near(word)
                for e in (*self._surnames.get(near, ()), self._solo.get(near))
                if e is not None and self._supported(e, m, art)
            }
            eid = found.pop() if len(found) == 1 else None
        if eid is None:
            eid = self._create(m.name, PERSON)
            self._solo[solo] = eid
            self._add_fuzzy(word)
        return self._attach(eid, m)

    def _generation(self, eid: str) -> str:
        return generation(self._entities[eid].name)

    def _in_article(self, m: ActorMention, word: str, art: _Article) -> str | None:
        """A full name written earlier in the same article: by surname, any other name word,
        then by a spelling one typo away."""
        gen = generation(m.name)
        names = {
            e: self._name_tokens(e)
            for e in map(self._resolve, art.persons)
            if not gen or self._generation(e) == gen
        }
        for test in (
            lambda toks: toks[-1] == word,
            lambda toks: word in toks,
            lambda toks: close_spelling(word, toks[-1]),
        ):
            found = [e for e, toks in names.items() if test(toks)]
            if found:
                return self._pick(found, m, art, prefer_first=True)
        return None

    def _pick(
        self, found: list[str], m: ActorMention, art: _Article, prefer_first: bool = False
    ) -> str | None:
        """The one candidate; among several, the only one with support; else none (or the
        first written, within one article)."""
        if len(found) <= 1:
            return found[0] if found else None
        if len(found) > _NAMESAKES_CAP and not prefer_first:
            return None  # a crowd of namesakes: any "support" would be a coin toss
        supported = [e for e in found if self._supported(e, m, art)]
        if len(supported) == 1:
            return supported[0]
        return found[0] if prefer_first else None

    def _given_fit(self, tokens: list[str], eid: str, strict: bool = False, gen: str = "") -> bool:
        """Given names that can be the same person: one list inside the other, initials
        allowed ("D Trump"), and the same generation ("Jr." is never his father). `strict`
        wants at least one given name on both sides."""
        if self._generation(eid) != gen:
            return False
        mine = tokens[:-1]
        return any(_fits(mine, other, strict) for other in self._given_forms(eid))

    def _given_forms(self, eid: str) -> list[list[str]]:
        """Given names the entity is known by: a regnal entity's come from its birth names."""
        if not self._is_regnal(eid):
            return [self._name_tokens(eid)[:-1]]
        forms = [person_tokens(a) for a in self._entities[eid].aliases if regnal_name(a) is None]
        return [toks[:-1] for toks in forms if len(toks) >= 2]

    def _name_tokens(self, eid: str) -> list[str]:
        """The entity's name words, cached: surname buckets are scanned on every new name."""
        name = self._entities[eid].name
        cached = self._tokens.get(eid)
        if cached is None or cached[0] != name:
            cached = self._tokens[eid] = (name, person_tokens(name))
        return cached[1]

    def _supported(self, eid: str, m: ActorMention, art: _Article) -> bool:
        """Evidence beyond the spelling that a mention is this entity."""
        entity = self._entities.get(eid)
        if entity is None:
            return False
        if eid in art.linked:
            return True
        if m.role and any(roles_compatible(m.role, r) for r in entity.roles):
            return True
        seen_with = self._cooccur.get(eid)
        if seen_with:
            shared = [e for e in art.linked if e in seen_with]
            if len(shared) >= 2 or any(seen_with[e] >= 2 for e in shared):
                return True
        titled = [r for r in entity.roles if " " in r and fold(r).split()[-1] in CORE_TITLES]
        return bool(art.context) and any(fold(r) in art.folded_context() for r in titled)

    def _near(self, word: str) -> set[str]:
        candidates: set[str] = set()
        for key in _deletes(word) | {word}:
            candidates |= self._fuzzy.get(key, set())
        return {c for c in candidates if close_spelling(word, c)}

    # -- organizations --

    def _link_org_name(self, m: ActorMention, art: _Article) -> str:
        name = m.name.strip()
        canonical = lexicon().org_alias.get(fold(name))
        key = org_key(name)
        if canonical is not None and fold(canonical) != fold(name):
            self._why = LISTED_ALIAS  # "Islamic State" for ISIS
        eid = self._keys.get(key)
        if eid is None:
            self._why = "acronym seen before its name"
            letters = initials(name)
            eid = self._acronym_only.pop(letters, None) if not canonical and letters else None
            if eid is not None and self._initials.get(letters):
                self._acronym_only[letters] = eid  # another name owns these initials
                eid = None
            if eid is None:
                eid = self._create(canonical or name, ORGANIZATION)
            self._register(eid, key)
        eid = self._attach(eid, m)
        if eid not in art.orgs:
            art.orgs.append(eid)
        return eid

    def _link_acronym(self, m: ActorMention, art: _Article, defined_as: str | None) -> str:
        letters = acronym_key(m.name)
        key = org_key(m.name)
        canonical = lexicon().org_alias.get(fold(m.name))
        self._why = LISTED_ALIAS if canonical is not None else "acronym: initials of the name"
        if defined_as is not None:
            self._why = "acronym defined in the article"
        if canonical is not None:  # a listed alias ("ISIS", "PKK") has its canonical key
            eid = self._keys.get(key) or defined_as or self._create(canonical, ORGANIZATION)
        else:
            eid = defined_as or self._acronym_in_article(letters, art) or self._keys.get(key)
            if eid is None and len(self._initials.get(letters, ())) == 1:
                eid = next(iter(self._initials[letters]))
        if eid is None:
            eid = self._create(m.name, ORGANIZATION)
            self._acronym_only[letters] = eid
        other = self._keys.get(key)
        if other is not None and other != eid:
            # "PKK" had an entity before its expansion was seen
            eid = self._merge(other, eid, "acronym defined in the article")
        self._register(eid, key)
        eid = self._attach(eid, m)
        if eid not in art.orgs:
            art.orgs.append(eid)
        return eid

    def _acronym_in_article(self, letters: str, art: _Article) -> str | None:
        found = [
            e for e in map(self._resolve, art.orgs) if initials(self._entities[e].name) == letters
        ]
        return found[0] if len(found) == 1 else None

    # -- bookkeeping --

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
            if entity.type == PERSON:
                self._index_person_alias(eid, surface)
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
                self._regnal_stems.setdefault(_regnal_stem(entity.name)[0], set()).add(eid)
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
            for key in _deletes(word) | {word}:
                self._fuzzy.setdefault(key, set()).add(word)

    def _resolve(self, eid: str) -> str:
        while eid in self._merged and eid not in self._entities:
            eid = self._merged[eid]
        return eid

    def _merge(self, a: str, b: str, kind: str = ALIAS_PATTERN) -> str:
        """One entity from two; the older id survives, and keeps why they are one."""
        a, b = self._resolve(a), self._resolve(b)
        if a == b:
            return a
        keep, drop = sorted((a, b), key=_id_age)
        kept, gone = self._entities[keep], self._entities.pop(drop)
        kept.evidence.append(
            {"kind": kind, "merged": gone.name, "id": drop, "article": self._article_id}
        )
        kept.evidence += gone.evidence
        for alias in gone.aliases:
            if alias not in kept.aliases:
                kept.aliases.append(alias)
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


def _link_order(m: ActorMention) -> tuple[int, int]:
    """Names that anchor others first: full organization names before acronyms, full person
    names before lone surnames, so a mention can lean on what its article already said."""
    if m.type == ORGANIZATION:
        rank = 1 if is_acronym(m.name) else (0 if " " in m.name.strip() else 4)
    elif m.type == PERSON:
        if regnal_name(m.name, m.role) is not None:
            rank = 2  # "Pope Francis" before the "Francis Bergoglio" it explains
        else:
            rank = 3 if len(person_tokens(m.name)) >= 2 else 4
    else:
        rank = 2
    return rank, m.start


def _regnal_stem(regnal: str) -> tuple[str, str]:
    """ "Pope Benedict XVI" -> ("pope benedict", "xvi")."""
    words = fold(regnal).split()
    number = words[-1] if len(words) > 2 and re.fullmatch(r"[ivxl]+", words[-1]) else ""
    return " ".join(words[:-1] if number else words), number


def _fits(mine: list[str], other: list[str], strict: bool) -> bool:
    if not mine or not other:
        return not strict
    short, long_ = sorted((mine, other), key=len)
    return all(any(w == x or (len(w) == 1 and x.startswith(w)) for x in long_) for w in short)


def _appositions(mentions: list[ActorMention], context: str) -> list[tuple[int, int]]:
    """Pairs of person mentions in apposition, one regnal, one a full birth name: "Pope
    Francis, Jorge Bergoglio, said", "Jorge Mario Bergoglio (Pope Francis)". Not a list
    ("Pope Francis, Jorge Bergoglio and ...")."""
    if not context:
        return []
    people = sorted((m.start, i) for i, m in enumerate(mentions) if m.type == PERSON)
    out = []
    for (_, i), (_, j) in zip(people, people[1:], strict=False):
        a, b = mentions[i], mentions[j]
        if context[a.end : b.start].strip() not in (",", "(") or "\n" in context[a.end : b.start]:
            continue
        after = context[b.end : b.end + 8]
        if after[:1] not in (",", ")") or re.match(r"[,)]\s*(and|or)\b", after):
            continue
        regnal = [regnal_name(x.name, x.role) is not None for x in (a, b)]
        birth = b if regnal[0] else a
        if regnal[0] != regnal[1] and len(person_tokens(birth.name)) >= 2:
            out.append((i, j))
    return out


def _parenthesized(mentions: list[ActorMention], context: str) -> dict[int, int]:
    """Acronym mention index -> index of the name it abbreviates: "Syrian Democratic Forces
    (SDF)". Parentheses are stronger evidence than initials (PKK spells no English initials)."""
    out: dict[int, int] = {}
    names = [
        (m.end, i)
        for i, m in enumerate(mentions)
        if m.type == ORGANIZATION and not is_acronym(m.name)
    ]
    for i, m in enumerate(mentions):
        if m.type != ORGANIZATION or not is_acronym(m.name):
            continue
        for end, j in names:
            gap = m.start - end
            if 0 < gap <= 3 and (not context or "(" in context[end : m.start]):
                out[i] = j
    return out
