"""Choosing the sound sources of a meeting: the room's microphone and, for a circle that
meets by phone or video, the call (the monitor of the output device the call plays through).

Two steps in one dialog: pick the room source, then the call source (or "no call").
The list comes from the sound server (assistant.core.audio.pulse); the choice is returned
as (room, call) names, call None for an in-person circle.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.audio.pulse import PulseDevice
from assistant.tui.screens.base import BaseModal

NO_CALL = "\x00none"  # an option id no source can have


class SourcesModal(BaseModal):
    HELP = ("Up/Down and Enter: first the room's microphone, then the call's audio (the "
            "monitor of the output the call plays through), or no call for a circle that "
            "meets in person. Escape keeps the sources as they were.")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, devices: list[PulseDevice]) -> None:
        super().__init__()
        self.devices = devices
        self.room: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]Room[/b]: which microphone hears the room?", id="sources-ask")
            yield OptionList(*self._options(call=False), id="sources-list")
            yield Static("On a call the timekeeper should wear headphones, or the "
                         "microphone records the call a second time.", id="sources-note")

    def _options(self, *, call: bool) -> list[Option]:
        # The likely choice first: the default microphone for the room, the default
        # output's monitor for the call.
        if call:
            ranked = sorted(self.devices, key=lambda d: (not d.default_monitor, not d.monitor))
            head = [Option("No call: everyone is in the room", id=NO_CALL)]
        else:
            ranked = sorted(self.devices, key=lambda d: (not d.default, d.monitor))
            head = []
        return head + [Option(f"{d.kind:<10} {d.description}  ({d.name})", id=d.name)
                       for d in ranked]

    def on_mount(self) -> None:
        self.query_one("#sources-list").focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        picked = event.option.id
        if self.room is None:
            self.room = picked
            self.query_one("#sources-ask", Static).update(
                "[b]Call[/b]: which source plays the call? (the monitor of its output device)")
            options = self.query_one("#sources-list", OptionList)
            options.clear_options()
            options.add_options(self._options(call=True))
            options.highlighted = 0
            return
        assert self.room is not None
        self.dismiss((self.room, None if picked == NO_CALL else picked))

    def action_cancel(self) -> None:
        self.dismiss(None)
