"""Small dialogs: confirm, consent during the meeting (and what to do with the earlier
speech of a member who withdraws), edit a contract item."""

from __future__ import annotations

import datetime as dt

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from assistant.core.errors import PMCError
from assistant.tui.screens.base import BaseModal
from assistant.tui.screens.consent import consent_lines
from assistant.tui.widgets.ticks import TickBox


class ConfirmModal(BaseModal):
    HELP = "y (or Enter) confirms, n (or Escape) goes back."
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "", default_no: bool = False) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.default_no = default_no  # Enter on an unread question must not do harm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]{self.question}[/b]\n{self.detail}")
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="yes", variant="primary", compact=True)
                yield Button("No (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no" if self.default_no else "#yes").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ConsentModal(BaseModal):
    HELP = ("Press a member's number to withdraw their consent (recording stops at once; they "
            "then choose whether what they said earlier is deleted) or to consent again. "
            "Escape closes.")
    BINDINGS = [
        *[Binding(str(i), f"member({i - 1})", f"Consent of member {i}") for i in range(1, 9)],
        Binding("escape,w", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]Consent[/b] — press a number to withdraw or give consent.\n"
                         "Recording runs only while everyone consents.")
            yield Static(id="consent-list")
            yield Static("Escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#consent-list", Static).update(consent_lines(self.session))

    def action_member(self, index: int) -> None:
        present = self.session.consent.present
        if index < len(present):
            p = present[index]
            granted = not self.session.consent.granted(p.id)
            self.session.set_consent(p.id, granted)
            self.notify(f"{p.name} consents again." if granted else
                        f"{p.name} withdrew consent: recording stopped.")
            self.query_one("#consent-list", Static).update(consent_lines(self.session))
            if not granted and self.session.recorder is not None:
                # Recording has already stopped; now the member decides about the past.
                self.app.push_screen(EraseChoiceModal(p.name),
                                     lambda delete: self._erase_choice(p.id, p.name, delete))

    def _erase_choice(self, member_id: int, name: str, delete: bool | None) -> None:
        if not delete:
            self.notify(f"Kept what {name} said earlier.")
            return
        session = self.session
        spans = session.spans_to_erase(member_id)  # live transcript lines go at once
        app = self.app

        def work() -> None:  # rewrites audio files: off the UI thread
            try:
                done = session.erase_member(member_id, spans)
            except PMCError as exc:
                app.call_from_thread(app.notify, f"Could not delete what {name} said: {exc}",
                                     severity="error", timeout=10)
                return
            if done.audio == "silenced" and done.turns:
                how_long = "" if done.pending else f" ({done.seconds:.0f} s)"
                msg = (f"Deleted what {name} said earlier: {done.turns} "
                       f"turn{'s' if done.turns != 1 else ''}{how_long} silenced in the "
                       "recording, their live transcript removed.")
            else:
                msg = f"Nothing to delete: none of {name}'s turns had been recorded."
            app.call_from_thread(app.notify, msg, timeout=8)

        # On the app, not this dialog: the work must finish even if the dialog is closed.
        app.run_worker(work, thread=True, group="erase", name="erase earlier speech")

    def action_close(self) -> None:
        self.dismiss(None)


class EraseChoiceModal(BaseModal):
    """After a withdrawal: keep or delete what the member said earlier in the meeting.

    Dismisses with True for Delete. Keep has the focus: deleting takes a deliberate key.
    """

    HELP = ("The member withdrew consent and recording has stopped. Keep leaves what they said "
            "earlier in this meeting; Delete silences their turns in the recording and removes "
            "their transcript, leaving everyone else's. k (or Escape) keeps, d deletes, Enter "
            "chooses the highlighted button.")
    BINDINGS = [
        Binding("k,escape", "choose(False)", "Keep"),
        Binding("d", "choose(True)", "Delete"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.member_name = name

    def compose(self) -> ComposeResult:
        name = escape(self.member_name)
        with Vertical(classes="dialog"):
            yield Static(f"[b]Delete what {name} said earlier in this meeting?[/b]\n"
                         f"Recording has stopped.\n"
                         f"[b]Keep[/b]: what {name} said so far stays in the recording.\n"
                         f"[b]Delete[/b]: {name}'s turns are silenced in the recording and their "
                         "words removed from the transcript; everyone else's stay.")
            with Horizontal(classes="buttons"):
                yield Button("Keep (k)", id="keep", variant="primary", compact=True)
                yield Button("Delete (d)", id="delete", variant="error", compact=True)
            yield Static("Enter chooses the highlighted button", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#keep").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")

    def action_choose(self, delete: bool) -> None:
        self.dismiss(delete)


class ItemModal(BaseModal):
    """Edit or add one contract item; dismisses with (text, due, tentative) or None."""

    HELP = ("Type the contract item: one specific step. Due is a date YYYY-MM-DD. Space ticks "
            "'tentative'. Enter saves, Escape cancels.")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str = "", due: str | None = None,
                 tentative: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.due = due or ""
        self.tentative = tentative

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"[b]{self.title_text}[/b]")
            with Horizontal(classes="row"):
                yield Label("Item", classes="label")
                yield Input(self.text, id="item-text", compact=True,
                            placeholder="I will … by …")
            with Horizontal(classes="row"):
                yield Label("Due", classes="label")
                yield Input(self.due, id="item-due", compact=True, placeholder="YYYY-MM-DD")
            yield TickBox("tentative (not a promise)", self.tentative, id="item-tentative",
                           compact=True)
            yield Static(id="item-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#item-text").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        text = " ".join(self.query_one("#item-text", Input).value.split())
        due = self.query_one("#item-due", Input).value.strip()
        err = self.query_one("#item-error", Static)
        if not text:
            err.update("[red]An item needs some text.[/red]")
            return
        if due:
            try:
                dt.date.fromisoformat(due)
            except ValueError:
                err.update("[red]Due must be a date like 2026-03-19.[/red]")
                return
        self.dismiss((text, due or None, self.query_one("#item-tentative", Checkbox).value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
