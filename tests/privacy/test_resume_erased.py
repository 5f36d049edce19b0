"""`pmc meeting resume` honours a member's "Delete" exactly as the end of a live meeting does.

The meeting: the first 8.4 s of the bundled demo meeting (Maya's check-in, then Tom's),
recorded by the real Recorder into 5-second chunks in a plain or an encrypted home. Tom
withdraws consent during his turn and chooses Delete; the erase silences the closed chunks
but leaves the last one, which the recorder still held open, for the end of the meeting,
and the app dies before that end. `resume` (real tiny.en) must silence that chunk, never
hand Tom's span to Whisper, and transcribe Maya.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from assistant.core.audio.chunks import (
    meeting_audio_dir,
    save_chunk,
    stored_chunks,
    written_within,
)
from assistant.core.audio.decode import load
from assistant.core.audio.recorder import CHUNK_RE, RATE, FileSource, Recorder
from assistant.core.drafting.contracts import Drafter
from assistant.core.meeting.consent import ConsentLedger
from assistant.core.privacy import crypto, erase
from assistant.core.speech.types import SpeechSegment
from assistant.core.store.store import Store
from assistant.services import resume

from .conftest import REPO

SECONDS = 8.4  # Tom withdraws here, in his turn: nothing later is recorded
TURNS = [("Maya", 0.0, 4.6), ("Tom", 4.6, SECONDS)]
TOM = (4.1, 8.9)  # his turn widened by erase.PAD


class Spy:
    """The real transcriber, noting what audio it is given (meeting seconds)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.name = real.name
        self.heard: list[tuple[float, float]] = []

    def transcribe(self, audio: np.ndarray, offset: float = 0.0, **kw: Any) -> list[SpeechSegment]:
        self.heard.append((offset, offset + len(audio) / RATE))
        return self.real.transcribe(audio, offset=offset, **kw)  # type: ignore[no-any-return]


class Hallucinating:
    """Hears Maya, and 'thank you' placed across the edge of Tom's erased span, as Whisper
    may place words it hears in silence (the pieces are cut, the times can spill over)."""

    name = "scripted"

    def transcribe(self, audio: np.ndarray, offset: float = 0.0, **kw: Any) -> list[SpeechSegment]:
        end = offset + len(audio) / RATE
        said = [SpeechSegment(0.5, 2.9, "It was a busy week."),
                SpeechSegment(3.9, 4.6, "Thank you.")]
        return [s for s in said if offset <= s.start < end]


def crashed_withdrawal(store: Store) -> tuple[int, np.ndarray]:
    """Tom's Delete recorded, the last chunk still holding his voice, then a crash."""
    circle = store.create_circle("Demo Circle", ["Maya", "Tom"])
    ids = {m.name: m.id for m in store.members(circle)}
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live", "open")
    store.set_attendance(m.id, {i: True for i in ids.values()})
    consent = ConsentLedger.for_meeting(store, m.id)
    for i in ids.values():
        consent.grant(i)
    signal = FileSource(load(REPO / "assistant" / "demo" / "demo_circle.wav")).data
    signal = signal[:int(SECONDS * RATE)]
    source = FileSource(signal, realtime=False)
    rec = Recorder(meeting_audio_dir(m.id), source=source, chunk_seconds=5.0,
                   cipher=crypto.home_cipher(), on_chunk=lambda info: save_chunk(store, m.id, info))
    rec.start()
    assert source.wait(60)
    chunks = rec.close()
    for c in chunks:
        save_chunk(store, m.id, c)
    assert [c.start for c in chunks] == [0.0, 5.0]
    store.add_turns(m.id, [(ids[who], "check_in", a, b) for who, a, b in TURNS])
    consent.withdraw(ids["Tom"])
    tom = store.member_by_id(ids["Tom"])
    done = erase.erase_member(store, m.id, tom, spans=[TURNS[1][1:]], reason="withdrawal",
                              exclude={chunks[-1].path})  # still open when he chose Delete
    assert done.audio == "silenced" and done.chunks == 1 and done.pending == 1
    if not crypto.home_cipher():
        with chunks[-1].path.open("ab") as fh:
            fh.write(b"\x01")  # half a sample: the crash interrupted a write
    old = time.time() - 60  # the app died a minute ago
    for p in meeting_audio_dir(m.id).iterdir():
        os.utime(p, (old, old))
    return m.id, signal


def on_disk(mid: int) -> np.ndarray:
    """The chunk files laid out on the meeting clock (read only: no repair)."""
    out = np.full(int(SECONDS * RATE), -1, dtype=np.int32)
    cipher = crypto.home_cipher()
    for path in meeting_audio_dir(mid).iterdir():
        m = CHUNK_RE.match(path.name)
        assert m, f"{path.name} left in the audio folder"
        raw = path.read_bytes()
        if cipher is not None:
            assert crypto.is_sealed(raw)
            raw = cipher.open(raw, path.name)[0]
        a = np.frombuffer(raw[:len(raw) // 2 * 2], dtype="<i2")
        i = int(m.group(2)) * RATE // 1000
        out[i:i + a.size] = a
    return out


def run(store: Store, transcriber: Callable[[], Any]) -> list[str]:
    said: list[str] = []
    resume.resume_all(store, transcriber=transcriber, drafter=lambda: Drafter(None),
                      contract_pass="off", say=said.append)
    return said


@pytest.mark.model
def test_resume_after_a_crash_keeps_a_deleted_member_silent(
        either_store: Store, tiny_transcriber: Any) -> None:
    store = either_store
    mid, signal = crashed_withdrawal(store)
    inside = np.zeros(signal.size, bool)
    inside[int(TOM[0] * RATE):] = True
    assert on_disk(mid)[5 * RATE:][signal[5 * RATE:] != 0].all()  # the open chunk: Tom's voice
    assert resume.report(store)[0].stage == "recorded"

    spy = Spy(tiny_transcriber)
    said = run(store, lambda: spy)

    assert "meeting 1: recovered 8 s of audio in 2 chunks" in said
    assert "meeting 1: 4 s of erased speech left out" in said
    assert store.meeting(mid).status == "drafted"
    got = on_disk(mid)
    assert not got[inside].any()  # Tom's span is zero in every chunk
    assert np.array_equal(got[~inside], signal[~inside])  # Maya's samples as recorded
    assert all(b <= TOM[0] for _a, b in spy.heard)  # Whisper never heard Tom's span
    segments = store.segments(mid)
    tom = store.member(store.circle("Demo Circle"), "Tom")
    assert not [s for s in segments if s.member_id == tom.id or s.end > TOM[0]]
    text = " ".join(s.text for s in segments).lower()
    assert "feel good" in text  # Maya is transcribed ("I feel good today")
    assert not written_within(mid, resume.ACTIVE_S)  # repairs kept the files' times
    assert erase.erased_spans(store, mid) == [pytest.approx(TOM)]


def test_words_placed_in_an_erased_span_are_never_stored(either_store: Store) -> None:
    store = either_store
    mid, _signal = crashed_withdrawal(store)
    said = run(store, Hallucinating)
    assert "meeting 1: transcribed (1 utterances)" in said
    assert [s.text for s in store.segments(mid)] == ["It was a busy week."]
    assert sum(c.frames for c in stored_chunks(store, mid)) == int(SECONDS * RATE)


def test_a_transcribed_meeting_is_finished_with_its_erasures(either_store: Store) -> None:
    """Killed after the transcript was written, before the open chunk was silenced."""
    store = either_store
    mid, signal = crashed_withdrawal(store)
    maya = store.member(store.circle("Demo Circle"), "Maya")
    store.add_segments(mid, [(None, maya.id, "check_in", 0.5, 2.9, "It was a busy week."),
                             (None, None, "check_in", 5.5, 6.5, "Thank you.")])
    store.set_meeting_status(mid, "transcribed", SECONDS)
    run(store, Hallucinating)
    assert store.meeting(mid).status == "drafted"
    assert [s.text for s in store.segments(mid)] == ["It was a busy week."]
    assert not on_disk(mid)[int(TOM[0] * RATE):].any()
