"""`pmc eval --reuse-asr`: recognition results kept per exact audio, prompt and settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.speech.types import ProgressFn, SpeechSegment, Word
from assistant.services.evaluation import RememberedTranscriber


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: ProgressFn | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        self.calls += 1
        return [SpeechSegment(offset, offset + 1.0, f"heard {self.calls} {prompt or ''}".strip(),
                              (Word(offset, offset + 0.5, " heard", 0.9),))]


def test_same_audio_and_prompt_is_heard_once(tmp_path: Path) -> None:
    inner = Counting()
    made = []

    def make() -> Counting:
        made.append(1)
        return inner

    audio = np.arange(1600, dtype=np.float32)
    first = RememberedTranscriber(make, tmp_path, "tiny").transcribe(audio, 2.0)
    again = RememberedTranscriber(make, tmp_path, "tiny").transcribe(audio, 2.0)
    assert again == first and inner.calls == 1 and len(made) == 1
    assert again[0].words[0] == Word(2.0, 2.5, " heard", 0.9)


@pytest.mark.parametrize("change", ["audio", "offset", "prompt", "tag"])
def test_anything_that_shapes_the_result_is_heard_again(tmp_path: Path, change: str) -> None:
    inner = Counting()
    audio = np.zeros(1600, dtype=np.float32)
    RememberedTranscriber(lambda: inner, tmp_path, "tiny").transcribe(audio, 0.0, prompt="a")
    other = RememberedTranscriber(lambda: inner, tmp_path, "base" if change == "tag" else "tiny")
    other.transcribe(audio + (1.0 if change == "audio" else 0.0),
                     1.0 if change == "offset" else 0.0,
                     prompt="b" if change == "prompt" else "a")
    assert inner.calls == 2
