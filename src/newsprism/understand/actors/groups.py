"""Groups named by demonym, through their patron, or in scare quotes."""

from __future__ import annotations

from newsprism.understand.actors.lexicon import Lexicon, fold
from newsprism.understand.actors.mention import (
    GOVERNMENT,
    GROUP,
    ORGANIZATION,
    ActorMention,
    make_mention,
)
from newsprism.understand.actors.words import (
    GOVERNMENT_NOUNS,
    GROUP_NOUNS,
    OCCUPIER_NOUNS,
    PATRON_MARKERS,
    PROXY_HEADS,
    PROXY_KIND,
    QUOTE_PAIRS,
    QUOTED_ACTOR_HEADS,
)


def group_mentions(doc, lex: Lexicon) -> list[ActorMention]:
    """Demonym groups: "Kurdish fighters", "US troops", "Kurd-led forces", "Syrian government"."""
    out = []
    for tok in doc:
        first = _national_army(tok, lex)
        if first is not None:
            span = doc[first : tok.i + 1]
            out.append(make_mention(span, span, None, GROUP))
            continue
        # a Title Case headline makes the noun a PROPN ("Fleeing American Occupiers"); only
        # nouns no organization is named after are taken then ("Syrian Democratic Forces" is)
        if tok.lower_ not in GROUP_NOUNS or not (
            tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and tok.lower_ in OCCUPIER_NOUNS)
        ):
            continue
        first = _nation_modifier(tok, lex)
        if first is None:
            continue
        joined = [t.i for t in doc[first : tok.i] if t.pos_ == "CCONJ" or t.text == ","]
        if joined:
            # "American and Syrian government forces": two nations' forces, not one actor named
            # by both; the phrase names the nearer one's
            first = _nation_modifier(tok, lex, after=joined[-1])
            if first is None:
                continue
        kind = GOVERNMENT if tok.lower_ in GOVERNMENT_NOUNS else GROUP
        span = doc[first : tok.i + 1]
        out.append(make_mention(span, span, None, kind))
    return out


def proxy_mentions(doc, lex: Lexicon) -> list[ActorMention]:
    """Fighters named through their patron, as one group per patron: "Turkey (proxy forces)"."""
    out = []
    for tok in doc:
        if tok.lower_ not in PROXY_HEADS or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        found = _patron(tok, lex)
        if found is None:
            continue
        # the mention starts after "Turkey-backed", which stays a mention of its own (the
        # backer); the label of the whole phrase is made from the parse (labels.py)
        patron, start = found
        span = doc[start : tok.i + 1]
        if any(t.is_space for t in span):
            continue
        out.append(
            ActorMention(
                start=span.start_char, end=span.end_char, text=span.text,
                name=f"{patron} ({PROXY_KIND})", name_start=span.start_char,
                name_end=span.end_char, role=None, type=GROUP, metonymy_of=None,
            )
        )  # fmt: skip
    return out


def _patron(noun, lex: Lexicon) -> tuple[str, int] | None:
    """The country behind "X-backed <noun>", "X-proxy <noun>", "X and its <...> proxies", and
    where the words naming the fighters themselves start."""
    doc = noun.doc
    for marker in noun.lefts:
        # the patron is written right before the marker, joined by a hyphen ("Turkey-backed")
        if marker.lower_ in PATRON_MARKERS and marker.i >= 2 and doc[marker.i - 1].text == "-":
            country = _country_named(doc, marker.i - 2, lex)
            if country is not None:
                return country, marker.i + 1
    owner = next((c for c in noun.lefts if c.dep_ == "poss"), None)
    if (
        noun.lower_ in ("proxies", "proxy") and noun.dep_ == "conj"
        and owner is not None and owner.lower_ in ("its", "their")
    ):  # fmt: skip
        country = _country_named(doc, noun.head.i, lex)  # "Turkey and its jihadist proxies"
        if country is not None:
            first = min((c.i for c in noun.lefts if c.dep_ != "poss"), default=noun.i)
            return country, max(first, owner.i + 1)
    return None


def _country_named(doc, end: int, lex: Lexicon) -> str | None:
    """The country a name or demonym ending at token `end` stands for ("Ankara" -> Turkey)."""
    for start in range(max(end - 2, 0), end + 1):
        key = fold(doc[start : end + 1].text)
        country = lex.nation_of.get(key) or lex.capital_of.get(key)
        if country is not None and country not in lex.peoples:
            return country
    return None


def quoted_actor_mentions(doc) -> list[ActorMention]:
    """A group named in scare quotes, which the model does not see as a name: the
    ‘international coalition’. Its quotes are the outlet's comment on it (see labels)."""
    out = []
    for tok in doc:
        close = QUOTE_PAIRS.get(tok.text)
        if close is None:
            continue
        end = next(
            (t.i for t in doc[tok.i + 1 : tok.i + 6] if t.text == close or t.text == "\u2019"),
            None,
        )
        if end is None or end == tok.i + 1:
            continue
        inner = doc[tok.i + 1 : end]
        if (
            inner[-1].lower_ in QUOTED_ACTOR_HEADS
            and all(t.pos_ in ("ADJ", "NOUN", "PROPN") for t in inner)
            and not any(t.is_space for t in inner)
        ):
            out.append(make_mention(inner, inner, None, ORGANIZATION))
    return out


def _national_army(tok, lex: Lexicon) -> int | None:
    """Where "the Turkish Army" or the "US military" of "a US military convoy" starts: a
    nation's armed forces named by its army, or as the owner of what it sends. Only a nation's
    own name before it: "Free Syrian Army" is a rebel group of its own name."""
    if tok.lower_ not in ("army", "military") or tok.i == 0:
        return None
    owner = tok.pos_ == "PROPN" and tok.lower_ == "army"
    modifier = tok.lower_ == "military" and tok.dep_ in ("amod", "compound") and (
        tok.head.i > tok.i and tok.head.pos_ == "NOUN"
    )
    if not (owner or modifier):
        return None
    start = _nation_start(tok.doc[tok.i - 1], lex)
    if start is None or tok.doc[tok.i - 1].is_space:
        return None
    before = tok.doc[start - 1] if start > 0 else None
    if before is not None and before.text[:1].isupper() and before.lower_ != "the" and (
        before.i > before.sent.start
    ):
        return None  # inside a longer name
    return start


def _nation_modifier(noun, lex: Lexicon, after: int = -1) -> int | None:
    """Index of the leftmost demonym modifying a group noun (after token `after`), if any."""
    best = None
    for child in noun.lefts:
        if child.dep_ not in ("amod", "compound", "nmod", "npadvmod"):
            continue
        tok = child
        if child.dep_ == "amod" and child.lower_ == "led":
            # "Kurd-led forces": the leader's demonym hangs off "led"
            tok = next((c for c in child.lefts if c.dep_ == "npadvmod"), child)
        # past a conjunction, the conjunct after it ("American and Syrian ... forces")
        for candidate in (tok, *tok.conjuncts) if after >= 0 else (tok,):
            start = _nation_start(candidate, lex)
            if start is None or start <= after:
                continue
            if not any(t.is_space for t in noun.doc[start : noun.i]):
                best = start if best is None else min(best, start)
    return best


def _nation_start(tok, lex: Lexicon) -> int | None:
    """Start of the longest nation name ending at `tok` ("United States", "US", "Kurdish")."""
    if not tok.text[:1].isupper():
        return None
    doc = tok.doc
    found = None
    for start in range(tok.i, max(tok.i - 3, -1), -1):
        if doc[start].is_space or doc[start].lower_ == "the":
            break
        if fold(doc[start : tok.i + 1].text) in lex.nation_of:
            found = start
    return found
