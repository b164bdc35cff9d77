"""Time expressions in news text, normalized to TimeML TIMEX3 values and calendar intervals.

Rule based on purpose: it runs on every article next to a spaCy parse and must stay a small
fraction of it, so every pattern is compiled once and each rule runs only on short windows
around its trigger stems.

dateparser is deliberately not used to resolve anything here. It resolves a bare weekday to the
coming one whatever the verb says ("On Sunday, X said" lands a week late), gives "October 10"
the current year of the machine's clock rather than of the article, and has no notion of
TimeML granularity (a month stays a month, a week is 2019-W41). The calendar arithmetic needed
is small (calendar.py, on dateutil for Easter and n-th weekdays).

How relative expressions are anchored:
- deictic ones ("yesterday", "last week", "two days ago") count from `anchor`, normally the
  publication date;
- a weekday or a date without a year takes the occurrence that the verb next to it points at
  (tense.py): a past-tense clause ("On Sunday, X said") takes the one before the anchor, a
  future one ("will meet on Sunday") the one after, and with no cue the occurrence nearest
  the anchor;
- narrative ones ("the next day", "that year", a bare "10 p.m.") count from the last date the
  text itself mentioned before them, falling back to the anchor (resolve.py).
Without an anchor, absolute expressions still resolve and relative ones keep an X-value
("XXXX-10-09", "XXXX-WXX-7") so a caller can infer a publication date and run again.

Layout: lexicon (words and regex pieces), calendar (date arithmetic), tense (verb cues),
values (counts and TimeML durations), hits (TimeRef, the working Hit, unit constructors),
rules/ (one module per family, each rule declaring pattern and trigger in its decorator),
modifiers ("early", "about"...), resolve (overlaps, clock joining, narrative resolution).
"""

from newsprism.understand.timex.hits import TimeRef
from newsprism.understand.timex.resolve import find_times
from newsprism.understand.timex.tense import tense_at

__all__ = ["TimeRef", "find_times", "tense_at"]
