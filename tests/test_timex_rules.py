"""Per-rule tests of newsprism.understand.timex: each rule family as a reader meets it,
through find_times(text, anchor), with the TimeML value (and interval where it matters)."""

from __future__ import annotations

from datetime import date

import pytest

from newsprism.understand.timex import TimeRef, find_times

MONDAY = date(2019, 10, 14)


def one(text: str, anchor: date | None = MONDAY) -> TimeRef:
    refs = find_times(text, anchor)
    assert len(refs) == 1, refs
    return refs[0]


# --------------------------------------------------------------------------- holidays


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("Families gathered on Christmas Day 2018.", "Christmas Day 2018", "2018-12-25"),
    ("Carols were sung on Christmas Eve 2018.", "Christmas Eve 2018", "2018-12-24"),
    ("Thanksgiving 2019 falls late.", "Thanksgiving 2019", "2019-11-28"),
    ("Thanksgiving 2018 was cold.", "Thanksgiving 2018", "2018-11-22"),
    # Easter and Good Friday come from dateutil.easter
    ("Pilgrims arrived for Easter 2019.", "Easter 2019", "2019-04-21"),
    ("The attack came on Easter Sunday 2019.", "Easter Sunday 2019", "2019-04-21"),
    ("Easter 2024 is unusually early.", "Easter 2024", "2024-03-31"),
    ("Good Friday 2019 processions were cancelled.", "Good Friday 2019", "2019-04-19"),
    # n-th weekdays come from dateutil.relativedelta
    ("The strike began on Labor Day 2019.", "Labor Day 2019", "2019-09-02"),
    ("Memorial Day 2019 ceremonies drew crowds.", "Memorial Day 2019", "2019-05-27"),
    ("Election Day 2020 drew long queues.", "Election Day 2020", "2020-11-03"),
    ("Independence Day 2019 fireworks were cancelled.", "Independence Day 2019", "2019-07-04"),
    ("Halloween 2019 parties were banned.", "Halloween 2019", "2019-10-31"),
])
def test_holiday_with_year(text: str, phrase: str, value: str) -> None:
    ref = one(text)
    assert (ref.text, ref.value, ref.granularity, ref.anchor) == (phrase, value, "day", None)
    assert ref.first == ref.last == date.fromisoformat(value)


def test_holiday_without_year_takes_the_nearest_occurrence() -> None:
    ref = one("Stores will close on Christmas.")
    assert (ref.value, ref.anchor) == ("2019-12-25", "2019-10-14")
    assert one("Shoppers will crowd the malls on Thanksgiving.").value == "2019-11-28"
    assert one("Voters will go to the polls on Election Day.").value == "2019-11-05"


def test_holiday_without_year_follows_the_tense() -> None:
    # Labor Day 2019 is six weeks before the anchor: the past one.
    assert one("Labor Day parades were held, the mayor said.").value == "2019-09-02"
    # Good Friday 2019 (19 April) is half a year away in either direction: the verb decides.
    assert one("The store closed on Good Friday, the owner said.").value == "2019-04-19"
    assert one("The store will close on Good Friday.").value == "2020-04-10"


def test_holiday_without_anchor_keeps_an_unresolved_day() -> None:
    assert one("Stores will close on Christmas.", None).value == "XXXX-XX-XX"


# --------------------------------------------------------------------------- fiscal quarters


@pytest.mark.parametrize(("text", "phrase", "value", "first", "last"), [
    ("The company reported third-quarter results.", "third-quarter", "2019-Q3",
     "2019-07-01", "2019-09-30"),
    ("Profit fell in the fourth quarter of 2018.", "the fourth quarter of 2018", "2018-Q4",
     "2018-10-01", "2018-12-31"),
    ("Q3 2019 revenue beat forecasts.", "Q3 2019", "2019-Q3", "2019-07-01", "2019-09-30"),
    ("Sales rose in 2018 Q4.", "2018 Q4", "2018-Q4", "2018-10-01", "2018-12-31"),
    ("H1 2020 guidance was cut.", "H1 2020", "2020-H1", "2020-01-01", "2020-06-30"),
    ("Sales fell in the first half of 2019.", "the first half of 2019", "2019-H1",
     "2019-01-01", "2019-06-30"),
    ("Revenue for fiscal 2020 was flat.", "fiscal 2020", "2020", "2020-01-01", "2020-12-31"),
    ("Sales in fiscal year '98 rose.", "fiscal year '98", "1998", "1998-01-01", "1998-12-31"),
    ("Shares fell after the latest quarter.", "the latest quarter", "2019-Q3", "2019-07-01",
     "2019-09-30"),
])
def test_quarters_halves_and_fiscal_years(text: str, phrase: str, value: str, first: str,
                                          last: str) -> None:
    ref = one(text)
    assert (ref.text, ref.value) == (phrase, value)
    assert (ref.first, ref.last) == (date.fromisoformat(first), date.fromisoformat(last))


def test_year_earlier_quarter_in_an_earnings_story() -> None:
    # The quarter reported on in October is Q3; the year-earlier one is Q3 2018.
    ref = one("Earnings per share in the year-earlier quarter were 40 cents.")
    assert (ref.text, ref.value) == ("the year-earlier quarter", "2018-Q3")


def test_past_tense_quarter_not_yet_begun_is_last_years() -> None:
    august = date(2019, 8, 1)
    assert one("The company said fourth-quarter sales rose.", august).value == "2018-Q4"
    assert one("The company expects fourth-quarter sales to rise.", august).value == "2019-Q4"


# --------------------------------------------------------------------------- spoken years


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("It was built in nineteen ninety-eight.", "nineteen ninety-eight", "1998"),
    ("It was built in nineteen ninety eight.", "nineteen ninety eight", "1998"),
    ("The plan runs until twenty twenty.", "twenty twenty", "2020"),
    ("He was born in nineteen oh five.", "nineteen oh five", "1905"),
    ("The year two thousand brought fears.", "The year two thousand", "2000"),
    ("Elections were held in twenty nineteen.", "twenty nineteen", "2019"),
])
def test_spoken_years(text: str, phrase: str, value: str) -> None:
    ref = one(text)
    assert (ref.text, ref.value, ref.granularity, ref.anchor) == (phrase, value, "year", None)


def test_spoken_small_numbers_are_not_years() -> None:
    assert find_times("In nineteen five people came.", MONDAY) == []


# --------------------------------------------------------------------------- centuries


@pytest.mark.parametrize(("text", "phrase", "value", "first", "last"), [
    ("Cities grew in the 19th century.", "the 19th century", "18", "1800-01-01", "1899-12-31"),
    ("Life in the nineteenth century was hard.", "the nineteenth century", "18", "1800-01-01",
     "1899-12-31"),
    ("The challenges of the twenty-first century.", "the twenty-first century", "20",
     "2000-01-01", "2099-12-31"),
    ("A century ago the city burned.", "A century ago", "19", "1900-01-01", "1999-12-31"),
])
def test_centuries(text: str, phrase: str, value: str, first: str, last: str) -> None:
    ref = one(text)
    assert (ref.text, ref.value, ref.granularity) == (phrase, value, "century")
    assert (ref.first, ref.last) == (date.fromisoformat(first), date.fromisoformat(last))


# --------------------------------------------------------------------------- decades


@pytest.mark.parametrize(("text", "phrase", "value", "mod"), [
    ("Music of the 1990s is back.", "the 1990s", "199", None),
    ("Prices soared in the late 1970s.", "the late 1970s", "197", "END"),
    ("Growth slowed in the early 2000s.", "the early 2000s", "200", "START"),
    ("Fashion of the '60s returned.", "the '60s", "196", None),
    ("The seventies were turbulent.", "The seventies", "197", None),
    ("Prices doubled this decade.", "this decade", "201", None),
    ("Growth slowed last decade.", "last decade", "200", None),
    ("Prices will rise next decade.", "next decade", "202", None),
])
def test_decades(text: str, phrase: str, value: str, mod: str | None) -> None:
    ref = one(text)
    assert (ref.text, ref.value, ref.granularity, ref.mod) == (phrase, value, "decade", mod)


def test_an_age_is_not_a_decade() -> None:
    assert find_times("She is in her sixties.", MONDAY) == []


def test_decades_ago_is_a_year_but_a_named_decade_is_a_decade() -> None:
    # One dispatch, two readings: a distance of ten years lands in a year (as TimeBank
    # annotates "a decade ago"), a named decade is the calendar decade.
    ref = one("The town was rebuilt a decade ago.")
    assert (ref.value, ref.granularity) == ("2009", "year")
    assert one("The town was rebuilt two decades ago.").value == "1999"
    ref = one("Growth slowed last decade.")
    assert (ref.value, ref.granularity) == ("200", "decade")


def test_the_past_decade_is_a_duration() -> None:
    ref = one("Growth over the past decade was slow.")
    assert (ref.text, ref.value, ref.kind) == ("the past decade", "P10Y", "duration")


def test_narrative_decade_counts_from_the_story() -> None:
    refs = find_times("Unemployment fell in 2009. The following decade brought peace.", MONDAY)
    assert [(r.text, r.value) for r in refs] == [("2009", "2009"),
                                                 ("The following decade", "201")]


# --------------------------------------------------------------------------- weekends


def test_the_weekend_said_on_a_monday_is_the_one_just_gone() -> None:
    ref = one("Protests continued over the weekend.")
    assert (ref.text, ref.value, ref.granularity) == ("the weekend", "2019-W41-WE", "weekend")
    assert (ref.first, ref.last) == (date(2019, 10, 12), date(2019, 10, 13))


def test_last_next_and_this_weekend() -> None:
    assert one("Protests continued last weekend.").value == "2019-W41-WE"
    ref = one("Talks will resume next weekend.")
    assert (ref.value, ref.first, ref.last) == ("2019-W42-WE", date(2019, 10, 19),
                                                date(2019, 10, 20))
    assert one("They will meet this weekend.").value == "2019-W42-WE"


def test_the_weekend_said_on_a_friday_is_the_coming_one() -> None:
    assert one("Talks will resume over the weekend.", date(2019, 10, 11)).value == "2019-W41-WE"


def test_weekend_durations_and_sets() -> None:
    ref = one("He served for three weekends.")
    assert (ref.value, ref.kind) == ("P6D", "duration")
    ref = one("The program ran every weekend.")
    assert (ref.value, ref.kind) == ("P2D", "set")


def test_weekend_without_anchor() -> None:
    assert one("He was sworn in during the weekend.", None).value == "XXXX-WXX-WE"


# --------------------------------------------------------------------------- word numbers


@pytest.mark.parametrize(("text", "value"), [
    ("The siege lasted twenty-five days.", "P25D"),
    ("The siege lasted two and a half years.", "P2Y6M"),
    ("The siege lasted a couple of months.", "P2M"),
    ("The siege lasted several weeks.", "PXW"),
    ("The siege lasted ninety-nine years.", "P99Y"),
])
def test_durations_read_word_numbers(text: str, value: str) -> None:
    assert one(text).value == value


# --------------------------------------------------------------------------- calendar edges


def test_date_arithmetic_off_the_calendar_drops_the_hit() -> None:
    refs = find_times("Talks resume next weekend.", date(9999, 12, 31))
    assert refs == []
