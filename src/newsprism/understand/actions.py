"""Actions: what an article tells happened, as who did what to whom — the proposition a claim
states, read from the spaCy parse (no second model pass).

One record per verb (or action noun: "the withdrawal of US troops", "Turkey's invasion") of a
known action class (understand/action_classes.py): the verb as written, its class, its subject
(who does it: the active subject, or the passive's "by" agent) and object (to whom or what: the
direct object, or the passive subject), and its mood — whether the text tells it as a fact or
only as negated, possible, future, intended, conditional or asked. Cross-checking compares two
statements by these parts rather than by their wording alone: "US troops withdrew from Syria"
and "Trump pulled the troops out" share an action and a participant; "the inter-Korean summit
was the third of its kind" and "the hotline was opened" do not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from newsprism.understand.action_classes import ACTION_CLASSES, DECLARE, EVENT_NOUNS, action_class
from newsprism.understand.nlp import doc_text

FACT = "fact"
_CLASSED = frozenset(lemma for lemmas in ACTION_CLASSES.values() for lemma in lemmas)
_MODALS = {"may": "possible", "might": "possible", "could": "possible", "can": "possible",
           "would": "possible", "should": "possible", "must": "possible", "will": "future",
           "shall": "future", "'ll": "future", "wo": "future"}  # fmt: skip
# Verbs whose complement has not happened (yet): "threatened to invade", "plans to withdraw".
_INTENT = frozenset(
    "plan want threaten hope intend vow promise expect aim seek try decide agree prepare "
    "propose consider refuse urge ask call demand warn order pledge".split()
)
_SUBJECTS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
_OBJECTS = frozenset({"dobj", "obj", "dative"})
_CLAUSE_DEPS = frozenset({"conj", "xcomp", "advcl", "relcl", "ccomp", "acl", "pcomp"})
MAX_PHRASE_TOKENS = 8  # a participant longer than this is cut to its head's near words


@dataclass(frozen=True)
class Action:
    start: int  # the verb (with its particle) or action noun as written
    end: int
    text: str
    verb: str  # lemma, particle joined: "pull_out"
    action: str  # its class: "withdraw"
    subject: str | None  # who does it, as written
    subject_start: int | None
    subject_end: int | None
    object: str | None  # to whom or what
    object_start: int | None
    object_end: int | None
    mood: str  # fact | negated | possible | future | intended | conditional | question
    passive: bool = False
    # told by a noun ("the Las Vegas massacre", "the withdrawal of US troops"): a reference to
    # the action more often than a report of it
    nominal: bool = False


# Verbs that only carry an action noun: in "US forces launched cruise missile strikes" and
# "Turkey has conducted a week-long offensive" the noun tells what happened and the verb who
# did it and how the text tells it (as a fact, negated, intended...). Such a noun is a report
# of the action, not a reference to it.
SUPPORT_VERBS = frozenset(
    "launch conduct carry_out stage mount wage unleash perform commit begin start".split()
)
# What a group claims when it "claims" something: responsibility for an attack, or the attack
# itself ("IS claimed the attacks"), not whatever else is claimed ("claimed that ...",
# "claimed 217 lives").
RESPONSIBILITY_NOUNS = frozenset({"responsibility", "credit"})
CLAIMED_ACTIONS = frozenset({"attack", "explode", "kill", "shoot"})


# Measures an authority declares ("France declared a state of emergency", "Hollande called for
# three days of national mourning", "a curfew was imposed"): the act is declaring, its other
# the measure, named by one word whatever the wording around it ("a nationwide state of
# emergency", "official mourning"), so that outlets telling one declaration share it.
MEASURE_NOUNS = frozenset("emergency mourning curfew lockdown quarantine".split())
MEASURE_VERBS = frozenset(
    "declare impose issue proclaim announce order introduce institute enact call observe".split()
)


def find_actions(doc: Doc) -> list[Action]:
    found = []
    for token in doc:
        if token.lower_ in MEASURE_NOUNS and (measure := _declared_measure(token)) is not None:
            found.append(measure)
        elif token.pos_ in ("VERB", "AUX"):
            verb = _verb_lemma(token)
            if verb in _CLASSED or action_class(verb) != verb:
                found.append(_verb_action(token, verb))
            elif verb == "claim" and (claimed := _claimed(token)) is not None:
                found.append(claimed)
        elif token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in EVENT_NOUNS:
            verb = EVENT_NOUNS[token.lemma_.lower()]
            supported = _supported(token, verb)
            found.append(supported or _noun_action(token, verb))
    return found


def _supported(noun: Token, verb: str) -> Action | None:
    """The action an event noun tells through a support verb ("launched strikes against the
    camps", "strikes were launched"): the verb's participants and mood, the noun's class."""
    head = noun.head
    if head.i == noun.i or head.pos_ not in ("VERB", "AUX") or noun.dep_ not in (
        _OBJECTS | _PASSIVE_SUBJECTS
    ):
        return None
    if _verb_lemma(head) not in SUPPORT_VERBS:
        return None
    subject, _, _ = _participants(head)
    target = _target_of(noun) or _target_of(head, ("against", "into"))
    first, last = (head, noun) if head.i < noun.i else (noun, head)
    return _action(first, last, verb, subject, target, mood_of(head), False)


def _declared_measure(measure: Token) -> Action | None:
    """A measure declared by a verb of MEASURE_VERBS, the measure as the object of the verb,
    of its passive, or of "called for": "declared a state of emergency", "three days of
    mourning were declared", "called for three days of mourning"."""
    phrase = measure
    if measure.dep_ == "pobj" and measure.head.lower_ == "of" and measure.head.head.pos_ == "NOUN":
        phrase = measure.head.head  # "a state of emergency", "three days of mourning"
    verb = phrase.head
    if phrase.dep_ == "pobj" and verb.lower_ == "for":
        verb = verb.head  # "called for ..."
    elif phrase.dep_ not in _OBJECTS | _PASSIVE_SUBJECTS:
        return None
    if verb.i == phrase.i or verb.pos_ not in ("VERB", "AUX"):
        return None
    if verb.lemma_.lower() not in MEASURE_VERBS:
        return None
    subject, _, passive = _participants(verb)
    action = _action(verb, verb, verb.lemma_.lower(), subject, measure, mood_of(verb), passive)
    # the measure by its one word, whatever modifies it
    return replace(action, action=DECLARE, object=measure.lower_,
                   object_start=measure.idx, object_end=measure.idx + len(measure))  # fmt: skip


def _claimed(verb: Token) -> Action | None:
    """"IS claimed responsibility for the attacks", "IS claimed the attacks": one act,
    claiming an attack, whose object is the attack."""
    obj = next((c for c in verb.children if c.dep_ in _OBJECTS), None)
    if obj is None:
        return None
    lemma = obj.lemma_.lower()
    if lemma in RESPONSIBILITY_NOUNS:
        target = _target_of(obj, ("for",)) or _target_of(verb, ("for",))
    elif action_class(EVENT_NOUNS.get(lemma)) in CLAIMED_ACTIONS:
        target = obj
    else:
        return None
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    return _action(verb, verb, "claim_responsibility", _antecedent(subject), target,
                   mood_of(verb), False)  # fmt: skip


def _target_of(
    token: Token, preps: tuple[str, ...] = ("of", "on", "against", "into")
) -> Token | None:
    """The pobj of the token's first preposition among `preps`: whom or what it is aimed at."""
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            found = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if found is not None:
                return found
    return None


def _verb_lemma(token: Token) -> str:
    particle = next((c for c in token.rights if c.i == token.i + 1 and _is_particle(c)), None)
    lemma = token.lemma_.lower()
    return f"{lemma}_{particle.lower_}" if particle is not None else lemma


def _is_particle(token: Token) -> bool:
    """A verb's particle, also where the parser reads "out of" as two prepositions ("began
    pulling out of the region")."""
    if token.dep_ == "prt":
        return True
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return (token.dep_ == "prep" and token.lower_ == "out" and following is not None
            and following.lower_ == "of")


def _verb_action(token: Token, verb: str) -> Action:
    end_token = token.doc[token.i + 1] if "_" in verb else token
    subject, obj, passive = _participants(token)
    return _action(token, end_token, verb, subject, obj, mood_of(token), passive)


def _participants(token: Token) -> tuple[Token | None, Token | None, bool]:
    """A verb's subject (who does it) and object (to whom or what), pronouns resolved, and
    whether it is told in the passive."""
    passive = any(c.dep_ in _PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in token.children)
    subject = next((c for c in token.children if c.dep_ in _SUBJECTS), None)
    obj = next((c for c in token.children if c.dep_ in _OBJECTS), None)
    if passive:
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        obj = next((c for c in token.children if c.dep_ in _PASSIVE_SUBJECTS), None)
        subject = by
    if token.dep_ in ("acl", "relcl") and token.head.pos_ in ("NOUN", "PROPN"):
        # "agents hacked into ...", "troops stationed there", "troops who withdrew"
        if token.tag_ == "VBN" and obj is None:
            obj, passive = token.head, True
        elif subject is None or subject.lower_ in _RELATIVES:
            subject = token.head
    if subject is None and not passive:
        subject = _shared_subject(token)
    if passive and obj is None and token.dep_ == "conj":
        # "1,000 troops had been deployed ... but were withdrawn": the first verb's subject
        obj = next((c for c in token.head.children if c.dep_ in _PASSIVE_SUBJECTS | _SUBJECTS),
                   None)  # fmt: skip
    if subject is None and obj is None:
        # "the American forces were pulled out": the noun right before the verb group, where
        # the parser attached it elsewhere
        before = _noun_before(token)
        if passive:
            obj = before
        else:
            subject = before
    return _antecedent(subject), _antecedent(obj), passive


_RELATIVES = frozenset({"who", "which", "that"})
_PRONOUNS = {"they": "plural", "them": "plural", "he": "person", "him": "person",
             "she": "person", "her": "person"}  # fmt: skip
ANTECEDENT_REACH = 60  # tokens back a pronoun's antecedent is looked for


def _noun_before(token: Token) -> Token | None:
    i = token.i - 1
    doc = token.doc
    while i >= 0 and doc[i].dep_ in ("aux", "auxpass", "neg", "advmod"):
        i -= 1
    if i >= 0 and doc[i].pos_ in ("NOUN", "PROPN") and doc[i].sent == token.sent:
        return doc[i]
    return None


def _antecedent(token: Token | None) -> Token | None:
    """A pronoun participant stands for the nearest noun before it that it can refer to:
    "they" for a plural noun, "he"/"she" for a person's name."""
    if token is None or token.lower_ not in _PRONOUNS:
        return token
    want = _PRONOUNS[token.lower_]
    doc = token.doc
    for i in range(token.i - 1, max(-1, token.i - ANTECEDENT_REACH), -1):
        t = doc[i]
        if t.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "ROOT"):
            continue
        if want == "plural" and t.tag_ in ("NNS", "NNPS"):
            return t
        if want == "person" and t.ent_type_ == "PERSON":
            return t
    return token


def _shared_subject(token: Token) -> Token | None:
    """The subject a coordinated or controlled verb shares: "troops left and withdrew",
    "Turkey threatened to invade" (Turkey invades)."""
    head = token
    for _ in range(3):
        if head.dep_ not in ("conj", "xcomp") or head.head.i == head.i:
            return None
        controlled = head.dep_ == "xcomp"
        head = head.head
        if controlled:  # "forced 2,000 people to leave": the people leave
            obj = next((c for c in head.children if c.dep_ in _OBJECTS), None)
            if obj is not None:
                return obj
        subject = next((c for c in head.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
    return None


def _noun_action(token: Token, verb: str) -> Action:
    subject = next((c for c in token.children if c.dep_ in ("poss", "compound")), None)
    obj = None
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "on", "against"):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            break
    mood = mood_of(token.head) if token.dep_ in _OBJECTS | _SUBJECTS else FACT
    return replace(_action(token, token, verb, subject, obj, mood, False), nominal=True)


def _action(
    first: Token,
    last: Token,
    verb: str,
    subject: Token | None,
    obj: Token | None,
    mood: str,
    passive: bool,
) -> Action:
    doc = first.doc
    start, end = first.idx, last.idx + len(last)
    subj = _phrase(subject)
    objp = _phrase(obj)
    return Action(
        start=start,
        end=end,
        text=doc_text(doc)[start:end],
        verb=verb,
        action=action_class(verb) or verb,
        subject=subj.text if subj is not None else None,
        subject_start=subj.start_char if subj is not None else None,
        subject_end=subj.end_char if subj is not None else None,
        object=objp.text if objp is not None else None,
        object_start=objp.start_char if objp is not None else None,
        object_end=objp.end_char if objp is not None else None,
        mood=mood,
        passive=passive,
    )


def _phrase(head: Token | None) -> Span | None:
    """The participant's noun phrase: the head with its left modifiers and, when short, the
    rest of its subtree ("US troops", "Turkey and its jihadist proxies")."""
    if head is None:
        return None
    doc = head.doc
    left = min((t.i for t in head.subtree), default=head.i)
    right = max((t.i for t in head.subtree), default=head.i)
    if right - left + 1 > MAX_PHRASE_TOKENS:
        left = min([head.i] + [t.i for t in head.lefts if t.i >= head.i - MAX_PHRASE_TOKENS])
        right = head.i
    while left < right and doc[left].is_punct:
        left += 1
    while right > left and (doc[right].is_punct or doc[right].dep_ == "case"):
        right -= 1  # "Turkey's invasion": the owner without its 's
    if head.dep_ in ("poss", "compound") and right > head.i:
        right = head.i
    return doc[left : right + 1]


def _ends_with_question_mark(sentence: Span) -> bool:
    """The sentence's last word, past closing quotes, is a question mark: read from its end,
    token by token (its whole text, built for every verb of a sentence as long as a text
    without full stops, made the actions of such a text quadratic)."""
    doc = sentence.doc
    for k in range(sentence.end - 1, sentence.start - 1, -1):
        words = doc[k].text.rstrip(" \"”’'")
        if words:
            return words.endswith("?")
    return False


def mood_of(verb: Token) -> str:
    """How the text tells the action: as a fact, or only as negated, possible, future,
    intended, conditional or asked."""
    if _ends_with_question_mark(verb.sent):
        return "question"
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ == "neg":
                return "negated"
            if child.dep_ in ("aux", "auxpass") and child.lower_ in _MODALS:
                return _MODALS[child.lower_]
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return "conditional"
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in _INTENT:
            return "intended"
        if node.dep_ not in _CLAUSE_DEPS - {"ccomp"} or node.head.i == node.i:
            return FACT
        node = node.head
    return FACT
