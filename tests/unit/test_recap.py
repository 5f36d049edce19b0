"""Meeting exports: JSON and Markdown recaps (no transcript text) and the next-meeting .ics."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import pytest

from assistant.core.reports import recap
from assistant.core.store.store import Store

TRANSCRIPT = [
    "Honestly the basement flooded twice and my cat learned to open the fridge door.",
    "Zebras wandered past the conference hotel while the keynote speaker sneezed loudly.",
    "My grandmother's marmalade recipe involves seventeen oranges and a violin.",
]
QUOTE_ANA = "I will finish the literature review by Friday, promise."


@dataclass
class Built:
    store: Store
    m1: int
    m2: int
    review_id: int


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    store = Store(tmp_path / "db.sqlite3")
    circle = store.create_circle("Alpha Circle", ["Ana", "Ben", "Cai"])
    ana, ben, cai = store.members(circle)
    m1 = store.create_meeting(circle, "2024-02-27", "2024-03-12", "import")
    old = store.add_item(m1.id, ana.id, "Book the lab", status="approved")
    old_ben = store.add_item(m1.id, ben.id, "Email Kim", status="approved")
    m2 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    store.add_segments(m2.id, [(None, ana.id, "check_in", float(i), i + 1.0, text)
                               for i, text in enumerate(TRANSCRIPT)])
    review = store.add_item(m2.id, ana.id, "Finish the literature review", due="2024-03-15",
                            status="approved", quote=QUOTE_ANA, start=10.0, end=14.5,
                            origin="llm")
    store.add_item(m2.id, ben.id, "Maybe clean the garage", due="2024-03-26", tentative=True,
                   quote="I might clean the garage.", start=20.0, end=22.0)
    gone = store.add_item(m2.id, cai.id, "Deleted thing", status="deleted")
    assert gone.status == "deleted"
    store.set_report_back(m2.id, old.id, "done", confirmed=True, quote="I booked it.")
    store.set_report_back(m2.id, old_ben.id, "partial", confirmed=False, quote="Half.")
    yield Built(store, m1.id, m2.id, review.id)
    store.close()


def test_json_recap_has_exactly_the_documented_shape(built: Built) -> None:
    data = json.loads(recap.recap_json(built.store, built.m2))
    assert set(data) == {"meeting", "contracts", "report_back"}
    assert data["meeting"] == {"id": built.m2, "circle": "Alpha Circle", "date": "2024-03-12",
                               "next_meeting": "2024-03-26"}
    contract_keys = {"member", "text", "due", "tentative", "status", "quote", "start", "end"}
    assert all(set(c) == contract_keys for c in data["contracts"])
    assert data["contracts"] == [
        {"member": "Ana", "text": "Finish the literature review", "due": "2024-03-15",
         "tentative": False, "status": "approved", "quote": QUOTE_ANA, "start": 10.0,
         "end": 14.5},
        {"member": "Ben", "text": "Maybe clean the garage", "due": "2024-03-26",
         "tentative": True, "status": "draft", "quote": "I might clean the garage.",
         "start": 20.0, "end": 22.0},
    ]
    assert data["report_back"] == [
        {"member": "Ana", "item": "Book the lab", "status": "done", "confirmed": True,
         "quote": "I booked it."},
        {"member": "Ben", "item": "Email Kim", "status": "partial", "confirmed": False,
         "quote": "Half."},
    ]
    assert recap.recap_data(built.store, built.m2) == data


def test_json_recap_carries_no_transcript(built: Built) -> None:
    text = recap.recap_json(built.store, built.m2)
    for sentence in TRANSCRIPT:
        assert sentence not in text


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def test_markdown_recap_contains_no_transcript_or_quotes(built: Built) -> None:
    md = recap.recap_markdown(built.store, built.m2)
    spoken = set().union(*(_trigrams(t) for t in TRANSCRIPT))
    assert not (_trigrams(md) & spoken)
    assert QUOTE_ANA not in md and "promise" not in md
    assert "I booked it" not in md and "I might clean" not in md


def test_markdown_recap_content(built: Built) -> None:
    md = recap.recap_markdown(built.store, built.m2)
    assert md.startswith("# Alpha Circle — meeting of 2024-03-12\n")
    assert "Next meeting: 2024-03-26" in md
    assert "- **Ana**: Book the lab — done\n" in md
    assert "- **Ben**: Email Kim — partly done (suggested)\n" in md
    assert "### Ana\n- [ ] Finish the literature review — by 2024-03-15\n" in md
    assert "- [ ] Maybe clean the garage — by 2024-03-26 _(tentative, draft)_" in md
    assert "Deleted thing" not in md and "### Cai" not in md
    assert md.index("## Report-back") < md.index("## Contracts")
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_recap_of_an_empty_meeting(built: Built) -> None:
    md = recap.recap_markdown(built.store, built.m1)
    assert "_No contracts were drafted._" not in md  # m1 has contracts
    circle = built.store.circle("Alpha Circle")
    empty = built.store.create_meeting(circle, "2024-03-26", "2024-04-09", "manual")
    md = recap.recap_markdown(built.store, empty.id)
    assert "_No contracts were drafted._" in md and "## Report-back" not in md


def _event(ics: str) -> Any:  # icalendar's types are too loose to index cleanly
    cal = icalendar.Calendar.from_ical(ics)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return events[0]


def test_ics_invites_to_the_next_meeting_every_two_weeks(built: Built) -> None:
    ics = recap.next_meeting_ics(built.store, built.m2)
    ev = _event(ics)
    start = ev.decoded("DTSTART")
    assert start == dt.datetime(2024, 3, 26, 10, 0)
    assert ev.decoded("DTEND") - start == dt.timedelta(minutes=90)
    rrule = ev["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"] and rrule["INTERVAL"] == [2]
    assert "Alpha Circle" in str(ev["SUMMARY"])
    assert "Finish the literature review" not in str(ev["DESCRIPTION"])
    assert str(ev["UID"]).endswith("@circle-assistant")
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")


def test_ics_uid_is_stable_and_options_apply(built: Built) -> None:
    a = _event(recap.next_meeting_ics(built.store, built.m2))
    b = _event(recap.next_meeting_ics(built.store, built.m2, start_time=dt.time(18, 30),
                                      minutes=60))
    assert a["UID"] == b["UID"]
    assert b.decoded("DTSTART") == dt.datetime(2024, 3, 26, 18, 30)
    assert b.decoded("DTEND") == dt.datetime(2024, 3, 26, 19, 30)


def test_ics_with_items_lists_them_in_the_description(built: Built) -> None:
    ev = _event(recap.next_meeting_ics(built.store, built.m2, with_items=True))
    desc = str(ev["DESCRIPTION"])
    assert "Ana: Finish the literature review (by 2024-03-15)" in desc
    assert "Ben: Maybe clean the garage (by 2024-03-26)" in desc
    assert "Deleted thing" not in desc
    for sentence in TRANSCRIPT:
        assert sentence not in desc


def test_ics_escapes_and_folds_long_unicode_lines(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    circle = store.create_circle("Zürich; Ölberg, Café", ["Ana"])
    ana = store.members(circle)[0]
    m = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    text = "Read Schrödinger's notes, ärger; über alles — " * 4 + "\\ done"
    store.add_item(m.id, ana.id, text, due="2024-03-20")
    ics = recap.next_meeting_ics(store, m.id, with_items=True)
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    ev = _event(ics)
    assert f"Ana: {text} (by 2024-03-20)" in str(ev["DESCRIPTION"])
    assert str(ev["SUMMARY"]).startswith("Zürich; Ölberg, Café")
    store.close()


def test_every_open_previous_item_of_an_attendee_is_listed(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    circle = store.create_circle("Beta Circle", ["Ana", "Ben", "Cai"])
    ana, ben, cai = store.members(circle)
    m1 = store.create_meeting(circle, "2024-02-27", "2024-03-12", "import")
    booked = store.add_item(m1.id, ana.id, "Book the lab", status="approved")
    store.add_item(m1.id, ana.id, "Email the chair", status="approved")
    store.add_item(m1.id, cai.id, "Print the poster", status="approved")
    m2 = store.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    store.set_attendance(m2.id, {ana.id: True, ben.id: True, cai.id: False})
    store.set_report_back(m2.id, booked.id, "done", confirmed=False, quote="Booked.")
    data = recap.recap_data(store, m2.id)
    # Cai is away: nothing of theirs is listed; Ana's undecided item is, as not reported.
    assert [(r["member"], r["item"], r["status"]) for r in data["report_back"]] == [
        ("Ana", "Book the lab", "done"), ("Ana", "Email the chair", "not_reported")]
    md = recap.recap_markdown(store, m2.id)
    assert "**Ana**: Email the chair — not reported\n" in md
    assert "Book the lab — done (suggested)" in md
    store.close()
