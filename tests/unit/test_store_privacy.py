"""The store's privacy part (assistant/core/store/privacy.py) on real SQLite: erasures,
retention policy rows, transcript purges, and leaving no trace in the files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.core.store.store import Erasure, Meeting, Member, Store, TextRemoved

Said = tuple[Meeting, Member, Member]


@pytest.fixture
def said(store: Store) -> Said:
    """A meeting where Ana and Ben each said something, with items, quotes, a report."""
    c = store.create_circle("Alpha", ["Ana", "Ben"])
    ana, ben = store.members(c)
    old = store.create_meeting(c, "2024-02-27", "2024-03-12", "live", "drafted")
    earlier = store.add_item(old.id, ana.id, "Old goal")
    m = store.create_meeting(c, "2024-03-12", "2024-03-26", "live", "drafted")
    store.add_turns(m.id, [(ana.id, "report_back", 0, 5), (ben.id, "contracts", 5, 10),
                           (ana.id, "contracts", 10, 15)], [False, False, True])
    store.add_segments(m.id, [(None, ana.id, "report_back", 1, 2, "ana one"),
                              (None, ben.id, "contracts", 6, 7, "ben one"),
                              (None, None, None, 8, 9, "nobody's")])
    store.add_item(m.id, ana.id, "Ana goal", quote="ana said", start=1.0, end=2.0)
    gone = store.add_item(m.id, ana.id, "Ana dropped", quote="x", start=3.0, end=4.0)
    store.set_item_status(gone.id, "deleted")
    store.add_item(m.id, ben.id, "Ben goal", quote="ben said", start=6.0, end=7.0)
    store.set_report_back(m.id, earlier.id, "done", confirmed=False, quote="ana reported")
    return m, ana, ben


def test_member_turn_spans_are_their_turns_on_the_record(store: Store, said: Said) -> None:
    m, ana, ben = said
    assert store.member_turn_spans(m.id, ana.id) == [(0.0, 5.0)]  # 10-15 was off the record
    assert store.member_turn_spans(m.id, ben.id) == [(5.0, 10.0)]


def test_erase_member_text_records_spans_and_deletes_only_their_words(store: Store,
                                                                      said: Said) -> None:
    m, ana, ben = said
    assert not store.has_erasures(m.id)
    got = store.erase_member_text(m.id, ana.id, [(0.0, 5.5)], "withdrawal")
    # one segment; quotes on her item (the deleted one goes whole) and her report-back
    assert got == TextRemoved(segments=1, quotes=3, deleted_items=1)
    assert store.erasures(m.id) == [Erasure(ana.id, 0.0, 5.5)] and store.has_erasures(m.id)
    assert [s.text for s in store.segments(m.id)] == ["ben one", "nobody's"]
    assert [(i.text, i.quote) for i in store.items(m.id, include_deleted=True)] == [
        ("Ana goal", ""), ("Ben goal", "ben said")]
    assert [r.quote for r in store.report_back(m.id)] == [""]


def test_erase_member_text_is_all_or_nothing(store: Store, said: Said) -> None:
    m, ana, _ = said
    with pytest.raises(sqlite3.IntegrityError):  # the last span fails: NOT NULL end
        store.erase_member_text(m.id, ana.id, [(0.0, 5.5), (6.0, None)],  # type: ignore[list-item]
                                "withdrawal")
    assert store.erasures(m.id) == [] and len(store.segments(m.id)) == 3
    assert store.items(m.id, ana.id)[0].quote == "ana said"


def test_drop_transcript_placed_deletes_what_the_test_places(store: Store, said: Said) -> None:
    m, ana, ben = said
    seen: list[tuple[int | None, float, float]] = []

    def placed(member_id: int | None, start: float, end: float,
               turn: tuple[float, float] | None = None) -> bool:
        seen.append((member_id, start, end))
        return start < 6.5 and member_id != ben.id or member_id is None

    assert store.drop_transcript_placed(m.id, placed) == 2
    assert [s.text for s in store.segments(m.id)] == ["ben one"]
    assert [(i.text, i.quote) for i in store.items(m.id)] == [("Ana goal", ""),
                                                             ("Ben goal", "ben said")]
    assert (ana.id, 3.0, 4.0) in seen  # items with a quote are tested too, deleted or not


def test_drop_transcript_placed_joins_the_callers_transaction(store: Store, said: Said) -> None:
    m, _, _ = said
    with pytest.raises(RuntimeError):
        with store.tx():
            assert store.drop_transcript_placed(m.id, lambda *_: True) == 3
            raise RuntimeError("the caller's write failed")
    assert len(store.segments(m.id)) == 3  # rolled back with it


def test_retention_policy_rows(store: Store) -> None:
    c = store.create_circle("Alpha", ["Ana"])
    assert store.retention_policy(c.id) is None  # the defaults
    store.set_retention_policy(c.id, False, True, None)
    assert store.retention_policy(c.id) == (False, True, None)
    store.set_retention_policy(c.id, True, False, 30)
    assert store.retention_policy(c.id) == (True, False, 30)


def test_purge_transcript_counts_first_then_removes_all_text_at_once(store: Store,
                                                                     said: Said) -> None:
    m, ana, ben = said
    assert store.has_transcript_text(m.id) and store.transcript_purged_at(m.id) is None
    would = store.transcript_text_counts(m.id)
    assert would == TextRemoved(segments=3, quotes=4, deleted_items=1)
    assert store.purge_transcript(m.id) == would
    assert not store.has_transcript_text(m.id) and store.transcript_purged_at(m.id)
    assert store.segments(m.id) == [] and all(i.quote == "" for i in store.items(m.id))
    assert [i.text for i in store.items(m.id)] == ["Ana goal", "Ben goal"]  # goals stay
    assert [r.status for r in store.report_back(m.id)] == ["done"]  # statuses stay
    assert store.purge_transcript(m.id) == TextRemoved()


def test_secure_delete_and_scrub_leave_no_deleted_text_in_the_files(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    s = Store(path)
    c = s.create_circle("Alpha", ["Ana"])
    m = s.create_meeting(c, "2024-03-12", "2024-03-26", "live")
    secret = "zebra-canary-" * 20
    s.add_segments(m.id, [(None, None, None, 0.0, 1.0, secret)])
    s.scrub()
    s.secure_delete()
    s.purge_transcript(m.id)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert secret.encode() in raw  # without the checkpoint the WAL still holds it
    s.scrub()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"zebra-canary" not in raw
    s.close()


def test_rekey_refuses_a_short_key(store: Store) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        store.rekey(b"short")


def test_the_first_hearing_goes_with_the_transcript(store: Store, said: Said) -> None:
    """Contracts turns as first heard (kept until drafting ends) are transcript text: a
    member's erasure, an erased span and a transcript purge all remove them."""
    m, ana, ben = said
    turns = {t.member_id: t.id for t in store.turns(m.id) if t.segment == "contracts"}
    store.add_first_heard(m.id, [(turns[ben.id], ben.id, 6.0, 7.0, "ben first"),
                                 (turns[ben.id], ben.id, 8.0, 9.0, "ben later"),
                                 (turns[ana.id], ana.id, 11.0, 12.0, "ana first")])
    store.erase_member_text(m.id, ana.id, [(10.0, 15.0)], "withdrawal")
    assert [r[4] for r in store.first_heard(m.id)] == ["ben first", "ben later"]
    store.drop_transcript_placed(m.id, lambda _who, a, _b, _turn=None: a >= 8.0)
    assert [r[4] for r in store.first_heard(m.id)] == ["ben first"]
    assert store.transcript_text_counts(m.id).segments == 1 + 1  # Ben's segment, his first
    store.purge_transcript(m.id)
    assert store.first_heard(m.id) == [] and not store.has_transcript_text(m.id)
