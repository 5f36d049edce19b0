"""Resuming after a crash (assistant/services/resume.py) with a scripted transcriber.

Real store, real chunk files and recovery, the rule-based drafter; the transcriber is a
fake that "hears" the script lines inside the audio it is given, and crashes are
exceptions raised at the step a SIGKILL would interrupt (the SIGKILL tests themselves are
tests/privacy/test_crash_phases.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.core import locations
from assistant.core.audio.chunks import meeting_audio_dir
from assistant.core.audio.recorder import chunk_name
from assistant.core.drafting.contracts import Drafter
from assistant.core.errors import PMCError
from assistant.core.speech.types import SpeechSegment
from assistant.core.store.store import Meeting, Store
from assistant.services import resume

RATE = 16000
SCRIPT = [(0.5, 2.5, "I will send the survey to ten students by March 20."),
          (3.5, 5.5, "I will email two more labs.")]


class Heard:
    def __init__(self, fail: bool = False) -> None:
        self.name = "scripted"
        self.fail = fail
        self.calls = 0

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: Callable[[float, float], None] | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        self.calls += 1
        if self.fail:
            raise RuntimeError("killed mid-transcription")
        end = offset + len(audio) / RATE
        return [SpeechSegment(s, e, t) for s, e, t in SCRIPT if offset <= (s + e) / 2 < end]


class Crashing(Drafter):
    """Drafts the first `ok` members, then dies as a SIGKILL would."""

    def __init__(self, ok: int) -> None:
        super().__init__(None)
        self.ok = ok

    def draft(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.ok == 0:
            raise RuntimeError("killed mid-drafting")
        self.ok -= 1
        return super().draft(*args, **kwargs)


@pytest.fixture
def store(pmc_home: Path):  # type: ignore[no-untyped-def]
    s = Store(locations.ensure(pmc_home) / "pmc.sqlite3")
    yield s
    s.close()


def crashed_meeting(store: Store, seconds: float = 6.0) -> Meeting:
    """A live meeting killed after `seconds`: two contracts turns, one raw chunk, torn."""
    circle = store.create_circle("Demo Circle", ["Maya", "Tom"])
    maya, tom = store.members(circle)
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live", "open")
    store.set_attendance(m.id, {maya.id: True, tom.id: True})
    store.add_turns(m.id, [(maya.id, "contracts", 0.0, 3.0), (tom.id, "contracts", 3.0, 6.0)])
    folder = locations.ensure(meeting_audio_dir(m.id))
    t = np.arange(int(seconds * RATE)) / RATE
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2").tobytes()
    (folder / chunk_name(0, 0)).write_bytes(pcm + b"\x01")  # half a sample: a killed write
    old = time.time() - 60  # the recording stopped a minute ago
    os.utime(folder / chunk_name(0, 0), (old, old))
    return m


def run(store: Store, mid: int | None = None, transcriber: Heard | None = None,
        drafter: Drafter | None = None) -> list[str]:
    said: list[str] = []
    resume.resume_all(store, None if mid is None else [mid],
                      transcriber=lambda: transcriber or Heard(),
                      drafter=lambda: drafter or Drafter(None), contract_pass="off",
                      say=said.append)
    return said


def test_the_report_says_what_a_killed_recording_left(store: Store) -> None:
    m = crashed_meeting(store)
    [state] = resume.report(store)
    assert state.line() == ("meeting 1 of Demo Circle (2026-03-05): audio recorded 6 s, "
                            "not transcribed")
    assert resume.notice(store) == ("1 meeting is incomplete (#1 not transcribed); "
                                    "`pmc meeting resume` finishes, `pmc status` says more")
    assert store.meeting(m.id).status == "open"  # reporting changes nothing


def test_resume_finishes_and_a_second_resume_does_nothing(store: Store) -> None:
    m = crashed_meeting(store)
    said = run(store)
    assert "meeting 1: recovered 6 s of audio in 1 chunks" in said
    assert store.meeting(m.id).status == "drafted"
    assert [(r[0], r[1]) for r in store.db.execute(
        "SELECT seq, frames FROM audio_chunks WHERE meeting_id = ?", (m.id,))] == [(0, 6 * RATE)]
    items = store.items(m.id)
    assert [i.text.lower() for i in items] == [
        "send the survey to ten students by march 20", "email two more labs"]
    [state] = resume.report(store)
    assert state.line() == ("meeting 1 of Demo Circle (2026-03-05): 2 of 2 items still draft "
                            "(review with `pmc contract list 1`)")
    assert resume.notice(store) is None  # drafts waiting for review are no crash
    t = Heard()
    assert run(store, m.id, transcriber=t) == ["meeting 1: nothing to resume"]
    assert t.calls == 0 and store.items(m.id) == items


def test_a_crash_in_transcription_leaves_the_meeting_as_it_was(store: Store) -> None:
    m = crashed_meeting(store)
    with pytest.raises(RuntimeError):
        run(store, transcriber=Heard(fail=True))
    assert store.meeting(m.id).status == "open" and not store.segments(m.id)
    assert resume.report(store)[0].stage == "recorded"
    run(store)
    assert store.meeting(m.id).status == "drafted" and len(store.items(m.id)) == 2


def test_a_crash_in_drafting_never_drafts_a_member_twice(store: Store) -> None:
    m = crashed_meeting(store)
    with pytest.raises(RuntimeError):
        run(store, drafter=Crashing(ok=1))
    assert store.meeting(m.id).status == "transcribed"
    [state] = resume.report(store)
    assert state.line() == ("meeting 1 of Demo Circle (2026-03-05): transcribed, 1 of 2 "
                            "members drafted (still to draft: Tom)")
    assert resume.notice(store) == ("1 meeting is incomplete (#1 1 of 2 members drafted); "
                                    "`pmc meeting resume` finishes, `pmc status` says more")
    [maya_item] = store.items(m.id)
    store.set_item_status(maya_item.id, "approved")
    t = Heard()
    said = run(store, transcriber=t)
    assert t.calls == 0  # the transcript is kept, not made again
    assert "meeting 1: drafting Maya" not in said and "meeting 1: drafting Tom" in said
    maya, tom = store.members(store.circle("Demo Circle"))
    assert store.items(m.id, maya.id) == [store.item(maya_item.id)]
    assert store.item(maya_item.id).status == "approved"
    assert [i.text for i in store.items(m.id, tom.id)] == ["Email two more labs"]
    assert store.meeting(m.id).status == "drafted"


def test_what_counts_as_drafted(store: Store) -> None:
    m = crashed_meeting(store)
    maya, tom = store.members(store.circle("Demo Circle"))
    # a carry-over the timekeeper made during report-back, and a hand-added item: not drafts
    store.add_item(m.id, maya.id, "Old item", origin="carry")
    store.add_item(m.id, tom.id, "By hand", origin="manual")
    assert not resume.has_draft(store, m.id, maya.id)
    assert not resume.has_draft(store, m.id, tom.id)
    # a draft someone deleted still means the member was drafted
    gone = store.add_item(m.id, tom.id, "Drafted", origin="llm")
    store.set_item_status(gone.id, "deleted")
    assert resume.has_draft(store, m.id, tom.id)


def test_an_old_crash_between_transcript_and_status_is_not_transcribed_again(
        store: Store) -> None:
    m = crashed_meeting(store)
    maya, tom = store.members(store.circle("Demo Circle"))
    turns = store.turns(m.id)
    store.add_segments(m.id, [(turns[0].id, maya.id, "contracts", 0.5, 2.5, SCRIPT[0][2])])
    assert resume.report(store)[0].stage == "transcribed"  # status still 'open'
    t = Heard()
    run(store, m.id, transcriber=t)
    assert t.calls == 0 and len(store.segments(m.id)) == 1
    assert store.meeting(m.id).status == "drafted" and len(store.items(m.id)) == 1


def test_audio_written_seconds_ago_is_left_alone_unless_named(store: Store) -> None:
    m = crashed_meeting(store)
    chunk = meeting_audio_dir(m.id) / chunk_name(0, 0)
    os.utime(chunk)  # just written: this meeting may be recording in another window
    said = run(store)
    assert "still be recording" in said[0] and store.meeting(m.id).status == "open"
    run(store, m.id)
    assert store.meeting(m.id).status == "drafted"


def test_a_meeting_without_audio_is_closed_off(store: Store) -> None:
    m = crashed_meeting(store)
    (meeting_audio_dir(m.id) / chunk_name(0, 0)).unlink()
    assert resume.report(store)[0].line().endswith("no audio recorded, not processed")
    assert run(store) == ["meeting 1: no audio was recorded; nothing to transcribe"]
    assert store.meeting(m.id).status == "drafted" and resume.report(store) == []


def test_one_resume_at_a_time(store: Store) -> None:
    crashed_meeting(store)
    with resume._exclusive(), pytest.raises(PMCError, match="another `pmc meeting resume`"):
        run(store)


def test_fmt_audio() -> None:
    assert [resume.fmt_audio(s) for s in (0.4, 45.9, 725)] == ["under 1 s", "45 s",
                                                               "12 min 5 s"]


def test_status_lists_drafts_left_in_a_finished_review(store: Store) -> None:
    circle = store.create_circle("Demo Circle", ["Maya", "Tom"])
    maya = store.members(circle)[0]
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live", "closed")
    store.add_item(m.id, maya.id, "Send the survey", status="approved")
    store.add_item(m.id, maya.id, "Email two more labs")  # still a draft
    [state] = resume.report(store)
    assert state.line() == (f"meeting {m.id} of Demo Circle (2026-03-05): 1 of 2 items still "
                            f"draft (review with `pmc contract list {m.id}`)")
    assert resume.notice(store) is None  # no crash: nothing is said at every command
