"""Help: what the current screen is for and every key it takes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from assistant.tui.screens.base import BaseModal, screen_actions


class HelpScreen(BaseModal):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        screen = self.for_screen
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        numbered: list[str] = []
        for b, _node in screen_actions(screen):
            if b.key.isdigit() and b.description.endswith(f" {b.key}"):
                # "Now speaking: member 1" ... "member 8" read better as one row.
                if not numbered:
                    keys.add_row("1-8", b.description[: -len(b.key)] + "N")
                numbered.append(b.key)
                continue
            keys.add_row(b.key_display or self.app.get_key_display(b), b.description)
        keys.add_row("ctrl+p", "Command palette: every action by name")
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(Text(getattr(screen, "HELP", "") or "", style=""))
            yield Static("")
            yield Static(keys)
            yield Static(Text("Escape closes this help.", style="grey62"))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Help"
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
