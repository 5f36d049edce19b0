"""Attendance: who is present today. Everyone is ticked; untick who is missing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, SelectionList, Static

from assistant.core.store.store import Circle, Member
from assistant.services.session import MeetingSession
from assistant.tui.screens.base import BaseScreen, agenda_summary
from assistant.tui.widgets.ticks import TickList


class AttendanceScreen(BaseScreen):
    HELP = ("Everyone starts ticked as present. Untick who is missing with their number (1-8) "
            "or with the arrow keys and Space. Press c to continue to consent (or straight "
            "to the timekeeper when recording is off); Escape goes back.")
    BINDINGS = [
        Binding("c", "continue", "Continue"),
        Binding("escape", "back", "Back"),
        Binding("a", "sources", "Sound sources", show=False),
        *[Binding(str(i), f"member({i - 1})", f"Toggle member {i}", show=False)
          for i in range(1, 9)],
    ]

    def __init__(self, circle: Circle) -> None:
        super().__init__()
        self.circle = circle
        self.members: list[Member] = []

    def compose(self) -> ComposeResult:
        self.members = self.pmc.store.members(self.circle)
        yield Header()
        with Vertical(id="attendance"):
            yield Static(f"[b]{self.circle.name}[/b] — {self.pmc.today().isoformat()}\n"
                         "Who is here today?", id="attendance-title")
            yield TickList(
                *[(f"{i + 1}  {m.name}", m.id, True) for i, m in enumerate(self.members)],
                id="present")
            yield Static(id="attendance-plan")
            yield Static(id="attendance-sound")
            with Horizontal(classes="buttons"):
                yield Button("Continue", id="continue", variant="primary", compact=True)
                yield Button("Back", id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#present").focus()
        self.update_plan()
        self.update_sound()

    def update_sound(self) -> None:
        app = self.pmc
        line = self.query_one("#attendance-sound", Static)
        line.display = app.sources_choosable
        if app.sources_choosable:
            call = app.call_source_name or "none (everyone in the room)"
            line.update(f"Sound: room {app.room_source_name} · call {call}  "
                        "[grey62](a to choose; on a call, wear headphones)[/grey62]")

    def action_sources(self) -> None:
        from assistant.core.audio import pulse
        from assistant.core.errors import PMCError
        from assistant.tui.screens.sources import SourcesModal

        if not self.pmc.sources_choosable:
            return
        try:
            devices = pulse.list_sources()  # a local socket round trip, milliseconds
        except PMCError as exc:
            self.notify(str(exc), severity="error")
            return

        def chosen(result: tuple[str, str | None] | None) -> None:
            if result is None:
                return
            app = self.pmc
            room, call = result
            app.room_source_name, app.call_source_name = room, call
            app.source_factory = lambda: pulse.PulseSource(room, label="room")
            app.call_source_factory = (None if call is None else
                                       lambda: pulse.PulseSource(call, label="call"))
            self.update_sound()

        self.app.push_screen(SourcesModal(devices), chosen)

    @property
    def present_ids(self) -> list[int]:
        return list(self.query_one("#present", SelectionList).selected)

    @on(SelectionList.SelectedChanged)
    def update_plan(self) -> None:
        n = len(self.present_ids)
        text = (f"{n} present. {agenda_summary(self.circle.agenda, n)}" if n
                else "[red]Nobody is ticked as present.[/red]")
        self.query_one("#attendance-plan", Static).update(text)

    def action_member(self, index: int) -> None:
        sl = self.query_one("#present", SelectionList)
        if index < len(self.members):
            sl.toggle(self.members[index].id)

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        from assistant.tui.screens.consent import ConsentScreen
        from assistant.tui.screens.timekeeper import TimekeeperScreen

        ids = set(self.present_ids)
        present = [m for m in self.members if m.id in ids]
        if not present:
            self.notify("Tick at least one member as present.", severity="error")
            return
        app = self.pmc
        app.session = MeetingSession.create(app.store, self.circle, present, app.clock,
                                            app.today())
        if app.record:
            self.app.switch_screen(ConsentScreen())
        else:
            self.app.switch_screen(TimekeeperScreen(record=False))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()
