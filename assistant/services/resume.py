"""After a crash: say exactly what each meeting still lacks, and finish it without duplicates.

A live meeting moves 'open' (recording: turns and audio chunks are saved as they come) →
'transcribed' → 'drafted' (every present member drafted) → 'closed' (reviewed). An import
is written in one transaction, so it is never half done. `report` reads the store and the
audio on disk and says, per meeting, what is left; `resume_meeting` does it, every step
safe to interrupt with SIGKILL and to run again:

- recording: the chunk files are recovered (whole samples only) and listed in the store,
  and every erasure recorded for the meeting (a member's "Delete" after withdrawing
  consent, `pmc forget`) is silenced again in them, as at the end of a live meeting;
- transcription: all the audio, erased spans cut out, is transcribed first, then the
  segments and the status 'transcribed' are written in one transaction, with any segment
  still placed in an erased span dropped before the commit, so a kill before it leaves
  the meeting exactly as it was;
- drafting: one member at a time, their items and report-back suggestions in one
  transaction. A member who already has drafted items (draft, approved or deleted) is
  never drafted again, so nothing is duplicated and nothing reviewed is touched;
- approval is the members' own work: drafts still waiting are reported, never changed.

A member whose drafting found nothing leaves no trace in the store, so until the meeting
is 'drafted' such a member is counted as still to draft, and drafting them again finds
nothing again. Two resumes never run at once (a lock file in the home); without an
explicit meeting id, a meeting whose audio changed in the last few seconds is left alone,
since it may still be recording in another window.

The chunk files are handled by assistant/core/audio/chunks.py, which the live session uses too.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from assistant.core import locations
from assistant.core.audio.chunks import meeting_audio, meeting_audio_dir, recover_meeting
from assistant.core.audio.recorder import CHUNK_RE, RATE, SAMPLE_BYTES, TRACKS, track_of
from assistant.core.drafting.attribution import Utterance, attribute
from assistant.core.drafting.contracts import Drafter
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto, erase, retention
from assistant.core.speech.types import Transcriber
from assistant.core.store.store import Circle, Meeting, Member, Store
from assistant.services.pipeline import analyse, second_pass, spans_for, transcribe_pieces

ACTIVE_S = 5.0  # audio written this recently may belong to a meeting still recording
DRAFTED_ORIGINS = ("llm", "rule")

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


# --- audio on disk and its listing ----------------------------------------------------------


def recorded_seconds(meeting_id: int, cipher: crypto.ChunkCipher | None) -> float:
    """Seconds of whole samples in the meeting's chunk files. Reads only (no repair)."""
    folder = meeting_audio_dir(meeting_id)
    if not folder.is_dir():
        return 0.0
    frames = {"room": 0, "call": 0}  # a meeting by video has two tracks over the same time
    for p in folder.iterdir():
        if not (CHUNK_RE.match(p.name) and p.is_file()):
            continue
        data = p.read_bytes()
        if crypto.is_sealed(data) and cipher is not None:
            frames[track_of(p)] += len(cipher.open(data, p.name)[0]) // SAMPLE_BYTES
        elif not crypto.is_sealed(data):
            frames[track_of(p)] += len(data) // SAMPLE_BYTES
    return max(frames.values()) / RATE


def _recently_written(meeting_id: int) -> bool:
    folder = meeting_audio_dir(meeting_id)
    if not folder.is_dir():
        return False
    now = time.time()
    return any(now - p.stat().st_mtime < ACTIVE_S for p in folder.iterdir() if p.is_file())


# --- what is incomplete ----------------------------------------------------------------------


def has_draft(store: Store, meeting_id: int, member_id: int) -> bool:
    """Drafting already wrote items for this member (timekeeper carry-overs and hand-added
    items do not count; approved and deleted drafts do)."""
    return any(i.origin in DRAFTED_ORIGINS or (i.origin == "carry" and i.quote)
               for i in store.items(meeting_id, member_id, include_deleted=True))


def _has_segments(store: Store, meeting_id: int) -> bool:
    return store.has_segments(meeting_id)


def meeting_state(store: Store, circle: Circle, m: Meeting,
                  cipher: crypto.ChunkCipher | None = None,
                  measure_audio: bool = True) -> Incomplete | None:
    """What `m` still lacks, or None when nothing is left to do."""
    # 'open' with a transcript: a crash between writing it and marking it (older versions).
    if m.status == "open" and m.source == "live" and not _has_segments(store, m.id):
        seconds = recorded_seconds(m.id, cipher) if measure_audio else None
        return Incomplete(circle, m, "recorded", seconds)
    if m.status == "transcribed" or (m.status == "open" and m.source == "live"):
        present = store.attendees(m.id)
        done = tuple(p.name for p in present if has_draft(store, m.id, p.id))
        todo = tuple(p.name for p in present if p.name not in done)
        return Incomplete(circle, m, "transcribed", drafted=done, to_draft=todo)
    if m.status == "drafted":
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


def stored_utterances(store: Store, meeting_id: int) -> list[Utterance]:
    """The saved transcript as the drafter takes it: each segment with its turn."""
    spans = {s.turn_id: s for s in spans_for(store, meeting_id)}
    return [Utterance(spans.get(s.turn_id) if s.turn_id is not None else None, s.start, s.end,
                      s.text) for s in store.segments(meeting_id)]


def _transcribe(store: Store, circle: Circle, m: Meeting, transcriber: Transcriber,
                pieces: Sequence[tuple[float, np.ndarray]], contract_pass: str, say: Say) -> int:
    """Transcribe and attribute, then write the transcript and 'transcribed' at once."""
    shown = [-1]

    def progress(stage: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if stage == "transcribing" and tenth > shown[0]:
            shown[0] = tenth
            say(f"meeting {m.id}: transcribing {tenth * 10}%")

    segments = transcribe_pieces(transcriber, pieces, progress)
    utterances = attribute(segments, spans_for(store, m.id))
    if contract_pass != "off":
        say(f"meeting {m.id}: listening again to the contracts")
    utterances = second_pass(contract_pass, store, circle, m, transcriber, pieces, utterances)
    end = max((s + len(a) / RATE for s, a in pieces), default=0.0)
    retention.secure_delete(store)  # what is dropped below leaves no trace in the file
    with store.tx():
        if store.meeting(m.id).status != "open" or _has_segments(store, m.id):
            raise PMCError(f"meeting {m.id} was transcribed by another process meanwhile; "
                           "run `pmc meeting resume` again")
        store.add_segments(m.id, [
            (u.turn.turn_id if u.turn else None, u.turn.member_id if u.turn else None,
             u.turn.segment if u.turn else None, u.start, u.end, u.text) for u in utterances])
        # Whisper may place words in an erased span (heard across its edge, or made up):
        # they go before the commit, so no erased member's words are ever stored.
        dropped = erase.drop_erased_in(store, m.id)
        store.set_meeting_status(m.id, "transcribed", m.duration or end)
    if dropped:
        retention.scrub(store)
    return len(utterances) - dropped


def _write_member(store: Store, m: Meeting, member: Member, drafter: Drafter,
                  utterances: list[Utterance], circle: Circle) -> int | None:
    """Draft one member and write it in one transaction; None if they were drafted meanwhile.

    Written here rather than with pipeline.write_analysis, which also writes the transcript.
    """
    analysis = analyse(store, circle, m, [member], utterances, drafter)
    with store.tx():
        if has_draft(store, m.id, member.id):
            return None
        confirmed = {r.item_id for r in store.report_back(m.id) if r.confirmed}
        for _member_id, s in analysis.reports:
            if s.item_id not in confirmed and s.status:
                store.set_report_back(m.id, s.item_id, s.status, confirmed=False, quote=s.quote)
        # The timekeeper may already have carried an item over during report-back.
        carried = {i.carried_from for i in store.items(m.id) if i.carried_from}
        n = 0
        for d in analysis.drafts.get(member.id, []):
            if d.carried_from is not None and d.carried_from in carried:
                continue
            store.add_item(m.id, member.id, d.text, due=d.due.isoformat(), tentative=d.tentative,
                           quote=d.quote, start=d.start, end=d.end, origin=d.origin,
                           carried_from=d.carried_from)
            n += 1
    return n


def resume_meeting(store: Store, meeting_id: int, *, transcriber: Callable[[], Transcriber],
                   drafter: Callable[[], Drafter], contract_pass: str = "prompted",
                   say: Say = _quiet) -> None:
    """Finish what a crash left of one meeting (see the module docstring)."""
    m = store.meeting(meeting_id)
    circle = store.circle_by_id(m.circle_id)
    state = meeting_state(store, circle, m, measure_audio=False)
    if state is None or not state.crashed:
        say(f"meeting {m.id}: nothing to resume")
        return
    if state.stage == "recorded":
        chunks = recover_meeting(store, m.id)  # erasures silenced again, before any read
        pieces = meeting_audio(store, m.id)  # erased spans cut out
        recorded = max(sum(c.frames for c in chunks if c.track == t) for t in TRACKS) / RATE
        if not pieces:
            store.set_meeting_status(m.id, "drafted")  # as after a meeting without recording
            say(f"meeting {m.id}: " + ("no audio was recorded" if not recorded else
                                       "all the audio recorded was erased")
                + "; nothing to transcribe")
            return
        say(f"meeting {m.id}: recovered {fmt_audio(recorded)} of audio in {len(chunks)} chunks")
        if erase.erased_spans(store, m.id):
            kept = sum(len(a) for _, a in pieces) / RATE
            say(f"meeting {m.id}: {fmt_audio(recorded - kept)} of erased speech left out")
        t = transcriber()
        said = _transcribe(store, circle, m, t, pieces, contract_pass, say)
        say(f"meeting {m.id}: transcribed ({said} utterances)")
        m = store.meeting(m.id)
    else:
        # An erasure a crash interrupted after the transcript was written: finished here.
        erase.reapply(store, m.id)
        erase.drop_erased_segments(store, m.id)
    if store.meeting(m.id).status == "open":  # transcript written, status not (see above)
        store.set_meeting_status(m.id, "transcribed")
    utterances = stored_utterances(store, m.id)
    built: Drafter | None = None
    for member in store.attendees(m.id):
        if has_draft(store, m.id, member.id):
            continue
        say(f"meeting {m.id}: drafting {member.name}")
        built = built or drafter()
        wrote = _write_member(store, m, member, built, utterances, circle)
        say(f"meeting {m.id}: {member.name}: " + (
            "drafted meanwhile by another process" if wrote is None else
            f"{wrote} draft item{'' if wrote == 1 else 's'}"))
    store.set_meeting_status(m.id, "drafted")
    say(f"meeting {m.id}: drafted")


def resume_all(store: Store, meeting_ids: Sequence[int] | None = None, *,
               transcriber: Callable[[], Transcriber], drafter: Callable[[], Drafter],
               contract_pass: str = "prompted", say: Say = _quiet) -> list[int]:
    """Resume the given meetings, or every one a crash left incomplete; returns those done.

    Models are built once, on first need, and shared between meetings.
    """
    cache: dict[str, object] = {}

    def t() -> Transcriber:
        if "t" not in cache:
            cache["t"] = transcriber()
        return cache["t"]  # type: ignore[return-value]

    def d() -> Drafter:
        if "d" not in cache:
            cache["d"] = drafter()
        return cache["d"]  # type: ignore[return-value]

    done = []
    with _exclusive():
        if meeting_ids is None:
            todo = []
            for s in report(store, measure_audio=False):
                if not s.crashed:
                    continue
                if s.stage == "recorded" and _recently_written(s.meeting.id):
                    say(f"meeting {s.meeting.id}: audio was written seconds ago, so it may "
                        "still be recording; left alone (give its id to resume it anyway)")
                    continue
                todo.append(s.meeting.id)
        else:
            todo = list(meeting_ids)
        for mid in todo:
            resume_meeting(store, mid, transcriber=t, drafter=d, contract_pass=contract_pass,
                           say=say)
            done.append(mid)
    return done
