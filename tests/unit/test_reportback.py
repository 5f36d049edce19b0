"""Report-back status suggestions from what a member said about last time's items."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.drafting import reportback
from assistant.core.drafting.reportback import Suggestion

FAST = settings(max_examples=100, deadline=None, database=None)
REVIEW = (1, "Finish the literature review")
EMAIL = (2, "Email the committee about the defense date")


def status(text: str, items: list[tuple[int, str]] | None = None) -> list[str | None]:
    return [s.status for s in reportback.suggest(text, items or [REVIEW])]


@pytest.mark.parametrize("text, expected", [
    ("I finished the literature review.", "done"),
    ("The literature review is done.", "done"),
    ("I submitted the review on Monday.", "done"),
    ("I finished part of the review.", "partial"),
    ("I finished most of the review.", "partial"),
    ("The review is partly done.", "partial"),
    ("I did not finish the review.", "not_done"),
    ("Unfortunately I didn't get to the review.", "not_done"),
    ("I had no time for the review.", "not_done"),
    ("I dropped the review, it is no longer needed.", "dropped"),
    ("I gave up on the review.", "dropped"),
    ("I'm still working on the review.", "carried_over"),
    ("I am carrying it over.", "carried_over"),
    ("Done.", "done"),
    ("Nothing much happened this week.", None),
    ("", None),
])
def test_status_of_a_single_item(text: str, expected: str | None) -> None:
    assert status(text) == [expected]


def test_each_item_takes_the_clause_that_names_it() -> None:
    got = reportback.suggest("I finished the literature review, but I did not email the "
                             "committee.", [REVIEW, EMAIL])
    assert got == [Suggestion(1, "done", "I finished the literature review"),
                   Suggestion(2, "not_done", "I did not email the committee")]


def test_restatement_of_the_old_contract_is_not_an_outcome() -> None:
    text = ("My contract was to finish the literature review. I partly did the review. "
            "The committee email, I dropped that.")
    assert status(text, [REVIEW, EMAIL]) == ["partial", "dropped"]
    # The restatement alone decides nothing, even though it contains "finish".
    assert status("My contract was to finish the literature review.") == [None]


def test_cue_in_a_clause_naming_nothing_joins_the_previous_clause() -> None:
    got = reportback.suggest("I wrote one page of the review, so that is partly done.", [REVIEW])
    assert got[0].status == "partial"
    assert "one page" in got[0].quote and "partly done" in got[0].quote


def test_one_cue_for_several_items_applies_to_all() -> None:
    assert status("All done.", [REVIEW, EMAIL]) == ["done", "done"]


def test_unnamed_items_stay_undecided_when_several_cues_exist() -> None:
    third = (3, "Book the lab for the pilot")
    got = status("I finished the literature review. I did not email the committee.",
                 [REVIEW, EMAIL, third])
    assert got == ["done", "not_done", None]


def test_no_items_no_suggestions() -> None:
    assert reportback.suggest("I did everything.", []) == []


def test_quote_is_what_was_said() -> None:
    text = "Well. I finished the literature review yesterday!"
    got = reportback.suggest(text, [REVIEW])[0]
    assert got.quote in text


@pytest.mark.parametrize("text", [
    "I haven't started the literature review.",
    "I have not started the review yet.",
    "I never started the review.",
])
def test_not_started_is_not_done(text: str) -> None:
    assert status(text) == ["not_done"]


@FAST
@given(st.text(max_size=120),
       st.lists(st.tuples(st.integers(1, 99), st.text(max_size=30)), max_size=4,
                unique_by=lambda t: t[0]))
def test_suggest_never_raises_and_covers_every_item(text: str,
                                                    items: list[tuple[int, str]]) -> None:
    got = reportback.suggest(text, items)
    assert [s.item_id for s in got] == [i for i, _ in items]
    for s in got:
        assert s.status in (None, "done", "partial", "not_done", "dropped", "carried_over")
        assert (s.status is None) == (s.quote == "")


# --- outcomes read from meaning, not a cue list (issue 12, class 2) --------------------

SURVEY = (5, "Run the survey with the ten participants")
CHAPTERS = (6, "Read chapters three and four")


@pytest.mark.parametrize("text, item, expected", [
    ("I ran the survey with all ten people, so that one is complete.", SURVEY, "done"),
    ("I read both chapters and made notes on each.", CHAPTERS, "done"),
    ("i read both chapters and made notes on each", CHAPTERS, "done"),
    ("The survey? Wrapped up on Thursday.", SURVEY, "done"),
    ("I booked the participants and ran every session.", SURVEY, "done"),
    ("Not finished, I got stuck on one section.", CHAPTERS, "not_done"),
    ("I haven't even opened the chapters.", CHAPTERS, "not_done"),
    ("Nothing happened with the survey, it slipped.", SURVEY, "not_done"),
    ("i was stuck all fortnight on a grant so no", SURVEY, "not_done"),
    ("I did the first part but have not touched the second, so partially.", CHAPTERS,
     "partial"),
    ("I read chapter three but not chapter four.", CHAPTERS, "partial"),
    ("I got through six of the ten interviews.", SURVEY, "partial"),
    ("Almost there with the survey, two people left.", SURVEY, "partial"),
    ("I decided not to do it after all, I'm dropping that one.", SURVEY, "dropped"),
    ("We scrapped the survey, the ethics board said no.", SURVEY, "dropped"),
    ("I'm taking the chapters off my list, not worth it now.", CHAPTERS, "dropped"),
    ("The survey is still going on, I'll keep it for next time.", SURVEY, "carried_over"),
    ("I tried to read the chapters.", CHAPTERS, None),
    ("I wanted to run the survey.", SURVEY, None),
])
def test_outcomes_are_read_from_meaning(text: str, item: tuple[int, str],
                                        expected: str | None) -> None:
    assert status(text, [item]) == [expected]


@pytest.mark.parametrize("text", [
    "My contract was to run the survey. I got answers from all ten, so that one is complete. "
    "The chapters, I never got to them.",
    "my contract was to run the survey i got answers from all ten that one is complete "
    "i never got to the chapters",
    "First the survey: done, all ten. And the reading, no, I did not manage it.",
])
def test_each_outcome_goes_to_the_item_being_talked_about(text: str) -> None:
    assert status(text, [SURVEY, CHAPTERS]) == ["done", "not_done"]


@pytest.mark.parametrize("text", [
    "last time i said i would run the survey that one is done",
    "i was supposed to run the survey i did it last week",
    "my contract was to run the survey and i finished it",
])
def test_run_on_restatement_then_outcome(text: str) -> None:
    assert status(text, [SURVEY]) == ["done"]


def test_every_item_gets_a_suggestion_even_when_undecided() -> None:
    got = reportback.suggest("I read the chapters.", [SURVEY, CHAPTERS])
    assert [(s.item_id, s.status) for s in got] == [(5, None), (6, "done")]


@pytest.mark.parametrize("text, item, expected", [
    ("I'm carrying the survey with the participants over to the next round.", SURVEY,
     "carried_over"),
    ("The chapters are off the table, the course changed.", CHAPTERS, "dropped"),
    ("I did not do the survey and I won't, I'm letting it go.", SURVEY, "dropped"),
    ("I won't be doing the survey anymore, we cancelled it.", SURVEY, "dropped"),
    ("I got through about a third of the chapters before the week ran out.", CHAPTERS,
     "partial"),
    ("The survey sat on my desk untouched.", SURVEY, "not_done"),
    ("I started to think about the survey but did not actually do any of it.", SURVEY,
     "not_done"),
    ("All ten surveys are collected and filed.", SURVEY, "done"),
    ("The survey? All of it, every bit, last week.", SURVEY, "done"),
    ("I wasn't here last time. It was not easy, but I did finish the chapters.", CHAPTERS,
     "done"),
    ("I didn't think I would manage, but the survey is done.", SURVEY, "done"),
    ("The participants cancelled twice, so no survey yet.", SURVEY, "not_done"),
])
def test_more_outcomes_from_meaning(text: str, item: tuple[int, str],
                                    expected: str | None) -> None:
    assert status(text, [item]) == [expected]


def test_a_bare_verdict_goes_with_the_item_named_next() -> None:
    assert status("The chapters, partially. I started but didn't finish. Done. I ran the survey "
                  "with everyone.", [CHAPTERS, SURVEY]) == ["partial", "done"]


def test_numbers_do_not_name_an_item() -> None:
    two = (7, "Read two papers on grain boundaries")
    assert status("I gave up on the grain boundary papers. I'm carrying the survey over to the "
                  "next two weeks.", [two, SURVEY]) == ["dropped", "carried_over"]


def test_a_missed_meeting_is_not_an_outcome() -> None:
    assert status("I missed the last meeting, so this is about the chapters. Not done. I never "
                  "started the chapters.", [CHAPTERS]) == ["not_done"]


@pytest.mark.parametrize("text, expected", [
    # "off" heard as "of": after "is" only the idiom reads that way
    ("The literature review is of the table, the project changed direction.", "dropped"),
    ("The review is now of my plate.", "dropped"),
    # the verb misheard, the rest still says it moves on to the next round
    ("I'm coming the literature review over to the next two weeks.", "carried_over"),
])
def test_outcomes_heard_with_one_word_wrong(text: str, expected: str) -> None:
    assert status(text) == [expected]


def test_a_table_is_not_a_decision() -> None:
    assert status("I put the review summary in one of the table's rows.") != ["dropped"]
