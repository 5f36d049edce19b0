"""The real app, headless under Pilot, for the continue-after-crash test, to be SIGKILLed:
`python -m tests.tui.crash_child` (from the repository root, PMC_HOME set to a home whose
database holds the demo circle, as tests/tui/conftest.py makes it).

On the real clock, it starts a recorded meeting with everyone present and consenting, a
file-fed source playing a 220 Hz tone in real time. It moves to Tom's report-back turn
(four check-ins, then Maya's report-back), and Sam withdraws his consent, keeping what he
said. Then it prints `ready MEETING_ID ELAPSED TURN_START` (meeting seconds) and waits,
the app running, to be killed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tui_helpers, as pytest finds it

import numpy as np  # noqa: E402
from tui_helpers import RATE, Sources, build_app  # noqa: E402

from assistant.core import locations  # noqa: E402
from assistant.core.store.store import Store  # noqa: E402
from assistant.tui.screens.modals import ConsentModal, EraseChoiceModal  # noqa: E402
from assistant.tui.screens.timekeeper import TimekeeperScreen  # noqa: E402

TONE_HZ = 220.0


def tone(seconds: float, hz: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.2 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


async def main() -> None:
    store = Store(locations.database_path())
    sources = Sources(tone(600, TONE_HZ))
    app = build_app(store, source=sources, clock=time.monotonic)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r")
        assert isinstance(app.screen, TimekeeperScreen)
        session = app.session
        assert session is not None and session.is_recording
        tk = session.timekeeper
        await sources.reach(pilot, 1.0)
        await pilot.press("n", "n", "n", "n")  # the check-ins, quickly: Maya's report-back
        await sources.reach(pilot, 2.0)
        await pilot.press("n")  # Tom's report-back
        turn_start = tk.log[-1].end
        await sources.reach(pilot, 3.5)
        await pilot.press("w", "4")  # Sam withdraws
        assert isinstance(app.screen, EraseChoiceModal)
        await pilot.press("k")  # keeps what he said
        assert isinstance(app.screen, ConsentModal)
        await pilot.press("escape")
        assert isinstance(app.screen, TimekeeperScreen) and not session.is_recording
        print(f"ready {session.meeting.id} {tk.now():.3f} {turn_start:.3f}", flush=True)
        await asyncio.sleep(600)  # the app runs on (its clock ticks) until it is killed


if __name__ == "__main__":
    asyncio.run(main())
