"""How a person's mention finds its entity: a full name by its key or a compatible one, a lone
surname by the article's full names or the one namesake, a regnal name by title and name, a
spelling variant only with support besides the spelling."""

from __future__ import annotations

from newsprism.link.article_mentions import ArticleLinks
from newsprism.link.entity_keys import (
    deletion_keys,
    given_names_fit,
    given_variants,
    person_key,
    regnal_key,
    regnal_stem,
    roles_compatible,
)
from newsprism.link.entity_table import (
    ALIAS_PATTERN,
    FIRST_SURNAME,
    IN_ARTICLE,
    NAME_VARIANT,
    SAME_NAME,
    SOLE_NAMESAKE,
    SPELLING,
    EntityTable,
    id_age,
)
from newsprism.understand.actors import (
    PERSON,
    ActorMention,
    close_spelling,
    fold,
    generation,
    person_tokens,
    regnal_name,
)
from newsprism.understand.lexicon import TITLES

_NAMESAKES_CAP = 8  # more same-surname candidates than this and a lone surname stays unlinked


class PersonLinking(EntityTable):
    """The person half of EntityIndex: full names, lone surnames, regnal names and spelling
    variants."""

    def _link_full_name(self, m: ActorMention, tokens: list[str], art: ArticleLinks) -> str:
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

    def _same_surname(self, m: ActorMention, tokens: list[str], art: ArticleLinks) -> str | None:
        gen = generation(m.name)
        found = [
            e for e in self._by_given(tokens[-1], tokens) if self._given_fit(tokens, e, gen=gen)
        ]
        return self._pick(sorted(found, key=id_age), m, art)

    def _link_regnal(self, m: ActorMention, regnal: str, art: ArticleLinks) -> str:
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
        stem, number = regnal_stem(regnal)
        found = {
            e
            for e in map(self._resolve, self._regnal_stems.get(stem, ()))
            if not number or not regnal_stem(self._entities[e].name)[1]
            or regnal_stem(self._entities[e].name)[1] == number
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

    def _regnal_with_surname(self, tokens: list[str], art: ArticleLinks) -> str | None:
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

    def _by_given(self, surname: str, tokens: list[str]) -> set[str]:
        """Persons with this surname sharing a given name or an initial with `tokens`: a
        bucket of namesakes is never scanned whole."""
        found: set[str] = set()
        for word in tokens[:-1]:
            key = f"{surname}|{word}*" if len(word) == 1 else f"{surname}|{word}"
            found |= self._given.get(key, set())
            found |= self._given.get(f"{surname}|{word[0]}", set())  # written as an initial
            for other in given_variants(word):  # "Mike" for a Michael already known
                found |= self._given.get(f"{surname}|{other}", set())
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

    def _fuzzy_person(self, m: ActorMention, tokens: list[str], art: ArticleLinks) -> str | None:
        found = [
            e
            for word in self._near(tokens[-1])
            for e in self._by_given(word, tokens)
            if self._given_fit(tokens, e, strict=True, gen=generation(m.name))
            and self._supported(e, m, art)
        ]
        return found[0] if len(set(found)) == 1 else None

    def _link_surname(self, m: ActorMention, word: str, art: ArticleLinks) -> str:
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

    def _in_article(self, m: ActorMention, word: str, art: ArticleLinks) -> str | None:
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
        self, found: list[str], m: ActorMention, art: ArticleLinks, prefer_first: bool = False
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
        return any(given_names_fit(mine, other, strict) for other in self._given_forms(eid))

    def _given_forms(self, eid: str) -> list[list[str]]:
        """Given names the entity is known by: a regnal entity's come from its birth names."""
        if not self._is_regnal(eid):
            return [self._name_tokens(eid)[:-1]]
        forms = [person_tokens(a) for a in self._entities[eid].aliases if regnal_name(a) is None]
        return [toks[:-1] for toks in forms if len(toks) >= 2]

    def _supported(self, eid: str, m: ActorMention, art: ArticleLinks) -> bool:
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
        titled = [r for r in entity.roles if " " in r and fold(r).split()[-1] in TITLES]
        return bool(art.context) and any(fold(r) in art.folded_context() for r in titled)

    def _near(self, word: str) -> set[str]:
        candidates: set[str] = set()
        for key in deletion_keys(word) | {word}:
            candidates |= self._fuzzy.get(key, set())
        return {c for c in candidates if close_spelling(word, c)}
