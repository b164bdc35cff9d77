"""Well-known aliases and in-article acronyms the model missed ("Islamic State*", "SOHR")."""

from __future__ import annotations

import re
from functools import lru_cache

from newsprism.understand.actors.lexicon import Lexicon
from newsprism.understand.actors.mention import ORGANIZATION, ActorMention, make_mention
from newsprism.understand.actors.words import NON_ACTOR_HEADS, PARENTHESIZED_ACRONYM
from newsprism.understand.nlp import doc_text


def alias_mentions(doc, lex: Lexicon) -> list[ActorMention]:
    """Well-known names and in-article acronyms the model missed ("Islamic State*", "SOHR")."""
    out = []
    matcher = _alias_matcher(doc.vocab, lex.org_surfaces)
    for _, start, end in matcher(doc):
        span = doc[start:end]
        if span.text == "IS" and not _acronym_context(span):
            continue  # "IS" is also the verb in an all-caps headline
        out.append(make_mention(span, span, None, ORGANIZATION))
    text = doc_text(doc)
    for acronym in _defined_acronyms(doc):
        for hit in re.finditer(rf"(?<!\w){re.escape(acronym)}(?!\w)", text):
            span = doc.char_span(hit.start(), hit.end())
            if span is None or (span[0].ent_type_ and not _swallowed(span)):
                continue
            if span.root.head.lemma_.lower() not in NON_ACTOR_HEADS:
                out.append(make_mention(span, span, None, ORGANIZATION))
    return out


def _swallowed(span) -> bool:
    """The acronym inside the entity of the name it abbreviates, its bracket left open ("the
    World Health Organization (WHO"): the name is cut at the bracket, the acronym is its own."""
    doc = span.doc
    return span[0].ent_iob_ == "I" and span.start > 0 and doc[span.start - 1].text == "("


def _acronym_context(span) -> bool:
    doc = span.doc
    around = [doc[i] for i in (span.start - 1, span.end) if 0 <= i < len(doc)]
    return not any(t.is_alpha and t.is_upper for t in around)


@lru_cache(maxsize=4)
def _alias_matcher(vocab, surfaces: frozenset[str]):
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(vocab, attr="ORTH")
    tokenizer = _plain_tokenizer(vocab)
    matcher.add("ALIAS", [tokenizer(s) for s in sorted(surfaces)])
    return matcher


def _plain_tokenizer(vocab):
    from spacy.lang.en import English

    nlp = English(vocab=vocab)
    return nlp.tokenizer


def _defined_acronyms(doc) -> set[str]:
    """Acronyms the article defines in parentheses: "... Human Rights (SOHR)"."""
    out = set()
    for hit in PARENTHESIZED_ACRONYM.finditer(doc_text(doc)):
        span = doc.char_span(hit.start(1), hit.end(1))
        if span is not None and len(span) == 1 and span.start >= 2 and _spelled_before(span[0]):
            out.add(span.text)
    return out


def _spelled_before(acronym) -> bool:
    """An organization name, or words with the acronym's initials, right before "(ACR)"."""
    before = acronym.nbor(-2)
    if before.ent_type_ == "ORG":
        return True
    letters = re.sub(r"[^A-Z]", "", acronym.text)
    doc = acronym.doc
    words = [t for t in doc[max(0, before.i - 2 * len(letters)) : before.i + 1] if t.is_title]
    return "".join(t.text[0] for t in words).endswith(letters)
