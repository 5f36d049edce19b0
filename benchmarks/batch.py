"""Benchmark 1: batch transcription, faster-whisper (the app's compute type: int8 on Intel,
float32 elsewhere; core/speech/runtime.py) vs openai-whisper fp32, same weights.

Both backends run Whisper tiny.en: faster-whisper reads the pulled CTranslate2
directory, openai-whisper the checkpoint `pmc models convert` rebuilt from it. Each run
is the app's file path (`transcribe_path`, as `pmc transcribe`: decode and transcribe
in 300 s windows) in its own worker process, so each peak RSS is that workload's.
Runs are interleaved (faster-whisper, openai-whisper, faster-whisper, ...), so a
change in the machine's load hits both backends alike.

Real-time factor = run seconds / audio seconds (median over runs; model load and a
2 s warm-up excluded); speed ratio = openai-whisper RTF / faster-whisper RTF. CPU
seconds per audio second (all threads) are recorded too: they move less than wall
time when other work shares the cores.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, loadavg, median, run_worker, spread
from benchmarks.media import JFK, ami_clips, ten_minute_meeting

BACKENDS = ("faster-whisper", "openai-whisper")


def ensure_checkpoint(model: str = "whisper-tiny.en") -> Path:
    """The converted openai-whisper checkpoint, made with `pmc models convert` if missing."""
    from assistant.core import models

    ckpt = models.resolve(model, "speech") / "openai-whisper.pt"
    if not ckpt.is_file():
        print(f"converting {model} for openai-whisper (pmc models convert)", flush=True)
        subprocess.run([sys.executable, "-m", "assistant", "models", "convert", model],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return ckpt


def decoding() -> str:
    """The decoding policy both backends ran with, from the app's own constants."""
    from assistant.core.speech import transcribe as tr
    from assistant.core.speech.types import DECODING as d

    temps = ", ".join(f"{t:g}" for t in d.temperatures)
    return (f"both backends: greedy (beam 1), word timestamps, no conditioning on earlier "
            f"text; temperature fallback {temps} (best of {d.best_of} when sampling) where "
            f"a 30 s window's text has gzip ratio > {d.compression_ratio_threshold:g} or mean "
            f"log-probability < {d.logprob_threshold:g}. faster-whisper transcribes "
            f"windows over {tr.BATCH_MIN_SECONDS:.0f} s batched (BatchedInferencePipeline, "
            f"VAD chunks of ≤ 30 s, batch {tr.BATCH_SIZE}), which decodes at temperature 0 "
            f"only; openai-whisper has no batched mode")


def clips() -> list[tuple[str, Path]]:
    out = [("jfk", JFK)]
    out += [(f"ami/{p.stem}", p) for p in ami_clips()]
    out.append(("meeting 10 min", ten_minute_meeting().wav))
    return out


def run(repeats: int, long_repeats: int, log: Any = print) -> dict[str, Any]:
    ensure_checkpoint()
    rows = []
    for label, path in clips():
        n = long_repeats if label.startswith("meeting") else repeats
        runs: dict[str, list[dict[str, Any]]] = {b: [] for b in BACKENDS}
        seconds = 0.0
        for r in range(n):
            for backend in BACKENDS:
                log(f"  batch: {backend} on {label}, run {r + 1}/{n}")
                w = run_worker("transcribe_worker", ["--backend", backend, "--audio", str(path),
                                                     "--repeats", "1"])
                clip = w.data["clips"][0]
                seconds = clip["seconds"]
                runs[backend].append({"time": clip["times"][0], "cpu": clip["cpu_times"][0],
                                      "rss": w.maxrss, "load_s": w.data["load_s"],
                                      # A word count, not the text: shows a decoder looping.
                                      "words": len(clip["text"].split()),
                                      "loadavg": loadavg()[:1]})
        row: dict[str, Any] = {"clip": label, "seconds": seconds}
        for backend in BACKENDS:
            rs = runs[backend]
            row[backend] = {"rtf": spread([x["time"] / seconds for x in rs]),
                            "cpu_per_audio_s": median(x["cpu"] for x in rs) / seconds,
                            "times": [x["time"] for x in rs],
                            "load_s": median(x["load_s"] for x in rs),
                            "peak_rss": median(x["rss"] for x in rs),
                            "words": rs[-1]["words"],
                            "loadavg_1min": [x["loadavg"][0] for x in rs if x["loadavg"]]}
        row["speed_ratio"] = (row["openai-whisper"]["rtf"]["median"]
                              / row["faster-whisper"]["rtf"]["median"])
        row["cpu_ratio"] = (row["openai-whisper"]["cpu_per_audio_s"]
                            / row["faster-whisper"]["cpu_per_audio_s"])
        rows.append(row)
    # Over all clips: total transcription time / total audio, per backend.
    total_audio = sum(r["seconds"] for r in rows)
    overall = {b: sum(median(r[b]["times"]) for r in rows) / total_audio for b in BACKENDS}
    short = [r for r in rows if not r["clip"].startswith("meeting")]
    short_audio = sum(r["seconds"] for r in short)
    short_rtf = {b: sum(median(r[b]["times"]) for r in short) / short_audio for b in BACKENDS}
    return {"model": "whisper-tiny.en", "threads": "all cores (default)", "decoding": decoding(),
            "repeats": repeats,
            "long_repeats": long_repeats, "clips": rows, "overall_rtf": overall,
            "overall_speed_ratio": overall["openai-whisper"] / overall["faster-whisper"],
            "short_clips_speed_ratio": short_rtf["openai-whisper"] / short_rtf["faster-whisper"]}
