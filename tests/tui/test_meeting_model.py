"""The whole meeting again, with the real models: Whisper tiny.en live and at the end,
SmolLM2 drafting. The same real demo speech plays in real time through the recorder."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_meeting import PICK, drive_meeting, finish_processing
from tui_helpers import FakeClock, Sources, build_app, screen_text, short_meeting

from assistant.core.drafting.contracts import Drafter
from assistant.core.drafting.llm import LocalLLM
from assistant.core.speech.transcribe import FasterWhisperTranscriber
from assistant.tui.screens.review import ReviewScreen

pytestmark = [pytest.mark.tui, pytest.mark.model, pytest.mark.slow]


@pytest.mark.asyncio
async def test_a_whole_meeting_with_real_models(store, tiny_en_dir: Path,
                                                smollm_path: Path) -> None:
    meeting = short_meeting(PICK)
    clock = FakeClock()
    sources = Sources(meeting.audio)
    app = build_app(store, clock=clock,
                    transcriber=lambda: FasterWhisperTranscriber(tiny_en_dir, threads=1),
                    drafter=lambda: Drafter(LocalLLM(smollm_path, threads=1)), source=sources)
    async with app.run_test(size=(80, 24)) as pilot:
        r = await drive_meeting(pilot, app, store, clock, sources, meeting)
        mid = r["mid"]
        maya, tom, _lena, sam = r["ids"]
        session = app.session
        await finish_processing(pilot, app)

        # Live transcription heard the meeting while it ran.
        live = session.live
        assert live is not None and live.stats.transcribed >= 3 and live.behind_s == 0

        # The stored transcript: Whisper's words, attributed by turn, nothing off the record.
        # End reuses the live pass (windows of at most 15 s cut at pauses, less context than one
        # pass over the whole recording), so check-in small talk may be misheard ("busy week"
        # -> "really weak"); the words of Maya's report-back and contract must be hers.
        segments = store.segments(mid)
        by_member: dict[int | None, str] = {}
        for s in segments:
            by_member[s.member_id] = by_member.get(s.member_id, "") + " " + s.text.lower()
        assert "survey" in by_member[maya.id]
        assert "pilot" in by_member[maya.id]
        assert "labs" in by_member[tom.id]
        assert "every morning" not in " ".join(by_member.values())  # said off the record

        # Real drafts for the two who stated contracts, grounded in their words.
        maya_items = " ".join(i.text.lower() for i in store.items(mid, maya.id))
        tom_items = " ".join(i.text.lower() for i in store.items(mid, tom.id)
                             if i.origin != "carry")
        assert "survey" in maya_items
        # (SmolLM2 sometimes shortens "teaching statement" to "statement".)
        assert "lab" in tom_items and "statement" in tom_items
        assert store.items(mid, sam.id) == []

        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        for _ in range(3):
            await pilot.press("A", "n")
        await pilot.press("f", "y")
        assert all(i.status == "approved" for i in store.items(mid))
        assert store.meeting(mid).status == "closed"
        assert "Send the survey" in screen_text(app) or "survey" in screen_text(app).lower()
