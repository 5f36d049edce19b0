"""A member's own goal history: items per meeting, statuses, completion over time.

Only the member's own items are read; nothing here touches transcripts.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.store.store import Circle, ContractItem, Member, Store

DONE = {"done"}


@dataclass(frozen=True)
class GoalItem:
    id: int
    text: str
    due: str | None
    tentative: bool
    status: str | None  # report-back status at a later meeting, None while open
    confirmed: bool
    carry_count: int  # how many times this commitment has been carried over


@dataclass(frozen=True)
class MeetingGoals:
    meeting_id: int
    date: str
    items: list[GoalItem]

    @property
    def completion(self) -> float | None:
        decided = [i for i in self.items if i.status is not None]
        if not decided:
            return None
        return sum(i.status in DONE for i in decided) / len(decided)


def _carry_count(store: Store, item: ContractItem) -> int:
    n, seen = 0, set()
    cur = item
    while cur.carried_from is not None and cur.carried_from not in seen:
        seen.add(cur.carried_from)
        n += 1
        cur = store.item(cur.carried_from)
    return n


def history(store: Store, circle: Circle, member: Member) -> list[MeetingGoals]:
    out: list[MeetingGoals] = []
    by_meeting: dict[int, list[GoalItem]] = {}
    for item in store.member_items(member.id):
        report = store.item_report(item.id)
        by_meeting.setdefault(item.meeting_id, []).append(GoalItem(
            item.id, item.text, item.due, item.tentative, report.status if report else None,
            report.confirmed if report else False, _carry_count(store, item)))
    for meeting in store.meetings(circle):
        if meeting.id in by_meeting:
            out.append(MeetingGoals(meeting.id, meeting.date, by_meeting[meeting.id]))
    return out


def open_items(hist: list[MeetingGoals]) -> list[GoalItem]:
    """Items with no outcome yet (the latest commitments, and any never reported on)."""
    return [i for m in hist for i in m.items if i.status is None]


def sparkline(values: list[float | None]) -> str:
    bars = " ▁▂▃▄▅▆▇█"
    return "".join("·" if v is None else bars[round(v * 8)] for v in values)


def to_markdown(member: Member, circle: Circle, hist: list[MeetingGoals]) -> str:
    lines = [f"# Goals of {member.name} — {circle.name}", ""]
    rates = [m.completion for m in hist]
    known = [r for r in rates if r is not None]
    if known:
        lines += [f"Completion over time: {sparkline(rates)}  "
                  f"(overall {sum(known) / len(known):.0%} of reported items done)", ""]
    for m in hist:
        rate = "" if m.completion is None else f" — {m.completion:.0%} done"
        lines.append(f"## {m.date}{rate}")
        for i in m.items:
            status = (i.status or "open").replace("_", " ")
            flag = f" ⚠ carried over {i.carry_count} times" if i.carry_count > 2 else (
                f" (carried over {i.carry_count}×)" if i.carry_count else "")
            lines.append(f"- {i.text} — {status}{flag}")
        lines.append("")
    opened = open_items(hist)
    lines.append("## Open items")
    lines += [f"- {i.text} (due {i.due})" for i in opened] or ["- none"]
    return "\n".join(lines) + "\n"


def to_json(member: Member, circle: Circle, hist: list[MeetingGoals]) -> dict[str, object]:
    return {
        "member": member.name, "circle": circle.name,
        "meetings": [{"meeting": m.meeting_id, "date": m.date, "completion": m.completion,
                      "items": [{"id": i.id, "text": i.text, "due": i.due,
                                 "tentative": i.tentative, "status": i.status,
                                 "confirmed": i.confirmed, "carry_count": i.carry_count}
                                for i in m.items]} for m in hist],
        "open": [i.text for i in open_items(hist)],
    }
