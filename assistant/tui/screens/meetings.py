"""A circle's past meetings: open a recap, or go back to a review left unfinished."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from assistant.core.meeting.timekeeper import fmt_seconds
from assistant.core.store.store import Circle
from assistant.tui.screens.base import BaseScreen


class MeetingsScreen(BaseScreen):
    HELP = ("The circle's meetings, newest first. Enter shows a meeting's recap; v opens its "
            "review to edit or approve contract items. Escape goes back.")
    BINDINGS = [
        Binding("enter", "recap", "Recap", show=True),
        Binding("v", "review", "Review"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, circle: Circle) -> None:
        super().__init__()
        self.circle = circle
        self.ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="meetings-box"):
            yield DataTable(id="meetings", cursor_type="row", zebra_stripes=True)
        yield Static(id="meetings-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#meetings-box").border_title = f"{self.circle.name}: meetings"
        table = self.query_one("#meetings", DataTable)
        # The id is what `pmc meeting show/resume` and `pmc contract list` take.
        for label in ("Id", "Date", "Length", "Present", "Items approved", "Status"):
            table.add_column(label)
        self.load()
        table.focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        store = self.pmc.store
        table = self.query_one("#meetings", DataTable)
        table.clear()
        meetings = list(reversed(store.meetings(self.circle)))
        self.ids = [m.id for m in meetings]
        for m in meetings:
            items = store.items(m.id)
            approved = sum(1 for i in items if i.status == "approved")
            table.add_row(str(m.id), m.date, fmt_seconds(m.duration) if m.duration else "—",
                          str(len(store.attendees(m.id))), f"{approved}/{len(items)}", m.status,
                          key=str(m.id))
        self.query_one("#meetings-empty", Static).update(
            "" if meetings else "No meetings yet: start one from Home with s.")
        self.refresh_bindings()

    @property
    def selected(self) -> int | None:
        table = self.query_one("#meetings", DataTable)
        if not self.ids or table.cursor_row is None:
            return None
        return self.ids[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("recap", "review"):
            return (self.is_mounted and bool(self.ids))
        return True

    @on(DataTable.RowSelected)
    def action_recap(self) -> None:
        from assistant.tui.screens.recap import RecapScreen

        if self.selected is not None:
            self.app.push_screen(RecapScreen(self.selected))

    def action_review(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        if self.selected is not None:
            self.app.push_screen(ReviewScreen(self.selected))

    def action_back(self) -> None:
        self.dismiss()
