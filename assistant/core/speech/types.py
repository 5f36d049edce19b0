"""What both Whisper backends share: the segment and word types, the Transcriber
protocol, and the decoding options.

Both backends import from here and never from each other, so transcribe.py can
pick a backend without an import cycle.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import numpy as np

ProgressFn = Callable[[float, float], None]  # (seconds done, seconds total)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    probability: float


@dataclass(frozen=True)
class SpeechSegment:
    """A stretch of recognised speech, with absolute times in seconds and word timestamps."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = field(default=())


@dataclass(frozen=True)
class DecodingOptions:
    """The decoding policy, the same for both backends.

    Greedy at temperature 0; where a 30 s window's text is repetitive (gzip ratio >
    2.4) or unlikely (mean log-probability < -1), it is decoded again by sampling at
    the next temperature, best of 5 samples. Both libraries' defaults, made explicit.
    Measured: temperature 0 alone lost a contract on a scripted meeting (eval_c).
    """

    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    best_of: int = 5
    compression_ratio_threshold: float = 2.4
    logprob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    # Not conditioning on earlier text stops one misheard phrase from looping.
    condition_on_previous_text: bool = False


DECODING = DecodingOptions()


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: ProgressFn | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        """Transcribe 16 kHz mono float32 audio; times are shifted by `offset` seconds.

        `prompt` is context text (names, the speaker's earlier words) that biases
        recognition towards vocabulary already heard in the circle.
        """
        ...


T = TypeVar("T")


def beam_twin(transcriber: T, beam_size: int) -> T:
    """A shallow copy decoding with another beam: the loaded weights are shared (a
    transcriber's `with_beam`)."""
    if getattr(transcriber, "beam_size", None) == beam_size:
        return transcriber
    twin = copy.copy(transcriber)
    twin.beam_size = beam_size  # type: ignore[attr-defined]
    return twin


def at_beam(transcriber: Transcriber, beam_size: int) -> Transcriber:
    """The same loaded model decoding with another beam (a transcriber's `with_beam`, which
    shares the weights), or the transcriber itself when it has no beam to set."""
    with_beam = getattr(transcriber, "with_beam", None)
    return with_beam(beam_size) if callable(with_beam) else transcriber


def default_threads() -> int:
    """The CPUs this process may run on (its affinity), the models' default thread count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
