"""The store's audio listing (assistant/core/store/audio.py) on real SQLite."""

from __future__ import annotations

import pytest

from assistant.core.store.store import Meeting, Store, StoredChunk


@pytest.fixture
def meeting(store: Store) -> Meeting:
    c = store.create_circle("Alpha", ["Ana"])
    return store.create_meeting(c, "2024-03-12", "2024-03-26", "live")


def chunk(seq: int, frames: int = 0, closed: bool = False) -> StoredChunk:
    return StoredChunk(seq, f"/a/chunk-{seq}.pcm", seq * 5.0, frames, closed)


def test_save_chunk_lists_then_updates_a_chunk(store: Store, meeting: Meeting) -> None:
    assert not store.has_chunks(meeting.id) and store.chunks(meeting.id) == []
    store.save_chunk(meeting.id, chunk(1))
    store.save_chunk(meeting.id, chunk(0, 80000, True))
    store.save_chunk(meeting.id, chunk(1, 16000, True))  # the same chunk, now closed
    assert store.chunks(meeting.id) == [chunk(0, 80000, True), chunk(1, 16000, True)]
    assert store.has_chunks(meeting.id)


def test_replace_chunks_makes_the_listing_exactly_what_is_on_disk(store: Store,
                                                                  meeting: Meeting) -> None:
    for seq in range(3):
        store.save_chunk(meeting.id, chunk(seq, 10))
    store.replace_chunks(meeting.id, [chunk(0, 8, True), chunk(2, 9, True)])
    assert store.chunks(meeting.id) == [chunk(0, 8, True), chunk(2, 9, True)]
    store.replace_chunks(meeting.id, [])  # nothing survived the crash
    assert store.chunks(meeting.id) == []


def test_replace_chunks_is_all_or_nothing(store: Store, meeting: Meeting) -> None:
    store.save_chunk(meeting.id, chunk(0, 10))
    bad = StoredChunk(1, None, 5.0, 1, True)  # type: ignore[arg-type]  # path NOT NULL
    with pytest.raises(Exception, match="NOT NULL"):
        store.replace_chunks(meeting.id, [chunk(2, 3, True), bad])
    assert store.chunks(meeting.id) == [chunk(0, 10)]


def test_set_chunk_frames(store: Store, meeting: Meeting) -> None:
    store.save_chunk(meeting.id, chunk(0, 10, True))
    store.set_chunk_frames(meeting.id, 0, 8)
    assert store.chunks(meeting.id) == [chunk(0, 8, True)]


def test_record_audio_deleted_drops_the_listing_and_records_when(store: Store,
                                                                 meeting: Meeting) -> None:
    other = store.create_meeting(store.circle("Alpha"), "2024-03-26", "2024-04-09", "live")
    store.save_chunk(meeting.id, chunk(0, 10))
    store.save_chunk(other.id, chunk(0, 10))
    assert store.audio_deleted_at(meeting.id) is None
    store.record_audio_deleted(meeting.id)
    assert store.chunks(meeting.id) == [] and store.audio_deleted_at(meeting.id)
    assert store.chunks(other.id) == [chunk(0, 10)] and store.audio_deleted_at(other.id) is None
