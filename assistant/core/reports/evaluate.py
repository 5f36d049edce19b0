"""Scoring drafted contracts against a scripted meeting's ground truth.

A truth commitment is found when every one of its keys appears in one of the
member's drafted, non-tentative items ("a|b" keys accept either). Precision
counts drafted non-tentative items that match some truth commitment of the
same member. Report-back accuracy compares suggested statuses per member.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.store.store import Store


def _has_key(text: str, key: str) -> bool:
    low = text.lower()
    return any(alt.strip().lower() in low for alt in key.split("|"))


def matches(text: str, keys: list[str]) -> bool:
    return all(_has_key(text, k) for k in keys)


@dataclass
class Score:
    found: int = 0
    truth: int = 0
    correct_items: int = 0
    drafted: int = 0
    report_right: int = 0
    report_total: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        return self.correct_items / self.drafted if self.drafted else 1.0

    @property
    def report_accuracy(self) -> float:
        return self.report_right / self.report_total if self.report_total else 1.0


def score_meeting(store: Store, meeting_id: int, script: dict[str, Any]) -> Score:
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
            if any(matches(i.text, t["keys"]) for i in items):
                s.found += 1
            else:
                s.misses.append(f"{name}: {t['action']}")
        for i in items:
            s.drafted += 1
            if any(matches(i.text, t["keys"]) for t in want):
                s.correct_items += 1
            else:
                s.extras.append(f"{name}: {i.text}")
    reports = {r.item_id: r for r in store.report_back(meeting_id)}
    for name, expected in truth.get("report_back", {}).items():
        member = members[name]
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
