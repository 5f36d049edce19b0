"""A member's goal history across meetings: statuses, open items, completion, carry-overs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from assistant.core.reports import goals
from assistant.core.store.store import Circle, Member, Store


@dataclass
class Circle3:
    store: Store
    circle: Circle
    ana: Member
    ben: Member
    meetings: list[int]
    review: list[int]  # the same commitment at meetings 1, 2, 3 (carried over twice)
    lab: int
    email: int


@pytest.fixture
def c3() -> Iterator[Circle3]:
    s = Store(":memory:")
    circle = s.create_circle("Alpha", ["Ana", "Ben"])
    ana, ben = s.members(circle)
    # Created out of date order on purpose: history follows dates, not ids.
    m3 = s.create_meeting(circle, "2024-04-09", "2024-04-23", "import")
    m1 = s.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    m2 = s.create_meeting(circle, "2024-03-26", "2024-04-09", "import")
    r1 = s.add_item(m1.id, ana.id, "Finish the literature review", due="2024-03-26",
                    status="approved")
    lab = s.add_item(m1.id, ana.id, "Book the lab", due="2024-03-15", status="approved")
    ben1 = s.add_item(m1.id, ben.id, "Ben's secret plan", status="approved")
    s.set_report_back(m2.id, r1.id, "carried_over", confirmed=True)
    s.set_report_back(m2.id, lab.id, "done", confirmed=True)
    s.set_report_back(m2.id, ben1.id, "done", confirmed=True)
    r2 = s.add_item(m2.id, ana.id, "Finish the literature review", due="2024-04-09",
                    status="approved", origin="carry", carried_from=r1.id)
    email = s.add_item(m2.id, ana.id, "Email the committee", due="2024-04-09",
                       tentative=True, status="approved")
    s.add_item(m2.id, ben.id, "Ben's other plan", status="approved")
    gone = s.add_item(m2.id, ana.id, "Deleted idea")
    s.set_item_status(gone.id, "deleted")
    s.set_report_back(m3.id, r2.id, "carried_over", confirmed=False)
    s.set_report_back(m3.id, email.id, "not_done", confirmed=True)
    r3 = s.add_item(m3.id, ana.id, "Finish the literature review", due="2024-04-23",
                    status="approved", origin="carry", carried_from=r2.id)
    yield Circle3(s, circle, ana, ben, [m1.id, m2.id, m3.id], [r1.id, r2.id, r3.id], lab.id,
                  email.id)
    s.close()


def test_history_has_statuses_per_meeting_in_date_order(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    assert [m.meeting_id for m in hist] == c3.meetings
    assert [m.date for m in hist] == ["2024-03-12", "2024-03-26", "2024-04-09"]
    assert [[(i.text, i.status) for i in m.items] for m in hist] == [
        [("Finish the literature review", "carried_over"), ("Book the lab", "done")],
        [("Finish the literature review", "carried_over"), ("Email the committee", "not_done")],
        [("Finish the literature review", None)],
    ]
    assert [[i.confirmed for i in m.items] for m in hist] == [[True, True], [False, True],
                                                            [False]]
    assert hist[1].items[1].tentative is True


def test_completion_rates(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    assert [m.completion for m in hist] == [0.5, 0.0, None]


def test_carry_count_follows_the_chain(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    counts = {i.id: i.carry_count for m in hist for i in m.items}
    assert [counts[i] for i in c3.review] == [0, 1, 2]
    assert counts[c3.lab] == 0 and counts[c3.email] == 0


def test_open_items_are_those_without_an_outcome(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    assert [i.id for i in goals.open_items(hist)] == [c3.review[2]]


def test_deleted_items_are_left_out(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    assert "Deleted idea" not in [i.text for m in hist for i in m.items]


def test_to_json_holds_only_the_members_own_items(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    data = goals.to_json(c3.ana, c3.circle, hist)
    text = json.dumps(data)
    assert "Ben" not in text
    assert data["member"] == "Ana" and data["circle"] == "Alpha"
    assert data["open"] == ["Finish the literature review"]
    meetings = data["meetings"]
    assert isinstance(meetings, list)
    assert [m["completion"] for m in meetings] == [0.5, 0.0, None]
    own = {c3.lab, c3.email, *c3.review}
    assert {i["id"] for m in meetings for i in m["items"]} == own
    assert set(meetings[0]["items"][0]) == {"id", "text", "due", "tentative", "status",
                                            "confirmed", "carry_count"}
    ben = goals.to_json(c3.ben, c3.circle, goals.history(c3.store, c3.circle, c3.ben))
    assert "Ana" not in json.dumps(ben) and "literature" not in json.dumps(ben)
    assert ben["open"] == ["Ben's other plan"]


def test_markdown_summary(c3: Circle3) -> None:
    hist = goals.history(c3.store, c3.circle, c3.ana)
    md = goals.to_markdown(c3.ana, c3.circle, hist)
    assert md.startswith("# Goals of Ana — Alpha\n")
    assert "overall 25% of reported items done" in md
    assert "## 2024-03-12 — 50% done" in md
    assert "- Book the lab — done" in md
    assert "- Email the committee — not done" in md
    assert "- Finish the literature review — open (carried over 2×)" in md
    assert "## Open items\n- Finish the literature review (due 2024-04-23)" in md
    assert "Ben" not in md


def test_carried_over_three_times_is_flagged(c3: Circle3) -> None:
    s, circle = c3.store, c3.circle
    m4 = s.create_meeting(circle, "2024-04-23", "2024-05-07", "import")
    s.set_report_back(m4.id, c3.review[2], "carried_over", confirmed=True)
    s.add_item(m4.id, c3.ana.id, "Finish the literature review", carried_from=c3.review[2])
    md = goals.to_markdown(c3.ana, circle, goals.history(s, circle, c3.ana))
    assert "⚠ carried over 3 times" in md


def test_member_without_items_has_empty_history(c3: Circle3) -> None:
    dee = c3.store.add_member(c3.circle, "Dee")
    hist = goals.history(c3.store, c3.circle, dee)
    assert hist == []
    assert "## Open items\n- none" in goals.to_markdown(dee, c3.circle, hist)
    assert goals.to_json(dee, c3.circle, hist)["open"] == []


def test_sparkline() -> None:
    assert goals.sparkline([0.0, 0.5, 1.0, None]) == " ▄█·"
