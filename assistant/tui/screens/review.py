"""Review: each member in turn edits, deletes, adds and approves their own contract items."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from assistant.core.audio.chunks import delete_audio
from assistant.core.errors import PMCError
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import ContractItem, Member, Store
from assistant.services.processing import FIRST_PASS
from assistant.tui.screens.base import BaseScreen


def carried_label(store: Store, item: ContractItem) -> str:
    """Where a carried-over item came from (it was said at an earlier meeting, not typed)."""
    try:
        old = store.meeting(store.item(item.carried_from or -1).meeting_id)
    except PMCError:  # the earlier item is gone (its meeting deleted): still not by hand
        return "Carried over from an earlier contract."
    return f"Carried over from the contract of meeting #{old.id} ({old.date})."


class ReviewScreen(BaseScreen):
    HELP = ("Hand the keyboard to each member in turn. Up/Down choose an item; Space approves "
            "it (or takes the approval back), e or Enter edits, d deletes, a adds an item, "
            "A approves all of this member's items. n / p go to the next / previous member. "
            "f finishes the review and shows the recap; Escape leaves it for later (Meetings, "
            "v).")
    BINDINGS = [
        Binding("space", "approve", "Approve"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("u", "undo", "Undo delete", show=False),
        Binding("a", "add", "Add"),
        Binding("A", "approve_all", "Approve all", key_display="A"),
        Binding("n", "member(1)", "Next member"),
        Binding("p", "member(-1)", "Prev member"),
        Binding("f", "finish", "Finish"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, meeting_id: int, member_index: int = 0) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.index = member_index
        self.members: list[Member] = []
        self.items: list[ContractItem] = []
        self.deleted: list[tuple[int, str]] = []  # (item id, its status before), for u

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="review"):
            yield Static(id="review-title")
            with Vertical(id="items-box"):
                yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
            yield Static(id="quote")
            yield Static(id="review-progress")
        yield Footer()

    def on_mount(self) -> None:
        self.members = self.pmc.store.attendees(self.meeting_id)
        table = self.query_one("#items", DataTable)
        table.add_column("#", key="n", width=2)
        table.add_column("Contract item", key="text")
        table.add_column("Due", key="due", width=10)
        table.add_column("Status", key="status", width=11)
        self.load()
        table.focus()

    @property
    def member(self) -> Member | None:
        return self.members[self.index] if self.members else None

    def load(self, keep_row: int | None = None) -> None:
        store = self.pmc.store
        m = store.meeting(self.meeting_id)
        table = self.query_one("#items", DataTable)
        member = self.member
        title = self.query_one("#review-title", Static)
        if member is None:
            title.update("Nobody was present at this meeting.")
            return
        self.items = store.items(self.meeting_id, member.id)
        title.update(f"[b]Review — {member.name}[/b] ({self.index + 1}/{len(self.members)})"
                     f"   meeting {m.id} of {m.date} · next {m.next_meeting}")
        box = self.query_one("#items-box")
        box.border_title = f"{member.name}'s contract for the next two weeks"
        # Recompute the text column so long items wrap within the terminal width.
        width = max(20, (self.size.width or 80) - 2 - 4 - 12 - 13 - 2)
        table.columns["text"].width = width  # type: ignore[index]
        table.columns["text"].auto_width = False  # type: ignore[index]
        table.clear()
        for i, item in enumerate(self.items):
            status = Text("✔ approved", style="green") if item.status == "approved" else Text(
                "draft" + ("?" if item.tentative else ""), style="dark_orange")
            text = item.text + (" (tentative)" if item.tentative else "")
            if item.origin == "carry":
                text += " (carried over)"
            elif item.origin == FIRST_PASS:
                text += " (as first heard: check it)"
            table.add_row(str(i + 1), Text(text, overflow="fold"), item.due or "", status,
                          key=str(item.id), height=None)
        if not self.items:
            self.query_one("#quote", Static).update(
                Text("No items yet: press a to add one.", style="grey62"))
        if keep_row is not None and self.items:
            table.move_cursor(row=min(keep_row, len(self.items) - 1))
        self.show_quote()
        self.update_progress()
        self.refresh_bindings()

    def update_progress(self) -> None:
        all_items = self.pmc.store.items(self.meeting_id)
        approved = sum(1 for i in all_items if i.status == "approved")
        self.query_one("#review-progress", Static).update(
            f"{approved} of {len(all_items)} items approved across the circle")

    @property
    def selected(self) -> ContractItem | None:
        table = self.query_one("#items", DataTable)
        if not self.items or table.cursor_row is None:
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    @on(DataTable.RowHighlighted)
    def show_quote(self) -> None:
        item = self.selected
        if item is None:
            return
        said = f"Said: “{item.quote}”" if item.quote else "Added by hand."
        if item.carried_from is not None:
            said = carried_label(self.pmc.store, item) + (f" {said}" if item.quote else "")
        elif item.origin == FIRST_PASS:
            said = (f"Heard first: “{item.quote}” The final transcript of this turn gave no "
                    "commitment, so this comes from the first hearing (the live transcript); "
                    "check it with the member.")
        self.query_one("#quote", Static).update(Text(said, style="grey70"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "edit", "delete"):
            return (self.is_mounted and bool(self.items))
        if action == "approve_all":
            return (self.is_mounted and bool(self.items))
        if action == "member":
            return len(self.members) > 1
        return True

    def _row(self) -> int:
        return self.query_one("#items", DataTable).cursor_row or 0

    def action_approve(self) -> None:
        item = self.selected
        if item is None:
            return
        new = "draft" if item.status == "approved" else "approved"
        self.pmc.store.set_item_status(item.id, new)
        self.load(keep_row=self._row())

    def action_approve_all(self) -> None:
        for item in self.items:
            if item.status != "approved":
                self.pmc.store.set_item_status(item.id, "approved")
        self.load(keep_row=self._row())

    def action_delete(self) -> None:
        item = self.selected
        if item is None:
            return
        self.pmc.store.set_item_status(item.id, "deleted")
        self.deleted.append((item.id, item.status))
        self.notify(f"Deleted: {item.text[:50]} (u undoes it)")
        self.load(keep_row=self._row())

    def action_undo(self) -> None:
        """Bring back the item deleted last (on this screen), with the status it had."""
        if not self.deleted:
            self.notify("Nothing deleted to undo.")
            return
        item_id, status = self.deleted.pop()
        store = self.pmc.store
        store.set_item_status(item_id, status)
        self.notify(f"Restored: {store.item(item_id).text[:50]}")
        self.load(keep_row=self._row())

    @on(DataTable.RowSelected)
    def action_edit(self) -> None:
        from assistant.tui.screens.modals import ItemModal

        item = self.selected
        if item is None:
            return
        row = self._row()

        def done(result: tuple[str, str | None, bool] | None) -> None:
            if result is None:
                return
            text, due, tentative = result
            store = self.pmc.store
            store.update_item(item.id, text=text, due=due, tentative=tentative)
            if item.status == "approved" and text != item.text:
                store.set_item_status(item.id, "draft")  # approve the new wording again
                self.notify("The wording changed, so the item is a draft again: approve it "
                            "(space) once the member agrees.")
            self.load(keep_row=row)

        self.app.push_screen(ItemModal("Edit item", item.text, item.due, item.tentative), done)

    def action_add(self) -> None:
        from assistant.tui.screens.modals import ItemModal

        member = self.member
        if member is None:
            return
        next_meeting = self.pmc.store.meeting(self.meeting_id).next_meeting

        def done(result: tuple[str, str | None, bool] | None) -> None:
            if result is None:
                return
            text, due, tentative = result
            self.pmc.store.add_item(self.meeting_id, member.id, text, due=due or next_meeting,
                                    tentative=tentative, origin="manual")
            self.load(keep_row=len(self.items))

        self.app.push_screen(ItemModal(f"New item for {member.name}", due=next_meeting), done)

    def action_member(self, step: int) -> None:
        if self.members:
            self.index = (self.index + step) % len(self.members)
            self.load(keep_row=0)

    def action_back(self) -> None:
        # Everything is saved as it is made; the review can go on later from Meetings.
        self.dismiss()

    def action_finish(self) -> None:
        from assistant.tui.screens.modals import ConfirmModal
        from assistant.tui.screens.recap import RecapScreen

        drafts = [i for i in self.pmc.store.items(self.meeting_id) if i.status == "draft"]

        def finish(yes: bool | None) -> None:
            if yes:
                store = self.pmc.store
                store.set_meeting_status(self.meeting_id, MeetingStatus.CLOSED)
                # As the consent screen promised: reviewed, so the raw audio goes.
                if delete_audio(store, self.meeting_id):
                    self.notify("The meeting's raw audio was deleted.")
                self.app.switch_screen(RecapScreen(self.meeting_id))

        detail = "The meeting's raw audio is then deleted."
        if drafts:
            self.app.push_screen(ConfirmModal(
                f"{len(drafts)} items are still drafts. Finish the review?",
                "Drafts stay unapproved (approve them later from Meetings). " + detail),
                finish)
        else:
            self.app.push_screen(ConfirmModal("Finish the review?", detail), finish)
