"""Sources of attributions: who speaks (the subject of a speech verb, the object of "according
to"), the narrowest span that names them, what kind of source that is, and where it was said.

Source kinds, first that applies:
- social media: tweeted, posted on Twitter/Facebook/Telegram, a Telegram channel.
- agency / outlet: a wire agency or monitor from a small general list, an ORG whose name ends in
  News/TV/Times/Post/... or a head noun such as "news agency", "state media", "newspaper".
- named: a PERSON entity, or a title followed by a proper name ("Gen Mazloum Kobani").
- anonymous: "a source", "sources", "an informed source", "people familiar with".
- unnamed official: official, spokesman, minister, general...; also an institution speaking as
  itself ("the Pentagon", "Damascus"): an official voice with no person named.
- unknown: anything else ("witnesses", "several reports", "the Kurds").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from newsprism.understand.lexicon import NAME_TITLES

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
_INSTITUTION_ENTS = frozenset({"ORG", "GPE"})


# --- names of agencies, outlets and social networks, compiled once per vocabulary ------------

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
class SourceName:
    """A name of an agency, outlet or social network found in the text."""

    kind: str  # agency | outlet | social
    start: int  # token indices
    end: int


def source_names(doc: Doc) -> list[SourceName]:
    matcher = _matcher(doc.vocab)
    strings = doc.vocab.strings
    found = [SourceName(strings[label], start, end) for label, start, end in matcher(doc)]
    # a longer name wins over one inside it: "NBC News" over "NBC"
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[SourceName] = []
    for name in found:
        if not kept or name.start >= kept[-1].end:
            kept.append(name)
    return kept


# --- speakers --------------------------------------------------------------------------------


def subject_of(verb: Token) -> Token | None:
    # the closest: a quote before the verb can bring a subject of its own into the parse;
    # an auxiliary sometimes holds the subject ("the government has ... stressed")
    hosts = [verb, *(c for c in verb.children if c.dep_ == "aux")]
    subjects = [c for h in hosts for c in h.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subjects:
        return _antecedent(min(subjects, key=lambda c: abs(c.i - verb.i)), verb)
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


_RELATIVE = frozenset({"who", "that", "which"})


def _antecedent(subject: Token, verb: Token) -> Token:
    """Who a relative pronoun stands for: "It was Speier who revealed that..." is Speier, and
    so is "Speier was the one that revealed...", where "the one" is what she was."""
    if subject.lower_ not in _RELATIVE:
        return subject
    if verb.dep_ == "ccomp" and verb.head.lemma_ == "be":
        # "It was Speier who revealed": the parse hangs the clause on "was", beside Speier
        named = [c for c in verb.head.children if c.dep_ == "attr" and c.i < subject.i]
        return named[0] if named else subject
    if verb.dep_ != "relcl":
        return subject
    head = verb.head
    if head.lower_ == "one" and head.dep_ == "attr":
        named = [c for c in head.head.children if c.dep_ == "nsubj"]
        return named[0] if named else head
    return head


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
class Speaker:
    """Who speaks: the tokens that name them, and what kind of source they are."""

    start: int  # token range of the speaker as narrowed
    end: int
    kind: str
    lemma: str = ""  # head noun of the phrase as written: "source" for "a military source"
    resolved_from: str | None = None


def classify_speaker(doc: Doc, head: Token, names: list[SourceName], context: Span) -> Speaker:
    """Kind of the noun phrase headed by `head`, and the narrowest span that names it."""
    speaker = _narrow(doc, head, names, context)
    speaker.lemma = head.lemma_.lower()
    return speaker


def _narrow(doc: Doc, head: Token, names: list[SourceName], context: Span) -> Speaker:
    start, end = _noun_phrase(head)
    for name in names:
        inside = start <= name.start and name.end <= end
        if inside and _names_head(doc[name.start : name.end], head):
            if name.kind == "social":  # "a Telegram channel": the channel, not the network
                return Speaker(start, end, "social media")
            return Speaker(name.start, name.end, name.kind)
    for ent in doc.ents:
        if start <= ent.start and ent.end <= end and _names_head(ent, head):
            if ent.label_ == "PERSON":
                return Speaker(ent.start, ent.end, "named")
            kind = _org_kind(ent) if ent.label_ == "ORG" else None
            if kind:
                return Speaker(ent.start, ent.end, kind)
    lemma, lower = head.lemma_.lower(), head.lower_
    words = doc[start:end]
    if lemma in _SOCIAL_NOUNS and any(t.lower_ in ("twitter", "telegram") for t in words):
        return Speaker(start, end, "social media")
    if lemma in _AGENCY_NOUNS or (lemma == "news" and lower_at(doc, head.i + 1) == "agency"):
        return Speaker(start, end, "agency")
    if lemma in _OUTLET_NOUNS or lower in _OUTLET_NOUNS:  # spaCy lemmatises media -> medium
        return Speaker(start, end, "outlet")
    if head.pos_ == "PROPN" and (_titled_name(words) or lower in _person_words(doc)):
        return Speaker(start, end, "named")
    anonymous = _ANONYMOUS_WORDS.search(context.text) is not None
    if lemma in ("source", "insider") or (anonymous and lemma not in _OFFICIAL_NOUNS):
        return Speaker(start, end, "anonymous")
    if lemma in _OFFICIAL_NOUNS or lower in _OFFICIAL_NOUNS or head.ent_type_ in _INSTITUTION_ENTS:
        return Speaker(start, end, "unnamed official")
    return Speaker(start, end, "unknown")


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


def lower_at(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def _org_kind(ent: Span) -> str | None:
    last = ent[-1].lower_
    if last == "agency" or (last in ("press", "news") and lower_at(ent.doc, ent.end) == "agency"):
        return "agency"
    return "outlet" if last in _OUTLET_WORDS else None


def _titled_name(words: Span) -> bool:
    """'Gen Mazloum Kobani', 'President Erdogan': a title and a proper name the NER missed."""
    tokens = [t for t in words if not t.is_punct]
    if not tokens or tokens[-1].pos_ != "PROPN":
        return False
    for k, token in enumerate(tokens[:-1]):
        titled = token.lower_.rstrip(".") in NAME_TITLES
        if titled and all(t.pos_ == "PROPN" for t in tokens[k + 1 :]):
            return tokens[-1].ent_type_ not in ("GPE", "ORG", "NORP")
    return False


def speaker_for(doc: Doc, verb: Token, names: list[SourceName]) -> Speaker | None:
    subject = subject_of(verb)
    if subject is None:
        return None
    context = doc[subject.left_edge.i : subject.right_edge.i + 1]
    speaker = classify_speaker(doc, subject, names, context)
    if _social_cue(verb, names) and speaker.kind != "social media":
        speaker.kind = "social media"
    return speaker


# --- where it was said -----------------------------------------------------------------------


def _social_cue(verb: Token, names: list[SourceName]) -> bool:
    return verb.lemma_.lower() in ("tweet", "retweet") or channel_of(verb, names) in _SOCIAL_SET


_SOCIAL_SET = frozenset(_SOCIAL.split("|"))


def channel_of(verb: Token, names: list[SourceName]) -> str | None:
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


def _name_within(names: list[SourceName], start: int, end: int) -> SourceName | None:
    for name in names:
        if start <= name.start and name.end <= end:
            return name
    return None
