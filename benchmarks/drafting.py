"""Benchmark 4: contract drafting time per member and for a whole 8-member meeting.

Default SmolLM2-135M (Q4_1 GGUF) through llama-cpp-python, the pipeline's Drafter.
Model load is timed separately from drafting; meeting time = the sum over members
(median over repeats); seconds per member = the median over every member and repeat.
"""

from __future__ import annotations

from typing import Any

from benchmarks.common import median, run_worker, spread


def run(repeats: int, members: int = 8, threads: int = 0, log: Any = print) -> dict[str, Any]:
    log(f"  drafting: {members} members x{repeats}, threads={threads}")
    w = run_worker("draft_worker", ["--members", str(members), "--repeats", str(repeats),
                                    "--threads", str(threads)])
    runs = w.data["runs"]
    per_member = [x for r in runs for x in r["per_member"]]
    return {"llm": w.data["llm"], "members": w.data["members"], "repeats": repeats,
            "threads": threads or "all cores (default)", "load_s": w.data["load_s"],
            "meeting_s": spread([r["total"] for r in runs]),
            "per_member_s": {"median": median(per_member), "max": max(per_member)},
            "llm_calls": runs[0]["llm_calls"], "llm_accepted": runs[0]["llm_accepted"],
            "llm_skipped": runs[0].get("llm_skipped", 0), "texts": runs[0].get("texts", []),
            "items": runs[0]["items"], "peak_rss": w.maxrss}
