"""The SQLite store: circles, members, meetings, turns, transcripts, contract items."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from assistant.core.errors import PMCError
from assistant.core.meeting.agenda import DEFAULT_AGENDA, AgendaSegment, to_json
from assistant.core.store.store import Circle, Store

AGENDA = to_json(DEFAULT_AGENDA)


@pytest.fixture
def circle(store: Store) -> Circle:
    return store.create_circle("Alpha", ["Ana", "Ben", "Cai"])


# --- circles and members -----------------------------------------------------------------
def test_create_circle_keeps_members_in_order_and_default_agenda(store: Store,
                                                                 circle: Circle) -> None:
    assert circle.name == "Alpha"
    assert circle.agenda == DEFAULT_AGENDA
    assert circle.cadence_days == 14
    members = store.members(circle)
    assert [m.name for m in members] == ["Ana", "Ben", "Cai"]
    assert [m.position for m in members] == [0, 1, 2]
    assert store.circles() == [circle]


def test_custom_agenda_and_cadence_round_trip(store: Store) -> None:
    agenda = (AgendaSegment("check_in", "Hello", 2.0, True),
              AgendaSegment("contracts", "C", 3.5, False))
    c = store.create_circle("Beta", ["Ana"], agenda=agenda, cadence_days=7)
    again = store.circle("Beta")
    assert again.agenda == agenda
    assert again.cadence_days == 7
    assert store.circle_by_id(c.id) == again


@pytest.mark.parametrize("name, members, needle", [
    ("", ["Ana"], "needs a name"),
    ("   ", ["Ana"], "needs a name"),
    ("G", [], "at least one member"),
    ("G", ["Ana", "  "], "at least one member"),
    ("G", ["Ana", "ana"], "unique"),
])
def test_create_circle_rejects_bad_input(store: Store, name: str, members: list[str],
                                         needle: str) -> None:
    with pytest.raises(PMCError, match=needle):
        store.create_circle(name, members)
    assert store.circles() == []


def test_circle_names_are_unique_case_insensitively(store: Store, circle: Circle) -> None:
    with pytest.raises(PMCError, match="already exists"):
        store.create_circle("ALPHA", ["Zed"])
    assert store.circle("alpha") == circle
    assert len(store.circles()) == 1


def test_unknown_circle_is_a_user_error(store: Store) -> None:
    with pytest.raises(PMCError, match="no circle named 'Nope'"):
        store.circle("Nope")


def test_create_circle_with_padded_name_returns_the_circle(store: Store) -> None:
    c = store.create_circle(" Beta ", ["Ana"])
    assert c.name == "Beta"


def test_padded_duplicate_circle_is_a_user_error(store: Store, circle: Circle) -> None:
    with pytest.raises(PMCError, match="already exists"):
        store.create_circle(" Alpha ", ["Zed"])


def test_add_member_appends_and_refuses_duplicates(store: Store, circle: Circle) -> None:
    dee = store.add_member(circle, " Dee ")
    assert dee.name == "Dee"
    assert dee.position == 3
    with pytest.raises(PMCError, match="already a member"):
        store.add_member(circle, "ana")
    assert [m.name for m in store.members(circle)] == ["Ana", "Ben", "Cai", "Dee"]


def test_add_member_refuses_blank_name(store: Store, circle: Circle) -> None:
    with pytest.raises(PMCError):
        store.add_member(circle, "   ")


def test_member_lookup_is_case_insensitive_and_names_members_on_miss(
        store: Store, circle: Circle) -> None:
    assert store.member(circle, "BEN").name == "Ben"
    with pytest.raises(PMCError, match="Ana, Ben, Cai"):
        store.member(circle, "Zed")
    ana = store.member(circle, "Ana")
    assert store.member_by_id(ana.id) == ana


# --- meetings, attendance, consent --------------------------------------------------------
def test_meetings_sorted_by_date_and_status_updates(store: Store, circle: Circle) -> None:
    later = store.create_meeting(circle, "2024-03-26", "2024-04-09", "live")
    first = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    assert [m.id for m in store.meetings(circle)] == [first.id, later.id]
    assert first.status == "open" and first.duration is None
    store.set_meeting_status(first.id, "transcribed", 3600.5)
    store.set_meeting_status(first.id, "drafted")  # duration kept when not given
    m = store.meeting(first.id)
    assert (m.status, m.duration, m.source) == ("drafted", 3600.5, "import")
    with pytest.raises(PMCError, match="no meeting with id 999"):
        store.meeting(999)


def test_previous_meeting_and_open_items_before(store: Store, circle: Circle) -> None:
    ana = store.member(circle, "Ana")
    m1 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    m2 = store.create_meeting(circle, "2024-03-26", "2024-04-09", "import")
    keep = store.add_item(m1.id, ana.id, "Finish the review")
    gone = store.add_item(m1.id, ana.id, "Old thing")
    store.set_item_status(gone.id, "deleted")
    assert store.previous_meeting(circle, "2024-03-12") is None
    assert store.previous_meeting(circle, m2.date) == m1
    assert store.previous_meeting(circle, "2024-03-27", exclude=m2.id) == m1
    assert store.open_items_before(circle, ana.id, m2.date) == [keep]
    assert store.open_items_before(circle, ana.id, m1.date) == []


def test_attendance_and_consent_events(store: Store, circle: Circle) -> None:
    ana, ben, cai = store.members(circle)
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    store.set_attendance(m.id, {ana.id: True, ben.id: False, cai.id: True})
    store.set_attendance(m.id, {ben.id: True, cai.id: False})  # replaces, not duplicates
    assert [x.name for x in store.attendees(m.id)] == ["Ana", "Ben"]
    store.record_consent(m.id, ana.id, True)
    store.record_consent(m.id, ana.id, False)
    events = store.consent_events(m.id)
    assert [(e[0], e[1]) for e in events] == [(ana.id, True), (ana.id, False)]
    assert all(isinstance(e[2], str) and e[2] for e in events)


# --- turns, segments, items ----------------------------------------------------------------
def test_turn_indexes_continue_across_calls(store: Store, circle: Circle) -> None:
    ana, ben, _ = store.members(circle)
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    store.add_turns(m.id, [(ana.id, "check_in", 0.0, 60.0)])
    store.add_turns(m.id, [(ben.id, "check_in", 60.0, 120.0), (None, "challenges", 120.0, 500)])
    turns = store.turns(m.id)
    assert [t.idx for t in turns] == [0, 1, 2]
    assert [t.member_id for t in turns] == [ana.id, ben.id, None]
    assert turns[2].segment == "challenges"


def test_segments_ordered_by_start(store: Store, circle: Circle) -> None:
    ana = store.member(circle, "Ana")
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    store.add_segments(m.id, [(None, ana.id, "contracts", 5.0, 6.0, "second"),
                              (None, None, None, 1.0, 2.0, "first")])
    assert [s.text for s in store.segments(m.id)] == ["first", "second"]


def test_items_round_trip_and_status_changes(store: Store, circle: Circle) -> None:
    ana, ben, _ = store.members(circle)
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    a = store.add_item(m.id, ana.id, "Finish the review", due="2024-03-15", tentative=True,
                       quote="I will finish the review", start=1.5, end=4.0, origin="llm")
    assert (a.text, a.due, a.tentative, a.status, a.quote, a.start, a.end, a.origin) == (
        "Finish the review", "2024-03-15", True, "draft", "I will finish the review", 1.5, 4.0,
        "llm")
    assert a.approved_at is None
    b = store.add_item(m.id, ben.id, "Book the lab", status="approved")
    assert b.approved_at is not None
    store.set_item_status(a.id, "approved")
    assert store.item(a.id).approved_at is not None
    store.set_item_status(a.id, "draft")
    assert store.item(a.id).approved_at is None
    with pytest.raises(ValueError):
        store.set_item_status(a.id, "bogus")
    store.update_item(a.id, text="Finish the full review")
    store.update_item(a.id, due="2024-03-20", tentative=False)
    got = store.item(a.id)
    assert (got.text, got.due, got.tentative) == ("Finish the full review", "2024-03-20", False)
    assert [i.id for i in store.items(m.id)] == [a.id, b.id]
    assert [i.id for i in store.items(m.id, ben.id)] == [b.id]
    store.set_item_status(b.id, "deleted")
    assert [i.id for i in store.items(m.id)] == [a.id]
    assert [i.id for i in store.items(m.id, include_deleted=True)] == [a.id, b.id]
    with pytest.raises(PMCError, match="no contract item"):
        store.item(12345)


def test_member_items_span_meetings_in_date_order(store: Store, circle: Circle) -> None:
    ana, ben, _ = store.members(circle)
    m2 = store.create_meeting(circle, "2024-03-26", "2024-04-09", "import")
    m1 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    late = store.add_item(m2.id, ana.id, "Late")
    early = store.add_item(m1.id, ana.id, "Early")
    store.add_item(m1.id, ben.id, "Ben's")
    dropped = store.add_item(m1.id, ana.id, "Deleted")
    store.set_item_status(dropped.id, "deleted")
    assert [i.id for i in store.member_items(ana.id)] == [early.id, late.id]


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.add_item(999, 999, "orphan")


def test_deleting_a_meeting_cascades(store: Store, circle: Circle) -> None:
    ana = store.member(circle, "Ana")
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    item = store.add_item(m.id, ana.id, "x")
    store.add_turns(m.id, [(ana.id, "contracts", 0.0, 1.0)])
    store.add_segments(m.id, [(None, ana.id, "contracts", 0.0, 1.0, "words")])
    store.set_report_back(m.id, item.id, "done", confirmed=True)
    store.delete_meeting(m.id)
    for table in ("contract_items", "turns", "transcript_segments", "report_back"):
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


# --- report-back ------------------------------------------------------------------------------
def test_report_back_upserts_and_latest_report_wins(store: Store, circle: Circle) -> None:
    ana = store.member(circle, "Ana")
    m1 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    m2 = store.create_meeting(circle, "2024-03-26", "2024-04-09", "import")
    m3 = store.create_meeting(circle, "2024-04-09", "2024-04-23", "import")
    item = store.add_item(m1.id, ana.id, "Finish the review")
    assert store.item_report(item.id) is None
    store.set_report_back(m2.id, item.id, "partial", confirmed=False, quote="half of it")
    store.set_report_back(m2.id, item.id, "done", confirmed=True, quote="all of it")
    reports = store.report_back(m2.id)
    assert len(reports) == 1
    assert (reports[0].status, reports[0].confirmed, reports[0].quote) == ("done", True,
                                                                           "all of it")
    store.set_report_back(m3.id, item.id, "carried_over", confirmed=False)
    latest = store.item_report(item.id)
    assert latest is not None and (latest.meeting_id, latest.status) == (m3.id, "carried_over")
    with pytest.raises(PMCError, match="unknown status 'finished'"):
        store.set_report_back(m2.id, item.id, "finished", confirmed=True)


# --- transactions ---------------------------------------------------------------------------------
def test_nested_transaction_rolls_back_with_the_outer_one(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.tx() as db:
            db.execute("INSERT INTO circles (name, agenda) VALUES ('T', ?)", (AGENDA,))
            with store.tx() as inner:
                inner.execute("INSERT INTO circles (name, agenda) VALUES ('U', ?)", (AGENDA,))
            raise RuntimeError("abort")
    assert store.circles() == []
    with store.tx() as db:
        with store.tx() as inner:
            inner.execute("INSERT INTO circles (name, agenda) VALUES ('V', ?)", (AGENDA,))
    assert [c.name for c in store.circles()] == ["V"]


def test_failed_create_circle_leaves_nothing(store: Store) -> None:
    store.create_circle("Alpha", ["Ana"])
    with pytest.raises(PMCError):
        store.create_circle("alpha", ["Ben"])
    assert store.db.execute("SELECT COUNT(*) FROM members").fetchone()[0] == 1


# --- files ---------------------------------------------------------------------------------------
def test_file_store_is_wal_private_and_persistent(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "db.sqlite3"
    s = Store(path)
    s.create_circle("Alpha", ["Ana"])
    assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    s.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = Store(path)
    assert [c.name for c in again.circles()] == ["Alpha"]
    again.close()


def test_corrupt_database_is_a_one_line_user_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(PMCError, match="cannot be opened") as exc:
        Store(path)
    assert "\n" not in str(exc.value)


def test_report_back_items_on_the_same_day(store: Store, circle: Circle) -> None:
    """A second meeting the same day reports back on the first one's contracts."""
    ana = store.member(circle, "Ana")
    m1 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    item = store.add_item(m1.id, ana.id, "Finish the review", status="approved")
    m2 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    assert store.previous_meeting(circle, m2.date, exclude=m2.id) == m1
    assert store.open_items_before(circle, ana.id, m2.date, exclude=m2.id) == [item]
    # ...and never the other way round: the first meeting has nothing before it.
    assert store.open_items_before(circle, ana.id, m1.date, exclude=m1.id) == []


def test_report_back_items_skip_a_meeting_without_contracts(store: Store,
                                                             circle: Circle) -> None:
    """A timekeeping-only meeting (no items) in between does not hide the last contract."""
    ana, ben, _ = store.members(circle)
    m1 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    a1 = store.add_item(m1.id, ana.id, "Finish the review", status="approved")
    b1 = store.add_item(m1.id, ben.id, "Call the lab", status="approved")
    store.create_meeting(circle, "2024-03-26", "2024-04-09", "live")  # empty
    m3 = store.create_meeting(circle, "2024-03-27", "2024-04-10", "live")
    b3 = store.add_item(m3.id, ben.id, "Book the room")
    gone = store.add_item(m3.id, ana.id, "A draft Ana deleted")
    store.set_item_status(gone.id, "deleted")
    m4 = store.create_meeting(circle, "2024-04-09", "2024-04-23", "live")
    assert store.open_items_before(circle, ana.id, m4.date, exclude=m4.id) == [a1]
    assert store.open_items_before(circle, ben.id, m4.date, exclude=m4.id) == [b3]
    assert b1 not in store.open_items_before(circle, ben.id, m4.date, exclude=m4.id)


# --- circle edits ----------------------------------------------------------------------------
def test_update_circle_reorders_renames_deactivates_and_adds(store: Store,
                                                             circle: Circle) -> None:
    ana, ben, cai = store.members(circle)
    agenda = (AgendaSegment("check_in", "Hello", 2.0, True),
              AgendaSegment("contracts", "C", 3.0, False))
    again = store.update_circle(circle, agenda, 7, ["cai", "Ana", "Dee"])
    assert (again.agenda, again.cadence_days) == (agenda, 7)
    now = store.members(again)
    assert [(m.name, m.position) for m in now] == [("cai", 0), ("Ana", 1), ("Dee", 2)]
    assert [now[0].id, now[1].id] == [cai.id, ana.id]  # the same members, not new ones
    assert store.member_names(again)[ben.id] == "Ben"  # deactivated, never deleted
    store.update_circle(again, agenda, 7, ["Ana", "Ben"])  # Ben comes back as himself
    assert [m.id for m in store.members(again)] == [ana.id, ben.id]


def test_a_failed_circle_update_changes_nothing(store: Store, circle: Circle) -> None:
    before = (store.circle_by_id(circle.id), store.members(circle, active_only=False))
    with pytest.raises(PMCError, match="unique"):
        store.update_circle(circle, DEFAULT_AGENDA, 3, ["Ana", "ana"])
    store.db.execute("CREATE TRIGGER no_dee BEFORE INSERT ON members WHEN NEW.name = 'Dee' "
                     "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store.update_circle(circle, DEFAULT_AGENDA, 3, ["Ben", "Dee"])  # fails part way
    assert (store.circle_by_id(circle.id), store.members(circle, active_only=False)) == before


# --- turns and segments ------------------------------------------------------------------------
def test_add_turns_writes_off_record_flags_after_the_stored_turns(store: Store,
                                                                  circle: Circle) -> None:
    ana, ben, _ = store.members(circle)
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    store.add_turns(m.id, [(ana.id, "check_in", 0, 5), (ben.id, "check_in", 5, 9)], [False, True])
    store.add_turns(m.id, [(None, "check_in", 9, 12), (ana.id, "contracts", 12, 20)], [True])
    assert [t.idx for t in store.turns(m.id)] == [0, 1, 2, 3]
    assert store.off_record_turns(m.id) == [1, 2]  # a missing flag is on the record
    with pytest.raises(ValueError, match="more off-record flags"):
        store.add_turns(m.id, [(ana.id, "contracts", 20, 21)], [False, True])
    assert len(store.turns(m.id)) == 4


def test_has_segments(store: Store, circle: Circle) -> None:
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "live")
    assert not store.has_segments(m.id)
    store.add_segments(m.id, [(None, None, None, 0.0, 1.0, "words")])
    assert store.has_segments(m.id)


# --- a plain database file ----------------------------------------------------------------------
def test_plain_file_has_circles(tmp_path: Path) -> None:
    from assistant.core.store.store import plain_file_has_circles

    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).close()
    assert not plain_file_has_circles(path)  # no schema yet
    s = Store(path)
    assert not plain_file_has_circles(path)  # schema, no circle
    s.create_circle("Alpha", ["Ana"])
    s.close()
    assert plain_file_has_circles(path)
