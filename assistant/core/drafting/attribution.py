"""Who said what: transcript segments × turn log → utterances.

The timekeeper's turn log is exact and cheap, so attribution is by time, not by voice.
But a turn boundary is a key press, and it falls a little early or late: a member still
finishing their sentence when the timekeeper moves on must keep the whole sentence. So
words go to turns a phrase at a time:

- a segment's words are cut into phrases at sentence ends (. ? !) and at pauses (a
  stretch of silence in the audio, or a gap between word times, of PAUSE or more);
- a phrase belongs to the turn its first word lies in (that word's midpoint, after its
  start is moved out of any silence Whisper stretched it back into), even where the key
  press cut the rest of it off; so a phrase mostly before a boundary stays with the
  speaker before it, and one begun after it goes to the next;
- but a phrase runs on past a boundary at most SPILL seconds: later words go each to
  the turn it lies in, as a long run-on stretch is more likely the next speaker;
- outside every turn, the nearest turn within TOLERANCE takes it (and when there is
  none, each of its words is placed on its own).

A segment whose phrases go to two turns is split between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.core.drafting import confidence
from assistant.core.speech.types import SpeechSegment, Word

TOLERANCE = 1.0  # seconds a word may lie outside every turn and still be attributed
PAUSE = 0.5  # seconds of silence that end a phrase (a speaker change mostly has that)
SPILL = 3.0  # seconds a phrase may run on past the boundary of the turn it began in
SENTENCE_END = (".", "?", "!")
FRAME_SLACK = 0.1  # seconds of a word that must lie after a pause for the pause to precede it

Span = tuple[float, float]


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
    # What the speech model heard and how sure it was (core/drafting/confidence.py);
    # empty when not known (a script's own words), which counts as sure. Not part of an
    # utterance's identity: the same words at the same times are the same utterance.
    heard: confidence.Heard = field(default=(), compare=False)


def _turn_for(t: float, turns: Sequence[TurnSpan]) -> TurnSpan | None:
    best, best_d = None, TOLERANCE
    for turn in turns:
        if turn.start <= t <= turn.end:
            return turn
        d = min(abs(t - turn.start), abs(t - turn.end))
        if d < best_d:
            best, best_d = turn, d
    return best


def _join(words: Sequence[Word]) -> str:
    return "".join(w.word for w in words).strip()


def _paused_before(prev: Word, w: Word, silences: Sequence[Span]) -> bool:
    """Whether a pause of PAUSE or more lies between two words: after the middle of the
    first, and with some of the second still to come after it (Whisper stretches a last
    word forward over the silence after it, too)."""
    a = (prev.start + prev.end) / 2
    return any(e - max(a, s) >= PAUSE and e <= w.end - FRAME_SLACK for s, e in silences)


def phrases(words: Sequence[Word], silences: Sequence[Span] = ()) -> list[list[Word]]:
    """Cut a segment's words into phrases at sentence ends and at pauses.

    Whisper's word times may cover a pause (a word stretched across it), so a pause in
    the audio counts from the middle of one word to near the end of the next, not only
    in the gap between their times.
    """
    out: list[list[Word]] = []
    for w in words:
        if out:
            prev = out[-1][-1]
            ended = prev.word.strip().endswith(SENTENCE_END)
            paused = w.start - prev.end >= PAUSE or _paused_before(prev, w, silences)
            if not (ended or paused):
                out[-1].append(w)
                continue
        out.append([w])
    return out


def onset(word: Word, silences: Sequence[Span] = ()) -> float:
    """Where a word really starts: its start moved past a silence it was stretched over."""
    start = word.start
    for s, e in silences:
        if s <= start < e and e < word.end:
            start = e
    return start


def assign(words: Sequence[Word], turns: Sequence[TurnSpan],
           silences: Sequence[Span] = ()) -> list[TurnSpan | None]:
    """The turn of each word (in order), a phrase at a time (see the module docstring)."""
    out: list[TurnSpan | None] = []
    for phrase in phrases(words, silences):
        first = phrase[0]
        turn = _turn_for((onset(first, silences) + first.end) / 2, turns)
        for w in phrase:
            mid = (w.start + w.end) / 2
            if turn is None or mid > turn.end + SPILL:  # each word on its own
                out.append(_turn_for(mid, turns))
            else:
                out.append(turn)
    return out


def attribute(segments: Sequence[SpeechSegment], turns: Sequence[TurnSpan],
              silences: Sequence[Span] = ()) -> list[Utterance]:
    """Each segment's words as utterances of the turns they belong to, in order.

    `silences` (meeting-time stretches without speech, core/audio/activity.py) sharpen
    phrase ends and word starts; without them the word times alone are used.
    """
    out: list[Utterance] = []
    for seg in segments:
        words = list(seg.words) or [Word(seg.start, seg.end, " " + seg.text, 1.0)]
        run: list[Word] = []
        run_turn: TurnSpan | None = None
        for w, turn in zip(words, assign(words, turns, silences), strict=True):
            if run and turn is not run_turn:
                out.append(Utterance(run_turn, run[0].start, run[-1].end, _join(run),
                                     confidence.heard(run) if seg.words else ()))
                run = []
            run.append(w)
            run_turn = turn
        if run:
            out.append(Utterance(run_turn, run[0].start, run[-1].end, _join(run),
                                 confidence.heard(run) if seg.words else ()))
    return [u for u in out if u.text]
