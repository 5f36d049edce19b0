"""Worker: one `pmc meeting import`, with stage times and an RSS trace.

    PMC_HOME=... python -m benchmarks.import_worker --out result.json -- meeting import ...

Runs the real CLI entry (`assistant.cli.main`) in this process. The CLI's progress bar
is swapped for a recorder of when each stage (loading models, transcribing, refining
contracts, drafting) began, and a sampler thread reads VmRSS four times a second, so
the parent learns where time and memory go, not just the totals.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

from benchmarks.common import own_status, write_out


class StageClock:
    """Stands in for assistant.cli.progress.Bar: remembers when each stage started."""

    t0 = time.perf_counter()
    stages: list[tuple[str, float]] = []

    def __init__(self, *args: Any, **kw: Any) -> None:
        pass

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.stages or self.stages[-1][0] != stage:
            self.stages.append((stage, time.perf_counter() - self.t0))

    def bytes(self, label: str, done: int, total: int) -> None:
        self(label, done / total if total else 1.0)

    def close(self) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("cli", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cli_args = a.cli[1:] if a.cli[:1] == ["--"] else a.cli

    import assistant.cli.progress
    from assistant import cli

    assistant.cli.progress.Bar = StageClock  # type: ignore[misc, assignment]
    trace: list[tuple[float, int, str]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            stage = StageClock.stages[-1][0] if StageClock.stages else "reading"
            trace.append((time.perf_counter() - StageClock.t0,
                          own_status().get("VmRSS", 0), stage))

    sampler = threading.Thread(target=sample, daemon=True)
    StageClock.t0 = time.perf_counter()
    sampler.start()
    code = cli.main(cli_args)
    total = time.perf_counter() - StageClock.t0
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"pmc exited {code}")
    # Stage durations: from a stage's first report to the next stage's (or the end).
    marks = [("reading", 0.0), *StageClock.stages, ("end", total)]
    stages: dict[str, float] = {}
    for (name, start), (_next, end) in zip(marks, marks[1:], strict=False):
        stages[name] = stages.get(name, 0.0) + end - start
    peak_by_stage: dict[str, int] = {}
    for _t, rss, stage in trace:
        peak_by_stage[stage] = max(peak_by_stage.get(stage, 0), rss)
    write_out(a.out, {"total_s": total, "stages_s": stages, "peak_rss_by_stage": peak_by_stage,
                      "rss_trace": trace[:: max(1, len(trace) // 200)]})


if __name__ == "__main__":
    main()
