"""Where the speech is in audio longer than one Whisper window, for both backends.

Whisper decodes 30 s windows. A window that is mostly silence is judged "no speech" and
skipped whole, and words that begin near its end go with it; the next window starts
after them. A track that is silent for a while (the room while the call member speaks,
a stretch after an off-the-record gap) then loses the first words of whoever speaks
next. Measured on tiny.en with a 5.6 s sentence after 24-32.5 s of silence: faster-whisper
lost its first 2-5 words at 6 of 18 placements (every 0.5 s), openai-whisper some or all
of it at 4 of 9 (every 1 s); given only the speech, both heard it whole at every one.
So audio longer than one window is first cut to its speech: faster-whisper by its own
VAD filter, openai-whisper by clip times from the same VAD model (`clips`).

Shorter audio stays whole: it is one window, and VAD clips a lone turn's soft onset.
"""

from __future__ import annotations

import numpy as np

from assistant.core.audio.decode import RATE

ONE_WINDOW_SECONDS = 30.0  # Whisper's window: audio longer than this is cut to its speech
HOP = 160  # one mel frame (10 ms): a 30 s clip a sample over is still one window
MIN_SILENCE_MS = 500  # a pause this long ends a stretch of speech (both backends)
# openai-whisper encodes each clip on its own, so stretches closer than this are one clip:
# a window then never starts in a long silence, and a meeting is not encoded per phrase.
JOIN_SECONDS = 2.0


def needs_cutting(audio: np.ndarray) -> bool:
    return len(audio) > ONE_WINDOW_SECONDS * RATE + HOP


def clips(audio: np.ndarray) -> list[float]:
    """Start and end seconds of each stretch of speech, flat: [s0, e0, s1, e1, ...].

    Silero VAD as faster-whisper ships it (its bundled ONNX model: no download), with the
    pause length faster-whisper's sequential path uses; stretches less than JOIN_SECONDS
    apart are joined. Empty when nothing is said.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    spans = get_speech_timestamps(np.ascontiguousarray(audio, dtype=np.float32),
                                  VadOptions(min_silence_duration_ms=MIN_SILENCE_MS))
    joined: list[list[float]] = []
    for span in spans:
        start, end = span["start"] / RATE, span["end"] / RATE
        if joined and start - joined[-1][1] < JOIN_SECONDS:
            joined[-1][1] = end
        else:
            joined.append([start, end])
    return [t for pair in joined for t in pair]
