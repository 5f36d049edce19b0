"""Which audio is cut to its speech before Whisper hears it (core/speech/regions.py)."""

from __future__ import annotations

import numpy as np

from assistant.core.speech import regions


def test_one_window_stays_whole_and_more_is_cut() -> None:
    def seconds(n: float) -> np.ndarray:
        return np.zeros(int(n * regions.RATE), dtype=np.float32)

    assert not regions.needs_cutting(seconds(12))
    assert not regions.needs_cutting(seconds(30))
    # The AMI clips are 30 s and one sample: still one window, decoded as before.
    assert not regions.needs_cutting(np.zeros(30 * regions.RATE + 1, dtype=np.float32))
    assert regions.needs_cutting(seconds(30.5))
    assert regions.needs_cutting(seconds(45))
