"""Small closed word classes that decide whether two claims speak of the same measure.

Counted things and actions are grouped into classes so that synonyms meet (troops, soldiers,
forces, personnel; withdraw, pull out, evacuate, leave) while different measures stay apart
(Kurds are not civilians, killed is not wounded). Words outside every class stand for
themselves: two claims then match only on the very same lemma.
"""

from __future__ import annotations

import re
from functools import lru_cache

COUNT_CLASSES: dict[str, tuple[str, ...]] = {
    "troop": (
        "troop soldier force personnel serviceman servicemember marine commando "
        "trooper fighter militant combatant"
    ).split(),
    "civilian": "civilian noncombatant".split(),
    # "19 deaths", "19 dead", "19 fatalities": 19 people, counted by what happened to them
    # "40 injured" is people too; the action class (wound) keeps it apart from the dead
    "person": (
        "people person individual resident inhabitant citizen death dead fatality wounded "
        "injured other life casualty victim"
    ).split(),
    "refugee": "refugee migrant evacuee".split(),
    "vehicle": "vehicle truck convoy tank armoured armored humvee lorry".split(),
    "aircraft": "aircraft plane jet warplane helicopter drone".split(),
    "child": "child kid minor boy girl".split(),
    "prisoner": "prisoner detainee captive inmate hostage".split(),
    "base": "base outpost position post".split(),
}

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
}

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
def count_class(lemma: str | None) -> str | None:
    """The class of a counted thing's lemma ('soldiers' -> 'troop'), or the lemma itself."""
    if not lemma:
        return None
    word = lemma.lower().split()[-1]
    for name, members in COUNT_CLASSES.items():
        if word in members:
            return name
    return word


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
    pattern = "|".join(
        f"(?P<a{i}>{alt})" for i, alt in enumerate(sorted(alternatives, key=len, reverse=True))
    )
    _ALT_CLASSES.extend(alternatives[a] for a in sorted(alternatives, key=len, reverse=True))
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


NEGATION_RE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|refut\w*|rebut\w*|dismiss\w*|reject\w*|"
    r"(?:is|are|was|were|has|have|had|did|does|do)\s*(?:not|n't)|never|"
    r"false|fake|untrue|baseless|fabricat\w+|no\s+(?:truth|evidence))\b",
    re.IGNORECASE,
)
