"""The processing flow (services/processing.py): audio slices and the second pass, member
writes, and the flow run twice, interrupted and without audio (scripted transcriber)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.core.drafting import prompts
from assistant.core.drafting.attribution import SPILL, TurnSpan, Utterance
from assistant.core.speech.types import SpeechSegment, Word
from assistant.services.processing import _slice, reach, refine_contracts, run_on, turn_prompt

RATE = 16000


def _ramp(start: float, seconds: float) -> tuple[float, np.ndarray]:
    """Audio whose every sample encodes its own meeting time, so slices can be checked."""
    n = int(seconds * RATE)
    return start, (start + np.arange(n) / RATE).astype(np.float64)


def test_slice_picks_the_piece_that_covers_the_range_among_overlapping_ones() -> None:
    pieces = [_ramp(9.0, 12.0), _ramp(19.5, 8.0)]  # [9, 21) and [19.5, 27.5) overlap
    start, audio = _slice(pieces, 19.5, 26.0)
    assert start == 19.5
    assert len(audio) == int(6.5 * RATE)
    assert abs(audio[0] - 19.5) < 1e-6 and abs(audio[-1] - 26.0) < 1e-3


def test_slice_reports_a_later_true_start() -> None:
    pieces = [_ramp(10.0, 5.0)]
    start, audio = _slice(pieces, 8.0, 12.0)
    assert start == 10.0 and abs(audio[0] - 10.0) < 1e-6 and len(audio) == 2 * RATE


def test_slice_outside_every_piece_is_empty() -> None:
    start, audio = _slice([_ramp(0.0, 1.0)], 5.0, 6.0)
    assert audio.size == 0 and start == 5.0


class EchoTranscriber:
    """Says where its audio starts and ends, as two words with those times."""

    name = "echo"

    def __init__(self) -> None:
        self.prompts: list[str | None] = []

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        self.prompts.append(prompt)
        first, last = float(audio[0]), float(audio[-1])
        words = (Word(first + 0.1, first + 0.2, " early", 1.0),
                 Word(first + 1.2, last - 1.2, " committed", 1.0),
                 Word(last - 0.2, last - 0.1, " late", 1.0))
        return [SpeechSegment(words[0].start, words[-1].end, "x", words)]


def test_second_pass_replaces_only_contracts_turns_and_keeps_words_inside_the_turn() -> None:
    check = TurnSpan(1, 7, "Ana", "check_in", 0.0, 5.0)
    turn_a = TurnSpan(2, 7, "Ana", "contracts", 10.0, 20.0)
    turn_b = TurnSpan(3, 8, "Ben", "contracts", 20.5, 26.0)
    pieces = [_ramp(9.0, 12.0), _ramp(19.5, 7.5)]
    first = [Utterance(check, 0.0, 5.0, "hello"), Utterance(turn_a, 10.0, 20.0, "misheard"),
             Utterance(turn_b, 20.5, 26.0, "misheard too")]
    t = EchoTranscriber()
    out = refine_contracts(t, pieces, first, {7: "Words: Ana advisor.", 8: "Words: Ben."})
    texts = {u.turn.turn_id: u.text for u in out if u.turn}
    assert texts[1] == "hello"
    # The padded audio's first and last words lie outside the turn and are dropped.
    assert texts[2] == "committed" and texts[3] == "committed"
    # Contracts turns: the words of academic work first, the member's own words last.
    common = " ".join(prompts.load_words("contract_words").listed())
    assert t.prompts == [f"Words: {common} Ana advisor.", f"Words: {common} Ben."]
    assert [u.start for u in out] == sorted(u.start for u in out)


def test_only_contracts_turns_get_the_words_of_academic_work() -> None:
    common = prompts.load_words("contract_words").listed()
    assert {"manuscript", "grant", "committee"} <= set(common)
    said = turn_prompt("contracts", "Words: Ana advisor.")
    assert said.startswith("Words: manuscript ") and said.endswith(" Ana advisor.")
    assert turn_prompt("report_back", "Words: Ana advisor.") == "Words: Ana advisor."
    assert turn_prompt("contracts", "") == ""  # the plain pass: no prompt at all


class SentenceTranscriber:
    """Hears one sentence that starts in Ana's turn and runs 1.5 s past the key press,
    then Ben's first sentence, wherever its audio covers them."""

    name = "sentence"

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        end = offset + len(audio) / RATE
        said = [" I will write the results section", " every", " morning.", " Thanks", " Ana."]
        times = [(16.0, 18.5), (18.6, 19.2), (19.3, 21.5), (22.5, 23.0), (23.0, 23.5)]
        words = tuple(Word(a, b, w, 0.9) for w, (a, b) in zip(said, times, strict=True)
                      if offset <= a and b <= end)
        return [SpeechSegment(words[0].start, words[-1].end, "x", words)] if words else []


def test_second_pass_hears_the_whole_sentence_attribution_gave_the_turn() -> None:
    # The key press at 20.0 cut Ana's sentence; attribution gave her all of it (to 21.5)
    # and Ben his own from 22.5. The second pass hears Ana to 21.5, Ben from there.
    turn_a = TurnSpan(2, 7, "Ana", "contracts", 10.0, 20.0)
    turn_b = TurnSpan(3, 8, "Ben", "contracts", 20.0, 30.0)
    pieces = [(0.0, np.zeros(40 * RATE, dtype=np.float32))]
    first = [Utterance(turn_a, 16.0, 21.5, "I will write the results section every morning."),
             Utterance(turn_b, 22.5, 23.5, "Thanks Ana.")]
    assert reach(turn_a, first) == (10.0, 21.5) and reach(turn_b, first) == (21.5, 30.0)
    out = refine_contracts(SentenceTranscriber(), pieces, first, None)
    texts = {u.turn.turn_id: u.text for u in out if u.turn}
    assert texts == {2: "I will write the results section every morning.", 3: "Thanks Ana."}


class ShiftedTranscriber:
    """Hears Ana's last word again, placed 0.4 s later than the first pass put it (timings
    move between passes, as tiny.en's did in CI), then Ben's words."""

    name = "shifted"

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        end = offset + len(audio) / RATE
        said = [" morning.", " Thanks", " Ana."]
        times = [(20.8, 21.5), (22.5, 23.0), (23.0, 23.5)]  # first pass: morning to 21.5
        words = tuple(Word(a, b, w, 0.9) for w, (a, b) in zip(said, times, strict=True)
                      if offset <= a and b <= end)
        return [SpeechSegment(words[0].start, words[-1].end, "x", words)] if words else []


def test_a_neighbours_last_word_heard_again_does_not_start_the_next_turn() -> None:
    # Ben's reach starts where Ana's phrase ends (21.5): no silence there to stretch into,
    # so "morning" (midpoint 21.15, within the usual slack) stays Ana's.
    turn_a = TurnSpan(2, 7, "Ana", "contracts", 10.0, 20.0)
    turn_b = TurnSpan(3, 8, "Ben", "contracts", 20.0, 30.0)
    pieces = [(0.0, np.zeros(40 * RATE, dtype=np.float32))]
    first = [Utterance(turn_a, 16.0, 21.5, "I will write every morning."),
             Utterance(turn_b, 22.5, 23.5, "Thanks Ana.")]
    out = refine_contracts(ShiftedTranscriber(), pieces, first, None, done={2})
    assert {u.turn.turn_id: u.text for u in out if u.turn}[3] == "Thanks Ana."


def test_the_reach_runs_on_at_most_spill_seconds_past_the_press() -> None:
    turn_a = TurnSpan(2, 7, "Ana", "contracts", 10.0, 20.0)
    assert reach(turn_a, [Utterance(turn_a, 12.0, 29.0, "a long run-on")]) == (
        10.0, 20.0 + SPILL)
    assert reach(turn_a, []) == (10.0, 20.0)


def test_an_item_carried_over_by_the_timekeeper_is_not_drafted_twice() -> None:
    import datetime as dt

    from assistant.core.drafting.contracts import DraftItem
    from assistant.core.store.store import Store
    from assistant.services.processing import MemberAnalysis, write_member

    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana"])
    ana = store.members(circle)[0]
    old_meeting = store.create_meeting(circle, "2026-02-19", "2026-03-05", "manual", "closed")
    old = store.add_item(old_meeting.id, ana.id, "Finish the review", status="approved")
    meeting = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live", "open")
    # The timekeeper pressed "carry over" at Ana's report-back turn.
    store.add_item(meeting.id, ana.id, old.text, origin="carry", carried_from=old.id)
    due = dt.date(2026, 3, 19)
    analysis = MemberAnalysis(ana.id, drafts=[
        DraftItem(old.text, due, False, "I'm carrying it over.", 1.0, 2.0, "carry", old.id),
        DraftItem("Email the editor", due, False, "I will email the editor.", 3.0, 4.0, "rule"),
    ])
    assert write_member(store, meeting.id, analysis) == 1
    texts = sorted(i.text for i in store.items(meeting.id))
    assert texts == ["Email the editor", "Finish the review"]


# --- the flow itself, with a scripted transcriber (logic only; tests/tui/test_one_flow.py
# --- runs the real models through all three callers) --------------------------------------


class Scripted:
    """Hears two contracts, one per member, wherever its audio covers them."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        self.calls += 1
        end = offset + len(audio) / RATE
        said = [(0.5, 2.5, "I will send the survey to ten students."),
                (3.5, 5.5, "I will email two more labs.")]
        return [SpeechSegment(a, b, t) for a, b, t in said if offset <= (a + b) / 2 < end]


def _meeting():  # type: ignore[no-untyped-def]
    from assistant.core.store.store import Store

    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana", "Ben"])
    ana, ben = store.members(circle)
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live")
    store.set_attendance(m.id, {ana.id: True, ben.id: True})
    store.add_turns(m.id, [(ana.id, "contracts", 0.0, 3.0), (ben.id, "contracts", 3.0, 6.0)])
    return store, m.id


def test_the_flow_runs_once_and_a_second_run_changes_nothing() -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.store.status import MeetingStatus
    from assistant.services import processing

    store, mid = _meeting()
    t, built = Scripted(), []
    models = processing.Models(lambda: t, lambda: built.append(1) or Drafter(None))
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    seen: list[str] = []

    class Noted(processing.Listener):
        def drafted(self, member, items):  # type: ignore[no-untyped-def]
            seen.append(f"{member.name}: {items}")

    processing.process(store, mid, models, contract_pass="off", audio=audio, listener=Noted())
    assert store.meeting(mid).status == MeetingStatus.DRAFTED
    # The LLM is built before the first pass (a missing one fails early), let go during it
    # (memory: Models.set_aside) and built again to draft.
    assert seen == ["Ana: 1", "Ben: 1"] and t.calls == 1 and built == [1, 1]
    items = store.items(mid)
    segments = store.segments(mid)
    processing.process(store, mid, models, contract_pass="off", audio=audio, listener=Noted())
    assert store.items(mid) == items and store.segments(mid) == segments and t.calls == 1
    assert seen == ["Ana: 1", "Ben: 1"]


def test_a_transcript_is_written_once() -> None:
    from assistant.core.store.status import MeetingStatus
    from assistant.services import processing

    store, mid = _meeting()
    spans = processing.spans_for(store, mid)
    said = [Utterance(spans[0], 0.5, 2.5, "I will send the survey.")]
    assert processing.write_transcript(store, mid, said, 6.0) == 1
    # Another process got there first: nothing is written twice.
    assert processing.write_transcript(store, mid, said, 6.0) is None
    assert len(store.segments(mid)) == 1
    m = store.meeting(mid)
    assert (m.status, m.duration) == (MeetingStatus.TRANSCRIBED, 6.0)


def test_a_drafting_failure_keeps_the_transcript_and_the_rerun_drafts_the_rest() -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.store.status import MeetingStatus
    from assistant.services import processing

    class Failing(Drafter):
        def draft(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.ok == 0:
                raise RuntimeError("the model crashed")
            self.ok -= 1
            return super().draft(*args, **kwargs)

    store, mid = _meeting()
    failing = Failing(None)
    failing.ok = 1  # type: ignore[attr-defined]
    t = Scripted()
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    with pytest.raises(RuntimeError):
        processing.process(store, mid, processing.Models(lambda: t, lambda: failing),
                           contract_pass="off", audio=audio)
    assert store.meeting(mid).status == MeetingStatus.TRANSCRIBED
    assert [i.text for i in store.items(mid)] == ["Send the survey to ten students"]
    # The retry (the end screen's r, or `pmc meeting resume`) hears nothing again.
    processing.process(store, mid, processing.Models(lambda: t, lambda: Drafter(None)),
                       contract_pass="off", audio=audio)
    assert t.calls == 1 and store.meeting(mid).status == MeetingStatus.DRAFTED
    assert [i.text for i in store.items(mid)] == ["Send the survey to ten students",
                                                 "Email two more labs"]


def test_nothing_recorded_needs_no_model() -> None:
    from assistant.core.store.status import MeetingStatus
    from assistant.services import processing

    def never():  # type: ignore[no-untyped-def]
        raise AssertionError("no model without audio")

    store, mid = _meeting()
    processing.process(store, mid, processing.Models(never, never), contract_pass="prompted",
                       audio=[])
    assert store.meeting(mid).status == MeetingStatus.DRAFTED and store.items(mid) == []


def test_an_unknown_contract_pass_is_refused() -> None:
    from assistant.services import processing

    with pytest.raises(ValueError, match="contract_pass"):
        processing.needs_second_pass("loud", [(0.0, np.zeros(10, dtype=np.float32))])


def test_speech_going_on_at_the_press_widens_the_reach_to_the_next_pause() -> None:
    turn_a = TurnSpan(2, 7, "Ana", "contracts", 10.0, 20.0)
    # Speech from 18.0 to 21.4 (Ana finishing), a pause, then Ben from 22.2.
    speech = [(18.0, 21.4), (22.2, 25.0)]
    assert run_on(20.0, speech) == 21.4 and run_on(21.8, speech) == 21.8
    assert reach(turn_a, [], speech) == (10.0, 21.4)
    assert run_on(20.0, [(18.0, 40.0)]) == 20.0 + SPILL  # never more than SPILL
    # Ben's first words, placed by attribution, still bound it.
    ben = TurnSpan(3, 8, "Ben", "contracts", 20.0, 30.0)
    assert reach(turn_a, [Utterance(ben, 21.0, 23.0, "Hi.")], speech) == (10.0, 21.0)


class HeardTwice:
    """The first pass hears Ana's contract; the second pass of her turn only 'Um, the.'
    (a final transcript that lost it)."""

    name = "twice"

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        end = offset + len(audio) / RATE
        if prompt is None:  # the first pass, over the whole meeting
            said = [(0.5, 2.5, "I will send the survey to ten students."),
                    (3.5, 5.5, "I will email two more labs.")]
        else:
            said = [(0.5, 2.5, "Um, the."), (3.5, 5.5, "I will email two more labs.")]
        return [SpeechSegment(a, b, t, (Word(a, b, " " + t, 0.9),)) for a, b, t in said
                if offset <= (a + b) / 2 < end]


def test_a_commitment_only_the_first_hearing_caught_is_drafted_and_marked() -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.services import processing

    store, mid = _meeting()
    ana, ben = store.attendees(mid)
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    processing.process(store, mid, processing.Models(HeardTwice, lambda: Drafter(None)),
                       contract_pass="prompted", audio=audio)
    said = {s.member_id: s.text for s in store.segments(mid)}
    assert said[ana.id] == "Um, the."  # the final transcript kept what the second pass heard
    items = [(i.text, i.origin, i.quote) for i in store.items(mid, ana.id)]
    assert items == [("Send the survey to ten students", processing.FIRST_PASS,
                      "I will send the survey to ten students.")]
    # Ben's final words gave a commitment: drafted from them, as always.
    assert [(i.text, i.origin) for i in store.items(mid, ben.id)] == [
        ("Email two more labs", "rule")]


def test_the_first_hearing_is_not_read_where_it_was_erased() -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.services import processing

    store, mid = _meeting()
    ana, _ben = store.attendees(mid)
    # Ana withdrew and chose Delete; the audio given here still holds her words.
    store.erase_member_text(mid, ana.id, [(0.0, 3.0)], "withdrawal")
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    processing.process(store, mid, processing.Models(HeardTwice, lambda: Drafter(None)),
                       contract_pass="prompted", audio=audio)
    assert store.items(mid, ana.id) == []


def test_after_a_crash_resume_still_drafts_what_only_the_first_hearing_caught(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`pmc meeting resume` of a meeting a crash stopped while recording: the live
    transcript is gone, so the first hearing is the resume's own pass over the recording;
    Ana's commitment, lost by the second pass, is still drafted (and marked)."""
    from assistant.core.audio.chunks import meeting_audio_dir
    from assistant.core.audio.recorder import chunk_name
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.store.store import Store
    from assistant.services import processing, resume

    store = Store(tmp_path / "db.sqlite3")
    circle = store.create_circle("C", ["Ana", "Ben"])
    ana, ben = store.members(circle)
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live")
    store.set_attendance(m.id, {ana.id: True, ben.id: True})
    store.add_turns(m.id, [(ana.id, "contracts", 0.0, 3.0), (ben.id, "contracts", 3.0, 6.0)])
    # The recorder's chunk, never listed: the process was killed mid-write.
    folder = meeting_audio_dir(m.id)
    folder.mkdir(parents=True)
    pcm = np.full(6 * RATE, 3000, dtype="<i2").tobytes()
    (folder / chunk_name(0, 0)).write_bytes(pcm + b"\x01")
    resume.resume_meeting(store, m.id, processing.Models(HeardTwice, lambda: Drafter(None)))
    items = [(i.text, i.origin) for i in store.items(m.id, ana.id)]
    assert items == [("Send the survey to ten students", processing.FIRST_PASS)]
    assert [(i.text, i.origin) for i in store.items(m.id, ben.id)] == [
        ("Email two more labs", "rule")]
    store.close()


def test_a_crash_between_the_transcript_and_the_drafts_keeps_the_first_hearing() -> None:
    """Killed after the transcript was written, before Ana was drafted: resume drafts her
    from the first hearing all the same (it was kept with the transcript)."""
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.store.status import MeetingStatus
    from assistant.services import processing, resume

    store, mid = _meeting()
    ana, ben = store.attendees(mid)
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    heard = processing.hear(HeardTwice(), audio)
    processing.transcribe_meeting(store, mid, HeardTwice(), heard, "prompted",
                                  processing.Listener())
    assert store.meeting(mid).status == MeetingStatus.TRANSCRIBED  # then the crash
    resume.resume_meeting(store, mid, processing.Models(HeardTwice, lambda: Drafter(None)))
    assert [(i.text, i.origin) for i in store.items(mid, ana.id)] == [
        ("Send the survey to ten students", processing.FIRST_PASS)]
    assert [(i.text, i.origin) for i in store.items(mid, ben.id)] == [
        ("Email two more labs", "rule")]
    assert store.first_heard(mid) == []  # kept only until everyone is drafted


def test_the_contracts_pass_uses_its_own_model_and_the_first_pass_the_meetings() -> None:
    """`Models.refiner` (settings' contract_model): the whole meeting is heard once by the
    transcriber, and each contracts turn again by the refiner only."""
    from assistant.core.drafting.contracts import Drafter
    from assistant.services import processing

    store, mid = _meeting()
    first, second = Scripted(), Scripted()
    models = processing.Models(lambda: first, lambda: Drafter(None), lambda: second)
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    processing.process(store, mid, models, contract_pass="prompted", audio=audio)
    assert first.calls == 1 and second.calls == 2  # two contracts turns


def test_the_two_speech_models_are_never_held_at_once_while_one_works() -> None:
    """Memory (Models.set_aside, done_listening): both are built before the first pass (a
    missing model fails early), the contracts model is let go while the first pass runs and
    built again after it, and the first pass's model is let go before the second pass."""
    import gc
    import weakref

    from assistant.core.drafting.contracts import Drafter
    from assistant.services import processing

    alive: dict[str, list[weakref.ref[Scripted]]] = {"first": [], "second": []}
    seen: list[tuple[str, int]] = []  # (which model works, how many of the other are alive)

    def made(kind: str, other: str) -> Scripted:
        class Watched(Scripted):
            def transcribe(self, *a, **kw):  # type: ignore[no-untyped-def]
                gc.collect()
                seen.append((kind, sum(r() is not None for r in alive[other])))
                return super().transcribe(*a, **kw)

        model = Watched()
        alive[kind].append(weakref.ref(model))
        return model

    store, mid = _meeting()
    models = processing.Models(lambda: made("first", "second"), lambda: Drafter(None),
                               lambda: made("second", "first"))
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    processing.process(store, mid, models, contract_pass="prompted", audio=audio)
    assert seen == [("first", 0), ("second", 0), ("second", 0)]
    assert len(alive["first"]) == 1 and len(alive["second"]) == 2  # built early, then again
    assert [i.text for m in store.attendees(mid) for i in store.items(mid, m.id)] == [
        "Send the survey to ten students", "Email two more labs"]


def test_a_refiner_factory_that_gives_none_means_the_transcriber() -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.services import processing

    store, mid = _meeting()
    t, asked = Scripted(), []
    models = processing.Models(lambda: t, lambda: Drafter(None),
                               lambda: asked.append(1))  # type: ignore[func-returns-value]
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    processing.process(store, mid, models, contract_pass="prompted", audio=audio)
    assert t.calls == 3 and asked == [1]  # asked once, then the transcriber is kept
    assert models.refiner() is t and asked == [1]



def test_a_report_back_turn_is_heard_again_with_its_prompt_and_one_without_audio_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.services import processing

    monkeypatch.setattr(processing, "REFINED_SEGMENTS", ("contracts", "report_back"))
    report = TurnSpan(1, 7, "Ana", "report_back", 10.0, 20.0)
    challenge = TurnSpan(2, 7, "Ana", "challenges", 20.5, 26.0)
    later = TurnSpan(3, 8, "Ben", "report_back", 40.0, 45.0)  # no audio held for it
    # Only its last seconds held (a contracts turn's window after a live meeting): a part
    # heard again must not replace the whole turn.
    cut = TurnSpan(4, 9, "Cy", "report_back", 50.0, 60.0)
    first = [Utterance(report, 10.0, 20.0, "misheard"), Utterance(challenge, 20.5, 26.0, "as is"),
             Utterance(later, 40.0, 45.0, "first hearing"),
             Utterance(cut, 50.0, 60.0, "the whole turn")]
    t = EchoTranscriber()
    out = refine_contracts(t, [_ramp(9.0, 12.0), _ramp(19.5, 7.5), _ramp(57.0, 8.0)], first,
                           {7: "Words: Ana survey.", 8: "Words: Ben.", 9: "Words: Cy."})
    texts = {u.turn.turn_id: u.text for u in out if u.turn}
    assert texts == {1: "committed", 2: "as is", 3: "first hearing", 4: "the whole turn"}
    assert t.prompts == ["Words: Ana survey."]
