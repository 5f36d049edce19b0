"""Importing a recorded meeting: a sound file and a turn log in, a drafted meeting out.

The inputs are checked before any model loads, and the file is transcribed as it is
decoded (only the audio around the turns heard again, processing.REFINED_SEGMENTS, is
kept, for the second pass). Then the meeting is created and run through the one processing
flow (services/processing.py) inside one transaction, so a bad input or a crash mid-way
never leaves half a meeting in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from assistant.core.audio import decode as audio_mod
from assistant.core.drafting.contracts import Drafter
from assistant.core.errors import PMCError
from assistant.core.meeting import timeline as timeline_mod
from assistant.core.speech.transcribe import transcribe_path
from assistant.core.speech.types import Transcriber
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Circle, Store
from assistant.services import processing
from assistant.services.processing import REFINE_AFTER, REFINE_PAD, Progress


def _noop(stage: str, fraction: float) -> None:
    pass


def import_meeting(store: Store, circle: Circle, audio_path: Path, timeline_path: Path | None,
                   date: dt.date, *, transcriber: Callable[[], Transcriber],
                   drafter: Callable[[], Drafter], progress: Progress = _noop,
                   contract_pass: str = "prompted",
                   refiner: Callable[[], Transcriber | None] | None = None) -> int:
    """Import a recorded meeting; returns the new meeting's id.

    Inputs are validated before any model loads; nothing is written unless the
    whole import succeeds.
    """
    members = store.members(circle)
    turns = timeline_mod.load(timeline_path, [m.name for m in members]) if timeline_path else []
    audio_mod.probe(audio_path)
    progress("loading models", 0.0)
    models = processing.Models(transcriber, drafter, refiner)
    t = models.transcriber()
    models.drafter()  # a missing LLM fails now too
    refine = contract_pass != "off" and any(x.segment in processing.REFINED_SEGMENTS
                                            for x in turns)
    if refine:
        models.refiner()  # a missing contracts model fails now, not after transcribing
    models.set_aside()  # built again after the first pass (memory: processing.Models)
    keep = [(max(0.0, x.start - REFINE_PAD), x.end + REFINE_AFTER) for x in turns
            if x.segment in processing.REFINED_SEGMENTS]
    result = transcribe_path(t, audio_path, lambda done, total: progress(
        "transcribing", done / total if total else 0.0), keep=keep if contract_pass != "off"
        else ())
    del t
    if refine:
        models.done_listening()
    if result.peak < audio_mod.SILENCE_PEAK:
        raise PMCError(f"{audio_path} is silent; check the microphone or pick another recording")
    duration = result.duration
    if turns and turns[-1].start >= duration:
        raise PMCError(f"the timeline runs to {turns[-1].end:.0f} s but {audio_path} is only "
                       f"{duration:.0f} s long; is this the right timeline?")
    if not result.segments:
        raise PMCError(f"no speech found in {audio_path}; check that it is the meeting recording")
    by_name = {m.name: m for m in members}
    attendees = [m for m in members if any(x.speaker == m.name for x in turns)] or members
    next_meeting = date + dt.timedelta(days=circle.cadence_days)
    heard = processing.Heard(result.segments, result.kept, duration)
    with store.tx():
        meeting = store.create_meeting(circle, date.isoformat(), next_meeting.isoformat(),
                                       "import", MeetingStatus.OPEN)
        store.set_attendance(meeting.id, {m.id: m in attendees for m in members})
        store.add_turns(meeting.id, [(by_name[x.speaker].id, x.segment, x.start, x.end)
                                     for x in turns])
        processing.process(store, meeting.id, models, contract_pass=contract_pass,
                           heard=heard, listener=processing.Listener(progress))
    return meeting.id
