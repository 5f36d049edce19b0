"""Scoring drafted contracts against a scripted meeting's ground truth.

A truth commitment is found when every one of its keys appears in one of the
member's drafted, non-tentative items ("a|b" keys accept either). Precision
counts drafted non-tentative items that match some truth commitment of the
same member. Report-back accuracy compares suggested statuses per item.

Scripts of the evaluation corpus (benchmarks/eval) tag each truth item with a
failure class, list report-back truth per item (`[{"item", "status", "class"}]`,
where the item may come from the member's last attended meeting, not only the
circle's last one) and list traps (`not_contracts` with keys: said, but no
contract). Those are scored per class, and `coverage` checks that every open
previous item appears in the recap's report-back at all. The older forms
(one status per member, or `{item text: status}`) still score as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.store.store import ContractItem, Meeting, Store

# Expected when the member says nothing about an item: the recap must still list it.
NOT_REPORTED = "not_reported"


def _has_key(text: str, key: str) -> bool:
    low = text.lower()
    return any(alt.strip().lower() in low for alt in key.split("|"))


def matches(text: str, keys: list[str]) -> bool:
    return all(_has_key(text, k) for k in keys)


@dataclass
class ClassScore:
    """Per failure class: contracts found, report-back right, traps drafted as contracts."""

    found: int = 0
    truth: int = 0
    report_right: int = 0
    report_total: int = 0
    traps_drafted: int = 0
    traps: int = 0

    def add(self, other: ClassScore) -> None:
        for f in ("found", "truth", "report_right", "report_total", "traps_drafted", "traps"):
            setattr(self, f, getattr(self, f) + getattr(other, f))


@dataclass
class Score:
    found: int = 0
    truth: int = 0
    correct_items: int = 0
    drafted: int = 0
    report_right: int = 0
    report_total: int = 0
    covered: int = 0
    open_items: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    classes: dict[str, ClassScore] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        return self.correct_items / self.drafted if self.drafted else 1.0

    @property
    def report_accuracy(self) -> float:
        return self.report_right / self.report_total if self.report_total else 1.0

    @property
    def coverage(self) -> float:
        """Share of open previous items that the recap's report-back lists at all."""
        return self.covered / self.open_items if self.open_items else 1.0

    def cls(self, name: str) -> ClassScore:
        return self.classes.setdefault(name, ClassScore())

    def add(self, other: Score) -> None:
        for f in ("found", "truth", "correct_items", "drafted", "report_right", "report_total",
                  "covered", "open_items"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.misses += other.misses
        self.extras += other.extras
        for name, c in other.classes.items():
            self.cls(name).add(c)


def _earlier_items(store: Store, meeting: Meeting, member_id: int) -> list[ContractItem]:
    """The member's items from every earlier meeting of the circle, newest meeting first."""
    circle = store.circle_by_id(meeting.circle_id)
    earlier = [m for m in store.meetings(circle) if m.date < meeting.date and m.id != meeting.id]
    return [i for m in reversed(earlier) for i in store.items(m.id, member_id)]


def score_meeting(store: Store, meeting_id: int, script: dict[str, Any]) -> Score:
    from assistant.core.reports.recap import recap_data

    truth = script["truth"]
    meeting = store.meeting(meeting_id)
    circle = store.circle_by_id(meeting.circle_id)
    members = {m.name: m for m in store.members(circle)}
    s = Score()
    for name, member in members.items():
        items = [i for i in store.items(meeting_id, member.id) if not i.tentative]
        want = truth["contracts"].get(name, [])
        s.truth += len(want)
        for t in want:
            c = s.cls(t.get("class", "untagged"))
            c.truth += 1
            if any(matches(i.text, t["keys"]) for i in items):
                s.found += 1
                c.found += 1
            else:
                s.misses.append(f"{name}: {t['action']}")
        for i in items:
            s.drafted += 1
            if any(matches(i.text, t["keys"]) for t in want):
                s.correct_items += 1
            else:
                s.extras.append(f"{name}: {i.text}")
        for trap in truth.get("not_contracts", {}).get(name, []):
            if not isinstance(trap, dict):  # older scripts list phrases without keys
                continue
            c = s.cls(trap.get("class", "untagged"))
            c.traps += 1
            if any(matches(i.text, trap["keys"]) for i in items):
                c.traps_drafted += 1
    reports = {r.item_id: r for r in store.report_back(meeting_id)}
    recap = recap_data(store, meeting_id)["report_back"]
    listed = {(r["member"], r["item"].lower()): r.get("status") for r in recap}
    for name, expected in truth.get("report_back", {}).items():
        member = members[name]
        if isinstance(expected, list):
            _score_items(s, store, meeting, name, member.id, expected, listed)
            continue
        previous = store.open_items_before(circle, member.id, meeting.date, exclude=meeting_id)
        if not previous:
            continue
        pairs = (expected.items() if isinstance(expected, dict)
                 else [(previous[0].text, expected)])
        for item_text, status in pairs:
            item = next((p for p in previous if p.text.lower() == item_text.lower()),
                        previous[0])
            s.report_total += 1
            got = reports.get(item.id)
            if got is not None and got.status == status:
                s.report_right += 1
            else:
                s.misses.append(f"{name} report-back: {got.status if got else None} "
                                f"(expected {status})")
    return s


def _score_items(s: Score, store: Store, meeting: Meeting, name: str, member_id: int,
                 expected: list[dict[str, str]], listed: dict[tuple[str, str], Any]) -> None:
    """Report-back truth per item: status right, and the item listed in the recap at all."""
    earlier = _earlier_items(store, meeting, member_id)
    for want in expected:
        item = next((i for i in earlier if i.text.lower() == want["item"].lower()), None)
        c = s.cls(want.get("class", "untagged"))
        s.report_total += 1
        c.report_total += 1
        s.open_items += 1
        key = (name, want["item"].lower())
        if item is None:  # the script's previous contracts were not entered
            s.misses.append(f"{name} report-back: item not in the store: {want['item']}")
            continue
        got = listed.get(key, None)
        if key in listed:
            s.covered += 1
        status = got if got not in (None, "", NOT_REPORTED) else NOT_REPORTED
        if status == want["status"]:
            s.report_right += 1
            c.report_right += 1
        else:
            shown = status if key in listed else "not listed"
            s.misses.append(f"{name} report-back: {shown} (expected {want['status']}) "
                            f"[{want.get('class', 'untagged')}] {want['item']}")
