"""End of meeting: live transcription catches up, the audio is transcribed, contracts drafted.

All of it runs in a worker thread, through the one processing flow
(assistant/services/processing.py) that imports and `pmc meeting resume` use too; the
worker posts `ProgressReported`, `ContractDrafted` and `MeetingProcessed`, and the screen
only draws what they say. After a live meeting the flow starts from what the meeting already
heard and drafted (services/live_drafts.py `heard_at_end`): only what the live pass missed
and the contracts turns not drafted yet are heard again, and members drafted during the
meeting are left as they are. Without a live transcript the whole recording is transcribed.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Header, ProgressBar, Static

from assistant.core.errors import PMCError
from assistant.core.meeting.timekeeper import fmt_seconds
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Member
from assistant.services import live_drafts, processing
from assistant.services.session import MeetingSession
from assistant.tui.messages import ContractDrafted, MeetingProcessed, ProgressReported
from assistant.tui.screens.base import BaseScreen

STAGE_LABEL = {
    "catching up": "Catching up the live transcript",
    "finishing drafts": "Finishing the drafts made during the meeting",
    "loading models": "Loading the models",
    "transcribing": "Transcribing the recording",
    "refining contracts": "Listening again to the contracts",
    "drafting": "Drafting each member's contract",
}


class _Posting(processing.Listener):
    """The flow's progress as messages to the screen (posting is thread-safe)."""

    def __init__(self, post: Callable[[Message], object]) -> None:
        super().__init__()
        self.post = post
        self.drafted_members: list[Member] = []

    def progress(self, stage: str, fraction: float) -> None:
        self.post(ProgressReported(stage, fraction))

    def drafted(self, member: Member, items: int | None) -> None:
        self.drafted_members.append(member)


class EndScreen(BaseScreen):
    HELP = ("The meeting has ended. The recording is transcribed and every member's contract is "
            "drafted here, on this machine. When it is done press Enter to review the drafts; "
            "if it failed, r tries again.")
    BINDINGS = [
        Binding("enter", "review", "Review"),
        Binding("r", "retry", "Retry"),
    ]

    def __init__(self, meeting_id: int, session: MeetingSession | None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.live_session = session
        self.done = False
        self.error: str | None = None
        self.stage = ""
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="end"):
            yield Static(id="end-title")
            yield Static(id="end-stage")
            yield ProgressBar(total=1.0, show_eta=False, id="end-progress")
            yield Static(id="end-log")
            yield Static(id="end-next")
        yield Footer()

    def on_mount(self) -> None:
        store = self.pmc.store
        m = store.meeting(self.meeting_id)
        circle = store.circle_by_id(m.circle_id)
        present = store.attendees(self.meeting_id)
        length = fmt_seconds(m.duration or 0)
        self.query_one("#end-title", Static).update(
            f"[b]{circle.name}[/b] — meeting {m.id} of {m.date} ended after {length}, "
            f"{len(present)} present, {len(store.turns(self.meeting_id))} turns logged.")
        self.start()

    def start(self) -> None:
        self.done, self.error, self.lines = False, None, []
        self.update_view()
        self.process()

    @work(thread=True, exclusive=True, group="process")
    def process(self) -> None:
        post = self.post_message
        store = self.pmc.store
        try:
            session = self.live_session
            if session is not None:
                # A member's "Delete" still being carried out must be done before the audio
                # is read, or their voice would be transcribed again.
                session.wait_erasures()
            if session is not None and session.live is not None:
                post(ProgressReported("catching up", 0.0))
                session.finish_live()
                post(ProgressReported("catching up", 1.0))
            if session is not None:
                # Bounded (live_drafts.END_WAIT): a turn not drafted by then is heard and
                # drafted below with the rest, so End never hangs on a stuck worker.
                shown = session.drafts.pending > 0

                def waited(fraction: float) -> None:
                    if shown:
                        post(ProgressReported("finishing drafts", fraction))
                session.drafts.finish(waited)
            live_model = session.transcriber if session is not None else None
            # The models the meeting already loaded, not a second copy of each.
            built = session.drafts.refiner_model if session is not None else None
            models = processing.Models(lambda: live_model or self.pmc.transcriber_factory(),
                                       self.pmc.drafter_factory,
                                       lambda: built or self.pmc.refiner_factory())
            listener = _Posting(post)
            heard = None
            if session is not None and store.meeting(self.meeting_id).status == MeetingStatus.OPEN \
                    and not store.has_segments(self.meeting_id):
                # A retry after a failure has this already stored: nothing to reuse then.
                end = live_drafts.heard_at_end(session, models.transcriber, listener.progress)
                heard = end.heard if end is not None else None
            processing.process(store, self.meeting_id, models, heard=heard,
                               contract_pass=self.pmc.settings.contract_pass, listener=listener)
            # Those drafted now and those drafted during the meeting.
            early = {d.member_id for d in session.drafts.done} if session is not None else set()
            drafted = {m.id for m in listener.drafted_members} | early
            for member in store.attendees(self.meeting_id):
                if member.id in drafted:
                    post(ContractDrafted(member.id,
                                         len(store.items(self.meeting_id, member.id))))
            post(MeetingProcessed(self.meeting_id))
        except PMCError as exc:
            post(MeetingProcessed(self.meeting_id, error=str(exc)))
        except Exception as exc:  # shown, not raised: the meeting's data is safe on disk
            post(MeetingProcessed(self.meeting_id, error=f"processing failed "
                                  f"({exc.__class__.__name__}: {exc}); press r to retry"))

    def on_progress_reported(self, msg: ProgressReported) -> None:
        if msg.stage != self.stage:
            if self.stage:
                self.lines.append(f"✔ {STAGE_LABEL.get(self.stage, self.stage)}")
            self.stage = msg.stage
        self.query_one("#end-progress", ProgressBar).update(progress=msg.fraction)
        self.update_view()

    def on_contract_drafted(self, msg: ContractDrafted) -> None:
        if self.stage:
            self.lines.append(f"✔ {STAGE_LABEL.get(self.stage, self.stage)}")
            self.stage = ""
        name = self.pmc.store.member_by_id(msg.member_id).name
        self.lines.append(f"  {name}: {msg.count} draft item{'s' if msg.count != 1 else ''}")
        self.update_view()

    def on_meeting_processed(self, msg: MeetingProcessed) -> None:
        if self.stage:
            self.lines.append(f"✔ {STAGE_LABEL.get(self.stage, self.stage)}")
            self.stage = ""
        self.done = True
        self.error = msg.error
        self.query_one("#end-progress", ProgressBar).update(progress=1.0)
        self.update_view()
        self.refresh_bindings()

    def update_view(self) -> None:
        stage = STAGE_LABEL.get(self.stage, self.stage)
        self.query_one("#end-stage", Static).update(
            "Done." if self.done and not self.error else
            ("Stopped." if self.error else f"{stage}…" if stage else "Starting…"))
        self.query_one("#end-log", Static).update("\n".join(self.lines[-12:]))
        nxt = self.query_one("#end-next", Static)
        if self.error:
            nxt.update(Text(f"{self.error}\nPress r to retry, or Enter to review and add items "
                            "by hand.", style="red"))
        elif self.done:
            nxt.update(Text("Press Enter to review the contract drafts.", style="bold green"))
        else:
            nxt.update(Text("The clock has stopped; this can take a minute.", style="grey62"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return self.done
        if action == "retry":
            return bool(self.done and self.error)
        return True

    def action_review(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        if self.done:
            self.app.switch_screen(ReviewScreen(self.meeting_id))

    def action_retry(self) -> None:
        if self.done and self.error:
            self.start()
