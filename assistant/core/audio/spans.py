"""Spans of a meeting's timeline (start, end seconds): merging them, cutting them out.

Pure helpers shared by the owner of the chunk files (assistant/core/audio/chunks.py) and
erasure (assistant/core/privacy/erase.py); no files, no store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from assistant.core.audio.recorder import RATE

MIN_PIECE = 0.1  # seconds; shorter remnants left by `cut` hold no words worth transcribing

Span = tuple[float, float]


def merge(spans: Iterable[Span], pad: float = 0.0) -> list[Span]:
    """`spans` widened by `pad` either side (never before 0), sorted, overlaps joined."""
    out: list[Span] = []
    for a, b in sorted((max(0.0, a - pad), b + pad) for a, b in spans if b > a):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def cut(pieces: Sequence[tuple[float, np.ndarray]],
        spans: Sequence[Span]) -> list[tuple[float, np.ndarray]]:
    """Audio pieces (start seconds, samples at 16 kHz) with the spans taken out."""
    if not spans:
        return list(pieces)
    out = []
    for start, audio in pieces:
        keep_from = 0
        for a, b in merge(spans):
            i = max(0, int(np.floor((a - start) * RATE)))
            j = min(len(audio), int(np.ceil((b - start) * RATE)))
            if j <= i or j <= keep_from:
                continue
            if i - keep_from >= MIN_PIECE * RATE:
                out.append((start + keep_from / RATE, audio[keep_from:i]))
            keep_from = j
        if len(audio) - keep_from >= MIN_PIECE * RATE or (keep_from == 0 and len(audio)):
            out.append((start + keep_from / RATE, audio[keep_from:]))
    return out
