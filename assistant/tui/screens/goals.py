"""Members' goals: each member's contract items over time, with what became of them."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, OptionList
from textual.widgets.option_list import Option

from assistant.core.store.store import Circle, Member
from assistant.tui.screens.base import BaseScreen

REPORT_WORD = {"done": "done", "partial": "partly", "not_done": "not done",
               "dropped": "dropped", "carried_over": "carried"}


class GoalsScreen(BaseScreen):
    HELP = ("Pick a member on the left (Up/Down); their contract items from every meeting are "
            "on the right with what became of each. Tab switches sides; Escape goes back.")
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, circle: Circle) -> None:
        super().__init__()
        self.circle = circle
        self.members: list[Member] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="goals"):
            with Vertical(id="goal-members-box"):
                yield OptionList(id="goal-members")
            with Vertical(id="goal-items-box"):
                yield DataTable(id="goal-items", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#goal-members-box").border_title = "Members"
        self.members = self.pmc.store.members(self.circle)
        ol = self.query_one("#goal-members", OptionList)
        for m in self.members:
            ol.add_option(Option(m.name, id=str(m.id)))
        table = self.query_one("#goal-items", DataTable)
        table.add_column("Meeting", key="date", width=10)
        table.add_column("Item", key="text")
        table.add_column("Outcome", key="outcome", width=9)
        if self.members:
            ol.highlighted = 0
        ol.focus()

    @on(OptionList.OptionHighlighted, "#goal-members")
    def show_member(self, event: OptionList.OptionHighlighted) -> None:
        store = self.pmc.store
        member = store.member_by_id(int(event.option.id or 0))
        self.query_one("#goal-items-box").border_title = f"{member.name}'s goals"
        table = self.query_one("#goal-items", DataTable)
        table.clear()
        width = max(16, (self.query_one("#goal-items-box").size.width or 50) - 10 - 9 - 8)
        table.columns["text"].width = width  # type: ignore[index]
        table.columns["text"].auto_width = False  # type: ignore[index]
        dates = {}
        for item in store.member_items(member.id):
            if item.meeting_id not in dates:
                dates[item.meeting_id] = store.meeting(item.meeting_id).date
            report = store.item_report(item.id)
            if report is not None:
                outcome = Text(REPORT_WORD[report.status], style="green")
            elif item.status == "approved":
                outcome = Text("open", style="cyan")
            else:
                outcome = Text("draft", style="grey62")
            table.add_row(dates[item.meeting_id], Text(item.text, overflow="fold"), outcome,
                          height=None)
        if not table.row_count:
            table.add_row("", Text("No contract items yet.", style="grey62"), "")

    def action_back(self) -> None:
        self.dismiss()
