"""Event words: the verbs and event nouns the target takes part in, and how each is told.

Which words are its events: the verb or event noun the target is an argument of (subject,
object, "by"/"of"/"with" phrase, possessor of an event noun, "the iPhone 4 launch"), the verbs
that share its subject ("unveiled X and announced Y", "plans to sell"), event nouns its verb
governs ("gave a keynote speech") and relative clauses on it ("the store, which sells...");
not the copula, and not what is told as negated, only possible, conditional or asked.
"""

from __future__ import annotations

from spacy.tokens import Token

from newsprism.understand.action_classes import EVENT_NOUNS
from newsprism.understand.actions import mood_of as action_mood

# Nouns that tell an event (TimeML's event nouns, as they occur in news): newsprism's action
# nouns plus the common ones of business and politics news.
_EVENT_NOUN_WORDS = set(EVENT_NOUNS) | set(
    """launch release sale sales deal suit lawsuit case dispute trial agreement settlement event
    conference keynote speech talk visit move decision election war crisis loss growth increase
    decrease drop rise fall cut update upgrade debut birth leave absence appearance return
    interview demand order purchase acquisition merger bid offer ban fine vote win victory
    defeat change delay problem failure success announcement statement presentation
    introduction production development revelation demonstration expansion reduction
    investigation protest fight battle campaign surgery transplant treatment illness
    operation shipment delivery availability unveiling farewell absence request claim
    criticism response complaint ruling verdict appeal hearing meeting summit talks
    preorder pre-order pre-orders orders shortage outage recall replacement rollout""".split()
)
_EVENT_SUFFIXES = ("tion", "sion", "ment", "ance", "ence", "ure", "sal", "val", "wal")
# Words with an event suffix that name a thing, a group or a quality rather than an event.
_NOT_EVENTS = set(
    """nation station position population organization corporation foundation location
    question section edition version application generation information government management
    department equipment environment document instrument apartment audience evidence science
    experience difference distance independence influence intelligence licence license
    importance balance finance insurance alliance appliance ambulance province future nature
    picture feature culture structure figure measure pressure literature temperature
    signature exposure procedure capital animal journal interval portal individual manual
    material potential total rival commission mission television vision dimension pension
    mansion tension competition condition tradition institution constitution solution
    function fraction portion ration motion emotion caption option notion mention attention
    direction collection connection selection sentence reference residence silence violence
    confidence""".split()
)
# Verbs that are no events of their own here: the copula and light or empty verbs.
_NOT_EVENT_VERBS = {"be", "do", "let", "seem"}
TOLD_AS_HAPPENING = {"fact", "future"}  # moods whose events go on a timeline
_SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj"}
SHARED_CLAUSE_DEPS = {"conj", "xcomp"}  # a verb that shares its head's subject and time


def predicates_of(head: Token) -> list[tuple[Token, str]]:
    """The verbs and event nouns the target (a mention's head) is a participant of, with how."""
    found = _relative_clauses(head)
    node, role = _argument_slot(head)
    if node is None:
        return found
    found.append((node, role))
    if node.pos_ in ("VERB", "AUX") and role == "subject":
        found += [(v, "subject") for v in _shared_subject_verbs(node)]
        found += [(n, "subject") for n in _event_objects(node)]
    return found


def _relative_clauses(head: Token) -> list[tuple[Token, str]]:
    """Verbs of a relative clause on the target: "the store, which sells music" (subject),
    "the phone, which Apple unveiled" (object)."""
    found = []
    for clause in head.children:
        if clause.dep_ != "relcl":
            continue
        for child in clause.children:
            if child.lower_ in ("which", "who", "that"):
                role = "subject" if child.dep_ in _SUBJ_DEPS else "object"
                found.append((clause, role))
                break
    return found


def _argument_slot(head: Token) -> tuple[Token | None, str]:
    """Climb from a participant's head through its own phrase ("Apple CEO Steve Jobs",
    "Steve Jobs and Apple") to the verb or event noun it is an argument of."""
    token = head
    for _ in range(4):
        dep = token.dep_
        if dep in _SUBJ_DEPS:
            return token.head, "subject"
        if dep in ("dobj", "obj", "dative", "attr", "oprd"):
            return token.head, "object"
        if dep == "pobj":
            return _oblique(token)
        if dep == "poss":
            return _owned(token.head)
        if dep in ("compound", "nmod", "amod", "nummod"):
            if is_event_noun(token.head):
                return token.head, "modifier"  # "the iPhone 4 launch"
            if token.head.pos_ == "PROPN" or token.head.ent_type_ == "PERSON":
                return None, ""  # "Apple" in "Apple CEO Steve Jobs" is not Jobs's events
            token = token.head
            continue
        if dep in ("appos", "conj", "flat"):
            token = token.head
            continue
        return None, ""
    return None, ""


def _oblique(pobj: Token) -> tuple[Token | None, str]:
    """A target in a prepositional phrase: an argument of the verb or event noun the
    preposition hangs from ("sued by Apple", "the launch of the iPhone"); through a plain
    noun one step further ("a new version of iTunes" -> what was done with the version)."""
    prep = pobj.head
    host = prep.head
    if prep.dep_ == "agent":
        return host, "subject"
    if host.pos_ in ("VERB", "AUX") or is_event_noun(host):
        return host, "oblique"
    if host.pos_ in ("NOUN", "PROPN") and host.dep_ in ("dobj", "nsubjpass", "obj"):
        return host.head, "object"
    return None, ""


def _owned(noun: Token) -> tuple[Token | None, str]:
    """A possessor takes part in an event noun ("Apple's announcement", "Jobs' speech"), not
    in what is done with a thing it owns ("Apple's shares fell" is no event of Apple's)."""
    if is_event_noun(noun):
        return noun, "possessor"
    return None, ""


def _shared_subject_verbs(verb: Token) -> list[Token]:
    """Verbs that share the subject: coordinated ones without their own subject ("unveiled X
    and announced Y") and controlled complements ("plans to sell")."""
    found = []
    stack = [verb]
    while stack:
        node = stack.pop()
        for child in node.children:
            if child.dep_ not in SHARED_CLAUSE_DEPS or child.pos_ not in ("VERB", "AUX"):
                continue
            if any(c.dep_ in _SUBJ_DEPS for c in child.children):
                continue
            found.append(child)
            stack.append(child)
    return found


def _event_objects(verb: Token) -> list[Token]:
    """An event noun the subject's verb governs: "Jobs gave a keynote speech" -> speech."""
    return [c for c in verb.children if c.dep_ in ("dobj", "obj") and is_event_noun(c)]


def is_event(token: Token) -> bool:
    if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ not in ("aux", "auxpass")):
        return token.lemma_.lower() not in _NOT_EVENT_VERBS
    return is_event_noun(token)


def is_event_noun(token: Token) -> bool:
    if token.pos_ not in ("NOUN",):
        return False
    lemma = token.lemma_.lower()
    low = token.lower_
    if lemma in _EVENT_NOUN_WORDS or low in _EVENT_NOUN_WORDS:
        return True
    if lemma in _NOT_EVENTS:
        return False
    if low.endswith("ing") and token.tag_ == "NN" and len(low) > 5:
        return True  # "the filing", "the meeting"
    return lemma.endswith(_EVENT_SUFFIXES) and len(lemma) > 5


def mood_of(token: Token) -> str:
    """How the event is told: as a fact or as future, else as negated, possible, intended,
    conditional or asked (those stay off a timeline): the action records' reading."""
    return action_mood(token)


def lemma_of(token: Token) -> tuple[str, Token]:
    """The event's lemma with a verb particle joined ("step_down"), and its last token."""
    if token.pos_ in ("VERB", "AUX"):
        particle = next((c for c in token.children if c.dep_ == "prt" and c.i == token.i + 1),
                        None)  # fmt: skip
        if particle is not None:
            return f"{token.lemma_.lower()}_{particle.lower_}", particle
    return token.lemma_.lower(), token
