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

from collections.abc import Iterable

from newsprism.link.article_mentions import (
    ArticleLinks,
    appositions,
    link_order,
    opens_a_line,
    parenthesized,
)
from newsprism.link.entity_keys import acronym_key, group_parts, initials, org_key
from newsprism.link.entity_table import (
    APPOSITION,
    LISTED_ALIAS,
    SAME_NAME,
    Entity,
    id_age,
)
from newsprism.link.person_linking import PersonLinking
from newsprism.understand.actors import (
    COUNTRY,
    GOVERNMENT,
    GROUP,
    ORG_HEADS,
    ORGANIZATION,
    PERSON,
    ActorMention,
    fold,
    is_acronym,
    lexicon,
    person_tokens,
    regnal_name,
)


class EntityIndex(PersonLinking):
    """The corpus's entities, extended article by article: `link` gives each mention its
    entity. Persons are linked in PersonLinking; the entities and their keys are kept in
    EntityTable."""

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
            index._next = max(index._next, id_age(entity.id)[0] + 1)
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
        article = ArticleLinks(article_id, context)
        self._article_id = article_id
        defined = parenthesized(mentions, context)
        ids: list[str] = [""] * len(mentions)
        for i in sorted(range(len(mentions)), key=lambda i: link_order(mentions[i])):
            self._why = SAME_NAME
            self._case_unsure = opens_a_line(context, mentions[i].name_start)
            eid = self._link_one(mentions[i], article, defined.get(i), ids)
            ids[i] = eid
            article.linked.setdefault(eid)
        for i, j in appositions(mentions, context):
            a, b = self._resolve(ids[i]), self._resolve(ids[j])
            if a != b and self._is_regnal(a) != self._is_regnal(b):
                self._merge(a, b, APPOSITION)  # "Pope Francis, Jorge Bergoglio, said"
        linked = {self._resolve(e): None for e in article.linked}
        self._count_cooccurrence(
            [e for e in linked if self._entities[e].type in (PERSON, ORGANIZATION)]
        )
        self._case_unsure = False
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
        self, m: ActorMention, art: ArticleLinks, defined_by: int | None, ids: list[str]
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

    def _reads_as_person(self, m: ActorMention, art: ArticleLinks) -> bool:
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

    # -- organizations --

    def _link_org_name(self, m: ActorMention, art: ArticleLinks) -> str:
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

    def _link_acronym(self, m: ActorMention, art: ArticleLinks, defined_as: str | None) -> str:
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

    def _acronym_in_article(self, letters: str, art: ArticleLinks) -> str | None:
        found = [
            e for e in map(self._resolve, art.orgs) if initials(self._entities[e].name) == letters
        ]
        return found[0] if len(found) == 1 else None
