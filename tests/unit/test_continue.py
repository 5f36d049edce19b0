"""Going on with an interrupted meeting: the clock's saved state, the turns and the consent
ledger taken up again (core/meeting and services/session; real SQLite, no audio, no UI).

The meeting clock goes on from where the meeting stopped; the time the app was down is not
meeting time and is charged to no turn.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assistant.core.errors import PMCError
from assistant.core.meeting.agenda import AgendaSegment
from assistant.core.meeting.clockstate import ClockState
from assistant.core.meeting.timekeeper import LoggedTurn, Timekeeper
from assistant.core.store.store import Store
from assistant.services.session import MeetingSession, can_go_on, where_it_stopped

AGENDA = (
    AgendaSegment("check_in", "Check-in", 1.0, True),
    AgendaSegment("challenges", "Challenges", 10.0, False),
    AgendaSegment("contracts", "Contracts", 2.0, True),
)
TODAY = dt.date(2026, 3, 5)


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s


def test_the_clock_goes_on_in_the_same_turn_from_where_it_stopped() -> None:
    clock = Clock()
    tk = Timekeeper(AGENDA, ["Ana", "Ben", "Cai"], clock)
    tk.start()
    for step in (50, 70, 65):  # check-ins; Cai's runs over its minute
        clock.advance(step)
        tk.next_turn()
    clock.advance(200)  # challenges: Ben speaks from 385 s, off the record from 400 s
    tk.next_turn()  # contracts, Ana
    clock.advance(30)
    tk.adjust(1)
    clock.advance(20)
    tk.next_turn()  # Ben's contract from 435 s
    clock.advance(15)
    tk.set_off_record(True)
    clock.advance(5)
    state = ClockState.from_dict(json.loads(json.dumps(tk.state().to_dict())))
    saved_log = list(tk.log)
    remaining, projected = tk.turn_remaining(), tk.projected_end()
    assert state.elapsed == 455 and state.pos == 5 and state.off_record

    # The app stops 1.5 s after that save; it starts again much later on another clock.
    later = Clock(99_999.0)
    again = Timekeeper(AGENDA, ["Ana", "Ben", "Cai"], later)
    again.resume_from(state, saved_log, stopped_at=456.5)
    # The turn in progress is closed where it stopped (for the caller to save).
    assert again.log[-1] == LoggedTurn(1, "contracts", 450.0, 456.5, True)
    again.start()
    assert again.now() == 456.5
    assert (again.pos, again.speaker, again.off_record) == (5, 1, True)
    assert again.segment() is not None and again.segment().id == "contracts"
    assert again.turn_remaining() == pytest.approx(remaining - 1.5)
    assert again.allotted(4) == tk.allotted(4)  # Ana's +1 min kept
    assert again.projected_end() == pytest.approx(projected + 1.5 - 1.5)
    later.advance(10)
    assert again.now() == 466.5  # from there on it runs again
    assert again.turn_remaining() == pytest.approx(remaining - 11.5)
    again.set_off_record(False)
    again.next_turn()
    assert again.log[-2:] == [LoggedTurn(1, "contracts", 450.0, 456.5, True),
                              LoggedTurn(1, "contracts", 456.5, 466.5, True)]
    assert again.talk_times()[1] == pytest.approx(tk.talk_times()[1] + 1.5 + 10)


def test_a_paused_meeting_goes_on_paused_and_no_turn_is_charged() -> None:
    clock = Clock()
    tk = Timekeeper(AGENDA, ["Ana", "Ben"], clock)
    tk.start()
    clock.advance(20)
    tk.pause()
    clock.advance(30)
    state = tk.state()
    again = Timekeeper(AGENDA, ["Ana", "Ben"], Clock(5.0))
    again.resume_from(state, list(tk.log), stopped_at=52.0)
    again.start()
    assert again.paused and again.now() == 52.0
    assert again.plan[0].used == pytest.approx(20.0)
    assert again.log == tk.log  # nothing was open while paused


def test_without_a_saved_state_the_turn_is_worked_out_from_the_log() -> None:
    log = [LoggedTurn(0, "check_in", 0.0, 40.0, False),
           LoggedTurn(1, "check_in", 40.0, 90.0, False),
           LoggedTurn(1, "challenges", 90.0, 150.0, False),
           LoggedTurn(2, "challenges", 150.0, 170.0, False)]
    tk = Timekeeper(AGENDA, ["Ana", "Ben", "Cai"], Clock())
    tk.resume_from(None, log, stopped_at=180.0)
    tk.start()
    assert tk.pos == 3 and tk.speaker == 2 and tk.now() == 180.0
    assert tk.plan[3].used == pytest.approx(90.0)  # the open slot: 60 + 20 + 10 s
    assert tk.log[-1] == LoggedTurn(2, "challenges", 170.0, 180.0, False)


def test_an_ended_meeting_cannot_go_on() -> None:
    clock = Clock()
    tk = Timekeeper(AGENDA, ["Ana"], clock)
    tk.start()
    clock.advance(5)
    tk.end()
    with pytest.raises(ValueError, match="ended"):
        Timekeeper(AGENDA, ["Ana"], clock).resume_from(tk.state(), tk.log, 5.0)


def _meeting(tmp_path) -> tuple[Store, MeetingSession, Clock]:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "db.sqlite3")
    circle = store.create_circle("Circle", ["Ana", "Ben", "Cai"], agenda=AGENDA)
    clock = Clock()
    session = MeetingSession.create(store, circle, store.members(circle), clock, TODAY)
    return store, session, clock


def test_a_session_goes_on_with_its_turns_consent_and_clock(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, session, clock = _meeting(tmp_path)
    ana, ben, cai = session.present
    session.wall = lambda: 10_000.0
    for m in (ana, ben, cai):
        session.set_consent(m.id, True)
    session.start(record=False)
    tk = session.timekeeper
    for step in (40, 45, 60, 300):  # check-ins, challenges: into Ana's contract
        clock.advance(step)
        session.act(tk.next_turn)
    clock.advance(20)
    session.act(tk.next_turn)  # Ben's contract from 465 s
    clock.advance(10)
    session.set_consent(cai.id, False)  # Cai withdraws at 475 s
    clock.advance(1.5)
    session.save_clock_if_due()  # not due (1.5 s since the last save)
    clock.advance(1.0)
    session.save_clock_if_due()  # due: saved at 477.5 s
    clock.advance(0.7)  # then the process dies: no end(), nothing more saved
    turns_before = store.turns(session.meeting.id)
    assert [t.segment for t in turns_before][-1] == "contracts"
    assert can_go_on(store, session.meeting)
    circle = session.circle
    where = where_it_stopped(store, circle, session.meeting)
    assert where == "at 7:57 in Contracts, Ben's turn"

    restarted = Clock(50.0)
    again = MeetingSession.go_on(store, circle, store.meeting(session.meeting.id),
                                 restarted, wall=lambda: 10_180.0)
    info = again.continued
    assert info is not None and info.stopped_at == pytest.approx(477.5)
    assert info.down_s == pytest.approx(180.0) and not info.record and info.chunks == 0
    # The consent ledger as it was: Cai withdrew, the others still consent.
    assert [p.name for p in again.consent.missing()] == ["Cai"]
    assert again.consent.granted(ana.id) and again.consent.granted(ben.id)
    # The turns before, once each, and Ben's turn closed where it stopped.
    turns = store.turns(session.meeting.id)
    assert turns[:-1] == turns_before
    last = turns[-1]
    assert (last.member_id, last.segment, last.start, last.end) == (ben.id, "contracts",
                                                                     465.0, 477.5)
    again.start(record=False)
    tk2 = again.timekeeper
    assert tk2.now() == pytest.approx(477.5)
    assert (tk2.pos, tk2.speaker) == (5, 1)
    assert tk2.turn_remaining() == pytest.approx(120 - 12.5)
    assert tk2.talk_times() == pytest.approx([40 + 20, 45 + 12.5, 60])  # challenges: open
    # It goes on: the next turn is saved after the ones before, and End ends it for good.
    restarted.advance(8)
    again.act(tk2.next_turn)
    turns = store.turns(session.meeting.id)
    assert (turns[-1].member_id, turns[-1].start, turns[-1].end) == (ben.id, 477.5, 485.5)
    assert [t.idx for t in turns] == list(range(len(turns)))
    again.end()
    assert store.meeting(session.meeting.id).status == "open"  # processing comes next
    assert not can_go_on(store, store.meeting(session.meeting.id))
    with pytest.raises(PMCError, match="was ended with End"):
        MeetingSession.go_on(store, circle, store.meeting(session.meeting.id), Clock())


def test_a_quit_meeting_goes_on_where_it_was_quit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, session, clock = _meeting(tmp_path)
    session.start(record=False)
    tk = session.timekeeper
    clock.advance(30)
    session.act(tk.next_turn)
    clock.advance(12)
    session.act(tk.toggle_pause)
    clock.advance(3)
    session.end(interrupted=True)  # Ctrl+Q's Yes, SIGINT, SIGTERM (the app's on_unmount)
    n = len(store.turns(session.meeting.id))
    assert can_go_on(store, session.meeting)
    again = MeetingSession.go_on(store, session.circle, session.meeting, Clock())
    assert len(store.turns(session.meeting.id)) == n  # nothing was open: nothing added
    again.start(record=False)
    tk2 = again.timekeeper
    assert (tk2.pos, tk2.paused, tk2.now()) == (1, True, 45.0)
    assert tk2.plan[1].used == pytest.approx(12.0)


def test_a_meeting_nobody_attended_is_not_continued(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "db.sqlite3")
    circle = store.create_circle("Circle", ["Ana"], agenda=AGENDA)
    m = store.create_meeting(circle, TODAY.isoformat(), "2026-03-19", "live")
    assert not can_go_on(store, m)  # recovered (r), never a meeting of no one
    store.set_attendance(m.id, {store.members(circle)[0].id: True})
    assert can_go_on(store, m)
