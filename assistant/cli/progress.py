"""A small progress bar on stderr for long CLI work (never prints transcript text).

Only on a terminal: when stderr is a pipe or file, it stays silent so that
errors remain the only thing a script sees there.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Bar:
    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.stage = ""
        self.last = 0.0
        self.t0 = time.monotonic()

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage != self.stage:
            if self.tty and self.stage:
                self.stream.write("\n")
            self.stage = stage
            self.last = 0.0
        if self.tty and (now - self.last > 0.1 or fraction >= 1.0):
            width = 30
            filled = int(width * max(0.0, min(1.0, fraction)))
            self.stream.write(f"\r{stage:<16} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{fraction * 100:5.1f}%  {now - self.t0:5.1f}s")
            self.last = now
        self.stream.flush()

    def bytes(self, label: str, done: int, total: int) -> None:
        self(label, done / total if total else 1.0)

    def close(self) -> None:
        if self.tty and self.stage:
            self.stream.write("\n")
            self.stream.flush()
