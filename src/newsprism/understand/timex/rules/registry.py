"""The rule table: each rule is a pattern, the trigger stems that every match of it contains,
and a handler, all three declared together by the `rule` decorator.

A handler returns a `Hit`, or None when the pattern matched but the context says it is not a
time expression. Python's re cannot scan the case-insensitive, prefix-heavy patterns quickly,
so each rule only runs on short windows around its own trigger stems (searched in the
lower-cased text); most rules never run at all on a given text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsprism.understand.timex.hits import Context, Hit
from newsprism.understand.timex.lexicon import CASELESS, rx

Handler = Callable[[re.Match[str], Context], Hit | None]


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    trigger: re.Pattern[str]
    handler: Handler


RULES: list[Rule] = []


def rule(pattern: str, *, trigger: str, flags: int = CASELESS) -> Callable[[Handler], Handler]:
    """Register the decorated handler for `pattern`, run around each `trigger` stem."""

    def deco(fn: Handler) -> Handler:
        RULES.append(Rule(rx(pattern, flags), rx(trigger, 0), fn))
        return fn

    return deco


def titled(word: str) -> bool:
    """A unit word written "Week" in running text is part of a name, not a time."""
    return word[:1].isupper() and word[1:].islower()
