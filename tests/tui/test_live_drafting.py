"""Contracts drafted and approved during the meeting; review ready without a full pass.

A short meeting of three members (Maya, Tom, Sam; Lena away) plays in real time through
the app, driven with Pilot: Maya reports back, then each member states a contract. As the
timekeeper moves past each contracts turn, the drafts appear in the panel beside the timer
without any key; the members approve them (`a`, then `A` for each) and Maya's suggested
report-back status is confirmed, all before End. After End the review is ready, the
approved items are there once each and untouched, and the transcriber was asked only for
what the live pass missed: never the whole meeting again, never a drafted contracts turn.

Two ways: scripted transcriber and rule drafter with a file fed in real time (logic, fast),
and the done-when test with real Whisper tiny.en and SmolLM2, the audio played by paplay
into the PulseAudio null sink and recorded from its monitor with `PulseSource`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot
from tui_helpers import (
    FakeClock,
    ScriptedTranscriber,
    Sources,
    build_app,
    screen_text,
    short_meeting,
    wait_for,
)

from assistant.core.audio.pulse import PulseSource
from assistant.core.drafting.contracts import Drafter
from assistant.core.drafting.llm import LocalLLM
from assistant.core.speech.transcribe import FasterWhisperTranscriber
from assistant.core.speech.types import SpeechSegment
from assistant.core.store.store import Store
from assistant.tui.app import CircleApp
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.live_drafts import LiveDraftsModal
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = [pytest.mark.tui, pytest.mark.slow]
RATE = 16000
SINK = "pmc_null"
# Maya's report-back, then the three contracts; the pauses leave room for key presses.
PICK = [("report", 4, 12.0), ("maya", 11, 6.0), ("tom", 12, 6.0), ("sam", 14, 3.5)]
LATE = 2.0  # seconds after a line ends that the timekeeper moves on (the sound server lags)


class Spy:
    """A transcriber noting every call: (meeting start, end, prompt)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.name = getattr(real, "name", "spy")
        self.calls: list[tuple[float, float, str | None]] = []

    def transcribe(self, audio: np.ndarray, offset: float = 0.0, progress: Any = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        self.calls.append((offset, offset + len(audio) / RATE, prompt))
        return list(self.real.transcribe(audio, offset=offset, progress=progress,
                                         prompt=prompt))


async def run_meeting(pilot: Pilot[None], app: CircleApp, store: Store,
                      at: Callable[[float], Awaitable[None]],
                      started: Callable[[], Awaitable[float]],
                      lines: dict[str, tuple[float, float, str]], spy: Spy,
                      draft_timeout: float) -> dict[str, Any]:
    """From the home screen through approval during the meeting to a processed end."""
    await pilot.press("s", "3", "c", "1", "2", "3", "r")  # Lena away; three consent
    assert isinstance(app.screen, TimekeeperScreen) and app.session.is_recording
    session = app.session
    maya, tom, sam = (p.id for p in session.present)
    tk = session.timekeeper
    await pilot.press("n", "n", "n")  # through the check-ins to Maya's report-back
    offset = await started()  # meeting seconds where the played audio begins

    def in_time(key: str) -> None:
        # Key presses are slow on a loaded machine; the test is only valid if they came
        # before the next member began to speak.
        assert tk.now() < offset + lines[key][0] - 0.2, (
            "the machine is too busy for this real-time test")

    await at(lines["report"][1] + LATE)
    await pilot.press("n", "n", "n", "n")  # Tom's, Sam's report-back, challenges, contracts
    assert tk.segment().id == "contracts"
    in_time("maya")
    for key, nxt in (("maya", "tom"), ("tom", "sam"), ("sam", "")):
        await at(lines[key][1] + LATE)
        await pilot.press("n")  # past the member's contracts turn: drafting starts
        if nxt:
            in_time(nxt)
    assert session.timekeeper.segment().id == "appreciations"
    tk_screen = app.screen
    assert isinstance(tk_screen, TimekeeperScreen)

    # The drafts arrive by themselves, beside the timer.
    def drafted() -> bool:
        return session.drafts.pending == 0 and all(store.items(session.meeting.id, m)
                                                   for m in (maya, tom, sam))
    try:
        await wait_for(pilot, drafted, timeout=draft_timeout, what="drafts during the meeting")
    except AssertionError:
        state = {"pending": session.drafts.pending, "done": session.drafts.done,
                 "items": {m: [i.text for i in store.items(session.meeting.id, m)]
                           for m in (maya, tom, sam)},
                 "refined": session.drafts.refined,
                 "turns": [(t.member_id, t.segment, round(t.start, 1), round(t.end, 1))
                           for t in store.turns(session.meeting.id)],
                 "live": [(round(x.start, 1), x.text) for x in session.heard_live()]}
        raise AssertionError(f"no drafts for everyone during the meeting: {state}") from None
    await pilot.pause(0.3)
    text = screen_text(app)
    assert "Drafted during the meeting" in text and "to approve" in text
    suggested = {r.item_id: r for r in store.report_back(session.meeting.id)}
    assert suggested and not any(r.confirmed for r in suggested.values())

    # Each member approves theirs (and Maya confirms her report-back) in the panel.
    await pilot.press("a")
    modal = app.screen
    assert isinstance(modal, LiveDraftsModal)
    for member in (maya, tom, sam):
        for _ in range(len(modal.rows)):
            row = modal.selected
            if row is not None and row.member_id == member:
                break
            await pilot.press("down")
        await pilot.press("A")
    await pilot.press("escape")
    assert app.screen is tk_screen
    mid = session.meeting.id
    approved = {(i.id, i.member_id, i.text) for i in store.items(mid) if i.status == "approved"}
    assert {m for _, m, _ in approved} == {maya, tom, sam}
    assert all(i.status == "approved" for i in store.items(mid))
    assert all(r.confirmed for r in store.report_back(mid))
    assert "✔" in screen_text(app)

    calls_before_end = len(spy.calls)
    await pilot.press("e", "y")
    assert isinstance(app.screen, EndScreen)
    await wait_for(pilot, lambda: app.screen.done, timeout=300, what="end of meeting")
    assert app.screen.error is None, app.screen.error
    return {"mid": mid, "ids": (maya, tom, sam), "approved": approved,
            "after": spy.calls[calls_before_end:], "session": session,
            "duration": session.timekeeper.now()}


def check_after_end(store: Store, r: dict[str, Any], contracts_said: list[str]) -> None:
    mid = r["mid"]
    session = r["session"]
    # Every approved item is there once, unchanged and still approved.
    now = {(i.id, i.member_id, i.text) for i in store.items(mid) if i.status == "approved"}
    assert now == r["approved"]
    assert len({t for _, _, t in now}) == len(now)
    assert store.meeting(mid).status == "drafted"
    # The end transcribed no contracts turn again (all were heard during the meeting) and
    # far less than the meeting: only what the live pass never heard.
    turns = [t for t in store.turns(mid) if t.segment == "contracts" and t.member_id]
    assert len(turns) == 3 and all(t.id in session.drafts.refined for t in turns)
    heard_after = sum(b - a for a, b, _ in r["after"])
    # Nor the report-back turn: it was heard again during the meeting too.
    assert all(p is None for _, _, p in r["after"]), f"a turn was heard again: {r['after']}"
    assert heard_after < 0.25 * r["duration"], (heard_after, r["duration"])
    # The stored transcript holds the contracts turns as heard during the meeting.
    said = " ".join(s.text.lower() for s in store.segments(mid) if s.segment == "contracts")
    for word in contracts_said:
        assert word in said, {"refined": session.drafts.refined, "turns": [
            (t.id, t.member_id, t.segment, round(t.start, 2), round(t.end, 2))
            for t in store.turns(mid)], "live": [(round(x.start, 2), round(x.end, 2), x.text)
                                                 for x in session.heard_live()]}


@pytest.mark.asyncio
async def test_contracts_drafted_and_approved_during_the_meeting_scripted(store: Store) -> None:
    meeting = short_meeting(PICK)
    clock = FakeClock()
    sources = Sources(meeting.audio)
    spy = Spy(ScriptedTranscriber(meeting.script))
    app = build_app(store, clock=clock, transcriber=lambda: spy, source=sources)
    t0 = clock.t

    async def at(seconds: float) -> None:
        clock.t = t0 + await sources.reach(app_pilot, seconds)

    async def started() -> float:
        return 0.0

    async with app.run_test(size=(100, 34)) as pilot:
        app_pilot = pilot
        r = await run_meeting(pilot, app, store, at, started, meeting.lines, spy, 60)
        check_after_end(store, r, ["survey", "labs", "flights"])
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)


def _pulse_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sound server, found from the real home (the tests' HOME is a temporary one)."""
    problem = None
    if shutil.which("paplay") is None or shutil.which("pactl") is None:
        problem = "paplay/pactl are not installed; apt-get install pulseaudio-utils"
    else:
        env = {**os.environ, "HOME": pwd.getpwuid(os.getuid()).pw_dir}
        info = subprocess.run(["pactl", "info"], capture_output=True, text=True, timeout=20,
                              stdin=subprocess.DEVNULL, env=env)
        server = next((line.split(":", 1)[1].strip() for line in info.stdout.splitlines()
                       if line.startswith("Server String:")), "")
        if server and "PULSE_SERVER" not in os.environ:
            monkeypatch.setenv("PULSE_SERVER",
                               server if ":" in server else f"unix:{server}")
        sinks = subprocess.run(["pactl", "list", "short", "sinks"], capture_output=True,
                               text=True, timeout=20, stdin=subprocess.DEVNULL)
        if sinks.returncode != 0 or SINK not in sinks.stdout:
            problem = "PulseAudio with the pmc_null sink is not running; scripts/start_pulse.sh"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.mark.model
@pytest.mark.audio
@pytest.mark.asyncio
async def test_done_when_a_whole_meeting_drafted_before_end_real_models_and_pulseaudio(
        store: Store, tiny_en_dir: Path, smollm_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _pulse_ready(monkeypatch)
    meeting = short_meeting(PICK)
    clip = tmp_path / "meeting.wav"
    with wave.open(str(clip), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.clip(meeting.audio * 32768, -32768, 32767).astype("<i2").tobytes())
    spy = Spy(FasterWhisperTranscriber(tiny_en_dir, threads=1))
    app = build_app(store, clock=time.monotonic, transcriber=lambda: spy,
                    drafter=lambda: Drafter(LocalLLM(smollm_path, threads=1)),
                    source=lambda: PulseSource(f"{SINK}.monitor", label="room"))  # type: ignore[arg-type,return-value]
    play: dict[str, Any] = {}

    async def started() -> float:
        session = app.session
        rec = session.recorder
        assert rec is not None
        # The monitor's first block comes late: play only once audio flows.
        await wait_for(app_pilot, lambda: rec.seconds_written > 0.3, timeout=15,
                       what="audio from the null sink's monitor")
        begun = session.timekeeper.now()
        play["proc"] = subprocess.Popen(["paplay", f"--device={SINK}", str(clip)],
                                        stdin=subprocess.DEVNULL)
        # Where the clip really begins on the meeting clock: its first loud sample (the
        # sound server adds its own latency), found in the audio the session keeps.
        lines_start = meeting.lines["report"][0]

        def onset() -> float | None:
            for start, audio in session.recent_audio(begun, begun + 30):
                loud = np.flatnonzero(np.abs(audio) > 0.02)
                if loud.size:
                    return start + loud[0] / RATE
            return None

        await wait_for(app_pilot, lambda: onset() is not None, timeout=15,
                       what="the played meeting in the recording")
        heard_at = onset()
        assert heard_at is not None
        play["offset"] = heard_at - lines_start
        play["t0"] = time.monotonic() - (session.timekeeper.now() - play["offset"])
        return float(play["offset"])

    async def at(seconds: float) -> None:
        while time.monotonic() - play["t0"] < seconds:
            await app_pilot.pause(0.02)
        late = time.monotonic() - play["t0"] - seconds
        assert late < 1.5, "the machine is too busy for this real-time test"

    async with app.run_test(size=(100, 34)) as pilot:
        app_pilot = pilot
        try:
            r = await run_meeting(pilot, app, store, at, started, meeting.lines, spy, 180)
        finally:
            proc = play.get("proc")
            if proc is not None and proc.poll() is None:
                proc.kill()  # only the silence after the last contract is left to play
                proc.wait(10)
        check_after_end(store, r, ["survey", "lab", "flight"])
        maya, tom, sam = r["ids"]
        items = {m: " ".join(i.text.lower() for i in store.items(r["mid"], m))
                 for m in (maya, tom, sam)}
        assert "survey" in items[maya] and "lab" in items[tom] and "flight" in items[sam]
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
