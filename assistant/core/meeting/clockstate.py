"""The meeting clock's state as saved while a meeting runs, so a crashed meeting can go on.

`Timekeeper.state()` gives a `ClockState`; the session stores it as JSON (`to_dict`) with every turn
it saves and every few seconds (`Store.save_clock`). After a crash,
`Timekeeper.resume_from` takes it up again: the same turn, its countdown, the adjustments,
pause and off-the-record, and the meeting clock going on from where it stopped. The turns
already closed are not in here: they are the stored turn log.

Times are meeting seconds. No text, no names: indexes into the plan and the members.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# (member index or None, agenda segment id, start, off the record): the log entry still
# open when the state was taken (the turn in progress).
OpenEntry = tuple[int | None, str, float, bool]


@dataclass(frozen=True)
class PlanTurnState:
    extra: float
    used: float
    fixed: float | None


@dataclass(frozen=True)
class ClockState:
    elapsed: float          # meeting seconds when the state was taken
    accounted: float        # meeting time up to which the current turn's `used` counts
    pos: int                # the current turn, an index into the plan
    speaker: int | None
    paused: bool
    off_record: bool
    ended: bool             # the meeting was ended on purpose (End), not interrupted
    plan: tuple[PlanTurnState, ...]
    open: OpenEntry | None
    members: int            # how many were present (a check against the restored plan)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClockState:
        """Read back what `to_dict` gave (after a JSON round trip: lists for tuples)."""
        op = d["open"]
        return cls(
            elapsed=float(d["elapsed"]), accounted=float(d["accounted"]), pos=int(d["pos"]),
            speaker=None if d["speaker"] is None else int(d["speaker"]),
            paused=bool(d["paused"]), off_record=bool(d["off_record"]),
            ended=bool(d["ended"]),
            plan=tuple(PlanTurnState(float(p["extra"]), float(p["used"]),
                                     None if p["fixed"] is None else float(p["fixed"]))
                       for p in d["plan"]),
            open=None if op is None else (None if op[0] is None else int(op[0]), str(op[1]),
                                          float(op[2]), bool(op[3])),
            members=int(d["members"]))
