"""Which claims are one report: syndicated copies (one near-duplicate group) and articles of
one outlet count once, articles that only relay the same named source count once, as that
source, and so do the same quoted words and sentences copied from one text (a wire story, a
press release)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from newsprism.crosscheck.claims import ATTRIBUTED, Claim
from newsprism.ingest.dedupe import word_shingles
from newsprism.link.entity_table import ID_PREFIX as ACTOR_PREFIX

SAME_QUOTE = 0.80  # share of words two quotes have in common to be one quote relayed
# ... or two quotes about the same named actor: one utterance relayed in two translations or
# transcriptions ("explains precisely the meaning of Chapter VIII of Amoris Laetitia" and "The
# document is very good and completely explains the meaning of chapter VIII of Amoris
# Laetitia": 0.57)
SAME_QUOTE_ABOUT = 0.50
# ... or two direct quotations that say the same in other words, whoever each outlet says spoke:
# one utterance translated twice ("they will face a France very determined", CNN, Hollande;
# "they will face a determined and united France", ABC, the Elysee Palace). The cosine of
# verdicts.PARAPHRASE; reported speech is not enough ("the passport belonged to a Syrian
# refugee": several officials may tell one fact).
SAME_UTTERANCE = 0.80
# Sentences this long that share this much of their word sequences (3-word shingles of the
# shorter one) were copied from one text (a wire story, a press release, a site's boilerplate):
# one source wherever they appear. Two outlets telling one fact in few words share words, not
# their order.
COPIED_WORDS = 10
COPIED_SHINGLES = 0.70
# Sentences that open with the same ten words come from one text, whatever follows: a press
# release template ("Aliens arrested during this operation are from the following countries:")
# filled in for two operations is one source, not two outlets agreeing.
COPIED_OPENING = 10
# Twelve words in a row in common come from one text, not from two reporters: a press
# release's "of the aliens targeted by ERO deportation officers during this operation had prior
# criminal histories" behind two operations, or one congressman's words in two transcripts.
COPIED_RUN = 12
_QUOTED = re.compile("\\s*[\"\u201c\u201e\u00ab]")  # a claim that is someone's words
# A group's verdict is recomputed whenever an article joins it: in a group of thousands of
# claims, quotes are compared with the latest ones, so that the cost stays bounded.
MAX_QUOTES_COMPARED = 200
MAX_HOLDERS = 50


def report_key(claim: Claim, article: dict[str, Any] | None) -> str:
    """Whose report a claim is: its syndication group, else its outlet, else the article itself
    (an article of no known outlet is its own outlet)."""
    return article_report_key(claim.article_id, article)


def article_report_key(article_id: str, article: Mapping[str, Any] | None) -> str:
    """Whose report an article is (see report_key)."""
    article = article or {}
    copies = article.get("duplicate_group") or article.get("duplicate_of")
    if copies:
        return f"copies:{copies}"
    if article.get("outlet"):
        return f"outlet:{str(article['outlet']).strip().lower()}"
    return f"article:{article_id}"


def independent_reports(
    claims: Sequence[Claim],
    articles: dict[str, dict[str, Any]],
    similarity: Callable[[Claim, Claim], float] | None = None,
) -> dict[str, str]:
    """Claim id -> one id per independent report. Two claims are one report when they come
    from one outlet (or copies of one article: several sources quoted in one article are that
    outlet's report), relay one named source, quote the same words (one tweet relayed by two
    outlets, whoever each says tweeted it), quote words of one meaning (`similarity`, the
    claims' meanings compared) or copy one text (a wire story, a press release)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    quotes: list[tuple[Claim, frozenset[str], str | None]] = []
    copies: dict[str, frozenset[str]] = {}
    holders: dict[str, list[str]] = {}  # shingle -> claims that hold it: copies meet there
    for c in claims:
        union(c.id, report_key(c, articles.get(c.article_id)))
        if c.source:
            union(c.id, f"source:{c.source.strip().lower()}")
        tokens = _WORD.findall(c.text.lower())
        for start in range(len(tokens) - COPIED_RUN + 1):
            union(c.id, "run:" + " ".join(tokens[start : start + COPIED_RUN]))
        if (c.source_kind is not None and c.kind == ATTRIBUTED) or _QUOTED.match(c.text):
            words = word_set(c.text)
            about = c.subject if c.subject and c.subject.startswith(ACTOR_PREFIX) else None
            for other, other_words, other_about in quotes[-MAX_QUOTES_COMPARED:]:
                overlap = word_overlap(words, other_words)
                if (
                    overlap >= SAME_QUOTE
                    or (about is not None and about == other_about
                        and overlap >= SAME_QUOTE_ABOUT)
                    or (c.direct and other.direct and similarity is not None
                        and similarity(c, other) >= SAME_UTTERANCE)
                ):  # fmt: skip
                    union(c.id, other.id)
            quotes.append((c, words, about))
        elif len(tokens) > COPIED_OPENING:
            union(c.id, "opening:" + " ".join(tokens[:COPIED_OPENING]))
        # quotes too: the same words printed with and without their quotation marks are one text
        shingles = _shingles(tokens)
        if shingles is None:
            continue
        # a phrase many claims share ("on Friday in the") finds no copy that a rarer one misses
        candidates = {
            o for sh in shingles for o in holders.get(sh, ()) if len(holders[sh]) <= MAX_HOLDERS
        }
        for other in candidates:
            if word_overlap(shingles, copies[other]) >= COPIED_SHINGLES:
                union(c.id, other)
        copies[c.id] = shingles
        for sh in shingles:
            holders.setdefault(sh, []).append(c.id)
    return {c.id: find(c.id) for c in claims}


def _shingles(words: list[str]) -> frozenset[str] | None:
    """The 3-word sequences of a sentence (its lower-cased words) long enough to tell copying
    from coincidence."""
    if len(words) < COPIED_WORDS:
        return None
    return frozenset(word_shingles(words, 3))


_WORD = re.compile(r"[a-z0-9]+")


def word_set(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of the shorter one's words the other has."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def first_of_each(claims: list[Claim], key: Callable[[Claim], str]) -> list[Claim]:
    """The first claim of each independent report, in the order first told."""
    first: dict[str, Claim] = {}
    for c in claims:
        first.setdefault(key(c), c)
    return list(first.values())

