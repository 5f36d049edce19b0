"""The timekeeper's footer at 80x24 (a laptop's smallest terminal): End and Help are on it,
whole, recording or not; what it leaves out (Ctrl+Q, the transcript toggle) is in the help
and still works. Real app under Pilot; the screen read as text.
"""

from __future__ import annotations

import numpy as np
import pytest
from tui_helpers import FakeClock, Sources, build_app, screen_text

from assistant.core.store.store import Store
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.modals import ConfirmModal
from assistant.tui.screens.timekeeper import TimekeeperScreen

pytestmark = pytest.mark.tui


@pytest.mark.parametrize("record", [True, False], ids=["recording", "timekeeping"])
async def test_end_and_help_are_on_the_timekeepers_footer_at_80x24(store: Store,
                                                                   record: bool) -> None:
    sources = Sources(np.zeros(16000 * 30, np.float32))
    app = build_app(store, source=sources, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "c", "1", "2", "3", "4", "r" if record else "k")
        assert isinstance(app.screen, TimekeeperScreen)
        await pilot.pause(0.3)
        footer = screen_text(app).splitlines()[-1]
        # Whole words, not cut at the edge: each is followed by its padding or the end.
        for shown in ("e End", "? Help", "n p Next/prev", "space Pause", "o Off record"):
            assert f" {shown} " in f"{footer} ", footer
        assert (" w Consent " in footer) == record
        # Left to the help: the transcript toggle and Ctrl+Q, which still works (and asks).
        await pilot.resize_terminal(120, 50)  # the whole key table at once
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause(0.1)
        helped = screen_text(app)
        assert "^q  Quit" in helped and ("t   Transcript" in helped) == record, helped
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        assert "Quit during the meeting?" in screen_text(app)
        await pilot.press("n")
        assert isinstance(app.screen, TimekeeperScreen) and app.is_running
