"""Live transcription runner: windows cut at pauses, never blocking, catching up at the end."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from assistant.core.speech.live import RATE, LiveTranscriber
from assistant.core.speech.types import SpeechSegment


def tone(seconds: float, amp: float = 0.2) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amp * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


class FakeTranscriber:
    """Reports each window as one segment spanning its audio, optionally slowly."""

    name = "fake"

    def __init__(self, delay: float = 0.0, gate: threading.Event | None = None) -> None:
        self.delay = delay
        self.gate = gate
        self.calls: list[tuple[float, float]] = []

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: object = None) -> list[SpeechSegment]:
        if self.gate is not None:
            self.gate.wait(10)
        time.sleep(self.delay)
        end = offset + len(audio) / RATE
        self.calls.append((offset, end))
        return [SpeechSegment(offset, end, f"window at {offset:.2f}")]


def feed_blocks(live: LiveTranscriber, audio: np.ndarray, start: float = 0.0,
                block: float = 0.1) -> None:
    n = int(block * RATE)
    for i in range(0, len(audio), n):
        live.feed(audio[i:i + n], start + i / RATE)


def test_windows_are_cut_at_pauses_and_silence_is_skipped() -> None:
    fake = FakeTranscriber()
    got: list[SpeechSegment] = []
    live = LiveTranscriber(fake, got.append)
    audio = np.concatenate([silence(2), tone(2), silence(1), tone(3), silence(5)])
    feed_blocks(live, audio)
    assert live.finish(10)
    assert len(got) == 2
    (s1, e1), (s2, e2) = fake.calls
    # Each window starts just before its speech (short pre-roll) and ends after the pause.
    assert 1.3 <= s1 <= 2.0 and 4.0 <= e1 <= 4.8
    assert 4.0 <= s2 <= 5.0 and 8.0 <= e2 <= 8.8
    assert live.stats.windows == 2 and live.stats.transcribed == 2
    assert len(live.stats.lags) == 2 and live.stats.lag_percentile(50) is not None


def test_long_speech_is_cut_near_the_maximum_window() -> None:
    fake = FakeTranscriber()
    live = LiveTranscriber(fake, lambda s: None, max_window_s=5.0)
    speech = np.concatenate([tone(1.0) if i % 2 == 0 else tone(0.2, 0.02) for i in range(24)])
    feed_blocks(live, speech)
    assert live.finish(10)
    assert len(fake.calls) >= 2
    assert all(e - s <= 5.0 + 1e-6 for s, e in fake.calls)
    # Windows tile the speech without gaps or overlaps.
    for (_, e1), (s2, _) in zip(fake.calls, fake.calls[1:], strict=False):
        assert s2 == pytest.approx(e1, abs=1e-6)


def test_a_gap_in_meeting_time_closes_the_window() -> None:
    fake = FakeTranscriber()
    live = LiveTranscriber(fake, lambda s: None)
    feed_blocks(live, tone(2), start=0.0)
    feed_blocks(live, tone(2), start=30.0)  # off the record from 2 s to 30 s
    assert live.finish(10)
    assert [round(s) for s, _ in fake.calls] == [0, 30]
    assert fake.calls[0][1] <= 2.0 + 1e-6


def test_feed_never_blocks_and_the_backlog_is_bounded() -> None:
    gate = threading.Event()  # the transcriber is stuck until released
    fake = FakeTranscriber(gate=gate)
    got: list[SpeechSegment] = []
    live = LiveTranscriber(fake, got.append, max_backlog_s=6.0)
    t0 = time.perf_counter()
    for i in range(10):
        feed_blocks(live, np.concatenate([tone(2), silence(1)]), start=i * 3.0)
    assert time.perf_counter() - t0 < 5  # returned although nothing was transcribed
    assert live.behind_s <= 6.0
    assert live.stats.dropped >= 6
    assert live.missed() and all(e > s for s, e in live.missed())
    gate.set()
    assert live.finish(10)
    assert len(got) == live.stats.windows - live.stats.dropped
    assert live.behind_s == 0


def test_a_failing_window_is_reported_and_the_rest_continue() -> None:
    class Flaky(FakeTranscriber):
        def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                       progress: object = None) -> list[SpeechSegment]:
            if not self.calls:
                self.calls.append((offset, offset))
                raise RuntimeError("boom")
            return super().transcribe(audio, offset)

    errors: list[str] = []
    got: list[SpeechSegment] = []
    live = LiveTranscriber(Flaky(), got.append, on_error=errors.append)
    feed_blocks(live, np.concatenate([tone(2), silence(1), tone(2), silence(1)]))
    assert live.finish(10)
    assert len(errors) == 1 and "retry" in errors[0]
    assert len(got) == 1 and live.stats.errors == 1
    assert len(live.missed()) == 1


def test_close_leaves_the_queue_out() -> None:
    gate = threading.Event()
    fake = FakeTranscriber(gate=gate)
    live = LiveTranscriber(fake, lambda s: None)
    for i in range(3):
        feed_blocks(live, np.concatenate([tone(2), silence(1)]), start=i * 3.0)
    time.sleep(0.2)
    live.close()
    gate.set()
    assert live.finish(10)
    assert len(fake.calls) <= 1
    assert len(live.missed()) >= 2
    live.feed(tone(1), 100.0)  # ignored after closing
