"""Create or edit a circle: name, members in speaking order, agenda minutes, cadence."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Static

from assistant.core.errors import PMCError
from assistant.core.meeting import agenda as agenda_mod
from assistant.core.store.store import Circle
from assistant.tui.screens.base import BaseScreen, agenda_summary
from assistant.tui.widgets.ticks import TickBox

MAX_MEMBERS = 8  # the 1-8 "now speaking" keys; PMCs have 5-8 peers


def parse_members(text: str) -> list[str]:
    names = [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]
    if not names:
        raise PMCError("a circle needs at least one member: list names separated by commas")
    if len(names) > MAX_MEMBERS:
        raise PMCError(f"a circle has at most {MAX_MEMBERS} members; this list has {len(names)}")
    if len({n.lower() for n in names}) != len(names):
        raise PMCError("member names must be unique within a circle")
    return names


class CircleFormScreen(BaseScreen):
    HELP = ("Type the circle's name and its members separated by commas, in the order they "
            "usually speak. For each agenda segment give the minutes, and tick 'each' when "
            "the minutes are per member. Tab moves between fields, Space ticks a box, "
            "Ctrl+S saves, Escape cancels.")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, circle: Circle | None) -> None:
        super().__init__()
        self.circle = circle

    def compose(self) -> ComposeResult:
        c = self.circle
        store = self.pmc.store
        members = ", ".join(m.name for m in store.members(c)) if c else ""
        agenda = {s.id: s for s in (c.agenda if c else agenda_mod.DEFAULT_AGENDA)}
        defaults = {s.id: s for s in agenda_mod.DEFAULT_AGENDA}
        yield Header()
        with VerticalScroll(id="form"):
            with Horizontal(classes="row"):
                yield Label("Name", classes="label")
                yield Input(c.name if c else "", placeholder="e.g. Postdoc circle", id="name",
                            compact=True, disabled=c is not None)
            with Horizontal(classes="row"):
                yield Label("Members", classes="label")
                yield Input(members, placeholder="Ana, Ben, Cai (speaking order)", id="members",
                            compact=True)
            with Horizontal(classes="row"):
                yield Label("Every", classes="label")
                cadence = c.cadence_days if c else self.pmc.settings.next_meeting_days
                yield Input(str(cadence), id="cadence", compact=True,
                            type="integer", classes="num")
                yield Label(" days")
            yield Label("Agenda                    minutes", classes="heading")
            for sid in agenda_mod.SEGMENT_IDS:
                seg = agenda.get(sid) or defaults[sid]
                with Horizontal(classes="row agenda-row"):
                    yield Label(f"  {seg.title}", classes="label seg")
                    yield Input(f"{seg.minutes:g}", id=f"min-{sid}", compact=True,
                                type="number", classes="num")
                    yield TickBox("each member", seg.per_member, id=f"per-{sid}",
                                   compact=True)
            yield Static(id="length")
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name" if self.circle is None else "#members", Input).focus()
        self.update_length()

    def _agenda(self) -> tuple[agenda_mod.AgendaSegment, ...]:
        out = []
        defaults = {s.id: s for s in agenda_mod.DEFAULT_AGENDA}
        for sid in agenda_mod.SEGMENT_IDS:
            text = self.query_one(f"#min-{sid}", Input).value.strip()
            try:
                minutes = float(text)
            except ValueError:
                raise PMCError(f"{defaults[sid].title}: minutes must be a number") from None
            if not 0 < minutes <= 240:
                raise PMCError(f"{defaults[sid].title}: minutes must be between 0 and 240")
            per = self.query_one(f"#per-{sid}", Checkbox).value
            out.append(agenda_mod.AgendaSegment(sid, defaults[sid].title, minutes, per))
        return tuple(out)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def update_length(self) -> None:
        try:
            n = len(parse_members(self.query_one("#members", Input).value))
            text = f"Meeting length: {agenda_summary(self._agenda(), n).split(' — ')[1]}"
        except PMCError:
            text = "Meeting length: —"
        self.query_one("#length", Static).update(text)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        store = self.pmc.store
        try:
            members = parse_members(self.query_one("#members", Input).value)
            agenda = self._agenda()
            cadence_text = self.query_one("#cadence", Input).value.strip()
            cadence = int(cadence_text) if cadence_text.isdigit() else 0
            if not 1 <= cadence <= 365:
                raise PMCError("meet every 1 to 365 days (14: every other week)")
            if self.circle is None:
                name = self.query_one("#name", Input).value.strip()
                circle = store.create_circle(name, members, agenda, cadence)
            else:
                # Removed members are deactivated, never deleted (their contracts stay).
                circle = store.update_circle(self.circle, agenda, cadence, members)
        except PMCError as exc:
            self.query_one("#form-error", Static).update(f"[red]{exc}[/red]")
            return
        self.notify(f"Saved circle {circle.name}.")
        self.dismiss(circle.name)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
