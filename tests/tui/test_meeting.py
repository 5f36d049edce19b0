"""A whole live meeting driven through the app with Pilot.

Attendance → consent (recording refused until everyone present consents) →
all five segments with report-back marking, open discussion and an
off-the-record stretch → end → transcription and drafts → review and approval
→ recap; after each step the SQLite store is checked. The audio is real demo
speech played in real time by a FileSource into the real recorder; the
transcriber is scripted (fast) here, real Whisper in test_meeting_model.py.
"""

from __future__ import annotations

import pytest
from tui_helpers import (
    FakeClock,
    ScriptedTranscriber,
    Sources,
    build_app,
    screen_text,
    short_meeting,
    wait_for,
)

from assistant.core import locations
from assistant.core.audio.recorder import CHUNK_RE
from assistant.core.reports.recap import recap_markdown
from assistant.services.session import stored_chunks
from assistant.tui.screens.consent import ConsentScreen
from assistant.tui.screens.end import EndScreen
from assistant.tui.screens.recap import RecapScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = [pytest.mark.tui, pytest.mark.slow]

# Demo timeline indexes: Maya check-in, Maya report-back, Maya's challenge reply (spoken
# off the record), Maya's and Tom's contracts.
# The pauses leave room for key presses, so the clock never falls behind the audio.
PICK = [("checkin", 0, 0.6), ("report", 4, 6.0), ("offrec", 9, 3.0), ("maya", 11, 0.6),
        ("tom", 12, 0.6)]


async def drive_meeting(pilot, app, store, clock: FakeClock, sources: Sources, meeting) -> dict:
    """Run the meeting from the home screen to the end screen; return the times used."""
    lines = meeting.lines
    t0 = clock.t
    circle = store.circle("Demo Circle")
    maya, tom, lena, sam = store.members(circle)

    async def at(seconds: float) -> float:
        """Move the meeting clock to where the audio is, once it has reached `seconds`."""
        now = await sources.reach(pilot, seconds)
        clock.t = t0 + now
        return now

    def sync() -> None:
        clock.t = t0 + sources.position()

    # --- attendance: Lena is away ------------------------------------------------------
    await pilot.press("s")
    await pilot.press("3")  # untick Lena
    await pilot.press("c")
    assert isinstance(app.screen, ConsentScreen)
    mid = app.session.meeting.id
    assert [m.name for m in store.attendees(mid)] == ["Maya", "Tom", "Sam"]

    # --- consent: refused until all three consent ---------------------------------------
    await pilot.press("r")
    assert isinstance(app.screen, ConsentScreen)
    assert app.session.recorder is None and not sources.made
    await pilot.press("1", "2", "r")
    assert isinstance(app.screen, ConsentScreen), "recording must wait for Sam"
    assert "Recording waits for: Sam" in screen_text(app)
    await pilot.press("3")
    await pilot.press("r")
    assert isinstance(app.screen, TimekeeperScreen)
    assert app.session.is_recording
    events = [(m, g) for m, g, _ in store.consent_events(mid)]
    assert events == [(maya.id, True), (tom.id, True), (sam.id, True)]

    # --- check-in ---------------------------------------------------------------------------
    await at(lines["checkin"][1] + 0.2)
    await pilot.press("n", "n", "n")  # Tom, Sam (silent), then report-back: Maya
    # --- report-back: Maya is done; Tom carries over; Sam partly ----------------------------
    text = screen_text(app)
    assert "Maya's last contract" in text and "Finish the survey questions" in text
    await at(lines["report"][0] + 1.0)
    await pilot.press("d")  # while she speaks
    await at(lines["report"][1] + 0.2)
    await pilot.press("n", "c", "n", "h")
    # --- challenges: open discussion, then Maya speaks off the record -----------------------
    await pilot.press("n")
    assert app.session.timekeeper.segment().id == "challenges"
    sync()
    await pilot.press("1")  # now speaking: Maya; she asks to go off the record
    sync()
    off_from = clock.t - t0
    await pilot.press("o")
    assert "OFF THE RECORD" in screen_text(app)
    assert not app.session.is_recording
    off_to = await at(lines["offrec"][1] + 0.2)
    await pilot.press("o")
    assert app.session.is_recording
    # On a loaded machine the keys may come late; the test is only valid if they did not.
    assert off_from < lines["offrec"][0] - 0.3 and off_to < lines["maya"][0] - 0.3, (
        "the machine is too busy for this real-time test")
    # --- contracts: Maya, Tom (both speak), Sam (silent) -------------------------------------
    await pilot.press("n")
    assert app.session.timekeeper.segment().id == "contracts"
    await at(lines["maya"][1] + 0.2)
    await pilot.press("n")
    await at(lines["tom"][1] + 0.2)
    await pilot.press("n", "n")
    # --- appreciations, the end ---------------------------------------------------------
    assert app.session.timekeeper.segment().id == "appreciations"
    await pilot.press("n", "n")
    assert sources.made[-1].wait(30)
    await pilot.press("n")  # past the last turn: asks first
    await pilot.press("y")
    assert isinstance(app.screen, EndScreen)
    return {"mid": mid, "off": (off_from, off_to), "ids": (maya, tom, lena, sam),
            "end": clock.t - t0}


async def finish_processing(pilot, app) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, EndScreen) and app.screen.done,
                   timeout=240, what="transcription and drafting")
    assert app.screen.error is None, app.screen.error


@pytest.mark.asyncio
async def test_a_whole_meeting(store) -> None:
    meeting = short_meeting(PICK)
    clock = FakeClock()
    sources = Sources(meeting.audio)
    transcribers: list[ScriptedTranscriber] = []

    def transcriber() -> ScriptedTranscriber:
        t = ScriptedTranscriber(meeting.script)
        transcribers.append(t)
        return t

    app = build_app(store, clock=clock, transcriber=transcriber, source=sources)
    async with app.run_test(size=(80, 24)) as pilot:
        r = await drive_meeting(pilot, app, store, clock, sources, meeting)
        mid = r["mid"]
        maya, tom, _lena, sam = r["ids"]
        tk_screen_transcript = app.session  # kept for the live checks below
        await finish_processing(pilot, app)
        text = screen_text(app)
        # Tom: two drafts from what he said and the item he carried over at report-back.
        assert "Maya: 1 draft item" in text and "Tom: 3 draft items" in text

        # --- the store after the meeting ---------------------------------------------
        m = store.meeting(mid)
        assert m.status == "drafted" and m.source == "live"
        assert m.duration == pytest.approx(r["end"], abs=0.01)
        turns = store.turns(mid)
        segs = [t.segment for t in turns]
        assert segs == sorted(segs, key=["check_in", "report_back", "challenges", "contracts",
                                         "appreciations"].index)
        assert set(segs) == {"check_in", "report_back", "challenges", "contracts"}
        by_seg = {(t.segment, t.member_id) for t in turns}
        assert ("check_in", maya.id) in by_seg and ("contracts", tom.id) in by_seg
        assert ("challenges", None) in by_seg and ("challenges", maya.id) in by_seg
        off = [tuple(r) for r in store.db.execute(
            "SELECT start, end FROM turns WHERE meeting_id = ? AND off_record = 1", (mid,))]
        assert off == [pytest.approx(r["off"], abs=0.01)]
        # The recorder's clock and the timekeeper's agree to within a key press.
        off_from, off_to = r["off"]

        # Audio: chunk files listed in the store, none covering the off-the-record stretch.
        chunks = stored_chunks(store, mid)
        assert chunks and all(c.closed and c.path.exists() for c in chunks)
        audio_dir = locations.audio_dir() / str(mid)
        assert sorted(p.name for p in audio_dir.iterdir() if CHUNK_RE.match(p.name)) == sorted(
            c.path.name for c in chunks)
        for c in chunks:
            c_end = c.start + c.frames / 16000
            assert c_end <= off_from + 0.25 or c.start >= off_to - 0.25, (c.start, c_end)
        recorded = sum(c.frames for c in chunks) / 16000
        assert recorded == pytest.approx(len(meeting.audio) / 16000 - (off_to - off_from),
                                         abs=1.0)

        # Transcript: what was said on the record, attributed by turn; nothing off it.
        segments = store.segments(mid)
        said = {s.text: (s.member_id, s.segment) for s in segments}
        assert said[meeting.lines["checkin"][2]] == (maya.id, "check_in")
        assert said[meeting.lines["report"][2]] == (maya.id, "report_back")
        assert said[meeting.lines["maya"][2]] == (maya.id, "contracts")
        assert said[meeting.lines["tom"][2]] == (tom.id, "contracts")
        assert meeting.lines["offrec"][2] not in said

        # Live transcription ran during the meeting and caught up at the end.
        live = tk_screen_transcript.live
        assert live is not None and live.stats.transcribed >= 3 and live.behind_s == 0
        assert live.stats.lag_percentile(50) is not None

        # Report-back marked during the meeting; Tom's item carried over as a draft.
        prev = {i.member_id: i for i in store.items(store.previous_meeting(
            store.circle("Demo Circle"), m.date, exclude=mid).id)}
        confirmed = {r.item_id: r.status for r in store.report_back(mid) if r.confirmed}
        assert confirmed == {prev[maya.id].id: "done", prev[tom.id].id: "carried_over",
                             prev[sam.id].id: "partial"}
        drafts = {mm.id: store.items(mid, mm.id) for mm in (maya, tom, sam)}
        assert [i.origin for i in drafts[tom.id]].count("carry") == 1
        carry = next(i for i in drafts[tom.id] if i.origin == "carry")
        assert carry.carried_from == prev[tom.id].id and carry.status == "draft"
        maya_text = " ".join(i.text.lower() for i in drafts[maya.id])
        assert "survey" in maya_text and "ten students" in maya_text
        tom_text = " ".join(i.text.lower() for i in drafts[tom.id])
        assert "labs" in tom_text and "teaching statement" in tom_text
        assert drafts[sam.id] == []
        assert all(i.status == "draft" for d in drafts.values() for i in d)

        # --- review: each member in turn --------------------------------------------
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert "Review — Maya" in screen_text(app)
        await pilot.press("A")  # Maya approves all hers
        await pilot.press("n")
        assert "Review — Tom" in screen_text(app)
        # Tom rewrites the first item he said, deletes the carried-over one, approves the rest.
        rows = store.items(mid, tom.id)

        async def go_to_row(row: int) -> None:
            await pilot.press(*["up"] * len(rows), *["down"] * row)

        said_first = next(i for i in rows if i.origin != "carry")
        await go_to_row(rows.index(said_first))
        await pilot.press("e")
        await pilot.press("ctrl+a", "ctrl+k")
        await pilot.press(*"Email two more labs about postdocs")
        await pilot.press("enter")
        assert store.item(said_first.id).text == "Email two more labs about postdocs"
        await go_to_row([i.id for i in rows].index(carry.id))
        await pilot.press("d")
        assert store.item(carry.id).status == "deleted"
        await pilot.press("A")
        await pilot.press("n")
        assert "Review — Sam" in screen_text(app)
        await pilot.press("a")
        await pilot.press(*"Book flights for the conference")
        await pilot.press("enter")
        await pilot.press("space")
        items = store.items(mid)
        assert all(i.status == "approved" and i.approved_at for i in items)
        sam_items = store.items(mid, sam.id)
        assert [(i.text, i.origin, i.due) for i in sam_items] == [
            ("Book flights for the conference", "manual", m.next_meeting)]
        await pilot.press("f", "y")
        assert isinstance(app.screen, RecapScreen)
        assert store.meeting(mid).status == "closed"
        # Reviewed: the raw audio is gone, as the consent screen said it would be.
        assert stored_chunks(store, mid) == [] and not audio_dir.exists()
        shown = screen_text(app)
        assert "Maya: Finish the survey questions for the pilot study — done" in shown
        assert "Send the survey to ten students" in shown
        recap = recap_markdown(store, mid)
        assert "Book flights for the conference" in recap
        assert "Email two more labs about postdocs" in recap
        # The recap holds contracts, never transcript text.
        assert meeting.lines["checkin"][2][:20] not in recap
        await pilot.press("escape")
        assert "Demo Circle" in screen_text(app)
