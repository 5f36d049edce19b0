"""Contract items outside the drafting flow: items typed in by hand, review by item id.

Both the CLI (`pmc contract ...`) and scripted meetings (demo, eval) use these;
each change is one transaction, so a bad id leaves every item as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assistant.core.errors import PMCError
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Circle, Store


def add_manual_item(store: Store, circle: Circle, member: str, date: dt.date, text: str) -> int:
    """An approved item made at a (pre-tool) meeting on `date`; the meeting is created if new."""
    if not text.strip():
        raise PMCError("the contract text is empty; give it as the last argument")
    m = store.member(circle, member)
    meeting = next((x for x in store.meetings(circle) if x.date == date.isoformat()), None)
    with store.tx():
        if meeting is None:
            meeting = store.create_meeting(
                circle, date.isoformat(),
                (date + dt.timedelta(days=circle.cadence_days)).isoformat(), "manual",
                MeetingStatus.CLOSED)
            store.set_attendance(meeting.id, {m.id: True})
        else:
            store.set_attendance(meeting.id, {m.id: True})
        item = store.add_item(meeting.id, m.id, text.strip(), status="approved", origin="manual",
                              due=(date + dt.timedelta(days=circle.cadence_days)).isoformat())
    return item.id


def set_items_status(store: Store, ids: Sequence[int], status: str,
                     text: str | None = None) -> None:
    """Approve, delete or return items to draft (optionally with new text), all or none."""
    for iid in ids:
        store.item(iid)  # an unknown id fails before anything changes
    with store.tx():
        for iid in ids:
            if text is not None:
                store.update_item(iid, text=text)
            store.set_item_status(iid, status)
