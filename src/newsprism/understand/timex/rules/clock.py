"""Clock times: "10 p.m.", "5:30 pm EST", "14:00 hours", "noon", "midnight". A clock time
waits for a day: the resolver joins it to a date next to it or to the story's last day."""

from __future__ import annotations

import re

from newsprism.understand.timex.hits import Context, Hit
from newsprism.understand.timex.lexicon import TZ_ALT
from newsprism.understand.timex.rules.registry import rule


@rule(rf"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.\s?m\.?|p\.\s?m\.?|am\b|pm\b"
      rf"|o'clock)(?:\s+(?P<tz>{TZ_ALT}))?|\b(?P<h24>[01]\d|2[0-3]):(?P<mi24>[0-5]\d)"
      rf"(?:\s*(?P<tz2>{TZ_ALT})|(?=\s*(?:hours|hrs)\b))|\b(?P<w>noon|midnight|midday)\b",
      trigger=r"\d\s*[ap]\.?\s?m|o'clock|\d:\d\d|noon|midnight|midday", flags=0)
def clock(m: re.Match[str], ctx: Context) -> Hit | None:
    if m.group("w"):
        w = m.group("w").lower()
        value = "T24:00" if w == "midnight" else "T12:00"
    elif m.group("h24"):
        value = f"T{m.group('h24')}:{m.group('mi24')}"
    else:
        h = int(m.group("h"))
        ap = m.group("ap").lower().replace(" ", "")
        if h > 12 or h == 0 and not ap.startswith("o"):
            return None
        if ap.startswith("p") and h != 12:
            h += 12
        if ap.startswith("a") and h == 12:
            h = 0
        value = f"T{h:02d}:{m.group('mi') or '00'}"
    return Hit(m.start(), m.end(), "", "time", "time", clock=value)
