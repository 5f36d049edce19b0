"""Worker: load one Whisper model once, transcribe clips, report times (one process each).

    python -m benchmarks.transcribe_worker --backend faster-whisper --model whisper-tiny.en \
        --audio CLIP [--audio CLIP ...] --repeats 3 --out result.json

Audio is decoded before timing; the model loads once (timed separately) and warms up
on the first two seconds of JFK, so no backend pays for first-call set-up inside the
timed runs. `--vad on|off`, `--compute-type` and `--threads` bypass the project's defaults for the
tuning experiments (faster-whisper only for VAD); without them this is exactly the
Transcriber the app builds. Text goes back to the parent only through --out, for WER.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import own_status, write_out
from benchmarks.media import JFK, load


def _transcriber(backend: str, model: str, threads: int, beam: int,
                 compute_type: str | None) -> Any:
    from assistant.core import models
    from assistant.core.transcribe import make_transcriber

    path = models.resolve(model, "speech")
    extra = {"compute_type": compute_type} if compute_type else {}
    return make_transcriber(path, backend, language="en", beam_size=beam, threads=threads,
                            **extra)


def _raw_faster_whisper(t: Any, audio: np.ndarray, vad: bool) -> str:
    """The project's faster-whisper call with VAD forced on or off."""
    segments, _info = t.model.transcribe(
        audio, language=t.language, beam_size=t.beam_size, word_timestamps=True,
        condition_on_previous_text=False, vad_filter=vad,
        vad_parameters={"min_silence_duration_ms": 500})
    return " ".join(s.text.strip() for s in segments)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="faster-whisper")
    ap.add_argument("--model", default="whisper-tiny.en")
    ap.add_argument("--audio", action="append", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--beam", type=int, default=1)
    ap.add_argument("--vad", choices=["auto", "on", "off"], default="auto")
    ap.add_argument("--compute-type", help="faster-whisper only: int8 (default), float32, ...")
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    clips = [(p, load(Path(p))) for p in a.audio]
    warm = load(JFK)[:2 * 16000]
    before = own_status().get("VmRSS")
    t0 = time.perf_counter()
    t = _transcriber(a.backend, a.model, a.threads, a.beam, a.compute_type)
    load_s = time.perf_counter() - t0
    after_load = own_status().get("VmRSS")

    def once(audio: np.ndarray) -> str:
        if a.vad != "auto":
            return _raw_faster_whisper(t, audio, a.vad == "on")
        return " ".join(s.text for s in t.transcribe(audio))

    warm_s = None
    if not a.no_warmup:
        t0 = time.perf_counter()
        once(warm)
        warm_s = time.perf_counter() - t0
    results = []
    for path, audio in clips:
        times, text = [], ""
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            text = once(audio)
            times.append(time.perf_counter() - t0)
        results.append({"audio": path, "seconds": len(audio) / 16000, "times": times,
                        "text": text})
    write_out(a.out, {"backend": a.backend, "model": a.model, "load_s": load_s,
                      "warmup_s": warm_s, "rss_before_model": before,
                      "rss_after_model": after_load, "clips": results})


if __name__ == "__main__":
    main()
