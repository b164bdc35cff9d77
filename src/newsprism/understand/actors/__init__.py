"""Actor mentions in one parsed article: who acts, with titles and epithets split off the name.

Runs in the hot path right after the spaCy parse, so it only walks the entities and tokens the
parse already made (no second model, no per-token look-ups beyond dict hits). The small English
model mislabels often ("Erodogan" as GPE, "Trump" as ORG, towns as PERSON), so the label is a
first guess that syntax and the article's other mentions correct.

Choices an analyst should know about:
- A place is an actor only where it acts: subject of a verb, agent ("controlled by Damascus"),
  party to a deal or fight ("a deal with Moscow"), "Ankara-backed". A capital acting stands for
  its government (type "government", metonymy_of the country); a country acting is a "country".
- Demonym groups ("Kurdish fighters", "US troops", "Kurds") are "group" mentions: outlets name
  the same armed force very differently, which is exactly what a naming comparison needs. A
  demonym used as a plain adjective ("Kurdish areas") names no actor and is left out.
- "Syrian government" and "US administration" are "government" mentions of the country.
- A name never ends in a preposition or an article, nor takes in a headline's verb ("Velmar
  Pleads"); a role never takes in a verb of the sentence ("called Mr.") or a dangling "of"
  ("critical of Mr."), and what a title is "of" is no one's name ("secretary of State").
- A title standing alone ("the Pope said") is a mention of the person the text means: the
  nearest before it with that title, else the article's most mentioned one; a generic one
  ("any Pope who") is no mention.
- A head noun decides: "Catholic Church" is an organization, "McAllister Cover-up" no actor.
  Page furniture ("Privacy Policy and Terms") is never an actor.

Modules: words (word lists), lexicon (comparison keys, alias lists), mention (the record),
named (the model's entities), titles (roles around a name), acronyms, groups, repeated (a
person's name again where the model missed it), settle (overlaps, types, titles standing for
names).
"""

from __future__ import annotations

from collections.abc import Iterable

from newsprism.understand.actors.acronyms import alias_mentions
from newsprism.understand.actors.groups import (
    group_mentions,
    proxy_mentions,
    quoted_actor_mentions,
)
from newsprism.understand.actors.lexicon import (
    Lexicon,
    close_spelling,
    fold,
    generation,
    head_word,
    is_acronym,
    is_furniture,
    lexicon,
    person_tokens,
    regnal_name,
)
from newsprism.understand.actors.mention import (
    COUNTRY,
    GOVERNMENT,
    GROUP,
    ORGANIZATION,
    PERSON,
    ActorMention,
)
from newsprism.understand.actors.named import PlaceSpans, entity_mention
from newsprism.understand.actors.repeated import repeated_names
from newsprism.understand.actors.settle import drop_overlaps, settle_types
from newsprism.understand.actors.words import (
    FORCE_NOUNS,
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    OCCUPIER_NOUNS,
    ORG_HEADS,
    PEOPLE_NOUNS,
    PROXY_KIND,
    QUOTE_PAIRS,
)

__all__ = [
    "COUNTRY",
    "FORCE_NOUNS",
    "GOVERNMENT",
    "GOVERNMENT_NOUNS",
    "GROUP",
    "GROUP_NOUNS",
    "OCCUPIER_NOUNS",
    "ORGANIZATION",
    "ORG_HEADS",
    "PEOPLE_NOUNS",
    "PERSON",
    "PROXY_KIND",
    "QUOTE_PAIRS",
    "ActorMention",
    "Lexicon",
    "close_spelling",
    "find_actors",
    "fold",
    "generation",
    "head_word",
    "is_acronym",
    "is_furniture",
    "lexicon",
    "person_tokens",
    "regnal_name",
]


def find_actors(doc, place_spans: Iterable[tuple[int, int]] = ()) -> list[ActorMention]:
    """Actor mentions in a parsed doc, one per span, in text order."""
    lex = lexicon()
    places = PlaceSpans(place_spans)
    found: list[ActorMention] = []
    for ent in doc.ents:
        mention = entity_mention(ent, lex, places)
        if mention is not None:
            found.append(mention)
    found.extend(alias_mentions(doc, lex))
    found.extend(proxy_mentions(doc, lex))
    found.extend(group_mentions(doc, lex))
    found.extend(quoted_actor_mentions(doc))
    found.extend(repeated_names(doc, found))
    kept = drop_overlaps(found)
    return settle_types(kept, doc)
