"""The one owner of stored audio (assistant/core/audio/chunks.py): listing, measuring and
deleting a meeting's chunk files, on real files and a real SQLite store."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.core import locations
from assistant.core.audio import chunks
from assistant.core.audio.recorder import RATE, ChunkInfo
from assistant.core.store.store import Meeting, Store


@pytest.fixture
def store(pmc_home: Path) -> Store:
    locations.ensure(pmc_home)
    return Store(pmc_home / "pmc.sqlite3")


@pytest.fixture
def meeting(store: Store) -> Meeting:
    c = store.create_circle("Glacier", ["Ana", "Ben"])
    return store.create_meeting(c, "2026-03-05", "2026-03-19", "live", "open")


def write_chunk(meeting_id: int, seq: int, start_s: float, seconds: float,
                value: int = 1000) -> ChunkInfo:
    folder = locations.ensure(chunks.meeting_audio_dir(meeting_id))
    path = folder / f"chunk-{seq:06d}-{round(start_s * 1000):012d}.pcm"
    path.write_bytes(np.full(int(seconds * RATE), value, dtype="<i2").tobytes())
    return ChunkInfo(seq, path, start_s, int(seconds * RATE), True)


def test_listing_round_trips_through_the_store(store: Store, meeting: Meeting) -> None:
    infos = [write_chunk(meeting.id, 0, 0.0, 1.0), write_chunk(meeting.id, 1, 1.0, 0.5)]
    for info in infos:
        chunks.save_chunk(store, meeting.id, info)
    assert chunks.stored_chunks(store, meeting.id) == infos
    assert chunks.has_audio(store, meeting.id)


def test_delete_audio_unlinks_everything_and_always_records_the_purge(
        store: Store, meeting: Meeting) -> None:
    listed = write_chunk(meeting.id, 0, 0.0, 1.0)
    chunks.save_chunk(store, meeting.id, listed)
    write_chunk(meeting.id, 1, 1.0, 1.0)  # a crash left it unlisted
    folder = chunks.meeting_audio_dir(meeting.id)
    (folder / ".chunk-000000-000000000000.pcm.tmp").write_bytes(b"half a rewrite")
    assert chunks.audio_files(meeting.id) == 3
    assert store.audio_deleted_at(meeting.id) is None
    assert chunks.delete_audio(store, meeting.id) == 3
    assert not folder.exists() and store.chunks(meeting.id) == []
    assert not chunks.has_audio(store, meeting.id)
    assert store.audio_deleted_at(meeting.id)  # whoever asked, the meeting records it


def test_delete_audio_of_a_listing_without_files_still_clears_and_records(
        store: Store, meeting: Meeting) -> None:
    gone = ChunkInfo(0, chunks.meeting_audio_dir(meeting.id) / "chunk-000000-000000000000.pcm",
                     0.0, 16000, True)
    chunks.save_chunk(store, meeting.id, gone)
    assert chunks.has_audio(store, meeting.id)  # listed, though the file is missing
    assert chunks.delete_audio(store, meeting.id) == 0
    assert store.chunks(meeting.id) == [] and store.audio_deleted_at(meeting.id)


def test_recorded_seconds_and_recent_writes(store: Store, meeting: Meeting) -> None:
    assert chunks.recorded_seconds(meeting.id, None) == 0.0
    assert not chunks.written_within(meeting.id, 5.0)
    info = write_chunk(meeting.id, 0, 0.0, 1.5)
    with info.path.open("ab") as fh:
        fh.write(b"\x01")  # half a sample: not counted
    assert chunks.recorded_seconds(meeting.id, None) == 1.5
    assert chunks.written_within(meeting.id, 5.0)
    old = time.time() - 60
    os.utime(info.path, (old, old))
    assert not chunks.written_within(meeting.id, 5.0)
    call = chunks.meeting_audio_dir(meeting.id) / "chunk-000001-000000000000-call.pcm"
    call.write_bytes(np.zeros(2 * RATE, dtype="<i2").tobytes())  # a video circle's call track
    assert chunks.recorded_seconds(meeting.id, None) == 2.0  # the longer track, not the sum


def test_recover_meeting_lists_what_is_on_disk_and_drops_what_is_gone(
        store: Store, meeting: Meeting) -> None:
    kept = write_chunk(meeting.id, 0, 0.0, 1.0)
    lost = ChunkInfo(1, kept.path.with_name("chunk-000001-000000001000.pcm"), 1.0, 100, False)
    chunks.save_chunk(store, meeting.id, lost)
    assert chunks.recover_meeting(store, meeting.id) == [kept]
    assert chunks.stored_chunks(store, meeting.id) == [kept]
    kept.path.unlink()
    assert chunks.recover_meeting(store, meeting.id) == []
    assert chunks.stored_chunks(store, meeting.id) == []  # nothing left: nothing listed


def test_meeting_audio_cuts_the_recorded_erasures_out(store: Store, meeting: Meeting) -> None:
    ana, _ben = store.members(store.circle_by_id(meeting.circle_id))
    chunks.save_chunk(store, meeting.id, write_chunk(meeting.id, 0, 0.0, 4.0))
    store.erase_member_text(meeting.id, ana.id, [(1.0, 2.0)], "withdrawal")
    assert chunks.erased_spans(store, meeting.id) == [(1.0, 2.0)]
    pieces = chunks.meeting_audio(store, meeting.id)
    assert [(s, len(a) / RATE) for s, a in pieces] == [(0.0, 1.0), (2.0, 2.0)]
    assert chunks.reapply_erasures(store, meeting.id) == 1  # the span silenced in the file
    assert chunks.reapply_erasures(store, meeting.id) == 0  # already silent: not rewritten
    samples = np.frombuffer(chunks.meeting_audio_dir(meeting.id).joinpath(
        "chunk-000000-000000000000.pcm").read_bytes(), dtype="<i2")
    assert not samples[RATE:2 * RATE].any() and samples[:RATE].all() and samples[2 * RATE:].all()
