"""The meeting timekeeper: a clock-injected state machine, no UI and no I/O.

The agenda becomes a plan of turns: one turn per present member in a
per-member segment (check-in, report-back, contracts, appreciations) and one
open turn for a whole-segment slot (challenges), where `speaking(i)` records
who talks. The timekeeper tracks the current turn's countdown (ok / amber in
its last minute / red on overrun), pauses, off-the-record stretches, talk time
per member against an equal share, and a log of who spoke when in meeting
seconds, which is the cheap, exact speaker attribution the pipeline uses.

All times are meeting seconds: `clock() - clock_at_start`. The clock is
injected so tests and snapshots can freeze or advance it.

A meeting interrupted (a crash, a quit) goes on where it stopped: `state()` is what the
session saves as it goes (assistant/core/meeting/clockstate.py) and `resume_from` takes
it up before `start()`. The meeting clock then continues from the time it stopped at:
the time the app was down is not meeting time, and no turn is charged for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.core.meeting.agenda import AgendaSegment
from assistant.core.meeting.clockstate import ClockState, PlanTurnState

if TYPE_CHECKING:
    from assistant.core.store.store import Store

TurnState = Literal["ok", "amber", "red"]

AMBER_SECONDS = 60.0
# When the meeting runs behind, turns still to come shrink to fit the planned
# end, but never below this fraction of their plan: a 20-second check-in is
# not worth having, and an honest late finish beats a farcical one.
MIN_SCALE = 0.5


@dataclass
class PlannedTurn:
    segment: str            # agenda segment id
    member: int | None      # index into `members`; None for an open (whole-segment) slot
    plan: float             # seconds from the agenda
    extra: float = 0.0      # +1 / -1 minute adjustments made by the timekeeper
    used: float = 0.0       # countdown seconds consumed (pauses excluded)
    fixed: float | None = None  # rebalanced allotment, frozen when the turn is first entered


@dataclass(frozen=True)
class LoggedTurn:
    """One stretch of one speaker, in meeting seconds."""

    member: int | None
    segment: str
    start: float
    end: float
    off_record: bool


class Timekeeper:
    def __init__(self, agenda: tuple[AgendaSegment, ...], members: Sequence[str],
                 clock: Callable[[], float]) -> None:
        if not members:
            raise ValueError("a meeting needs at least one member present")
        if not agenda:
            raise ValueError("a meeting needs an agenda with at least one segment")
        self.agenda = agenda
        self.members = list(members)
        self.clock = clock
        self.plan: list[PlannedTurn] = []
        for seg in agenda:
            if seg.per_member:
                self.plan += [PlannedTurn(seg.id, i, seg.minutes * 60)
                              for i in range(len(self.members))]
            else:
                self.plan.append(PlannedTurn(seg.id, None, seg.minutes * 60))
        self.planned_total = sum(t.plan for t in self.plan)
        self.pos = 0
        self.started = False
        self.finished = False
        self.paused = False
        self.off_record = False
        self.speaker: int | None = None
        self.log: list[LoggedTurn] = []
        self._t0 = 0.0
        self._last = 0.0           # meeting time up to which `used` is accounted
        self._open: tuple[int | None, str, float, bool] | None = None  # current log entry
        self._end_time: float | None = None
        self.interrupted = False   # ended by a quit or a signal, not by End: it may go on
        self._resume_at: float | None = None  # set by resume_from: where start() goes on

    # --- time ----------------------------------------------------------------
    def now(self) -> float:
        """Meeting seconds since start (0 before start, frozen after end)."""
        if not self.started:
            return 0.0
        if self._end_time is not None:
            return self._end_time
        return self.clock() - self._t0

    def _accrue(self) -> None:
        now = self.now()
        if self.started and not self.finished and not self.paused:
            self.plan[self.pos].used += now - self._last
        self._last = now

    # --- the log -------------------------------------------------------------
    def _close_entry(self) -> None:
        if self._open is None:
            return
        member, segment, start, off = self._open
        end = self.now()
        if end > start:
            self.log.append(LoggedTurn(member, segment, start, end, off))
        self._open = None

    def _open_entry(self) -> None:
        if self.finished or self.paused:
            return
        self._open = (self.speaker, self.plan[self.pos].segment, self.now(), self.off_record)

    def _switch(self, change: Callable[[], None]) -> None:
        """Close the log entry, apply a change, open a new entry."""
        self._accrue()
        self._close_entry()
        change()
        self._open_entry()

    def turn_log(self) -> list[LoggedTurn]:
        """Closed entries plus the one still open (ending now)."""
        out = list(self.log)
        if self._open is not None:
            member, segment, start, off = self._open
            if self.now() > start:
                out.append(LoggedTurn(member, segment, start, self.now(), off))
        return out

    # --- lifecycle -----------------------------------------------------------
    def start(self) -> None:
        if self.started:
            return
        if self._resume_at is not None:  # going on where an interrupted meeting stopped
            self._t0 = self.clock() - self._resume_at
            self.started = True
            self._last = self._resume_at
            self._open_entry()
            return
        self._t0 = self.clock()
        self.started = True
        self._last = 0.0
        self._enter(0)
        self._open_entry()

    def _enter(self, pos: int) -> None:
        turn = self.plan[pos]
        if turn.fixed is None:
            # Freeze the rebalanced share before this turn becomes current.
            turn.fixed = turn.plan * self._scale(leaving=True) if self.pos < pos else turn.plan
        self.pos = pos
        self.speaker = turn.member

    def end(self, interrupted: bool = False) -> None:
        """Stop the clock; `interrupted`: the app is quitting mid-meeting (not End), so the
        meeting may go on later from here (its pause, if any, is kept for that)."""
        if not self.started:
            self.start()
        if self.finished:
            return
        self._accrue()
        self._close_entry()
        self._end_time = self.clock() - self._t0
        self.finished = True
        self.interrupted = interrupted
        if not interrupted:
            self.paused = False

    def next_turn(self) -> None:
        if not self.started:
            self.start()
            return
        if self.finished:
            return
        if self.pos + 1 >= len(self.plan):
            self.end()
            return
        self._switch(lambda: self._enter(self.pos + 1))

    def previous_turn(self) -> None:
        if not self.started or self.finished or self.pos == 0:
            return
        self._switch(lambda: self._enter(self.pos - 1))

    def speaking(self, member: int) -> None:
        """'Now speaking: member N' (0-based), for open discussion and interjections."""
        if not 0 <= member < len(self.members):
            raise IndexError(member)
        if not self.started or self.finished or member == self.speaker:
            return

        def change() -> None:
            self.speaker = member
        self._switch(change)

    def adjust(self, minutes: float) -> None:
        """+1 / -1 minute on the current turn; never below what is already used."""
        if not self.started or self.finished:
            return
        self._accrue()
        turn = self.plan[self.pos]
        turn.extra = max(turn.extra + minutes * 60, -turn.plan)

    def pause(self) -> None:
        if not self.started or self.finished or self.paused:
            return
        self._accrue()
        self._close_entry()
        self.paused = True

    def resume(self) -> None:
        if not self.paused:
            return
        self._accrue()
        self.paused = False
        self._open_entry()

    def toggle_pause(self) -> None:
        self.resume() if self.paused else self.pause()

    def set_off_record(self, off: bool) -> None:
        if off == self.off_record:
            return
        if not self.started or self.finished:
            self.off_record = off
            return

        def change() -> None:
            self.off_record = off
        self._switch(change)

    # --- saving and going on after an interruption ----------------------------
    def state(self) -> ClockState:
        """What `resume_from` needs to go on from now (saved as the meeting goes)."""
        return ClockState(
            elapsed=self.now(), accounted=self._last, pos=self.pos, speaker=self.speaker,
            paused=self.paused, off_record=self.off_record,
            ended=self.finished and not self.interrupted,
            plan=tuple(PlanTurnState(t.extra, t.used, t.fixed) for t in self.plan),
            open=self._open, members=len(self.members))

    def resume_from(self, state: ClockState | None, log: Sequence[LoggedTurn],
                    stopped_at: float) -> None:
        """Before `start()`: go on with a meeting that stopped at `stopped_at` meeting seconds.

        `log` is the turn log saved before it stopped; `state` its last saved clock state
        (None, or one from another agenda or attendance: it is worked out from the log).
        The turn in progress then is closed at `stopped_at` (appended to `log`, for the
        caller to save) and its countdown charged up to there; `start()` goes on from
        `stopped_at` in the same turn, with the same speaker, pause and off-the-record.
        """
        if self.started:
            raise RuntimeError("resume_from must come before start")
        if state is not None and state.ended:
            raise ValueError("that meeting was ended; it cannot go on")
        if state is not None and (state.members != len(self.members)
                                  or len(state.plan) != len(self.plan)
                                  or not 0 <= state.pos < len(self.plan)):
            state = None  # the circle's agenda or members changed since
        self.log = list(log)
        last_end = max((e.end for e in self.log), default=0.0)
        if state is None:
            self._derive(stopped_at)
        else:
            stopped_at = max(stopped_at, state.elapsed)
            for turn, saved in zip(self.plan, state.plan, strict=True):
                turn.extra, turn.used, turn.fixed = saved.extra, saved.used, saved.fixed
            self.pos, self.speaker = state.pos, state.speaker
            self.paused, self.off_record = state.paused, state.off_record
            if not state.paused:  # it ran on from the last save to where it stopped
                self.plan[self.pos].used += max(0.0, stopped_at - state.accounted)
            op = state.open
            # An entry the log already holds (saved as it closed) is not added twice.
            if op is not None and op[2] >= last_end - 1e-6 and stopped_at > op[2]:
                member, segment, start, off = op
                self.log.append(LoggedTurn(member, segment, start, stopped_at, off))
        self._resume_at = stopped_at

    def _derive(self, stopped_at: float) -> None:
        """No saved state: each logged stretch counts for the plan turn it belongs to, the
        last one is the current turn and its speaker held the floor until `stopped_at`."""
        def turn_of(e: LoggedTurn) -> int | None:
            for k, t in enumerate(self.plan):
                if t.segment == e.segment and (t.member is None or t.member == e.member):
                    return k
            return None

        for e in self.log:
            k = turn_of(e)
            if k is not None:
                self.plan[k].used += e.end - e.start
        if not self.log:
            self._enter(0)
            return
        last = self.log[-1]
        k = turn_of(last)
        self.pos = 0 if k is None else k
        for j in range(self.pos + 1):
            if self.plan[j].fixed is None:
                self.plan[j].fixed = self.plan[j].plan
        self.speaker, self.off_record = last.member, last.off_record
        if stopped_at > last.end:
            self.log.append(LoggedTurn(last.member, last.segment, last.end, stopped_at,
                                       last.off_record))
            self.plan[self.pos].used += stopped_at - last.end

    # --- queries -------------------------------------------------------------
    @property
    def current(self) -> PlannedTurn | None:
        if not self.started or self.finished:
            return None
        return self.plan[self.pos]

    def _used(self, k: int) -> float:
        turn = self.plan[k]
        if k == self.pos and self.started and not self.finished and not self.paused:
            return turn.used + (self.now() - self._last)
        return turn.used

    def _scale(self, leaving: bool = False) -> float:
        """How much the turns not yet entered shrink so the meeting meets its planned end.

        Only ever shrinks: a meeting running early just ends early.
        """
        if not self.started or self.finished:
            return 1.0
        # Time spent, or still promised to the current turn, so far.
        committed = sum(self._used(k) for k in range(self.pos))
        used = self._used(self.pos)
        # While a turn runs it keeps its whole share; once left, only what it used counts.
        committed += used if leaving else max(used, self._own(self.pos))
        base = sum(t.plan for k, t in enumerate(self.plan) if k > self.pos and t.fixed is None)
        fixed = sum(self._own(k) for k, t in enumerate(self.plan)
                    if k > self.pos and t.fixed is not None)
        if base <= 0:
            return 1.0
        return min(1.0, max(MIN_SCALE, (self.planned_total - committed - fixed) / base))

    def _own(self, k: int) -> float:
        turn = self.plan[k]
        return max((turn.plan if turn.fixed is None else turn.fixed) + turn.extra, 0.0)

    def allotted(self, k: int) -> float:
        """Seconds turn k may take: its share (rebalanced if still to come) plus adjustments."""
        turn = self.plan[k]
        if turn.fixed is None and self.started and not self.finished and k > self.pos:
            return max(turn.plan * self._scale() + turn.extra, 0.0)
        return self._own(k)

    def turn_remaining(self) -> float:
        """Seconds left in the current turn; negative on overrun."""
        if self.current is None:
            return 0.0
        return self.allotted(self.pos) - self._used(self.pos)

    def turn_progress(self) -> float:
        """Fraction of the current turn used, 0..1 (1 on overrun)."""
        if self.current is None:
            return 0.0
        total = self.allotted(self.pos)
        return 1.0 if total <= 0 else min(1.0, self._used(self.pos) / total)

    def turn_state(self) -> TurnState:
        rem = self.turn_remaining()
        if rem <= 0 and self.current is not None:
            return "red"
        # Short turns (appreciations: 30 s) would be amber from the first second,
        # so the warning covers at most the last half of a turn.
        window = min(AMBER_SECONDS, self.allotted(self.pos) / 2) if self.current else 0
        return "amber" if rem <= window and self.current is not None else "ok"

    def segment(self) -> AgendaSegment | None:
        cur = self.current
        if cur is None:
            return None
        return next(s for s in self.agenda if s.id == cur.segment)

    def segment_turns(self, segment_id: str | None = None) -> list[int]:
        sid = segment_id or (self.current.segment if self.current else None)
        return [k for k, t in enumerate(self.plan) if t.segment == sid]

    def segment_remaining(self) -> float:
        """Seconds left in the current segment (its remaining turns); negative on overrun."""
        cur = self.current
        if cur is None:
            return 0.0
        total = self.turn_remaining()
        for k in self.segment_turns():
            if k > self.pos:
                total += max(self.allotted(k) - self.plan[k].used, 0.0)
        return total

    def member_name(self, member: int | None) -> str:
        return "Open discussion" if member is None else self.members[member]

    def next_up(self) -> PlannedTurn | None:
        if not self.started:
            return self.plan[0]
        if self.finished or self.pos + 1 >= len(self.plan):
            return None
        return self.plan[self.pos + 1]

    def projected_end(self) -> float:
        """Meeting seconds at which the meeting ends if the plan holds from now."""
        if self.finished:
            return self.now()
        if not self.started:
            return self.planned_total
        rest = max(self.turn_remaining(), 0.0)
        rest += sum(max(self.allotted(k) - self.plan[k].used, 0.0)
                    for k in range(self.pos + 1, len(self.plan)))
        return self.now() + rest

    def talk_times(self) -> list[float]:
        """Seconds each member has held the floor, in member order (never ranked)."""
        out = [0.0] * len(self.members)
        for e in self.turn_log():
            if e.member is not None:
                out[e.member] += e.end - e.start
        return out

    def fair_share(self) -> float:
        """An equal split of all attributed talk time so far."""
        return sum(self.talk_times()) / len(self.members)

    def store_rows(self, member_ids: Sequence[int]) -> list[tuple[int | None, str, float, float]]:
        """The log as rows for `Store.add_turns`, member indexes mapped to ids."""
        return [(None if e.member is None else member_ids[e.member], e.segment, e.start, e.end)
                for e in self.turn_log()]


def store_turns(store: Store, meeting_id: int, tk: Timekeeper,
                member_ids: Sequence[int]) -> None:
    """Save the turn log with `Store.add_turns`, the off-the-record stretches flagged, in
    one transaction."""
    store.add_turns(meeting_id, tk.store_rows(member_ids),
                    [e.off_record for e in tk.turn_log()])


def fmt_seconds(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`) of whole seconds, with a minus sign below zero."""
    s = int(abs(seconds))
    sign = "-" if seconds < 0 and s else ""
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m}:{sec:02d}"
