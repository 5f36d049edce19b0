"""Retention policy, purge and forget on a real SQLite store and real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.core import locations
from assistant.core.privacy import retention
from assistant.core.store.store import Store


def _meeting(store: Store, circle, date: str, words: dict[int, str],  # type: ignore[no-untyped-def]
             status: str = "drafted", audio: bool = True) -> int:
    m = store.create_meeting(circle, date, date, "live", status)
    store.add_turns(m.id, [(mid, "contracts", i * 10.0, i * 10.0 + 9) for i, mid in
                           enumerate(words)])
    turns = store.turns(m.id)
    store.add_segments(m.id, [(t.id, t.member_id, "contracts", t.start, t.end, words[t.member_id])
                              for t in turns if t.member_id is not None])
    for mid, text in words.items():
        store.add_item(m.id, mid, f"goal of {mid}", quote=text, status="draft")
    if audio:
        d = locations.ensure(locations.audio_dir() / str(m.id))
        (d / "chunk-000000-000000000000.pcm").write_bytes(b"\x01\x02" * 100)
    return m.id


@pytest.fixture
def store(pmc_home: Path) -> Store:
    locations.ensure(pmc_home)
    return Store(pmc_home / "pmc.sqlite3")


def test_default_policy_purges_audio_after_review_and_transcripts_at_the_next_meeting(
        store: Store) -> None:
    c = store.create_circle("Glacier", ["Amara", "Bea"])
    a, b = (m.id for m in store.members(c))
    first = _meeting(store, c, "2026-03-05", {a: "I will map the glacier", b: "sensor budget"})
    assert retention.policy(store, c) == retention.Policy()
    today = dt.date(2026, 3, 6)
    p, counts = retention.purge(store, today, dry_run=True)
    assert p.audio == {} and p.transcripts == {}  # drafts still under review, one day old
    for item in store.items(first):
        store.set_item_status(item.id, "approved")
    p, counts = retention.purge(store, today, dry_run=True)
    assert list(p.audio) == [first] and counts.audio_files == 1
    assert (locations.audio_dir() / str(first)).exists()  # dry run deleted nothing
    p, counts = retention.purge(store, today)
    assert counts.audio_files == 1 and not (locations.audio_dir() / str(first)).exists()
    assert len(store.segments(first)) == 2  # transcript stays until the next meeting
    second = _meeting(store, c, "2026-03-19", {a: "inventory of the cores"})
    p, counts = retention.purge(store, dt.date(2026, 3, 19))
    assert list(p.transcripts) == [first] and counts.segments == 2 and counts.quotes == 2
    assert store.segments(first) == [] and len(store.segments(second)) == 1
    assert [i.text for i in store.items(first)] == [f"goal of {a}", f"goal of {b}"]
    assert all(i.status == "approved" and i.quote == "" for i in store.items(first))
    assert retention.purge(store, dt.date(2026, 3, 19))[1].segments == 0  # idempotent


def test_age_limit_and_a_changed_policy(store: Store) -> None:
    c = store.create_circle("Glacier", ["Amara"])
    (a,) = (m.id for m in store.members(c))
    mid = _meeting(store, c, "2026-03-05", {a: "glacier"}, audio=False)
    retention.set_policy(store, c, retention.Policy(transcript_days=30))
    assert retention.plan(store, dt.date(2026, 3, 25)).transcripts == {}
    assert mid in retention.plan(store, dt.date(2026, 4, 4)).transcripts
    retention.set_policy(store, c, retention.Policy(audio_after_approval=False,
                                                    transcript_days=None))
    assert retention.plan(store, dt.date(2027, 1, 1)).transcripts == {}
    assert "kept" in retention.policy(store, c).describe()


def test_forget_one_member_in_one_meeting_or_everywhere(store: Store, pmc_home: Path) -> None:
    c = store.create_circle("Glacier", ["Amara", "Bea"])
    a, b = (m.id for m in store.members(c))
    m1 = _meeting(store, c, "2026-03-05", {a: "amara words one", b: "bea words one"})
    m2 = _meeting(store, c, "2026-03-19", {a: "amara words two", b: "bea words two"})
    counts = retention.forget(store, c, store.member_by_id(a), m1)
    assert counts.segments == 1 and counts.quotes == 1
    # Amara has a turn log: her turn is silenced in the audio, which is kept.
    assert counts.audio_meetings == 0 and [e.audio for e in counts.erased] == ["silenced"]
    assert (locations.audio_dir() / str(m1)).is_dir()
    assert [s.text for s in store.segments(m1)] == ["bea words one"]
    assert [s.text for s in store.segments(m2)] == ["amara words two", "bea words two"]
    counts = retention.forget(store, c, store.member_by_id(a))
    assert counts.segments == 1
    assert [s.text for s in store.segments(m2)] == ["bea words two"]
    assert len(store.items(m1, a)) == 1 and store.items(m1, a)[0].quote == ""  # goal kept
    assert store.items(m1, b)[0].quote == "bea words one"
    store.close()
    # secure_delete + checkpoint: the forgotten words are not left in the database files
    for p in pmc_home.iterdir():
        if p.is_file():
            assert b"amara words" not in p.read_bytes(), p.name


def test_a_meeting_not_yet_drafted_keeps_its_transcript(store: Store) -> None:
    """Resume drafts from the stored transcript: a later meeting must not take it away."""
    c = store.create_circle("Glacier", ["Amara"])
    (a,) = (m.id for m in store.members(c))
    waiting = _meeting(store, c, "2026-03-05", {a: "glacier"}, status="transcribed",
                       audio=False)
    _meeting(store, c, "2026-03-19", {a: "cores"}, audio=False)
    assert retention.apply_due(store, dt.date(2026, 3, 19)) is None
    assert len(store.segments(waiting)) == 1
    store.set_meeting_status(waiting, "drafted")
    counts = retention.apply_due(store, dt.date(2026, 3, 19))
    assert counts is not None and counts.segments == 1 and store.segments(waiting) == []
