"""Every promise covers the call track too: sealed, off the record, withdrawal, `pmc forget`.

Two real recorders (room and call) write sealed chunks from FileSources into one meeting
folder, as a circle meeting by video does; the clock is a fake, the store real.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from assistant.core.audio.recorder import RATE, FileSource, Recorder, read_chunks
from assistant.core.privacy import crypto, erase
from assistant.services.session import MeetingSession, stored_chunks


class Clock:
    t = 100.0

    def __call__(self) -> float:
        return self.t


def wait_written(rec: Recorder, seconds: float) -> None:
    deadline = time.monotonic() + 30
    while rec.seconds_written < seconds:
        assert time.monotonic() < deadline, "the recorder did not write the audio"
        time.sleep(0.02)


def track(store, meeting_id: int, name: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    chunks = [c for c in stored_chunks(store, meeting_id) if c.track == name]
    assert chunks and all(crypto.is_sealed(c.path.read_bytes()[:16]) for c in chunks)
    pieces = read_chunks(chunks, cipher=crypto.home_cipher())
    assert [p[0] for p in pieces] == sorted(p[0] for p in pieces)
    return np.concatenate([a for _, a in pieces])


def test_off_record_withdrawal_and_forget_cover_both_tracks(encrypted_store) -> None:  # type: ignore[no-untyped-def]
    store = encrypted_store
    circle = store.create_circle("Video", ["Ana", "Ben"])
    ana, ben = store.members(circle)
    clock = Clock()
    session = MeetingSession.create(store, circle, [ana, ben], clock, dt.date(2026, 3, 5))
    for m in (ana, ben):
        session.set_consent(m.id, True)
    rng = np.random.default_rng(5)
    room_sig = rng.integers(1000, 9000, 4 * RATE).astype(np.int16)
    call_sig = -rng.integers(1000, 9000, 4 * RATE).astype(np.int16)
    session.start(record=True, source=FileSource(room_sig, realtime=False),
                  call_source=FileSource(call_sig, realtime=False))
    room, call = session.recorder, session.call_recorder
    assert room is not None and call is not None and call.track == "call"
    wait_written(room, 4.0)
    wait_written(call, 4.0)
    # Off the record, and a withdrawal, stop both tracks at once.
    session.set_off_record(True)
    assert not room.on_record and not call.on_record and not session.is_recording
    session.set_off_record(False)
    assert room.on_record and call.on_record
    session.set_consent(ben.id, False)
    assert not room.on_record and not call.on_record
    session.set_consent(ben.id, True)
    clock.t += 1.5
    session.act(session.timekeeper.next_turn)  # Ben's check-in from 1.5 s to 2.5 s
    clock.t += 1.0
    session.act(session.timekeeper.next_turn)
    session.end()
    mid = session.meeting.id
    got_room, got_call = track(store, mid, "room"), track(store, mid, "call")
    assert np.array_equal((got_room * 32768).astype(np.int16), room_sig)
    assert np.array_equal((got_call * 32768).astype(np.int16), call_sig)

    # `pmc forget` Ben: his turn (padded 0.5 s) goes silent in both tracks, the rest stays.
    done = erase.erase_member(store, mid, ben)
    assert done.audio == "silenced" and done.chunks == 2
    inside = np.zeros(4 * RATE, bool)
    inside[1 * RATE:3 * RATE] = True
    for name, sig in (("room", room_sig), ("call", call_sig)):
        got = (track(store, mid, name) * 32768).astype(np.int16)
        assert got.size == sig.size
        assert not got[inside].any(), f"Ben's turn is still audible in the {name} track"
        assert np.array_equal(got[~inside], sig[~inside])
