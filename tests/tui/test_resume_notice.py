"""The home screen after an interrupted `pmc meeting resume`: it says what is left, and `r`
(which would run the whole end-of-meeting pass again) is not offered for such a meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from tui_helpers import TODAY, build_app, screen_text

from assistant.core.store.store import Store
from assistant.tui.screens.home import HomeScreen

pytestmark = pytest.mark.tui


@pytest.mark.parametrize("status", ["transcribed", "open"])
async def test_a_half_drafted_meeting_points_to_resume(store: Store, status: str) -> None:
    circle = store.circle("Demo Circle")
    maya, tom, _lena, _sam = store.members(circle)
    m = store.create_meeting(circle, TODAY.isoformat(),
                             (TODAY + dt.timedelta(days=14)).isoformat(), "live", status)
    store.set_attendance(m.id, {maya.id: True, tom.id: True})
    store.add_turns(m.id, [(maya.id, "contracts", 0.0, 3.0), (tom.id, "contracts", 3.0, 6.0)])
    store.add_segments(m.id, [(None, maya.id, "contracts", 0.5, 2.5, "I will send the survey.")])
    store.add_item(m.id, maya.id, "Send the survey", origin="rule", quote="I will send it")
    app = build_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        text = " ".join(screen_text(app).split())
        assert (f"Meeting {m.id} of Demo Circle ({TODAY.isoformat()}): transcribed, 1 of 2 "
                "members drafted (still to draft: Tom): finish it with `pmc meeting resume`."
                ) in text, text
        assert "press r to recover" not in text
        await pilot.press("r")
        assert isinstance(app.screen, HomeScreen)  # nothing ran again
    assert len(store.items(m.id)) == 1 and len(store.segments(m.id)) == 1
