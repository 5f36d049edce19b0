"""Drafting during the meeting (services/live_drafts.py) and what it leans on: the audio
kept in memory (core/audio/tail.py), a turn said again replacing its drafts
(`write_member(replace=True)`), and turns heard during the meeting not heard again at the
end (`Heard.refined`). A scripted transcriber and the rule drafter: logic only."""

from __future__ import annotations

import datetime as dt
import threading
import time

import numpy as np

from assistant.core.audio.tail import AudioTail
from assistant.core.drafting.contracts import Drafter, DraftItem
from assistant.core.speech.types import SpeechSegment, Word
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Store
from assistant.services import live_drafts, processing
from assistant.services.processing import MemberAnalysis, write_member
from assistant.services.session import MeetingSession

RATE = 16000


def test_the_tail_keeps_recent_audio_splits_at_gaps_and_silences_erased_spans() -> None:
    tail = AudioTail(keep_s=3.0)
    for k in range(20):  # 2 s of 0.1 s blocks, each filled with its own start time
        tail.add(np.full(1600, k / 10 + 0.05, np.float32), k / 10)
    tail.add(np.full(1600, 9.0, np.float32), 5.0)  # after an off-the-record stretch
    pieces = tail.pieces(1.0, 6.0, silence=[(1.5, 1.7)])
    assert [round(s, 3) for s, _ in pieces] == [1.0, 5.0]
    first = pieces[0][1]
    assert len(first) == RATE  # 1.0 .. 2.0
    assert abs(first[0] - 1.05) < 1e-6 and abs(first[-1] - 1.95) < 1e-6
    assert not first[int(0.5 * RATE):int(0.7 * RATE)].any()  # the erased span
    assert first[int(0.8 * RATE)] > 0
    # Bounded: after 40 s more only about the last 3 s are kept.
    for k in range(400):
        tail.add(np.zeros(1600, np.float32), 6.0 + k / 10)
    assert tail.first is not None and tail.first >= 46.0 - 3.0 - 0.11
    assert tail.pieces(0.0, 2.0) == []


def _store() -> tuple[Store, int, int]:
    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana"])
    ana = store.members(circle)[0]
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live", "open")
    store.set_attendance(m.id, {ana.id: True})
    return store, m.id, ana.id


def _draft(text: str) -> DraftItem:
    return DraftItem(text, dt.date(2026, 3, 19), False, text, 1.0, 2.0, "rule")


def test_a_turn_said_again_replaces_undecided_drafts_and_keeps_approved_ones() -> None:
    store, mid, ana = _store()
    first = MemberAnalysis(ana, drafts=[_draft("Email the editor"), _draft("Book a room")])
    assert write_member(store, mid, first) == 2
    email, room = store.items(mid, ana)
    store.set_item_status(email.id, "approved")
    # Without `replace` (the end of the meeting) a drafted member is left alone.
    again = MemberAnalysis(ana, drafts=[_draft("Email the editor"), _draft("Call Jo")])
    assert write_member(store, mid, again) is None
    # Said again during the meeting: the approved item stays once, the undecided one goes.
    assert write_member(store, mid, again, replace=True) == 1
    live = {i.text: i.status for i in store.items(mid, ana)}
    assert live == {"Email the editor": "approved", "Call Jo": "draft"}
    assert store.item(room.id).status == "deleted"
    assert store.item(email.id).status == "approved"


class Scripted:
    """Hears a contract wherever its audio covers it; counts the calls and their spans."""

    name = "scripted"

    def __init__(self, said: list[tuple[float, float, str]]) -> None:
        self.said = said
        self.calls: list[tuple[float, float]] = []

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        end = offset + len(audio) / RATE
        self.calls.append((offset, end))
        out = []
        for a, b, text in self.said:
            if offset <= (a + b) / 2 < end and float(np.abs(audio).max(initial=0)) > 0:
                ws = text.split()
                step = (b - a) / len(ws)
                words = tuple(Word(a + k * step, a + (k + 1) * step, " " + w, 1.0)
                              for k, w in enumerate(ws))
                out.append(SpeechSegment(a, b, text, words))
        return out


class Clock:
    t = 100.0

    def __call__(self) -> float:
        return self.t


def _session(said: list[tuple[float, float, str]]) -> tuple[MeetingSession, Scripted]:
    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana", "Ben"])
    present = store.members(circle)
    session = MeetingSession.create(store, circle, present, Clock(), dt.date(2026, 3, 5))
    for p in present:
        session.consent.grant(p.id)
    t = Scripted(said)
    session.transcriber = t
    # What the recorder would have handed over: 12 s of (non-silent) room audio.
    for k in range(120):
        session._on_audio(np.full(1600, 0.1, np.float32), k / 10)
    return session, t


def test_a_contracts_turn_is_heard_again_drafted_and_said_again() -> None:
    said = [(2.0, 4.0, "I will email the editor by Friday."),
            (7.0, 9.0, "I will send the survey to ten students.")]
    session, t = _session(said)
    store, mid = session.store, session.meeting.id
    ana, ben = session.member_ids
    store.add_turns(mid, [(ana, "contracts", 1.5, 5.0), (ben, "contracts", 6.5, 10.0)])
    drafts = session.drafts
    spans = drafts.spans(ana, "contracts", [(1.5, 5.0)])
    assert [s.turn_id for s in spans] and len(spans) == 1
    drafts.begin()
    done = drafts.contracts_turn(spans, lambda: Drafter(None), "prompted")
    assert drafts.pending == 0 and drafts.wait(0)
    assert done.items == 1 and not done.skipped
    (item,) = store.items(mid, ana)
    assert "editor" in item.text.lower() and item.status == "draft"
    # Only that turn (padded) was heard, primed with the speaker's words.
    assert t.calls == [(1.5 - processing.REFINE_PAD, 5.0 + processing.REFINE_PAD)]
    assert list(drafts.refined) == [spans[0].turn_id]
    assert "editor" in drafts.refined[spans[0].turn_id][0].text
    # Approved, then the turn said again with the same words: approved once, nothing new.
    store.set_item_status(item.id, "approved")
    drafts.begin()
    again = drafts.contracts_turn(spans, lambda: Drafter(None), "prompted")
    assert again.items == 0
    assert [(i.text, i.status) for i in store.items(mid, ana)] == [(item.text, "approved")]


def test_a_contract_added_in_another_turn_joins_the_members_draft() -> None:
    # Ana's contract, then Ben's turn, in which Ana adds to hers (eval_c's dialogue: drafted
    # from her last words only, she lost the first commitment; the end drafts from both).
    said = [(1.0, 2.5, "I will email the editor by Friday."),
            (4.0, 5.0, "Maybe put a date on it."),
            (6.5, 8.0, "I will book a room for the workshop.")]
    session, _t = _session(said)
    store, mid = session.store, session.meeting.id
    ana, ben = session.member_ids
    store.add_turns(mid, [(ana, "contracts", 0.5, 3.2), (ben, "contracts", 3.5, 6.0),
                          (ana, "contracts", 6.2, 8.5)])
    drafts = session.drafts
    own = drafts.spans(ana, "contracts", [(0.5, 3.2)])
    added = drafts.spans(ana, "contracts", [(6.2, 8.5)])
    for spans, key in ((own, (0, ana)), (added, (1, ana))):
        drafts.begin()
        assert drafts.contracts_turn(spans, lambda: Drafter(None), "prompted", key=key).items
    texts = sorted(i.text.lower() for i in store.items(mid, ana))
    assert len(texts) == 2 and "room" in texts[0] and "editor" in texts[1], texts
    # The added turn said again (same planned turn): it replaces its own words only, so
    # the contract still holds both, once each.
    drafts.begin()
    drafts.contracts_turn(added, lambda: Drafter(None), "prompted", key=(1, ana))
    kept = [i.text.lower() for i in store.items(mid, ana)]
    assert len(kept) == 2 and any("editor" in k for k in kept), kept


def test_end_waits_for_a_stuck_draft_only_so_long_and_then_drafts_that_member_itself() -> None:
    session, _t = _session([(2.0, 4.0, "I will email the editor by Friday.")])
    store, mid = session.store, session.meeting.id
    ana = session.member_ids[0]
    store.add_turns(mid, [(ana, "contracts", 1.5, 5.0)])
    drafts = session.drafts
    spans = drafts.spans(ana, "contracts", [(1.5, 5.0)])
    answer = threading.Event()

    def stuck() -> Drafter:  # the LLM never answers (until the test lets it)
        answer.wait(30)
        return Drafter(None)
    result: list[live_drafts.TurnDone] = []
    drafts.begin()
    worker = threading.Thread(target=lambda: result.append(
        drafts.contracts_turn(spans, stuck, "prompted")), daemon=True)
    worker.start()
    seen: list[float] = []
    began = time.monotonic()
    assert drafts.finish(seen.append, limit=0.6) is False
    assert time.monotonic() - began < 5.0, "End waited past its bound"
    # Progress was shown while waiting, never backwards, full when End went on.
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] == 1.0
    # The answer comes after End went on: nothing is written, the turn is not counted as
    # heard again, so the end of the meeting hears and drafts that member itself.
    answer.set()
    worker.join(10)
    assert not worker.is_alive() and result[0].skipped == live_drafts.ENDED
    assert store.items(mid) == [] and spans[0].turn_id not in drafts.refined
    assert ana in [m.id for m in processing.to_draft(store, mid)]
    # A turn begun after End is not drafted either.
    drafts.begin()
    assert drafts.contracts_turn(spans, lambda: Drafter(None), "prompted").skipped == \
        live_drafts.ENDED
    assert drafts.pending == 0 and store.items(mid) == []


def test_a_withdrawn_or_erased_member_is_not_drafted() -> None:
    session, t = _session([(1.0, 3.0, "I will email the editor by Friday.")])
    store, mid = session.store, session.meeting.id
    ana = session.member_ids[0]
    store.add_turns(mid, [(ana, "contracts", 0.5, 4.0)])
    spans = session.drafts.spans(ana, "contracts", [(0.5, 4.0)])
    session.consent.withdraw(ana)
    session.drafts.begin()
    done = session.drafts.contracts_turn(spans, lambda: Drafter(None), "prompted")
    assert done.skipped == "consent withdrawn" and store.items(mid) == [] and not t.calls
    assert session.drafts.pending == 0
    # No live model (it failed to load): one clear line, nothing drafted, nothing pending.
    session.consent.grant(ana)
    session.transcriber = None
    session.drafts.begin()
    done = session.drafts.contracts_turn(spans, lambda: Drafter(None), "prompted")
    assert done.skipped == live_drafts.NO_MODEL and store.items(mid) == []
    session.drafts.begin()
    assert session.drafts.report_back_turn(spans).skipped == live_drafts.NO_MODEL
    assert session.drafts.pending == 0 and session.drafts.done == []


def test_the_end_keeps_turns_heard_during_the_meeting_and_hears_only_the_others() -> None:
    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana", "Ben"])
    ana, ben = store.members(circle)
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live")
    store.set_attendance(m.id, {ana.id: True, ben.id: True})
    store.add_turns(m.id, [(ana.id, "contracts", 0.0, 3.0), (ben.id, "contracts", 3.0, 6.0)])
    spans = processing.spans_for(store, m.id)
    first_pass = [SpeechSegment(0.5, 2.5, "I will send the servay."),
                  SpeechSegment(3.5, 5.5, "I will email two more labs.")]
    refined = {spans[0].turn_id: [processing.Utterance(
        spans[0], 0.5, 2.5, "I will send the survey to ten students.")]}
    audio = [(0.0, np.full(6 * RATE, 0.1, np.float32))]
    t = Scripted([(3.5, 5.5, "I will email two more labs by Monday.")])
    heard = processing.Heard(first_pass, audio, 6.0, refined=refined)
    processing.process(store, m.id, processing.Models(lambda: t, lambda: Drafter(None)),
                       contract_pass="plain", heard=heard)
    assert store.meeting(m.id).status == MeetingStatus.DRAFTED
    texts = [s.text for s in store.segments(m.id)]
    assert texts == ["I will send the survey to ten students.",
                     "I will email two more labs by Monday."]
    # Only Ben's turn was heard again.
    assert t.calls == [(3.0 - processing.REFINE_PAD, 6.0)]


def test_a_contracts_turn_is_heard_again_by_the_contracts_model_built_once() -> None:
    """`refiner` (settings' contract_model): the contracts pass's own model hears the turn;
    the live model does not hear it again. Built on the first turn, then kept."""
    said = [(2.0, 4.0, "I will email the editor by Friday."),
            (7.0, 9.0, "I will send the survey to ten students.")]
    session, live = _session(said)
    store, mid = session.store, session.meeting.id
    ana, ben = session.member_ids
    store.add_turns(mid, [(ana, "contracts", 1.5, 5.0), (ben, "contracts", 6.5, 10.0)])
    better, built = Scripted(said), []

    def refiner() -> Scripted:
        built.append(1)
        return better

    drafts = session.drafts
    for member, span in ((ana, (1.5, 5.0)), (ben, (6.5, 10.0))):
        drafts.begin()
        done = drafts.contracts_turn(drafts.spans(member, "contracts", [span]),
                                     lambda: Drafter(None), "prompted",
                                     refiner=refiner)  # type: ignore[arg-type,return-value]
        assert done.items == 1
    assert len(better.calls) == 2 and live.calls == [] and built == [1]


def test_the_contracts_model_prepared_at_the_start_is_the_one_used() -> None:
    said = [(2.0, 4.0, "I will email the editor by Friday.")]
    session, live = _session(said)
    store, mid = session.store, session.meeting.id
    ana, _ben = session.member_ids
    store.add_turns(mid, [(ana, "contracts", 1.5, 5.0)])
    better = Scripted(said)
    session.drafts.prepare(lambda: better)  # type: ignore[arg-type,return-value]
    session.drafts.begin()
    done = session.drafts.contracts_turn(
        session.drafts.spans(ana, "contracts", [(1.5, 5.0)]), lambda: Drafter(None),
        "prompted", refiner=lambda: (_ for _ in ()).throw(AssertionError("built twice")))
    assert done.items == 1 and len(better.calls) == 1 and live.calls == []
    assert session.drafts.refiner_model is better  # what the end of the meeting reuses


class Doubting(Scripted):
    """As Scripted, but the model doubts every word after the opener ("I will")."""

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        out = super().transcribe(audio, offset, progress, prompt)
        return [SpeechSegment(s.start, s.end, s.text, tuple(
            Word(w.start, w.end, w.word, 1.0 if k < 2 else 0.1) for k, w in enumerate(s.words)))
            for s in out]


def test_a_turn_heard_with_doubt_is_drafted_live_as_at_the_end_marked_for_review() -> None:
    said = [(2.0, 4.0, "I will read five paper on rent shipped paper.")]
    session, _t = _session(said)
    session.transcriber = Doubting(said)
    store, mid = session.store, session.meeting.id
    ana, _ben = session.member_ids
    store.add_turns(mid, [(ana, "contracts", 1.5, 5.0)])
    drafts = session.drafts
    spans = drafts.spans(ana, "contracts", [(1.5, 5.0)])
    drafts.begin()
    done = drafts.contracts_turn(spans, lambda: Drafter(None), "prompted")
    assert done.items == 1
    (item,) = store.items(mid, ana)
    assert item.tentative and "paper" in item.text.lower()
    # What the end of the meeting is handed keeps the doubt, so it drafts the same.
    (heard,) = drafts.refined[spans[0].turn_id]
    assert heard.heard and all(p == 0.1 for _w, p in heard.heard[2:])


class Prompted(Scripted):
    """As Scripted, noting each call's prompt."""

    def __init__(self, said: list[tuple[float, float, str]]) -> None:
        super().__init__(said)
        self.prompts: list[str | None] = []

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        self.prompts.append(prompt)
        return super().transcribe(audio, offset, progress, prompt)


REPORTED = [(2.0, 4.0, "I ran the survey with all ten people, so that one is complete.")]


def _report_back_session() -> tuple[MeetingSession, Scripted, int]:
    """Ana reports back (REPORTED) on her approved contract of the meeting before."""
    session, live = _session(REPORTED)
    store, mid = session.store, session.meeting.id
    ana, _ben = session.member_ids
    before = store.create_meeting(session.circle, "2026-02-19", "2026-03-05", "live",
                                  MeetingStatus.CLOSED)
    store.set_attendance(before.id, {ana: True})
    prev = store.add_item(before.id, ana, "Run the pilot survey with ten people",
                          due="2026-03-05", status="approved", origin="manual")
    store.add_turns(mid, [(ana, "report_back", 1.5, 5.0)])
    return session, live, prev.id


def test_a_report_back_turn_is_heard_again_live_as_the_end_would_and_kept_for_it() -> None:
    said = REPORTED
    session, live, prev = _report_back_session()
    store, mid = session.store, session.meeting.id
    ana, _ben = session.member_ids
    better = Prompted(said)
    drafts = session.drafts
    spans = drafts.spans(ana, "report_back", [(1.5, 5.0)])
    drafts.begin()
    done = drafts.report_back_turn(spans, None, "prompted",
                                   refiner=lambda: better)  # type: ignore[arg-type,return-value]
    assert done.reports == 1 and not done.skipped
    # Heard by the contracts model, primed with her previous contract, not by the live one.
    assert live.calls == [] and len(better.prompts) == 1
    assert "survey" in (better.prompts[0] or "") and "Ana" in (better.prompts[0] or "")
    ((item_id, status),) = [(r.item_id, r.status) for r in store.report_back(mid)]
    assert item_id == prev and status == "done"
    # Kept for the end of the meeting, which does not hear it a third time.
    assert "complete" in drafts.refined[spans[0].turn_id][0].text
    heard = processing.Heard([], [(0.0, np.full(6 * RATE, 0.1, np.float32))], 6.0,
                             refined={k: list(v) for k, v in drafts.refined.items()})
    end = Prompted(said)
    processing.process(store, mid, processing.Models(lambda: end, lambda: Drafter(None)),
                       contract_pass="prompted", heard=heard)
    assert end.calls == []
    assert [s.text for s in store.segments(mid)] == [said[0][2]]


def test_with_the_second_pass_off_a_report_back_turn_is_heard_plainly_and_not_kept() -> None:
    session, live, _prev = _report_back_session()
    ana, _ben = session.member_ids
    drafts = session.drafts
    spans = drafts.spans(ana, "report_back", [(1.5, 5.0)])
    drafts.begin()
    done = drafts.report_back_turn(spans, None, "off",
                                   refiner=lambda: (_ for _ in ()).throw(AssertionError("built")))
    assert done.reports == 1 and len(live.calls) == 1
    assert drafts.refined == {} and spans[0].turn_id in drafts.report_heard


class Beamed(Scripted):
    """As Scripted, with a beam and `with_beam` twins, as the real transcribers have."""

    def __init__(self, said: list[tuple[float, float, str]], beam_size: int) -> None:
        super().__init__(said)
        self.beam_size = beam_size
        self.twins: list[Beamed] = []

    def with_beam(self, beam_size: int) -> Beamed:
        twin = Beamed(self.said, beam_size)
        self.twins.append(twin)
        return twin


def test_during_the_meeting_the_contracts_model_decodes_greedily_and_the_end_gets_it_whole(
        ) -> None:
    said = [(2.0, 4.0, "I will email the editor by Friday.")]
    session, live = _session(said)
    store, mid = session.store, session.meeting.id
    ana, _ben = session.member_ids
    store.add_turns(mid, [(ana, "contracts", 1.5, 5.0)])
    built = Beamed(said, beam_size=5)
    session.drafts.begin()
    done = session.drafts.contracts_turn(
        session.drafts.spans(ana, "contracts", [(1.5, 5.0)]), lambda: Drafter(None),
        "prompted", refiner=lambda: built)  # type: ignore[arg-type,return-value]
    assert done.items == 1
    (twin,) = built.twins
    assert twin.beam_size == live_drafts.LIVE_BEAM and len(twin.calls) == 1
    assert built.calls == [] and live.calls == []
    assert session.drafts.refiner_model is built  # the end hears at the setting's beam


def test_a_beam_twin_shares_the_model_and_changes_only_the_beam() -> None:
    from assistant.core.speech.types import at_beam, beam_twin

    class Loaded:
        name = "loaded"

        def __init__(self) -> None:
            self.beam_size = 5
            self.model = object()

        def with_beam(self, beam_size: int) -> Loaded:
            return beam_twin(self, beam_size)

    built = Loaded()
    twin = at_beam(built, 1)  # type: ignore[arg-type]
    assert isinstance(twin, Loaded) and twin is not built
    assert (twin.beam_size, built.beam_size) == (1, 5) and twin.model is built.model
    assert at_beam(built, 5) is built  # type: ignore[arg-type]
    plain = Scripted([])
    assert at_beam(plain, 1) is plain  # no beam to set: itself
