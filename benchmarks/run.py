"""`make bench`: run the benchmarks, print a Markdown report, write results.json and RESULTS.md.

    python -m benchmarks.run                  # everything, short defaults (~15 min on 2 cores)
    python -m benchmarks.run --full           # 10-min live feed, 15/30/60/120-min growth, ...
    python -m benchmarks.run --only batch,live
    python -m benchmarks.run --only tuning    # the thread / VAD / beam experiments
    python -m benchmarks.run --only batch,drafting --isa avx2   # AVX2 kernels forced

results.json keeps the latest result of every benchmark (a run replaces only the ones
it ran, each stamped with its time, git commit, load average and CPU ISA), and RESULTS.md
is rebuilt from all of it, so a long `--full --only growth` run and a default run combine.
`--isa avx2` exports CT2_FORCE_CPU_ISA=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 for every worker and
keeps its results apart ("forced" in results.json), shown beside the default ones in
RESULTS.md's ISA table; hand-written text below RESULTS.md's marker line is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks import accuracy, batch, drafting, growth, live, report, tuning
from benchmarks.common import (
    FORCE_AVX2,
    RESULTS_JSON,
    RESULTS_MD,
    cores,
    git_head,
    isa,
    loadavg,
    machine,
)

ALL = ("batch", "accuracy", "live", "drafting", "growth")
DEFAULT_GROWTH = [5, 15]
FULL_GROWTH = [15, 30, 60, 120]


def _minutes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true",
                    help="full-length runs: 3 repeats of the 10-min meeting in batch and "
                         "accuracy, a 10-min live feed, 15/30/60/120-min growth")
    ap.add_argument("--only", default=",".join(ALL),
                    help=f"comma-separated subset of {','.join(ALL)},tuning")
    ap.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    ap.add_argument("--live-minutes", type=float, help="live feed length (default 3, full 10.6)")
    ap.add_argument("--growth-minutes", type=_minutes,
                    help="growth meeting lengths, e.g. 15,30,60,120 (default 5,15)")
    ap.add_argument("--report-only", action="store_true",
                    help="measure nothing: re-derive summaries and rewrite RESULTS.md from "
                         "results.json")
    ap.add_argument("--growth-contracts", choices=["once", "every"], default="once",
                    help="contracts and report-back turns in the last copy of each script "
                         "only (default) or in every copy (stress)")
    ap.add_argument("--tuning-select", default="",
                    help="tuning: only experiments whose name contains this; the others keep "
                         "their earlier results")
    ap.add_argument("--isa", choices=["native", "avx2"], default="native",
                    help="avx2: force CTranslate2's and oneDNN's AVX2 kernels (for a side by "
                         "side with an AVX-512 CPU's own); results kept apart")
    ap.add_argument("--growth-repeats", type=int,
                    help="imports per length (default 1; 2 with --full)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    only = [x.strip() for x in a.only.split(",") if x.strip()]
    unknown = set(only) - set(ALL) - {"tuning"}
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    r = a.repeats
    plans: dict[str, Callable[[], dict[str, Any]]] = {
        "batch": lambda: batch.run(r, r if a.full else 1),
        "accuracy": lambda: accuracy.run(r if a.full else 1),
        "live": lambda: live.run(a.live_minutes or (11.0 if a.full else 3.0)),
        "drafting": lambda: drafting.run(r),
        "growth": lambda: growth.run(a.growth_minutes or (FULL_GROWTH if a.full
                                                          else DEFAULT_GROWTH),
                                     a.growth_repeats or (2 if a.full else 1),
                                     a.growth_contracts),
        "tuning": lambda: tuning.run(r, a.tuning_select),
    }
    results = _load()
    if a.report_only:
        for name, entry in results["benchmarks"].items():
            if _is_full(name, entry["result"], entry["mode"] == "full"):
                entry["mode"] = "full"
                results.setdefault("full", {}).setdefault(name, entry)
        for store in (results["benchmarks"], results.get("full", {})):
            if "growth" in store:
                growth.summarize(store["growth"]["result"])
        _save(results)
        report.write(results, RESULTS_MD)
        print(report.targets(results))
        return 0
    if a.isa == "avx2":
        os.environ.update(FORCE_AVX2)  # inherited by every worker process
    results["machine"] = machine()
    # Forced-ISA runs go beside the default ones, never over them.
    store = (results.setdefault("forced", {}).setdefault(a.isa, {}) if a.isa != "native"
             else results["benchmarks"])
    kernels = isa()
    print(f"benchmarks on {cores()} cores ({kernels['kernels']} kernels; CPU flags "
          f"{' '.join(kernels['flags'])}), load average {loadavg()}, commit {git_head()}",
          flush=True)
    t_all = time.perf_counter()
    for name in only:
        print(f"{name}:", flush=True)
        before, t0 = loadavg(), time.perf_counter()
        result = plans[name]()
        old = store.get(name)
        if name == "tuning" and a.tuning_select and old:
            # A partial tuning run replaces only the experiments it ran.
            ran = {e["experiment"] for e in result["experiments"]}
            result["experiments"] = [e for e in old["result"]["experiments"]
                                     if e["experiment"] not in ran] + result["experiments"]
        full = _is_full(name, result, a.full)
        store[name] = {
            "result": result, "mode": "full" if full else "default", "isa": kernels,
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "git": git_head(),
            "wall_s": round(time.perf_counter() - t0, 1), "loadavg_before": before,
            "loadavg_after": loadavg(), "command": "python -m benchmarks.run " + " ".join(
                argv if argv is not None else sys.argv[1:])}
        if full and a.isa == "native":  # kept until the next full-size run
            results.setdefault("full", {})[name] = store[name]
        _save(results)  # after each benchmark, so a later failure keeps the earlier ones
        print(report.section(name, store[name]), flush=True)
    report.write(results, RESULTS_MD)
    print(report.targets(results))
    print(f"done in {time.perf_counter() - t_all:.0f} s; wrote {RESULTS_JSON.name} and "
          f"{RESULTS_MD.name}")
    return 0


def _is_full(name: str, result: dict[str, Any], flag: bool) -> bool:
    """Was this the full-size measurement the issue's targets are stated for?"""
    if name == "live":
        return bool(result.get("full_meeting"))
    if name == "growth":
        return {15, 120} <= set(result.get("lengths_min", []))
    if name == "batch":
        return int(result.get("long_repeats", 0)) >= 3
    return flag


def _load() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(RESULTS_JSON.read_text())
    except (OSError, ValueError):
        data = {}
    data.setdefault("benchmarks", {})
    return data


def _save(results: dict[str, Any]) -> None:
    RESULTS_JSON.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
