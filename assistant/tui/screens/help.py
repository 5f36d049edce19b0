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
        rows: list[tuple[str, str]] = []
        numbered = False
        for b, _node in screen_actions(screen):
            if b.key.isdigit() and b.description.endswith(f" {b.key}"):
                # "Now speaking: member 1" ... "member 8" read better as one row.
                if not numbered:
                    rows.append(("1-8", b.description[: -len(b.key)] + "N"))
                numbered = True
                continue
            rows.append((b.key_display or self.app.get_key_display(b), b.description))
        # Two pairs of columns, so the keys of the busiest screen fit on a laptop.
        keys = Table.grid(padding=(0, 1))
        for _ in range(2):
            keys.add_column(style="bold cyan", no_wrap=True)
            keys.add_column(min_width=24)
        half = (len(rows) + 1) // 2
        for left, right in zip(rows[:half], rows[half:] + [("", "")], strict=False):
            keys.add_row(*left, *right)
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(keys)
            yield Static("")
            yield Static(Text(getattr(screen, "HELP", "") or ""))
            yield Static(Text("Escape closes this help.", style="grey62"))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Help"
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
