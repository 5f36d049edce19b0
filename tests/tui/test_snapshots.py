"""Snapshots of every screen at 80x24 and 120x40, with the clock and the date frozen.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import TODAY, FakeClock, Sources, build_app

from assistant.core.store.store import Store
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.goals import GoalsScreen
from assistant.tui.screens.meetings import MeetingsScreen
from assistant.tui.screens.recap import RecapScreen
from assistant.tui.screens.review import ReviewScreen

pytestmark = pytest.mark.tui

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def finished_meeting(store: Store) -> int:
    """Today's meeting, ended and drafted, with a mix of approved and draft items."""
    circle = store.circle("Demo Circle")
    maya, tom, lena, sam = store.members(circle)
    m = store.create_meeting(circle, TODAY.isoformat(),
                             (TODAY + dt.timedelta(days=14)).isoformat(), "live", "drafted")
    store.set_attendance(m.id, {maya.id: True, tom.id: True, lena.id: False, sam.id: True})
    store.set_meeting_status(m.id, "drafted", 2712.0)
    t = 0.0
    for seg, secs in (("check_in", 60), ("report_back", 90), ("contracts", 90)):
        for who in (maya, tom, sam):
            store.add_turns(m.id, [(who.id, seg, t, t + secs)])
            t += secs
    prev = {i.member_id: i for i in store.items(store.previous_meeting(circle, m.date,
                                                                       exclude=m.id).id)}
    store.set_report_back(m.id, prev[maya.id].id, "done", confirmed=True)
    store.set_report_back(m.id, prev[tom.id].id, "partial", confirmed=True)
    store.set_report_back(m.id, prev[sam.id].id, "done", confirmed=False)
    store.add_item(m.id, maya.id, "Send the survey to ten students in the pilot by March 20",
                   due="2026-03-20", quote="I will send the survey to ten students in the "
                   "pilot by March 20.", origin="rule")
    store.add_item(m.id, tom.id, "Email two more labs", due="2026-03-19",
                   quote="I will email two more labs", origin="llm", status="approved")
    store.add_item(m.id, tom.id, "Update my teaching statement by Friday the thirteenth",
                   due="2026-03-13", quote="I will update my teaching statement by Friday "
                   "the thirteenth.", origin="rule")
    store.add_item(m.id, sam.id, "Book my flights for the conference", due="2026-03-19",
                   tentative=True, quote="My contract is to book my flights.", origin="rule")
    return m.id


async def settle(pilot: Pilot[None]) -> None:
    """Workers done, a timer tick drawn, no blinking cursor, no toasts that may time out."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    for i in pilot.app.screen.query(Input):
        i.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, store, size) -> None:
    assert snap_compare(build_app(store), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_home_empty(snap_compare, tmp_path, size) -> None:
    store = Store(tmp_path / "empty.sqlite3")
    assert snap_compare(build_app(store), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_circle_form_new(snap_compare, store, size) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("n")
        await pilot.press(*"Postdocs", "tab", *"Ana, Ben, Cai, Dee, Eli")
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_circle_form_edit(snap_compare, store, size) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_attendance(snap_compare, store, size) -> None:
    assert snap_compare(build_app(store), terminal_size=size, press=["s", "3"])


@pytest.mark.parametrize("size", SIZES)
def test_consent(snap_compare, store, size) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "1", "2", "r")  # r is refused: two have not consented
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_timekeeper_check_in(snap_compare, store, size) -> None:
    clock = FakeClock()

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "k")
        clock.advance(25)
        await pilot.press("n")
        clock.advance(20)
        await settle(pilot)

    assert snap_compare(build_app(store, clock=clock), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_timekeeper_report_back_amber(snap_compare, store, size) -> None:
    clock = FakeClock()

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "k")
        clock.advance(50)
        await pilot.press("n", "n", "n", "n")  # report-back: Maya
        clock.advance(40)
        await pilot.press("d", "n")  # Maya done; Tom
        clock.advance(45)  # Tom's last minute: amber
        await settle(pilot)

    assert snap_compare(build_app(store, clock=clock), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_timekeeper_challenges_red_off_record(snap_compare, store, size) -> None:
    """Recording (silence), open discussion overrunning, then off the record."""
    clock = FakeClock()
    sources = Sources(np.zeros(16000 * 120, np.float32))

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        for _ in range(8):
            clock.advance(30)
            await pilot.press("n")
        await pilot.press("2")
        clock.advance(600)
        await pilot.press("3")
        clock.advance(1000)  # 25 planned minutes, 26:40 used: red
        await pilot.press("o")
        await settle(pilot)

    app = build_app(store, clock=clock, source=sources)
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_timekeeper_live_transcript(snap_compare, store, size) -> None:
    """The live transcript pane shows what the worker delivered, attributed to the turn."""
    from assistant.core.speech.types import SpeechSegment
    from assistant.tui.messages import SegmentTranscribed

    clock = FakeClock()
    sources = Sources(np.zeros(16000 * 120, np.float32))

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        clock.advance(5)
        await settle(pilot)
        screen = pilot.app.screen
        screen.post_message(SegmentTranscribed(SpeechSegment(
            0.5, 4.0, "Hi all. It was a busy week, but I feel good today.")))
        clock.advance(10)
        await pilot.press("n")
        screen.post_message(SegmentTranscribed(SpeechSegment(
            15.5, 17.5, "Hello. A little tired, but glad to be here.")))
        clock.advance(3)
        await settle(pilot)

    app = build_app(store, clock=clock, source=sources)
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_consent_modal_withdrawn(snap_compare, store, size) -> None:
    sources = Sources(np.zeros(16000 * 120, np.float32))

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "1", "2", "3", "4", "r", "w", "2")
        await pilot.press("k")  # keep what Tom said earlier (test_erase_choice_modal)
        await settle(pilot)
        pilot.app.clear_notifications()

    app = build_app(store, source=sources)
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_erase_choice_modal(snap_compare, store, size) -> None:
    """After Tom withdraws: keep or delete what he said earlier; Keep has the focus."""
    sources = Sources(np.zeros(16000 * 120, np.float32))

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("s", "c", "1", "2", "3", "4", "r", "w", "2")
        await settle(pilot)

    app = build_app(store, source=sources)
    assert snap_compare(app, terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_end_confirm(snap_compare, store, size) -> None:
    assert snap_compare(build_app(store), terminal_size=size,
                        press=["s", "c", "k", "e"])


@pytest.mark.parametrize("size", SIZES)
def test_end_processing(snap_compare, store, size) -> None:
    """Mid-way through: stages done so far, the progress bar, the current stage."""
    from assistant.tui.messages import ProgressReported

    mid = finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        screen = EndScreen(mid, None)
        screen.process = lambda: None  # type: ignore[method-assign]  # the worker stays idle
        pilot.app.push_screen(screen)
        await pilot.pause()
        for stage, fraction in (("catching up", 1.0), ("loading models", 1.0),
                                ("transcribing", 1.0), ("refining contracts", 1.0),
                                ("drafting", 0.33)):
            screen.post_message(ProgressReported(stage, fraction))
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_end_done(snap_compare, store, size) -> None:
    mid = finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(EndScreen(mid, None))
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_review(snap_compare, store, size) -> None:
    mid = finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(ReviewScreen(mid))
        await pilot.pause()
        await pilot.press("n")  # Tom: one approved, one draft
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_review_edit_item(snap_compare, store, size) -> None:
    mid = finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(ReviewScreen(mid))
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_recap(snap_compare, store, size) -> None:
    mid = finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(RecapScreen(mid))
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_meetings(snap_compare, store, size) -> None:
    finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(MeetingsScreen(store.circle("Demo Circle")))
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_goals(snap_compare, store, size) -> None:
    finished_meeting(store)

    async def run(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(GoalsScreen(store.circle("Demo Circle")))
        await pilot.pause()
        await pilot.press("down")  # Tom
        await settle(pilot)

    assert snap_compare(build_app(store), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_help_timekeeper(snap_compare, store, size) -> None:
    assert snap_compare(build_app(store), terminal_size=size,
                        press=["s", "c", "k", "question_mark"])


@pytest.mark.parametrize("size", SIZES)
def test_unfinished_meeting_notice(snap_compare, store, size) -> None:
    circle = store.circle("Demo Circle")
    store.create_meeting(circle, TODAY.isoformat(), "2026-03-19", "live", "open")
    assert snap_compare(build_app(store), terminal_size=size)
