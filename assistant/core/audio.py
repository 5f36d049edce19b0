"""Reading audio files into 16 kHz mono float32, with clear errors for bad input.

Decoding goes through PyAV (bundled with faster-whisper), so any common format
works. Before decoding, a WAV header is checked against the file size, because
a truncated WAV otherwise decodes "fine" and silently loses the end of a meeting.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from assistant.core.errors import PMCError

RATE = 16000
SILENCE_PEAK = 1e-3  # below this the whole file is effectively digital silence


def _check_wav(path: Path) -> None:
    try:
        with wave.open(str(path)) as w:
            frames = w.getnframes()
            width, channels = w.getsampwidth(), w.getnchannels()
            w.rewind()
            data = w.readframes(frames)
    except (wave.Error, EOFError, RuntimeError):  # wave.py raises RuntimeError on some junk
        return  # not PCM WAV (e.g. float or extensible): let the decoder judge it
    expected = frames * width * channels
    if len(data) < expected:
        have = len(data) / max(1, width * channels) / max(1, w.getframerate())
        want = frames / max(1, w.getframerate())
        raise PMCError(f"{path} is truncated: its header says {want:.1f} s but it holds "
                       f"{have:.1f} s; re-export or re-copy the recording")


def load(path: Path | str) -> np.ndarray:
    """Decode `path` to 16 kHz mono float32 in [-1, 1]."""
    path = Path(path)
    if not path.exists():
        raise PMCError(f"audio file {path} does not exist; check the path")
    if not path.is_file():
        raise PMCError(f"{path} is not a file; give an audio file such as a .wav or .flac")
    if path.stat().st_size == 0:
        raise PMCError(f"{path} is empty (0 bytes); give a recording with sound in it")
    with path.open("rb") as fh:
        head = fh.read(12)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        _check_wav(path)
    from faster_whisper.audio import decode_audio  # heavy import, only when decoding

    try:
        audio = decode_audio(str(path), sampling_rate=RATE)
    except Exception as exc:  # PyAV raises many types for undecodable input
        raise PMCError(f"{path} is not readable audio ({exc.__class__.__name__}); "
                       "give a WAV, FLAC, MP3, OGG or M4A recording") from None
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size == 0:
        raise PMCError(f"{path} holds no audio samples; give a recording with sound in it")
    return audio


def check_not_silent(audio: np.ndarray, source: str) -> None:
    if audio.size == 0 or float(np.max(np.abs(audio))) < SILENCE_PEAK:
        raise PMCError(f"{source} is silent; check the microphone or pick another recording")
