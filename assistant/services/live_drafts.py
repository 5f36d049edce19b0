"""Drafting during the meeting, and an end of meeting that reuses it.

When the timekeeper moves past a member's contracts turn, a worker (the UI's) calls
`LiveDrafts.contracts_turn`: the turn's audio, still in memory (`MeetingSession.tails`),
is heard again with the contracts second pass (`processing.refine_contracts`, primed with
the member's earlier words), drafted (`processing.analyse_member`) and written in one
transaction (`processing.write_member`, `replace`: a turn said again replaces the drafts
nobody approved yet). After a report-back turn, `report_back_turn` hears it again the same
way (primed with the member's previous contracts) and writes the suggested statuses,
unconfirmed, for the timekeeper to confirm.

A member's contract is drafted from all their contracts turns heard so far, as the end of
the meeting would: their own planned turn, and what they added in someone else's (an
interjection, a turn split by a question). Only a turn said again (the same `key`: the
timekeeper went back to it) replaces the words it said before. The words go through the
same vocabulary repair as the stored transcript (`processing.repair_words`).

One turn at a time (the local LLM is not shared between threads); the UI counts a turn as
pending before its worker starts, and the end of the meeting waits for them (`finish`), but
never more than END_WAIT seconds: then it closes them (a turn still being drafted writes
nothing) and hears those turns itself, as it does any contracts turn not drafted yet.

At the end, `heard_at_end` gives the processing flow what the meeting already heard: the
live transcript, plus a fresh pass over only what the live pass never heard (audio before
its model was loaded, windows it dropped or failed on), and the contracts and report-back
turns heard again during the meeting, which are not heard a third time. Without a live
transcript at all it gives None and the flow transcribes the whole recording, as after a
crash.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.core.audio import activity
from assistant.core.audio.chunks import meeting_audio
from assistant.core.audio.decode import RATE
from assistant.core.drafting import reportback
from assistant.core.drafting.attribution import PAUSE, TurnSpan, Utterance, attribute
from assistant.core.drafting.contracts import Drafter
from assistant.core.privacy import erase
from assistant.core.speech.types import SpeechSegment, Transcriber, at_beam
from assistant.services import processing

if TYPE_CHECKING:
    from assistant.services.session import MeetingSession

HEAR_PAD = 0.3  # seconds either side of a report-back turn (words are kept by turn anyway)
# At End, the longest wait for the turns still being drafted (a draft takes 3-10 s on an idle
# laptop, ~40 s on a loaded one): past it the end of the meeting drafts them itself.
END_WAIT = 60.0
# The beam of the second pass during the meeting. After it (import, End, resume) the pass
# decodes at the contract_beam_size setting; during it a draft must come within seconds,
# and beam 5 put the slowest at 15 s against 9 s (benchmarks/RESULTS.md, session 9).
LIVE_BEAM = 1
ENDED = "the meeting ended first; it is drafted with the rest"
NO_MODEL = "no live transcription (its model did not load); it is drafted after the meeting"


@dataclass
class TurnDone:
    """What one turn gave, for the screen: a past-tense fact, no widgets."""

    member_id: int
    segment: str  # "contracts" or "report_back"
    items: int = 0  # contract drafts written
    reports: int = 0  # report-back suggestions written
    skipped: str = ""  # why nothing was done (one line), if so
    seconds: float = 0.0  # from leaving the turn to the drafts being stored


@dataclass
class LiveDrafts:
    """One meeting's drafting during the meeting (owned by its MeetingSession)."""

    session: MeetingSession
    # store turn id -> the turn's words heard again (contracts) or heard (report-back)
    refined: dict[int, list[Utterance]] = field(default_factory=dict)
    report_heard: dict[int, list[Utterance]] = field(default_factory=dict)
    done: list[TurnDone] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._pending = 0
        self._one = threading.Lock()  # one turn at a time: one LLM, two cores
        self._drafter: Drafter | None = None
        self._refiner: Transcriber | None = None  # as built: the end of the meeting's
        self._live_refiner: Transcriber | None = None  # the same weights at LIVE_BEAM
        self._refiner_asked = False
        self._closed = False  # End went on without the turns still being drafted
        self._write = threading.Lock()  # a turn's writes, against `close`
        # member id -> key of each contracts turn drafted (the planned turn) -> its turn ids
        self._said: dict[int, dict[Hashable, frozenset[int]]] = {}

    # --- bookkeeping (any thread) -------------------------------------------------------
    def begin(self) -> None:
        """A turn will be drafted (UI thread, before its worker starts)."""
        with self._cond:
            self._pending += 1

    def _finished(self) -> None:
        with self._cond:
            self._pending = max(0, self._pending - 1)
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        with self._cond:
            return self._pending

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no turn is being drafted (the end of the meeting, a worker thread)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """No turn writes anything from now on (one writing now finishes first)."""
        with self._write:
            self._closed = True

    def finish(self, progress: Callable[[float], None] | None = None,
               limit: float = END_WAIT) -> bool:
        """At End (a worker thread): wait for the turns still being drafted, at most `limit`
        seconds, then `close`. True when every turn finished in time; otherwise those
        still running write nothing and the end of the meeting hears and drafts them
        (`heard_at_end`: any contracts turn not heard again yet). `progress` gets a
        fraction, the larger of the turns done and the time used, about twice a second."""
        began = time.monotonic()
        first = self.pending
        while True:
            left = self.pending
            used = time.monotonic() - began
            if progress is not None:
                progress(1.0 if not left else
                         max((first - left) / max(1, first), min(1.0, used / limit)))
            if not left or used >= limit:
                break
            self.wait(min(0.5, limit - used))
        self.close()
        return not left

    # --- turns --------------------------------------------------------------------------
    def spans(self, member_id: int, segment: str,
              entries: Sequence[tuple[float, float]]) -> list[TurnSpan]:
        """The stored turns for the timekeeper's log entries of one member's turn."""
        mine = [s for s in processing.spans_for(self.session.store, self.session.meeting.id)
                if s.member_id == member_id and s.segment == segment]
        return [s for s in mine if any(abs(s.start - a) < 1e-3 for a, _b in entries)]

    def _transcriber(self) -> Transcriber | None:
        return self.session.transcriber

    def _live_utterances(self) -> list[Utterance]:
        """The meeting so far as first heard: the live transcript, and the report-back turns
        heard on their own. Not the contracts turns heard again: as at the end, how far a
        turn reaches is judged from its neighbours' first-pass words (a neighbour's second
        pass may stretch over this turn's first word and cut it)."""
        s = self.session
        said = attribute(s.heard_live(), processing.spans_for(s.store, s.meeting.id))
        heard = self.report_heard
        said = [u for u in said if not (u.turn and u.turn.turn_id in heard)]
        return sorted(said + [u for us in heard.values() for u in us], key=lambda u: u.start)

    def _skip(self, spans: Sequence[TurnSpan]) -> str:
        s = self.session
        if self._closed:
            return ENDED
        if not spans:
            return "the turn was not logged"
        member_id = spans[0].member_id
        if member_id is not None and not s.consent.granted(member_id):
            return "consent withdrawn"
        if all(s.is_erased(t.start, t.end) for t in spans):
            return "deleted at the member's request"
        if spans[0].member_id is None:
            return "an open turn, no member's"
        return ""

    def _turn(self, segment: str, spans: Sequence[TurnSpan], left_at: float | None,
              body: Callable[[TurnDone, int, Transcriber], None]) -> TurnDone:
        """What every turn does around its `body` (a worker): one turn at a time, the
        reasons to do nothing, the time taken, and the pending count always given back."""
        left_at = time.monotonic() if left_at is None else left_at
        try:
            member_id = spans[0].member_id if spans else None
            done = TurnDone(member_id or 0, segment)
            with self._one:
                done.skipped = self._skip(spans)
                transcriber = self._transcriber()
                if not done.skipped and transcriber is None:
                    done.skipped = NO_MODEL
                if done.skipped or member_id is None or transcriber is None:
                    return done
                body(done, member_id, transcriber)
                if not done.skipped:
                    done.seconds = time.monotonic() - left_at
                    self.done.append(done)
                return done
        finally:
            self._finished()

    def _turn_audio(self, start: float, end: float) -> list[processing.Piece]:
        """A turn's audio from `start`, through a sentence still running on at its end
        (the key press came early): waits, on the worker, until the speaker pauses or
        attribution.SPILL seconds have passed, then the pad is recorded too."""
        s = self.session
        deadline = time.monotonic() + processing.REFINE_AFTER + 1.0
        while True:
            pieces = s.recent_audio(start, end + processing.REFINE_AFTER)
            heard_to = max((a + len(x) / RATE for a, x in pieces), default=end)
            stop = processing.run_on(end, activity.speech(pieces, bridge=PAUSE))
            if heard_to >= end + processing.REFINE_AFTER or (
                    stop <= heard_to - PAUSE and heard_to >= stop + processing.REFINE_PAD):
                return pieces
            if time.monotonic() > deadline:  # the recording stopped meanwhile
                return pieces
            time.sleep(0.2)

    def contracts_turn(self, spans: Sequence[TurnSpan], drafter: Callable[[], Drafter],
                       contract_pass: str, left_at: float | None = None,
                       key: Hashable | None = None,
                       refiner: Callable[[], Transcriber | None] | None = None) -> TurnDone:
        """Hear one member's contracts turn again, draft it, store the drafts (a worker).

        The member is drafted from this turn and their other contracts turns drafted
        before, except one drafted under the same `key` (the timekeeper's planned turn,
        said again): this one replaces it. Without a key, the turn ids are the key.
        `left_at`: `time.monotonic()` when the timekeeper moved past the turn. `refiner`
        builds the contracts pass's own model (built once; None: the live model).
        """
        return self._turn("contracts", spans, left_at, lambda done, member_id, transcriber:
                          self._contracts(done, member_id, self._refining(transcriber, refiner),
                                          spans, drafter, contract_pass, key))

    def _refining(self, live: Transcriber,
                  refiner: Callable[[], Transcriber | None] | None) -> Transcriber:
        """The contracts pass's model at LIVE_BEAM: built once (`prepare`, or the first
        turn; a worker, under `_one`), then kept; the live model when there is none."""
        if refiner is not None:
            self._ask(refiner)
        return self._live_refiner or at_beam(live, LIVE_BEAM)

    def _ask(self, refiner: Callable[[], Transcriber | None]) -> None:
        if not self._refiner_asked:
            self._refiner = refiner()
            self._live_refiner = at_beam(self._refiner, LIVE_BEAM) if self._refiner else None
            self._refiner_asked = True

    @property
    def refiner_model(self) -> Transcriber | None:
        """The contracts pass's own model once built (the end of the meeting reuses it)."""
        return self._refiner

    def prepare(self, refiner: Callable[[], Transcriber | None]) -> None:
        """Build the contracts pass's model now (a worker, at the start of the meeting), so
        the first contracts turn's draft does not wait for it to load."""
        with self._one:
            self._ask(refiner)

    def _contracts(self, done: TurnDone, member_id: int, transcriber: Transcriber,
                   spans: Sequence[TurnSpan], drafter: Callable[[], Drafter],
                   contract_pass: str, key: Hashable | None) -> None:
        s = self.session
        store, meeting = s.store, s.store.meeting(s.meeting.id)
        ids: set[int] = {t.turn_id for t in spans if t.turn_id is not None}
        # 'off' skips only the end's second pass; during the meeting the turn must
        # be heard once anyway, so it is heard plainly.
        turn, live = self._hear_again(transcriber, spans, ids, contract_pass)
        others = [u for u in live if not (u.turn and u.turn.turn_id in ids)]
        if not turn:  # nothing heard again: the live words, if any
            turn = [u for u in live if u.turn and u.turn.turn_id in ids and u.text]
        # As the stored transcript will read (the end drafts from that).
        turn = processing.repair_words(store, s.circle, meeting, turn, transcriber)
        mine = self._said.setdefault(member_id, {})
        mine[frozenset(ids) if key is None else key] = frozenset(ids)
        earlier = {tid for k_ids in mine.values() for tid in k_ids} - ids
        # The member's words elsewhere (report-back), their other contracts turns
        # as heard then, and this turn's: a turn said again (same key) replaces
        # what it said before.
        said = sorted([u for u in others if u.turn and u.turn.member_id == member_id
                       and u.turn.segment != "contracts"]
                      + [u for tid in earlier for u in self.refined.get(tid, ())]
                      + turn, key=lambda u: u.start)
        if self._drafter is None:
            self._drafter = drafter()
        member = store.member_by_id(member_id)
        analysis = processing.analyse_member(store, meeting, member, said,
                                             self._drafter)
        with self._write:  # End may have gone on without this turn meanwhile
            if self._closed:
                done.skipped = ENDED
                return
            for tid in ids:
                words = [u for u in turn if u.turn and u.turn.turn_id == tid]
                if words:
                    self.refined[tid] = words
            written = processing.write_member(store, meeting.id, analysis,
                                              replace=True)
        done.items = written or 0
        done.reports = len(analysis.reports)

    def report_back_turn(self, spans: Sequence[TurnSpan], left_at: float | None = None,
                         contract_pass: str = "prompted",
                         refiner: Callable[[], Transcriber | None] | None = None) -> TurnDone:
        """Hear one member's report-back turn, store the suggested statuses (a worker).

        The turn is heard as the end of the meeting would hear it again (a report-back turn
        is in processing.REFINED_SEGMENTS): with the contracts pass's model, primed with
        the member's name, previous contracts and earlier words; those words are kept
        (`refined`), so the end does not hear it a third time. With `contract_pass` 'off'
        it is heard plainly with the live model, and the end keeps the live transcript.
        """
        def body(done: TurnDone, member_id: int, transcriber: Transcriber) -> None:
            again = contract_pass != "off" and "report_back" in processing.REFINED_SEGMENTS
            model = self._refining(transcriber, refiner) if again else transcriber
            self._report_back(done, member_id, model, spans,
                              contract_pass if again else None)
        return self._turn("report_back", spans, left_at, body)

    def _report_back(self, done: TurnDone, member_id: int, transcriber: Transcriber,
                     spans: Sequence[TurnSpan], contract_pass: str | None) -> None:
        """`contract_pass` None: heard plainly, as a first pass; otherwise heard again as the
        end's second pass would ('prompted' or 'plain'), and kept for it."""
        s = self.session
        store, meeting = s.store, s.store.meeting(s.meeting.id)
        previous = store.open_items_before(s.circle, member_id, meeting.date,
                                           exclude=meeting.id)
        if not previous:  # nothing to report on: the end hears it with the rest
            done.skipped = "no contract from the last meeting"
            return
        ids: set[int] = {t.turn_id for t in spans if t.turn_id is not None}
        turn: list[Utterance] = []
        if contract_pass is not None:
            turn, _live = self._hear_again(transcriber, spans, ids, contract_pass)
            turn = processing.repair_words(store, s.circle, meeting, turn, transcriber)
        if not turn:  # nothing heard again: heard plainly (kept all the same, as contracts)
            pieces = s.recent_audio(min(t.start for t in spans) - HEAR_PAD,
                                    max(t.end for t in spans) + HEAR_PAD)
            segments = processing.transcribe_pieces(transcriber, pieces)
            turn = [u for u in attribute(segments, list(spans))
                    if u.turn and u.turn.turn_id in ids and u.text]
        text = " ".join(u.text for u in turn)
        suggestions = [x for x in reportback.suggest(text, [(i.id, i.text)
                                                            for i in previous])
                       if x.status]
        with self._write:
            if self._closed:
                done.skipped = ENDED
                return
            for tid in ids:
                words = [u for u in turn if u.turn and u.turn.turn_id == tid]
                if words:
                    self.report_heard[tid] = words
                    if contract_pass is not None:
                        self.refined[tid] = words
            done.reports = processing.write_report_back(store, meeting.id,
                                                        suggestions)

    def _hear_again(self, transcriber: Transcriber, spans: Sequence[TurnSpan],
                    ids: set[int], contract_pass: str) -> tuple[list[Utterance],
                                                                list[Utterance]]:
        """A turn heard again as the end's second pass hears it (`refine_contracts`, the
        turn's neighbours as first heard), waiting for a sentence still running on: its
        words, and the meeting as first heard once it was (`_live_utterances`)."""
        s = self.session
        meeting = s.store.meeting(s.meeting.id)
        pieces = self._turn_audio(min(t.start for t in spans) - processing.REFINE_PAD,
                                  max(t.end for t in spans))
        live = self._live_utterances()
        others = [u for u in live if not (u.turn and u.turn.turn_id in ids)]
        # The turn itself goes in empty: heard again here, whatever the live pass
        # made of it (it may still be behind).
        blank = [Utterance(t, t.start, t.end, "") for t in spans]
        context = (processing.speaker_context(s.store, s.circle, meeting, others)
                   if contract_pass == "prompted" else None)
        # Only this turn is heard: its neighbours' audio is not all held here.
        heard = processing.refine_contracts(
            transcriber, pieces, others + blank, context,
            done={u.turn.turn_id for u in others if u.turn and u.turn.turn_id is not None})
        return [u for u in heard if u.turn and u.turn.turn_id in ids and u.text], live


# --- the end of the meeting -------------------------------------------------------------------


def unheard_spans(session: MeetingSession) -> list[tuple[float, float]] | None:
    """Meeting-second spans the live pass never transcribed, or None when it heard nothing
    usable (no live transcription, or a track it never started on)."""
    tracks = [(name, live) for name, live, rec in
              (("room", session.live, session.recorder),
               ("call", session.call_live, session.call_recorder)) if rec is not None]
    if not tracks or any(live is None for _n, live in tracks):
        return None
    spans: list[tuple[float, float]] = []
    for name, live in tracks:
        if live is None:  # checked above; for the type
            return None
        began = session.live_from.get(name)
        if began is None:
            return None
        if began > 0.0:
            spans.append((0.0, began))  # recorded before the live model was loaded
        spans.extend(live.missed())  # dropped when it fell behind, or failed
    return erase.merge(spans)


def _within(pieces: Sequence[processing.Piece],
            spans: Sequence[tuple[float, float]]) -> list[processing.Piece]:
    """The parts of the pieces inside the spans."""
    out = []
    for start, samples in pieces:
        end = start + len(samples) / RATE
        for a, b in spans:
            lo, hi = max(a, start), min(b, end)
            if hi - lo > 0.05:
                i, j = int((lo - start) * RATE), int((hi - start) * RATE)
                out.append((start + i / RATE, samples[i:j]))
    return out


@dataclass
class EndHeard:
    """What `heard_at_end` did, for tests and benchmarks."""

    heard: processing.Heard
    unheard: list[tuple[float, float]]
    reheard_turns: int  # turns the end's second pass still has to hear (REFINED_SEGMENTS)


def heard_at_end(session: MeetingSession, transcriber: Callable[[], Transcriber],
                 progress: processing.Progress = processing._noop) -> EndHeard | None:
    """The meeting as already heard, for `processing.process(heard=...)`; None: the
    live transcript is missing, so the whole recording is transcribed instead.

    Call after `session.finish_live()` and `drafts.wait()` (a worker thread).
    """
    unheard = unheard_spans(session)
    if unheard is None:
        return None
    store, mid = session.store, session.meeting.id
    drafts = session.drafts
    spans = processing.spans_for(store, mid)
    todo = [t for t in spans if t.segment in processing.REFINED_SEGMENTS
            and t.member_id is not None and t.turn_id not in drafts.refined]
    around = [(max(0.0, t.start - processing.REFINE_PAD), t.end + processing.REFINE_AFTER)
              for t in todo]
    # Only the chunks these spans touch are read (erased spans cut out, as in the flow).
    wanted = erase.merge([*unheard, *around])
    pieces = meeting_audio(store, mid, within=wanted) if wanted else []
    segments: list[SpeechSegment] = session.heard_live()
    gaps = _within(pieces, unheard)
    if gaps:
        segments = segments + processing.transcribe_pieces(transcriber(), gaps, progress)
    segments.sort(key=lambda x: x.start)
    duration = max((s + len(a) / RATE for s, a in pieces), default=0.0)
    duration = max(duration, session.timekeeper.now())
    heard = processing.Heard(segments, _within(pieces, around), duration,
                             refined={k: list(v) for k, v in drafts.refined.items()})
    return EndHeard(heard, unheard, len(todo))
