"""Place-name keys that survive transliteration: "Ein Al-Arab" and "‘Ayn al ‘Arab", "Ras al-Ain" and
"Ra's al `Ayn", "Tal Abyad" and "Tall Abyad" meet on the same key.

Written here rather than taken from a library: unidecode-style folding handles the diacritics
but not the Arabic article, the ayn/ein/ain spellings, tal/tell/tall or the final -ah/-a that
news transliterations vary on.
"""

from __future__ import annotations

import re
import unicodedata

# Bump when the keys change: gazetteers built with other keys must be rebuilt.
KEY_VERSION = 1

# Apostrophe-like marks that transliterate ayn and hamza ("Ra’s", "‘Ayn", "`Arab", "Ra's").
_MARKS = re.compile("['\u2018\u2019\u201b`\u00b4\u02bb\u02bc\u02bf\u02be\u2032]")
_WORD_VARIANTS = {
    "ein": "ayn", "ain": "ayn", "ayn": "ayn", "eyn": "ayn",
    "tal": "tall", "tell": "tall", "tel": "tall", "tall": "tall",
    "el": "al", "al": "al",
}  # fmt: skip
# Sun-letter assimilations of the Arabic article ("Ar Raqqah", "Ad Dana", "Ash Shaddadi").
_ARTICLES = {"al", "ar", "ad", "as", "at", "an", "ash", "az", "ath", "adh", "ed", "es", "er"}


def _fold(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _MARKS.sub("", text)
    words = re.findall(r"[^\W_]+", text)
    folded = []
    for word in words:
        word = _WORD_VARIANTS.get(word, word)
        if len(word) > 3 and word.endswith("ah"):
            word = word[:-1]  # Tabqah/Tabqa, Hasakah/Hasaka
        folded.append(word)
    return folded


def toponym_key(name: str) -> str:
    """The full key: every word kept."""
    return " ".join(_fold(name))


def toponym_base_key(name: str) -> str:
    """The key without Arabic articles ("Al Qamishli" → "qamishli"), for a second look-up."""
    words = [w for w in _fold(name) if w not in _ARTICLES]
    return " ".join(words) or toponym_key(name)


def toponym_keys(name: str) -> tuple[str, str]:
    return toponym_key(name), toponym_base_key(name)
