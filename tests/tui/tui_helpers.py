"""Helpers for driving the app with Pilot: a fake clock, a scripted transcriber, a demo circle.

The scripted transcriber is a fake for speed: it returns the demo meeting's
script lines that fall inside the audio it is given, so what it "hears"
depends on which audio was actually recorded (off-the-record audio is never
heard). Everything else is real: SQLite store, recorder writing chunk files,
file-fed audio source playing in real time, rule-based drafter, Textual Pilot.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from assistant.core.audio.recorder import FileSource
from assistant.core.drafting.contracts import Drafter
from assistant.core.settings import Settings
from assistant.core.speech.types import SpeechSegment
from assistant.core.store.store import Store
from assistant.tui.app import CircleApp, make_app

RATE = 16000
TODAY = dt.date(2026, 3, 5)
DEMO = Path(__file__).resolve().parents[2] / "assistant" / "demo"
MEMBERS = ["Maya", "Tom", "Lena", "Sam"]
PREVIOUS = {
    "Maya": "Finish the survey questions for the pilot study",
    "Tom": "Email three labs about postdoc positions",
    "Lena": "Write the results section of her paper",
    "Sam": "Submit the travel grant application",
}


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@dataclass
class ScriptedTranscriber:
    """Hears the script lines whose middle lies inside the audio it is given."""

    script: list[tuple[float, float, str]]
    name: str = "scripted"
    calls: list[tuple[float, float]] = field(default_factory=list)

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: Callable[[float, float], None] | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        end = offset + len(audio) / RATE
        self.calls.append((offset, end))
        out = [SpeechSegment(s, e, text) for s, e, text in self.script
               if offset <= (s + e) / 2 < end and float(np.abs(audio).max(initial=0)) > 0]
        if progress is not None:
            progress(end - offset, end - offset)
        return out


def demo_timeline() -> list[dict[str, object]]:
    data = json.loads((DEMO / "demo_circle.timeline.json").read_text())
    return list(data["turns"])


def demo_audio() -> np.ndarray:
    with wave.open(str(DEMO / "demo_circle.wav")) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1
        raw = w.readframes(w.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


@dataclass
class ShortMeeting:
    """A few real turns of the demo meeting, back to back with short pauses."""

    audio: np.ndarray
    lines: dict[str, tuple[float, float, str]]  # key -> (start, end, text) in this audio

    @property
    def script(self) -> list[tuple[float, float, str]]:
        return sorted(self.lines.values())


def short_meeting(pick: list[tuple[str, int, float]]) -> ShortMeeting:
    """`pick`: (key, index into the demo timeline, pause after) in the order played."""
    full = demo_audio()
    turns = demo_timeline()
    pieces: list[np.ndarray] = []
    lines = {}
    t = 0.3
    pieces.append(np.zeros(int(0.3 * RATE), np.float32))
    for key, idx, gap in pick:
        turn = turns[idx]
        a = full[int(float(turn["start"]) * RATE):int(float(turn["end"]) * RATE)]
        lines[key] = (t, t + len(a) / RATE, str(turn["text"]))
        pieces += [a, np.zeros(int(gap * RATE), np.float32)]
        t += len(a) / RATE + gap
    return ShortMeeting(np.concatenate(pieces), lines)


def make_store(path: Path | str, previous: bool = True) -> Store:
    """The demo circle, with a meeting two weeks earlier whose contracts were approved."""
    store = Store(path)
    circle = store.create_circle("Demo Circle", MEMBERS)
    if previous:
        before = TODAY - dt.timedelta(days=14)
        m = store.create_meeting(circle, before.isoformat(), TODAY.isoformat(), "live", "closed")
        store.set_attendance(m.id, {x.id: True for x in store.members(circle)})
        for member in store.members(circle):
            store.add_item(m.id, member.id, PREVIOUS[member.name], due=TODAY.isoformat(),
                           status="approved", origin="manual")
    return store


@dataclass
class Sources:
    """Builds FileSources for the app and remembers the last one (to sync the clock to it)."""

    audio: np.ndarray
    made: list[FileSource] = field(default_factory=list)

    def __call__(self) -> FileSource:
        src = FileSource(self.audio, realtime=True)
        self.made.append(src)
        return src

    def position(self) -> float:
        src = self.made[-1]
        return time.monotonic() - (src.started_at or 0)

    async def reach(self, pilot: Pilot[None], seconds: float, timeout: float = 60) -> float:
        """Wait (in real time) until the source has played `seconds` of audio; return where
        it actually is (a busy machine may arrive late)."""
        deadline = time.monotonic() + timeout
        while not self.made or self.made[-1].started_at is None:
            assert time.monotonic() < deadline, "the audio source never started"
            await pilot.pause(0.02)
        src = self.made[-1]
        while time.monotonic() - (src.started_at or 0) < seconds:
            assert time.monotonic() < deadline
            await pilot.pause(0.02)
        return self.position()


def build_app(store: Store, *, clock: Callable[[], float] | None = None,
              transcriber: Callable[[], object] | None = None,
              drafter: Callable[[], Drafter] | None = None,
              source: Callable[[], FileSource] | None = None, record: bool = True,
              circle: str | None = None, settings: Settings | None = None) -> CircleApp:
    return make_app(
        settings=settings or Settings(), store=store,
        transcriber_factory=transcriber or (lambda: ScriptedTranscriber([])),  # type: ignore
        drafter_factory=drafter or (lambda: Drafter(None)),
        clock=clock or FakeClock(), source_factory=source, record=record, circle=circle,
        today=lambda: TODAY)


def screen_text(app: App[object]) -> str:
    """The screen as plain text, for asserting what a person would read."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


async def wait_for(pilot: Pilot[None], cond: Callable[[], bool], timeout: float = 60,
                   what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def ci() -> bool:
    return bool(os.environ.get("CI"))
