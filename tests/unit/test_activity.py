"""Speech activity by loudness (core/audio/activity.py): pauses found between bursts of
sound over a noise floor, and two tracks silent only where both are."""

from __future__ import annotations

import numpy as np

from assistant.core.audio.activity import silences, speech_spans

RATE = 16000


def _bursts(spans: list[tuple[float, float]], seconds: float, seed: int = 0) -> np.ndarray:
    """Low noise with a loud 200 Hz tone over each span."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(int(seconds * RATE)) * 0.002).astype(np.float32)
    t = np.arange(len(x)) / RATE
    for a, b in spans:
        on = (t >= a) & (t < b)
        x[on] += 0.3 * np.sin(2 * np.pi * 200 * t[on]).astype(np.float32)
    return x


def test_speech_spans_follow_the_bursts_and_bridge_short_gaps() -> None:
    x = _bursts([(1.0, 2.0), (2.1, 3.0), (4.0, 5.0)], 6.0)
    got = speech_spans(x, offset=10.0)
    assert len(got) == 2  # the 0.1 s gap is a syllable gap, the 1 s one a pause
    (a, b), (c, d) = got
    assert abs(a - 11.0) < 0.05 and abs(b - 13.0) < 0.05
    assert abs(c - 14.0) < 0.05 and abs(d - 15.0) < 0.05


def test_silences_are_where_no_track_speaks() -> None:
    room = _bursts([(1.0, 3.0)], 6.0)
    call = _bursts([(4.0, 5.0)], 6.0, seed=1)
    got = silences([(0.0, room), (0.0, call)], min_length=0.5)
    assert [(round(a, 1), round(b, 1)) for a, b in got] == [(0.0, 1.0), (3.0, 4.0), (5.0, 6.0)]


def test_a_piece_without_speech_claims_no_silence() -> None:
    assert silences([(0.0, np.zeros(3 * RATE, dtype=np.float32))]) == []
    assert speech_spans(np.zeros(10, dtype=np.float32)) == []
