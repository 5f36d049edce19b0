"""Benchmark 3: live transcript lag and timer jitter on a real-time feed.

One worker process feeds the first `minutes` of the 10-minute rendered meeting in real
time (3 minutes by default, the whole ~10.6 minutes with --full). Lag and jitter
percentiles are over every window / tick of that run; a real-time run cannot be
repeated cheaply, so `repeats` runs are pooled when asked for.
"""

from __future__ import annotations

from typing import Any

from benchmarks.common import percentile, run_worker
from benchmarks.media import ten_minute_meeting


def _ms(values: list[float], q: float) -> float | None:
    return round(percentile(values, q) * 1000, 1) if values else None


def run(minutes: float, repeats: int = 1, threads: int = 0, log: Any = print) -> dict[str, Any]:
    meeting = ten_minute_meeting()
    seconds = min(minutes * 60, meeting.seconds)
    runs = []
    for i in range(repeats):
        log(f"  live: {seconds:.0f} s real-time feed, run {i + 1}/{repeats}, threads={threads}")
        w = run_worker("live_worker", ["--audio", str(meeting.wav), "--seconds", str(seconds),
                                       "--threads", str(threads)])
        runs.append((w.data, w.maxrss))
    lags = [x for d, _ in runs for x in d["lags"]]
    late = [x for d, _ in runs for x in d["tick_late"]]
    base = [x for d, _ in runs for x in d["tick_late_baseline"]]
    return {
        "feed_seconds": seconds, "full_meeting": seconds >= meeting.seconds - 1,
        "repeats": repeats, "threads": threads or "all cores (default)",
        "lag_p50_s": percentile(lags, 50) if lags else None,
        "lag_p95_s": percentile(lags, 95) if lags else None,
        "lag_max_s": max(lags) if lags else None,
        "windows": sum(d["windows"] for d, _ in runs),
        "transcribed": sum(d["transcribed"] for d, _ in runs),
        "dropped": sum(d["dropped"] for d, _ in runs),
        "backlog_peak_s": max(d["backlog_peak_s"] for d, _ in runs),
        "catch_up_s": max(d["catch_up_s"] for d, _ in runs),
        "tick_jitter_ms": {"p50": _ms(late, 50), "p99": _ms(late, 99),
                           "max": round(max(late) * 1000, 1) if late else None,
                           "ticks": len(late)},
        "tick_jitter_idle_ms": {"p50": _ms(base, 50), "p99": _ms(base, 99),
                                "ticks": len(base)},
        "peak_rss": max(r for _, r in runs),
        "load_s": runs[0][0]["load_s"],
    }
