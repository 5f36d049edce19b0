"""One live meeting's moving parts, wired together without any UI.

A `MeetingSession` owns the timekeeper, the consent ledger, the recorder and
the live transcriber of one stored meeting, and keeps the store up to date as
the meeting goes: turns are appended as each one closes (so a crash loses at
most the turn in progress), audio chunks are listed as the recorder opens and
closes them, consent events are written before they take effect. Recording
runs only while everyone present consents and the meeting is on the record.

A circle meeting by phone or video has two tracks: the room (`recorder`) and the call
(`call_recorder`, the output device's monitor), each its own Recorder and chunk stream in the
meeting's folder. Every switch (consent, off the record, the end) acts on both, and the live
transcript hears both.

The session also keeps what drafting during the meeting and a quick end need: the last
minutes of each track in memory (`tails`), every live transcript segment (`live_segments`)
and where each track's live pass began; `drafts` (services/live_drafts.py) drafts each
contracts turn as the timekeeper moves past it.

A meeting an interruption stopped (a crash, a quit, a signal) can go on where it stopped
(`MeetingSession.go_on`): the clock's state is saved with every turn and every few seconds
(`save_clock`, assistant/core/meeting/clockstate.py), the turns and the consent ledger are
in the store, and the recorder numbers its new chunks after the old ones. The meeting clock
continues from the time it stopped at; the time the app was down is not meeting time.

Nothing here imports Textual; screens call these methods and read its state.
The chunk files and their listing belong to assistant/core/audio/chunks.py, shared
with `pmc meeting resume`; its helpers are imported here for the screens.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.audio.chunks import (
    erased_spans,
    meeting_audio,
    meeting_audio_dir,
    save_chunk,
)
from assistant.core.audio.chunks import recover_meeting as recover_meeting  # for the home screen
from assistant.core.audio.chunks import stored_chunks as stored_chunks  # for the tests
from assistant.core.audio.recorder import (
    RATE,
    AudioSource,
    ChunkInfo,
    ChunkNumbers,
    Recorder,
)
from assistant.core.audio.tail import AudioTail
from assistant.core.errors import PMCError
from assistant.core.meeting.clockstate import ClockState
from assistant.core.meeting.consent import ConsentLedger
from assistant.core.meeting.timekeeper import LoggedTurn, Timekeeper, fmt_seconds
from assistant.core.privacy import crypto, erase, retention
from assistant.core.privacy.erase import Erased, Span
from assistant.core.speech.live import LiveTranscriber
from assistant.core.speech.types import SpeechSegment, Transcriber
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Circle, ContractItem, Meeting, Member, Store

CLOCK_SAVE_EVERY = 2.0  # meeting seconds between saves of the clock between key presses

# --- meetings and their audio ---------------------------------------------------------


def unfinished_meetings(store: Store) -> list[tuple[Circle, Meeting]]:
    """Live meetings still 'open': the app or machine stopped before they were processed."""
    out = []
    for circle in store.circles():
        for m in store.meetings(circle):
            if m.source == "live" and m.status == MeetingStatus.OPEN:
                out.append((circle, m))
    return out


def _saved(store: Store, meeting_id: int) -> tuple[dict[str, Any], float | None]:
    """The session's last saved state (the clock and what goes with it) and when."""
    row = store.clock_state(meeting_id)
    if row is None:
        return {}, None
    return json.loads(row[0]), row[1]


def _clock(data: dict[str, Any]) -> ClockState | None:
    return ClockState.from_dict(data["clock"]) if "clock" in data else None


def can_go_on(store: Store, meeting: Meeting) -> bool:
    """Whether an unfinished live meeting may go on: it was interrupted, not ended with End
    (a meeting ended on purpose is only recovered and processed), and had someone present."""
    state = _clock(_saved(store, meeting.id)[0])
    return (state is None or not state.ended) and bool(store.attendees(meeting.id))


def where_it_stopped(store: Store, circle: Circle, meeting: Meeting) -> str:
    """'at 12:05 in Contracts, Tom's turn' for an interrupted meeting (reads only)."""
    data, _at = _saved(store, meeting.id)
    present = store.attendees(meeting.id)
    if not present:
        return "before it started"
    tk = Timekeeper(circle.agenda, [m.name for m in present], lambda: 0.0)
    log = _stored_log(store, meeting.id, [m.id for m in present])
    state = _clock(data)
    stopped = max([e.end for e in log] + [state.elapsed if state else 0.0])
    tk.resume_from(state, log, stopped)
    turn = tk.plan[tk.pos]
    title = next(a.title for a in tk.agenda if a.id == turn.segment)
    who = "open discussion" if turn.member is None else f"{tk.members[turn.member]}'s turn"
    return f"at {fmt_seconds(stopped)} in {title}, {who}"


def _stored_log(store: Store, meeting_id: int, member_ids: list[int]) -> list[LoggedTurn]:
    """The stored turns as the timekeeper logged them (member indexes among those present)."""
    index = {mid: i for i, mid in enumerate(member_ids)}
    off = set(store.off_record_turns(meeting_id))
    return [LoggedTurn(None if t.member_id is None else index.get(t.member_id), t.segment,
                       t.start, t.end, t.idx in off) for t in store.turns(meeting_id)]


@dataclass(frozen=True)
class Continued:
    """How an interrupted meeting went on, for the screen to say."""

    stopped_at: float  # meeting seconds where it had stopped: the clock goes on from there
    down_s: float | None  # how long it was stopped, in seconds (None: not known)
    record: bool  # it was recording: recording goes on into the same meeting
    chunks: int  # audio chunks recorded before, recovered


# --- the session ----------------------------------------------------------------------------


class MeetingSession:
    def __init__(self, store: Store, circle: Circle, meeting: Meeting, present: list[Member],
                 clock: Callable[[], float], wall: Callable[[], float] = time.time) -> None:
        self.store = store
        self.wall = wall  # Unix seconds, to say how long an interrupted meeting was stopped
        self.continued: Continued | None = None  # set when this session goes on after one
        self._clock_saved = float("-inf")
        self.circle = circle
        self.meeting = meeting
        self.present = present
        self.member_ids = [m.id for m in present]
        self.timekeeper = Timekeeper(circle.agenda, [m.name for m in present], clock)
        self.consent = ConsentLedger.for_meeting(store, meeting.id)
        self.recorder: Recorder | None = None  # the room
        self.call_recorder: Recorder | None = None  # the call, when the circle meets by video
        self.live: LiveTranscriber | None = None
        self.call_live: LiveTranscriber | None = None
        self.transcriber: Transcriber | None = None
        self.want_recording = False
        self.errors: list[str] = []
        self.erased: list[Span] = []  # padded spans a member asked to delete (live filter)
        self._withdrawn_at: dict[int, float] = {}
        self._flushed = 0
        self._lock = threading.Lock()
        self._erase_lock = threading.Lock()  # one chunk rewriter at a time (erase, end)
        self._erasing = threading.Condition()
        self._pending_erasures = 0  # asked for on the UI thread, not yet done by a worker
        self.tails = {"room": AudioTail(), "call": AudioTail()}
        self.live_segments: list[SpeechSegment] = []  # both tracks, as the live pass hears them
        self.live_from: dict[str, float] = {}  # track -> meeting seconds its live pass began
        self._live_lock = threading.Lock()
        from assistant.services.live_drafts import LiveDrafts  # it reads this session back

        self.drafts = LiveDrafts(self)

    @classmethod
    def create(cls, store: Store, circle: Circle, present: list[Member],
               clock: Callable[[], float], today: dt.date) -> MeetingSession:
        next_meeting = today + dt.timedelta(days=circle.cadence_days)
        with store.tx():
            meeting = store.create_meeting(circle, today.isoformat(), next_meeting.isoformat(),
                                           "live", MeetingStatus.OPEN)
            everyone = store.members(circle)
            ids = {m.id for m in present}
            store.set_attendance(meeting.id, {m.id: m.id in ids for m in everyone})
        return cls(store, circle, meeting, present, clock)

    @classmethod
    def go_on(cls, store: Store, circle: Circle, meeting: Meeting, clock: Callable[[], float],
              wall: Callable[[], float] = time.time) -> MeetingSession:
        """Take up a live meeting that an interruption left open, where it stopped.

        Its audio is recovered first (whole samples, erasures silenced again); the clock's
        saved state, the stored turns and the consent ledger are taken up; the turn in
        progress when it stopped is closed there and saved. It stopped at the latest of the
        clock's last save, the last turn and the end of the recorded audio, and `start()`
        goes on from there (`continued` says where and how long it was down).
        """
        data, saved_at = _saved(store, meeting.id)
        state = _clock(data)
        if state is not None and state.ended:
            raise PMCError(f"meeting {meeting.id} was ended with End; it cannot go on "
                           "(recover it with r, or run `pmc meeting resume`)")
        chunks = recover_meeting(store, meeting.id)
        present = store.attendees(meeting.id)
        session = cls(store, circle, meeting, present, clock, wall=wall)
        log = _stored_log(store, meeting.id, session.member_ids)
        audio_end = max((c.start + c.frames / RATE for c in chunks), default=0.0)
        stopped = max([audio_end, state.elapsed if state else 0.0] + [e.end for e in log])
        session.timekeeper.resume_from(state, log, stopped)
        session._flushed = len(log)
        session.flush_turns()  # the turn in progress, closed where it stopped
        session._withdrawn_at = {int(k): float(v)
                                 for k, v in data.get("withdrawn_at", {}).items()}
        session.erased = erased_spans(store, meeting.id)
        down = None
        if saved_at is not None:
            ran_on = stopped - state.elapsed if state is not None else 0.0
            down = max(0.0, wall() - saved_at - ran_on)
        record = bool(data.get("record", bool(chunks)))
        session.continued = Continued(stopped, down, record, len(chunks))
        return session

    # --- recording --------------------------------------------------------------------
    @property
    def recorders(self) -> list[Recorder]:
        return [r for r in (self.recorder, self.call_recorder) if r is not None]

    def start(self, *, record: bool, source: AudioSource | None = None,
              call_source: AudioSource | None = None,
              on_error: Callable[[str], None] | None = None) -> None:
        """Start the meeting clock and, with `record`, the recorders (consent permitting):
        the room from `source`, and the call from `call_source` when there is one."""
        # A meeting that goes on had everyone's consent at its start; whoever withdrew
        # since keeps the recorder silent (recording_allowed) until they consent again.
        if record and not self.consent.all_consented() and self.continued is None:
            raise PermissionError("recording needs the consent of everyone present")
        self.timekeeper.start()
        # "Transcripts are deleted when the next meeting starts": this is that moment.
        retention.apply_due(self.store, dt.date.fromisoformat(self.meeting.date))
        if not record:
            self.save_clock()
            return
        self.want_recording = True
        self.save_clock()

        def chunk(info: ChunkInfo) -> None:
            save_chunk(self.store, self.meeting.id, info)

        def error(msg: str) -> None:
            self.errors.append(msg)
            if on_error is not None:
                on_error(msg)

        folder = meeting_audio_dir(self.meeting.id)
        numbers = ChunkNumbers(folder)  # one numbering for both tracks' chunk files
        cipher = crypto.home_cipher()  # an encrypted home seals every chunk as it is written
        recorder = Recorder(folder, source=source, on_audio=self._on_audio, on_chunk=chunk,
                            on_error=error, start_offset=self.timekeeper.now(), cipher=cipher,
                            numbers=numbers)
        call = None
        if call_source is not None:
            call = Recorder(folder, source=call_source, on_audio=self._on_call_audio,
                            on_chunk=chunk, on_error=error, start_offset=self.timekeeper.now(),
                            cipher=cipher, track="call", numbers=numbers)
        try:
            recorder.start()
        except BaseException:
            self.want_recording = False  # the meeting goes on without the microphone
            raise
        if call is not None:
            try:
                call.start()
            except PMCError as exc:  # the room is recorded all the same; say what is missing
                call = None
                error(f"call audio not recorded: {exc}")
        self.recorder = recorder
        self.call_recorder = call
        self.sync_recording()

    def attach_live(self, transcriber: Transcriber, on_segment: Callable[[SpeechSegment], None],
                    on_error: Callable[[str], None] | None = None) -> None:
        """Start live transcription (once the model is loaded, off the UI thread)."""
        self.transcriber = transcriber

        def heard(seg: SpeechSegment) -> None:
            with self._live_lock:  # kept for the end of the meeting, which reuses them
                self.live_segments.append(seg)
            on_segment(seg)

        with self._lock:
            if self.live is None and self.recorder is not None and not self.timekeeper.finished:
                self.live = LiveTranscriber(transcriber, heard, on_error=on_error)
                if self.call_recorder is not None:  # the call's words are live too
                    self.call_live = LiveTranscriber(transcriber, heard, on_error=on_error)

    def _on_audio(self, block: np.ndarray, start_s: float) -> None:
        self.tails["room"].add(block, start_s)
        live = self.live
        if live is not None:
            self.live_from.setdefault("room", start_s)
            live.feed(block, start_s)

    def _on_call_audio(self, block: np.ndarray, start_s: float) -> None:
        self.tails["call"].add(block, start_s)
        live = self.call_live
        if live is not None:
            self.live_from.setdefault("call", start_s)
            live.feed(block, start_s)

    def heard_live(self) -> list[SpeechSegment]:
        """Every segment the live pass delivered so far (any thread)."""
        with self._live_lock:
            return list(self.live_segments)

    def recent_audio(self, start: float, end: float) -> list[tuple[float, np.ndarray]]:
        """Recorded audio of both tracks between two meeting times, from memory; what a
        member asked to delete is silent (any thread)."""
        erased = list(self.erased)
        return [p for tail in self.tails.values() for p in tail.pieces(start, end, erased)]

    @property
    def recording_allowed(self) -> bool:
        # Paused means paused: nothing is recorded, so no speech is left without a turn.
        return (self.want_recording and self.consent.all_consented()
                and not self.timekeeper.off_record and not self.timekeeper.paused
                and not self.timekeeper.finished)

    @property
    def is_recording(self) -> bool:
        """True while sound is actually being written to disk (on either track)."""
        return any(rec.recording and rec.on_record for rec in self.recorders)

    def track_lost(self) -> dict[str, str]:
        """Track name -> why it records nothing now (its device went away); UI thread."""
        return {r.track: lost for r in self.recorders if (lost := r.lost)}

    def sync_recording(self) -> None:
        allowed = self.recording_allowed
        for rec in self.recorders:
            rec.set_on_record(allowed)

    def _silence_all(self) -> None:
        for rec in self.recorders:
            rec.set_on_record(False)

    def set_off_record(self, off: bool) -> None:
        # Stop both tracks first, then log: never a moment recorded that should not be.
        if off:
            self._silence_all()
        self.timekeeper.set_off_record(off)
        self.sync_recording()
        self.save_turns()

    def set_consent(self, member_id: int, granted: bool) -> None:
        if not granted:
            self._silence_all()
        if granted:
            self.consent.grant(member_id)
        else:
            self.consent.withdraw(member_id)
            self._withdrawn_at[member_id] = self.timekeeper.now()
            if self.timekeeper.started and not self.timekeeper.finished:
                self.save_clock()  # when: what a later Delete erases up to
        self.sync_recording()

    # --- deleting what a member said (after withdrawing consent) ----------------------
    def spans_to_erase(self, member_id: int) -> list[Span]:
        """The member's turns up to their withdrawal, the open one included (UI thread).

        From now on live transcript segments there are dropped (`is_erased`).
        """
        until = self._withdrawn_at.get(member_id, self.timekeeper.now())
        idx = self.member_ids.index(member_id)
        spans = [(e.start, min(e.end, until)) for e in self.timekeeper.turn_log()
                 if e.member == idx and not e.off_record and e.start < until]
        self.erased = erase.merge([*self.erased, *erase.merge(spans, erase.PAD)])
        with self._erasing:
            self._pending_erasures += 1
        return spans

    def is_erased(self, start: float, end: float) -> bool:
        """Whether a live segment belongs to an erased span: its middle lies there (it is
        attributed by its middle, so a neighbour's words reaching into the pad stay)."""
        mid = (start + end) / 2
        return any(a <= mid <= b for a, b in self.erased)

    def erase_member(self, member_id: int, spans: list[Span],
                     seal_timeout: float = 5.0) -> Erased:
        """Delete the member's earlier speech in this meeting: audio, transcript, quotes.

        Blocking (call from a worker thread). The recorder stopped at the withdrawal; its
        last chunk is sealed as soon as the next (unrecorded) block arrives, so that is
        awaited. A chunk still open after `seal_timeout` is silenced by `end`.
        """
        member = next(m for m in self.present if m.id == member_id)
        until = max((b for _a, b in spans), default=0.0)
        try:
            with self._erase_lock:
                open_now = self._open_chunks(until, seal_timeout)
                return erase.erase_member(self.store, self.meeting.id, member, spans=spans,
                                          reason="withdrawal", exclude=open_now)
        finally:
            with self._erasing:
                self._pending_erasures = max(0, self._pending_erasures - 1)
                self._erasing.notify_all()

    def wait_erasures(self, timeout: float | None = None) -> bool:
        """Block until every erasure asked for is done (before the audio is transcribed)."""
        with self._erasing:
            return self._erasing.wait_for(lambda: self._pending_erasures == 0, timeout)

    def _open_chunks(self, until: float, timeout: float) -> set[Path]:
        """Chunk files the recorder still writes that began before `until`, once the
        recorder has had `timeout` seconds to seal them."""
        recs = self.recorders
        if not recs:
            return set()
        deadline = time.monotonic() + timeout
        while True:
            busy = {c.path for rec in recs for c in rec.chunks
                    if not c.closed and c.start < until}
            if not busy or time.monotonic() >= deadline:
                return busy
            time.sleep(0.02)

    # --- turns ------------------------------------------------------------------------
    def flush_turns(self) -> None:
        """Append the turns closed since the last flush to the store."""
        log = self.timekeeper.log
        new = log[self._flushed:]
        if not new:
            return
        rows = [(None if e.member is None else self.member_ids[e.member], e.segment, e.start,
                 e.end) for e in new]
        self.store.add_turns(self.meeting.id, rows, [e.off_record for e in new])
        self._flushed = len(log)

    def save_clock(self) -> None:
        """Save the clock's state, so an interrupted meeting can go on (see `go_on`)."""
        data = {"clock": self.timekeeper.state().to_dict(), "record": self.want_recording,
                "withdrawn_at": {str(k): v for k, v in self._withdrawn_at.items()}}
        self.store.save_clock(self.meeting.id, json.dumps(data), self.wall())
        self._clock_saved = self.timekeeper.now()

    def save_clock_if_due(self) -> None:
        """Between key presses, the clock's state every few seconds (the screen's tick)."""
        tk = self.timekeeper
        if tk.started and not tk.finished and tk.now() - self._clock_saved >= CLOCK_SAVE_EVERY:
            self.save_clock()

    def save_turns(self) -> None:
        """The turns closed since the last save and the clock's state, in one transaction
        (a crash leaves both or neither: going on never logs a turn twice)."""
        with self.store.tx():
            self.flush_turns()
            self.save_clock()

    def act(self, action: Callable[[], None]) -> None:
        """Run a timekeeper action, start or stop recording as it says, save closed turns."""
        action()
        self.sync_recording()  # a pause stops the recorder, resuming starts it again
        self.save_turns()

    # --- ending -----------------------------------------------------------------------
    def end(self, interrupted: bool = False) -> None:
        """Stop the clock and the recorder; everything said so far is on disk and listed.

        `interrupted`: the app is quitting mid-meeting (Ctrl+Q, a signal), not ending it,
        so the meeting may go on later (`go_on`)."""
        self.timekeeper.end(interrupted)
        self.save_turns()
        if self.recorders:
            self._silence_all()
            for rec in self.recorders:
                for c in rec.close():
                    save_chunk(self.store, self.meeting.id, c)
            if self.erased:
                with self._erase_lock:  # every chunk is sealed now: finish any erasure
                    erase.reapply(self.store, self.meeting.id)
        self.store.set_meeting_status(self.meeting.id, MeetingStatus.OPEN,
                                      self.timekeeper.now())

    def finish_live(self) -> None:
        """Let live transcription catch up (blocking: call from a worker thread)."""
        for live in (self.live, self.call_live):
            if live is not None:
                live.finish()

    def audio(self) -> list[tuple[float, np.ndarray]]:
        return meeting_audio(self.store, self.meeting.id)


def mark_report_back(store: Store, meeting: Meeting, item: ContractItem, status: str) -> None:
    """Confirm what became of an earlier contract item; carrying over drafts it again."""
    store.set_report_back(meeting.id, item.id, status, confirmed=True)
    carried = [i for i in store.items(meeting.id, item.member_id) if i.carried_from == item.id]
    if status == "carried_over":
        if not carried:
            store.add_item(meeting.id, item.member_id, item.text, due=meeting.next_meeting,
                           tentative=item.tentative, origin="carry", carried_from=item.id)
    else:
        for i in carried:  # changed their mind: the carried copy goes
            store.set_item_status(i.id, "deleted")
