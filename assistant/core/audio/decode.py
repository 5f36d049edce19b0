"""Reading audio files into 16 kHz mono float32, with clear errors for bad input.

Decoding goes through PyAV (bundled with faster-whisper), so any common format
works. Before decoding, a WAV header is checked against the file size, because
a truncated WAV otherwise decodes "fine" and silently loses the end of a meeting.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
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
    """Decode all of `path` to 16 kHz mono float32 in [-1, 1].

    For clips; a whole meeting goes through `stream` so memory stays flat.
    """
    probe(path)
    return np.concatenate([block for _start, block in stream(Path(path))])


def probe(path: Path | str) -> float | None:
    """Cheap checks before any model loads: exists, not empty, not truncated, decodable.

    Returns the container's duration in seconds when it states one (for progress).
    """
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
    for _start, block in stream(path, window_seconds=5.0):
        if block.size:
            return _duration(path)
    raise PMCError(f"{path} holds no audio samples; give a recording with sound in it")


def _duration(path: Path) -> float | None:
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            return container.duration / 1e6 if container.duration else None
    except Exception:
        return None


def _blocks(path: Path) -> Iterator[np.ndarray]:
    """Decode to 16 kHz mono float32 a piece at a time (memory stays flat)."""
    import av

    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except Exception as exc:  # PyAV raises many types for undecodable input
        raise PMCError(f"{path} is not readable audio ({exc.__class__.__name__}); "
                       "give a WAV, FLAC, MP3, OGG or M4A recording") from None
    try:
        if not container.streams.audio:
            raise PMCError(f"{path} has no audio stream; give an audio recording")
        resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=RATE)
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
        except PMCError:
            raise
        except Exception as exc:
            raise PMCError(f"{path} could not be decoded to the end ({exc.__class__.__name__}); "
                           "re-export the recording") from None
    finally:
        container.close()


def stream(path: Path | str, window_seconds: float = 300.0,
           search_seconds: float = 20.0) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (start seconds, samples) windows of about `window_seconds`.

    Each window is cut at the quietest half second of its last `search_seconds`,
    so a cut rarely falls inside a word; the rest carries over to the next window.
    """
    path = Path(path)
    size = int(window_seconds * RATE)
    pending: list[np.ndarray] = []
    have = 0
    start = 0
    for block in _blocks(path):
        pending.append(block)
        have += len(block)
        if have < size:
            continue
        buf = np.concatenate(pending)
        cut = _quiet_cut(buf[:size], int(search_seconds * RATE))
        yield start / RATE, buf[:cut]
        start += cut
        rest = buf[cut:]
        pending, have = [rest], len(rest)
    if have:
        yield start / RATE, np.concatenate(pending)


def _quiet_cut(window: np.ndarray, search: int) -> int:
    hop = RATE // 2
    lo = max(0, len(window) - search)
    tail = window[lo:]
    n = len(tail) // hop
    if n < 2:
        return len(window)
    energy = (tail[: n * hop].reshape(n, hop) ** 2).mean(axis=1)
    return lo + int(np.argmin(energy)) * hop + hop // 2
