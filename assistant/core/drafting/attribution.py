"""Who said what: transcript segments × turn log → utterances.

The timekeeper's turn log is exact and cheap, so attribution is by time, not
by voice: each word goes to the turn its midpoint falls in (or the nearest
turn within a small tolerance, since Whisper's word times drift by a few
hundred milliseconds at turn boundaries). A segment whose words span two turns
is split between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.speech.types import SpeechSegment, Word

TOLERANCE = 1.0  # seconds a word may lie outside every turn and still be attributed


@dataclass(frozen=True)
class TurnSpan:
    turn_id: int | None
    member_id: int | None
    speaker: str | None
    segment: str
    start: float
    end: float


@dataclass(frozen=True)
class Utterance:
    turn: TurnSpan | None
    start: float
    end: float
    text: str


def _turn_for(t: float, turns: list[TurnSpan]) -> TurnSpan | None:
    best, best_d = None, TOLERANCE
    for turn in turns:
        if turn.start <= t <= turn.end:
            return turn
        d = min(abs(t - turn.start), abs(t - turn.end))
        if d < best_d:
            best, best_d = turn, d
    return best


def _join(words: list[Word]) -> str:
    return "".join(w.word for w in words).strip()


def attribute(segments: list[SpeechSegment], turns: list[TurnSpan]) -> list[Utterance]:
    out: list[Utterance] = []
    for seg in segments:
        words = list(seg.words) or [Word(seg.start, seg.end, " " + seg.text, 1.0)]
        run: list[Word] = []
        run_turn: TurnSpan | None = None
        for w in words:
            turn = _turn_for((w.start + w.end) / 2, turns)
            if run and turn is not run_turn:
                out.append(Utterance(run_turn, run[0].start, run[-1].end, _join(run)))
                run = []
            run.append(w)
            run_turn = turn
        if run:
            out.append(Utterance(run_turn, run[0].start, run[-1].end, _join(run)))
    return [u for u in out if u.text]
