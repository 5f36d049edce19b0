"""Pilot tests of the app's other paths: circles, timekeeping only, consent withdrawal,
failing parts, crash recovery, palette and help, past meetings and goals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from tui_helpers import (
    TODAY,
    FakeClock,
    ScriptedTranscriber,
    Sources,
    build_app,
    screen_text,
    wait_for,
)

from assistant.core import locations
from assistant.core.audio.recorder import chunk_name
from assistant.core.errors import PMCError
from assistant.core.settings import Settings
from assistant.core.store.store import Store
from assistant.services.session import meeting_audio_dir, stored_chunks
from assistant.tui.screens.attendance import AttendanceScreen
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.goals import GoalsScreen
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.meetings import MeetingsScreen
from assistant.tui.screens.modals import EraseChoiceModal
from assistant.tui.screens.recap import RecapScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = pytest.mark.tui


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


# --- circles ---------------------------------------------------------------------------------
async def test_create_a_circle_with_its_own_agenda(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "No circles yet" in screen_text(app)
        await pilot.press("n")
        await pilot.press(*"Postdocs", "tab", *"Ana, Ben, ana")
        await pilot.press("ctrl+s")
        assert "member names must be unique" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", *"Cai")
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"7")  # every 7 days
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"2")  # check-in: 2 min each
        await pilot.press("tab", "tab", "tab", "tab", "ctrl+a", "ctrl+k", *"30")
        await pilot.press("tab", "space")  # challenges: 30 min for everyone... now per member
        await pilot.press("space")  # ...and back: for the whole segment
        assert "Meeting length: 46 min for 3" in screen_text(app)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HomeScreen)
    c = store.circle("Postdocs")
    assert [m.name for m in store.members(c)] == ["Ana", "Ben", "Cai"]
    assert c.cadence_days == 7
    agenda = {s.id: s for s in c.agenda}
    assert agenda["check_in"].minutes == 2 and agenda["check_in"].per_member
    assert agenda["challenges"].minutes == 30 and not agenda["challenges"].per_member


async def test_a_new_circle_meets_every_next_meeting_days(tmp_path) -> None:
    """The form's cadence starts at the next_meeting_days setting; saving keeps it."""
    store = Store(tmp_path / "s.sqlite3")
    app = build_app(store, settings=Settings(next_meeting_days=21))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.press(*"Postdocs", "tab", *"Ana, Ben")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HomeScreen)
    assert store.circle("Postdocs").cadence_days == 21


async def test_edit_a_circle_keeps_departed_members_history(store) -> None:
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.press("ctrl+a", "ctrl+k", *"Maya, Sam, Tom, Noor")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        assert "Maya, Sam, Tom, Noor" in screen_text(app)
    c = store.circle("Demo Circle")
    assert [m.name for m in store.members(c)] == ["Maya", "Sam", "Tom", "Noor"]
    lena = [m for m in store.members(c, active_only=False) if m.name == "Lena"]
    assert lena and store.member_items(lena[0].id), "Lena's contracts stay in the history"


# --- a meeting without the microphone ----------------------------------------------------------
async def test_timekeeping_only_meeting(store) -> None:
    clock = FakeClock()
    drafted: list[int] = []

    def drafter():  # never needed: nothing was recorded
        drafted.append(1)
        raise AssertionError("no drafting without audio")

    app = build_app(store, clock=clock, drafter=drafter, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c")  # record=False: attendance goes straight to the clock
        assert isinstance(app.screen, TimekeeperScreen)
        assert "Timekeeping only" in screen_text(app)
        tk = app.session.timekeeper
        clock.advance(70)
        await pilot.pause(0.3)
        assert tk.turn_state() == "red" and "0:10 over" in screen_text(app)
        await pilot.press("plus")
        assert tk.turn_remaining() == pytest.approx(50)
        await pilot.press("minus", "minus")
        assert tk.turn_remaining() == pytest.approx(-70)
        await pilot.press("plus")
        await pilot.press("space")
        assert tk.paused and "PAUSED" in screen_text(app)
        clock.advance(100)
        await pilot.press("space")
        assert not tk.paused and tk.turn_remaining() == pytest.approx(-10)
        await pilot.press("n", "p", "n")
        assert tk.current.member == 1
        await pilot.press("e", "n")  # asked, and declined
        assert isinstance(app.screen, TimekeeperScreen)
        await pilot.press("e", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, EndScreen) and app.screen.done)
        mid = app.session.meeting.id
        assert store.meeting(mid).status == "drafted" and not drafted
        assert not meeting_audio_dir(mid).exists() and stored_chunks(store, mid) == []
        maya = store.member(store.circle("Demo Circle"), "Maya")
        # The pause is nobody's turn; turns that took no time are not kept.
        assert [(t.member_id, t.segment, t.start, t.end) for t in store.turns(mid)] == [
            (maya.id, "check_in", 0.0, 70.0)]
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert "No items yet" in screen_text(app)
        await pilot.press("a", *"Draft the grant budget", "enter")
        await pilot.press("space", "f", "y")
        assert isinstance(app.screen, RecapScreen)
    items = store.items(mid)
    assert [(i.text, i.status, i.origin) for i in items] == [
        ("Draft the grant budget", "approved", "manual")]
    assert store.meeting(mid).status == "closed"


# --- consent withdrawn mid-meeting -------------------------------------------------------------
async def test_withdrawing_consent_stops_recording_at_once(store) -> None:
    sources = Sources(tone(60))
    app = build_app(store, source=sources)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        session = app.session
        await sources.reach(pilot, 1.0)
        assert session.is_recording and "● REC" in screen_text(app)
        await pilot.press("w", "2")  # Tom withdraws
        rec = session.recorder
        assert not rec.on_record
        await pilot.press("k", "escape")  # he keeps what he said earlier (test_withdraw.py)
        assert "waiting for consent: Tom" in screen_text(app)
        written = rec.seconds_written
        await sources.reach(pilot, sources.position() + 1.5)
        assert rec.seconds_written <= written + 0.25  # what was queued, nothing new
        await pilot.press("w", "2", "escape")  # Tom consents again
        assert rec.on_record
        await sources.reach(pilot, sources.position() + 1.0)
        assert rec.seconds_written > written + 0.5
        await pilot.press("o")
        assert not rec.on_record and "OFF THE RECORD" in screen_text(app)
        await pilot.press("o")
        mid = session.meeting.id
        tom = store.member(store.circle("Demo Circle"), "Tom")
        events = [(m, g) for m, g, _ in store.consent_events(mid) if m == tom.id]
        assert events == [(tom.id, True), (tom.id, False), (tom.id, True)]
    # Leaving the app mid-meeting stops the microphone and keeps what was said.
    assert not session.recorder.recording
    assert store.meeting(mid).status == "open"
    chunks = stored_chunks(store, mid)
    assert len(chunks) >= 2 and all(c.closed for c in chunks)  # a gap closes a chunk


# --- parts that fail ------------------------------------------------------------------------
class BrokenSource:
    samplerate = 16000

    def start(self, callback) -> None:
        raise PMCError("cannot record from the default input (no device); pick another "
                       "device with `pmc devices`")

    def stop(self) -> None:
        pass


async def test_no_microphone_keeps_the_meeting_going(store) -> None:
    app = build_app(store, source=BrokenSource)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        assert isinstance(app.screen, TimekeeperScreen)
        text = screen_text(app)
        assert "NOT RECORDING" in text and "pmc devices" in text
        assert app.session.recorder is None
        await pilot.press("n")
        assert app.session.timekeeper.pos == 1


async def test_missing_model_leaves_recording_and_the_clock_alone(store) -> None:
    def transcriber():
        raise PMCError("model whisper-tiny.en is not installed; run `pmc models pull`")

    sources = Sources(tone(30))
    app = build_app(store, transcriber=transcriber, source=sources)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert app.session.is_recording and app.session.live is None
        assert "no live transcript" in screen_text(app)
        await sources.reach(pilot, 1.0)
        await pilot.press("e", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, EndScreen) and app.screen.done)
        assert "pmc models pull" in screen_text(app)  # the end pass failed, and says why
        assert store.meeting(app.screen.meeting_id).status == "open"
        assert stored_chunks(store, app.screen.meeting_id)  # the audio is safe for a retry
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)


# --- after a crash ----------------------------------------------------------------------------
async def test_recover_an_unfinished_meeting(store) -> None:
    circle = store.circle("Demo Circle")
    maya, tom, _lena, _sam = store.members(circle)
    m = store.create_meeting(circle, TODAY.isoformat(),
                             (TODAY + dt.timedelta(days=14)).isoformat(), "live", "open")
    store.set_attendance(m.id, {maya.id: True, tom.id: True})
    store.add_turns(m.id, [(maya.id, "contracts", 0.0, 3.0), (tom.id, "contracts", 3.0, 6.0)])
    folder = locations.ensure(meeting_audio_dir(m.id))
    pcm = (tone(6.0) * 32767).astype("<i2").tobytes()
    (folder / chunk_name(0, 0)).write_bytes(pcm + b"\x01")  # half a sample: a killed write
    script = [(0.5, 2.5, "I will send the survey to ten students by March 20."),
              (3.5, 5.5, "I will email two more labs.")]
    app = build_app(store, transcriber=lambda: ScriptedTranscriber(script))
    async with app.run_test(size=(80, 24)) as pilot:
        text = " ".join(screen_text(app).split())
        assert (f"Unfinished meeting {m.id} of Demo Circle ({TODAY.isoformat()}) stopped at "
                "0:06 in Contracts, Tom's turn: press c to continue it, or r to recover it "
                "and end it.") in text, text
        footer = screen_text(app).splitlines()[-1]  # both keys fit 80 columns, first
        assert footer.startswith(" c Continue meeting  r Recover  s Start meeting"), footer
        await pilot.press("r")
        assert isinstance(app.screen, EndScreen)
        await wait_for(pilot, lambda: app.screen.done, what="processing the recovered audio")
        assert app.screen.error is None
    chunks = stored_chunks(store, m.id)
    assert [(c.seq, c.frames) for c in chunks] == [(0, 6 * 16000)]
    assert store.meeting(m.id).status == "drafted"
    assert "survey" in store.items(m.id, maya.id)[0].text.lower()
    assert "labs" in store.items(m.id, tom.id)[0].text.lower()


# --- palette, help, CLI entry ---------------------------------------------------------------
async def test_every_action_is_in_the_command_palette(store) -> None:
    clock = FakeClock()
    app = build_app(store, clock=clock, record=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Next", "Prev", "Pause", "+1 min", "-1 min", "Off record", "End",
                      "Now speaking: member 1", "Help"):
            assert title in commands
        await pilot.press("ctrl+p")
        await pilot.press(*"Next")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.session.timekeeper.pos == 1


async def test_help_lists_the_keys_of_the_screen(store) -> None:
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Start meeting" in text and "New circle" in text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_meeting_start_with_a_circle_opens_attendance(store) -> None:
    app = build_app(store, circle="Demo Circle")
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, AttendanceScreen)
    with pytest.raises(PMCError, match="no circle named"):
        build_app(store, circle="Nope")


# --- between meetings ---------------------------------------------------------------------
async def test_past_meetings_and_goals(store) -> None:
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, MeetingsScreen)
        assert "2026-02-19" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, RecapScreen)
        assert "Email three labs about postdoc positions" in screen_text(app)
        await pilot.press("escape", "v")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.press("escape", "g")
        assert isinstance(app.screen, GoalsScreen)
        await pilot.press("down", "down")
        text = screen_text(app)
        assert "Lena's goals" in text and "Write the results section" in text


async def test_quitting_before_the_meeting_starts_leaves_no_meeting(store) -> None:
    app = build_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1")
        mid = app.session.meeting.id
        await pilot.press("ctrl+q")
    with pytest.raises(PMCError):
        store.meeting(mid)


def test_run_app_wires_the_real_parts(store, monkeypatch) -> None:
    """What `pmc` runs: parts from settings, the chosen input device, no model loaded yet."""
    from assistant.core.audio.recorder import SoundDeviceSource
    from assistant.core.settings import Settings
    from assistant.tui import app as app_mod

    ran = []
    monkeypatch.setattr(app_mod.CircleApp, "run", lambda self: ran.append(self))
    app_mod.run_app(Settings(), store, circle="Demo Circle", input_device="3", record=False)
    (app,) = ran
    assert app.start_circle == "Demo Circle" and app.record is False
    source = app.source_factory()
    assert isinstance(source, SoundDeviceSource) and source.device == 3
    assert callable(app.transcriber_factory) and callable(app.drafter_factory)


def test_a_carried_over_item_is_not_labelled_as_added_by_hand(store) -> None:
    from assistant.services.session import mark_report_back
    from assistant.tui.screens.review import carried_label

    circle = store.circle("Demo Circle")
    maya = store.member(circle, "Maya")
    old = store.meetings(circle)[-1]
    item = store.items(old.id, maya.id)[0]
    m = store.create_meeting(circle, TODAY.isoformat(), "2026-03-19", "live", "open")
    mark_report_back(store, m, item, "carried_over")
    carried = store.items(m.id, maya.id)[0]
    assert carried.carried_from == item.id and not carried.quote
    label = carried_label(store, carried)
    assert label == f"Carried over from the contract of meeting #{old.id} ({old.date})."


# --- retention runs by itself -------------------------------------------------------------------
def _with_transcript(store, date: str) -> int:  # type: ignore[no-untyped-def]
    circle = store.circle("Demo Circle")
    maya = store.member(circle, "Maya")
    m = store.create_meeting(circle, date, date, "live", "drafted")
    store.add_turns(m.id, [(maya.id, "contracts", 0.0, 5.0)])
    store.add_segments(m.id, [(store.turns(m.id)[0].id, maya.id, "contracts", 0.5, 4.5,
                               "I will call the lab")])
    return m.id


async def test_retention_is_applied_when_the_app_starts(store) -> None:
    old = _with_transcript(store, "2026-02-26")
    _with_transcript(store, "2026-03-01")  # a later meeting: the old transcript is due
    app = build_app(store)
    async with app.run_test(size=(80, 24)):
        assert store.segments(old) == []


async def test_retention_is_applied_when_the_next_meeting_starts(store) -> None:
    last = _with_transcript(store, "2026-03-01")
    app = build_app(store, record=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert len(store.segments(last)) == 1  # nothing due yet: it is the latest meeting
        await pilot.press("s")
        assert len(store.segments(last)) == 1  # attendance is not the start
        await pilot.press("c")
        assert isinstance(app.screen, TimekeeperScreen)
        assert store.segments(last) == []


async def test_the_consent_screen_says_what_retention_does(store) -> None:
    app = build_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s", "c")
        from textual.widgets import Static

        text = " ".join(str(app.screen.query_one("#consent-text", Static).content).split())
        assert "transcript deleted when the next meeting starts" in text
        assert "stays in the local database" not in text


# --- pause and dialogs during a recording ----------------------------------------------------
async def test_pause_stops_recording_and_resume_starts_it(store) -> None:
    sources = Sources(tone(60))
    app = build_app(store, source=sources)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        session = app.session
        rec = session.recorder
        await sources.reach(pilot, 1.0)
        assert session.is_recording
        await pilot.press("space")
        assert session.timekeeper.paused and not rec.on_record
        await pilot.pause(0.3)
        assert "PAUSED" in screen_text(app) and "● REC" not in screen_text(app)
        written = rec.seconds_written
        await sources.reach(pilot, sources.position() + 1.5)
        assert rec.seconds_written <= written + 0.25  # what was queued, nothing new
        await pilot.press("space")
        assert rec.on_record
        await sources.reach(pilot, sources.position() + 1.0)
        assert rec.seconds_written > written + 0.5


async def test_the_clock_keeps_ticking_behind_the_withdrawal_dialog(store) -> None:
    from textual.widgets import Static

    clock = FakeClock()
    sources = Sources(tone(60))
    app = build_app(store, clock=clock, source=sources)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        tk_screen = app.screen
        assert isinstance(tk_screen, TimekeeperScreen)
        await sources.reach(pilot, 0.5)
        await pilot.press("w", "2")  # Tom withdraws: the Keep/Delete question opens
        assert isinstance(app.screen, EraseChoiceModal)

        def shown() -> str:
            return str(tk_screen.query_one("#clockbar", Static).content)

        def rec_state() -> str:
            return str(tk_screen.query_one("#rec-state", Static).content)

        await pilot.pause(0.3)
        assert "● REC" not in rec_state() and "NOT RECORDING" in rec_state()
        clock.advance(65)
        await pilot.pause(0.6)  # a few ticks, the dialog still open
        assert isinstance(app.screen, EraseChoiceModal)
        assert "Meeting 1:05" in shown()
        assert "Meeting 1:05" in screen_text(app)  # drawn, not only updated
        clock.advance(10)
        await pilot.pause(0.6)
        assert "Meeting 1:15" in shown() and "Meeting 1:15" in screen_text(app)
        await pilot.press("k", "escape")


async def test_ctrl_q_during_a_recording_asks_first(store) -> None:
    sources = Sources(tone(60))
    clock = FakeClock()
    app = build_app(store, source=sources, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        session = app.session
        await sources.reach(pilot, 1.0)
        clock.advance(5)
        await pilot.press("ctrl+q")
        assert "Quit during the meeting?" in screen_text(app)
        await pilot.press("enter")  # the default is No
        assert app.is_running and isinstance(app.screen, TimekeeperScreen)
        assert session.is_recording
        await pilot.press("ctrl+q", "y")
        await pilot.pause(0.3)
    assert not session.recorder.recording  # stopped, everything flushed
    mid = session.meeting.id
    assert store.meeting(mid).status == "open" and store.turns(mid)
    assert stored_chunks(store, mid) and all(c.closed for c in stored_chunks(store, mid))
