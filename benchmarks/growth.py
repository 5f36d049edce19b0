"""Benchmark 5: `pmc meeting import` time and peak RSS against meeting length.

Each length is the rendered meetings tiled into one WAV, cut exactly, with a timeline
made of the scripts' timelines shifted by each copy's offset (turns spread over the
whole meeting). By default (`contracts="once"`) only the last whole copy of each script
keeps its contracts and report-back turns, so the meeting has one round of each as a real
one does and drafting / the second pass cost the same at every length; `"every"` keeps
them in every copy (a stress case: the second pass's kept audio and drafting then grow).
The circle has every speaker of the scripts as a member (20 people), made with
`pmc circle create` in a scratch PMC_HOME per run, encrypted as by default. The import
uses Whisper tiny.en and the default settings (use_llm on, the prompted contract
second pass). Processing time should grow linearly with length and peak RSS should
stay flat.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Any

from benchmarks.common import OUT, ROOT, linear_fit, run_worker, spread
from benchmarks.media import growth_meeting


def _home(minutes: int, run: int) -> dict[str, str]:
    home = OUT / f"home-{minutes}min-{run}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    # Encrypted, as a new home is by default; the passphrase only unlocks this scratch home.
    return {"PMC_HOME": str(home), "PMC_PASSPHRASE": "benchmark scratch home"}


def run(lengths: list[int], repeats: int, contracts: str = "once",
        log: Any = print) -> dict[str, Any]:
    rows = []
    for minutes in lengths:
        meeting, timeline = growth_meeting(minutes, contracts)
        totals, rss, stages, by_stage = [], [], [], []
        for i in range(repeats):
            env = _home(minutes, i)
            circle = f"Bench {minutes}"
            cmd = [sys.executable, "-m", "assistant", "circle", "create", circle]
            for m in meeting.members:
                cmd += ["--member", m]
            subprocess.run(cmd, cwd=ROOT, env={**_clean_env(), **env}, check=True,
                           stdout=subprocess.DEVNULL)
            log(f"  growth: import of a {minutes}-minute meeting, run {i + 1}/{repeats}")
            w = run_worker("import_worker", [
                "--", "meeting", "import", str(meeting.wav), "--circle", circle,
                "--timeline", str(timeline), "--date", "2026-03-20",
                "--model", "whisper-tiny.en"], env=env)
            totals.append(w.data["total_s"])
            rss.append(w.maxrss)
            stages.append(w.data["stages_s"])
            by_stage.append(w.data["peak_rss_by_stage"])
            shutil.rmtree(env["PMC_HOME"], ignore_errors=True)
        best = sorted(range(repeats), key=lambda k: totals[k])[repeats // 2]  # the median run
        rows.append({"minutes": minutes, "seconds": meeting.seconds, "turns": len(meeting.turns),
                     "contracts_turns": sum(t["segment"] == "contracts" for t in meeting.turns),
                     "time_s": spread(totals), "rtf": spread([t / meeting.seconds
                                                             for t in totals]),
                     "peak_rss": spread(rss), "stages_s": stages[best],
                     "peak_rss_by_stage": by_stage[best], "stages_runs": stages,
                     "time_runs": totals})
    out: dict[str, Any] = {"lengths_min": lengths, "repeats": repeats, "model": "whisper-tiny.en",
                           "llm": "smollm2-135m (use_llm default)", "contracts": contracts,
                           "members": len(growth_meeting(lengths[0], contracts)[0].members),
                           "rows": rows}
    return summarize(out)


def _clean_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.pop("PMC_PASSPHRASE", None)
    return env


def summarize(out: dict[str, Any]) -> dict[str, Any]:
    """Add the fits of time against length and the RSS ratio (re-derivable from the rows)."""
    rows = out["rows"]
    if len(rows) >= 2:
        xs = [r["seconds"] for r in rows]
        a, b, r2 = linear_fit(xs, [r["time_s"]["median"] for r in rows])
        out["time_fit"] = {"intercept_s": a, "s_per_audio_s": b, "r2": r2}
        # The transcribing stage alone: the part that must scale with length (drafting
        # and the second pass are per contracts turn, the same at every length here).
        a, b, r2 = linear_fit(xs, [r["stages_s"].get("transcribing", 0.0) for r in rows])
        out["transcribe_fit"] = {"intercept_s": a, "s_per_audio_s": b, "r2": r2}
        first, last = rows[0]["peak_rss"]["median"], rows[-1]["peak_rss"]["median"]
        out["rss_growth"] = {"from_min": rows[0]["minutes"], "to_min": rows[-1]["minutes"],
                             "ratio": last / first}
    return out
