"""During the meeting: each member approves, edits or deletes the drafts of their contract
and confirms the report-back statuses suggested from what they said.

Opened with `a` from the timekeeper screen; the clock keeps running underneath. Every
change is stored at once, one transaction each (an approved item survives a crash). To say
a contract again, the timekeeper goes back to that member's turn (p) and moves on: the new
words replace the drafts nobody approved yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from assistant.core.store.store import ContractItem, ReportBack
from assistant.services.session import mark_report_back
from assistant.tui.screens.base import BaseModal

STATUS_LABEL = {"done": "done", "partial": "partly done", "not_done": "not done",
                "dropped": "dropped", "carried_over": "carried over"}


@dataclass
class Row:
    member_id: int
    item: ContractItem | None = None  # a contract item of this meeting
    report: ReportBack | None = None  # an unconfirmed report-back suggestion
    previous: ContractItem | None = None  # the earlier item the suggestion is about


class LiveDraftsModal(BaseModal):
    HELP = ("Drafts made during the meeting. Up/Down choose; Space approves an item (again: "
            "back to draft) or confirms a suggested report-back status; e edits, d deletes; "
            "A approves everything of the chosen member. To say a contract again, close this, "
            "go back to the member's turn (p) and move on (n): the new words replace the "
            "drafts not yet approved. Escape closes.")
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "approve", "Approve"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("A", "approve_member", "Approve all", key_display="A"),
        Binding("escape,a", "close", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("[b]Contracts drafted during the meeting[/b]")
            yield Static(id="live-drafts")
            yield Static("Space approve/confirm · e edit · d delete · A approve member · "
                         "Esc close", classes="hint")

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        s = self.session
        store, mid = s.store, s.meeting.id
        reports = {r.item_id: r for r in store.report_back(mid) if not r.confirmed}
        rows = []
        for member_id in s.member_ids:
            if reports:
                for prev in store.open_items_before(s.circle, member_id, s.meeting.date,
                                                    exclude=mid):
                    if prev.id in reports:
                        rows.append(Row(member_id, report=reports[prev.id], previous=prev))
            rows += [Row(member_id, item=i) for i in store.items(mid, member_id)]
        self.rows = rows
        self.index = min(self.index, max(0, len(rows) - 1))
        self.show()

    def show(self) -> None:
        s = self.session
        names = dict(zip(s.member_ids, s.timekeeper.members, strict=True))
        out = Text()
        last = None
        for n, row in enumerate(self.rows):
            if row.member_id != last:
                out.append(f"{names[row.member_id]}\n", style="bold underline")
                last = row.member_id
            sel = n == self.index
            out.append("▶ " if sel else "  ", style="bold")
            if row.report is not None and row.previous is not None:
                out.append(f"last time: {row.previous.text}", style="bold" if sel else "")
                out.append(f"  → {STATUS_LABEL[row.report.status]}?", style="yellow")
            elif row.item is not None:
                out.append(row.item.text, style="bold" if sel else "")
                if row.item.due:
                    out.append(f"  by {row.item.due}", style="grey62")
                out.append("  [approved]" if row.item.status == "approved" else "  [draft]",
                           style="green" if row.item.status == "approved" else "yellow")
            out.append("\n")
        if not self.rows:
            out.append("Nothing drafted yet: a contracts turn is drafted as the timekeeper "
                       "moves past it.", style="grey62")
        self.query_one("#live-drafts", Static).update(out)

    @property
    def selected(self) -> Row | None:
        return self.rows[self.index] if self.rows else None

    def action_move(self, step: int) -> None:
        if self.rows:
            self.index = (self.index + step) % len(self.rows)
            self.show()

    def _approve(self, row: Row, toggle: bool) -> None:
        store = self.session.store
        if row.report is not None and row.previous is not None:
            mark_report_back(store, self.session.meeting, row.previous, row.report.status)
        elif row.item is not None:
            new = "draft" if toggle and row.item.status == "approved" else "approved"
            store.set_item_status(row.item.id, new)

    def action_approve(self) -> None:
        row = self.selected
        if row is not None:
            self._approve(row, toggle=True)
            self.load()

    def action_approve_member(self) -> None:
        row = self.selected
        if row is None:
            return
        for r in self.rows:
            if r.member_id == row.member_id:
                self._approve(r, toggle=False)
        self.load()

    def action_delete(self) -> None:
        row = self.selected
        if row is not None and row.item is not None:
            self.session.store.set_item_status(row.item.id, "deleted")
            self.notify(f"Deleted: {row.item.text[:50]}")
            self.load()

    def action_edit(self) -> None:
        from assistant.tui.screens.modals import ItemModal

        row = self.selected
        if row is None or row.item is None:
            return
        item = row.item

        def done(result: tuple[str, str | None, bool] | None) -> None:
            if result is None:
                return
            text, due, tentative = result
            store = self.session.store
            store.update_item(item.id, text=text, due=due, tentative=tentative)
            if item.status == "approved" and text != item.text:
                store.set_item_status(item.id, "draft")  # approve the new wording again
            self.load()

        self.app.push_screen(ItemModal("Edit item", item.text, item.due, item.tentative), done)

    def action_close(self) -> None:
        self.dismiss(None)
