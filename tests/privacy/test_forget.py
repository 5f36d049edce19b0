"""Forgetting one member silences only their turns in the recorded audio.

A real Recorder writes sealed chunks (AES-GCM, an encrypted home) from a FileSource;
the turn log says who held the floor when. After the erase, the chunks are opened again:
the member's turns (plus the pad) are zero, every other sample is as recorded, the files
are still sealed, and the database passes `PRAGMA integrity_check`. `pmc forget` is run
as a subprocess too.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assistant.core import locations
from assistant.core.audio.chunks import meeting_audio_dir
from assistant.core.audio.recorder import CHUNK_RE, RATE, FileSource, Recorder, recover
from assistant.core.privacy import crypto, erase
from assistant.core.store.store import Store
from assistant.services import parts
from assistant.services.session import meeting_audio, save_chunk, stored_chunks

from .conftest import PASSPHRASE, Run

SECONDS = 10.0
# (member, start, end): Ana speaks twice, Ben twice, back to back.
TURNS = [("Ana", 0.0, 3.0), ("Ben", 3.0, 6.0), ("Ana", 6.0, 7.5), ("Ben", 7.5, 10.0)]
ANA_SILENT = [(0.0, 3.5), (5.5, 8.0)]  # her turns widened by the 0.5 s pad


def noise(seconds: float = SECONDS) -> np.ndarray:
    """Loud noise with no zero sample, so any silenced sample shows."""
    rng = np.random.default_rng(5)
    x = rng.integers(1000, 20000, int(seconds * RATE)) * rng.choice([-1, 1], int(seconds * RATE))
    return x.astype(np.int16)


def record_meeting(store: Store) -> tuple[int, np.ndarray]:
    """A meeting of Ana and Ben: 10 s recorded in 2-second chunks, a turn log, transcript."""
    circle = store.create_circle("Glacier", ["Ana", "Ben"])
    ids = {m.name: m.id for m in store.members(circle)}
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live", "open")
    store.set_attendance(m.id, {i: True for i in ids.values()})
    signal = noise()
    source = FileSource(signal, realtime=False)
    rec = Recorder(meeting_audio_dir(m.id), source=source, chunk_seconds=2.0,
                   cipher=crypto.home_cipher(), on_chunk=lambda info: save_chunk(store, m.id, info))
    rec.start()
    assert source.wait(60)
    for c in rec.close():
        save_chunk(store, m.id, c)
    assert sum(c.frames for c in stored_chunks(store, m.id)) == signal.size
    store.add_turns(m.id, [(ids[who], "check_in", a, b) for who, a, b in TURNS])
    turns = store.turns(m.id)
    store.add_segments(m.id, [(t.id, t.member_id, t.segment, t.start + 0.2, t.end - 0.2,
                               f"words of {who} number {n}")
                              for n, (t, (who, _a, _b)) in enumerate(zip(turns, TURNS,
                                                                         strict=True))])
    store.add_item(m.id, ids["Ana"], "Map the glacier", quote="I will map the glacier")
    store.add_item(m.id, ids["Ben"], "Order sensors", quote="I will order sensors")
    store.set_meeting_status(m.id, "drafted", SECONDS)
    return m.id, signal


def recorded(mid: int) -> np.ndarray:
    """The meeting's audio opened from the chunk files, laid out on the meeting clock."""
    out = np.full(int(SECONDS * RATE), -1, dtype=np.int32)  # -1: no chunk covers it
    for c in recover(meeting_audio_dir(mid), cipher=crypto.home_cipher()):
        raw = c.path.read_bytes()
        if crypto.is_sealed(raw):
            cipher = crypto.home_cipher()
            assert cipher is not None
            raw = cipher.open(raw, c.path.name)[0]
        a = np.frombuffer(raw, dtype="<i2")
        i = round(c.start * RATE)
        out[i:i + a.size] = a
    return out


def mask(spans: list[tuple[float, float]]) -> np.ndarray:
    m = np.zeros(int(SECONDS * RATE), dtype=bool)
    for a, b in spans:
        m[int(a * RATE):int(b * RATE)] = True
    return m


def integrity(store: Store) -> str:
    return str(store.db.execute("PRAGMA integrity_check").fetchone()[0])


def test_erasing_a_member_silences_only_their_turns(either_store: Store) -> None:
    store = either_store
    mid, signal = record_meeting(store)
    circle = store.circle("Glacier")
    ana, ben = store.members(circle)
    sealed = crypto.is_encrypted(locations.home())
    before = {p.name: p.read_bytes() for p in meeting_audio_dir(mid).iterdir()}
    assert np.array_equal(recorded(mid), signal)

    done = erase.erase_member(store, mid, ana)

    assert done.audio == "silenced" and done.turns == 2
    assert done.seconds == pytest.approx(3.5 + 2.5, abs=0.01)
    assert "silenced 2 turns (6 s) of Ana's audio in meeting #" in done.audio_line()
    audio = recorded(mid)
    ana_mask = mask(ANA_SILENT)
    assert not audio[ana_mask].any(), "Ana's turns must be silent"
    assert np.array_equal(audio[~ana_mask], signal[~ana_mask]), "everyone else's is unchanged"
    # Only chunks touching her turns were rewritten, each still sealed (or still raw PCM).
    after = {p.name: p.read_bytes() for p in meeting_audio_dir(mid).iterdir()}
    assert set(after) == set(before)  # no temp file left behind, no chunk lost
    changed = {n for n in after if after[n] != before[n]}
    starts = {n: int(m.group(2)) for n in after if (m := CHUNK_RE.match(n))}
    assert changed == {n for n, ms in starts.items() if ms < 8000}
    assert done.chunks == len(changed) == 4  # the last chunk (8-10 s) is Ben's alone
    assert all(crypto.is_sealed(after[n]) == sealed for n in after)
    assert sum(c.frames for c in stored_chunks(store, mid)) == signal.size
    # Transcript and quotes: hers gone, his kept; her contract item kept.
    assert [s.text for s in store.segments(mid)] == ["words of Ben number 1",
                                                     "words of Ben number 3"]
    assert [(i.text, i.quote) for i in store.items(mid, ana.id)] == [("Map the glacier", "")]
    assert store.items(mid, ben.id)[0].quote == "I will order sensors"
    assert erase.erased_spans(store, mid) == ANA_SILENT
    assert integrity(store) == "ok"
    # The transcription after the meeting never gets her spans: they are cut out.
    for start, samples in meeting_audio(store, mid):
        end = start + samples.size / RATE
        assert all(end <= a + 1e-3 or start >= b - 1e-3 for a, b in ANA_SILENT), (start, end)
    # Repeating it rewrites nothing.
    assert erase.erase_member(store, mid, ana).chunks == 0


def test_a_crash_mid_erase_leaves_whole_chunks_and_reapply_finishes(
        either_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store = either_store
    mid, signal = record_meeting(store)
    ana = store.members(store.circle("Glacier"))[0]
    real_replace = os.replace
    calls = []

    def dying_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the third chunk: the "power goes" before its rename
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dying_replace)
    with pytest.raises(OSError):
        erase.erase_member(store, mid, ana)
    monkeypatch.setattr(os, "replace", real_replace)
    # Every chunk opens whole: two new (silent there), the others as recorded.
    audio = recorded(mid)
    assert (audio != -1).all()  # every chunk opens, whole
    assert not [p for p in meeting_audio_dir(mid).iterdir() if p.name.startswith(".")]
    third = (4.0, 6.0)
    assert np.array_equal(audio[mask([third])], signal[mask([third])])
    # The erasure was recorded before the audio was touched; reapply finishes it.
    assert erase.erased_spans(store, mid) == ANA_SILENT
    assert erase.reapply(store, mid) == 2  # the chunks of 4-6 s and 6-8 s
    audio = recorded(mid)
    assert not audio[mask(ANA_SILENT)].any()
    assert np.array_equal(audio[~mask(ANA_SILENT)], signal[~mask(ANA_SILENT)])
    assert integrity(store) == "ok"


def test_without_a_turn_log_the_whole_audio_goes(either_store: Store) -> None:
    store = either_store
    mid, _signal = record_meeting(store)
    ana = store.members(store.circle("Glacier"))[0]
    store.db.execute("DELETE FROM turns WHERE meeting_id = ? AND member_id = ?", (mid, ana.id))
    store.db.commit()
    done = erase.erase_member(store, mid, ana)
    assert done.audio == "deleted" and done.files_deleted == 5
    assert "no turn log for Ana" in done.audio_line()
    assert not meeting_audio_dir(mid).exists() and stored_chunks(store, mid) == []


def test_pmc_forget_says_what_it_silenced(pmc_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV, PASSPHRASE)
    crypto.forget_keys()
    store = parts.open_store()
    mid, signal = record_meeting(store)
    store.close()
    crypto.forget_keys()
    run = Run(pmc_home, PMC_PASSPHRASE=PASSPHRASE)

    out = run("forget", "--circle", "Glacier", "--member", "Ana", "--meeting", str(mid)).stdout

    assert "forgot what Ana said in meeting #" in out and "2 transcript segments" in out
    assert f"silenced 2 turns (6 s) of Ana's audio in meeting #{mid}" in out
    store = parts.open_store()
    try:
        audio = recorded(mid)
        assert not audio[mask(ANA_SILENT)].any()
        assert np.array_equal(audio[~mask(ANA_SILENT)], signal[~mask(ANA_SILENT)])
        assert [s.member_id for s in store.segments(mid)] == [store.members(
            store.circle("Glacier"))[1].id] * 2
        assert integrity(store) == "ok"
    finally:
        store.close()
    # Everything about Ben, in every meeting: his turns go silent too.
    out = run("forget", "--circle", "Glacier", "--member", "Ben").stdout
    assert "in every meeting of Glacier" in out and "silenced 2 turns" in out
    store = parts.open_store()
    try:
        assert not recorded(mid).any()  # both of them asked: nothing is left
        assert store.segments(mid) == []
    finally:
        store.close()
