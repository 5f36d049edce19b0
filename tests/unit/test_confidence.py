"""The precision guard (core/drafting/confidence.py): Whisper's word probabilities carried
from the segments through attribution, the stored transcript and the second pass to the
drafter, which marks a draft it doubts for review (tentative) instead of counting it."""

from __future__ import annotations

import datetime as dt

import numpy as np

from assistant.core.drafting import confidence
from assistant.core.drafting.attribution import TurnSpan, Utterance, attribute
from assistant.core.drafting.contracts import Drafter
from assistant.core.speech.types import SpeechSegment, Word

RATE = 16000
DAY, NEXT = dt.date(2026, 3, 5), dt.date(2026, 3, 19)


def _words(text: str, probs: list[float], start: float = 0.0) -> tuple[Word, ...]:
    tokens = text.split()
    assert len(tokens) == len(probs)
    return tuple(Word(start + 0.4 * i, start + 0.4 * i + 0.3, " " + t, p)
                 for i, (t, p) in enumerate(zip(tokens, probs, strict=True)))


def _heard(text: str, probs: list[float]) -> confidence.Heard:
    return confidence.heard(_words(text, probs))


def test_heard_splits_words_as_the_normaliser_does_and_keeps_each_probability() -> None:
    h = confidence.heard([Word(0.0, 0.5, " Pre-registration,", 0.4), Word(0.5, 0.8, " data", 0.9)])
    assert h == (("pre", 0.4), ("registration", 0.4), ("data", 0.9))


def test_stored_form_round_trips_and_unreadable_is_nothing_known() -> None:
    h = _heard("send the survey", [0.9, 0.5, 0.25])
    assert confidence.loads(confidence.dumps(h)) == h
    assert confidence.dumps(()) is None
    assert confidence.loads(None) == () and confidence.loads("not json") == ()
    assert confidence.loads('[["a"]]') == ()


def test_of_action_finds_the_action_words_among_those_heard() -> None:
    said = [_heard("um i will send the survey to ten students", [1, .9, .9, .3, .8, .7, .9,
                                                                 .6, .2])]
    assert confidence.of_action("Send the survey to ten students", said) == [
        .3, .8, .7, .9, .6, .2]
    # A word the drafter changed (a repaired term) is not found, so not counted.
    assert confidence.of_action("Send the survey to ten pupils", said)[-1] is None
    assert confidence.of_action("Send the survey", []) == [None, None, None]


def test_a_doubted_opening_that_is_no_action_verb_is_unsure() -> None:
    assert confidence.unsure("Firm, wait", [0.12, 0.9])
    assert not confidence.unsure("Firm, wait", [0.95, 0.9])  # heard clearly: as said
    # a known action verb, even doubted, is judged by its words as a whole
    assert not confidence.unsure("Send the child's draft", [0.07, 0.9, 0.8, 0.9])


def test_a_draft_with_a_third_of_its_words_badly_doubted_is_unsure() -> None:
    assert confidence.unsure("Read five paper on rent shipped paper",
                             [0.17, 0.0, 0.62, 0.44, 0.0, 0.0, 0.0])
    # one misheard term inside a right contract is not enough
    assert not confidence.unsure("Block two hours every morning for writing",
                                 [0.53, 0.2, 0.98, 0.92, 0.98, 0.66, 0.19, 0.9])
    # words not found are not counted, and too few found is trusted
    assert not confidence.unsure("Send the survey", [None, 0.1, None])
    assert not confidence.unsure("Send the survey", [None, None, None])


def test_attribution_keeps_each_utterances_words_and_probabilities() -> None:
    a = TurnSpan(1, 7, "Ana", "contracts", 0.0, 2.0)
    b = TurnSpan(2, 8, "Ben", "contracts", 2.0, 4.0)
    words = (*_words("I will plan", [0.9, 0.8, 0.7], 0.0),
             *_words("I will map", [0.6, 0.5, 0.4], 2.5))
    out = attribute([SpeechSegment(0.0, 4.0, "x", words)], [a, b])
    assert [u.heard for u in out] == [(("i", 0.9), ("will", 0.8), ("plan", 0.7)),
                                      (("i", 0.6), ("will", 0.5), ("map", 0.4))]
    # a segment without words (a script's own text) has nothing known: counted as sure
    assert attribute([SpeechSegment(0.0, 1.0, "I will plan")], [a])[0].heard == ()


def test_the_drafter_marks_a_doubted_draft_tentative_and_keeps_a_clear_one() -> None:
    turn = TurnSpan(1, 7, "Ana", "contracts", 0.0, 9.0)
    text = "I will send the survey. I will read five paper on rent shipped paper."
    clear = [0.9, 0.9, 0.9, 0.9, 0.9]
    garbled = [0.9, 0.9, 0.17, 0.0, 0.62, 0.44, 0.0, 0.0, 0.0]
    said = [Utterance(turn, 0.0, 9.0, text, _heard(text, clear + garbled))]
    drafter = Drafter(None)
    items = drafter.draft(said, DAY, NEXT)
    assert [(i.text, i.tentative) for i in items] == [
        ("Send the survey", False), ("Read five paper on rent shipped paper", True)]
    assert drafter.stats.unsure == 1
    # The same words without probabilities (a script's own words) are drafted as said.
    plain = Drafter(None).draft([Utterance(turn, 0.0, 9.0, text)], DAY, NEXT)
    assert [i.tentative for i in plain] == [False, False]


def _meeting(seconds: float):  # type: ignore[no-untyped-def]
    """A meeting of one member, Ana, with one contracts turn of `seconds`."""
    from assistant.core.store.store import Store

    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana"])
    ana = store.members(circle)[0]
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "live")
    store.set_attendance(m.id, {ana.id: True})
    store.add_turns(m.id, [(ana.id, "contracts", 0.0, seconds)])
    return store, m, ana


def test_the_probabilities_survive_the_stored_transcript_and_its_first_hearing() -> None:
    from assistant.services import processing

    store, m, ana = _meeting(9.0)
    span = processing.spans_for(store, m.id)[0]
    h = _heard("I will feed again", [0.9, 0.9, 0.12, 0.7])
    said = [Utterance(span, 0.5, 2.5, "I will feed again", h)]
    assert processing.write_transcript(store, m.id, said, 9.0, first=said) == 1
    assert processing.stored_utterances(store, m.id)[0].heard == h
    assert processing.stored_first(store, m.id)[0].heard == h
    # Drafting from the stored transcript (as after a crash) still sees the doubt.
    assert processing.draft_member(store, m.id, ana, Drafter(None)) == 1
    assert [(i.text, i.tentative) for i in store.items(m.id)] == [("Feed again", True)]


class Garbling:
    """Hears one garbled contract with low word probabilities wherever its audio is."""

    name = "garbling"

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        words = _words("I will read five paper on rent shipped paper",
                       [0.9, 0.9, 0.17, 0.0, 0.62, 0.44, 0.0, 0.0, 0.0], offset + 0.5)
        return [SpeechSegment(words[0].start, words[-1].end, "x", words)]


def test_the_second_pass_keeps_what_it_heard_and_the_flow_marks_the_doubted_draft() -> None:
    from assistant.services import processing

    store, m, ana = _meeting(6.0)
    models = processing.Models(Garbling, lambda: Drafter(None))
    audio = [(0.0, np.full(6 * RATE, 0.1, dtype=np.float32))]
    processing.process(store, m.id, models, contract_pass="plain", audio=audio)
    seg = store.segments(m.id)[0]
    assert confidence.loads(seg.heard)[3] == ("five", 0.0)
    assert [(i.text, i.tentative) for i in store.items(m.id)] == [
        ("Read five paper on rent shipped paper", True)]
