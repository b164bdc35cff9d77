"""Toponym detection: which spans of a parsed article name places.

Detection starts from spaCy's entities and fixes their types with the gazetteer and the words
around them: a small model tags "Qamishli" ORG and "Ras al-Ayn" PERSON, so an ORG or PERSON span
becomes a place only when the gazetteer knows the whole name *and* the sentence puts it where a
place goes ("in", "near", "the town of"); a span led by a title ("Gen Mazloum Kobani") or used as a
speaker never does. A proper noun the model missed is taken only in the same strong context.
Peoples of countries and continents ("Syrian", "European") are places too, and so are the
places organisations are named after ("the Kansas Highway Patrol": label IN_ORG).
"""

from __future__ import annotations

import re
from collections import Counter

from newsprism.ingest.clean import dateline_place_match
from newsprism.understand.gazetteer import Gazetteer
from newsprism.understand.lexicon import NAME_TITLES, SPEECH_VERBS, speech_forms
from newsprism.understand.places.lookup import ADMIN_CODES, candidates, same_letters
from newsprism.understand.places.organisations import ORG_WORDS, places_in_organisations
from newsprism.understand.toponyms import toponym_key

PLACE_LABELS = {"GPE", "LOC"}
# Labels a small model puts on places it mistypes; they become places only in place context.
RETYPABLE_LABELS = {"ORG", "PERSON", "FAC", "NORP"}
# Words after which a capitalised name is where something happens.
_LOCATIVE = {
    "in", "near", "from", "to", "into", "at", "outside", "around", "towards", "toward", "across",
    "through", "via", "nearby", "between", "and", "or", "of", "inside", "within", "past", "beyond",
    "neighbouring", "neighboring",
}  # fmt: skip
# People are talked to, heard from and met at: these are no evidence that a PERSON span is a place.
_WEAK_FOR_PEOPLE = {"to", "from", "at", "via", "past"}
# Verbs whose direct object is a place ("fled Qamishli", "entered Ras al-Ain"): enough to make a
# mistyped ORG a place the gazetteer knows, never a PERSON (one can "leave Trump").
_PLACE_VERBS = {
    "flee", "enter", "reach", "capture", "shell", "storm", "besiege", "bomb", "evacuate",
    "encircle", "surround", "liberate", "recapture", "overrun", "invade",
}  # fmt: skip
# "the town of X", "X countryside": nouns that make a neighbouring name a place.
_PLACE_NOUNS = {
    "town", "city", "village", "province", "governorate", "region", "district", "countryside",
    "border", "outskirts", "suburbs", "capital", "county", "state", "area", "crossing",
    "towns", "cities", "villages", "provinces", "regions", "districts", "areas",
}  # fmt: skip
_TOWN_NOUNS = {"town", "city", "village", "towns", "cities", "villages", "capital"}
# "Kobani said", "Kobani, warned": a name that speaks is a person's, not a place's ("called"
# only as "called for/on": "Kobani, called Ain al-Arab in Arabic" is the town).
_SPOKE = "|".join(speech_forms(SPEECH_VERBS - {"call"}))
_SPEECH = re.compile(rf"\s*(?:,\s*)?(?:{_SPOKE}|call(?:ed|s)\s+(?:for|on))\b")
# The label of a place an organisation is named after ("the Kansas Highway Patrol"): whose the
# organisation is, which tells the article's geography, not where anything happened; such
# places stay off maps, as peoples (NORP) do.
IN_ORG_LABEL = "IN_ORG"
# Labels of places that say who, not where: peoples ("Syrian troops") and the places
# organisations are named after ("the Kansas Highway Patrol").
WHO_NOT_WHERE = frozenset({"NORP", IN_ORG_LABEL})


def _locative_before(doc, start: int, places: set[int], person: bool) -> bool:
    """A place word just before token `start`: "in X", "near X", "the town of X", "Raqqa and X"."""
    if start == 0:
        return False
    if not person and doc[start - 1].lemma_.lower() in _PLACE_VERBS:
        return True
    prev = doc[start - 1].lower_
    if prev not in _LOCATIVE or (person and prev in _WEAK_FOR_PEOPLE):
        return False
    if prev in ("of", "and", "or"):
        # weak alone: only "the town of X" and a list of places ("Raqqa and X")
        return start >= 2 and (doc[start - 2].lower_ in _PLACE_NOUNS or start - 2 in places)
    return True


def _place_noun_after(doc, end: int, person: bool = False) -> bool:
    """ "Ras al-Ain countryside", "Kobani town"; after a name the model took for a person's,
    only a town noun: "the Obama border", "the Trump area" are no places."""
    return end < len(doc) and doc[end].lower_ in (_TOWN_NOUNS if person else _PLACE_NOUNS)


def _looks_like_person(doc, ent, text: str) -> bool:
    if ent.start > 0:
        prev = doc[ent.start - 1]
        if prev.lower_.rstrip(".") in NAME_TITLES:
            return True
        if prev.is_title and prev.pos_ == "PROPN" and not prev.ent_type_:
            return True  # part of a longer name the model cut
    if ent.end < len(doc) and doc[ent.end].lower_ in ("'s", "\u2019s"):
        return True  # "in Obama's groveling": a person's, whatever the word before
    return bool(_SPEECH.match(text[ent.end_char : ent.end_char + 12]))


# What a town's name qualifies in local news ("Winona police", "a Rolling Meadows resident"),
# which the small model reads as an organisation's name.
_TOWNSFOLK = {"police", "resident", "residents", "man", "woman", "native", "natives", "mayor"}


def _said_names(doc, text: str) -> set[str]:
    """Names used as speakers anywhere in the article ("Kobani said"): people, not places."""
    return {ent.text for ent in doc.ents if _SPEECH.match(text[ent.end_char : ent.end_char + 12])}


def _retype(doc, ent, gazetteer: Gazetteer, said: set[str], places: set[int],
            place_keys: set[str], text: str, lower_words: set[str]) -> bool:  # fmt: skip
    """Whether an ORG/PERSON/FAC span is a place the model mistyped: the gazetteer knows the
    whole name and the sentence puts it where a place goes (or the article already used the same
    name as a place: one sense per article)."""
    words = {t.lower_ for t in ent}
    if words & ORG_WORDS or ent.text in said or ent.text.isupper():
        return False
    person = ent.label_ == "PERSON"
    if person and _looks_like_person(doc, ent, text):
        return False
    # "in Church history": the locative is the head noun's, not the name's that modifies it
    # ("between Ras al-Ayn and Tal Abyad towns" modifies a place noun: a place)
    head = ent.root.head
    modifier = (ent.root.dep_ == "compound" and head.i >= ent.end
                and head.lower_ not in _PLACE_NOUNS)  # fmt: skip
    context = (
        (_locative_before(doc, ent.start, places, person) and not modifier)
        or _place_noun_after(doc, ent.end, person)
        or toponym_key(ent.text) in place_keys
        or (not person and ent.end < len(doc) and doc[ent.end].lower_ in _TOWNSFOLK)
    )
    if not context:
        return False
    found = candidates(gazetteer, ent.text)
    if ent[0].lower_ == "the" and not any(e.name.lower().startswith("the ") for e in found):
        return False  # "the White House", a building: a town takes no article (The Hague does)
    if any(e.matched_main_name for e in found):
        # "the Church" where the article also writes "church": a common noun, not a town
        return not (len(ent) == 1 and ent.start > 0 and doc[ent.start - 1].lower_ == "the"
                    and ent.text.lower() in lower_words)  # fmt: skip
    # known only by another name of the place ("Ras al-Ain" for Ra's al 'Ayn, and "Google",
    # the name Topeka took for a month): a place where most of its mentions are put as one
    return any(e.population >= 5000 for e in found) and _mostly_placed(doc, ent.text, places)


def _mostly_placed(doc, name: str, places: set[int]) -> bool:
    """Most mentions of `name` in the article stand where a place goes ("in", "near", "the
    town of"): "between Google and the DNC" once among sixty mentions of Google is not."""
    mentions = [e for e in doc.ents if e.text == name]
    placed = sum(1 for e in mentions if _locative_before(doc, e.start, places, person=False)
                 or _place_noun_after(doc, e.end))  # fmt: skip
    return 2 * placed >= len(mentions)


# Nouns for a place or a part of it: after them "of" makes a name a place's as "in" does ("the
# suburbs of Aleppo", "north of Manbij", "the mayor of Kobani"); "of" alone does not ("eight
# years of Obama").
_COMPASS = {"north", "south", "east", "west"}
_PLACE_PARTS = _PLACE_NOUNS | _COMPASS | {
    "suburb", "streets", "centre", "center", "heart",
    "northeast", "northwest", "southeast", "southwest", "port", "residents", "mayor", "governor",
    "environs", "edge", "gates", "ruins",
}  # fmt: skip


def _opens_a_place(doc, i: int) -> bool:
    """Token i makes the proper noun after it a place's: a locative ("in", "near"), "of" after
    a place noun (_PLACE_PARTS), or a verb whose object is a place ("entered", "fled")."""
    word = doc[i].lower_
    if word in ("of", "and", "or"):
        return word == "of" and i > 0 and doc[i - 1].lower_ in _PLACE_PARTS
    return word in _LOCATIVE or (doc[i].pos_ == "VERB" and doc[i].lemma_.lower() in _PLACE_VERBS)


def _missed_spans(doc, places: set[int], gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """Proper nouns outside any entity, right after "in", "near", "the suburbs of", "entered"
    etc. (_opens_a_place), that the gazetteer knows as a sizeable place or a division."""
    spans = []
    i = 0
    while i < len(doc) - 1:
        if not _opens_a_place(doc, i):
            i += 1
            continue
        j = i + 1
        while (
            j < len(doc)
            and j not in places
            and not doc[j].ent_type_
            and (doc[j].pos_ == "PROPN" or (doc[j].text in ("-", "al") and j > i + 1))
        ):
            j += 1
        # "to Mr. Acosta" (MR, Mauritania): a title starts a person's name, not a place's
        if j > i + 1 and doc[i + 1].is_title and doc[i + 1].lower_ not in NAME_TITLES:
            name = doc[i + 1 : j].text
            found = [e for e in candidates(gazetteer, name) if same_letters(e, name)]
            if any(e.population >= 10_000 or e.feature_code in ADMIN_CODES for e in found):
                spans.append((i + 1, j))
        i = max(j, i + 1)
    return spans


# Words inside a name that make it a place's: "Main Street", "Umayyad Mosque", "Lake Keth".
_FEATURE_WORDS = {
    "street", "st", "st.", "road", "rd", "avenue", "ave", "boulevard", "square", "bridge", "river",
    "lake", "mount", "mountain", "mountains", "park", "valley", "hill", "hills", "island",
    "islands", "bay", "sea", "ocean", "gulf", "desert", "mosque", "church", "airport", "port",
    "harbour", "harbor", "canal", "dam", "camp", "highway", "district", "county", "province",
    "region", "state", "city", "town", "village", "quarter", "neighborhood", "neighbourhood",
}  # fmt: skip


def told_as_place(doc, start: int, end: int, strict: bool = False) -> bool:
    """Whether the words around a name the gazetteer lacks make it a place: "in X", "near X",
    "the town of X", "X district", or a place word inside it ("Main Street"). A name the model
    tags GPE or LOC without any of these ("the media's Farrakhan embargo") is no evidence.
    `strict`: not "to", "from", "at" either, which people are given and heard from too."""
    return (
        _locative_before(doc, start, set(), person=strict)
        or _place_noun_after(doc, end)
        or any(t.lower_ in _FEATURE_WORDS for t in doc[start:end])
    )


# Words that put what follows somewhere, which no person is: "in X", "near X" (a person is also
# "between X and Y", "with", "to", "from", "at" someone)
_WHERE_NO_PERSON_IS = {
    "in", "near", "outside", "inside", "into", "within", "towards", "toward", "across", "around",
    "beyond", "through", "neighbouring", "neighboring", "nearby",
}  # fmt: skip


def told_as_town(doc, start: int, end: int) -> bool:
    """Whether the words around a name put it where no person is: "grew up in Campos",
    "the Campos area"; not "between Campos being shot and ..."."""
    before = start > 0 and doc[start - 1].lower_ in _WHERE_NO_PERSON_IS
    return before or _place_noun_after(doc, end)


def countries_of_peoples(doc, gazetteer: Gazetteer) -> Counter[str]:
    """Countries of the peoples an article names ("Kurdish", "Turkish"): weak context."""
    votes: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ == "NORP":
            for e in candidates(gazetteer, ent.text):
                if e.feature_code == "PCLI" and e.country:
                    votes[e.country] += 0.3
                    break
    return votes


def place_spans(
    doc, gazetteer: Gazetteer, text: str, dateline_in_text: bool = True
) -> list[tuple[int, int, str]]:
    """(start token, end token, label) of the spans that name places. `dateline_in_text`: the
    text may open with its dateline (ingest gives the dateline apart, and cuts it off)."""
    said = _said_names(doc, text)
    # "Failed Premier Holt" (Holt, Michigan), "President Lincoln" (Lincoln, Nebraska): a name
    # the model took for a place right after a title is a person's, in the whole article ("the
    # Holt regime"), as one name keeps one sense in one article
    titled = _titled_names(doc)
    # one name, one sense: a one-word name the model reads as a person's more often than as a
    # place's ("Obama" PERSON three times, GPE once) is the person's, unless "in"/"near" it
    people = _mostly_people(doc)
    # the words the article writes in lower case, once: "church" beside "the Church"
    lower_words = {t.text for t in doc if t.is_lower}
    places: set[int] = set()
    place_keys: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    retypable = [e for e in doc.ents if e.label_ in RETYPABLE_LABELS - {"NORP"}]
    dateline = _dateline_span(doc, text, gazetteer) if dateline_in_text else None
    if dateline is not None:
        spans.append((dateline.start, dateline.end, "GPE"))
        places.update(range(dateline.start, dateline.end))
        place_keys.add(toponym_key(dateline.text))
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS:
            place_keys.add(toponym_key(ent.text))
    named_places = set(place_keys)  # the dateline's and the names the model tagged as places
    # Twice over the mistyped ones, so that a name made a place late in the article also makes
    # its earlier mentions places ("Ras al-Ain is one of two towns..." ... "near Ras al-Ain").
    for _ in range(2):
        for ent in doc.ents:
            if any(i in places for i in range(ent.start, ent.end)):  # a place already
                continue
            if (
                ent.text in people
                and len(ent) == 1
                and not _locative_before(doc, ent.start, places, person=True)
            ):
                continue
            if (
                ent.label_ in PLACE_LABELS
                and not _speaker_not_place(ent, said, gazetteer)
                and ent.text not in titled
                and not _hamlet_for_a_location(ent, gazetteer)
            ) or (
                ent in retypable
                and _retype(doc, ent, gazetteer, said, places, place_keys, text, lower_words)
            ):
                spans.append((ent.start, ent.end, ent.label_))
                places.update(range(ent.start, ent.end))
                place_keys.add(toponym_key(ent.text))
    for ent in doc.ents:
        # "Syrian", "European": a people or an adjective of a country or continent points to it
        if (
            ent.label_ == "NORP"
            and ent.start not in places
            and _names_a_country(gazetteer, ent.text)
        ):
            spans.append((ent.start, ent.end, "NORP"))
            places.update(range(ent.start, ent.end))
    for span in _legislators_home_towns(doc, text, gazetteer):
        if not any(i in places for i in range(span.start, span.end)):
            spans.append((span.start, span.end, "GPE"))
            places.update(range(span.start, span.end))
    named_people = said | titled | {t.text for e in doc.ents if e.label_ == "PERSON" for t in e}
    for start, end in places_in_organisations(
        doc, gazetteer, places, named_places, named_people, lower_words
    ):
        spans.append((start, end, IN_ORG_LABEL))
        places.update(range(start, end))
    for start, end in _missed_spans(doc, places, gazetteer):
        spans.append((start, end, "PROPN"))
    return sorted(_name_only(doc, s, e, gazetteer) + (label,) for s, e, label in spans)


_POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}


def _name_only(doc, start: int, end: int, gazetteer: Gazetteer) -> tuple[int, int]:
    """A place's span without the article or the possessive the model took in ("the West Bank",
    "South Carolina's": the names are "West Bank" and "South Carolina"), unless the article is
    part of the name ("The Hague", "The Bronx")."""
    if end - start > 1 and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    if end - start > 1 and doc[start].lower_ == "the":
        whole = candidates(gazetteer, doc[start:end].text)
        if not any(e.name.lower().startswith("the ") for e in whole):
            start += 1
    return start, end


# Where a text's first line or sentence ends: a dateline opens the body after its headline.
_FIRST_BREAK = re.compile(r"[.!?]\s+|\n\s*")


def _dateline_in_text(text: str) -> tuple[int, int] | None:
    """(start, end) of the place of a dateline the text opens with, or that opens its body
    after a headline ("Blaze leaves 18 homeless. TORRINGTON — A fire destroyed...", "BAIKONUR,
    Kazakhstan — ..."), as the cleaner finds one (`ingest.clean.dateline_place_match`)."""
    starts = [len(text) - len(text.lstrip())]
    first = _FIRST_BREAK.search(text, starts[0], starts[0] + 300)
    if first is not None:
        starts.append(first.end())
    for start in starts:
        match = dateline_place_match(text, start)
        if match:
            return match.start("place"), match.end("place")
    return None


def _dateline_span(doc, text: str, gazetteer: Gazetteer):
    """The dateline's place as a span of the parsed text, where the gazetteer knows it."""
    found = _dateline_in_text(text)
    if found is None:
        return None
    span = doc.char_span(*found, alignment_mode="expand")
    if span is None or not candidates(gazetteer, span.text.title()):
        return None
    return span


# "Rep. Jay Roberts (R-Ocilla)", "said Rep. Earl Pomeroy, D-N.D.": a US legislator's party and
# home town or state.
_PARTY_AND_TOWN = re.compile(
    r"(?:,\s|\()(?:R|D|I|DFL)-(?P<town>[A-Z][\w.]*(?: [A-Z][\w.]*)?)(?=[,)]|\.?\s)"
)


def _legislators_home_towns(doc, text: str, gazetteer: Gazetteer) -> list:
    """The spans of the towns and states after a legislator's party, where the gazetteer knows
    them. A postal code ("R-CA") is left out: the gazetteer reads CA as Canada's."""
    spans = []
    for match in _PARTY_AND_TOWN.finditer(text):
        span = doc.char_span(match.start("town"), match.end("town"))
        if span is None or (len(span.text) <= 2 and span.text.isupper()):
            continue
        if candidates(gazetteer, span.text):
            spans.append(span)
    return spans


def _mostly_people(doc) -> set[str]:
    """Names the model tags PERSON more often than GPE or LOC in this article."""
    votes: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            votes[ent.text] += 1
        elif ent.label_ in PLACE_LABELS:
            votes[ent.text] -= 1
    return {name for name, v in votes.items() if v > 0}


def _hamlet_for_a_location(ent, gazetteer: Gazetteer) -> bool:
    """A name the model tags LOC (a location that is not a town: a planet, a sea, a region)
    that the gazetteer knows only as villages ("Earth", a village of a thousand in Texas; "the
    moon"; "the Middle East", a Baltimore neighbourhood), or a point of the compass alone: not
    those places."""
    words = [t for t in ent if t.lower_ != "the"]
    if ent.label_ != "LOC" or not words:
        return False
    if len(words) == 1 and words[0].lower_ in _COMPASS:
        return True  # "the West", "the South": a part of the world, not Cameroon's West region
    found = candidates(gazetteer, " ".join(t.text for t in words))
    return bool(found) and all(e.feature_class == "P" and e.population < 5000 for e in found)


def _speaker_not_place(ent, said: set[str], gazetteer: Gazetteer) -> bool:
    """A GPE the model found that speaks ("Khalil called for...") and that the gazetteer knows
    only under another main name (Hebron, whose Arabic name is al-Khalil) is a person. A
    capital or country that speaks ("Damascus said") stays a place, for metonymy."""
    if ent.text not in said:
        return False
    return not any(
        e.matched_main_name or e.feature_code in ADMIN_CODES or e.feature_code == "PPLC"
        for e in candidates(gazetteer, ent.text)
    )


def _titled_names(doc) -> set[str]:
    """The names written after a capitalized title ("Premier Holt", "President Joe Biden"),
    whole and their last word; lower case ("an official Damascus statement") is no title."""
    names: set[str] = set()
    for tok in doc[:-1]:
        if not (tok.text[:1].isupper() and tok.lower_.rstrip(".") in NAME_TITLES):
            continue
        run = []
        for nxt in doc[tok.i + 1 : tok.i + 5]:
            if nxt.pos_ != "PROPN" or not nxt.text[:1].isupper() or nxt.lower_ in NAME_TITLES:
                break
            run.append(nxt)
        if run:
            names.update({doc[run[0].i : run[-1].i + 1].text, run[-1].text})
    return names


def _names_a_country(gazetteer: Gazetteer, text: str) -> bool:
    return any(e.feature_code in ("PCLI", "CONT") for e in candidates(gazetteer, text))
