"""Consent: what is recorded and where; each person present says yes for themselves."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Static

from assistant.core import locations
from assistant.core.meeting.consent import CALL_CONSENT_TEXT, CONSENT_TEXT
from assistant.core.privacy import retention
from assistant.services.session import MeetingSession
from assistant.tui.screens.base import BaseScreen


def tilde(path: Path) -> str:
    """`path` with the home directory shown as ~ (shorter, and the same on every machine)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def consent_lines(session: MeetingSession) -> Text:
    out = Text()
    for i, p in enumerate(session.consent.present):
        ok = session.consent.granted(p.id)
        out.append(f" {i + 1}  {p.name:<14}")
        out.append("✔ consents" if ok else "… not yet", style="green" if ok else "dark_orange")
        out.append("\n")
    return out


class ConsentScreen(BaseScreen):
    HELP = ("Read the text aloud. Each person present consents for themselves: press their "
            "number (1-8) when they say yes; pressing it again withdraws. Recording starts "
            "only when everyone has consented (r). Timekeeping only (k) runs the meeting "
            "without the microphone. Escape cancels this meeting.")
    BINDINGS = [
        *[Binding(str(i), f"member({i - 1})", f"Consent of member {i}", show=False)
          for i in range(1, 9)],
        Binding("r", "record", "Start recording"),
        Binding("k", "timekeeping_only", "Timekeeping only"),
        Binding("escape", "cancel", "Cancel meeting"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="consent-body"):
            kept = retention.policy(self.pmc.store, self.session.circle).describe()
            text = CONSENT_TEXT.format(audio_dir=tilde(locations.audio_dir()), kept=kept)
            if self.pmc.record and self.pmc.call_source_factory is not None:
                text += "\n" + CALL_CONSENT_TEXT
            yield Static(text, id="consent-text")
            yield Static("Each person present consents for themselves (press their number):",
                         id="consent-ask")
            yield Static(id="consent-list")
            yield Static(id="consent-missing")
            with Horizontal(classes="buttons"):
                yield Button("Start recording", id="record", variant="success", compact=True)
                yield Button("Timekeeping only", id="timekeeping", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#consent-text").border_title = "Consent to record"
        self.update_view()

    def update_view(self) -> None:
        s = self.session
        self.query_one("#consent-list", Static).update(consent_lines(s))
        missing = s.consent.missing()
        self.query_one("#consent-missing", Static).update(
            "Everyone has consented: recording may start." if not missing else
            f"Recording waits for: {', '.join(p.name for p in missing)}")
        self.query_one("#record", Button).disabled = bool(missing)
        self.refresh_bindings()

    def action_member(self, index: int) -> None:
        present = self.session.consent.present
        if index < len(present):
            self.session.consent.toggle(present[index].id)
            self.update_view()

    @on(Button.Pressed, "#record")
    def action_record(self) -> None:
        from assistant.tui.screens.timekeeper import TimekeeperScreen

        missing = self.session.consent.missing()
        if missing:
            self.app.bell()
            self.notify(f"Not recording: {', '.join(p.name for p in missing)} "
                        "has not consented.", severity="error")
            return
        self.app.switch_screen(TimekeeperScreen(record=True))

    @on(Button.Pressed, "#timekeeping")
    def action_timekeeping_only(self) -> None:
        from assistant.tui.screens.timekeeper import TimekeeperScreen

        self.app.switch_screen(TimekeeperScreen(record=False))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        # Nothing happened yet: the meeting (and its consent events) goes away.
        self.pmc.store.delete_meeting(self.session.meeting.id)
        self.pmc.session = None
        self.dismiss()
