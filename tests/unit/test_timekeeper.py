"""The timekeeper state machine, driven by a fake clock."""

from __future__ import annotations

import pytest

from assistant.core.meeting.agenda import DEFAULT_AGENDA, AgendaSegment
from assistant.core.meeting.timekeeper import Timekeeper, fmt_seconds, store_turns
from assistant.core.store.store import Store


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s


AGENDA = (
    AgendaSegment("check_in", "Check-in", 1.0, True),
    AgendaSegment("challenges", "Challenges", 10.0, False),
    AgendaSegment("contracts", "Contracts", 2.0, True),
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make(clock: Clock, agenda: tuple[AgendaSegment, ...] = AGENDA) -> Timekeeper:
    return Timekeeper(agenda, ["Ana", "Ben", "Cai"], clock)


def test_plan_has_one_turn_per_member_in_per_member_segments(clock: Clock) -> None:
    tk = make(clock)
    assert [(t.segment, t.member) for t in tk.plan] == [
        ("check_in", 0), ("check_in", 1), ("check_in", 2),
        ("challenges", None),
        ("contracts", 0), ("contracts", 1), ("contracts", 2),
    ]
    assert tk.planned_total == 3 * 60 + 600 + 3 * 120
    full = make(clock, DEFAULT_AGENDA)
    assert [s.id for s in full.agenda] == ["check_in", "report_back", "challenges",
                                           "contracts", "appreciations"]


def test_needs_members_and_agenda(clock: Clock) -> None:
    with pytest.raises(ValueError):
        Timekeeper(AGENDA, [], clock)
    with pytest.raises(ValueError):
        Timekeeper((), ["Ana"], clock)


def test_countdown_states_ok_amber_red(clock: Clock) -> None:
    tk = make(clock, (AgendaSegment("contracts", "Contracts", 3.0, True),))
    assert tk.current is None and tk.now() == 0
    tk.start()
    assert tk.current is not None and tk.current.member == 0
    assert tk.turn_remaining() == 180 and tk.turn_state() == "ok"
    clock.advance(119)
    assert tk.turn_state() == "ok"
    clock.advance(2)
    assert tk.turn_state() == "amber" and tk.turn_remaining() == pytest.approx(59)
    clock.advance(60)
    assert tk.turn_state() == "red" and tk.turn_remaining() == pytest.approx(-1)
    assert tk.turn_progress() == 1.0


def test_short_turns_are_amber_only_in_their_last_half(clock: Clock) -> None:
    tk = make(clock, (AgendaSegment("appreciations", "Appreciations", 0.5, True),))
    tk.start()
    clock.advance(10)
    assert tk.turn_state() == "ok"
    clock.advance(6)
    assert tk.turn_state() == "amber"


def test_next_previous_and_segments(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    seg = tk.segment()
    assert seg is not None and seg.id == "check_in"
    assert tk.segment_remaining() == 180
    clock.advance(30)
    assert tk.segment_remaining() == 150
    nxt = tk.next_up()
    assert nxt is not None and nxt.member == 1
    tk.next_turn()
    assert tk.current is not None and tk.current.member == 1
    clock.advance(10)
    tk.previous_turn()
    # Back to Ana: her countdown continues from where it stopped.
    assert tk.current.member == 0 and tk.turn_remaining() == 30
    tk.next_turn()
    tk.next_turn()
    tk.next_turn()
    seg = tk.segment()
    assert seg is not None and seg.id == "challenges" and tk.current.member is None
    assert tk.member_name(tk.current.member) == "Open discussion"
    for _ in range(4):
        tk.next_turn()
    assert tk.finished and tk.current is None
    tk.next_turn()  # no-op after the end
    assert tk.finished


def test_previous_at_first_turn_is_a_no_op(clock: Clock) -> None:
    tk = make(clock)
    tk.previous_turn()
    tk.start()
    tk.previous_turn()
    assert tk.pos == 0


def test_adjust_adds_and_removes_minutes(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    tk.adjust(+1)
    assert tk.turn_remaining() == 120
    tk.adjust(-1)
    tk.adjust(-1)
    assert tk.turn_remaining() == 0 and tk.turn_state() == "red"
    tk.adjust(-1)  # never below zero allotted
    assert tk.allotted(0) == 0


def test_pause_freezes_countdown_but_not_the_meeting_clock(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    clock.advance(20)
    tk.toggle_pause()
    assert tk.paused
    clock.advance(100)
    assert tk.turn_remaining() == 40
    assert tk.now() == 120
    tk.toggle_pause()
    clock.advance(5)
    assert tk.turn_remaining() == 35
    # The pause is not talk time.
    assert tk.talk_times()[0] == pytest.approx(25)


def test_overrun_rebalances_turns_still_to_come(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    assert tk.allotted(1) == 60
    clock.advance(60 + 90)  # Ana overruns by 90 s
    # 90 s must come out of 6 turns + challenges planned at 180-60+600+360 = 1080 s
    scale = (tk.planned_total - 150) / (tk.planned_total - 60)
    assert tk.allotted(1) == pytest.approx(60 * scale)
    assert tk.allotted(3) == pytest.approx(600 * scale)
    assert tk.projected_end() == pytest.approx(tk.planned_total)
    tk.next_turn()
    # Ben's share is frozen when his turn starts.
    assert tk.turn_remaining() == pytest.approx(60 * scale)
    clock.advance(10)
    assert tk.allotted(1) == pytest.approx(60 * scale)


def test_early_finish_gives_time_back_but_never_inflates(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    clock.advance(150)  # 90 s over
    tk.next_turn()
    clock.advance(10)   # Ben finishes 50 s early: most of the overrun is recovered
    tk.next_turn()
    assert tk.allotted(3) > 600 * (tk.planned_total - 150) / (tk.planned_total - 60)
    assert tk.allotted(3) <= 600


def test_rebalancing_has_a_floor(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    clock.advance(5000)
    assert tk.allotted(4) == pytest.approx(60)  # half of the 120 s contract turn
    assert tk.projected_end() > tk.planned_total


def test_speaking_logs_open_discussion_and_talk_time(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    clock.advance(60)
    for _ in range(3):
        tk.next_turn()
        clock.advance(60)
    # challenges: Ben brings one, Cai and Ana respond
    tk.speaking(1)
    clock.advance(120)
    tk.speaking(2)
    clock.advance(30)
    tk.speaking(0)
    clock.advance(30)
    tk.speaking(0)  # repeated key: no new entry
    with pytest.raises(IndexError):
        tk.speaking(7)
    tk.end()
    log = tk.turn_log()
    assert [(e.member, e.segment) for e in log] == [
        (0, "check_in"), (1, "check_in"), (2, "check_in"),
        (None, "challenges"), (1, "challenges"), (2, "challenges"), (0, "challenges")]
    assert [(e.start, e.end) for e in log][3:] == [(180, 240), (240, 360), (360, 390),
                                                  (390, 420)]
    assert tk.talk_times() == [90, 180, 90]
    assert tk.fair_share() == 120
    assert tk.now() == 420
    clock.advance(100)
    assert tk.now() == 420  # frozen after the end


def test_off_record_is_flagged_in_the_log(clock: Clock) -> None:
    tk = make(clock)
    tk.start()
    clock.advance(10)
    tk.set_off_record(True)
    clock.advance(20)
    tk.set_off_record(True)
    tk.set_off_record(False)
    clock.advance(5)
    tk.end()
    assert [(e.start, e.end, e.off_record) for e in tk.turn_log()] == [
        (0, 10, False), (10, 30, True), (30, 35, False)]


def test_store_rows_and_store_turns(clock: Clock) -> None:
    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana", "Ben", "Cai"], agenda=AGENDA)
    ids = [m.id for m in store.members(circle)]
    meeting = store.create_meeting(circle, "2025-01-01", "2025-01-15", "live")
    tk = make(clock)
    tk.start()
    clock.advance(30)
    tk.set_off_record(True)
    clock.advance(30)
    tk.next_turn()
    clock.advance(10)
    tk.end()
    assert tk.store_rows(ids) == [(ids[0], "check_in", 0, 30), (ids[0], "check_in", 30, 60),
                                  (ids[1], "check_in", 60, 70)]
    store_turns(store, meeting.id, tk, ids)
    turns = store.turns(meeting.id)
    assert [(t.member_id, t.start, t.end) for t in turns] == [
        (ids[0], 0, 30), (ids[0], 30, 60), (ids[1], 60, 70)]
    flags = [r[0] for r in store.db.execute(
        "SELECT off_record FROM turns WHERE meeting_id = ? ORDER BY idx", (meeting.id,))]
    assert flags == [0, 1, 1]  # off the record lasts across turns until switched back


def test_fmt_seconds() -> None:
    assert fmt_seconds(0) == "0:00"
    assert fmt_seconds(59.9) == "0:59"
    assert fmt_seconds(61) == "1:01"
    assert fmt_seconds(3725) == "1:02:05"
    assert fmt_seconds(-75) == "-1:15"
    assert fmt_seconds(-0.4) == "0:00"
