"""`pmc contract ...`: add (items from before the tool), list, approve/delete/draft, report."""

from __future__ import annotations

import argparse

from assistant.cli.common import Commands, date_arg
from assistant.core.store.store import REPORT_STATUSES


def cmd_contract_add(a: argparse.Namespace) -> int:
    from assistant.services import parts
    from assistant.services.contracts import add_manual_item

    store = parts.open_store()
    iid = add_manual_item(store, store.circle(a.circle), a.member, a.date, " ".join(a.text))
    print(f"added approved item {iid}")
    return 0


def cmd_contract_list(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    meeting = store.meeting(a.meeting)
    circle = store.circle_by_id(meeting.circle_id)
    names = store.member_names(circle)
    for i in store.items(meeting.id):
        flag = " (tentative)" if i.tentative else ""
        print(f"{i.id:>5}  {names[i.member_id]:<12} {i.status:<9} {i.text} — by {i.due}{flag}")
    return 0


def cmd_contract_set(a: argparse.Namespace) -> int:
    from assistant.services import parts
    from assistant.services.contracts import set_items_status

    set_items_status(parts.open_store(), a.ids, a.action, a.text)
    print(f"{a.action}: {', '.join(map(str, a.ids))}")
    return 0


def cmd_contract_report(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    store.meeting(a.meeting)
    store.item(a.item)
    store.set_report_back(a.meeting, a.item, a.status, confirmed=True)
    print(f"item {a.item}: {a.status} (confirmed)")
    return 0


def register(top: Commands) -> None:
    cs = top.group("contract", "add, list, approve and report on contract items")
    x = cs.command("add", cmd_contract_add,
                   "record an approved item made at a meeting on DATE (for circles that met "
                   "before adopting the tool)")
    x.add_argument("--circle", required=True, metavar="NAME")
    x.add_argument("--member", required=True, metavar="NAME")
    x.add_argument("--date", required=True, type=date_arg, metavar="YYYY-MM-DD")
    x.add_argument("text", nargs="+", metavar="TEXT")
    x = cs.command("list", cmd_contract_list, "list a meeting's contract items with their ids")
    x.add_argument("meeting", type=int, metavar="MEETING_ID")
    for action, status, help_ in (
            ("approve", "approved", "approve items (optionally with new --text)"),
            ("delete", "deleted", "delete draft items"),
            ("draft", "draft", "return items to draft")):
        x = cs.command(action, cmd_contract_set, help_)
        x.add_argument("ids", type=int, nargs="+", metavar="ITEM_ID")
        x.add_argument("--text", help="replace the item's text")
        x.set_defaults(action=status)
    x = cs.command("report", cmd_contract_report,
                   "confirm what became of an earlier item at this meeting")
    x.add_argument("meeting", type=int, metavar="MEETING_ID")
    x.add_argument("item", type=int, metavar="ITEM_ID")
    x.add_argument("status", choices=REPORT_STATUSES)
