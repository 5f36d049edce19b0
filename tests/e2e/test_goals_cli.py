"""`pmc goals`: a three-meeting history for a member whose item was carried over."""

from __future__ import annotations

import json

import pytest

from assistant.services import parts

pytestmark = pytest.mark.e2e


def test_three_meeting_history_with_carry_over(pmc) -> None:  # type: ignore[no-untyped-def]
    pmc("circle", "create", "Goals Circle", "--member", "Ana", "--member", "Ben")
    first = "Finish the literature review for chapter two"
    pmc("contract", "add", "--circle", "Goals Circle", "--member", "Ana", "--date",
        "2026-01-08", first)
    pmc("contract", "add", "--circle", "Goals Circle", "--member", "Ben", "--date",
        "2026-01-08", "Book the lab for March")
    store = parts.open_store()
    circle = store.circle("Goals Circle")
    ana, ben = store.member(circle, "Ana"), store.member(circle, "Ben")
    m1 = store.meetings(circle)[0]
    item1 = store.items(m1.id, ana.id)[0]
    # Meeting 2: Ana carries the review over and adds a new item; Ben reports done.
    m2 = store.create_meeting(circle, "2026-01-22", "2026-02-05", "manual", "closed")
    store.set_report_back(m2.id, item1.id, "carried_over", confirmed=True)
    store.set_report_back(m2.id, store.items(m1.id, ben.id)[0].id, "done", confirmed=True)
    item2 = store.add_item(m2.id, ana.id, first, status="approved", origin="carry",
                           carried_from=item1.id)
    extra = store.add_item(m2.id, ana.id, "Email the committee the new timeline",
                           status="approved")
    # Meeting 3: carried again; the email was done.
    m3 = store.create_meeting(circle, "2026-02-05", "2026-02-19", "manual", "closed")
    store.set_report_back(m3.id, item2.id, "carried_over", confirmed=True)
    store.set_report_back(m3.id, extra.id, "done", confirmed=True)
    store.add_item(m3.id, ana.id, first, status="approved", origin="carry",
                   carried_from=item2.id)
    store.close()

    data = json.loads(pmc("goals", "Ana", "--format", "json").stdout)
    assert [m["date"] for m in data["meetings"]] == ["2026-01-08", "2026-01-22", "2026-02-05"]
    statuses = [[i["status"] for i in m["items"]] for m in data["meetings"]]
    assert statuses == [["carried_over"], ["carried_over", "done"], [None]]
    assert [i["carry_count"] for i in data["meetings"][2]["items"]] == [2]
    assert data["meetings"][1]["completion"] == 0.5
    assert data["open"] == [first]
    # Only Ana's items: nothing of Ben's appears in her export.
    assert "Book the lab" not in json.dumps(data)
    md = pmc("goals", "Ana").stdout
    assert "## 2026-01-22 — 50% done" in md and "Open items" in md and "Book the lab" not in md
