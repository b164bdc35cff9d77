"""Word lists and regex pieces shared by the time-expression rules.

Everything here is data: month, weekday, number and unit words with their codes, and the
alternations the rules splice into their patterns. No function here reads a text.
"""

from __future__ import annotations

import re

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "sunday": 7,
}
SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
UNIT_CODE = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
    "weekend": "WE", "fortnight": "W", "month": "M", "quarter": "Q", "year": "Y",
    "decade": "DE", "century": "CE", "millennium": "ML",
}
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                "seventies": 7, "eighties": 8, "nineties": 9}
# Ordinal words of a quarter or half: "the final quarter", "the latter half".
QUARTER_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "1st": 1,
                    "2nd": 2, "3rd": 3, "4th": 4, "last": 2, "latter": 2}
DEICTIC_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                "the day after tomorrow": 2, "tonight": 0}
SET_WORDS = {"daily": ("P1D", "day"), "weekly": ("P1W", "week"), "monthly": ("P1M", "month"),
             "annually": ("P1Y", "year"), "yearly": ("P1Y", "year"), "hourly": ("PT1H", "hour"),
             "nightly": ("P1D", "day"), "quarterly": ("P3M", "quarter"),
             "biweekly": ("P2W", "week"), "semiannually": ("P6M", "month")}

MONTH_ALT = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
    r"(?![A-Za-z])"
)
WEEKDAY_ALT = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
ORD_ALT = "|".join(sorted(ORDINALS, key=len, reverse=True))
DAY_ALT = (
    r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)"
    r"|(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    rf"|(?:{ORD_ALT})"
)
YEAR_ALT = r"(?:1[6-9]\d\d|20\d\d)(?![\d])"
WORDNUM_ALT = (
    rf"(?:(?:{'|'.join(TENS)})(?:[\s-](?:{'|'.join(SMALL)}))?"
    rf"|{'|'.join(sorted(SMALL, key=len, reverse=True))})"
)
NUM_ALT = (
    r"(?:\d+(?:\.\d+)?(?:\s+1/2)?|" + WORDNUM_ALT + r"(?:\s+and\s+a\s+half)?"
    r"|a\s+hundred|a\s+thousand|hundreds\s+of|thousands\s+of|a\s+couple\s+of|a\s+couple"
    r"|couple\s+of|a\s+few|a\s+half|half\s+an?|an?|few|several|some|many|numerous)"
)
UNIT_ALT = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weekends?|weeks?|fortnights?|months?|quarters?"
    r"|years?|decades?|century|centuries|millennium|millennia)"
)
TZ_ALT = r"(?:[ECMP][SD]T|GMT|UTC|BST|CET|CEST)"

# Trigger stems (searched in lower-cased text) shared by several rules.
UNIT_STEMS = (
    r"\b(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur|millenni)"
)
MONTH_STEMS = r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"

CASELESS = re.IGNORECASE


def rx(pattern: str, flags: int = CASELESS) -> re.Pattern[str]:
    """Compile once; case-insensitive unless told otherwise."""
    return re.compile(pattern, flags)
