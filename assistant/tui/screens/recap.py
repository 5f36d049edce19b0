"""The recap of one meeting: contracts and report-back statuses, never the transcript."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Markdown

from assistant.core.reports.recap import recap_markdown
from assistant.tui.screens.base import BaseScreen


class RecapScreen(BaseScreen):
    HELP = ("The meeting's recap: each member's approved contract and what became of the last "
            "one. It holds no transcript, so it can be shared with the circle "
            "(`pmc recap ID` prints it). Escape goes back.")
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="recap-box"):
            yield Markdown(recap_markdown(self.pmc.store, self.meeting_id), id="recap")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#recap-box").focus()

    def action_back(self) -> None:
        self.dismiss()
