"""The panel beside the timer that drafts each contracts turn while the meeting goes on.

The timekeeper screen tells it when a turn is left (`turn_left`); for a member's contracts
or report-back turn it starts a worker thread that calls services/live_drafts.py (hear
the turn again, draft it, store it) and posts `TurnDrafted`. The panel then reads the store
on the UI thread and shows, per member, what waits for approval; `a` on the timekeeper
screen opens the list to approve, edit or delete (tui/screens/live_drafts.py). The timer
never waits for any of it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.widgets import Static

from assistant.core.drafting.attribution import TurnSpan
from assistant.core.meeting.timekeeper import Timekeeper
from assistant.services.live_drafts import TurnDone
from assistant.tui.messages import TurnDrafted

if TYPE_CHECKING:
    from assistant.services.session import MeetingSession
    from assistant.tui.app import CircleApp

DRAFTED_SEGMENTS = ("contracts", "report_back")


def pending_rows(session: MeetingSession) -> dict[int, tuple[int, int, int]]:
    """Member id -> (drafts to approve, approved, report-back suggestions to confirm)."""
    store, mid = session.store, session.meeting.id
    unconfirmed: dict[int, int] = {}
    for r in store.report_back(mid):
        if not r.confirmed:
            owner = store.item(r.item_id).member_id
            unconfirmed[owner] = unconfirmed.get(owner, 0) + 1
    out = {}
    for member_id in session.member_ids:
        items = [i for i in store.items(mid, member_id) if i.origin != "manual"]
        out[member_id] = (sum(i.status == "draft" for i in items),
                          sum(i.status == "approved" for i in items),
                          unconfirmed.get(member_id, 0))
    return out


class DraftsPanel(Static):
    """What was drafted during the meeting, member by member; hidden until there is some."""

    DEFAULT_CSS = "DraftsPanel { height: auto; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.working: dict[int, str] = {}  # member id -> "contracts"/"report_back" in progress
        self.notes: dict[int, str] = {}  # member id -> why nothing was drafted
        self._since = 0  # timekeeper log length when the current turn was entered
        self.last: TurnDone | None = None

    @property
    def pmc(self) -> CircleApp:
        return cast("CircleApp", self.app)

    @property
    def session(self) -> MeetingSession:
        session = self.pmc.session
        assert session is not None
        return session

    # --- the timekeeper moved on --------------------------------------------------------
    def turn_left(self, tk: Timekeeper, pos: int) -> None:
        """The timekeeper left planned turn `pos` (UI thread): draft it if it is a member's
        contracts or report-back turn. Cheap: the work is in a thread."""
        entries = tk.log[self._since:]
        self._since = len(tk.log)
        turn = tk.plan[pos]
        if turn.member is None or turn.segment not in DRAFTED_SEGMENTS:
            return
        s = self.session
        if s.recorder is None:
            return  # nothing recorded, nothing to hear
        # The turn's member first; in a contracts turn, anyone who added to their own
        # contract meanwhile (an interjection) too: the end would draft those words.
        speakers = [turn.member] + ([e.member for e in entries if e.member is not None
                                     and e.member != turn.member]
                                    if turn.segment == "contracts" else [])
        for member in dict.fromkeys(speakers):
            said = [(e.start, e.end) for e in entries
                    if e.member == member and e.segment == turn.segment and not e.off_record]
            if not said:
                continue
            member_id = s.member_ids[member]
            spans = s.drafts.spans(member_id, turn.segment, said)
            if not spans:
                continue
            s.drafts.begin()
            self.working[member_id] = turn.segment
            self.notes.pop(member_id, None)
            self.show_rows()
            # Said again when the timekeeper comes back to this planned turn: the key.
            self._draft(spans, turn.segment, time.monotonic(), (pos, member))

    @work(thread=True, group="live-drafts")
    def _draft(self, spans: list[TurnSpan], segment: str, left_at: float,
               key: tuple[int, int]) -> None:
        drafts = self.session.drafts
        try:
            if segment == "contracts":
                done = drafts.contracts_turn(spans, self.pmc.drafter_factory,
                                             self.pmc.settings.contract_pass, left_at, key,
                                             refiner=self.pmc.refiner_factory)
            else:
                done = drafts.report_back_turn(spans, left_at,
                                               self.pmc.settings.contract_pass,
                                               refiner=self.pmc.refiner_factory)
        except Exception as exc:  # the meeting goes on; the end of the meeting drafts it
            done = TurnDone(spans[0].member_id or 0, segment,
                            skipped=f"drafting failed ({exc.__class__.__name__}); it is "
                                    "drafted again after the meeting")
        self.post_message(TurnDrafted(done))

    def on_turn_drafted(self, msg: TurnDrafted) -> None:
        done = msg.done
        self.last = done
        if self.working.get(done.member_id) == done.segment:
            del self.working[done.member_id]
        if done.skipped:
            self.notes[done.member_id] = done.skipped
        self.show_rows()

    # --- the view -------------------------------------------------------------------------
    def show_rows(self) -> None:
        s = self.session
        rows = pending_rows(s)
        out = Text()
        shown = False
        for member_id, name in zip(s.member_ids, s.timekeeper.members, strict=True):
            to_do, approved, suggested = rows.get(member_id, (0, 0, 0))
            work_on = self.working.get(member_id)
            note = self.notes.get(member_id)
            if not (to_do or approved or suggested or work_on or note):
                continue
            shown = True
            out.append(f"{name:<10}", style="bold")
            parts: list[tuple[str, str]] = []
            if work_on:
                parts.append(("drafting…" if work_on == "contracts" else "hearing report…",
                              "dark_orange"))
            if suggested:
                parts.append((f"{suggested} report-back to confirm", "yellow"))
            if to_do:
                parts.append((f"{to_do} draft{'s' if to_do != 1 else ''} to approve", "yellow"))
            if approved:
                parts.append((f"✔ {approved} approved", "green"))
            if note and not parts:
                parts.append((note, "grey62"))
            for n, (text, style) in enumerate(parts):
                out.append(" · " if n else " ", style="grey62")
                out.append(text, style=style)
            out.append("\n")
        out.append("a: approve, edit or delete", style="grey62")
        parent = self.parent
        if parent is not None:
            cast(Static, parent).display = shown
        self.update(out)
