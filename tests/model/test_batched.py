"""faster-whisper's two paths on real tiny.en: batched (long audio) and sequential (short).

Long audio (a file window over BATCH_MIN_SECONDS) is transcribed by the
BatchedInferencePipeline, short audio the sequential way. Both must give the
reference text, word timestamps in the right place (attribution needs them)
and progress, and a prompt (the contracts-turn refine pass) always takes the sequential path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.drafting.textnorm import wer
from assistant.core.speech import transcribe as tr

pytestmark = pytest.mark.model

REFERENCE = ("And so my fellow Americans, ask not what your country can do for you, "
             "ask what you can do for your country.")
RATE = 16000
GAP = 2.0  # seconds of silence between copies, room for VAD to cut
# The app batches only meetings longer than tr.BATCH_MIN_SECONDS (4 min); the paths are
# tested on ~80 s of audio with the threshold lowered, to keep the test short.
MIN_SECONDS = 60.0


@pytest.fixture(scope="module")
def jfk(shared_dir: Path) -> np.ndarray:
    from assistant.core.audio import decode as audio

    return audio.load(shared_dir / "data" / "speech" / "jfk.flac")


@pytest.fixture(scope="module")
def long_audio(jfk: np.ndarray) -> tuple[np.ndarray, float]:
    """JFK copies with silence between them, longer than BATCH_MIN_SECONDS."""
    gap = np.zeros(int(GAP * RATE), dtype=np.float32)
    period = (len(jfk) + len(gap)) / RATE
    n = int(MIN_SECONDS // period) + 2
    return np.concatenate([np.concatenate([jfk, gap]) for _ in range(n)]), period


def _norm(word: str) -> str:
    return word.strip(" ,.?!").lower()


class Spy:
    """Records which faster-whisper entry point a call used, then calls it."""

    def __init__(self, target: object, name: str, calls: list[str]) -> None:
        self.target, self.name, self.calls = target, name, calls

    def transcribe(self, *args: object, **kw: object) -> object:
        self.calls.append(self.name)
        return self.target.transcribe(*args, **kw)  # type: ignore[attr-defined]

    def __getattr__(self, attr: str) -> object:
        return getattr(self.target, attr)


@pytest.fixture()
def spied(tiny_transcriber: tr.FasterWhisperTranscriber,
          monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(tr, "BATCH_MIN_SECONDS", MIN_SECONDS)
    monkeypatch.setattr(tiny_transcriber, "batched",
                        Spy(tiny_transcriber.batched, "batched", calls))
    monkeypatch.setattr(tiny_transcriber, "model",
                        Spy(tiny_transcriber.model, "sequential", calls))
    return calls


def test_long_audio_is_batched_with_text_and_word_times_of_every_copy(
        tiny_transcriber: tr.FasterWhisperTranscriber, long_audio: tuple[np.ndarray, float],
        spied: list[str]) -> None:
    audio, period = long_audio
    progress: list[tuple[float, float]] = []
    segments = tiny_transcriber.transcribe(audio, offset=500.0,
                                           progress=lambda d, t: progress.append((d, t)))
    assert spied == ["batched"]
    words = [w for s in segments for w in s.words]
    copies = round(len(audio) / RATE / period)
    assert copies * period > MIN_SECONDS
    for k in range(copies):
        lo, hi = 500.0 + k * period, 500.0 + (k + 1) * period
        mine = [w for w in words if lo - 0.5 <= w.start < hi - 0.5]
        text = "".join(w.word for w in mine)
        assert wer(REFERENCE, text) <= 0.10, (k, text)
        # "fellow" is spoken about 1.5 s into each copy.
        fellow = next(w for w in mine if w.word.strip().lower() == "fellow")
        assert lo + 1.0 < fellow.start < lo + 2.0, (k, fellow)
    for a, b in zip(words, words[1:], strict=False):
        assert a.start <= a.end <= b.start + 1e-6
    for s in segments:
        assert s.words and s.start <= s.words[0].start and s.words[-1].end <= s.end + 0.5
    duration = len(audio) / RATE
    assert progress and progress[-1] == (pytest.approx(duration), pytest.approx(duration))


def test_short_audio_is_sequential_with_the_same_words(
        tiny_transcriber: tr.FasterWhisperTranscriber, jfk: np.ndarray,
        long_audio: tuple[np.ndarray, float], spied: list[str]) -> None:
    short = tiny_transcriber.transcribe(jfk, offset=500.0)
    batched = tiny_transcriber.transcribe(long_audio[0], offset=500.0)
    assert spied == ["sequential", "batched"]
    first = [w for s in batched for w in s.words if w.start < 500.0 + long_audio[1] - 0.5]
    short_words = [w for s in short for w in s.words]
    assert [_norm(w.word) for w in short_words] == [_norm(w.word) for w in first]
    # Same weights and alignment heads: word starts agree closely between the paths.
    diffs = [abs(a.start - b.start) for a, b in zip(short_words, first, strict=True)]
    assert float(np.median(diffs)) < 0.2


def test_a_prompt_works_on_short_audio(tiny_transcriber: tr.FasterWhisperTranscriber,
                                       jfk: np.ndarray, spied: list[str]) -> None:
    segments = tiny_transcriber.transcribe(jfk, prompt="Words: Americans country fellow")
    assert spied == ["sequential"]
    text = " ".join(s.text for s in segments)
    assert wer(REFERENCE, text) <= 0.10, text
    assert all(s.words for s in segments)


def test_prompted_long_audio_stays_sequential(tiny_transcriber: tr.FasterWhisperTranscriber,
                                              long_audio: tuple[np.ndarray, float],
                                              spied: list[str]) -> None:
    """The refine pass was tuned on the sequential decoder; a long turn keeps it."""
    segments = tiny_transcriber.transcribe(long_audio[0], prompt="Words: Americans")
    assert spied == ["sequential"]
    words = [w for s in segments for w in s.words]
    assert len(words) >= 20 * round(len(long_audio[0]) / RATE / long_audio[1])


def test_batched_decoding_is_deterministic(tiny_transcriber: tr.FasterWhisperTranscriber,
                                           long_audio: tuple[np.ndarray, float],
                                           spied: list[str]) -> None:
    """Batched is greedy at temperature 0 (no sampling): the same audio, the same words."""
    runs = [[(w.word, w.start) for s in tiny_transcriber.transcribe(long_audio[0])
             for w in s.words] for _ in range(2)]
    assert spied == ["batched", "batched"]
    assert runs[0] == runs[1]
