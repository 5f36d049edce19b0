"""A circle meeting by video, with real PulseAudio: two tracks, and a device lost mid-meeting.

Two null sinks of our own stand in for the devices: the "call" sink is what a video call
plays into (its monitor is the call source), and the "room" sink's monitor stands in for the
microphone. Recording goes through `PulseSource` (parec), exactly as `pmc meeting start` does.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.core.audio import pulse as pulse_mod
from assistant.core.audio.chunks import meeting_audio, stored_chunks
from assistant.core.audio.recorder import ChunkInfo, read_chunks
from assistant.core.drafting.attribution import attribute
from assistant.core.privacy import crypto
from assistant.core.speech.transcribe import FasterWhisperTranscriber
from assistant.services import parts
from assistant.services.processing import spans_for, transcribe_pieces
from assistant.services.session import MeetingSession

pytestmark = pytest.mark.audio
CLIP_B_TEXT = ("Purple elephants dance on the frozen lake every winter morning, "
               "and the orchestra plays loud music.")
JFK_WORDS = {"americans", "country", "fellow"}
B_WORDS = {"elephants", "frozen", "lake", "winter", "orchestra", "music", "purple", "morning"}


def pactl(*args: str) -> str:
    return subprocess.run(["pactl", *args], check=True, capture_output=True, text=True,
                          timeout=20, stdin=subprocess.DEVNULL).stdout.strip()


def load_sink(name: str) -> str:
    return pactl("load-module", "module-null-sink", f"sink_name={name}",
                 f"sink_properties=device.description={name}")


def wait_until(cond: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def play(sink: str, clip: Path) -> None:
    subprocess.run(["paplay", f"--device={sink}", str(clip)], check=True, timeout=60,
                   stdin=subprocess.DEVNULL)


@pytest.fixture
def sinks(pulse: str) -> Iterator[dict[str, str]]:
    """A 'room' and a 'call' null sink of this test only (others may share the server)."""
    tag = f"{os.getpid()}_{time.monotonic_ns() % 100000}"
    names = {"room": f"pmc_room_{tag}", "call": f"pmc_call_{tag}"}
    modules = {track: load_sink(name) for track, name in names.items()}
    yield names
    for mod in modules.values():
        subprocess.run(["pactl", "unload-module", mod], capture_output=True, timeout=20,
                       stdin=subprocess.DEVNULL)  # may be gone already (the loss test)
    for name in names.values():
        for line in pactl("list", "short", "modules").splitlines():
            if f"sink_name={name}" in line:
                subprocess.run(["pactl", "unload-module", line.split("\t")[0]],
                               capture_output=True, timeout=20, stdin=subprocess.DEVNULL)


def start_meeting(store, sinks: dict[str, str]) -> MeetingSession:  # type: ignore[no-untyped-def]
    circle = store.create_circle("Video circle", ["Ana", "Ben"])
    present = store.members(circle)
    session = MeetingSession.create(store, circle, present, time.monotonic, dt.date(2026, 3, 5))
    for m in present:
        session.set_consent(m.id, True)
    session.start(record=True,
                  source=pulse_mod.PulseSource(f"{sinks['room']}.monitor", label="room"),
                  call_source=pulse_mod.PulseSource(f"{sinks['call']}.monitor", label="call"))
    assert session.call_recorder is not None and session.recorder is not None
    # A fresh monitor stream delivers its first block after up to ~2 s.
    assert wait_until(lambda: all(r.seconds_written > 0 for r in session.recorders), 15), \
        "no audio from the null sinks' monitors"
    return session


def track_chunks(store, meeting_id: int, track: str) -> list[ChunkInfo]:  # type: ignore[no-untyped-def]
    return [c for c in stored_chunks(store, meeting_id) if c.track == track and c.frames]


def test_listed_sources_include_both_monitors(sinks: dict[str, str]) -> None:
    found = {d.name: d for d in pulse_mod.list_sources()}
    for name in sinks.values():
        assert found[f"{name}.monitor"].monitor
    assert any(d.default for d in found.values())


def test_room_and_call_are_two_tracks_each_heard_and_attributed(
        sinks: dict[str, str], encrypted_store, jfk_path: Path, tiny_en_dir: Path,  # type: ignore[no-untyped-def]
        tmp_path: Path) -> None:
    store = encrypted_store
    clip_a = tmp_path / "a.wav"  # the remote member, through the call
    subprocess.run(["sox", str(jfk_path), "-b", "16", str(clip_a)], check=True, timeout=60)
    clip_b = tmp_path / "b.wav"  # the member in the room
    subprocess.run(["espeak-ng", "-w", str(clip_b), CLIP_B_TEXT], check=True, timeout=60)

    session = start_meeting(store, sinks)
    tk = session.timekeeper
    play(sinks["call"], clip_a)  # Ana's check-in, from the call
    time.sleep(0.5)
    session.act(tk.next_turn)
    play(sinks["room"], clip_b)  # Ben's check-in, in the room
    time.sleep(1.0)
    session.end()
    mid = session.meeting.id
    # On a failure, says whether capture lost anything (blocks dropped, device lost) or
    # the words were lost after it, in transcription.
    capture = {r.track: (f"dropped {r.dropped_blocks}, overflows {r.overflows}, "
                         f"losses {getattr(r._source, 'losses', '?')}")
               for r in session.recorders}

    # Each track's chunks are sealed on disk and hold only its own clip.
    tiny = FasterWhisperTranscriber(tiny_en_dir)
    heard = {}
    for track in ("room", "call"):
        chunks = track_chunks(store, mid, track)
        assert chunks, f"no {track} chunks"
        assert all(crypto.is_sealed(c.path.read_bytes()[:16]) for c in chunks)
        pieces = read_chunks(chunks, cipher=crypto.home_cipher())
        heard[track] = words(" ".join(s.text for s in transcribe_pieces(tiny, pieces)))
    assert len(JFK_WORDS & heard["call"]) >= 2 and not B_WORDS & heard["call"], (heard, capture)
    assert len(B_WORDS & heard["room"]) >= 3 and not JFK_WORDS & heard["room"], (heard, capture)

    # The meeting's transcript: both tracks, merged by time, attributed by the turn log.
    segments = transcribe_pieces(tiny, meeting_audio(store, mid))
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    said: dict[str, set[str]] = {}
    for u in attribute(segments, spans_for(store, mid)):
        said.setdefault(u.turn.speaker if u.turn and u.turn.speaker else "?",
                        set()).update(words(u.text))
    assert len(JFK_WORDS & said.get("Ana", set())) >= 2, said
    assert len(B_WORDS & said.get("Ben", set())) >= 3, said
    assert not JFK_WORDS & said.get("Ben", set()) and not B_WORDS & said.get("Ana", set())


def test_a_lost_call_source_is_a_gap_not_a_lost_meeting(sinks: dict[str, str],
                                                         tmp_path: Path) -> None:
    store = parts.open_store()
    tone = tmp_path / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", "-c", "1", str(tone), "synth", "1.5",
                    "sine", "440", "vol", "0.5"], check=True, timeout=30)
    session = start_meeting(store, sinks)
    room, call = session.recorder, session.call_recorder
    assert room is not None and call is not None
    play(sinks["call"], tone)  # heard just before the fault: it must all be kept
    time.sleep(0.3)
    module = next(line.split("\t")[0] for line in pactl("list", "short", "modules").splitlines()
                  if f"sink_name={sinks['call']}" in line)
    room_before = room.seconds_written
    t_fault = session.timekeeper.now()
    pactl("unload-module", module)  # the call's device disappears
    assert wait_until(lambda: "call" in session.track_lost(), 2.0), \
        "the lost call track was not noticed within 2 s"
    assert "room" not in session.track_lost()
    time.sleep(3.0)
    assert room.seconds_written > room_before + 2.5, "the room track stopped with the call"
    assert session.timekeeper.now() >= t_fault + 3.0  # the clock kept running
    load_sink(sinks["call"])  # the device returns
    assert wait_until(lambda: not session.track_lost(), 15), "the call track did not resume"
    t_back = session.timekeeper.now()
    calls_after = call.seconds_written
    assert wait_until(lambda: call.seconds_written > calls_after + 1.0, 10)
    session.end()

    chunks = track_chunks(store, session.meeting.id, "call")
    ends = [(c.start, c.start + c.frames / 16000) for c in chunks]
    before = [e for e in ends if e[1] <= t_fault + 0.5]
    after = [e for e in ends if e[0] >= t_fault + 1.0]
    assert before and after and len(before) + len(after) == len(ends), ends
    gap = after[0][0] - before[-1][1]
    assert gap > 2.5, f"the time away is not a gap in the call track: {ends}"
    assert after[0][0] <= t_back + 0.5  # placed at its meeting time, not shifted back
    pieces = read_chunks([c for c in chunks if c.start < t_fault])
    audio = np.concatenate([a for _, a in pieces])
    windows = audio[:audio.size // 1600 * 1600].reshape(-1, 1600)  # 0.1 s each
    loud = np.sqrt(np.mean(np.square(windows), axis=1)) > 0.25  # the tone's RMS is 0.35
    assert loud.sum() >= 14, "the tone played before the fault was not all kept"
    # The room track has no gap at all.
    r = [(c.start, c.start + c.frames / 16000) for c in track_chunks(store, session.meeting.id,
                                                                      "room")]
    assert all(abs(b[0] - a[1]) < 0.01 for a, b in zip(r, r[1:], strict=False)), r
    store.close()


# --- the sound server dies and comes back, with the real app on screen ---------------------
class PrivateServer:
    """A PulseAudio daemon of this test alone (others share the default one), with a room
    and a call null sink; `kill` and `start` it at will."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "native"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "PULSE_RUNTIME_PATH": str(self.folder),
               "PULSE_STATE_PATH": str(self.folder)}
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1",
             "--realtime=no", "--high-priority=no", "--use-pid-file=no",
             f"--log-target=file:{self.folder / 'log'}",
             "-L", f"module-native-protocol-unix socket={self.socket}",
             "-L", "module-null-sink sink_name=room", "-L", "module-null-sink sink_name=call"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        assert wait_until(lambda: subprocess.run(
            ["pactl", "info"], capture_output=True, stdin=subprocess.DEVNULL,
            env={**os.environ, "PULSE_SERVER": f"unix:{self.socket}"}).returncode == 0, 10), \
            "the private PulseAudio did not start"

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # as a crash would: no goodbye to the clients
            self.proc.wait(timeout=10)


@pytest.fixture
def private_server(pulse: str, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateServer]:
    folder = tmp_path / "pulse"
    folder.mkdir()
    server = PrivateServer(folder)
    server.start()
    # libpulse (pulsectl, parec) connects where PULSE_SERVER says.
    monkeypatch.setenv("PULSE_SERVER", f"unix:{server.socket}")
    yield server
    server.kill()


@pytest.mark.asyncio
async def test_the_app_keeps_time_shows_the_loss_and_resumes_when_the_server_restarts(
        private_server: PrivateServer) -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.settings import Settings
    from assistant.tui.app import make_app
    from assistant.tui.screens.timekeeper import TimekeeperScreen

    store = parts.open_store()
    store.create_circle("Video circle", ["Ana", "Ben"])

    class NoModel:  # the live transcript is not under test here
        def transcribe(self, *a: object, **k: object) -> list[object]:
            return []

    app = make_app(settings=Settings(), store=store, transcriber_factory=NoModel,  # type: ignore[arg-type]
                   drafter_factory=lambda: Drafter(None), circle="Video circle",
                   source_factory=lambda: pulse_mod.PulseSource("room.monitor", label="room"),
                   call_source_factory=lambda: pulse_mod.PulseSource("call.monitor",
                                                                     label="call"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        assert "call's audio" in str(app.screen.query_one("#consent-text").render())
        await pilot.press("1", "2", "r")
        assert isinstance(app.screen, TimekeeperScreen)
        session = app.session
        assert session is not None and session.call_recorder is not None

        async def until(cond: Callable[[], bool], timeout: float) -> bool:
            deadline = time.monotonic() + timeout
            while not cond():
                if time.monotonic() > deadline:
                    return False
                await pilot.pause(0.05)
            return True

        def state() -> str:
            return str(app.screen.query_one("#rec-state").render())

        assert await until(lambda: all(r.seconds_written > 1.0 for r in session.recorders), 15)
        t_fault = session.timekeeper.now()
        private_server.kill()
        assert await until(lambda: "ROOM AND CALL TRACK LOST" in state(), 2.0), state()
        clock_then = str(app.screen.query_one("#clockbar").render())
        await pilot.pause(2.5)
        assert str(app.screen.query_one("#clockbar").render()) != clock_then  # time is kept
        private_server.start()
        assert await until(lambda: "REC" in state() and "LOST" not in state(), 15), state()
        t_back = session.timekeeper.now()
        written = {r.track: r.seconds_written for r in session.recorders}
        assert await until(lambda: all(r.seconds_written > written[r.track] + 1.0
                                       for r in session.recorders), 10)
        session.end()
        mid = session.meeting.id
        for track in ("room", "call"):
            spans = [(c.start, c.start + c.frames / 16000)
                     for c in track_chunks(store, mid, track)]
            before = [s for s in spans if s[1] <= t_fault + 0.6]
            after = [s for s in spans if s[0] >= t_fault + 1.0]
            assert before and after and len(before) + len(after) == len(spans), spans
            assert sum(b - a for a, b in before) >= 1.0  # what came before the fault is kept
            assert after[0][0] - before[-1][1] > 2.0  # the time away is a gap
            assert after[0][0] <= t_back + 0.5
    store.close()


def test_pmc_devices_lists_microphones_and_monitors(sinks: dict[str, str], pmc_home: Path,
                                                    tmp_path: Path) -> None:
    import sys

    res = subprocess.run([sys.executable, "-m", "assistant", "devices"], capture_output=True,
                         text=True, timeout=120, stdin=subprocess.DEVNULL,
                         env={**os.environ, "PMC_HOME": str(pmc_home)})
    assert res.returncode == 0, res.stderr
    for name in sinks.values():
        assert re.search(rf"monitor\s+{name}\.monitor", res.stdout), res.stdout
    assert "monitor of the default output: the call" in res.stdout
    bad = subprocess.run([sys.executable, "-m", "assistant", "meeting", "start", "--call-source",
                          "no_such_source"], capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL, env={**os.environ, "PMC_HOME": str(pmc_home)})
    assert bad.returncode != 0
    assert "no sound source named 'no_such_source'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


@pytest.mark.asyncio
async def test_the_set_up_screen_chooses_room_and_call_sources(sinks: dict[str, str]) -> None:
    from textual.widgets import OptionList

    from assistant.core.drafting.contracts import Drafter
    from assistant.core.settings import Settings
    from assistant.tui.app import make_app
    from assistant.tui.screens.sources import SourcesModal
    from assistant.tui.screens.timekeeper import TimekeeperScreen

    store = parts.open_store()
    store.create_circle("Video circle", ["Ana", "Ben"])

    class NoModel:
        def transcribe(self, *a: object, **k: object) -> list[object]:
            return []

    app = make_app(settings=Settings(), store=store, transcriber_factory=NoModel,  # type: ignore[arg-type]
                   drafter_factory=lambda: Drafter(None), circle="Video circle")
    app.sources_choosable = True
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "call none" in str(app.screen.query_one("#attendance-sound").render())

        async def pick(name: str) -> None:
            options = app.screen.query_one("#sources-list", OptionList)
            ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
            options.highlighted = ids.index(name)
            await pilot.press("enter")
            await pilot.pause()

        await pilot.press("a")
        assert isinstance(app.screen, SourcesModal)
        await pick(f"{sinks['room']}.monitor")
        await pick(f"{sinks['call']}.monitor")
        shown = str(app.screen.query_one("#attendance-sound").render())
        assert f"call {sinks['call']}.monitor" in shown, shown
        await pilot.press("c")
        assert "call's audio" in str(app.screen.query_one("#consent-text").render())
        await pilot.press("1", "2", "r")
        assert isinstance(app.screen, TimekeeperScreen)
        session = app.session
        assert session is not None and session.call_recorder is not None
        source = session.call_recorder._source
        assert isinstance(source, pulse_mod.PulseSource)
        assert source.name == f"{sinks['call']}.monitor"
        assert wait_until(lambda: session.call_recorder is not None
                          and session.call_recorder.seconds_written > 0, 15)
        session.end()
    store.close()
