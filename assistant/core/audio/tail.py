"""The last few minutes of recorded audio, kept in memory for drafting during the meeting.

A contracts turn is heard again (and drafted) seconds after the timekeeper moves past it;
reading it back from the chunk files would mean waiting for the open chunk to be sealed
(and decrypting it). The recorder hands every written block to the session anyway, so the
session keeps the most recent ones here. Only blocks that were recorded arrive (nothing
off the record), and a span a member asked to delete is silenced when it is read.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

import numpy as np

RATE = 16000


class AudioTail:
    """Recorded blocks of one track, the last `keep_s` seconds; fed on the writer thread,
    read on any other."""

    def __init__(self, keep_s: float = 600.0) -> None:
        self.keep = int(keep_s * RATE)
        self._blocks: deque[tuple[float, np.ndarray]] = deque()
        self._frames = 0
        self._lock = threading.Lock()

    def add(self, block: np.ndarray, start_s: float) -> None:
        samples = np.asarray(block, dtype=np.float32).reshape(-1)
        with self._lock:
            self._blocks.append((start_s, samples))
            self._frames += len(samples)
            while self._blocks and self._frames - len(self._blocks[0][1]) >= self.keep:
                self._frames -= len(self._blocks.popleft()[1])

    @property
    def first(self) -> float | None:
        """Meeting seconds of the oldest sample still kept."""
        with self._lock:
            return self._blocks[0][0] if self._blocks else None

    def pieces(self, start: float, end: float,
               silence: Sequence[tuple[float, float]] = ()) -> list[tuple[float, np.ndarray]]:
        """The kept audio between two meeting times, as (start, samples) runs split at gaps
        (off the record, pauses); samples inside `silence` spans are zero."""
        with self._lock:
            blocks = [(s, b) for s, b in self._blocks if s < end and s + len(b) / RATE > start]
        runs: list[tuple[float, list[np.ndarray]]] = []
        nxt: float | None = None
        for s, b in blocks:
            if nxt is None or abs(s - nxt) > 0.01:  # a gap (off the record) starts a run
                runs.append((s, [b]))
            else:
                runs[-1][1].append(b)
            nxt = s + len(b) / RATE
        out = []
        for s, parts in runs:
            audio = np.concatenate(parts)
            lo = max(0, int(round((start - s) * RATE)))
            hi = min(len(audio), int(round((end - s) * RATE)))
            if hi <= lo:
                continue
            piece = audio[lo:hi].copy()
            t0 = s + lo / RATE
            for x, y in silence:
                i, j = max(0, int((x - t0) * RATE)), min(len(piece), int(np.ceil((y - t0) * RATE)))
                if j > i:
                    piece[i:j] = 0.0
            out.append((t0, piece))
        return out
