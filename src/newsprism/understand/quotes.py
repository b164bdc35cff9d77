"""Attributions: who is quoted or reported as saying what, and what kind of source that is.

Reads the spaCy parse only: quote marks in the text, speech verbs with their subjects and clause
complements, "according to X". Direct quotes are found from the marks (straight and curly, a quote
that runs on into the next paragraph keeps its speaker); reported speech from a speech verb with a
clause ("He said the SDF are preparing...", "..., SANA reported"). Who speaks, and what kind of
source that is (named, anonymous, unnamed official, agency, outlet, social media, unknown), is
read by quote_sources.

Pronoun speakers ("he said") and definite back-references ("the source said") are resolved to the
nearest preceding speaker or PERSON entity; `resolved_from` keeps the words as written.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from newsprism.articles import Overlapping
from newsprism.understand.lexicon import REPORTING_VERBS
from newsprism.understand.quote_sources import (
    SourceName,
    Speaker,
    channel_of,
    classify_speaker,
    lower_at,
    source_names,
    speaker_for,
    subject_of,
)


@dataclass(frozen=True)
class Attribution:
    start: int  # character span of the attributed content (inside the quote marks for quotes)
    end: int
    text: str
    speaker: str | None  # as narrow as the text allows: "Mark Esper", "SANA", "a senior official"
    speaker_start: int | None  # doc.text[speaker_start:speaker_end] == speaker
    speaker_end: int | None
    kind: str  # named | unnamed official | anonymous | agency | outlet | social media | unknown
    cue: str  # lemma of the speech verb ("say", "tell", "tweet") or "according to"
    direct: bool  # a quoted span rather than reported speech
    resolved_from: str | None = None  # "he", "the source": the mention the speaker replaces
    channel: str | None = None  # where it was said: "Twitter", "NBC News" (told NBC News)


CUE_VERBS = REPORTING_VERBS  # lemmas of the verbs that introduce what was said
_PRONOUNS = frozenset({"he", "she", "him", "her"})
_DEFINITE = frozenset({"the", "this", "that"})
_OPENERS = "“„«"
_CLOSERS = "”»"
_RECENT_TOKENS = 150  # about two paragraphs: how far back "he said" looks for the last speaker
_MIN_UNATTRIBUTED_WORDS = 8  # a shorter quote with no speech verb near it is a scare quote


# --- quote marks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quote:
    start: int  # characters, inside the marks
    end: int
    closed: bool  # False when the paragraph ended first: the quote continues in the next one
    at_paragraph_start: bool


def _quote_spans(text: str) -> list[_Quote]:
    quotes: list[_Quote] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        quotes.extend(_paragraph_quotes(text, paragraph.start(), paragraph.end()))
    return quotes


def _paragraph_quotes(text: str, start: int, end: int) -> Iterator[_Quote]:
    opened: int | None = None
    for k in range(start, end):
        char = text[k]
        if char not in '"' + _OPENERS + _CLOSERS:
            continue
        leading = not text[start:k].strip()
        if opened is None and (char in _OPENERS or char == '"' or leading):
            opened = k  # a closing curly mark at a paragraph start is a typo for an opener
        elif opened is not None and (char in _CLOSERS or char == '"'):
            yield _Quote(opened + 1, k, True, not text[start:opened].strip())
            opened = None
    if opened is not None:
        yield _Quote(opened + 1, end, False, not text[start:opened].strip())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ',"“”'):
        end -= 1
    return start, end


# --- assembling ------------------------------------------------------------------------------


@dataclass
class _Raw:
    start: int  # characters of the content
    end: int
    cue: str
    direct: bool
    speaker: Speaker | None
    channel: str | None
    verb: int | None  # token index of the cue verb, to avoid reporting a quote twice
    partial: bool = False  # a quoted fragment found through the parse, inside reported speech


def _is_cue(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in CUE_VERBS


def _trim_tokens(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Tokens [start, end) less punctuation and 'that' at the edges, and less anything before a
    line break: a clause never runs over one (what is before it is a headline or another
    paragraph)."""
    breaks = _line_breaks(doc)
    k = bisect_left(breaks, end) - 1
    if k >= 0 and breaks[k] >= start:
        start = breaks[k] + 1
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].dep_ == "mark"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _is_newline(token: Token) -> bool:
    return token.is_space and "\n" in token.text


def _line_breaks(doc: Doc) -> list[int]:
    """Indices of the tokens that break a line, found once per parse: a text without full
    stops parses into clauses as long as the text, and a scan of each for its last line break
    made finding quotes quadratic."""
    found = doc.user_data.get(_LINE_BREAKS)
    if found is None:
        found = doc.user_data[_LINE_BREAKS] = [t.i for t in doc if _is_newline(t)]
    return found


_LINE_BREAKS = "newsprism.line_breaks"


def _char_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Characters of tokens [start, end) once trimmed; (0, 0) when nothing is left."""
    start, end = _trim_tokens(doc, start, end)
    if start >= end:
        return 0, 0
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def _reported(doc: Doc, verb: Token, names: list[SourceName]) -> _Raw | None:
    """'He said (that) X', 'X, SANA reported', 'X told NBC News Y'."""
    content = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis")), None)
    if content is None:
        content = _fact_clause(verb)
    if content is not None:
        first, end = content.left_edge.i, content.right_edge.i + 1
    elif verb.head.i < verb.i and _reports_back(verb):
        # the report comes after what it reports: "The convoy retreated, SANA reported."
        first, end = verb.head.left_edge.i, verb.left_edge.i
    else:
        return None
    subject = subject_of(verb)
    if subject is not None and first <= subject.i < end:
        end = subject.left_edge.i  # a parse that ran over a missed sentence break
    first, end = _trim_tokens(doc, first, end)
    if first >= end or _across_paragraphs(doc, first, end, verb):
        return None
    span = _char_range(doc, first, end)
    speaker = speaker_for(doc, verb, names)
    channel = channel_of(verb, names)
    return _Raw(*span, verb.lemma_.lower(), False, speaker, channel, verb.i)


# What a speech verb's object may be when it is only a frame for the clause it reports:
# "revealed the fact that 15 million dollars have been paid out".
_FRAME_NOUNS = frozenset({"fact", "news", "information", "claim", "allegation"})


def _fact_clause(verb: Token) -> Token | None:
    """The that-clause of "revealed the fact that ...", as what the verb reports."""
    for obj in verb.children:
        if obj.dep_ == "dobj" and obj.lemma_.lower() in _FRAME_NOUNS:
            clause = next((c for c in obj.children if c.dep_ in ("acl", "ccomp")), None)
            if clause is not None and any(c.lower_ == "that" for c in clause.children):
                return clause
    return None


def _reports_back(verb: Token) -> bool:
    if verb.dep_ in ("ccomp", "parataxis"):
        return True
    # "..., the defense secretary said" parsed as a second clause: only after a comma
    subject = subject_of(verb)
    start = verb.left_edge.i if subject is None else min(verb.left_edge.i, subject.left_edge.i)
    return verb.dep_ in ("conj", "advcl") and lower_at(verb.doc, start - 1) == ","


def _across_paragraphs(doc: Doc, first: int, end: int, verb: Token) -> bool:
    """A speech verb does not report a clause from another paragraph (a missed sentence break
    after a headline line)."""
    lo, hi = (end, verb.i) if verb.i >= end else (verb.i, first)
    breaks = _line_breaks(doc)
    return bisect_left(breaks, lo) < bisect_left(breaks, hi)


def _according_to(doc: Doc, token: Token, names: list[SourceName]) -> _Raw | None:
    """'According to SOHR sources, X' and 'X, according to officials'."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if obj is None:
        return None
    sentence = token.sent
    phrase_start, phrase_end = token.left_edge.i, to.right_edge.i + 1
    before = _char_range(doc, sentence.start, phrase_start)
    after = _char_range(doc, phrase_end, sentence.end)
    span = after if after[1] - after[0] >= before[1] - before[0] else before
    if span[0] >= span[1]:
        return None
    context = doc[obj.left_edge.i : obj.right_edge.i + 1]
    speaker = classify_speaker(doc, obj, names, context)
    return _Raw(*span, "according to", False, speaker, None, None)


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def _quote_verb(doc: Doc, quote: _Quote, tokens: tuple[int, int]) -> Token | None:
    """The speech verb a quote hangs on. The marks around the quote are more reliable than a
    parse that may have merged it with the paragraph before: right after it ('"...", the source
    said'), then before a colon or comma ('Esper said: "..."'), then the parse."""
    first, last = tokens
    if quote.closed:
        after = _verb_after(doc, last)
        if after is not None:
            return after
    before = _verb_before(doc, first)
    if before is not None:
        return before
    return None


def _verb_after(doc: Doc, last: int) -> Token | None:
    for token in doc[last : min(last + 7, len(doc))]:
        if token.text in _OPENERS or (token.text == '"' and token.i > last) or "\n" in token.text:
            return None
        if token.text == "." and token.i > last + 1:
            return None
        if _is_cue(token):
            return token
    return None


def _verb_above(doc: Doc, first: int, last: int) -> Token | None:
    """The nearest speech verb outside the quote that governs a word inside it."""
    best: tuple[int, Token] | None = None
    for token in doc[first:last]:
        head = token.head
        for steps in range(3):
            if not first <= head.i < last and _is_cue(head):
                if best is None or steps < best[0]:
                    best = (steps, head)
                break
            if head.head.i == head.i:
                break
            head = head.head
    return best[1] if best else None


def _verb_before(doc: Doc, first: int) -> Token | None:
    """'X said last night: "..."' and 'X said, "..."'."""
    k = first - 1
    while k >= 0 and (doc[k].is_space or doc[k].text in '"' + _OPENERS + _CLOSERS):
        k -= 1
    if k < 0 or doc[k].text not in (":", ","):
        return None
    window = doc[max(0, k - 12) : k]
    cues = [t for t in window if _is_cue(t)]
    if cues:
        return cues[-1]
    if doc[k].text == ":":
        # a colon after a clause with a subject introduces what the subject said, whatever
        # the verb: typos like "aaid" included
        verbs = [t for t in window if t.pos_ == "VERB" and subject_of(t) is not None]
        return verbs[-1] if verbs else None
    return None


def _direct(doc: Doc, text: str, names: list[SourceName]) -> Iterator[_Raw]:
    previous: _Raw | None = None
    previous_closed = True
    for quote in _quote_spans(text):
        start, end = _trim(text, quote.start, quote.end)
        tokens = _token_range(doc, start, end) if start < end else None
        if tokens is None:
            continue
        raw = None
        if not previous_closed and quote.at_paragraph_start and previous is not None:
            raw = replace(previous, start=start, end=end)  # the quote runs on
        else:
            verb = _quote_verb(doc, quote, tokens)
            partial = verb is None
            if verb is None:
                verb = _verb_above(doc, *tokens)
            if verb is not None:
                speaker = speaker_for(doc, verb, names)
                channel = channel_of(verb, names)
                raw = _Raw(start, end, verb.lemma_.lower(), True, speaker, channel, verb.i, partial)
            elif len(text[start:end].split()) >= _MIN_UNATTRIBUTED_WORDS:
                raw = _Raw(start, end, "", True, None, None, None)
        previous_closed = quote.closed
        if raw is not None:
            previous = raw
            yield raw


def _overlaps(raw: _Raw, quotes: Overlapping[_Raw]) -> bool:
    """Reported content that is, for the most part, one of the direct quotes. A quote that
    shares more than half of the content holds its middle: only those are looked at (a
    hostile text's clauses each run over thousands of quotes)."""
    middle = (raw.start + raw.end) // 2
    for quote in quotes.overlapping(middle, middle + 1):
        shared = min(raw.end, quote.end) - max(raw.start, quote.start)
        if shared > 0.5 * (raw.end - raw.start):
            return True
    return False


def _resolve(doc: Doc, raws: list[_Raw]) -> None:
    """Point pronoun and 'the source' speakers at the nearest earlier speaker or person."""
    known = [(ent.start, Speaker(ent.start, ent.end, "named")) for ent in doc.ents
             if ent.label_ == "PERSON"]  # fmt: skip
    last: Speaker | None = None
    for raw in raws:
        speaker = raw.speaker
        if speaker is None:
            continue
        words = doc[speaker.start : speaker.end]
        head = words.root
        antecedent = None
        if len(words) == 1 and head.lower_ in _PRONOUNS:
            # the speaker just quoted is the likeliest "he", before any person named since
            recent = last is not None and speaker.start - last.start <= _RECENT_TOKENS
            antecedent = last if recent else _nearest(known, speaker.start, None)
        elif words[0].lower_ in _DEFINITE and len(words) <= 3:
            antecedent = _nearest(known, speaker.start, head.lemma_.lower())
        if antecedent is not None:
            raw.speaker = replace(antecedent, resolved_from=words.text)
            continue
        if speaker.kind != "unknown" and head.lower_ not in _PRONOUNS:
            known.append((speaker.start, speaker))
            last = speaker


def _nearest(known: list[tuple[int, Speaker]], before: int, lemma: str | None) -> Speaker | None:
    best: tuple[int, Speaker] | None = None
    for position, speaker in known:
        if position >= before or (best is not None and position <= best[0]):
            continue
        if lemma is not None and speaker.lemma != lemma:
            continue
        best = (position, speaker)
    return best[1] if best else None


def find_attributions(doc: Doc) -> list[Attribution]:
    """Direct quotes and reported speech in a parsed article, in text order."""
    names = source_names(doc)
    text = doc.text  # Doc.text is rebuilt from the tokens at every access
    direct = list(_direct(doc, text, names))
    quoted = Overlapping(direct)
    reported: list[_Raw] = []
    for token in doc:
        if token.lower_ == "according" and lower_at(doc, token.i + 1) == "to":
            raw = _according_to(doc, token, names)
        elif _is_cue(token):
            raw = _reported(doc, token, names)
        else:
            continue
        if raw is not None and not _overlaps(raw, quoted):  # a quote is reported once
            reported.append(raw)
    # a quoted fragment inside reported speech ('stressed that "every inch" of...') is carried
    # by the reported clause
    carriers = Overlapping(reported)
    direct = [d for d in direct if not (d.partial and _within(d, carriers, d.verb))]
    raws = sorted(direct + reported, key=lambda r: (r.start, not r.direct))
    _resolve(doc, raws)
    return [_public(doc, text, raw) for raw in raws]


def _within(raw: _Raw, others: Overlapping[_Raw], verb: int | None) -> bool:
    return any(o.verb == verb and o.start <= raw.start and raw.end <= o.end
               for o in others.overlapping(raw.start, raw.end))  # fmt: skip


def _public(doc: Doc, text: str, raw: _Raw) -> Attribution:
    speaker = raw.speaker
    if speaker is None:
        return Attribution(
            raw.start, raw.end, text[raw.start : raw.end], None, None, None, "unknown",
            raw.cue, raw.direct, None, raw.channel,
        )  # fmt: skip
    first, last = doc[speaker.start], doc[speaker.end - 1]
    s_start, s_end = first.idx, last.idx + len(last)
    return Attribution(
        start=raw.start,
        end=raw.end,
        text=text[raw.start : raw.end],
        speaker=text[s_start:s_end],
        speaker_start=s_start,
        speaker_end=s_end,
        kind=speaker.kind,
        cue=raw.cue,
        direct=raw.direct,
        resolved_from=speaker.resolved_from,
        channel=raw.channel,
    )
