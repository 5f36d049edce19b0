"""Home: the circles, and from here a new meeting, past meetings, goals, or a new circle."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.store.store import Circle, Meeting
from assistant.services import resume
from assistant.services.session import can_go_on, unfinished_meetings, where_it_stopped
from assistant.tui.screens.base import BaseScreen, agenda_summary


class HomeScreen(BaseScreen):
    HELP = ("Pick a circle with the arrow keys. Start a meeting with s (or Enter), look at past "
            "meetings with m and the members' goals with g. Create a circle with n, edit the "
            "selected one with e.\n"
            "If the app stopped during a meeting (a crash, a quit, the machine), c continues "
            "it where it stopped: the same segment and turn, the consent given and withdrawn "
            "as it was, and the recording going on into the same meeting. The meeting clock "
            "goes on from the last time it saved (a second or two before it stopped): the "
            "time the app was down is not counted as meeting time, and the screen says how "
            "long that was. Or r recovers its audio and turns and ends it: transcription and "
            "drafting follow.")
    BINDINGS = [
        # First when shown (only with an unfinished meeting): at 80 columns the footer
        # cuts the last ones.
        Binding("c", "continue_meeting", "Continue meeting"),
        Binding("r", "recover", "Recover"),
        Binding("s", "start", "Start meeting"),
        Binding("n", "new_circle", "New circle"),
        Binding("e", "edit_circle", "Edit circle"),
        Binding("m", "meetings", "Meetings"),
        Binding("g", "goals", "Goals"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="circles-box"):
                yield OptionList(id="circles")
            yield Static(id="circle-info")
        yield Static(id="notice")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#circles-box").border_title = "Circles"
        self.query_one("#circle-info").border_title = "Circle"
        self.refresh_circles()

    def on_screen_resume(self) -> None:
        self.refresh_circles()

    def refresh_circles(self, select: str | None = None) -> None:
        ol = self.query_one("#circles", OptionList)
        current = self.circle
        ol.clear_options()
        circles = self.pmc.store.circles()
        for c in circles:
            ol.add_option(Option(c.name, id=str(c.id)))
        want = select or (current.name if current else None)
        if circles:
            idx = next((i for i, c in enumerate(circles) if c.name == want), 0)
            ol.highlighted = idx
        ol.focus()
        self.show_info()
        unfinished = self._recoverable()
        notice = self.query_one("#notice", Static)
        idle = self.pmc.session is None or self.pmc.session.timekeeper.finished
        # Half-drafted meetings (a resume was interrupted) are pointed to `pmc meeting
        # resume`; only meetings not yet transcribed are recovered here.
        halfway = [s for s in resume.report(self.pmc.store, measure_audio=False)
                   if s.stage == "transcribed"] if idle else []
        if unfinished and idle:
            c, m = unfinished[-1]
            if can_go_on(self.pmc.store, m):
                where = where_it_stopped(self.pmc.store, c, m)
                notice.update(f"Unfinished meeting {m.id} of {c.name} ({m.date}) stopped "
                              f"{where}: press c to continue it, or r to recover it and "
                              "end it.")
            else:  # ended with End, then stopped before processing finished
                notice.update(f"Unfinished meeting {m.id} of {c.name} ({m.date}): press r "
                              "to recover it.")
            notice.display = True
        elif halfway:
            line = halfway[-1].line()
            notice.update(f"{line[:1].upper()}{line[1:]}: finish it with `pmc meeting resume`.")
            notice.display = True
        else:
            notice.display = False
        self.refresh_bindings()

    def _recoverable(self) -> list[tuple[Circle, Meeting]]:
        """Unfinished live meetings with nothing transcribed yet (see `refresh_circles`)."""
        store = self.pmc.store
        return [(c, m) for c, m in unfinished_meetings(store)
                if (s := resume.meeting_state(store, c, m, measure_audio=False)) is not None
                and s.stage == "recorded"]

    @property
    def circle(self) -> Circle | None:
        try:
            ol = self.query_one("#circles", OptionList)
        except NoMatches:
            return None
        if ol.highlighted is None or not ol.option_count:
            return None
        opt = ol.get_option_at_index(ol.highlighted)
        return self.pmc.store.circle_by_id(int(opt.id or 0))

    @on(OptionList.OptionHighlighted, "#circles")
    def show_info(self) -> None:
        info = self.query_one("#circle-info", Static)
        c = self.circle
        if c is None:
            info.update("No circles yet.\n\nPress n to create one: a name, its members and "
                        "the agenda's minutes.")
            return
        store = self.pmc.store
        members = store.members(c)
        meetings = store.meetings(c)
        last = meetings[-1].date if meetings else "never"
        info.update(
            f"[b]{c.name}[/b]\n\n"
            f"Members: {', '.join(m.name for m in members)}\n\n"
            f"Agenda: {agenda_summary(c.agenda, len(members))}\n\n"
            f"Meets every {c.cadence_days} days; "
            f"{len(meetings)} meeting{'' if len(meetings) == 1 else 's'}, last: {last}")
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#circles")
    def _selected(self) -> None:
        self.action_start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "edit_circle", "meetings", "goals"):
            return self.circle is not None
        if action == "recover":
            return bool(self._recoverable())
        if action == "continue_meeting":
            return self._continuable() is not None
        return True

    def _continuable(self) -> tuple[Circle, Meeting] | None:
        """The meeting `c` would continue: the latest one `r` would recover, if it was
        interrupted rather than ended (and no meeting is under way)."""
        s = self.pmc.session
        if s is not None and not s.timekeeper.finished:
            return None
        unfinished = self._recoverable()
        if unfinished and can_go_on(self.pmc.store, unfinished[-1][1]):
            return unfinished[-1]
        return None

    def action_start(self) -> None:
        from assistant.tui.screens.attendance import AttendanceScreen

        if self.circle is not None:
            self.app.push_screen(AttendanceScreen(self.circle))

    def action_new_circle(self) -> None:
        from assistant.tui.screens.circle_form import CircleFormScreen

        self.app.push_screen(CircleFormScreen(None), self._saved)

    def action_edit_circle(self) -> None:
        from assistant.tui.screens.circle_form import CircleFormScreen

        if self.circle is not None:
            self.app.push_screen(CircleFormScreen(self.circle), self._saved)

    def _saved(self, name: str | None) -> None:
        if name:
            self.refresh_circles(select=name)

    def action_meetings(self) -> None:
        from assistant.tui.screens.meetings import MeetingsScreen

        if self.circle is not None:
            self.app.push_screen(MeetingsScreen(self.circle))

    def action_goals(self) -> None:
        from assistant.tui.screens.goals import GoalsScreen

        if self.circle is not None:
            self.app.push_screen(GoalsScreen(self.circle))

    def action_continue_meeting(self) -> None:
        from assistant.services.session import MeetingSession
        from assistant.tui.screens.timekeeper import TimekeeperScreen

        found = self._continuable()
        if found is None:
            return
        circle, meeting = found
        app = self.pmc
        app.session = MeetingSession.go_on(app.store, circle, meeting, app.clock)
        assert app.session.continued is not None
        record = app.session.continued.record and app.record
        self.app.push_screen(TimekeeperScreen(record=record))

    def action_recover(self) -> None:
        from assistant.services.session import recover_meeting
        from assistant.tui.screens.end import EndScreen

        unfinished = self._recoverable()
        if not unfinished:
            return
        _circle, meeting = unfinished[-1]
        chunks = recover_meeting(self.pmc.store, meeting.id)
        seconds = sum(c.frames for c in chunks) / 16000
        self.notify(f"Recovered {seconds:.0f} s of audio and "
                    f"{len(self.pmc.store.turns(meeting.id))} turns.")
        self.app.push_screen(EndScreen(meeting.id, None))
