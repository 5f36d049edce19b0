"""Two tracks in one meeting folder, and a source that loses its device (recorder logic)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core.audio.recorder import (
    RATE,
    ChunkNumbers,
    FileSource,
    Recorder,
    chunk_name,
    read_chunks,
    recover,
    track_of,
)


def wait(rec: Recorder, seconds: float) -> None:
    deadline = time.monotonic() + 30
    while rec.seconds_written < seconds:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_two_tracks_share_one_numbering_and_keep_their_names(tmp_path: Path) -> None:
    numbers = ChunkNumbers(tmp_path)
    room_audio = np.full(RATE * 3, 0.25, dtype=np.float32)
    call_audio = np.full(RATE * 3, -0.5, dtype=np.float32)
    room = Recorder(tmp_path, source=FileSource(room_audio, realtime=False), chunk_seconds=1.0,
                    numbers=numbers)
    call = Recorder(tmp_path, source=FileSource(call_audio, realtime=False), chunk_seconds=1.0,
                    numbers=numbers, track="call")
    room.start()
    call.start()
    wait(room, 3.0)
    wait(call, 3.0)
    chunks = room.close() + call.close()
    seqs = [c.seq for c in chunks]
    assert len(set(seqs)) == len(seqs) == 6  # the store lists chunks by (meeting, seq)
    assert {c.track for c in chunks} == {"room", "call"}
    assert all(c.path.name.endswith("-call.pcm") == (c.track == "call") for c in chunks)
    found = recover(tmp_path)
    assert sorted(found, key=lambda c: c.seq) == sorted(chunks, key=lambda c: c.seq)
    for track, level in (("room", 0.25), ("call", -0.5)):
        pieces = read_chunks([c for c in found if c.track == track])
        audio = np.concatenate([a for _, a in pieces])
        assert audio.size == RATE * 3 and np.allclose(audio, level, atol=1e-4)
    # A recording restarted after a crash numbers after both tracks' files.
    assert ChunkNumbers(tmp_path).take() == max(seqs) + 1


def test_track_of_names() -> None:
    assert track_of(Path(chunk_name(3, 1500))) == "room"
    assert track_of(Path(chunk_name(3, 1500, "call"))) == "call"


class LosingSource:
    """Delivers blocks, then says its device is lost, then comes back with a resync."""

    live = True
    samplerate = RATE

    def __init__(self) -> None:
        self.lost: str | None = None
        self.cb: Any = None

    def start(self, callback: Any) -> None:
        self.cb = callback

    def stop(self) -> None:
        pass

    def block(self, info: Any = None) -> None:
        b = np.full((1600, 1), 1000, dtype=np.int16)
        self.cb(b, 1600, info, None)


def test_a_lost_device_leaves_a_gap_at_its_true_length(tmp_path: Path) -> None:
    src = LosingSource()
    rec = Recorder(tmp_path, source=src, start_offset=10.0)
    t0 = time.monotonic()
    rec.start()
    for _ in range(5):
        src.block()
    src.lost = "gone"
    src.cb(np.zeros((0, 1), dtype=np.int16), 0, {"lost": "gone"}, None)
    assert rec.lost == "gone"
    time.sleep(1.0)  # the device is away for a second
    src.lost = None
    back = time.monotonic() - t0
    src.block({"resync": True})
    src.block()
    chunks = rec.close()
    assert len(chunks) == 2 and all(c.closed for c in chunks)
    first, second = chunks
    assert first.frames == 5 * 1600
    end_first = first.start + first.frames / RATE
    # The first block after the return is placed at its wall-clock meeting time (it ends
    # now), so the time away is a gap, not audio shifted back over it.
    assert second.start > end_first + 0.3
    assert abs(second.start - (10.0 + back - 0.1)) < 0.05
    assert second.frames == 2 * 1600


def test_a_contracts_turn_is_heard_again_from_the_track_its_voice_is_on() -> None:
    from assistant.services.processing import _slice

    quiet = np.full(RATE * 4, 0.001, dtype=np.float32)  # the room, silent during the turn
    loud = np.full(RATE * 4, 0.3, dtype=np.float32)  # the call: the remote member speaks
    start, audio = _slice([(10.0, quiet), (10.0, loud)], 11.0, 12.0)
    assert start == 11.0 and audio.size == RATE and float(audio[0]) == pytest.approx(0.3)
    start, audio = _slice([(10.0, loud), (10.0, quiet)], 11.0, 12.0)
    assert float(audio[0]) == pytest.approx(0.3)  # the order of the tracks does not matter
    # More coverage still wins over loudness: a piece holding only the turn's tail loses.
    start, audio = _slice([(11.8, loud[:RATE]), (10.0, quiet)], 11.0, 12.0)
    assert start == 11.0 and float(audio[0]) == pytest.approx(0.001)


def test_settings_take_room_and_call_sources() -> None:
    from assistant.core.settings import parse

    s = parse('call_source = "alsa_output.pci.monitor"\nroom_source = "usb_mic"\n')
    assert (s.room_source, s.call_source) == ("usb_mic", "alsa_output.pci.monitor")
    assert parse("").call_source == ""
