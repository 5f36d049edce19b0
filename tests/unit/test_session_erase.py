"""A live session in an encrypted home: Delete after a withdrawal, while a chunk is still open.

The recorder keeps its last chunk open until the next block arrives or it is closed; the
erase leaves that chunk alone (it is still being written) and `end` silences it once it is
sealed. The real recorder writes sealed chunks from a FileSource; the clock is a fake.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from assistant.core import locations
from assistant.core.audio.recorder import RATE, FileSource
from assistant.core.privacy import crypto, erase
from assistant.services.session import MeetingSession, meeting_audio, stored_chunks


class Clock:
    t = 100.0

    def __call__(self) -> float:
        return self.t


def test_delete_while_the_last_chunk_is_open_is_finished_at_the_end(encrypted_store) -> None:  # type: ignore[no-untyped-def]
    store = encrypted_store
    circle = store.create_circle("Sealed", ["Ana", "Ben"])
    ana, ben = store.members(circle)
    clock = Clock()
    session = MeetingSession.create(store, circle, [ana, ben], clock, dt.date(2026, 3, 5))
    for m in (ana, ben):
        session.set_consent(m.id, True)
    signal = np.random.default_rng(3).integers(1000, 9000, 4 * RATE).astype(np.int16)
    source = FileSource(signal, realtime=False)
    session.start(record=True, source=source)
    assert source.wait(30)
    deadline = time.monotonic() + 30
    while session.recorder is not None and session.recorder.seconds_written < 4.0:
        assert time.monotonic() < deadline, "the recorder did not write the audio"
        time.sleep(0.02)
    clock.t += 1.5
    session.act(session.timekeeper.next_turn)  # Ben's check-in from 1.5 s
    clock.t += 1.0
    session.set_consent(ben.id, False)  # at 2.5 s
    assert not session.is_recording
    spans = session.spans_to_erase(ben.id)
    assert spans == [(1.5, 2.5)] and session.erased == [(1.0, 3.0)]
    assert session.is_erased(1.4, 2.0) and not session.is_erased(0.0, 1.2)
    # No block arrives after the file ended, so the only chunk is still open.
    assert [c.closed for c in session.recorder.chunks] == [False]
    done = session.erase_member(ben.id, spans, seal_timeout=0.2)
    assert done.audio == "silenced" and done.chunks == 0 and done.pending == 1
    assert done.turns == 1  # counted: its chunk is silenced as soon as it is sealed
    assert session.wait_erasures(1.0)
    session.end()
    (chunk,) = stored_chunks(store, session.meeting.id)
    assert crypto.is_sealed(chunk.path.read_bytes())
    cipher = crypto.home_cipher()
    assert cipher is not None
    got = np.frombuffer(cipher.open(chunk.path.read_bytes())[0], dtype="<i2")
    assert got.size == signal.size
    inside = np.zeros(signal.size, bool)
    inside[1 * RATE:3 * RATE] = True
    assert not got[inside].any()
    assert np.array_equal(got[~inside], signal[~inside])
    assert erase.erased_spans(store, session.meeting.id) == [(1.0, 3.0)]
    # The transcription after the meeting gets Ana's part only.
    assert [(s, a.size / RATE) for s, a in meeting_audio(store, session.meeting.id)] == [
        (0.0, 1.0), (3.0, 1.0)]
    assert locations.audio_dir().is_dir()
