"""Due dates said out loud, always resolved forward from the meeting date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.drafting import dates

FAST = settings(max_examples=200, deadline=None, database=None)
TUE = dt.date(2024, 3, 12)  # a Tuesday


def due(text: str, meeting: dt.date = TUE) -> dt.date | None:
    return dates.find_due(f"I will send it {text}.", meeting)


@pytest.mark.parametrize("text, expected", [
    ("by Friday", dt.date(2024, 3, 15)),
    ("by this Friday", dt.date(2024, 3, 15)),
    ("before Monday", dt.date(2024, 3, 18)),
    ("by Tuesday", dt.date(2024, 3, 19)),  # said on a Tuesday: a week ahead, never today
    ("by next Tuesday", dt.date(2024, 3, 19)),
    ("by next Friday", dt.date(2024, 3, 22)),
    ("by March 20", dt.date(2024, 3, 20)),
    ("by March 20th", dt.date(2024, 3, 20)),
    ("by Mar. 20", dt.date(2024, 3, 20)),
    ("by March the twentieth", dt.date(2024, 3, 20)),
    ("by March 5", dt.date(2025, 3, 5)),  # already past this year: next year
    ("by Feb 10", dt.date(2025, 2, 10)),
    ("until April 2", dt.date(2024, 4, 2)),
    ("by the twentieth", dt.date(2024, 3, 20)),
    ("by the thirty-first", dt.date(2024, 3, 31)),
    ("by the twentieth of March", dt.date(2024, 3, 20)),
    ("by the fifth", dt.date(2024, 4, 5)),  # the 5th said on the 12th: next month
    ("by the twelfth", dt.date(2024, 4, 12)),  # today's date means next month
    ("by the end of the week", dt.date(2024, 3, 15)),
    ("this week", dt.date(2024, 3, 15)),
    ("BY FRIDAY", dt.date(2024, 3, 15)),
])
def test_explicit_dates(text: str, expected: dt.date) -> None:
    assert due(text) == expected


@pytest.mark.parametrize("text", [
    "soon", "by the next meeting", "in two weeks", "tomorrow", "by April 31",
    "by the 99th", "on Fridays I swim", "", "March 20",
])
def test_no_explicit_date_means_none(text: str) -> None:
    assert due(text) is None


def test_impossible_days_give_none_not_a_crash() -> None:
    assert dates.find_due("by February 29", dt.date(2024, 3, 1)) is None  # 2025 has none
    assert dates.find_due("by February 29", dt.date(2024, 1, 10)) == dt.date(2024, 2, 29)
    assert dates.find_due("by the thirtieth", dt.date(2024, 1, 31)) is None  # no Feb 30


def test_year_end_rolls_over() -> None:
    assert dates.find_due("by the fifth", dt.date(2024, 12, 20)) == dt.date(2025, 1, 5)
    assert dates.find_due("by January 3", dt.date(2024, 12, 20)) == dt.date(2025, 1, 3)
    assert dates.find_due("by Monday", dt.date(2024, 12, 31)) == dt.date(2025, 1, 6)


def test_first_date_form_found_wins() -> None:
    assert dates.find_due("by March 20 or by Friday", TUE) == dt.date(2024, 3, 20)


@pytest.mark.parametrize("text, expected", [
    ("by the 20th", dt.date(2024, 3, 20)),
    ("due the 15th", dt.date(2024, 3, 15)),
    ("by the 3rd", dt.date(2024, 4, 3)),
    ("by the 20th of February", dt.date(2025, 2, 20)),
    ("by the twentieth of February", dt.date(2025, 2, 20)),
    ("by the fifth of march", dt.date(2025, 3, 5)),
    # A day of the month, not the coming Friday (15th); but a Friday: the one nearest the
    # 20th, as no 20th soon is a Friday (issue 13: "Friday the 13th" became a Sunday).
    ("by Friday the twentieth", dt.date(2024, 3, 22)),
])
def test_day_of_month_forms(text: str, expected: dt.date) -> None:
    assert due(text) == expected


meeting_dates = st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31))
phrases = st.one_of(
    st.tuples(st.sampled_from(["by", "on", "before", "until", "due"]),
              st.sampled_from(dates.WEEKDAYS + ["next friday", "this monday"])).map(" ".join),
    st.tuples(st.sampled_from(["by", "until"]), st.sampled_from(dates.MONTHS + ["sept", "feb"]),
              st.integers(0, 40).map(str) | st.sampled_from(list(dates.ORDINALS))).map(" ".join),
    st.sampled_from(list(dates.ORDINALS)).map(lambda o: f"by the {o}"),
    st.sampled_from(["this week", "by the end of the week", "soon", ""]),
)


@FAST
@given(phrases, meeting_dates)
def test_due_is_never_before_the_meeting(phrase: str, meeting: dt.date) -> None:
    got = dates.find_due(f"I will do it {phrase}.", meeting)
    if got is not None:
        assert got >= meeting
        assert got <= meeting + dt.timedelta(days=366)


@FAST
@given(st.text(max_size=60), meeting_dates)
def test_due_on_any_text_is_none_or_forward(text: str, meeting: dt.date) -> None:
    got = dates.find_due(text, meeting)
    assert got is None or got >= meeting


@FAST
@given(st.integers(1, 31), st.sampled_from(["", " of May", " of december"]), meeting_dates)
def test_numeric_day_of_month_never_raises(day: int, month: str, meeting: dt.date) -> None:
    got = dates.find_due(f"by the {day}th{month}", meeting)
    assert got is None or got >= meeting


def test_by_misheard_as_i_before_a_date() -> None:
    # Small Whisper models hear "by" as "I"; before a date it can only have been "by".
    assert dates.fix_misheard_by("update my statement, I Friday the 13th") == (
        "update my statement by Friday the 13th")
    assert dates.find_due("I will update my statement I March 20.", TUE) == dt.date(2024, 3, 20)
    assert dates.fix_misheard_by("I think it went well") == "I think it went well"


@pytest.mark.parametrize(("said_on", "due"), [
    ("2026-03-05", "2026-03-13"),  # this month's 13th is a Friday
    ("2026-01-20", "2026-02-13"),  # the next 13th is a Friday
    ("2026-12-01", "2026-12-11"),  # no Friday 13th soon: the Friday nearest the 13th
    ("2026-12-12", "2026-12-18"),  # ...and never a day already past
])
def test_friday_the_13th_is_a_friday(said_on: str, due: str) -> None:
    meeting = dt.date.fromisoformat(said_on)
    for text in ("I will update my statement by Friday the 13th.",
                 "I will update my statement by Friday the thirteenth."):
        got = dates.find_due(text, meeting)
        assert got == dt.date.fromisoformat(due) and got.strftime("%A") == "Friday"


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
       st.integers(0, 6), st.integers(1, 31))
@settings(max_examples=200)
def test_a_weekday_with_a_day_of_the_month_is_always_that_weekday(
        meeting: dt.date, weekday: int, day: int) -> None:
    got = dates.find_due(f"by {dates.WEEKDAYS[weekday]} the {day}th", meeting)
    assert got is not None and got > meeting and got.weekday() == weekday
    assert got - meeting <= dt.timedelta(days=100)
