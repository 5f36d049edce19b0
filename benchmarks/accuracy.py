"""Benchmark 2: accuracy beside speed, Whisper tiny.en vs base (faster-whisper, int8).

Clips with reference text: JFK, and each rendered meeting (reference = its script's
turn texts in order). WER is assistant.core.drafting.textnorm.wer; the pooled figure weights
each clip by its reference word count. Decoding is greedy and deterministic, so WER
needs one run; the RTF beside it is the median of `repeats` runs.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from assistant.core.drafting.textnorm import normalise_for_wer, wer
from benchmarks.common import ROOT, run_worker, spread
from benchmarks.media import JFK, JFK_TEXT, rendered

MODELS = ("whisper-tiny.en", "whisper-base")


def ensure_models() -> None:
    """`make install` pulls only the defaults; base is pulled here, once, by the app's command."""
    from assistant.core import models

    for name in MODELS:
        if not models.is_present(models.spec(name)):
            print(f"pulling {name} for the accuracy benchmark (pmc models pull)", flush=True)
            subprocess.run([sys.executable, "-m", "assistant", "models", "pull", name], cwd=ROOT,
                           check=True, stdout=subprocess.DEVNULL)


def run(repeats: int, log: Any = print) -> dict[str, Any]:
    ensure_models()
    refs = [("jfk", JFK, JFK_TEXT)] + [(m.name, m.wav, m.reference()) for m in rendered()]
    out: dict[str, Any] = {"backend": "faster-whisper", "repeats": repeats, "models": {}}
    for model in MODELS:
        log(f"  accuracy: {model} on {len(refs)} clips x{repeats}")
        args = ["--model", model, "--repeats", str(repeats)]
        for _name, path, _ref in refs:
            args += ["--audio", str(path)]
        w = run_worker("transcribe_worker", args)
        clips, errors, words, secs, busy = [], 0.0, 0, 0.0, 0.0
        for (name, _path, ref), c in zip(refs, w.data["clips"], strict=True):
            n = len(normalise_for_wer(ref))
            e = wer(ref, c["text"])
            rtf = spread([t / c["seconds"] for t in c["times"]])
            clips.append({"clip": name, "seconds": c["seconds"], "ref_words": n, "wer": e,
                          "rtf": rtf})
            errors += e * n
            words += n
            secs += c["seconds"]
            busy += rtf["median"] * c["seconds"]
        out["models"][model] = {"clips": clips, "wer": errors / words, "rtf": busy / secs,
                                "load_s": w.data["load_s"], "peak_rss": w.maxrss}
    return out
