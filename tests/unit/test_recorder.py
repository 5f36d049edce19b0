"""Recorder logic with fake or file sources: chunk rolling, off the record, drops, recovery."""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core.audio import recorder as rec_mod
from assistant.core.audio.recorder import (
    ChunkInfo,
    FileSource,
    Recorder,
    list_input_devices,
    read_chunks,
    recover,
)
from assistant.core.errors import PMCError

RATE = 16000
BLOCK = 1600  # 0.1 s


class FakeSource:
    """Calls the recorder's callback synchronously from the test thread, like PortAudio would."""

    samplerate = RATE

    def __init__(self) -> None:
        self.callback: Callable[[np.ndarray, int, Any, Any], None] | None = None
        self.stopped = 0

    def start(self, callback: Callable[[np.ndarray, int, Any, Any], None]) -> None:
        self.callback = callback

    def stop(self) -> None:
        self.stopped += 1

    def push(self, block: np.ndarray, status: Any = None) -> None:
        assert self.callback is not None
        self.callback(block.reshape(-1, 1), block.size, None, status)


def ramp(n: int, first: int = 0) -> np.ndarray:
    """A sample-counter pattern: every sample differs from its neighbours, so gaps show."""
    return ((np.arange(first, first + n) % 65536) - 32768).astype(np.int16)


def const(value: int, n: int = BLOCK) -> np.ndarray:
    return np.full(n, value, dtype=np.int16)


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def pcm(path: Path) -> np.ndarray:
    return np.frombuffer(path.read_bytes(), dtype="<i2")


def test_chunks_roll_and_keep_every_sample(tmp_path: Path) -> None:
    signal = ramp(int(2.55 * RATE))
    events: list[ChunkInfo] = []
    heard: list[tuple[float, np.ndarray]] = []
    src = FileSource(signal, block_seconds=0.1, realtime=False)
    rec = Recorder(tmp_path / "rec", source=src, chunk_seconds=1.0, on_chunk=events.append,
                   on_audio=lambda a, t: heard.append((t, a)))
    rec.start()
    assert src.wait(10)
    chunks = rec.close()

    assert [c.start for c in chunks] == [0.0, 1.0, 2.0]
    assert [c.frames for c in chunks] == [16000, 16000, 8800]
    assert all(c.closed for c in chunks)
    assert [c.path.name for c in chunks] == [
        "chunk-000000-000000000000.pcm", "chunk-000001-000000001000.pcm",
        "chunk-000002-000000002000.pcm"]
    assert np.array_equal(np.concatenate([pcm(c.path) for c in chunks]), signal)
    # on_chunk: open then close for each chunk, in order
    assert [(e.seq, e.closed) for e in events] == [(0, False), (0, True), (1, False), (1, True),
                                                   (2, False), (2, True)]
    # on_audio: every written block, float32, with its meeting time
    assert [round(t, 3) for t, _ in heard] == [round(i * 0.1, 3) for i in range(26)]
    assert heard[0][1].dtype == np.float32
    assert np.array_equal(np.concatenate([a for _, a in heard]), signal / 32768.0)
    assert rec.seconds_written == pytest.approx(2.55)
    assert rec.dropped_blocks == 0 and not rec.recording
    # read_chunks gives what transcription needs
    read = read_chunks(chunks)
    assert [t for t, _ in read] == [0.0, 1.0, 2.0]
    assert np.array_equal(np.concatenate([a for _, a in read]), signal / np.float32(32768))
    # raw meeting audio is private
    assert stat.S_IMODE((tmp_path / "rec").stat().st_mode) == 0o700
    assert all(stat.S_IMODE(c.path.stat().st_mode) == 0o600 for c in chunks)


def test_blocks_straddling_a_chunk_boundary_are_split_exactly(tmp_path: Path) -> None:
    signal = ramp(RATE * 2)
    src = FileSource(signal, block_seconds=0.3, realtime=False)
    rec = Recorder(tmp_path, source=src, chunk_seconds=0.5)
    rec.start()
    assert src.wait(10)
    chunks = rec.close()
    assert [c.frames for c in chunks] == [8000] * 4
    assert [c.start for c in chunks] == [0.0, 0.5, 1.0, 1.5]
    assert np.array_equal(np.concatenate([pcm(c.path) for c in chunks]), signal)


def test_off_the_record_frames_are_never_written(tmp_path: Path) -> None:
    secret = 7777
    src = FakeSource()
    heard: list[np.ndarray] = []
    rec = Recorder(tmp_path, source=src, chunk_seconds=30, on_audio=lambda a, t: heard.append(a))
    rec.start()
    for _ in range(3):
        src.push(const(100))
    wait_until(lambda: rec.seconds_written == pytest.approx(0.3))
    rec.set_on_record(False)
    assert not rec.on_record
    for _ in range(25):  # 2.5 s off the record
        src.push(const(secret))
    # going off the record closes the chunk at once, not at the next on-record block
    wait_until(lambda: rec.chunks[-1].closed)
    assert rec.level == 0.0
    rec.set_on_record(True)
    for _ in range(4):
        src.push(const(200))
    chunks = rec.close()

    assert len(chunks) == 2
    assert chunks[0].start == 0.0 and chunks[0].frames == 3 * BLOCK
    # the meeting clock kept running through the 2.5 s off the record
    assert chunks[1].start == pytest.approx(2.8)
    assert chunks[1].path.name == "chunk-000001-000000002800.pcm"
    assert chunks[1].frames == 4 * BLOCK
    for c in chunks:
        assert secret not in pcm(c.path)
    assert np.array_equal(pcm(chunks[0].path), const(100, 3 * BLOCK))
    assert np.array_equal(pcm(chunks[1].path), const(200, 4 * BLOCK))
    assert all(not np.any(a == np.float32(secret / 32768)) for a in heard)
    assert sorted(p.name for p in tmp_path.iterdir()) == [c.path.name for c in chunks]


def test_starting_off_the_record_writes_nothing_until_on(tmp_path: Path) -> None:
    src = FakeSource()
    rec = Recorder(tmp_path, source=src, start_offset=60.0)
    rec.set_on_record(False)
    rec.start()
    for _ in range(10):
        src.push(const(5))
    time.sleep(0.1)
    assert rec.chunks == [] and list(tmp_path.iterdir()) == []
    rec.set_on_record(True)
    src.push(const(6))
    chunks = rec.close()
    assert [(c.start, c.frames) for c in chunks] == [(61.0, BLOCK)]


def test_dropped_blocks_counted_when_the_writer_is_stalled(tmp_path: Path) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_listener(audio: np.ndarray, t: float) -> None:
        entered.set()
        release.wait(10)

    src = FakeSource()
    rec = Recorder(tmp_path, source=src, queue_blocks=5, on_audio=slow_listener)
    rec.start()
    src.push(ramp(BLOCK, 0))
    assert entered.wait(5)  # the writer is now stuck in the listener
    for i in range(1, 21):
        src.push(ramp(BLOCK, i * BLOCK))  # the callback must never block
    assert rec.dropped_blocks == 15
    release.set()
    wait_until(lambda: rec.seconds_written == pytest.approx(0.6))  # the backlog is written
    src.push(ramp(BLOCK, 21 * BLOCK))
    src.push(ramp(BLOCK, 22 * BLOCK))
    chunks = rec.close()
    assert rec.dropped_blocks == 15
    # blocks 0..5 are contiguous; the drop ends that chunk, and the next starts at its true time
    assert [(c.start, c.frames) for c in chunks] == [(0.0, 6 * BLOCK), (2.1, 2 * BLOCK)]
    assert np.array_equal(pcm(chunks[0].path), ramp(6 * BLOCK))
    assert np.array_equal(pcm(chunks[1].path), ramp(2 * BLOCK, 21 * BLOCK))


def test_overflow_status_and_level(tmp_path: Path) -> None:
    src = FakeSource()
    rec = Recorder(tmp_path, source=src)
    rec.start()
    src.push(const(16384), status="input overflow")
    src.push(const(16384))
    assert rec.overflows == 1
    assert rec.level == pytest.approx(0.5)
    src.push(const(0))
    assert rec.level == 0.0
    rec.close()


def test_close_is_idempotent_and_safe_before_start(tmp_path: Path) -> None:
    assert Recorder(tmp_path / "never", source=FakeSource()).close() == []
    src = FakeSource()
    rec = Recorder(tmp_path / "r", source=src)
    rec.start()
    assert rec.recording
    src.push(ramp(BLOCK))
    first = rec.close()
    assert len(first) == 1 and first[0].closed and first[0].frames == BLOCK
    assert rec.close() == first
    assert src.stopped == 1
    src.push(ramp(BLOCK))  # a late block after close is ignored
    assert rec.close() == first and pcm(first[0].path).size == BLOCK


def test_disk_full_stops_cleanly_and_keeps_what_was_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    budget = {"bytes": 3 * BLOCK * 2 + 1001}  # room for 3 blocks and half a sample more
    real_write = os.write

    def full_write(fd: int, data: Any) -> int:
        if budget["bytes"] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = real_write(fd, bytes(data)[:budget["bytes"]])
        budget["bytes"] -= n
        return n

    monkeypatch.setattr(rec_mod.os, "write", full_write)
    errors: list[str] = []
    src = FakeSource()
    rec = Recorder(tmp_path, source=src, on_error=errors.append)
    rec.start()
    for i in range(6):
        src.push(ramp(BLOCK, i * BLOCK))
    wait_until(lambda: bool(errors))
    chunks = rec.close()
    monkeypatch.undo()

    assert len(errors) == 1 and "\n" not in errors[0] and "disk is full" in errors[0]
    assert rec.error == errors[0]
    assert not rec.recording and src.stopped >= 1
    assert len(chunks) == 1 and chunks[0].closed
    data = pcm(chunks[0].path)
    assert chunks[0].path.stat().st_size % 2 == 0  # the half sample is gone
    assert data.size == chunks[0].frames == 3 * BLOCK + 500
    assert np.array_equal(data, ramp(data.size))
    assert recover(tmp_path) == chunks


def test_recover_after_a_crash_mid_write(tmp_path: Path) -> None:
    src = FakeSource()
    rec = Recorder(tmp_path, source=src, chunk_seconds=0.5)
    rec.start()
    for i in range(7):
        src.push(ramp(BLOCK, i * BLOCK))
    chunks = rec.close()
    assert [c.frames for c in chunks] == [8000, 3200]
    # what a kill in the middle of a write leaves behind: half a sample at the end of the last
    # chunk, and an empty chunk opened just before the process died
    with chunks[-1].path.open("ab") as fh:
        fh.write(b"\x01")
    (tmp_path / "chunk-000002-000000000700.pcm").touch()
    (tmp_path / "notes.txt").write_text("not a chunk")

    found = recover(tmp_path)
    assert found == chunks
    assert chunks[-1].path.stat().st_size == 3200 * 2
    audio = np.concatenate([a for _, a in read_chunks(found)])
    assert np.array_equal(audio, ramp(7 * BLOCK) / np.float32(32768))
    assert recover(tmp_path / "missing") == []


def test_recover_needs_only_the_file_names(tmp_path: Path) -> None:
    (tmp_path / "chunk-000003-000000125250.pcm").write_bytes(ramp(100).tobytes() + b"\x07")
    (tmp_path / "chunk-000001-000000000000.pcm").write_bytes(ramp(10).tobytes())
    found = recover(tmp_path)
    assert [(c.seq, c.start, c.frames, c.closed) for c in found] == [
        (1, 0.0, 10, True), (3, 125.25, 100, True)]


def test_a_new_recorder_continues_the_numbering(tmp_path: Path) -> None:
    (tmp_path / "chunk-000004-000000010000.pcm").write_bytes(ramp(10).tobytes())
    src = FakeSource()
    rec = Recorder(tmp_path, source=src, start_offset=12.0)
    rec.start()
    src.push(ramp(BLOCK))
    chunks = rec.close()
    assert chunks[0].path.name == "chunk-000005-000000012000.pcm"
    assert [c.seq for c in recover(tmp_path)] == [4, 5]


def test_a_failing_listener_does_not_stop_recording(tmp_path: Path) -> None:
    def broken(audio: np.ndarray, t: float) -> None:
        raise RuntimeError("listener bug")

    src = FakeSource()
    rec = Recorder(tmp_path, source=src, on_audio=broken)
    rec.start()
    for i in range(3):
        src.push(ramp(BLOCK, i * BLOCK))
    chunks = rec.close()
    assert chunks[0].frames == 3 * BLOCK and rec.error is None


def test_close_from_the_error_listener_does_not_deadlock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(rec_mod, "_write_all", no_space)
    src = FakeSource()
    box: dict[str, Recorder] = {}
    done = threading.Event()

    def on_error(msg: str) -> None:
        box["rec"].close()
        done.set()

    rec = box["rec"] = Recorder(tmp_path, source=src, on_error=on_error)
    rec.start()
    src.push(ramp(BLOCK))
    assert done.wait(5)
    assert rec.close()[0].frames == 0


def test_file_source_decodes_a_wav_exactly(tmp_path: Path) -> None:
    signal = ramp(RATE)
    path = tmp_path / "ramp.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(signal.tobytes())
    src = FileSource(path, realtime=False)
    assert np.array_equal(src.data, signal) and src.seconds == 1.0


def test_file_source_realtime_paces_blocks(tmp_path: Path) -> None:
    times: list[float] = []
    src = FileSource(ramp(RATE // 2), block_seconds=0.1, realtime=True)
    src.start(lambda block, n, t, s: times.append(time.monotonic()))
    assert src.wait(5)
    assert src.started_at is not None
    assert len(times) == 5
    # each block arrives once it has been "captured", never earlier
    for i, t in enumerate(times):
        assert t - src.started_at >= (i + 1) * 0.1 - 1e-3


def test_source_rate_must_match(tmp_path: Path) -> None:
    class Fast(FakeSource):
        samplerate = 48000

    with pytest.raises(ValueError):
        Recorder(tmp_path, source=Fast())


def test_missing_portaudio_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPortAudio:
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
            if name == "sounddevice":
                raise OSError("PortAudio library not found")
            return None

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio(), *sys.meta_path])
    with pytest.raises(PMCError) as err:
        list_input_devices()
    assert "libportaudio2" in str(err.value) and "\n" not in str(err.value)


def test_live_sources_place_the_first_frame_at_its_wall_clock_time(tmp_path: Path) -> None:
    class LiveSource(FakeSource):
        live = True

    src = LiveSource()
    rec = Recorder(tmp_path, source=src, start_offset=10.0)
    rec.start()
    time.sleep(0.5)  # a device pipeline that is slow to deliver its first block
    src.push(ramp(BLOCK))
    src.push(ramp(BLOCK, BLOCK))
    chunks = rec.close()
    # the block arrived >= 0.5 s after start() and holds the 0.1 s before its arrival
    assert len(chunks) == 1
    assert 10.399 <= chunks[0].start < 12.0
