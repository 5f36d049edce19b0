"""The timekeeper's view during the meeting: clock, turn countdown, talk time, recording.

A timer reads the session a few times a second; nothing here waits for a
model. The live transcription model loads in a worker thread and its
segments arrive as `SegmentTranscribed` messages.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, RichLog, Static

from assistant.core.errors import PMCError
from assistant.core.meeting.timekeeper import fmt_seconds
from assistant.core.speech.types import SpeechSegment
from assistant.core.store.store import REPORT_STATUSES, ContractItem
from assistant.services.session import mark_report_back
from assistant.tui.messages import LiveModelLoaded, RecorderFailed, SegmentTranscribed
from assistant.tui.screens.base import BaseScreen
from assistant.tui.widgets.bars import STATE_STYLE, CountdownBar, LevelMeter, TalkTime
from assistant.tui.widgets.live_drafts import DraftsPanel

STATUS_LABEL = {"done": "done", "partial": "partly done", "not_done": "not done",
                "dropped": "dropped", "carried_over": "carried over"}
TICK = 0.2  # seconds between screen updates
# The footer fits 80 columns: paired keys share a label, the transcript toggle and Ctrl+Q
# (which asks first during a meeting) are left to the help (?), and the palette hint goes.
TURN_KEYS = Binding.Group("Next/prev", compact=False)
MINUTE_KEYS = Binding.Group("1 min", compact=True)


class TranscriptLog(RichLog, can_focus=False):
    """The live transcript; never takes focus, so every key stays with the timekeeper."""


class TimekeeperScreen(BaseScreen):
    HELP = (
        "n / p: next / previous turn.  1-8: now speaking (open discussion, interjections).\n"
        "+ / -: one minute more / less for this turn.  Space: pause or resume (recording "
        "pauses too: nothing is recorded while paused).\n"
        "o: off the record (nothing is recorded until pressed again).\n"
        "w: consent — anyone can withdraw (recording stops at once) or consent again.\n"
        "t: show or hide the live transcript.  e: end the meeting.\n"
        "Each contracts turn is drafted as you move past it (report-back turns get suggested "
        "statuses); a: approve, edit or delete them while the member is still here.\n"
        "Report-back turns list the member's last contract: Up/Down choose an item, then "
        "d done, h partly done, x not done, r dropped, c carry over.\n"
        "The bar turns amber in a turn's last minute and red when it runs over; later turns "
        "shrink to keep the meeting on time. Talk time is shown in circle order against an "
        "equal share, never ranked.")
    BINDINGS = [
        Binding("n", "next", "Next", group=TURN_KEYS),
        Binding("p", "previous", "Prev", group=TURN_KEYS),
        Binding("space", "pause", "Pause"),
        Binding("plus,equals_sign", "adjust(1)", "+1 min", key_display="+", group=MINUTE_KEYS),
        Binding("minus", "adjust(-1)", "-1 min", key_display="-", group=MINUTE_KEYS),
        Binding("o", "off_record", "Off record"),
        Binding("w", "consent", "Consent"),
        Binding("t", "transcript", "Transcript", show=False),
        Binding("e", "end", "End"),
        Binding("a", "drafts", "Drafts", show=False),
        # Hides the app's Ctrl+Q from this footer only; the app's binding still runs (a
        # priority binding is looked up from the app down) and the help lists it.
        Binding("ctrl+q", "app.quit", "", show=False, priority=True),
        *[Binding(str(i), f"speaking({i - 1})", f"Now speaking: member {i}", show=False)
          for i in range(1, 9)],
        Binding("up", "rb_move(-1)", "Previous item", show=False),
        Binding("down", "rb_move(1)", "Next item", show=False),
        Binding("d", "report('done')", "Done", show=False),
        Binding("h", "report('partial')", "Partly done", show=False),
        Binding("x", "report('not_done')", "Not done", show=False),
        Binding("r", "report('dropped')", "Dropped", show=False),
        Binding("c", "report('carried_over')", "Carry over", show=False),
    ]

    def __init__(self, record: bool) -> None:
        super().__init__()
        self.record = record
        self.transcript: list[tuple[float, float, str, str]] = []  # (start, end, who, text)
        self._erased_seen: list[tuple[float, float]] = []
        self.rb_index = 0
        self._rb_cache: dict[int, list[ContractItem]] = {}
        self._rb_statuses: dict[int, str] | None = None
        self.live_status = ""
        self.record_error: str | None = None
        self._under_dialog: tuple[str, ...] = ()  # what a dialog on top last showed of us

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="recbar"):
            yield Static(id="rec-state")
            yield LevelMeter(id="level")
            yield LevelMeter(id="call-level")  # a video circle's call track
            yield Static(id="rec-extra")
        yield Static(id="clockbar")
        with Vertical(id="turn-box"):
            yield Static(id="turn-who")
            yield CountdownBar(id="countdown")
            yield Static(id="turn-next")
        with Horizontal(id="lower"):
            with Vertical(id="talk-box"):
                yield TalkTime(id="talk")
            with Vertical(id="side"):
                yield Static(id="agenda")
                with Vertical(id="drafts-box"):
                    yield DraftsPanel(id="drafts")
                with Vertical(id="rb-box"):
                    yield Static(id="rb-items")
                with Vertical(id="transcript-box"):
                    yield TranscriptLog(id="transcript", wrap=True, markup=False, min_width=20)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.circle.name} · meeting {self.session.meeting.id}"
        self.query_one("#talk-box").border_title = "Talk time vs equal share"
        self.query_one("#transcript-box").border_title = "Live transcript"
        self.query_one("#agenda").border_title = "Agenda"
        self.query_one("#drafts-box").border_title = "Drafted during the meeting"
        self.query_one("#drafts-box").display = False
        source = call = None
        record = self.record
        if record and self.pmc.source_factory is not None:
            source = self.pmc.source_factory()
        if record and self.pmc.call_source_factory is not None:
            call = self.pmc.call_source_factory()
        try:
            self.session.start(record=record, source=source, call_source=call,
                               on_error=self._recorder_error)
        except PMCError as exc:
            # No microphone is no reason to stop the meeting: keep time, say why.
            self.record_error = str(exc)
            self.record = False
            self.session.start(record=False)
            self.notify(f"{exc} — continuing with timekeeping only.", severity="error",
                        timeout=10)
        if self.session.call_recorder is not None:
            self.notify("Recording the room and the call as two tracks. Timekeeper: wear "
                        "headphones, or the microphone records the call a second time.",
                        timeout=10)
        if self.session.continued is not None:
            self._say_continued()
        if self.record:
            self.live_status = "loading live transcription…"
            self.load_live()
        else:
            self.query_one("#transcript-box").display = False
        self.set_interval(TICK, self.tick)  # keeps firing under dialogs (see tick)
        self.tick()

    def _say_continued(self) -> None:
        """Where an interrupted meeting went on, how long it was down, what was recorded."""
        from assistant.services.resume import fmt_audio

        s = self.session
        info, tk = s.continued, s.timekeeper
        assert info is not None
        cur, seg = tk.current, tk.segment()
        where = "" if cur is None or seg is None else (
            f" in {seg.title}, " + ("open discussion" if cur.member is None
                                    else f"{tk.members[cur.member]}'s turn"))
        down = ("" if info.down_s is None else
                f" It was stopped for {fmt_audio(info.down_s)}: that time is not meeting time.")
        if not self.record:
            rec = " Timekeeping only, as before."
        else:
            rec = " Recording goes on into the same meeting."
            missing = s.consent.missing()
            if missing:
                rec += (" Not recording until they consent again (w): "
                        f"{', '.join(p.name for p in missing)}.")
        self.notify(f"Meeting {s.meeting.id} goes on at {fmt_seconds(info.stopped_at)}"
                    f"{where}.{down}{rec}", title="Continued", timeout=20)

    def _recorder_error(self, msg: str) -> None:
        self.post_message(RecorderFailed(msg))  # from the writer thread: post, never touch

    @work(thread=True, exclusive=True, group="live")
    def load_live(self) -> None:
        try:
            transcriber = self.session.transcriber or self.pmc.transcriber_factory()
        except Exception as exc:  # a missing model must not stop the meeting
            msg = str(exc) if isinstance(exc, PMCError) else exc.__class__.__name__
            self.post_message(RecorderFailed(f"live transcript unavailable: {msg}"))
            return
        def segment(seg: SpeechSegment) -> None:
            self.post_message(SegmentTranscribed(seg))

        def error(msg: str) -> None:
            self.post_message(RecorderFailed(msg))

        self.session.attach_live(transcriber, segment, on_error=error)
        self.post_message(LiveModelLoaded(getattr(transcriber, "name", "whisper")))
        try:  # the contracts pass's own model, before the first contracts turn needs it
            self.session.drafts.prepare(self.pmc.refiner_factory)
        except Exception:  # noqa: BLE001 - each contracts turn then hears with the live model
            self.session.drafts.prepare(lambda: None)

    # --- messages from workers ------------------------------------------------------
    def on_live_model_loaded(self, msg: LiveModelLoaded) -> None:
        self.live_status = "live"

    def on_recorder_failed(self, msg: RecorderFailed) -> None:
        if msg.error.startswith("recording stopped"):
            self.record_error = msg.error
        else:
            self.live_status = "no live transcript"
        self.notify(msg.error, severity="error", timeout=10)

    def on_segment_transcribed(self, msg: SegmentTranscribed) -> None:
        seg = msg.segment
        if self.session.is_erased(seg.start, seg.end):
            return  # a member asked for this to be deleted; the live pass was behind
        mid = (seg.start + seg.end) / 2
        tk = self.session.timekeeper
        who = "?"
        for e in tk.turn_log():
            if e.start <= mid <= e.end:
                who = tk.member_name(e.member)
                break
        self.transcript.append((seg.start, seg.end, who, seg.text))
        self.query_one("#transcript", RichLog).write(self._line(seg.start, who, seg.text))

    @staticmethod
    def _line(start: float, who: str, text: str) -> Text:
        return Text.assemble((f"{fmt_seconds(start)} ", "grey62"), (f"{who}: ", "bold"), text)

    def _drop_erased(self) -> None:
        """Take lines inside newly erased spans off the live transcript (and out of memory)."""
        s = self.session
        self._erased_seen = list(s.erased)
        kept = [t for t in self.transcript if not s.is_erased(t[0], t[1])]
        if len(kept) == len(self.transcript):
            return
        self.transcript = kept
        log = self.query_one("#transcript", RichLog)
        log.clear()
        for start, _end, who, text in kept:
            log.write(self._line(start, who, text))

    # --- the view -------------------------------------------------------------------
    def tick(self) -> None:
        self.update_view()
        self.session.save_clock_if_due()  # so a crash can go on from here
        stack = self.app.screen_stack
        if self not in stack or stack[-1] is self:
            return
        # Dialogs are open on top. Each one draws the screen under it as its background
        # and keeps that drawing until it is itself repainted, so the updates above would
        # not show (the clock looked frozen). Repainting is costly (every dialog tints
        # its background again), so only when the clock or the recording state changed:
        # about once a second. (Repainting only their regions left the tint uneven.)
        shown = (str(self.query_one("#clockbar", Static).content),
                 str(self.query_one("#rec-state", Static).content),
                 str(self.query_one("#rec-extra", Static).content),
                 str(self.session.is_recording), str(self.session.timekeeper.pos))
        if shown == self._under_dialog:
            return
        self._under_dialog = shown
        for screen in stack[stack.index(self) + 1:]:
            screen.refresh()

    def update_view(self) -> None:
        s = self.session
        if s.erased != self._erased_seen:
            self._drop_erased()
        tk = s.timekeeper
        rec = s.recorder
        state = self.query_one("#rec-state", Static)
        extra = ""
        if self.record_error:
            state.update(Text("✖ NOT RECORDING", style="bold red"))
            extra = self.record_error
        elif rec is None:
            state.update(Text("○ Timekeeping only", style="grey70"))
            extra = "no microphone"
        elif tk.off_record:
            state.update(Text("◌ OFF THE RECORD", style="bold dark_orange"))
            extra = "nothing is recorded (o to resume)"
        elif tk.paused and not tk.finished:
            state.update(Text("‖ PAUSED", style="bold dark_orange"))
            extra = "nothing is recorded while paused (Space resumes)"
        elif not s.consent.all_consented():
            state.update(Text("■ NOT RECORDING", style="bold dark_orange"))
            extra = "waiting for consent: " + ", ".join(p.name for p in s.consent.missing())
        elif not s.is_recording:  # never a red dot while nothing is written
            state.update(Text("■ NOT RECORDING", style="bold dark_orange"))
            extra = "recording has stopped"
        else:
            state.update(Text("● REC", style="bold red"))
        call = s.call_recorder
        lost = s.track_lost()
        if lost and not self.record_error:
            # The meeting goes on: say which track is silent and why (checked every tick).
            tracks = [t for t in ("room", "call") if t in lost]
            state.update(Text(f"✖ {' and '.join(tracks).upper()} TRACK LOST",
                              style="bold red"))
            extra = "; ".join(f"{t}: {lost[t]}, waiting for it to return" for t in tracks)
        self.query_one("#level", LevelMeter).show(rec.level if rec else 0.0, s.is_recording)
        self.query_one("#call-level", LevelMeter).show(call.level if call else 0.0,
                                                       s.is_recording)
        self.query_one("#call-level").display = call is not None
        if rec is not None and not extra:
            extra = f"dropped {rec.dropped_blocks}"
            if call is not None:
                extra = f"room dropped {rec.dropped_blocks} · call dropped {call.dropped_blocks}"
            if s.live is not None:
                behind = s.live.behind_s
                extra += f" · live {behind:.0f} s behind" if behind >= 1 else " · live"
            elif self.live_status:
                extra += f" · {self.live_status}"
        self.query_one("#rec-extra", Static).update(extra)
        self.query_one("#level").display = rec is not None

        self.query_one("#clockbar", Static).update(
            f"Meeting {fmt_seconds(tk.now())}   planned end {fmt_seconds(tk.planned_total)}"
            f"   projected end {fmt_seconds(tk.projected_end())}")

        box = self.query_one("#turn-box")
        cur = tk.current
        seg = tk.segment()
        if cur is None or seg is None:
            box.border_title = "Meeting ended"
            return
        n_seg = [a.id for a in tk.agenda].index(seg.id) + 1
        paused = "  ‖ PAUSED" if tk.paused else ""
        box.border_title = (f"{seg.title} ({n_seg}/{len(tk.agenda)}) · "
                            f"{fmt_seconds(max(0.0, tk.segment_remaining()))} left in segment"
                            f"{paused}")
        rem = tk.turn_remaining()
        st = tk.turn_state()
        when = f"{fmt_seconds(rem)} left" if rem > 0 else f"{fmt_seconds(-rem)} over"
        owner = tk.member_name(cur.member)
        num = "" if cur.member is None else f"{cur.member + 1} "
        self.query_one("#turn-who", Static).update(Text.assemble(
            (f"{num}{owner}", "bold"), "   ", (when, f"bold {STATE_STYLE[st]}"),
            (f"   of {fmt_seconds(tk.allotted(tk.pos))}", "grey62")))
        self.query_one("#countdown", CountdownBar).show(tk.turn_progress(), st)
        nxt = tk.next_up()
        speaking = tk.member_name(tk.speaker) if tk.speaker is not None else "—"
        if nxt is None:
            after = "last turn"
        else:
            nseg = next(a.title for a in tk.agenda if a.id == nxt.segment)
            after = f"{tk.member_name(nxt.member)} ({nseg})"
        self.query_one("#turn-next", Static).update(
            f"Speaking: {speaking}   Next: {after}")
        self.query_one("#talk", TalkTime).show(tk.members, tk.talk_times(), tk.fair_share(),
                                               tk.speaker)
        self.update_agenda()
        self.update_report_back()

    def update_agenda(self) -> None:
        tk = self.session.timekeeper
        cur = tk.current
        out = Text()
        passed = True
        for seg in tk.agenda:
            ks = tk.segment_turns(seg.id)
            planned = sum(tk.allotted(k) for k in ks)
            if cur is not None and cur.segment == seg.id:
                passed = False
                out.append(f"▶ {seg.title:<14}", style="bold")
                out.append(f"{fmt_seconds(planned):>6} planned\n")
            elif passed:
                used = sum(tk.plan[k].used for k in ks)
                out.append(f"✔ {seg.title:<14}", style="grey62")
                out.append(f"{fmt_seconds(used):>6} taken\n", style="grey62")
            else:
                out.append(f"  {seg.title:<14}{fmt_seconds(planned):>6} planned\n")
        out.rstrip()
        self.query_one("#agenda", Static).update(out)

    # --- report-back ----------------------------------------------------------------
    def rb_items(self) -> list[ContractItem]:
        tk = self.session.timekeeper
        cur = tk.current
        if cur is None or cur.segment != "report_back" or cur.member is None:
            return []
        mid = self.session.member_ids[cur.member]
        if mid not in self._rb_cache:
            m = self.session.meeting
            self._rb_cache[mid] = self.pmc.store.open_items_before(
                self.session.circle, mid, m.date, exclude=m.id)
        return self._rb_cache[mid]

    def update_report_back(self) -> None:
        box = self.query_one("#rb-box")
        tk = self.session.timekeeper
        cur = tk.current
        in_rb = cur is not None and cur.segment == "report_back" and cur.member is not None
        box.display = in_rb
        if not in_rb or cur is None or cur.member is None:
            return
        items = self.rb_items()
        name = tk.members[cur.member]
        box.border_title = f"{name}'s last contract"
        if not items:
            self.query_one("#rb-items", Static).update(
                Text("No contract from the last meeting.", style="grey62"))
            return
        self.rb_index = min(self.rb_index, len(items) - 1)
        if self._rb_statuses is None:  # read once, not on every tick
            self._rb_statuses = {r.item_id: r.status for r in self.pmc.store.report_back(
                self.session.meeting.id) if r.confirmed}
        statuses = self._rb_statuses
        out = Text()
        for i, item in enumerate(items):
            sel = i == self.rb_index
            out.append("▶ " if sel else "  ", style="bold")
            out.append(item.text, style="bold" if sel else "")
            status = statuses.get(item.id)
            out.append(f"  [{STATUS_LABEL[status]}]" if status else "  [not marked]",
                       style="green" if status else "grey62")
            out.append("\n")
        out.append("d done · h partly · x not done · r dropped · c carry over",
                   style="grey62")
        self.query_one("#rb-items", Static).update(out)

    def action_rb_move(self, step: int) -> None:
        items = self.rb_items()
        if items:
            self.rb_index = (self.rb_index + step) % len(items)
            self.update_report_back()

    def action_report(self, status: str) -> None:
        assert status in REPORT_STATUSES
        items = self.rb_items()
        if not items:
            return
        item = items[min(self.rb_index, len(items) - 1)]
        mark_report_back(self.pmc.store, self.session.meeting, item, status)
        self._rb_statuses = None
        if self.rb_index + 1 < len(items):
            self.rb_index += 1
        self.update_report_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rb_move", "report"):
            return bool(self.is_mounted and self.rb_items())
        if action == "consent":
            return self.record
        if action in ("transcript", "drafts"):
            return self.session.recorder is not None
        return True

    # --- timekeeping actions --------------------------------------------------------
    def _act(self, fn: Callable[[], None]) -> None:
        pos = self.session.timekeeper.pos
        self.session.act(fn)
        if self.session.timekeeper.pos != pos:
            self.rb_index = 0
            self.query_one(DraftsPanel).turn_left(self.session.timekeeper, pos)
        self.tick()
        self.refresh_bindings()
        if self.session.timekeeper.finished:
            self._go_to_end()

    def action_next(self) -> None:
        if self.session.timekeeper.next_up() is None:
            self.action_end()  # the last turn: ending is asked, never a stray key
            return
        self._act(self.session.timekeeper.next_turn)

    def action_previous(self) -> None:
        self._act(self.session.timekeeper.previous_turn)

    def action_pause(self) -> None:
        self._act(self.session.timekeeper.toggle_pause)

    def action_adjust(self, minutes: int) -> None:
        tk = self.session.timekeeper
        self._act(lambda: tk.adjust(minutes))

    def action_speaking(self, index: int) -> None:
        tk = self.session.timekeeper
        if index < len(tk.members):
            self._act(lambda: tk.speaking(index))
        else:  # a number nobody present has (an absent member's, or beyond the circle)
            here = ", ".join(f"{n + 1} {name}" for n, name in enumerate(tk.members))
            self.notify(f"No one present is number {index + 1}; present: {here}.",
                        severity="warning")

    def action_off_record(self) -> None:
        s = self.session
        s.set_off_record(not s.timekeeper.off_record)
        self.notify("Off the record: nothing is recorded." if s.timekeeper.off_record
                    else "Back on the record.")
        self.tick()

    def action_consent(self) -> None:
        from assistant.tui.screens.modals import ConsentModal

        self.app.push_screen(ConsentModal(), lambda _r: self.tick())

    def action_drafts(self) -> None:
        from assistant.tui.screens.live_drafts import LiveDraftsModal

        self.app.push_screen(LiveDraftsModal(), lambda _r: self.query_one(DraftsPanel).show_rows())

    def action_transcript(self) -> None:
        box = self.query_one("#transcript-box")
        box.display = not box.display

    def action_end(self) -> None:
        from assistant.tui.screens.modals import ConfirmModal

        def done(yes: bool | None) -> None:
            if yes:
                self.session.end()
                self._go_to_end()

        self.app.push_screen(ConfirmModal("End the meeting now?",
                                          "Recording stops; transcription and drafting "
                                          "start."), done)

    def _go_to_end(self) -> None:
        from assistant.tui.screens.end import EndScreen

        s = self.session
        if not s.timekeeper.finished or s.recorder is not None and s.recorder.recording:
            s.end()
        self.app.switch_screen(EndScreen(s.meeting.id, s))
