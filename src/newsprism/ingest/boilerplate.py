"""Lines that are page furniture, not reporting: newsletter boxes, comment widgets, share
buttons, copyright and source footers. Each pattern must match a whole line (case-folded,
whitespace collapsed) so that a sentence merely mentioning a newsletter stays."""

from __future__ import annotations

import re
import unicodedata

MAX_BOILERPLATE_CHARS = 200
_NETWORKS = "(facebook|twitter|x|whatsapp|telegram|linkedin|reddit|email|vk)"

_PATTERNS = [
    # newsletter and sign-up boxes
    r"subscribe( now)?( to (our|the) (free )?(daily |weekly )?newsletters?)?[.!]?",
    r"sign up( here| now| today)?( (to|for) .*(newsletter|news|updates|offers|inbox).*)?",
    r"(get|receive) (the latest|our) .*(in|to) your inbox.*",
    r".*delivered (directly |straight )?to your inbox\.?",
    r"enter your e-?mail( address)?.*",
    # comment widgets
    r"notify of",
    r"inline feedbacks?",
    r"view all comments",
    r"\d+ comments?",
    r"(no )?comments?( \(\d+\))?",
    r"(leave|post|add|write) a (comment|reply)\.?",
    r"would love your thoughts, please comment\.?x?",
    r"(show|load) (more )?comments",
    r"(oldest|newest|most voted)",
    # share buttons and social furniture
    rf"share( this)?( article| story| post| page)?( on {_NETWORKS})?:?",
    rf"share on {_NETWORKS}",
    rf"(tweet|print|pinterest|copy link|{_NETWORKS})( this)?",
    r"click (here )?to (share|print|email|tweet).*",
    r"follow us( on .*)?",
    r"(like|follow) (us|our page) on .*",
    # source, read-more and copyright footers
    r"source: ?(read (the )?full (article|story)|news agencies|agencies|.{1,60})",
    r"read (the )?(full|original) (article|story)( here)?\.?",
    r"read more( here)?:?( .{0,120})?",
    r"(related|recommended|more from .*|you may also like|also read)( articles| stories| news)?:?",
    r"this (article|story) (first|originally) appeared (on|in) .*",
    # reprint credits: "Article posted with permission from Pamela Geller", "This report was
    # originally published by Tyler Durden at Zero Hedge" (one such line in 42 PTC articles
    # made a claim 'corroborated' by all of them, and tied their stories together)
    r"(this )?(article|report|story|post|piece) (was )?(first|originally) "
    r"(published|posted|reprinted|republished|appeared) (by|on|in|at) [^.]{1,80}\.?",
    r"(this )?(article|report|story|post|piece) (was )?(published|posted|reprinted|republished)"
    r" with permission (of|from) [^.]{1,80}\.?",
    r"(article )?(posted|reprinted|republished) with permission( from .*)?",
    r"(this article|this story|it) (is|was) (re)?published with permission.*",
    # form widgets: "Email This field is for validation purposes and should be left unchanged."
    r".*this field is for validation purposes and should be left unchanged\.?",
    r"(©|\(c\)|copyright) .*",
    r".*all rights reserved\.?",
    r"(advertisement|sponsored( content)?|ad|scroll to continue)",
    r"(we use cookies|this (web)?site uses cookies).*",
    r"(accept|reject) (all )?cookies",
    r"skip to (main )?content",
]
_COMPILED = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def fold_line(line: str) -> str:
    line = unicodedata.normalize("NFKC", line).casefold()
    line = line.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(line.split())


def is_boilerplate(line: str) -> bool:
    if len(line) > MAX_BOILERPLATE_CHARS:
        return False
    return _COMPILED.fullmatch(fold_line(line)) is not None


# A shop widget a site puts among the paragraphs ("American Raj: Liberati... Eric Margolis Best
# Price: $5.99 Buy New $45.86 (as of 09:30 EDT - Details)"), on its own line or run into the
# next sentence: the same ad in several articles read as one figure told by several outlets.
_PRODUCT_WIDGET = re.compile(
    r".{0,160}?\bbest price: ?[$\u00a3\u20ac][\d.,]+(?: buy new [$\u00a3\u20ac][\d.,]+)?"
    r"(?: \(as of [^)]{1,40}\))?",
    re.IGNORECASE,
)


def product_widget_end(line: str) -> int:
    """Where a shop widget that opens `line` ends (0 where none does)."""
    found = _PRODUCT_WIDGET.match(line)
    return found.end() if found else 0
