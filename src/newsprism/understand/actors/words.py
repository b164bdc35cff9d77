"""Word lists the actor finder decides by: group nouns, heads of places and things (titles and
verbs of saying are in understand/lexicon.py, which other parts read too)."""

from __future__ import annotations

import re

# Head nouns of an armed group or a population named by demonym.
FORCE_NOUNS = set(
    """troops troop soldiers soldier forces force fighters fighter militia militias militiamen
    army military servicemen personnel units unit commandos marines""".split()
)
PEOPLE_NOUNS = set("people residents civilians population community villagers".split())
GOVERNMENT_NOUNS = set("government administration authorities regime leadership".split())
# Troops named by what the outlet thinks of them ("American occupiers"): the same forces.
OCCUPIER_NOUNS = set("occupiers occupier invaders invader aggressors crusaders".split())
_OTHER_GROUP_NOUNS = set(
    """rebels insurgents separatists militants jihadists jihadis terrorists extremists proxies
    allies officials diplomats protesters refugees prisoners mercenaries gunmen""".split()
)
GROUP_NOUNS = FORCE_NOUNS | OCCUPIER_NOUNS | PEOPLE_NOUNS | GOVERNMENT_NOUNS | _OTHER_GROUP_NOUNS
# Fighters named through their patron: "Ankara-backed militants", "Turkish-proxy jihadists",
# "Turkey and its jihadist proxies" are one actor, the patron's proxy forces.
PROXY_KIND = "proxy forces"
PATRON_MARKERS = set("backed proxy sponsored supported funded paid".split())
PROXY_HEADS = FORCE_NOUNS | _OTHER_GROUP_NOUNS - {"officials", "diplomats", "refugees"}
# What a name in scare quotes must be to name an actor: ‘international coalition’.
QUOTED_ACTOR_HEADS = set("coalition alliance opposition rebels regime government".split())
QUOTE_PAIRS = {"\u2018": "\u2019", "\u201c": "\u201d", '"': '"', "'": "'"}
# Heads that make a proper name a place or a thing, not an actor ("Rukban camp", "Patriot
# missile systems", "province of Hasakah").
PLACE_NOUNS = set(
    """town towns city cities village villages province provinces region regions district area
    areas border borders frontier camp camps base bases river crossing crossings airport port
    highway road valley mountain mountains countryside outskirts suburb neighbourhood
    neighborhood governorate capital territory zone field fields dam""".split()
)
# Last words that make a "person" an organization or a landmark.
ORG_CUES = set(
    """group corp corporation inc ltd llc plc co company bank hydro energy oil gas airlines
    motors holdings industries agency ministry party front council committee union alliance
    movement brigade brigades army news media press times post tv radio network""".split()
)
# Heads that make any name an organization, whatever the model says ("Catholic Church",
# "Judiciary Committee", "Federal Bureau of Investigation": the head is before "of").
ORG_HEADS = ORG_CUES | set(
    """church churches bureau forces department departments council court university college
    seminary institute foundation commission office service services association organization
    organisation board senate congress parliament assembly academy school hospital conference
    synod curia diocese archdiocese congregation dicastery secretariat tribunal house""".split()
)
# Heads that make a name an event or a thing said about an actor ("McCarrick Cover-up").
EVENT_HEADS = set(
    """cover-up coverup scandal affair case trial probe investigation report crisis controversy
    saga hearing hearings summit doctrine memo dossier order win victory victorious supporter
    supporters policies policy era presidency campaign""".split()
)
# Verbs of a Title Case headline the model takes into a person's name ("Velmar Slams Critics",
# "Velmar To Sue"): the name ends before them.
HEADLINE_VERBS = set(
    """says tells calls announces declares warns threatens adds insists claims denies vows
    tweets stresses accuses urges demands writes replies responds confirms rejects promises
    pledges condemns orders slams blasts rips hits attacks pleads sues wins loses signs meets
    visits admits reveals fires backs defends praises blames mocks denounces criticizes
    criticises welcomes appoints names removes sacks accused charged indicted arrested
    exposed""".split()
)
# Words shouted in capitals before a name that are no part of it: a video or news label ("MUST
# WATCH Pompeo lays out...", "BREAKING Trump fires..."), whatever the tagger makes of them in
# capitals (it reads "WATCHED" before an unknown name as a proper noun).
# (Four letters or more: a shorter word in capitals is as often an acronym.)
SHOUTED_WORDS = frozenset(
    """watch watched breaking exclusive update updated video live just must read listen look
    shock shocking revealed confirmed proof bombshell urgent alert before after when
    while""".split()
)
# Words a name never ends on ("Federal Bureau of Investigation of", "Pope Benedict the").
BOUNDARY_WORDS = set(
    "of in at for to on by with from into about against the a an and or nor but as than".split()
)
# Page furniture the cleaner let through ("Privacy Policy and Terms", "Subscribe"): never an
# actor. A name made only of these words, with at least one of the cues.
FURNITURE_WORDS = set(
    """privacy policy policies terms conditions cookie cookies use service of and newsletter
    newsletters subscribe subscription share tweet email print comments comment read more
    login log sign up advertisement advertise copyright rights reserved contact us about
    notice""".split()
)
FURNITURE_CUES = set(
    """privacy terms cookie cookies newsletter newsletters subscribe subscription copyright
    advertisement advertise login""".split()
)
# Determiners that make a bare title generic ("any Pope who..."): it names nobody.
GENERIC_DETERMINERS = set("a an any every each no another some many all".split())
LANDMARKS = set("dam lake bridge square street avenue mosque church palace tower".split())
THING_NOUNS = set("system systems missile missiles drone drones tank tanks jet jets".split())
NON_ACTOR_HEADS = PLACE_NOUNS | THING_NOUNS
LOCATIVE_PREPS = set(
    """in at near from to into inside across through toward towards around outside within over
    throughout via along beyond past onto off""".split()
)
ACTOR_PREPS = {"by", "with", "against", "between"}
# "Ankara-backed militants" names Ankara as an actor; "London-based" does not.
AGENTIVE_PARTICIPLES = set(
    """backed led brokered sponsored funded supported allied aligned armed controlled run
    imposed installed sanctioned mediated organized organised trained paid""".split()
)
ACTION_NOUNS = set(
    """attack attacks offensive invasion operation incursion decision withdrawal pullout strike
    strikes airstrikes bombing campaign assault intervention deal plan policy""".split()
)
# Arabic toponym heads: a "person" named "Ras al-Ain" or "Tal Abyad" is a town.
TOPONYM_PREFIXES = set(
    "ras tal tall tell ain ayn ein jabal jebel deir wadi bir kafr khirbet".split()
)
TRAILING_MARKS = "*†‡"
PARENTHESIZED_ACRONYM = re.compile(r"\(([A-Z][A-Z&]{2,})\)")
