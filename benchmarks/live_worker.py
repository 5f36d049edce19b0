"""Worker: a real-time feed through Recorder -> LiveTranscriber, with a 10 Hz ticker.

    python -m benchmarks.live_worker --audio MEETING.wav --seconds 180 --out result.json

The feed is `FileSource(audio, realtime=True)` into a real `Recorder` (chunk files,
fsync) whose `on_audio` is `LiveTranscriber.feed`, as in the app. A thread ticking at
10 Hz stands in for the UI timer and records how late each tick wakes (its jitter),
first for a few seconds with the model loaded but idle (baseline), then during the
feed. Lag is LiveTranscriber's own: from the arrival of the block holding the end of
a speech window to the delivery of its text.
"""

from __future__ import annotations

import argparse
import shutil
import threading
import time
from pathlib import Path

from benchmarks.common import OUT, write_out
from benchmarks.media import load

TICK_S = 0.1


class Ticker:
    """Wakes every TICK_S on a fixed schedule; lateness = wake time - scheduled time."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ticker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        k = 1
        while not self._stop.is_set():
            target = t0 + k * TICK_S
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            late = time.monotonic() - target
            with self._lock:
                self.late.append(late)
            # A timer that overslept skips the ticks it missed instead of bursting.
            k = max(k + 1, int((time.monotonic() - t0) / TICK_S) + 1)

    def take(self) -> list[float]:
        with self._lock:
            out, self.late = self.late, []
        return out

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--audio", required=True)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--backend", default="faster-whisper")
    ap.add_argument("--model", default="whisper-tiny.en")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--baseline", type=float, default=10.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    from assistant.core import models
    from assistant.core.audio.recorder import FileSource, Recorder
    from assistant.core.speech.live import LiveTranscriber
    from assistant.core.speech.transcribe import make_transcriber

    audio = load(Path(a.audio))[: int(a.seconds * 16000)]
    t0 = time.perf_counter()
    t = make_transcriber(models.resolve(a.model, "speech"), a.backend, language="en",
                         threads=a.threads)
    load_s = time.perf_counter() - t0

    ticker = Ticker()
    ticker.start()
    time.sleep(a.baseline)
    baseline = ticker.take()

    delivered = [0]

    def on_segment(_seg: object) -> None:
        delivered[0] += 1

    live = LiveTranscriber(t, on_segment)
    src = FileSource(audio, realtime=True)
    chunks = OUT / f".live-{id(src)}"
    rec = Recorder(chunks, source=src, on_audio=live.feed)
    try:
        rec.start()
        src.wait()
        fed = time.monotonic()
        rec.close()
        live.finish()
        catch_up = time.monotonic() - fed
    finally:
        shutil.rmtree(chunks, ignore_errors=True)
    during = ticker.take()
    ticker.stop()
    s = live.stats
    write_out(a.out, {
        "seconds": len(audio) / 16000, "load_s": load_s, "lags": s.lags,
        "windows": s.windows, "transcribed": s.transcribed, "silent": s.silent,
        "dropped": s.dropped, "errors": s.errors, "backlog_peak_s": s.backlog_peak_s,
        "segments": delivered[0], "catch_up_s": catch_up, "recorder_dropped": rec.dropped_blocks,
        "tick_late_baseline": baseline, "tick_late": during})


if __name__ == "__main__":
    main()
