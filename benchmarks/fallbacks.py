"""Temperature fallbacks per clip: which window of which clip was decoded again, and why.

    python -m benchmarks.fallbacks            # JFK and the AMI clips, faster-whisper
    python -m benchmarks.fallbacks --float32-mel   # faster-whisper's own float32 mel

A fallback (a window whose greedy text has gzip ratio > 2.4 or mean log-probability
< -1, decoded again by sampling, best of 5) costs several times a clean window, so one
fallback can make a short clip slower than openai-whisper (issue 16: AMI sample.wav on
AVX2). This counts them deterministically, without timing anything: each line is a
threshold message faster-whisper logged (with the temperature and the value). A window
that misses the log-probability threshold while its no-speech probability is high is
skipped as silence, not decoded again, so it is not counted as a fallback.
`--float32-mel` puts faster-whisper's own feature extractor back (the one
core/speech/mel.py replaces), to see the difference on this CPU. Sampling at
temperatures above 0 is random, so a clip that falls back can differ run to run.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from benchmarks.common import isa
from benchmarks.media import JFK, ami_clips, load


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "threshold" in message:
            self.messages.append(message)


def count(clips: list[Path], float32_mel: bool = False) -> list[dict[str, Any]]:
    from faster_whisper.feature_extractor import FeatureExtractor

    from assistant.core import models
    from assistant.core.speech.transcribe import FasterWhisperTranscriber

    t = FasterWhisperTranscriber(models.resolve("whisper-tiny.en", "speech"))
    if float32_mel:
        t.model.feature_extractor = FeatureExtractor()
    log = logging.getLogger("faster_whisper")
    handler = _Collect()
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    rows = []
    try:
        for clip in clips:
            handler.messages.clear()
            segments = t.transcribe(load(clip))
            ms = list(handler.messages)
            again = [m for i, m in enumerate(ms) if "is not met" in m
                     and not (i + 1 < len(ms) and ms[i + 1].startswith("No speech"))]
            rows.append({"clip": clip.stem, "messages": ms, "fallbacks": len(again),
                         "words": sum(len(s.text.split()) for s in segments)})
    finally:
        log.removeHandler(handler)
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.fallbacks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--float32-mel", action="store_true")
    ap.add_argument("audio", nargs="*", type=Path, help="clips (default: JFK and AMI)")
    a = ap.parse_args(argv)
    kernels = isa()
    print(f"faster-whisper tiny.en, {kernels['kernels']} kernels, "
          f"{'float32' if a.float32_mel else 'float64'} mel filter product")
    for row in count(a.audio or [JFK, *ami_clips()], a.float32_mel):
        print(f"{row['clip']}: {row['fallbacks']} fallback(s), {row['words']} words")
        for message in row["messages"]:
            print(f"  {message}")


if __name__ == "__main__":
    main()
