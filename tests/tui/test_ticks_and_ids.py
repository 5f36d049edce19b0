"""Read without colour, and by the number the commands take (issue 13 finding 7): an
unticked box is empty where a ticked one shows X, and the meeting's id is on the meeting
list, the timekeeper's header, the end screen and the review. The screen read as text."""

from __future__ import annotations

import datetime as dt

import pytest
from tui_helpers import TODAY, build_app, screen_text, wait_for

from assistant.core.store.store import Store
from assistant.tui.screens.circle_form import CircleFormScreen
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.meetings import MeetingsScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = pytest.mark.tui


async def test_who_is_away_reads_without_colour(store: Store) -> None:
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "3")  # Lena is away
        text = screen_text(app)
        assert "▐X▌ 1  Maya" in text and "▐X▌ 2  Tom" in text and "▐X▌ 4  Sam" in text, text
        assert "▐ ▌ 3  Lena" in text, text
        await pilot.press("3")  # back again
        assert "▐X▌ 3  Lena" in screen_text(app)


async def test_an_unticked_checkbox_is_empty(store: Store) -> None:
    app = build_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, CircleFormScreen)
        lines = screen_text(app).splitlines()
        # Per member: check-in, report-back, contracts, appreciations; challenges is not.
        row = {seg: next(x for x in lines if seg in x)
               for seg in ("Check-in", "Challenges", "Contracts")}
        assert "▐X▌ each member" in row["Check-in"] and "▐X▌ each member" in row["Contracts"]
        assert "▐ ▌ each member" in row["Challenges"], row
        app.screen.query_one("#per-challenges").toggle()
        await pilot.pause()
        challenges = next(x for x in screen_text(app).splitlines() if "Challenges" in x)
        assert "▐X▌ each member" in challenges


async def test_the_meeting_id_is_shown_where_the_commands_need_it(store: Store) -> None:
    circle = store.circle("Demo Circle")
    app = build_app(store, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c")
        assert isinstance(app.screen, TimekeeperScreen)
        mid = app.session.meeting.id
        await pilot.pause(0.1)
        assert f"Demo Circle · meeting {mid}" in screen_text(app).splitlines()[0]
        await pilot.press("e", "y")
        assert isinstance(app.screen, EndScreen)
        end = app.screen
        await wait_for(pilot, lambda: end.done, what="processing")
        assert f"meeting {mid} of {TODAY.isoformat()} ended after" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert f"meeting {mid} of {TODAY.isoformat()}" in screen_text(app)
    earlier = store.meetings(circle)[0]
    assert earlier.date == (TODAY - dt.timedelta(days=14)).isoformat()
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, MeetingsScreen)
        rows = [x for x in screen_text(app).splitlines() if "2026-" in x]
        assert rows[0].split()[1:3] == [str(mid), TODAY.isoformat()], rows
        assert rows[1].split()[1:3] == [str(earlier.id), earlier.date], rows
