"""The Circle Assistant terminal app: `make_app` builds it, `run_app` runs it for the CLI.

Everything the app needs from outside (store, models, audio source, clock,
today's date) is injected through `make_app`, so tests drive a whole meeting
with a fake clock, a file-fed audio source and small or fake models, the way
posting's `make_posting` does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from assistant.core.audio.recorder import AudioSource
from assistant.core.drafting.contracts import Drafter
from assistant.core.settings import Settings
from assistant.core.speech.types import Transcriber
from assistant.core.store.store import Store

if TYPE_CHECKING:
    from assistant.services.session import MeetingSession


class CircleApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Circle Assistant"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, *, settings: Settings, store: Store,
                 transcriber_factory: Callable[[], Transcriber],
                 drafter_factory: Callable[[], Drafter],
                 clock: Callable[[], float] = time.monotonic,
                 source_factory: Callable[[], AudioSource] | None = None,
                 call_source_factory: Callable[[], AudioSource] | None = None,
                 record: bool = True, circle: str | None = None,
                 today: Callable[[], dt.date] = dt.date.today,
                 refiner_factory: Callable[[], Transcriber | None] = lambda: None) -> None:
        super().__init__()
        # The contracts second pass's own model (None: the transcriber's; parts.build_refiner)
        self.refiner_factory = refiner_factory
        self.call_source_factory = call_source_factory  # a video circle's second track
        # Set by run_app when the sound server can be asked: the set-up screen then offers
        # to choose the room and call sources (`a`), recorded with PulseSource by name.
        self.sources_choosable = False
        self.room_source_name = "default"
        self.call_source_name: str | None = None
        self.settings = settings
        self.store = store
        self.transcriber_factory = transcriber_factory
        self.drafter_factory = drafter_factory
        self.clock = clock
        self.source_factory = source_factory
        self.record = record
        self.start_circle = circle
        self.today = today
        self.session: MeetingSession | None = None
        self.stopped_by: signal.Signals | None = None  # SIGINT/SIGTERM that ended the app
        self.left_meeting: int | None = None  # a meeting stopped under way by quitting

    def on_mount(self) -> None:
        from assistant.core.privacy import retention
        from assistant.tui.screens.attendance import AttendanceScreen
        from assistant.tui.screens.home import HomeScreen

        # The retention policy runs by itself: whatever fell due while the app was closed
        # (a later meeting imported, a transcript past its age) goes before anything shows.
        retention.apply_due(self.store, self.today())
        self._catch_signals()
        self.push_screen(HomeScreen())
        if self.start_circle is not None:
            # `pmc meeting start --circle NAME` goes straight to attendance.
            self.push_screen(AttendanceScreen(self.store.circle(self.start_circle)))

    async def action_quit(self) -> None:
        """Quit; during a meeting, only after asking (quitting ends the recording)."""
        from assistant.tui.screens.modals import ConfirmModal

        s = self.session
        if s is None or not s.timekeeper.started or s.timekeeper.finished:
            self.exit()
            return
        if isinstance(self.screen, ConfirmModal):
            return  # already asking

        def done(yes: bool | None) -> None:
            if yes:
                self.exit()  # on_unmount stops the recorder and saves the turns

        what = "the recording stops and " if s.recorder is not None else ""
        self.push_screen(ConfirmModal(
            "Quit during the meeting?",
            f"Quitting stops it here: {what}what was said so far is kept; the next start "
            "offers to continue it where it stopped (c on the home screen) or to recover "
            "and end it (r). To end the meeting properly, press e.", default_no=True), done)

    def _catch_signals(self) -> None:
        """SIGINT and SIGTERM (kill, a closing terminal's shell, a shutdown) end the app the
        way Ctrl+Q's Yes does: on_unmount stops the recorder with every chunk sealed and
        saves the turns, so the next start offers to continue the meeting. Without this a
        signal dropped the app mid-write, silently."""
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self._signalled, sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or a platform without signal handlers

    def _release_signals(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def _signalled(self, sig: signal.Signals) -> None:
        if self.stopped_by is None:
            self.stopped_by = sig
            self.exit(return_code=128 + int(sig))

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's hint is "press Ctrl+Q to quit"): say what each way out does."""
        s = self.session
        if s is not None and s.timekeeper.started and not s.timekeeper.finished:
            self.notify("Ctrl+C does not quit. To end the meeting: n to the last turn, then e "
                        "(processing follows). Ctrl+Q quits after asking: the recording stops "
                        "and can be recovered later.", title="Ctrl+C does not quit")
        else:
            self.notify("Ctrl+C does not quit: Ctrl+Q does.", title="Ctrl+C does not quit")

    def action_help(self) -> None:
        from assistant.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Every key binding of the current screen is also a palette entry.
        from assistant.tui.screens.base import screen_actions

        for b, node in screen_actions(screen):
            if b.action == "quit":
                continue  # the palette has its own Quit entry
            key = b.key_display or self.get_key_display(b)
            yield SystemCommand(b.description, f"key: {key}",
                                lambda a=b.action, ns=node: self._run(ns, a))
        yield from super().get_system_commands(screen)

    def _run(self, node: DOMNode, action: str) -> None:
        self.call_later(self.run_action, action, node)

    def on_unmount(self) -> None:
        self._release_signals()
        s = self.session
        if s is None:
            return
        if not s.timekeeper.started:
            # Left at the consent screen: the meeting never happened.
            self.store.delete_meeting(s.meeting.id)
        elif not s.timekeeper.finished:
            # Leaving mid-meeting: stop the microphone and save the turns; the meeting
            # stays 'open' so the next start offers to continue it (or recover and end it).
            s.end(interrupted=True)
            self.left_meeting = s.meeting.id


def make_app(*, settings: Settings, store: Store,
             transcriber_factory: Callable[[], Transcriber],
             drafter_factory: Callable[[], Drafter],
             clock: Callable[[], float] = time.monotonic,
             source_factory: Callable[[], AudioSource] | None = None,
             call_source_factory: Callable[[], AudioSource] | None = None,
             record: bool = True, circle: str | None = None,
             today: Callable[[], dt.date] = dt.date.today,
             refiner_factory: Callable[[], Transcriber | None] = lambda: None) -> CircleApp:
    if circle is not None:
        store.circle(circle)  # fail before the screen opens when the name is wrong
    return CircleApp(settings=settings, store=store, transcriber_factory=transcriber_factory,
                     drafter_factory=drafter_factory, clock=clock, source_factory=source_factory,
                     call_source_factory=call_source_factory, record=record, circle=circle,
                     today=today, refiner_factory=refiner_factory)


def run_app(settings: Settings, store: Store, circle: str | None = None,
            input_device: str | None = None, record: bool = True, *,
            room_source: str | None = None, call_source: str | None = None) -> int:
    """Run the app; its exit status (128 + the signal's number when SIGINT or SIGTERM
    stopped it, after saying what became of a meeting under way)."""
    from assistant.core.audio import pulse
    from assistant.core.audio.recorder import SoundDeviceSource
    from assistant.services import parts

    device: int | str | None = input_device
    if isinstance(input_device, str) and input_device.isdigit():
        device = int(input_device)
    room = room_source or settings.room_source
    call = call_source or settings.call_source
    source_factory: Callable[[], AudioSource]
    if device is None and pulse.available():
        # Through the sound server by name: a lost device is noticed and picked up again.
        source_factory = lambda: pulse.PulseSource(room or "default", label="room")  # noqa: E731
    else:
        source_factory = lambda: SoundDeviceSource(device)  # noqa: E731
    call_factory: Callable[[], AudioSource] | None = None
    if call:
        call_factory = lambda: pulse.PulseSource(call, label="call")  # noqa: E731

    app = make_app(settings=settings, store=store,
                   transcriber_factory=lambda: parts.build_transcriber(settings),
                   drafter_factory=lambda: parts.build_drafter(settings),
                   refiner_factory=lambda: parts.build_refiner(settings),
                   source_factory=source_factory, call_source_factory=call_factory,
                   record=record, circle=circle)
    if device is None and record and pulse.available():
        app.sources_choosable = True
        app.room_source_name = room or "default"
        app.call_source_name = call or None
    app.run()
    if app.stopped_by is not None:
        import sys

        line = f"pmc: stopped by {app.stopped_by.name}"
        if app.left_meeting is not None:
            line += (f"; meeting {app.left_meeting} was stopped cleanly and its recording "
                     "saved: the next start offers to continue it (c on the home screen)")
        print(line + ".", file=sys.stderr)
        return 128 + int(app.stopped_by)
    return 0
