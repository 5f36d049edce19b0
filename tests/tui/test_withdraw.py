"""Withdrawing consent mid-meeting, then Keep or Delete for what was said before.

Real demo speech plays in real time from a FileSource into the real recorder; the app is
driven with Pilot. Maya and Tom speak their check-ins, Tom withdraws consent at the end
of his (recording stops), chooses, consents again, and Lena speaks. The chunk files are
then compared sample for sample with what was played: with Delete, Tom's turn (plus the
pad) is silent and everything else is as recorded; with Keep, nothing changed. The
transcriber is scripted (it hears the script lines inside the audio it is given).
"""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import Button
from tui_helpers import (
    FakeClock,
    ScriptedTranscriber,
    Sources,
    build_app,
    short_meeting,
    wait_for,
)

from assistant.core.audio.recorder import RATE, read_chunks
from assistant.core.privacy import erase
from assistant.core.store.store import Store
from assistant.services.session import stored_chunks
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.modals import ConsentModal, EraseChoiceModal
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = [pytest.mark.tui, pytest.mark.slow]

# Check-ins of Maya, Tom, Lena; the pause after Tom's leaves room for the dialogs.
PICK = [("maya", 0, 0.8), ("tom", 1, 3.5), ("lena", 2, 0.8)]


def as_recorded(audio: np.ndarray) -> np.ndarray:
    """What the FileSource hands the recorder: int16, rounded like the recorder does."""
    return np.clip(np.round(audio.astype(np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def chunk_samples(store: Store, mid: int) -> list[tuple[int, np.ndarray]]:
    """(first sample on the meeting clock, int16 samples) of every stored chunk."""
    chunks = [c for c in stored_chunks(store, mid) if c.frames]
    return [(round(start * RATE), np.round(a * 32768.0).astype(np.int16))
            for start, a in read_chunks(chunks)]


async def meeting_with_withdrawal(pilot, app, store: Store, clock: FakeClock, sources: Sources,
                                  meeting, choose: str, made: list[ScriptedTranscriber]) -> dict:
    lines = meeting.lines
    t0 = clock.t

    async def at(seconds: float) -> float:
        now = await sources.reach(pilot, seconds)
        clock.t = t0 + now
        return now

    def sync() -> None:
        clock.t = t0 + sources.position()

    await pilot.press("s", "c", "1", "2", "3", "4", "r")
    assert isinstance(app.screen, TimekeeperScreen) and app.session.is_recording
    session = app.session
    tom = session.present[1]
    await at(lines["maya"][1] + 0.2)
    await pilot.press("n")  # Tom's turn
    withdrawn = await at(lines["tom"][1] + 0.2)
    await pilot.press("w", "2")  # Tom withdraws while his turn is still open
    assert not session.is_recording and not session.consent.granted(tom.id)
    assert isinstance(app.screen, EraseChoiceModal)
    assert isinstance(app.focused, Button) and app.focused.id == "keep"  # the safe default
    await pilot.press(choose)
    assert isinstance(app.screen, ConsentModal)
    await app.workers.wait_for_complete()
    erased_live = list(session.erased)
    await pilot.press("2", "escape")  # Tom consents again; back to the timekeeper
    tk_screen = app.screen
    assert isinstance(tk_screen, TimekeeperScreen) and session.consent.granted(tom.id)
    sync()
    await pilot.press("n")  # Lena's turn
    lena_from = clock.t - t0
    assert withdrawn < lines["tom"][1] + 0.6 and lena_from < lines["lena"][0] - 0.3, (
        "the machine is too busy for this real-time test")
    await at(lines["lena"][1] + 0.2)
    assert sources.made[-1].wait(30)
    await wait_for(pilot, lambda: any(x[3] == lines["lena"][2] for x in tk_screen.transcript),
                   timeout=30, what="the live transcript of Lena's check-in")
    live_calls = {id(t): len(t.calls) for t in made}
    await pilot.press("e", "y")
    assert isinstance(app.screen, EndScreen)
    await wait_for(pilot, lambda: app.screen.done, timeout=120, what="processing")
    assert app.screen.error is None, app.screen.error
    # Calls made for the transcription after the meeting (not by the live pass).
    after = [c for t in made for c in t.calls[live_calls.get(id(t), 0):]]
    return {"mid": session.meeting.id, "tom": tom, "erased_live": erased_live,
            "live": [x[3] for x in tk_screen.transcript], "after_calls": after}


def transcriber_for(meeting, made: list[ScriptedTranscriber]):  # type: ignore[no-untyped-def]
    def make() -> ScriptedTranscriber:
        t = ScriptedTranscriber(meeting.script)
        made.append(t)
        return t
    return make


def withdrawal_app(store: Store):  # type: ignore[no-untyped-def]
    """The short meeting, its clock, audio sources, transcribers made, and the app."""
    meeting = short_meeting(PICK)
    clock = FakeClock()
    sources = Sources(meeting.audio)
    made: list[ScriptedTranscriber] = []
    app = build_app(store, clock=clock, transcriber=transcriber_for(meeting, made),
                    source=sources)
    return meeting, clock, sources, made, app


@pytest.mark.asyncio
async def test_withdraw_then_delete_silences_only_their_turn(store: Store) -> None:
    meeting, clock, sources, made, app = withdrawal_app(store)
    lines = meeting.lines
    async with app.run_test(size=(100, 30)) as pilot:
        r = await meeting_with_withdrawal(pilot, app, store, clock, sources, meeting, "d", made)
        mid, tom = r["mid"], r["tom"]

        # The erased span covers Tom's whole turn (his speech inside it), padded, and
        # nothing of Maya's or Lena's speech.
        spans = erase.erased_spans(store, mid)
        assert spans == r["erased_live"] and len(spans) == 1
        (a, b), = spans
        assert a < lines["tom"][0] and b > lines["tom"][1]
        assert a >= lines["maya"][1] - erase.PAD and b < lines["lena"][0]
        rows = store.db.execute("SELECT member_id, reason FROM erasures WHERE meeting_id = ?",
                                (mid,)).fetchall()
        assert [tuple(x) for x in rows] == [(tom.id, "withdrawal")]

        # Chunks: zero inside the span, every other recorded sample as played.
        played = as_recorded(meeting.audio)
        covered = 0
        for first, samples in chunk_samples(store, mid):
            t = (first + np.arange(samples.size)) / RATE
            inside = (t >= a) & (t < b)
            assert not samples[inside].any(), "Tom's turn must be silent"
            # The span's ends are rounded outwards to whole samples: one sample of slack.
            outside = (t < a - 1 / RATE) | (t >= b + 1 / RATE)
            expect = played[first:first + samples.size]
            assert np.array_equal(samples[outside], expect[outside]), "others' audio changed"
            covered += int(inside.sum())
        assert covered / RATE > lines["tom"][1] - lines["tom"][0]  # his speech was recorded

        # The transcript: Maya's and Lena's words, never Tom's; the transcription after the
        # meeting was never even given his span (it reuses the live transcript and hears
        # again only what the live pass missed, so it may make no call at all).
        said = [s.text for s in store.segments(mid)]
        assert lines["maya"][2] in said and lines["lena"][2] in said
        assert lines["tom"][2] not in said
        assert all(end <= a + 1e-3 or start >= b - 1e-3 for start, end in r["after_calls"])
        # Nor did the live transcript keep it.
        assert lines["maya"][2] in r["live"] and lines["tom"][2] not in r["live"]
        events = [(m, g) for m, g, _ in store.consent_events(mid) if m == tom.id]
        assert events == [(tom.id, True), (tom.id, False), (tom.id, True)]


@pytest.mark.asyncio
async def test_withdraw_then_keep_deletes_nothing(store: Store) -> None:
    meeting, clock, sources, made, app = withdrawal_app(store)
    lines = meeting.lines
    async with app.run_test(size=(100, 30)) as pilot:
        r = await meeting_with_withdrawal(pilot, app, store, clock, sources, meeting, "enter",
                                          made)
        mid = r["mid"]
        assert r["erased_live"] == [] and erase.erased_spans(store, mid) == []
        played = as_recorded(meeting.audio)
        total = 0
        for first, samples in chunk_samples(store, mid):
            assert np.array_equal(samples, played[first:first + samples.size])
            total += samples.size
        assert total / RATE > lines["lena"][1] - 3.5 - 0.5  # all but the withdrawn stretch
        said = [s.text for s in store.segments(mid)]
        assert lines["tom"][2] in said and lines["maya"][2] in said
        assert lines["tom"][2] in r["live"]
