"""Attribution by time: each word goes to the turn its midpoint falls in."""

from __future__ import annotations

from assistant.core.drafting.attribution import TOLERANCE, TurnSpan, Utterance, attribute
from assistant.core.speech.types import SpeechSegment, Word

ANA = TurnSpan(1, 10, "Ana", "contracts", 0.0, 10.0)
BEN = TurnSpan(2, 11, "Ben", "contracts", 10.0, 20.0)
CAI = TurnSpan(3, 12, "Cai", "contracts", 25.0, 30.0)
TURNS = [ANA, BEN, CAI]


def w(start: float, end: float, text: str) -> Word:
    return Word(start, end, text, 0.9)


def test_segment_inside_one_turn_is_one_utterance() -> None:
    seg = SpeechSegment(2.0, 4.0, " I will write.", (w(2.0, 2.5, " I"), w(2.5, 3.0, " will"),
                                                w(3.0, 4.0, " write.")))
    assert attribute([seg], TURNS) == [Utterance(ANA, 2.0, 4.0, "I will write.")]


def test_segment_spanning_two_turns_is_split_at_the_boundary() -> None:
    words = (w(8.0, 8.5, " I"), w(8.5, 9.5, " will."), w(10.2, 10.8, " Sure"),
             w(10.8, 11.5, " thing."))
    got = attribute([SpeechSegment(8.0, 11.5, " I will. Sure thing.", words)], TURNS)
    assert got == [Utterance(ANA, 8.0, 9.5, "I will."), Utterance(BEN, 10.2, 11.5, "Sure thing.")]


def test_word_straddling_a_boundary_goes_by_its_midpoint() -> None:
    got = attribute([SpeechSegment(9.0, 10.6, " ok", (w(9.0, 10.6, " ok"),))], TURNS)
    assert got[0].turn is ANA  # midpoint 9.8
    got = attribute([SpeechSegment(9.6, 11.0, " ok", (w(9.6, 11.0, " ok"),))], TURNS)
    assert got[0].turn is BEN  # midpoint 10.3


def test_word_in_a_gap_goes_to_the_nearest_turn_within_tolerance() -> None:
    assert attribute([SpeechSegment(20.4, 20.6, " late")], TURNS)[0].turn is BEN  # 0.5 s after Ben
    # 0.7 s before Cai
    assert attribute([SpeechSegment(24.2, 24.4, " early")], TURNS)[0].turn is CAI
    far = 20.0 + TOLERANCE + 1.0
    assert attribute([SpeechSegment(far, far + 0.2, " lost")], TURNS)[0].turn is None


def test_words_alternating_turns_give_alternating_utterances_in_order() -> None:
    words = (w(9.0, 9.4, " a"), w(10.4, 10.8, " b"), w(11.0, 11.4, " c"), w(25.5, 26.0, " d"))
    got = attribute([SpeechSegment(9.0, 26.0, " a b c d", words)], TURNS)
    assert [(u.turn, u.text) for u in got] == [(ANA, "a"), (BEN, "b c"), (CAI, "d")]
    assert [u.start for u in got] == sorted(u.start for u in got)


def test_segment_without_words_uses_its_own_times() -> None:
    assert attribute([SpeechSegment(11.0, 13.0, " Thanks everyone.")], TURNS) == [
        Utterance(BEN, 11.0, 13.0, "Thanks everyone.")]


def test_empty_text_is_dropped_and_no_turns_means_no_speaker() -> None:
    assert attribute([SpeechSegment(1.0, 2.0, "   ")], TURNS) == []
    assert attribute([SpeechSegment(1.0, 2.0, " hi")], []) == [Utterance(None, 1.0, 2.0, "hi")]
    assert attribute([], TURNS) == []


def test_no_words_are_lost_or_duplicated() -> None:
    words = tuple(w(t, t + 0.4, f" w{i}") for i, t in enumerate([1, 5, 9.7, 10.1, 19.9, 22, 27]))
    got = attribute([SpeechSegment(1.0, 27.4, "", words)], TURNS)
    assert " ".join(u.text for u in got).split() == [f"w{i}" for i in range(7)]
