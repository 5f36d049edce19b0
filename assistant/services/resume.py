"""After a crash: say exactly what each meeting still lacks, and finish it without duplicates.

A meeting moves OPEN → TRANSCRIBED → DRAFTED → CLOSED (assistant/core/store/status.py).
An import runs in one transaction, so it is never half done; a live meeting killed before
its end, or while its end was being processed, is. `report` reads the store and the audio
on disk and says, per meeting, what is left; `resume_meeting` finishes it with the same
processing flow as the end of a live meeting (assistant/services/processing.py), every
step safe to interrupt with SIGKILL and to run again:

- recording: the chunk files are recovered (whole samples only) and listed in the store,
  and every erasure recorded for the meeting (a member's "Delete" after withdrawing
  consent, `pmc forget`) is silenced again in them, as at the end of a live meeting;
- transcription: all the audio, erased spans cut out, is transcribed first, then the
  segments and TRANSCRIBED are written in one transaction, leaving out anything still
  placed in an erased span, so a kill before it leaves the meeting exactly as it was;
- drafting: one member at a time, their items and report-back suggestions in one
  transaction. A member who already has drafted items (draft, approved or deleted) is
  never drafted again, so nothing is duplicated and nothing reviewed is touched;
- approval is the members' own work: drafts still waiting are reported, never changed.

A member whose drafting found nothing leaves no trace in the store, so until the meeting
is DRAFTED such a member is counted as still to draft, and drafting them again finds
nothing again. Two resumes never run at once (a lock file in the home); without an
explicit meeting id, a meeting whose audio changed in the last few seconds is left alone,
since it may still be recording in another window.

The chunk files belong to assistant/core/audio/chunks.py (repair, measuring, reading), which
the live session uses too.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from assistant.core import locations
from assistant.core.audio.chunks import recorded_seconds, recover_meeting, written_within
from assistant.core.audio.recorder import RATE, TRACKS
from assistant.core.drafting.contracts import Drafter
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto, erase
from assistant.core.speech.types import Transcriber
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Circle, Meeting, Member, Store
from assistant.services.processing import Listener, Models, has_draft, process

__all__ = ["ACTIVE_S", "Incomplete", "fmt_audio", "has_draft", "meeting_state", "notice",
           "recorded_seconds", "report", "resume_all", "resume_meeting"]

ACTIVE_S = 5.0  # audio written this recently may belong to a meeting still recording

Say = Callable[[str], None]


def _quiet(line: str) -> None:
    pass


def fmt_audio(seconds: float) -> str:
    """'12 min 5 s', '45 s', 'under 1 s': whole seconds, as the report prints them."""
    s = int(seconds)
    return f"{s // 60} min {s % 60} s" if s >= 60 else f"{s} s" if s else "under 1 s"


@dataclass(frozen=True)
class Incomplete:
    """What one meeting still lacks."""

    circle: Circle
    meeting: Meeting
    stage: str  # 'recorded': not transcribed; 'transcribed': not all drafted; 'review'
    audio_seconds: float | None = None  # None: not measured (the cheap start-up check)
    drafted: tuple[str, ...] = ()
    to_draft: tuple[str, ...] = ()
    drafts_left: int = 0
    items: int = 0

    @property
    def crashed(self) -> bool:
        """Work a crash interrupted (as opposed to drafts waiting for the members)."""
        return self.stage != "review"

    def line(self) -> str:
        m = self.meeting
        head = f"meeting {m.id} of {self.circle.name} ({m.date})"
        if self.stage == "recorded":
            if self.audio_seconds is None:
                return f"{head}: not transcribed"
            if not self.audio_seconds:
                return f"{head}: no audio recorded, not processed"
            return f"{head}: audio recorded {fmt_audio(self.audio_seconds)}, not transcribed"
        if self.stage == "transcribed":
            n = len(self.drafted) + len(self.to_draft)
            return (f"{head}: transcribed, {len(self.drafted)} of {n} members drafted "
                    f"(still to draft: {', '.join(self.to_draft)})")
        return (f"{head}: {self.drafts_left} of {self.items} items still draft "
                f"(review with `pmc contract list {m.id}`)")


# --- what is incomplete ----------------------------------------------------------------------


def meeting_state(store: Store, circle: Circle, m: Meeting,
                  cipher: crypto.ChunkCipher | None = None,
                  measure_audio: bool = True) -> Incomplete | None:
    """What `m` still lacks, or None when nothing is left to do."""
    # 'open' with a transcript: a crash between writing it and marking it (older versions).
    live_open = m.status == MeetingStatus.OPEN and m.source == "live"
    if live_open and not store.has_segments(m.id):
        seconds = recorded_seconds(m.id, cipher) if measure_audio else None
        return Incomplete(circle, m, "recorded", seconds)
    if m.status == MeetingStatus.TRANSCRIBED or live_open:
        present = store.attendees(m.id)
        done = tuple(p.name for p in present if has_draft(store, m.id, p.id))
        todo = tuple(p.name for p in present if p.name not in done)
        return Incomplete(circle, m, "transcribed", drafted=done, to_draft=todo)
    # Drafts still waiting, also in a meeting whose review was finished with some left.
    if m.status in (MeetingStatus.DRAFTED, MeetingStatus.CLOSED):
        items = store.items(m.id)
        left = sum(1 for i in items if i.status == "draft")
        if left:
            return Incomplete(circle, m, "review", drafts_left=left, items=len(items))
    return None


def report(store: Store, measure_audio: bool = True) -> list[Incomplete]:
    """Every meeting with something left to do, oldest first."""
    cipher = crypto.home_cipher() if measure_audio else None
    out = []
    for circle in store.circles():
        for m in store.meetings(circle):
            state = meeting_state(store, circle, m, cipher, measure_audio)
            if state is not None:
                out.append(state)
    return sorted(out, key=lambda s: (s.meeting.date, s.meeting.id))


def notice(store: Store) -> str | None:
    """One line for the start of a command when a crash left work undone (cheap: no audio)."""
    left = [s for s in report(store, measure_audio=False) if s.crashed]
    if not left:
        return None
    what = "; ".join(f"#{s.meeting.id} " + (
        "not transcribed" if s.stage == "recorded" else
        f"{len(s.drafted)} of {len(s.drafted) + len(s.to_draft)} members drafted")
        for s in left)
    many = len(left) > 1
    return (f"{len(left)} meeting{'s are' if many else ' is'} incomplete ({what}); "
            "`pmc meeting resume` finishes, `pmc status` says more")


# --- finishing ------------------------------------------------------------------------------


@contextmanager
def _exclusive() -> Iterator[None]:
    """One resume at a time per home: two would both draft the same member."""
    home = locations.ensure(locations.home())
    fd = os.open(home / "resume.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PMCError("another `pmc meeting resume` is running in this home; "
                           "wait for it to finish") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock, as the end of a killed process does


class _Said(Listener):
    """The flow's progress as the lines `pmc meeting resume` prints."""

    def __init__(self, store: Store, m: Meeting, say: Say, chunks: int,
                 recorded: float) -> None:
        super().__init__()
        self.store, self.m, self.say = store, m, say
        self.chunks, self.recorded = chunks, recorded
        self.had_audio = True
        self.shown = -1
        self.refining = False

    def line(self, text: str) -> None:
        self.say(f"meeting {self.m.id}: {text}")

    def audio(self, seconds: float) -> None:
        if not seconds:
            self.had_audio = False
            self.line(("no audio was recorded" if not self.recorded else
                       "all the audio recorded was erased") + "; nothing to transcribe")
            return
        self.line(f"recovered {fmt_audio(self.recorded)} of audio in {self.chunks} chunks")
        if erase.erased_spans(self.store, self.m.id):
            self.line(f"{fmt_audio(self.recorded - seconds)} of erased speech left out")

    def progress(self, stage: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if stage == "transcribing" and tenth > self.shown:
            self.shown = tenth
            self.line(f"transcribing {tenth * 10}%")
        elif stage == "refining contracts" and not self.refining:
            self.refining = True
            self.line("listening again to the contracts")

    def transcribed(self, utterances: int | None) -> None:
        self.line("transcribed meanwhile by another process" if utterances is None else
                  f"transcribed ({utterances} utterances)")

    def drafting(self, member: Member) -> None:
        self.line(f"drafting {member.name}")

    def drafted(self, member: Member, items: int | None) -> None:
        self.line(f"{member.name}: " + (
            "drafted meanwhile by another process" if items is None else
            f"{items} draft item{'' if items == 1 else 's'}"))


def resume_meeting(store: Store, meeting_id: int, models: Models, *,
                   contract_pass: str = "prompted", say: Say = _quiet) -> None:
    """Finish what a crash left of one meeting (see the module docstring)."""
    m = store.meeting(meeting_id)
    circle = store.circle_by_id(m.circle_id)
    state = meeting_state(store, circle, m, measure_audio=False)
    if state is None or not state.crashed:
        say(f"meeting {m.id}: nothing to resume")
        return
    # Erasures are silenced again in the recovered chunks, before anything reads them.
    chunks = recover_meeting(store, m.id) if state.stage == "recorded" else []
    recorded = max(sum(c.frames for c in chunks if c.track == t) for t in TRACKS) / RATE
    said = _Said(store, m, say, len(chunks), recorded)
    process(store, m.id, models, contract_pass=contract_pass, listener=said)
    if said.had_audio:
        say(f"meeting {m.id}: drafted")


def resume_all(store: Store, meeting_ids: Sequence[int] | None = None, *,
               transcriber: Callable[[], Transcriber], drafter: Callable[[], Drafter],
               contract_pass: str = "prompted", say: Say = _quiet,
               refiner: Callable[[], Transcriber | None] | None = None) -> list[int]:
    """Resume the given meetings, or every one a crash left incomplete; returns those done.

    Models are built once, on first need, and shared between meetings.
    """
    models = Models(transcriber, drafter, refiner)

    done = []
    with _exclusive():
        if meeting_ids is None:
            todo = []
            for s in report(store, measure_audio=False):
                if not s.crashed:
                    continue
                if s.stage == "recorded" and written_within(s.meeting.id, ACTIVE_S):
                    say(f"meeting {s.meeting.id}: audio was written seconds ago, so it may "
                        "still be recording; left alone (give its id to resume it anyway)")
                    continue
                todo.append(s.meeting.id)
        else:
            todo = list(meeting_ids)
        for mid in todo:
            resume_meeting(store, mid, models, contract_pass=contract_pass, say=say)
            done.append(mid)
    return done
