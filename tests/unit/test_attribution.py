"""Attribution by time: each phrase goes to the turn its first word lies in (a sentence
the key press cut stays whole), the pauses in the audio ending phrases."""

from __future__ import annotations

from assistant.core.drafting.attribution import (
    SPILL,
    TOLERANCE,
    TurnSpan,
    Utterance,
    assign,
    attribute,
    phrases,
)
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


# --- turn boundaries: a phrase at a time ---------------------------------------------------
# ANA's turn ends at 10.0 (the timekeeper's key press); BEN's begins there.


def test_a_sentence_the_key_press_cut_stays_whole_with_its_speaker() -> None:
    words = (w(7.5, 8.0, " I"), w(8.0, 8.6, " will"), w(8.6, 9.4, " write"),
             w(9.4, 10.1, " the"), w(10.1, 10.9, " results"), w(10.9, 11.6, " section."),
             w(12.6, 13.0, " Thanks."))
    got = attribute([SpeechSegment(7.5, 13.0, "", words)], TURNS)
    # Crossing the boundary by 1.6 s: all of it is Ana's; the next sentence is Ben's.
    assert got == [Utterance(ANA, 7.5, 11.6, "I will write the results section."),
                   Utterance(BEN, 12.6, 13.0, "Thanks.")]


def test_a_phrase_begun_after_the_press_goes_to_the_next_turn() -> None:
    words = (w(8.0, 9.0, " Done."), w(10.3, 10.8, " My"), w(10.8, 11.5, " turn."))
    got = attribute([SpeechSegment(8.0, 11.5, "", words)], TURNS)
    assert [(u.turn, u.text) for u in got] == [(ANA, "Done."), (BEN, "My turn.")]


def test_a_pause_ends_a_phrase_even_without_punctuation() -> None:
    # No full stop after "done", but 1 s of silence in the audio between the two words
    # (Whisper stretched "so" back over it): Ben's words are his.
    words = (w(8.0, 9.0, " done"), w(9.1, 10.6, " so"), w(10.6, 11.2, " anyway"))
    seg = [SpeechSegment(8.0, 11.2, "", words)]
    assert [u.turn for u in attribute(seg, TURNS, silences=[(9.05, 10.1)])] == [ANA, BEN]
    # Without that silence it is one phrase begun in Ana's turn.
    assert [u.turn for u in attribute(seg, TURNS)] == [ANA]


def test_a_first_word_stretched_back_over_silence_starts_where_the_sound_does() -> None:
    # Whisper put Ben's "So" at 9.0-10.6 (midpoint 9.8, in Ana's turn); the audio is
    # silent until 10.2, so it really starts after the press.
    words = (w(9.0, 10.6, " So"), w(10.6, 11.0, " I"), w(11.0, 11.4, " will."))
    seg = [SpeechSegment(9.0, 11.4, "", words)]
    assert attribute(seg, TURNS)[0].turn is ANA
    assert attribute(seg, TURNS, silences=[(8.5, 10.2)])[0].turn is BEN


def test_a_phrase_runs_on_past_the_boundary_at_most_spill_seconds() -> None:
    words = tuple(w(9.0 + i, 9.8 + i, f" w{i}") for i in range(6))  # 9.0 .. 14.8, one phrase
    got = attribute([SpeechSegment(9.0, 14.8, "", words)], TURNS)
    inside = [f"w{i}" for i in range(6) if 9.4 + i <= 10.0 + SPILL]
    assert [(u.turn, u.text.split()) for u in got] == [
        (ANA, inside), (BEN, [f"w{i}" for i in range(len(inside), 6)])]


def test_assign_gives_one_turn_per_word_in_order() -> None:
    words = [w(8.0, 9.0, " I"), w(9.0, 10.5, " will."), w(11.0, 11.5, " Yes.")]
    assert assign(words, TURNS) == [ANA, ANA, BEN]
    assert [len(p) for p in phrases(words)] == [2, 1]
