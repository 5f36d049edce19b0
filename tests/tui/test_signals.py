"""SIGINT and SIGTERM during a recording: not a silent exit (and other keys a worried
timekeeper may press: Ctrl+C, a number nobody present has). The app stops the way Ctrl+Q's
Yes does (recorder stopped, every chunk sealed and listed, turns saved, the meeting left
open) and the next start offers to continue it or recover it. Ctrl+C itself does not
quit, and says so.

Real app under Pilot, real recorder writing chunk files from a file-fed source in real
time; the signal is a real one, sent to this process.
"""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from tui_helpers import FakeClock, Sources, build_app, screen_text, wait_for

from assistant.core.audio.recorder import read_chunks
from assistant.core.store.store import Store
from assistant.services.session import stored_chunks
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = pytest.mark.tui


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_during_a_recording_stops_it_cleanly(store: Store,
                                                            sig: signal.Signals) -> None:
    sources = Sources(tone(60))
    clock = FakeClock()
    app = build_app(store, source=sources, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        assert isinstance(app.screen, TimekeeperScreen)
        session = app.session
        assert session.is_recording
        await sources.reach(pilot, 2.5)
        clock.advance(2.5)
        # The app's handler is in place (else this signal would end the test run itself).
        assert signal.getsignal(sig) not in (signal.SIG_DFL, signal.default_int_handler)
        os.kill(os.getpid(), sig)
        await wait_for(pilot, lambda: not app.is_running, timeout=10, what="the app to stop")
    assert app.stopped_by == sig and app.return_code == 128 + int(sig)
    assert app.left_meeting == session.meeting.id
    # Stopped cleanly: the recorder is off, every chunk sealed and listed, audio on disk.
    assert not session.recorder.recording
    mid = session.meeting.id
    chunks = stored_chunks(store, mid)
    assert chunks and all(c.closed for c in chunks)
    seconds = sum(len(a) for _s, a in read_chunks([c for c in chunks if c.frames])) / 16000
    assert seconds >= 2.0
    assert store.meeting(mid).status == "open" and store.turns(mid)
    # The handlers are gone with the app: a later signal is Python's again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    # The next start says so and recovers it.
    again = build_app(store)
    async with again.run_test(size=(120, 40)):
        text = " ".join(screen_text(again).split())
        assert "press c to continue it, or r to recover it" in text, text


async def test_ctrl_c_does_not_quit_and_says_how(store: Store) -> None:
    sources = Sources(tone(30))
    app = build_app(store, source=sources, clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        await sources.reach(pilot, 0.5)
        await pilot.press("ctrl+c")
        await pilot.pause(0.2)
        assert app.is_running and app.session.is_recording
        said = [n.title + ": " + n.message for n in app._notifications]
        assert any("Ctrl+C does not quit" in n and "then e" in n for n in said), said


async def test_an_absent_members_number_says_who_is_present(store: Store) -> None:
    sources = Sources(tone(30))
    app = build_app(store, source=sources, clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "3", "c", "1", "2", "3", "r")  # Lena is away: 3 present
        assert isinstance(app.screen, TimekeeperScreen)
        speaker = app.session.timekeeper.speaker
        await pilot.press("4")
        await pilot.pause(0.1)
        said = [n.message for n in app._notifications]
        assert any("No one present is number 4" in n and "3 Sam" in n for n in said), said
        assert app.session.timekeeper.speaker == speaker  # nothing else changed
