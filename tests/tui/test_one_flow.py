"""Import, end of a live meeting and `pmc meeting resume` store the same meeting.

The same recording (the shipped demo meeting: real speech, four members, every agenda
segment) goes in three ways, each into its own circle with the same members and the same
approved contracts from two weeks before:
- imported from the WAV file and its turn log (`pmc meeting import`'s function);
- left by a live meeting as its session leaves it (turns, one listed chunk file, OPEN),
  then processed by the real end screen's worker, driven with Pilot;
- left as a crash leaves it (the chunk on disk, not listed), then `pmc meeting resume`.
Real Whisper tiny.en and SmolLM2 (a fresh instance per path, so its sampler starts from
the same seed each time). The stored transcripts, their attribution to turns, report-back
suggestions and drafts must be identical, and the `contract_pass` setting ("plain", not
the default) must reach all three: the contracts turns are heard again without a prompt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tui_helpers import DEMO, MEMBERS, PREVIOUS, TODAY, wait_for

from assistant.core import locations
from assistant.core.audio.chunks import meeting_audio_dir, save_chunk
from assistant.core.audio.recorder import ChunkInfo, chunk_name
from assistant.core.drafting.contracts import Drafter
from assistant.core.drafting.llm import LocalLLM
from assistant.core.settings import Settings
from assistant.core.speech.transcribe import FasterWhisperTranscriber
from assistant.core.speech.types import SpeechSegment
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Circle, Store
from assistant.services import processing, resume
from assistant.services.pipeline import import_meeting
from assistant.tui.app import make_app
from assistant.tui.screens.end import EndScreen

pytestmark = [pytest.mark.tui, pytest.mark.model, pytest.mark.slow]

WAV = DEMO / "demo_circle.wav"
TIMELINE = DEMO / "demo_circle.timeline.json"
PASS = "plain"  # not the default ('prompted'): a path that ignored the setting would show


class Spy:
    """The real transcriber, noting each call's prompt (None: a first pass)."""

    def __init__(self, real: FasterWhisperTranscriber) -> None:
        self.real = real
        self.name = real.name
        self.prompts: list[str | None] = []

    def transcribe(self, audio: np.ndarray, offset: float = 0.0, progress: Any = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        self.prompts.append(prompt)
        return self.real.transcribe(audio, offset=offset, progress=progress, prompt=prompt)


def new_circle(store: Store, name: str) -> Circle:
    """A circle of the demo's members whose last meeting's contracts were approved."""
    circle = store.create_circle(name, MEMBERS)
    before = TODAY - dt.timedelta(days=14)
    m = store.create_meeting(circle, before.isoformat(), TODAY.isoformat(), "live",
                             MeetingStatus.CLOSED)
    store.set_attendance(m.id, {x.id: True for x in store.members(circle)})
    for member in store.members(circle):
        store.add_item(m.id, member.id, PREVIOUS[member.name], due=TODAY.isoformat(),
                       status="approved", origin="manual")
    return circle


def recorded_meeting(store: Store, circle: Circle, listed: bool) -> int:
    """The demo meeting as a live session leaves it: turns, duration, one chunk file."""
    by_name = {m.name: m for m in store.members(circle)}
    turns = json.loads(TIMELINE.read_text())["turns"]
    with wave.open(str(WAV)) as w:
        pcm = w.readframes(w.getnframes())
    frames = len(pcm) // 2
    m = store.create_meeting(circle, TODAY.isoformat(),
                             (TODAY + dt.timedelta(days=14)).isoformat(), "live")
    store.set_attendance(m.id, {x.id: True for x in by_name.values()})
    store.add_turns(m.id, [(by_name[t["speaker"]].id, t["segment"], t["start"], t["end"])
                           for t in turns])
    store.set_meeting_status(m.id, MeetingStatus.OPEN, frames / 16000)
    path = locations.ensure(meeting_audio_dir(m.id)) / chunk_name(0, 0)
    path.write_bytes(pcm)
    if listed:  # the recorder lists a chunk as it closes it
        save_chunk(store, m.id, ChunkInfo(0, path, 0.0, frames, True))
    else:  # killed: not listed, and written a while ago
        old = time.time() - 60
        os.utime(path, (old, old))
    return m.id


def stored(store: Store, mid: int) -> dict[str, Any]:
    """What a meeting holds, by member name and turn index (ids differ between circles)."""
    m = store.meeting(mid)
    names = store.member_names(store.circle_by_id(m.circle_id))
    turn_idx = {t.id: t.idx for t in store.turns(mid)}
    items = store.items(mid, include_deleted=True)
    previous = {i.id: i.text for member in names
                for i in store.member_items(member) if i.meeting_id != mid}
    return {
        "status": m.status, "duration": round(m.duration or 0.0, 3),
        "segments": [(turn_idx.get(s.turn_id) if s.turn_id else None,
                      names.get(s.member_id) if s.member_id else None, s.segment,
                      round(s.start, 3), round(s.end, 3), s.text)
                     for s in store.segments(mid)],
        "items": [(names[i.member_id], i.text, i.due, i.tentative, i.status, i.quote,
                   i.start, i.end, i.origin, previous.get(i.carried_from or -1))
                  for i in items],
        "report_back": [(previous[r.item_id], r.status, r.confirmed, r.quote)
                        for r in store.report_back(mid)],
    }


@pytest.mark.asyncio
async def test_import_live_end_and_resume_store_the_same_meeting(
        store: Store, tiny_en_dir: Path, smollm_path: Path) -> None:
    spy = Spy(FasterWhisperTranscriber(tiny_en_dir, threads=1))

    def drafter() -> Drafter:
        return Drafter(LocalLLM(smollm_path, threads=1))

    second_pass: dict[str, list[str | None]] = {}

    # 1. Import.
    mid_import = import_meeting(store, new_circle(store, "Imported"), WAV, TIMELINE, TODAY,
                                transcriber=lambda: spy, drafter=drafter,
                                contract_pass=PASS)
    second_pass["import"], spy.prompts = [p for p in spy.prompts if p is not None], []

    # 2. The end of a live meeting: the end screen's worker, in the real app.
    mid_live = recorded_meeting(store, new_circle(store, "Live"), listed=True)
    app = make_app(settings=Settings(contract_pass=PASS), store=store,
                   transcriber_factory=lambda: spy, drafter_factory=drafter,
                   today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(EndScreen(mid_live, None))
        screen = app.screen
        assert isinstance(screen, EndScreen)
        await wait_for(pilot, lambda: screen.done, timeout=600, what="end of meeting")
        assert screen.error is None
    second_pass["live"], spy.prompts = [p for p in spy.prompts if p is not None], []

    # 3. `pmc meeting resume` after a crash.
    mid_resume = recorded_meeting(store, new_circle(store, "Resumed"), listed=False)
    said: list[str] = []
    resume.resume_all(store, [mid_resume], transcriber=lambda: spy, drafter=drafter,
                      contract_pass=PASS, say=said.append)
    second_pass["resume"] = [p for p in spy.prompts if p is not None]
    assert f"meeting {mid_resume}: drafted" in said

    # The setting reached every path: each contracts and report-back turn heard again
    # (processing.REFINED_SEGMENTS), without a prompt ('prompted', the default, would have
    # primed each with the speaker's words).
    refined_turns = sum(1 for t in json.loads(TIMELINE.read_text())["turns"]
                        if t["segment"] in processing.REFINED_SEGMENTS)
    assert refined_turns > sum(1 for t in json.loads(TIMELINE.read_text())["turns"]
                               if t["segment"] == "contracts")
    assert second_pass == {path: [""] * refined_turns
                           for path in ("import", "live", "resume")}

    imported, live, resumed = (stored(store, m) for m in (mid_import, mid_live, mid_resume))
    # A real meeting went through: attributed speech, drafts and report-back for everyone.
    assert imported["status"] == MeetingStatus.DRAFTED
    assert {s[1] for s in imported["segments"]} == set(MEMBERS)
    assert {i[0] for i in imported["items"]} >= {"Maya", "Tom", "Sam"}
    assert "survey" in " ".join(i[1].lower() for i in imported["items"] if i[0] == "Maya")
    assert imported["report_back"]
    # ...and the three ways stored exactly the same meeting.
    assert live == imported
    assert resumed == imported
