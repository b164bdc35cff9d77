"""Which words of a label judge the actor it names: "Turkish dictator" does, "Turkish President"
does not.

Two sources: VADER's lexicon of word valences (the PyPI package `vaderSentiment`, 7,500 words
rated by ten people each from -4 to +4), for evaluative words ("cruel", "betrayed", "heroic"),
and `naming_terms.txt`, the naming nouns of conflict news that no sentiment lexicon rates
("regime", "occupiers", "proxies"). Title words are never loaded by valence: VADER rates
"supreme" and "special", which in "Supreme Leader" or "special envoy" are offices.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

# |valence| from which a word judges rather than describes: "angry" (-2.3), "brutal" (-3.1),
# "brave" (2.4) do; "rebels" (-0.8), "victims" (-1.3), "special" (1.7) do not.
MIN_VALENCE = 2.0


@lru_cache(maxsize=1)
def naming_terms() -> frozenset[str]:
    text = resources.files(__package__).joinpath("naming_terms.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@lru_cache(maxsize=1)
def valences() -> dict[str, float]:
    """VADER's word valences; empty (with loaded words from the naming list only) when the
    package is missing."""
    spec = find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "vader_lexicon.txt"
    out = {}
    for line in path.read_text("utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and " " not in parts[0]:
            try:
                out[parts[0].lower()] = float(parts[1])
            except ValueError:
                continue
    return out


def is_loaded(word: str, title_words: frozenset[str] = frozenset()) -> bool:
    low = word.lower().strip("'\u2019\"\u201c\u201d*")
    if low in naming_terms():
        return True
    if low in title_words or not low.isalpha():
        return False
    return abs(valences().get(low, 0.0)) >= MIN_VALENCE
