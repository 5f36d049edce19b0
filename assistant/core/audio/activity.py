"""Speech activity by loudness: where in a stretch of audio nobody speaks.

Attribution (core/drafting/attribution.py) uses it around turn boundaries: Whisper's word
times stretch a first word back into the silence before it and run a sentence across a
pause, while the audio itself says where a phrase really begins and where a speaker
stopped. Loudness is enough here: the question is only "silence or not" within a few
seconds of one recording, against that recording's own noise floor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.core.audio.decode import RATE

FRAME = 0.02  # seconds per loudness frame
MIN_SILENCE = 0.25  # shorter quiet stretches are gaps between syllables, not pauses
# A frame is speech when it is this many dB above the recording's noise floor (its 10th
# percentile frame), or less when floor and speech (95th percentile) lie closer: then a
# SPEECH_RANGE share of the way up from the floor, never under 6 dB.
ABOVE_FLOOR_DB = 12.0
SPEECH_RANGE = 0.35


def speech_spans(samples: np.ndarray, offset: float = 0.0) -> list[tuple[float, float]]:
    """The stretches of `samples` (16 kHz mono) loud enough to be speech, in seconds
    from `offset`; quiet gaps shorter than MIN_SILENCE are bridged."""
    n = int(FRAME * RATE)
    frames = len(samples) // n
    if frames == 0:
        return []
    db = np.empty(frames)
    step = 3000  # frames per block (a minute): an hour's meeting is never copied whole
    for i in range(0, frames, step):
        block = np.asarray(samples[i * n:min(frames, i + step) * n], dtype=np.float64)
        db[i:i + step] = 10.0 * np.log10(np.mean(np.square(block.reshape(-1, n)), axis=1)
                                         + 1e-12)
    floor, loud = float(np.percentile(db, 10)), float(np.percentile(db, 95))
    if loud - floor < 6.0:  # one level throughout: it cannot tell speech from silence
        return []
    threshold = floor + min(ABOVE_FLOOR_DB, max(6.0, SPEECH_RANGE * (loud - floor)))
    voiced = db > threshold
    spans: list[tuple[float, float]] = []
    i = 0
    while i < frames:
        if not voiced[i]:
            i += 1
            continue
        j = i
        while j < frames and voiced[j]:
            j += 1
        a, b = offset + i * FRAME, offset + j * FRAME
        if spans and a - spans[-1][1] < MIN_SILENCE:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
        i = j
    return spans


def speech(pieces: Sequence[tuple[float, np.ndarray]],
           bridge: float = MIN_SILENCE) -> list[tuple[float, float]]:
    """Meeting-time stretches where some piece has speech, gaps under `bridge` closed."""
    out: list[tuple[float, float]] = []
    for a, b in _merge([s for start, x in pieces for s in speech_spans(x, start)]):
        if out and a - out[-1][1] < bridge:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def silences(pieces: Sequence[tuple[float, np.ndarray]],
             min_length: float = MIN_SILENCE) -> list[tuple[float, float]]:
    """Meeting-time stretches where every piece covering them is quiet.

    Pieces may overlap (a call's two tracks run side by side): a stretch is silent only
    when no track has speech there, so one side's pause never hides the other's words.
    A piece without any speech says nothing (its level cannot tell speech from silence).
    """
    covered: list[tuple[float, float]] = []
    speech: list[tuple[float, float]] = []
    for start, samples in pieces:
        spans = speech_spans(samples, start)
        if spans:
            covered.append((start, start + len(samples) / RATE))
            speech.extend(spans)
    out: list[tuple[float, float]] = []
    for a, b in _merge(covered):
        t = a
        for s, e in _merge([(s, e) for s, e in speech if e > a and s < b]):
            if s - t >= min_length:
                out.append((t, s))
            t = max(t, e)
        if b - t >= min_length:
            out.append((t, b))
    return out


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
