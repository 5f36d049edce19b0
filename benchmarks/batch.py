"""Benchmark 1: batch transcription, faster-whisper int8 vs openai-whisper fp32, same weights.

Both backends run Whisper tiny.en: faster-whisper reads the pulled CTranslate2
directory, openai-whisper the checkpoint `pmc models convert` rebuilt from it. Each
(backend, clip) pair is its own worker process, so each peak RSS is that workload's.
Each run is the app's file path (`transcribe_path`, as `pmc transcribe`: decode and
transcribe in 300 s windows). Real-time factor = run seconds / audio seconds (median of
the runs; model load and a 2 s warm-up excluded); speed ratio = openai-whisper RTF /
faster-whisper RTF.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, median, run_worker, spread
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
        row: dict[str, Any] = {"clip": label}
        for backend in BACKENDS:
            log(f"  batch: {backend} on {label} x{n}")
            w = run_worker("transcribe_worker", ["--backend", backend, "--audio", str(path),
                                                 "--repeats", str(n)])
            clip = w.data["clips"][0]
            rtfs = [t / clip["seconds"] for t in clip["times"]]
            row["seconds"] = clip["seconds"]
            row[backend] = {"rtf": spread(rtfs), "times": clip["times"], "load_s": w.data["load_s"],
                            "peak_rss": w.maxrss, "rss_after_model": w.data["rss_after_model"],
                            # A word count, not the text: shows a decoder looping on noise.
                            "words": len(clip["text"].split())}
        row["speed_ratio"] = (row["openai-whisper"]["rtf"]["median"]
                              / row["faster-whisper"]["rtf"]["median"])
        rows.append(row)
    # Over all clips: total transcription time / total audio, per backend.
    total_audio = sum(r["seconds"] for r in rows)
    overall = {b: sum(median(r[b]["times"]) for r in rows) / total_audio for b in BACKENDS}
    return {"model": "whisper-tiny.en", "threads": "all cores (default)", "repeats": repeats,
            "long_repeats": long_repeats, "clips": rows, "overall_rtf": overall,
            "overall_speed_ratio": overall["openai-whisper"] / overall["faster-whisper"]}
