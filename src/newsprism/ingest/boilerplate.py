"""Lines that are page furniture, not reporting: newsletter boxes, comment widgets, share
buttons, copyright and source footers. Each pattern must match a whole line (case-folded,
whitespace collapsed) so that a sentence merely mentioning a newsletter stays."""

from __future__ import annotations

import re
import unicodedata

MAX_BOILERPLATE_CHARS = 200
_NETWORKS = "(facebook|twitter|x|whatsapp|telegram|linkedin|reddit|email|vk)"

# The lines that close a poll box (_BLOCKS), boilerplate wherever they stand.
_POLL_CLOSES = (
    r"you (also )?agree to (this|our) site's privacy policy( and terms of (use|service))?\.?",
    r"you may opt out at any ?time\.?",
    r"completing this poll (grants you access|entitles you) to .*",
)
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
    # embedded media players: "Out of media player. Press enter to return or tab to continue."
    # (the same words in two BBC pages on unrelated stories were one "corroborated" claim)
    r"(out of media player\.? )?press enter to return or tab to continue\.?",
    r"media playback is (unsupported|not supported) on your device\.?",
    # form widgets: "Email This field is for validation purposes and should be left unchanged."
    r".*this field is for validation purposes and should be left unchanged\.?",
    r"(©|\(c\)|copyright) .*",
    r".*all rights reserved\.?",
    r"(advertisement|sponsored( content)?|ad|scroll to continue)",
    r"(we use cookies|this (web)?site uses cookies).*",
    # a poll box's small print, wherever its box was cut (the whole box: _BLOCKS below)
    *_POLL_CLOSES,
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


# Widgets of several lines, from the line that opens one to the last line that closes it, a few
# lines on. A poll box ran through 54 of the 296 PTC articles ("take our poll - story continues
# below", its question three times, its answers, "You also agree to this site's Privacy Policy
# and Terms of Use."): the answers "Dianne Feinstein Maxine Waters Adam Schiff ..." made eight
# politicians actors of every article that carried it, and "Will Brett" one more.
_BLOCKS = [
    (re.compile(r"(\S+ )?take our poll( ?[-–—] ?story continues below)?( .{0,200})?"),
     re.compile("|".join(f"(?:{p})" for p in _POLL_CLOSES))),
]  # fmt: skip
BLOCK_LINES = 12  # how far a widget's closing line may come after its opening one


def widget_block_end(lines: list[str], first: int) -> int:
    """The index of the last line of a widget block opened by `lines[first]`, or -1 where that
    line opens none. Without a closing line in reach, the block is its opening line alone."""
    folded = fold_line(lines[first])
    for opener, closer in _BLOCKS:
        if opener.fullmatch(folded):
            last = first
            for i in range(first + 1, min(len(lines), first + 1 + BLOCK_LINES)):
                if closer.fullmatch(fold_line(lines[i])):
                    last = i
            return last
    return -1
