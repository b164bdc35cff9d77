"""Action classes: verbs (and their nouns) grouped so that synonyms meet (withdraw, pull out,
evacuate, leave) while different happenings stay apart (killed is not wounded). Used by the
understanding stage to class what an article tells happened, and by cross-checking to compare
two claims' actions. A verb outside every class stands for itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Verb lemmas by action class; inflected forms are generated, irregular ones listed.
ACTION_CLASSES: dict[str, tuple[str, ...]] = {
    "withdraw": (
        "withdraw evacuate retreat leave exit depart pull_out pull_back remove relocate "
        "redeploy drawdown draw_down quit abandon vacate"
    ).split(),
    "deploy": "deploy send station dispatch post base reinforce bolster".split(),
    "kill": "kill murder slay massacre execute die".split(),
    "wound": "wound injure hurt maim".split(),
    "displace": "displace flee uproot".split(),
    "arrest": "arrest detain capture seize jail imprison".split(),
    "attack": "attack strike bomb shell raid bombard target".split(),
    "enter": "enter cross invade advance".split(),
    "release": "release free".split(),
    "explode": "explode detonate blow_up".split(),
    "hack": "hack breach infiltrate".split(),
    "resign": "resign step_down".split(),
    "meet": "meet".split(),
    "sign": "sign".split(),
    "shoot": "shoot gun_down".split(),
    "claim_responsibility": "claim_responsibility".split(),
}

# Declaring a measure (a state of emergency, mourning, a curfew): read from the measure's noun
# and its verb (understand/actions.py), not from "declare" alone, which mostly reports speech.
DECLARE = "declare"

# Nouns that tell an action ("the withdrawal of US troops", "Turkey's invasion"), by verb lemma.
EVENT_NOUNS = {
    "withdrawal": "withdraw", "pullout": "pull_out", "pull-out": "pull_out",
    "evacuation": "evacuate", "retreat": "retreat", "departure": "depart",
    "deployment": "deploy", "redeployment": "redeploy", "invasion": "invade",
    "incursion": "invade", "offensive": "attack", "attack": "attack", "assault": "attack",
    "bombing": "bomb", "raid": "raid", "strike": "strike", "airstrike": "strike",
    "explosion": "explode", "blast": "explode", "killing": "kill", "massacre": "massacre",
    "execution": "execute", "arrest": "arrest", "detention": "detain", "capture": "capture",
    "release": "release", "resignation": "resign", "meeting": "meet", "summit": "meet",
    "hack": "hack", "breach": "breach", "shooting": "shoot", "death": "die", "toll": "kill",
    "injury": "injure", "abduction": "abduct", "arrival": "arrive", "transfer": "transfer",
    "exodus": "flee", "dispatch": "dispatch", "relocation": "relocate",
    "displacement": "displace",
}  # fmt: skip

IRREGULAR = {
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "left": "leave",
    "sent": "send",
    "fled": "flee",
    "slain": "slay",
    "slew": "slay",
    "hurt": "hurt",
    "struck": "strike",
    "freed": "free",
    "quit": "quit",
    "dead": "die",
    "deaths": "die",
    "death": "die",
    "killings": "kill",
    "withdrawal": "withdraw",
    "pullout": "pull_out",
    "pull-out": "pull_out",
    "evacuation": "evacuate",
    "retreat": "retreat",
    "deployment": "deploy",
    "departure": "depart",
    "invasion": "invade",
    "arrests": "arrest",
}


@lru_cache(maxsize=4096)
def action_class(lemma: str | None) -> str | None:
    """The class of a verb lemma ('evacuate' -> 'withdraw'), or the lemma itself."""
    if not lemma:
        return None
    word = IRREGULAR.get(lemma.lower(), lemma.lower())
    return _LEMMA_TO_CLASS.get(word, word)


def _forms(lemma: str) -> set[str]:
    # regular English inflections, good enough for a closed list of verbs
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms = {lemma, lemma + "s", stem + "ing", stem + "ed" if lemma.endswith("e") else lemma + "ed"}
    if lemma.endswith("e"):
        forms.add(lemma + "d")
    if re.search(r"[^aeiou][aeiou][bdgmnprt]$", lemma) and len(lemma) <= 4:  # stop -> stopped
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _build() -> tuple[dict[str, str], re.Pattern[str]]:
    lemma_to_class: dict[str, str] = {}
    alternatives: dict[str, str] = {}
    for name, lemmas in ACTION_CLASSES.items():
        for lemma in lemmas:
            lemma_to_class[lemma] = name
            if "_" in lemma:
                verb, particle = lemma.split("_")
                for form in _forms(verb):
                    alternatives[rf"{form}\s+(?:\w+\s+)?{particle}"] = name
            else:
                for form in _forms(lemma):
                    alternatives[re.escape(form)] = name
    for form, lemma in IRREGULAR.items():
        if lemma in lemma_to_class:
            alternatives[re.escape(form)] = lemma_to_class[lemma]
    # longest first so that "pulled out" wins over a bare "pulled"
    ordered = sorted(alternatives, key=len, reverse=True)
    _ALT_CLASSES.extend(alternatives[a] for a in ordered)
    # Gathered by their first letter behind a look-ahead for it, in the same order within a
    # letter: where a word starts only the alternatives of its first letter can match, so the
    # same one wins, and the engine no longer tries a few hundred at every word (1.54 -> 0.05 ms
    # a sentence: benchmarks/text_scans.py; claims and the timeline scan every sentence).
    by_letter: dict[str, list[str]] = {}
    for i, alt in enumerate(ordered):
        by_letter.setdefault(alt[0].lower(), []).append(f"(?P<a{i}>{alt})")
    pattern = "|".join(
        f"(?={re.escape(letter)})(?:{'|'.join(alts)})" for letter, alts in by_letter.items()
    )
    return lemma_to_class, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


_ALT_CLASSES: list[str] = []
_LEMMA_TO_CLASS, _ACTION_RE = _build()


def actions_in(text: str) -> set[str]:
    """Action classes whose words occur in `text`."""
    found = set()
    for match in _ACTION_RE.finditer(text):
        group = match.lastgroup
        if group:
            found.add(_ALT_CLASSES[int(group[1:])])
    return found


