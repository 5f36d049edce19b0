"""Continue after a crash: a meeting killed with SIGKILL goes on where it stopped.

A real subprocess (tests/tui/crash_child.py) runs the real app headless under Pilot on the
real clock, recording from a file-fed source; it moves to Tom's report-back turn, Sam
withdraws his consent (keeping what he said), and it is SIGKILLed a few seconds later.
The app is then started again here on the same home, and `c` on the home screen continues
the meeting: the same segment and turn, the meeting clock going on from its last saved
time (the time it was down is not meeting time), Sam still withdrawn, so nothing records
until he consents again; then the recording goes on into the same meeting (new chunks
after the old ones, nothing recorded before lost or moved) and End processes all of it.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from tui_helpers import RATE, FakeClock, Sources, build_app, screen_text, wait_for

from assistant.core.audio.recorder import CHUNK_RE
from assistant.core.meeting.timekeeper import fmt_seconds
from assistant.core.store.store import Store
from assistant.services.session import (
    CLOCK_SAVE_EVERY,
    meeting_audio,
    meeting_audio_dir,
    stored_chunks,
)
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.home import HomeScreen
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = [pytest.mark.tui, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
ALIVE_AFTER_READY = 4.5  # seconds the child runs on before the kill: a clock save or two


def run_child_until_killed() -> tuple[int, float, float, float]:
    """Meeting id, meeting seconds at 'ready', Tom's turn start, seconds alive after it."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.tui.crash_child"], cwd=REPO,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert proc.stdout is not None and proc.stderr is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 120)
        line = proc.stdout.readline() if ready else ""
        if not line.startswith("ready "):
            proc.kill()
            raise AssertionError(f"the child did not get ready: {line!r} "
                                 f"{proc.stderr.read()[-3000:]}")
        said = time.monotonic()
        time.sleep(ALIVE_AFTER_READY)
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        os.kill(proc.pid, signal.SIGKILL)
        alive = time.monotonic() - said
        proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    _, mid, at, turn_start = line.split()
    return int(mid), float(at), float(turn_start), alive


def tone(seconds: float, hz: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.2 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def chunk_files(mid: int) -> dict[str, bytes]:
    folder = meeting_audio_dir(mid)
    return {p.name: p.read_bytes() for p in folder.iterdir() if CHUNK_RE.match(p.name)}


async def test_a_killed_meeting_continues_where_it_stopped(store: Store) -> None:
    mid, ready_at, turn_start, alive = run_child_until_killed()
    before_turns = [(t.member_id, t.segment, t.start, t.end) for t in store.turns(mid)]
    before_files = chunk_files(mid)
    consent_before = store.consent_events(mid)
    assert before_files and before_turns
    assert store.meeting(mid).status == "open"
    circle = store.circle("Demo Circle")
    maya, tom, lena, sam = store.members(circle)
    assert [(m, g) for m, g, _at in consent_before][-1] == (sam.id, False)

    clock = FakeClock()
    sources = Sources(tone(60, 440.0))  # a different tone: what is recorded after the crash
    app = build_app(store, source=sources, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        text = " ".join(screen_text(app).split())
        assert (f"Unfinished meeting {mid} of Demo Circle (2026-03-05) stopped at" in text
                and "in Report-back, Tom's turn: press c to continue it, or r to recover it "
                "and end it." in text), text
        await pilot.press("c")
        assert isinstance(app.screen, TimekeeperScreen)
        session = app.session
        assert session is not None and session.meeting.id == mid
        info = session.continued
        assert info is not None and info.record
        tk = session.timekeeper
        stopped = info.stopped_at
        # The clock goes on from its last save before the kill, never past the kill; it
        # saves every 2 s between key presses (the 0.2 s tick; a busy child may be late).
        latest = ready_at + alive
        assert latest - CLOCK_SAVE_EVERY - 1.0 <= stopped <= latest + 0.5, (ready_at, stopped,
                                                                            alive)
        assert tk.now() == pytest.approx(stopped)
        assert info.down_s is not None and 0 <= info.down_s < 120
        # The same segment and turn, its countdown charged up to where it stopped.
        seg = tk.segment()
        assert seg is not None and seg.id == "report_back"
        assert tk.current is not None and tk.members[tk.current.member or 0] == "Tom"
        assert tk.current.member == 1 and tk.speaker == 1
        assert tk.plan[tk.pos].used == pytest.approx(stopped - turn_start, abs=0.05)
        assert tk.turn_remaining() == pytest.approx(90 - (stopped - turn_start), abs=0.05)
        await pilot.pause(0.3)
        shown = " ".join(screen_text(app).split())
        assert f"Meeting {fmt_seconds(stopped)}" in shown, shown
        said = [n.message for n in app._notifications]
        assert any(f"Meeting {mid} goes on at {fmt_seconds(stopped)} in Report-back, Tom's "
                   "turn." in n and "It was stopped for" in n and "that time is not meeting "
                   "time" in n and "Not recording until they consent again (w): Sam." in n
                   for n in said), said
        # The consent ledger as it was: Sam withdrew, so nothing is recorded.
        assert [p.name for p in session.consent.missing()] == ["Sam"]
        assert not session.is_recording
        assert "NOT RECORDING" in shown and "waiting for consent: Sam" in shown
        # Sam consents again: the recording goes on, into the same meeting.
        await pilot.press("w", "4", "escape")
        assert isinstance(app.screen, TimekeeperScreen)
        await wait_for(pilot, lambda: session.is_recording, timeout=10, what="recording")
        await sources.reach(pilot, 2.0)
        clock.advance(2.0)
        await pilot.press("n")  # Lena's report-back
        await sources.reach(pilot, 3.5)
        clock.advance(1.5)
        await pilot.press("e", "y")
        assert isinstance(app.screen, EndScreen)
        end = app.screen
        await wait_for(pilot, lambda: end.done, timeout=120, what="processing")
        assert end.error is None, end.error

    # Turns: those before, unchanged; Tom's turn closed where it stopped; then the new ones.
    turns = [(t.member_id, t.segment, t.start, t.end) for t in store.turns(mid)]
    assert turns[:len(before_turns)] == before_turns
    closed = turns[len(before_turns)]
    assert closed[:2] == (tom.id, "report_back") and closed[3] == pytest.approx(stopped)
    after = turns[len(before_turns) + 1:]
    assert after[0][:2] == (tom.id, "report_back") and after[0][2] == pytest.approx(stopped)
    assert after[0][3] == pytest.approx(stopped + 2.0)
    assert after[1][:2] == (lena.id, "report_back")
    # Consent: every event kept, then Sam's consent again.
    events = store.consent_events(mid)
    assert events[:len(consent_before)] == consent_before
    assert [(m, g) for m, g, _at in events[len(consent_before):]] == [(sam.id, True)]
    # Audio: what was recorded before is all still there (recovery keeps whole samples)...
    files = chunk_files(mid)
    for name, data in before_files.items():
        assert name in files and data.startswith(files[name])
        assert len(data) - len(files[name]) < 2
    # ...and the new chunks come after the old ones, in numbering and in meeting time.
    old_seq = max(int(CHUNK_RE.match(n).group(1)) for n in before_files)  # type: ignore[union-attr]
    listed = stored_chunks(store, mid)
    new = [c for c in listed if c.path.name not in before_files]
    assert new and all(c.seq > old_seq for c in new)
    assert all(c.start >= stopped - 0.01 for c in new)
    assert all(c.closed for c in listed)
    pieces = meeting_audio(store, mid)
    ends = [(s, s + len(a) / RATE) for s, a in pieces]
    assert all(b1 <= a2 + 0.01 for (_a1, b1), (a2, _b2) in zip(ends, ends[1:], strict=False))
    # Before the crash the 220 Hz tone, after it the 440 Hz one: nothing re-ordered.
    def pitch(samples: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(samples[:RATE]))
        return float(np.argmax(spectrum) * RATE / min(len(samples), RATE))
    sounding = [(s, a) for s, a in pieces if a.size >= RATE // 2 and np.abs(a).max() > 0.05]
    old_audio = [(s, a) for s, a in sounding if s < stopped]
    new_audio = [(s, a) for s, a in sounding if s >= stopped - 0.01]
    assert old_audio and new_audio
    assert all(abs(pitch(a) - 220) < 5 for _s, a in old_audio)
    assert all(abs(pitch(a) - 440) < 5 for _s, a in new_audio)
    assert sum(len(a) for _s, a in new_audio) / RATE >= 2.0
    assert store.meeting(mid).status == "drafted"
