"""A live meeting in an encrypted home: chunks are sealed on disk and read back whole."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from assistant.core import locations
from assistant.core.audio.recorder import FileSource
from assistant.core.privacy import crypto
from assistant.services.session import MeetingSession, meeting_audio, recover_meeting


def test_recorded_chunks_are_sealed_and_read_back(encrypted_store) -> None:  # type: ignore[no-untyped-def]
    store = encrypted_store
    circle = store.create_circle("Sealed", ["Ana", "Ben"])
    present = store.members(circle)
    session = MeetingSession.create(store, circle, present, time.monotonic, dt.date(2026, 3, 5))
    for m in present:
        session.set_consent(m.id, True)
    rng = np.random.default_rng(7)
    signal = (rng.standard_normal(16000 * 3) * 0.1).astype(np.float32)
    session.start(record=True, source=FileSource(signal, realtime=False))
    deadline = time.monotonic() + 30
    while session.recorder is not None and session.recorder.seconds_written < 2.9:
        assert time.monotonic() < deadline, "the recorder did not write the audio"
        time.sleep(0.05)
    session.end()
    files = list((locations.audio_dir() / str(session.meeting.id)).iterdir())
    assert files
    raw = signal_bytes = (np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes()
    for f in files:
        data = f.read_bytes()
        assert crypto.is_sealed(data[:16])
        assert raw[1000:1064] not in data  # no run of the raw samples is on disk
    pieces = meeting_audio(store, session.meeting.id)
    got = np.concatenate([a for _, a in pieces])
    expect = np.frombuffer(signal_bytes, "<i2").astype(np.float32) / 32768.0
    assert len(got) == len(expect) and np.allclose(got, expect, atol=1e-4)
    # Recovery after a crash reads the sealed chunks too.
    assert sum(c.frames for c in recover_meeting(store, session.meeting.id)) == len(expect)
