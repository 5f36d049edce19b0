"""Exports of a meeting: JSON and Markdown recaps, and an .ics for the next meeting.

These hold contracts and statuses only, never transcript text: a recap may be
shared with the circle, the transcript may not. (Quotes are the member's own
commitment sentence, kept in JSON so a member can check their draft; the
Markdown recap for the circle leaves them out.)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from assistant.core.store.store import Store

NOT_REPORTED = "not_reported"  # listed in a recap only, never stored as a status
STATUS_WORDS = {"done": "done", "partial": "partly done", "not_done": "not done",
                "dropped": "dropped", "carried_over": "carried over",
                NOT_REPORTED: "not reported"}


def recap_data(store: Store, meeting_id: int) -> dict[str, Any]:
    meeting = store.meeting(meeting_id)
    circle = store.circle_by_id(meeting.circle_id)
    names = store.member_names(circle)
    contracts = [
        {"member": names[i.member_id], "text": i.text, "due": i.due, "tentative": i.tentative,
         "status": i.status, "quote": i.quote, "start": i.start, "end": i.end}
        for i in store.items(meeting_id)
    ]
    report = []
    reported = set()
    for r in store.report_back(meeting_id):
        item = store.item(r.item_id)
        reported.add(item.id)
        report.append({"member": names[item.member_id], "item": item.text, "status": r.status,
                       "confirmed": r.confirmed, "quote": r.quote})
    # Every open item of each attendee's last meeting is listed, decided or not: a recap
    # that silently leaves a contract out reads as if it never existed.
    for member in store.attendees(meeting_id):
        for item in store.open_items_before(circle, member.id, meeting.date, exclude=meeting.id):
            if item.id not in reported:
                report.append({"member": names[member.id], "item": item.text,
                               "status": NOT_REPORTED, "confirmed": False, "quote": ""})
    return {
        "meeting": {"id": meeting.id, "circle": circle.name, "date": meeting.date,
                    "next_meeting": meeting.next_meeting},
        "contracts": contracts,
        "report_back": report,
    }


def recap_json(store: Store, meeting_id: int) -> str:
    return json.dumps(recap_data(store, meeting_id), indent=2, ensure_ascii=False)


def recap_markdown(store: Store, meeting_id: int) -> str:
    data = recap_data(store, meeting_id)
    m = data["meeting"]
    lines = [f"# {m['circle']} — meeting of {m['date']}", "",
             f"Next meeting: {m['next_meeting']}", ""]
    members = list(dict.fromkeys([c["member"] for c in data["contracts"]] +
                                 [r["member"] for r in data["report_back"]]))
    if data["report_back"]:
        lines += ["## Report-back", ""]
        for r in data["report_back"]:
            mark = "" if r["confirmed"] or r["status"] == NOT_REPORTED else " (suggested)"
            lines.append(f"- **{r['member']}**: {r['item']} — {STATUS_WORDS[r['status']]}{mark}")
        lines.append("")
    lines += ["## Contracts for the next two weeks", ""]
    if not data["contracts"]:
        lines += ["_No contracts were drafted._", ""]
    for name in members:
        items = [c for c in data["contracts"] if c["member"] == name]
        if not items:
            continue
        lines.append(f"### {name}")
        for c in items:
            flags = []
            if c["tentative"]:
                flags.append("tentative")
            if c["status"] != "approved":
                flags.append(c["status"])
            extra = f" _({', '.join(flags)})_" if flags else ""
            lines.append(f"- [ ] {c['text']} — by {c['due']}{extra}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _ics_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; continuation lines start with a space."""
    raw = line.encode()
    parts: list[str] = []
    while len(raw) > 75:
        cut = 75 if not parts else 74
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(raw[:cut].decode())
        raw = raw[cut:]
    parts.append(raw.decode())
    return "\r\n ".join(parts)


def next_meeting_ics(store: Store, meeting_id: int, *, with_items: bool = False,
                     start_time: dt.time = dt.time(10, 0), minutes: int = 90) -> str:
    """An all-attendee calendar invite for the next meeting (every other week)."""
    data = recap_data(store, meeting_id)
    m = data["meeting"]
    day = dt.date.fromisoformat(m["next_meeting"])
    start = dt.datetime.combine(day, start_time)
    end = start + dt.timedelta(minutes=minutes)
    desc = f"Peer Mentoring Circle: {m['circle']}. Report back on your contracts."
    if with_items:
        for c in data["contracts"]:
            desc += f"\n{c['member']}: {c['text']} (by {c['due']})"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Circle Assistant//pmc//EN",
        "CALSCALE:GREGORIAN", "BEGIN:VEVENT",
        f"UID:{uuid.uuid5(uuid.NAMESPACE_URL, 'pmc-' + m['circle'] + '-' + str(day))}"
        "@circle-assistant",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{start.strftime('%Y%m%dT%H%M%S')}",
        f"DTEND:{end.strftime('%Y%m%dT%H%M%S')}",
        f"SUMMARY:{_ics_escape(m['circle'] + ' — peer mentoring circle')}",
        f"DESCRIPTION:{_ics_escape(desc)}",
        "RRULE:FREQ=WEEKLY;INTERVAL=2",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
