"""Tuning experiments: what the settings the app hard-codes or defaults cost and buy.

Not part of the default run (`--only tuning`). Each experiment changes one thing against
the app's configuration on the same audio, in separate worker processes: threads (1 vs
all cores) for Whisper, the LLM and live transcription; faster-whisper's VAD on vs off;
numpy's BLAS threads; the streaming window of `transcribe_path`; beam size 1 vs 5; int8
vs float32 compute; the openai-whisper backend with one thread vs two; and, for the LLM,
OpenMP's wait policy, llama.cpp's n_batch and which candidates the model is asked about.
Settings are interleaved (A, B, A, B, ...) round by round, so a change in the machine's
load hits every setting alike; each figure is the median over the rounds. WER is given
beside every speed figure that could change the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.core.drafting.textnorm import wer
from benchmarks.common import loadavg, median, run_worker
from benchmarks.media import JFK, ami_clips, rendered, ten_minute_meeting


def _whisper(label: str, settings: Sequence[tuple[str, list[str]]], clip: Any, ref: str | None,
             rounds: int, log: Any) -> list[dict[str, Any]]:
    times: dict[str, list[float]] = {name: [] for name, _ in settings}
    rss: dict[str, list[int]] = {name: [] for name, _ in settings}
    text: dict[str, str] = {}
    seconds = 0.0
    for r in range(rounds):
        for name, args in settings:
            log(f"  tuning: {label} = {name} (round {r + 1}/{rounds})")
            w = run_worker("transcribe_worker", ["--audio", str(clip), "--repeats", "1", *args])
            c = w.data["clips"][0]
            times[name].append(c["times"][0])
            rss[name].append(w.maxrss)
            text[name], seconds = c["text"], c["seconds"]
    out = []
    for name, _ in settings:
        rtf = median(times[name]) / seconds
        note = f"{seconds:.0f} s clip, peak RSS {median(rss[name]) / 2**20:.0f} MB"
        if ref is not None:
            note += f", WER {wer(ref, text[name]) * 100:.1f}%"
        out.append({"experiment": label, "setting": name, "metric": "RTF",
                    "value": f"{rtf:.3f}", "note": note, "rtf": rtf})
    return out


def _drafting(settings: Sequence[tuple[str, list[str], dict[str, str]]], rounds: int,
              log: Any) -> list[dict[str, Any]]:
    totals: dict[str, list[float]] = {name: [] for name, _, _ in settings}
    calls: dict[str, str] = {}
    loads: list[float] = []
    for r in range(rounds):
        for name, args, env in settings:
            log(f"  tuning: drafting, {name} (round {r + 1}/{rounds})")
            w = run_worker("draft_worker", ["--repeats", "1", *args], env=env)
            run = w.data["runs"][0]
            totals[name].append(run["total"])
            calls[name] = f"{run['llm_calls']} LLM calls ({run['llm_accepted']} accepted)"
            loads.append(loadavg()[0] if loadavg() else 0.0)
    return [{"experiment": "8-member drafting (LLM)", "setting": name, "metric": "meeting s",
             "value": f"{median(totals[name]):.2f}",
             "note": "runs " + ", ".join(f"{x:.1f}" for x in totals[name])
                     + f"; {calls[name]}; 1-min load average {min(loads):.1f}–{max(loads):.1f}"}
            for name, _, _ in settings]


def run(repeats: int, select: str = "", log: Any = print) -> dict[str, Any]:
    """All experiments, or those whose label contains `select` (e.g. "batched")."""
    meeting = next(m for m in rendered() if m.name == "eval_b")
    clip, ref = meeting.wav, meeting.reference()
    ten = ten_minute_meeting()
    ex: list[dict[str, Any]] = []
    for label, fn in _experiments(repeats, clip, ref, ten, log):
        if select.lower() in label.lower():
            ex += fn()
    return {"clip": meeting.name, "rounds": repeats, "experiments": ex}


def _experiments(repeats: int, clip: Any, ref: str, ten: Any,
                 log: Any) -> list[tuple[str, Callable[[], list[dict[str, Any]]]]]:
    return [
        ("drafting threads", lambda: _drafting([
            ("threads=2 (app default: all cores)", ["--threads", "2"], {}),
            ("threads=1", ["--threads", "1"], {}),
            ("threads=2, OMP_WAIT_POLICY=PASSIVE", ["--threads", "2"],
             {"OMP_WAIT_POLICY": "PASSIVE"}),
            ("threads=2 after Whisper in the same process (as import)",
             ["--threads", "2", "--whisper-first"], {}),
            ("threads=1 after Whisper in the same process",
             ["--threads", "1", "--whisper-first"], {})], repeats, log)),
        ("drafting model calls", lambda: _drafting([
            ("verb-first rule text not sent, answer capped (app)", ["--threads", "2"], {}),
            ("every candidate sent, cap 48 tokens (before issue 16)",
             ["--threads", "2", "--ask-all"], {})], repeats, log)),
        ("drafting n_batch", lambda: _drafting([
            (f"threads={t}, n_batch={b}" + (" (app)" if (t, b) == (2, 512) else ""),
             ["--threads", str(t), "--batch", str(b)], {})
            for t in (2, 1) for b in (512, 64, 16)], repeats, log)),
        ("faster-whisper threads", lambda: _whisper(
            "faster-whisper threads", [("2 (app default)", ["--threads", "2"]),
                                       ("1", ["--threads", "1"])], clip, ref, repeats, log)),
        ("faster-whisper VAD", lambda: _whisper(
            "faster-whisper VAD (app: on above 60 s)",
            [("on", ["--mode", "array", "--vad", "on"]),
             ("off", ["--mode", "array", "--vad", "off"])], clip, ref, repeats, log)),
        ("transcribe_path window", lambda: _whisper(
            "transcribe_path window, 10-min meeting",
            [(f"{w} s" + (" (app)" if w == 300 else ""), ["--window", str(w)])
             for w in (300, 120, 60)], ten.wav, ten.reference, repeats, log)),
        ("faster-whisper batched / temperature, 10-min meeting", lambda: _whisper(
            "faster-whisper batched / temperature, 10-min meeting (whole array)",
            [("app call (VAD, temperature fallback)", ["--mode", "array", "--vad", "on"]),
             ("temperature 0 only", ["--mode", "array", "--vad", "on", "--temperature0"]),
             ("BatchedInferencePipeline, batch 4", ["--mode", "array", "--batched", "4"]),
             ("BatchedInferencePipeline, batch 8", ["--mode", "array", "--batched", "8"])],
            ten.wav, ten.reference, repeats, log)),
        ("temperature, AMI tst00", lambda: _whisper(
            "faster-whisper temperature, AMI tst00",
            [("fallback (app)", ["--mode", "array", "--vad", "off"]),
             ("temperature 0 only",
              ["--mode", "array", "--vad", "off", "--temperature0"])],
            next(p for p in ami_clips() if p.stem == "tst00"), None, repeats, log)),
        ("numpy BLAS threads", lambda: _whisper(
            "numpy BLAS threads (faster-whisper), JFK",
            [("1 (app)", []), ("2 (numpy's default)", ["--numpy-blas-threads", "2"])],
            JFK, None, repeats, log)),
        ("beam size", lambda: _whisper(
            "beam size", [("1 (app)", ["--beam", "1"]), ("5", ["--beam", "5"])], clip, ref,
            repeats, log)),
        ("compute type", lambda: _whisper(
            "faster-whisper compute type", [("int8 (app)", []),
                                            ("float32", ["--compute-type", "float32"])],
            clip, ref, repeats, log)),
        ("openai-whisper threads", lambda: _whisper("openai-whisper threads", [
            ("2 (app default)", ["--backend", "openai-whisper", "--threads", "2"]),
            ("1", ["--backend", "openai-whisper", "--threads", "1"])], ami_clips()[0], None,
            repeats, log)),
        ("live threads", lambda: [_live(threads, log) for threads in (2, 1)]),
    ]


def _live(threads: int, log: Any) -> dict[str, Any]:
    from benchmarks import live

    lv = live.run(2.0, threads=threads, log=log)
    j = lv["tick_jitter_ms"]
    return {"experiment": "live, 2-min feed", "setting": f"threads={threads}",
            "metric": "lag p50/p95 s", "value": f"{lv['lag_p50_s']:.2f} / {lv['lag_p95_s']:.2f}",
            "note": f"tick lateness p50/p99 {j['p50']}/{j['p99']} ms, backlog peak "
                    f"{lv['backlog_peak_s']:.1f} s"}
