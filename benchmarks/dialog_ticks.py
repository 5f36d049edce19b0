"""Issue 13: the timekeeper's clock with the withdrawal Keep/Delete dialog open.

    python -m benchmarks.dialog_ticks                 # 20 s before, 60 s with the dialog
    python -m benchmarks.dialog_ticks --seconds 60 --before 20 [--any-load]

The real app, headless under Pilot, on the real clock: a circle of four, everyone present
and consenting, the demo meeting (93 s) played in real time by a FileSource into the real
recorder, live transcription with the settings' Whisper model (tiny.en), drafting during
the meeting with the settings' LLM. After `--before` seconds of recording (the timekeeper
moving on to the next check-in at 8 s and 14 s), member 2 withdraws: recording
stops and the Keep/Delete question opens on top of the timekeeper screen, and stays open
for `--seconds`; meanwhile the live pass works off what it had not heard yet.

Every firing of the timekeeper screen's 0.2 s timer is timed inside Textual's own timer
(`Timer._tick`): lateness is when the tick ran minus when it was due on the timer's
schedule; duration is how long the tick took (the screen update and, under a dialog, the
repaint of the dialogs on top). Ticks Textual skipped because it was more than a period
late are counted. Before the dialog and with it, side by side in one run.

It refuses to run when the 1-minute load average is 1.5 or more (the figures would say
more about the other processes); --any-load runs it anyway, and the load is in the output.
Prints JSON (also saved in benchmarks/out/); figures go into RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import OUT, ROOT, loadavg, percentile

DEMO = ROOT / "assistant" / "demo" / "demo_circle.wav"
MEMBERS = ["Maya", "Tom", "Lena", "Sam"]
MAX_LOAD = 1.5


def _audio() -> np.ndarray:
    with wave.open(str(DEMO)) as w:
        raw = w.readframes(w.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def _stats(samples: list[tuple[float, float, int]]) -> dict[str, Any]:
    late = [s[0] * 1000 for s in samples]
    took = [s[1] * 1000 for s in samples]
    counts = [s[2] for s in samples]
    skipped = sum(max(0, b - a - 1) for a, b in zip(counts, counts[1:], strict=False))
    if not samples:
        return {"ticks": 0}
    return {"ticks": len(samples), "skipped": skipped,
            "late_ms": {"p50": round(percentile(late, 50), 1),
                        "p99": round(percentile(late, 99), 1),
                        "max": round(max(late), 1)},
            "tick_ms": {"p50": round(percentile(took, 50), 1),
                        "p99": round(percentile(took, 99), 1),
                        "max": round(max(took), 1)}}


async def run(before: float, seconds: float) -> dict[str, Any]:
    from textual import _time
    from textual import timer as textual_timer

    from assistant.core import locations
    from assistant.core import settings as settings_mod
    from assistant.core.audio.recorder import FileSource
    from assistant.core.store.store import Store
    from assistant.services import parts
    from assistant.tui.app import make_app
    from assistant.tui.screens.modals import EraseChoiceModal
    from assistant.tui.screens.timekeeper import TimekeeperScreen

    phase = ["setup"]
    samples: dict[str, list[tuple[float, float, int]]] = {"before": [], "dialog": []}
    original = textual_timer.Timer._tick

    async def timed(self: Any, *, next_timer: float, count: int) -> None:
        cb = self._callback
        if getattr(cb, "__func__", None) is not TimekeeperScreen.tick:
            await original(self, next_timer=next_timer, count=count)
            return
        began = _time.get_time()
        await original(self, next_timer=next_timer, count=count)
        if phase[0] in samples:
            samples[phase[0]].append((began - next_timer, _time.get_time() - began, count))

    textual_timer.Timer._tick = timed  # type: ignore[method-assign]

    settings = settings_mod.Settings()
    transcriber = parts.build_transcriber(settings)  # loaded before the clock starts
    drafter = parts.build_drafter(settings)
    store = Store(locations.database_path())
    store.create_circle("Bench Circle", MEMBERS)
    audio = _audio()
    app = make_app(settings=settings, store=store, transcriber_factory=lambda: transcriber,
                   drafter_factory=lambda: drafter, clock=time.monotonic,
                   source_factory=lambda: FileSource(audio, realtime=True),
                   today=dt.date.today)
    out: dict[str, Any] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        assert isinstance(app.screen, TimekeeperScreen), app.screen
        session = app.session
        assert session is not None and session.is_recording
        t0 = time.monotonic()
        phase[0] = "before"
        moved = 0
        while time.monotonic() - t0 < before:
            if moved < 2 and time.monotonic() - t0 > (8, 14)[moved]:
                await pilot.press("n")
                moved += 1
            await pilot.pause(0.05)
        out["live_behind_s_at_dialog"] = round(session.live.behind_s, 1) if session.live else None
        out["drafts_pending_at_dialog"] = session.drafts.pending
        await pilot.press("w", "2")
        assert isinstance(app.screen, EraseChoiceModal), app.screen
        phase[0] = "dialog"
        t1 = time.monotonic()
        drained = None
        while time.monotonic() - t1 < seconds:
            if drained is None and session.live is not None and session.live.behind_s < 1:
                drained = round(time.monotonic() - t1, 1)
            await pilot.pause(0.05)
        phase[0] = "after"
        out["live_caught_up_after_s"] = drained
        assert isinstance(app.screen, EraseChoiceModal)
        await pilot.press("k", "escape")
    store.close()
    textual_timer.Timer._tick = original  # type: ignore[method-assign]
    out["before_dialog"] = _stats(samples["before"])
    out["dialog_open"] = _stats(samples["dialog"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="with the dialog open")
    ap.add_argument("--before", type=float, default=20.0, help="recording before it")
    ap.add_argument("--any-load", action="store_true", help="run even on a busy machine")
    args = ap.parse_args()
    load = loadavg()
    if load and load[0] >= MAX_LOAD and not args.any_load:
        print(f"load average {load[0]} is {MAX_LOAD} or more: not measuring (the figures "
              "would be the other processes'); wait, or pass --any-load", file=sys.stderr)
        sys.exit(2)
    OUT.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="dialog-ticks-", dir=OUT))
    os.environ["PMC_HOME"] = str(home)
    result: dict[str, Any] = {"load_before": load, "before_s": args.before,
                              "dialog_s": args.seconds}
    result.update(asyncio.run(run(args.before, args.seconds)))
    result["load_after"] = loadavg()
    text = json.dumps(result, indent=1)
    (OUT / f"dialog_ticks-{int(time.time())}.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
