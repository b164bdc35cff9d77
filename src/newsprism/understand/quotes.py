"""Attributions: who is quoted or reported as saying what, and what kind of source that is.

Reads the spaCy parse only: quote marks in the text, speech verbs with their subjects and clause
complements, "according to X". Direct quotes are found from the marks (straight and curly, a quote
that runs on into the next paragraph keeps its speaker); reported speech from a speech verb with a
clause ("He said the SDF are preparing...", "..., SANA reported").

Source kinds, first that applies:
- social media: tweeted, posted on Twitter/Facebook/Telegram, a Telegram channel.
- agency / outlet: a wire agency or monitor from a small general list, an ORG whose name ends in
  News/TV/Times/Post/... or a head noun such as "news agency", "state media", "newspaper".
- named: a PERSON entity, or a title followed by a proper name ("Gen Mazloum Kobani").
- anonymous: "a source", "sources", "an informed source", "people familiar with".
- unnamed official: official, spokesman, minister, general...; also an institution speaking as
  itself ("the Pentagon", "Damascus"): an official voice with no person named.
- unknown: anything else ("witnesses", "several reports", "the Kurds").

Pronoun speakers ("he said") and definite back-references ("the source said") are resolved to the
nearest preceding speaker or PERSON entity; `resolved_from` keeps the words as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab


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


CUE_VERBS = frozenset(
    "say tell report claim announce state add declare tweet retweet write post warn insist "
    "confirm deny allege note explain stress reiterate accuse argue acknowledge admit assert "
    "reveal quote cite shout chant testify caution emphasize emphasise underline remark reply "
    "respond comment complain vow pledge inform publish broadcast disclose".split()
)
_AGENCIES = (
    "Reuters|Associated Press|AP|AFP|Agence France-Presse|Agence France Presse|TASS|ITAR-TASS|"
    "RIA Novosti|RIA|Sputnik|Interfax|Anadolu|Anadolu Agency|IRNA|ISNA|Fars|Tasnim|Mehr|Xinhua|"
    "SANA|SOHR|Syrian Observatory for Human Rights|Syrian Observatory|dpa|EFE|ANSA|Kyodo|Yonhap|"
    "UPI|Bloomberg|Bernama|ANI|PTI|WAFA|QNA|WAM|KUNA|MENA|Ruptly|Ukrinform|UNIAN|BelTA|KCNA|"
    "Jiji|Hawar|ANHA|Petra"
)
_OUTLETS = (
    "CNN|BBC|NBC|NBC News|CBS|CBS News|ABC News|Fox News|MSNBC|NPR|PBS|Al Jazeera|Al Arabiya|"
    "RT|Press TV|PressTV|New York Times|Washington Post|Wall Street Journal|Financial Times|"
    "The Guardian|The Times|The Telegraph|Daily Mail|The Independent|Politico|Axios|Newsweek|"
    "USA Today|Los Angeles Times|The Economist|Haaretz|Times of Israel|Jerusalem Post|Hurriyet|"
    "Daily Sabah|Sabah|TRT|TRT World|Kommersant|Izvestia|CCTV|CGTN|Global Times|People's Daily|"
    "Al Mayadeen|Al-Mayadeen|Al-Masdar|Rudaw|Kurdistan 24|Sky News|France 24|Deutsche Welle|DW|"
    "Euronews|Voice of America|VOA|Radio Free Europe|Le Monde|Der Spiegel|Asharq Al-Awsat|"
    "Middle East Eye|Al-Watan|Al-Akhbar|Yeni Safak|Al-Monitor|The Hill|Vedomosti|Zvezda"
)
_SOCIAL = "Twitter|Facebook|Telegram|Instagram|YouTube|TikTok|VKontakte|VK|WhatsApp|Weibo|WeChat"
_OUTLET_WORDS = frozenset(
    "news tv times post press herald journal gazette daily tribune telegraph guardian channel "
    "radio television broadcasting media network magazine newspaper online today mirror express "
    "observer chronicle star sun monitor review weekly".split()
)
_AGENCY_NOUNS = frozenset({"agency", "wire", "monitor", "observatory", "monitoring"})
_OUTLET_NOUNS = frozenset(
    "media newspaper daily outlet broadcaster television tv channel radio paper tabloid website "
    "magazine press network".split()
)
_SOCIAL_NOUNS = frozenset({"tweet", "post", "account", "channel", "page", "feed", "video"})
_ANONYMOUS_NOUNS = frozenset({"source", "insider", "person", "people"})
_ANONYMOUS_WORDS = re.compile(
    r"\b(familiar with|anonymity|not authori[sz]ed|declined to be (named|identified)|"
    r"asked not to be (named|identified)|informed source|close to)\b",
    re.IGNORECASE,
)
_OFFICIAL_NOUNS = frozenset(
    "official spokesman spokeswoman spokesperson minister ministry secretary general commander "
    "officer diplomat ambassador envoy representative aide adviser advisor president governor "
    "mayor lawmaker senator authority government administration military army police pentagon "
    "department office command chief leader negotiator prosecutor presidency kremlin ministry "
    "embassy spokespeople officials authorities".split()
)
_TITLES = frozenset(
    "president gen gen. general minister secretary mr mr. mrs mrs. ms ms. dr dr. sheikh colonel "
    "col col. lt lt. major maj. captain capt. senator sen. rep. prime chancellor king prince "
    "ambassador commander admiral adm. sergeant sgt.".split()
)
_INSTITUTION_ENTS = frozenset({"ORG", "GPE"})
_PRONOUNS = frozenset({"he", "she", "him", "her"})
_DEFINITE = frozenset({"the", "this", "that"})
_OPENERS = "“„«"
_CLOSERS = "”»"
_RECENT_TOKENS = 150  # about two paragraphs: how far back "he said" looks for the last speaker
_MIN_UNATTRIBUTED_WORDS = 8  # a shorter quote with no speech verb near it is a scare quote


# --- matchers, compiled once per vocabulary -------------------------------------------------

_MATCHERS: dict[int, tuple[Vocab, PhraseMatcher]] = {}


def _matcher(vocab: Vocab) -> PhraseMatcher:
    """Names of agencies, outlets and social networks; case-insensitive, built once per vocab."""
    cached = _MATCHERS.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    matcher = PhraseMatcher(vocab, attr="LOWER")
    # built from the vocab alone (no Language at hand): the names are split as spaCy would
    for label, names in (("agency", _AGENCIES), ("outlet", _OUTLETS), ("social", _SOCIAL)):
        docs = [Doc(vocab, words=_split_name(name)) for name in names.split("|")]
        matcher.add(label, docs)
    _MATCHERS[id(vocab)] = (vocab, matcher)
    return matcher


def _split_name(name: str) -> list[str]:
    # spaCy splits "People's" into "People" "'s" and "France-Presse" at the hyphen
    return re.findall(r"'s|[^\s\-']+|-", name)


@dataclass(frozen=True)
class _Name:
    kind: str  # agency | outlet | social
    start: int  # token indices
    end: int


def _names(doc: Doc) -> list[_Name]:
    matcher = _matcher(doc.vocab)
    strings = doc.vocab.strings
    found = [_Name(strings[label], start, end) for label, start, end in matcher(doc)]
    # a longer name wins over one inside it: "NBC News" over "NBC"
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[_Name] = []
    for name in found:
        if not kept or name.start >= kept[-1].end:
            kept.append(name)
    return kept


# --- quote marks ----------------------------------------------------------------------------


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


# --- speakers ---------------------------------------------------------------------------------


def _subject(verb: Token) -> Token | None:
    # the closest: a quote before the verb can bring a subject of its own into the parse;
    # an auxiliary sometimes holds the subject ("the government has ... stressed")
    hosts = [verb, *(c for c in verb.children if c.dep_ == "aux")]
    subjects = [c for h in hosts for c in h.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        return min(subjects, key=lambda c: abs(c.i - verb.i))
    # a noun right before the verb is its subject, even where the parse hung it elsewhere
    # (a missed sentence break, "..., Defense Secretary Mark Esper said")
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if before is not None and before.pos_ in ("PROPN", "NOUN", "PRON") and before.dep_ != "pobj":
        return before
    # "...and added", "was quick to say": the subject sits on the governing verb
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        for child in verb.head.children:
            if child.dep_ == "nsubj" and child.i < verb.i:
                return child
    return None


def _noun_phrase(head: Token) -> tuple[int, int]:
    """Token range of a speaker noun phrase, without relative clauses or trailing commas."""
    end = head.i
    for child in head.rights:
        if child.dep_ in ("prep", "compound", "flat", "nmod", "nummod", "appos", "punct"):
            if child.dep_ == "punct" and child.text != ")":
                break
            end = max(end, child.right_edge.i)
        else:
            break
    while end > head.i and head.doc[end].is_punct and head.doc[end].text != ")":
        end -= 1
    return head.left_edge.i, end + 1


@dataclass
class _Speaker:
    start: int  # token range of the speaker as narrowed
    end: int
    kind: str
    lemma: str = ""  # head noun of the phrase as written: "source" for "a military source"
    resolved_from: str | None = None


def _classify(doc: Doc, head: Token, names: list[_Name], context: Span) -> _Speaker:
    """Kind of the noun phrase headed by `head`, and the narrowest span that names it."""
    speaker = _narrow(doc, head, names, context)
    speaker.lemma = head.lemma_.lower()
    return speaker


def _narrow(doc: Doc, head: Token, names: list[_Name], context: Span) -> _Speaker:
    start, end = _noun_phrase(head)
    for name in names:
        inside = start <= name.start and name.end <= end
        if inside and _names_head(doc[name.start : name.end], head):
            if name.kind == "social":  # "a Telegram channel": the channel, not the network
                return _Speaker(start, end, "social media")
            return _Speaker(name.start, name.end, name.kind)
    for ent in doc.ents:
        if start <= ent.start and ent.end <= end and _names_head(ent, head):
            if ent.label_ == "PERSON":
                return _Speaker(ent.start, ent.end, "named")
            kind = _org_kind(ent) if ent.label_ == "ORG" else None
            if kind:
                return _Speaker(ent.start, ent.end, kind)
    lemma, lower = head.lemma_.lower(), head.lower_
    words = doc[start:end]
    if lemma in _SOCIAL_NOUNS and any(t.lower_ in ("twitter", "telegram") for t in words):
        return _Speaker(start, end, "social media")
    if lemma in _AGENCY_NOUNS or (lemma == "news" and _lower_at(doc, head.i + 1) == "agency"):
        return _Speaker(start, end, "agency")
    if lemma in _OUTLET_NOUNS or lower in _OUTLET_NOUNS:  # spaCy lemmatises media -> medium
        return _Speaker(start, end, "outlet")
    if head.pos_ == "PROPN" and (_titled_name(words) or lower in _person_words(doc)):
        return _Speaker(start, end, "named")
    anonymous = _ANONYMOUS_WORDS.search(context.text) is not None
    if lemma in ("source", "insider") or (anonymous and lemma not in _OFFICIAL_NOUNS):
        return _Speaker(start, end, "anonymous")
    if lemma in _OFFICIAL_NOUNS or lower in _OFFICIAL_NOUNS or head.ent_type_ in _INSTITUTION_ENTS:
        return _Speaker(start, end, "unnamed official")
    return _Speaker(start, end, "unknown")


def _names_head(span: Span, head: Token) -> bool:
    """The name is the phrase's head or a modifier of it, not a name inside an "of" phrase:
    "SANA" in "the news agency SANA", not "Abu Qasaib" in "residents of Abu Qasaib"."""
    return any(
        t.i == head.i or (t.head.i == head.i and t.dep_ in ("compound", "appos", "amod", "poss"))
        for t in span
    )


def _person_words(doc: Doc) -> frozenset[str]:
    """Words of the article's PERSON names: "Trump" counts as named once "Donald Trump" is."""
    return frozenset(t.lower_ for ent in doc.ents if ent.label_ == "PERSON" for t in ent)


def _lower_at(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def _org_kind(ent: Span) -> str | None:
    last = ent[-1].lower_
    if last == "agency" or (last in ("press", "news") and _lower_at(ent.doc, ent.end) == "agency"):
        return "agency"
    return "outlet" if last in _OUTLET_WORDS else None


def _titled_name(words: Span) -> bool:
    """'Gen Mazloum Kobani', 'President Erdogan': a title and a proper name the NER missed."""
    tokens = [t for t in words if not t.is_punct]
    if not tokens or tokens[-1].pos_ != "PROPN":
        return False
    for k, token in enumerate(tokens[:-1]):
        if token.lower_ in _TITLES and all(t.pos_ == "PROPN" for t in tokens[k + 1 :]):
            return tokens[-1].ent_type_ not in ("GPE", "ORG", "NORP")
    return False


# --- assembling -------------------------------------------------------------------------------


@dataclass
class _Raw:
    start: int  # characters of the content
    end: int
    cue: str
    direct: bool
    speaker: _Speaker | None
    channel: str | None
    verb: int | None  # token index of the cue verb, to avoid reporting a quote twice
    partial: bool = False  # a quoted fragment found through the parse, inside reported speech


def _is_cue(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in CUE_VERBS


def _speaker_for(doc: Doc, verb: Token, names: list[_Name]) -> _Speaker | None:
    subject = _subject(verb)
    if subject is None:
        return None
    context = doc[subject.left_edge.i : subject.right_edge.i + 1]
    speaker = _classify(doc, subject, names, context)
    if _social_cue(verb, names) and speaker.kind != "social media":
        speaker.kind = "social media"
    return speaker


def _social_cue(verb: Token, names: list[_Name]) -> bool:
    return verb.lemma_.lower() in ("tweet", "retweet") or _channel(verb, names) in _SOCIAL_SET


_SOCIAL_SET = frozenset(_SOCIAL.split("|"))


def _channel(verb: Token, names: list[_Name]) -> str | None:
    """Where it was said: 'on Twitter', 'in a Telegram post', 'told NBC News'."""
    if verb.lemma_.lower() in ("tweet", "retweet"):
        return "Twitter"
    for child in verb.children:
        if child.dep_ in ("dobj", "dative") and verb.lemma_.lower() == "tell":
            name = _name_within(names, child.left_edge.i, child.right_edge.i + 1)
            if name is not None:
                return verb.doc[name.start : name.end].text
        if child.dep_ == "prep" and child.lower_ in ("on", "in", "via"):
            name = _name_within(names, child.left_edge.i, child.right_edge.i + 1)
            if name is not None and name.kind == "social":
                return _canonical_social(verb.doc[name.start : name.end].text)
    return None


def _canonical_social(text: str) -> str:
    for name in _SOCIAL_SET:
        if name.lower() == text.lower():
            return name
    return text


def _name_within(names: list[_Name], start: int, end: int) -> _Name | None:
    for name in names:
        if start <= name.start and name.end <= end:
            return name
    return None


def _trim_tokens(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Tokens [start, end) less punctuation and 'that' at the edges, and less anything before a
    line break: a clause never runs over one (what is before it is a headline or another
    paragraph)."""
    for k in range(end - 1, start - 1, -1):
        if _is_newline(doc[k]):
            start = k + 1
            break
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].dep_ == "mark"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _is_newline(token: Token) -> bool:
    return token.is_space and "\n" in token.text


def _char_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Characters of tokens [start, end) once trimmed; (0, 0) when nothing is left."""
    start, end = _trim_tokens(doc, start, end)
    if start >= end:
        return 0, 0
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def _reported(doc: Doc, verb: Token, names: list[_Name]) -> _Raw | None:
    """'He said (that) X', 'X, SANA reported', 'X told NBC News Y'."""
    content = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis")), None)
    if content is not None:
        first, end = content.left_edge.i, content.right_edge.i + 1
    elif verb.head.i < verb.i and _reports_back(verb):
        # the report comes after what it reports: "The convoy retreated, SANA reported."
        first, end = verb.head.left_edge.i, verb.left_edge.i
    else:
        return None
    subject = _subject(verb)
    if subject is not None and first <= subject.i < end:
        end = subject.left_edge.i  # a parse that ran over a missed sentence break
    first, end = _trim_tokens(doc, first, end)
    if first >= end or _across_paragraphs(doc, first, end, verb):
        return None
    span = _char_range(doc, first, end)
    speaker = _speaker_for(doc, verb, names)
    channel = _channel(verb, names)
    return _Raw(*span, verb.lemma_.lower(), False, speaker, channel, verb.i)


def _reports_back(verb: Token) -> bool:
    if verb.dep_ in ("ccomp", "parataxis"):
        return True
    # "..., the defense secretary said" parsed as a second clause: only after a comma
    subject = _subject(verb)
    start = verb.left_edge.i if subject is None else min(verb.left_edge.i, subject.left_edge.i)
    return verb.dep_ in ("conj", "advcl") and _lower_at(verb.doc, start - 1) == ","


def _across_paragraphs(doc: Doc, first: int, end: int, verb: Token) -> bool:
    """A speech verb does not report a clause from another paragraph (a missed sentence break
    after a headline line)."""
    between = doc[end : verb.i] if verb.i >= end else doc[verb.i : first]
    return any(_is_newline(token) for token in between)


def _according_to(doc: Doc, token: Token, names: list[_Name]) -> _Raw | None:
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
    speaker = _classify(doc, obj, names, context)
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
        verbs = [t for t in window if t.pos_ == "VERB" and _subject(t) is not None]
        return verbs[-1] if verbs else None
    return None


def _direct(doc: Doc, text: str, names: list[_Name]) -> Iterator[_Raw]:
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
                speaker = _speaker_for(doc, verb, names)
                channel = _channel(verb, names)
                raw = _Raw(start, end, verb.lemma_.lower(), True, speaker, channel, verb.i, partial)
            elif len(text[start:end].split()) >= _MIN_UNATTRIBUTED_WORDS:
                raw = _Raw(start, end, "", True, None, None, None)
        previous_closed = quote.closed
        if raw is not None:
            previous = raw
            yield raw


def _overlaps(raw: _Raw, quotes: Iterable[_Raw]) -> bool:
    """Reported content that is, for the most part, one of the direct quotes."""
    for quote in quotes:
        shared = min(raw.end, quote.end) - max(raw.start, quote.start)
        if shared > 0.5 * (raw.end - raw.start):
            return True
    return False


def _resolve(doc: Doc, raws: list[_Raw]) -> None:
    """Point pronoun and 'the source' speakers at the nearest earlier speaker or person."""
    known = [(ent.start, _Speaker(ent.start, ent.end, "named")) for ent in doc.ents
             if ent.label_ == "PERSON"]  # fmt: skip
    last: _Speaker | None = None
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


def _nearest(known: list[tuple[int, _Speaker]], before: int, lemma: str | None) -> _Speaker | None:
    best: tuple[int, _Speaker] | None = None
    for position, speaker in known:
        if position >= before or (best is not None and position <= best[0]):
            continue
        if lemma is not None and speaker.lemma != lemma:
            continue
        best = (position, speaker)
    return best[1] if best else None


def find_attributions(doc: Doc) -> list[Attribution]:
    """Direct quotes and reported speech in a parsed article, in text order."""
    names = _names(doc)
    text = doc.text  # Doc.text is rebuilt from the tokens at every access
    direct = list(_direct(doc, text, names))
    reported: list[_Raw] = []
    for token in doc:
        if token.lower_ == "according" and _lower_at(doc, token.i + 1) == "to":
            raw = _according_to(doc, token, names)
        elif _is_cue(token):
            raw = _reported(doc, token, names)
        else:
            continue
        if raw is not None and not _overlaps(raw, direct):  # a quote is reported once
            reported.append(raw)
    # a quoted fragment inside reported speech ('stressed that "every inch" of...') is carried
    # by the reported clause
    direct = [d for d in direct if not (d.partial and _within(d, reported, d.verb))]
    raws = sorted(direct + reported, key=lambda r: (r.start, not r.direct))
    _resolve(doc, raws)
    return [_public(doc, text, raw) for raw in raws]


def _within(raw: _Raw, others: list[_Raw], verb: int | None) -> bool:
    return any(o.verb == verb and o.start <= raw.start and raw.end <= o.end for o in others)


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
