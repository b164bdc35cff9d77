"""Organisations named after places: which words of an organisation's name may name its place
("the Kansas Highway Patrol", "the University of Alberta", "Air Canada Cargo"), and which of
them the gazetteer confirms as one (a country, a state, a capital, a large city, a county its
name calls one, or a place the article names elsewhere)."""

from __future__ import annotations

import re

from newsprism.understand.gazetteer import Gazetteer
from newsprism.understand.places.lookup import (
    ADMIN_CODES,
    PEOPLE_FORM,
    US_STATE_ABBREVIATIONS,
    candidates_and_form,
    same_letters,
)
from newsprism.understand.toponyms import toponym_key

# Words that make a name an organisation's ("Kurdistan Workers' Party", "Bank of Japan").
ORG_WORDS = {
    "party", "forces", "force", "council", "army", "ministry", "congress", "university", "bank",
    "company", "group", "front", "movement", "committee", "agency", "court", "police", "news",
    "times", "post", "institute", "union", "brigade", "corps", "command", "office", "club",
}  # fmt: skip
_NAME_WORD = re.compile(r"[A-Z][\w.\u2019'&-]*")


def _name_word(word: str) -> bool:
    return bool(_NAME_WORD.fullmatch(word)) and word.lower() not in ORG_WORDS


_POSSESSIVE_END = re.compile(r"['\u2019]s?$")


def inner_place_names(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `text`, an organisation's name, of the words that may name its
    place, the likeliest first: the capitalised words after its last "of" ("the University of
    Alberta", "Port of Los Angeles"), then its leading capitalised words, longest first, never
    the whole name ("Tarrant County Public Health": "Tarrant County Public", "Tarrant County",
    "Tarrant"; "Japan's Ministry of Agriculture": "Japan"; not "Center" in "Center for Jewish
    History"). Whether one names a place is the gazetteer's to say."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if words and text[words[0][0] : words[0][1]].lower() == "the":
        words = words[1:]
    spans: list[tuple[int, int]] = []
    of = max((k for k, (a, b) in enumerate(words) if text[a:b] == "of"), default=None)
    if of is not None and of > 0:
        tail = of + 1
        while tail < len(words) and _name_word(text[words[tail][0] : words[tail][1]]):
            tail += 1
        if tail > of + 1:
            spans.append((words[of + 1][0], words[tail - 1][1]))
    lead: list[tuple[int, int]] = []
    for a, b in words[:-1]:
        possessive = _POSSESSIVE_END.search(text, a, b)
        if possessive is not None and possessive.start() > a:
            b = possessive.start()
        if not _name_word(text[a:b]):
            break
        lead.append((a, b))
        if possessive is not None:
            break  # the name ends at its possessive
    after = words[len(lead)] if len(lead) < len(words) else None
    if len(lead) == 1 and after is not None and text[after[0] : after[1]] in _LINKS:
        return spans  # "Center for Jewish History": the word before "for" is its kind
    spans.extend((lead[0][0], lead[k - 1][1]) for k in range(len(lead), 0, -1))
    return spans


_LINKS = {"for", "of", "on", "to", "in", "at", "and"}


def words_inside(text: str) -> list[tuple[int, int]]:
    """(start, end) of each capitalised word of an organisation's name after its first: "Air
    Canada Cargo", "BBC Russian Service" (where only a country or its people is taken)."""
    words = [m for m in re.finditer(r"[^\s/-]+", text)]
    return [(m.start(), m.end()) for m in words[1:] if _name_word(m.group())]


_PARTS_OF_THE_WORLD = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "upper", "lower", "middle", "region",
    "regional", "nord", "sud",
}  # fmt: skip


# The codes English news writes for the US, the UK and the EU in names ("US Census Bureau").
_NEWS_CODES = {"US", "U.S.", "UK", "U.K.", "EU", "E.U."}


def code_or_compass(name: str) -> bool:
    """Whether a name inside an organisation's is a code or abbreviation the gazetteer also
    gives places ("St." São Tomé's ST, "GTM", "NBC", "GE" Georgia's), or points of the compass
    ("North Fulton Regional Hospital", "East Central Regional Hospital": Uganda's Central
    region). AP's state abbreviations ("S.C. Highway Patrol") and "US", "UK", "EU" are names."""
    short = len(name.replace(".", "")) <= 3
    if short and name not in US_STATE_ABBREVIATIONS and name not in _NEWS_CODES:
        return True
    return all(word.lower() in _PARTS_OF_THE_WORLD for word in name.split())


def places_in_organisations(
    doc, gazetteer: Gazetteer, places: set[int], place_keys: set[str], people: set[str],
    common: set[str],
) -> list[tuple[int, int]]:  # fmt: skip
    """Token spans of the places organisations are named after ("the Kansas Highway Patrol",
    "the University of Alberta", "the Syrian Observatory for Human Rights"): a country, a state,
    a county, a capital or a city of 100,000, or a place the article names as one elsewhere (as
    the model reads it, not a name made a place by the context). A word of a person's name the
    article gives is none ("Henry Ford Hospital"), nor a word the article also writes in lower
    case (`common`: "peace", an other name of Brunei)."""
    spans = []
    for ent in doc.ents:
        if ent.label_ != "ORG" or any(i in places for i in range(ent.start, ent.end)):
            continue
        named = [(a, b, False) for a, b in inner_place_names(ent.text)]
        named += [(a, b, True) for a, b in words_inside(ent.text)]
        for a, b, inside in named:
            span = doc.char_span(ent.start_char + a, ent.start_char + b)
            if span is None or any(t.text in people for t in span):
                continue
            if code_or_compass(span.text) or (len(span) == 1 and span.text.lower() in common):
                continue  # "the Institute of Peace" where the article writes "peace"
            form, found = candidates_and_form(gazetteer, span.text)
            if form not in (0, PEOPLE_FORM):
                continue  # "U.S. State Department" holds no "U.S. State"
            if inside:  # inside the name, only a country or its people ("Air Canada Cargo")
                found = tuple(e for e in found if e.feature_code in ("PCLI", "CONT"))
            known = toponym_key(span.text) in place_keys
            if any(_own_name(e, span.text) and (known or _notable(e, span)) for e in found):
                spans.append((span.start, span.end))
                break
    return spans


# How the names of peoples end ("American", "Chinese", "British", "Israeli", "Dutch", "Swiss").
_PEOPLE_ENDINGS = ("an", "ese", "ish", "i", "ic", "ch", "ss")


def _own_name(entry, name: str) -> bool:
    """Whether `name` is the place's own name, or a country's or continent's name of several
    words, code or people's name ("Ivory Coast", "US", "American"); not another one-word name
    of a town or a country ("Kazakh", Petropavl's; "Peace", from Brunei's "Abode of Peace")."""
    if not same_letters(entry, name):
        return False
    if entry.matched_main_name:
        return True
    return entry.feature_code in ("PCLI", "CONT") and (
        " " in name or name.isupper() or "." in name or name.endswith(_PEOPLE_ENDINGS)
    )


# Words that make a name a county's: "Tarrant County Public Health" holds a county, "Johnson
# Controls" and "the White House" hold none (counties are mostly named after people).
_COUNTY_WORDS = {"county", "parish", "borough"}


def _notable(entry, span) -> bool:
    """A place an organisation is named after on its name alone: a country, a state, a capital,
    a city of 100,000, or a county its name calls one."""
    if entry.feature_code == "ADM2":
        return any(t.lower_ in _COUNTY_WORDS for t in span)
    return (entry.feature_code in ADMIN_CODES or entry.feature_code in ("PPLC", "PPLA")
            or entry.population >= 100_000)  # fmt: skip
