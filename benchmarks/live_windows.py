"""Issue 16: where the live pass's time goes, window by window (side by side, one process).

    python -m benchmarks.live_windows [--seconds 180] [--repeats 3]

The first `seconds` of the 10-minute rendered meeting are cut into windows exactly as
live transcription cuts them (core/speech/live.py, fed block by block, no clock), then
every window is transcribed by Whisper tiny.en (faster-whisper int8) in each variant, the
variants interleaved window by window so load changes hit them alike. Per variant: the
median over repeats of each window's time, then p50/p95 over windows and the total. The
live lag is about the pause that closes a window (`pause_s`) plus this time (plus any
queue wait), so the variant that cuts p95 here cuts the lag's p95.

Prints JSON; figures go into RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
import wave
from typing import Any

import numpy as np

from benchmarks.common import loadavg, percentile
from benchmarks.media import ten_minute_meeting

RATE = 16000
BLOCK = 1600  # the recorder's 0.1 s blocks


def windows(seconds: float, pause_s: float = 0.5) -> list[Any]:
    from assistant.core.speech.live import LiveTranscriber

    meeting = ten_minute_meeting()
    with wave.open(str(meeting.wav), "rb") as w:
        n = int(min(seconds, w.getnframes() / RATE) * RATE)
        audio = np.frombuffer(w.readframes(n), dtype=np.int16).astype(np.float32) / 32768.0
    cut: list[Any] = []

    class Keep:  # the live pass's cutter, without transcribing
        name = "keep"

        def transcribe(self, a: Any, offset: float = 0.0, progress: Any = None,
                       prompt: Any = None) -> list[Any]:
            return []

    live = LiveTranscriber(Keep(), lambda seg: None, clock=lambda: 0.0, pause_s=pause_s)
    orig = live._enqueue

    def enqueue(win: Any) -> None:
        cut.append(win)
        orig(win)

    live._enqueue = enqueue  # type: ignore[method-assign,assignment]
    for k in range(0, len(audio), BLOCK):
        live.feed(audio[k:k + BLOCK], k / RATE)
    live.finish()
    return cut


def variants(threads: int) -> dict[str, Any]:
    from assistant.core import models
    from assistant.core.speech.transcribe import FasterWhisperTranscriber
    from assistant.core.speech.types import DECODING

    path = models.resolve("whisper-tiny.en", "speech")
    base = dict(language="en", beam_size=1, threads=threads)
    return {
        "app (fallback, words)": FasterWhisperTranscriber(path, **base),  # type: ignore[arg-type]
        "temperature 0 only": FasterWhisperTranscriber(
            path, decoding=dataclasses.replace(DECODING, temperatures=(0.0,)),
            **base),  # type: ignore[arg-type]
        "1 thread": FasterWhisperTranscriber(path, language="en", beam_size=1, threads=1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    load0 = loadavg()
    wins = windows(a.seconds)
    ts = variants(a.threads)
    times: dict[str, list[list[float]]] = {k: [[] for _ in wins] for k in ts}
    words: dict[str, int] = {k: 0 for k in ts}
    for r in range(a.repeats):
        for i, w in enumerate(wins):
            for name, t in ts.items():
                t0 = time.perf_counter()
                segs = t.transcribe(w.audio, offset=w.start)
                times[name][i].append(time.perf_counter() - t0)
                if r == 0:
                    words[name] += sum(len(s.text.split()) for s in segs)
    out: dict[str, Any] = {"windows": len(wins), "seconds": a.seconds, "repeats": a.repeats,
                           "window_s": {"p50": percentile([len(w.audio) / RATE for w in wins], 50),
                                        "max": max(len(w.audio) / RATE for w in wins)},
                           "load": [load0, loadavg()], "variants": {}}
    for name in ts:
        per = [float(np.median(x)) for x in times[name]]
        out["variants"][name] = {"p50_s": round(percentile(per, 50), 3),
                                 "p95_s": round(percentile(per, 95), 3),
                                 "max_s": round(max(per), 3), "total_s": round(sum(per), 2),
                                 "words": words[name]}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
