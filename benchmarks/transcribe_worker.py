"""Worker: load one Whisper model once, transcribe clips, report times (one process each).

    python -m benchmarks.transcribe_worker --backend faster-whisper --model whisper-tiny.en \
        --audio CLIP [--audio CLIP ...] --repeats 3 --out result.json

With `--mode path` (the default) each run is the app's file path, `transcribe_path`
(what `pmc transcribe` and `pmc meeting import` do: decode and transcribe in windows of
`--window` seconds), so decoding is inside the timed run; `--mode array` decodes first
and times `Transcriber.transcribe` on the whole array. The model loads once (timed
separately) and warms up on the first two seconds of JFK, so no backend pays for
first-call set-up inside the timed runs. `--vad on|off` (array mode, faster-whisper
only), `--compute-type`, `--beam`, `--threads` and `--numpy-blas-threads` change one
setting for the tuning experiments; without them this is exactly the Transcriber the app
builds. Text goes back to the parent only through --out, for WER.
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
    from assistant.core.speech.transcribe import make_transcriber

    path = models.resolve(model, "speech")
    extra = {"compute_type": compute_type} if compute_type else {}
    return make_transcriber(path, backend, language="en", beam_size=beam, threads=threads,
                            **extra)


def _raw_faster_whisper(t: Any, audio: np.ndarray, vad: bool, temperature0: bool = False,
                        batch: int = 0) -> str:
    """The project's faster-whisper call with VAD forced on or off, or another variant.

    `temperature0`: greedy at temperature 0 only, no fallback re-decoding (what the
    openai-whisper backend does). `batch`: faster-whisper's BatchedInferencePipeline,
    which cuts the audio at VAD pauses into <= 30 s chunks and decodes `batch` at once.
    """
    kw: dict[str, Any] = {"temperature": 0.0} if temperature0 else {}
    if batch:
        from faster_whisper import BatchedInferencePipeline

        segments, _info = BatchedInferencePipeline(t.model).transcribe(
            audio, language=t.language, beam_size=t.beam_size, word_timestamps=True,
            condition_on_previous_text=False, batch_size=batch, **kw)
    else:
        segments, _info = t.model.transcribe(
            audio, language=t.language, beam_size=t.beam_size, word_timestamps=True,
            condition_on_previous_text=False, vad_filter=vad,
            vad_parameters={"min_silence_duration_ms": 500}, **kw)
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
    ap.add_argument("--temperature0", action="store_true",
                    help="array mode, faster-whisper: temperature 0 only, no fallback")
    ap.add_argument("--batched", type=int, default=0,
                    help="array mode, faster-whisper: BatchedInferencePipeline batch size")
    ap.add_argument("--numpy-blas-threads", type=int, default=0,
                    help="override the app's one numpy BLAS thread (core/runtime.py)")
    ap.add_argument("--mode", choices=["path", "array"], default="path")
    ap.add_argument("--window", type=float, default=300.0, help="--mode path: window seconds")
    ap.add_argument("--no-warmup", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    from assistant.core.speech.transcribe import transcribe_path

    raw = a.vad != "auto" or a.temperature0 or a.batched
    if a.mode == "path" and raw:
        ap.error("--vad, --temperature0 and --batched need --mode array")
    warm = load(JFK)[:2 * 16000]
    # Path mode decodes inside each run; decoding here first would inflate the peak RSS.
    arrays = {p: load(Path(p)) for p in a.audio} if a.mode == "array" else {}
    before = own_status().get("VmRSS")
    t0 = time.perf_counter()
    t = _transcriber(a.backend, a.model, a.threads, a.beam, a.compute_type)
    load_s = time.perf_counter() - t0
    if a.numpy_blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=a.numpy_blas_threads, user_api="blas")
    after_load = own_status().get("VmRSS")

    def once(clip: str | np.ndarray) -> tuple[str, float]:
        """(text, audio seconds) of one run."""
        if isinstance(clip, str):
            r = transcribe_path(t, Path(clip), window_seconds=a.window)
            return " ".join(s.text for s in r.segments), r.duration
        if raw:
            vad = a.vad == "on" or (a.vad == "auto" and len(clip) > 60 * 16000)
            return (_raw_faster_whisper(t, clip, vad, a.temperature0, a.batched),
                    len(clip) / 16000)
        return " ".join(s.text for s in t.transcribe(clip)), len(clip) / 16000

    warm_s = None
    if not a.no_warmup:
        t0 = time.perf_counter()
        once(warm)
        warm_s = time.perf_counter() - t0
    results = []
    for path in a.audio:
        times, cpu, text, seconds = [], [], "", 0.0
        for _ in range(a.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            text, seconds = once(arrays.get(path, path))
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)  # every thread of this process
        results.append({"audio": path, "seconds": seconds, "times": times, "cpu_times": cpu,
                        "text": text})
    write_out(a.out, {"backend": a.backend, "model": a.model, "mode": a.mode, "load_s": load_s,
                      "warmup_s": warm_s, "rss_before_model": before,
                      "rss_after_model": after_load, "clips": results})


if __name__ == "__main__":
    main()
