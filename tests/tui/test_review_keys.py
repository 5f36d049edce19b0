"""Review: a Delete can be undone (u), and editing an approved item says it is a draft again
(issue 13 finding 7). Real app under Pilot, real SQLite."""

from __future__ import annotations

import datetime as dt

import pytest
from tui_helpers import TODAY, build_app

from assistant.core.store.store import Store
from assistant.tui.screens.review import ReviewScreen

pytestmark = pytest.mark.tui


def meeting(store: Store) -> int:
    circle = store.circle("Demo Circle")
    maya, tom, _lena, _sam = store.members(circle)
    m = store.create_meeting(circle, TODAY.isoformat(),
                             (TODAY + dt.timedelta(days=14)).isoformat(), "live", "drafted")
    store.set_attendance(m.id, {maya.id: True, tom.id: True})
    store.add_item(m.id, maya.id, "Email two more labs", status="approved", origin="llm",
                   quote="I will email two more labs")
    store.add_item(m.id, maya.id, "Send the survey", origin="rule", quote="I will send it")
    return m.id


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_delete_then_undo_brings_the_item_back_as_it_was(store: Store) -> None:
    mid = meeting(store)
    app = build_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen(mid))
        await pilot.pause()
        first = store.items(mid)[0]
        await pilot.press("d")
        assert store.item(first.id).status == "deleted"
        assert any("u undoes it" in n for n in notes(app)), notes(app)
        await pilot.press("u")
        assert store.item(first.id).status == "approved"  # as it was, not a draft
        await pilot.press("u")
        assert any("Nothing deleted to undo" in n for n in notes(app))


async def test_editing_an_approved_item_says_it_is_a_draft_again(store: Store) -> None:
    mid = meeting(store)
    app = build_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ReviewScreen(mid))
        await pilot.pause()
        first = store.items(mid)[0]
        await pilot.press("e")
        await pilot.press("end", *" this week", "enter")
        await pilot.pause()
        item = store.item(first.id)
        assert item.text == "Email two more labs this week" and item.status == "draft"
        assert any("draft again" in n for n in notes(app)), notes(app)
