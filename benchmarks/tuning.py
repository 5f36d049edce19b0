"""Tuning experiments: what the settings the app hard-codes or defaults cost and buy.

Not part of the default run (`--only tuning`). Each experiment changes one thing
against the app's configuration on the same audio, in separate worker processes:
threads (1 vs all cores) for Whisper, the LLM and live transcription; faster-whisper's
VAD on vs off; the streaming window of `transcribe_path`; beam size 1 vs 5; int8 vs
float32 compute; and the openai-whisper backend with one thread vs two. WER is given
beside every speed figure that could change the text.
"""

from __future__ import annotations

from typing import Any

from assistant.core.textnorm import wer
from benchmarks import drafting, live
from benchmarks.common import median, run_worker
from benchmarks.media import ami_clips, rendered, ten_minute_meeting


def _whisper(label: str, setting: str, clip: Any, ref: str | None, repeats: int,
             args: list[str], log: Any) -> dict[str, Any]:
    log(f"  tuning: {label} = {setting}")
    w = run_worker("transcribe_worker", ["--audio", str(clip), "--repeats", str(repeats),
                                         *args])
    c = w.data["clips"][0]
    rtf = median(c["times"]) / c["seconds"]
    note = f"{c['seconds']:.0f} s clip, peak RSS {w.maxrss / 2**20:.0f} MB"
    if ref is not None:
        note += f", WER {wer(ref, c['text']) * 100:.1f}%"
    return {"experiment": label, "setting": setting, "metric": "RTF", "value": f"{rtf:.3f}",
            "note": note, "rtf": rtf}


def run(repeats: int, log: Any = print) -> dict[str, Any]:
    meeting = next(m for m in rendered() if m.name == "eval_b")
    clip, ref = meeting.wav, meeting.reference()
    ami = ami_clips()[0]
    ex: list[dict[str, Any]] = []
    for threads in (1, 2):
        ex.append(_whisper("faster-whisper threads", str(threads), clip, ref, repeats,
                           ["--threads", str(threads)], log))
    for vad in ("on", "off"):
        ex.append(_whisper("faster-whisper VAD (app: on above 60 s)", vad, clip, ref, repeats,
                           ["--mode", "array", "--vad", vad], log))
    ten = ten_minute_meeting()
    for window in (60, 120, 300):
        ex.append(_whisper("transcribe_path window (app: 300 s), 10-min meeting",
                           f"{window} s", ten.wav, ten.reference, 1,
                           ["--window", str(window)], log))
    for beam in (1, 5):
        ex.append(_whisper("beam size", str(beam), clip, ref, repeats, ["--beam", str(beam)],
                           log))
    for ct in ("int8", "float32"):
        ex.append(_whisper("faster-whisper compute type", ct, clip, ref, repeats,
                           ["--compute-type", ct], log))
    for threads in (1, 2):
        ex.append(_whisper("openai-whisper threads", str(threads), ami, None, repeats,
                           ["--backend", "openai-whisper", "--threads", str(threads)], log))
    for threads in (1, 2):
        d = drafting.run(repeats, threads=threads, log=log)
        ex.append({"experiment": "LLM threads (8-member drafting)", "setting": str(threads),
                   "metric": "meeting s", "value": f"{d['meeting_s']['median']:.2f}",
                   "note": f"load {d['load_s']:.2f} s"})
    for threads in (1, 2):
        lv = live.run(2.0, threads=threads, log=log)
        j = lv["tick_jitter_ms"]
        ex.append({"experiment": "live threads (2-min feed)", "setting": str(threads),
                   "metric": "lag p50/p95 s",
                   "value": f"{lv['lag_p50_s']:.2f} / {lv['lag_p95_s']:.2f}",
                   "note": f"tick lateness p50/p99 {j['p50']}/{j['p99']} ms"})
    return {"clip": meeting.name, "repeats": repeats, "experiments": ex}
