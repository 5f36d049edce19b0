"""Scoring drafted contracts and report-back suggestions against a script's ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from assistant.core.reports import evaluate
from assistant.core.reports.evaluate import Score
from assistant.core.store.store import Store


@pytest.mark.parametrize("text, keys, expected", [
    ("Finish the literature review by Friday", ["review", "friday"], True),
    ("Finish the literature review", ["review", "friday"], False),
    ("Email Professor KIM", ["kim|kimberly", "email|mail"], True),
    ("Call Kimberly", ["kim|kimberly", "email|mail"], False),
    ("anything", [], True),
])
def test_matches_needs_every_key(text: str, keys: list[str], expected: bool) -> None:
    assert evaluate.matches(text, keys) is expected


def test_empty_score_is_perfect_not_a_division_by_zero() -> None:
    s = Score()
    assert (s.recall, s.precision, s.report_accuracy) == (1.0, 1.0, 1.0)


@dataclass
class Scene:
    store: Store
    m1: int
    m2: int
    items1: dict[str, int]


@pytest.fixture
def scene() -> Iterator[Scene]:
    s = Store(":memory:")
    circle = s.create_circle("Alpha", ["Ana", "Ben", "Cai"])
    ana, ben, cai = s.members(circle)
    m1 = s.create_meeting(circle, "2024-03-12", "2024-03-26", "import")
    items1 = {
        "review": s.add_item(m1.id, ana.id, "Finish the literature review").id,
        "lab": s.add_item(m1.id, ana.id, "Book the lab").id,
        "ben": s.add_item(m1.id, ben.id, "Email Kim").id,
    }
    m2 = s.create_meeting(circle, "2024-03-26", "2024-04-09", "import")
    s.add_item(m2.id, ana.id, "Write two pages of the methods section")
    s.add_item(m2.id, ana.id, "Go for a run")  # not in the truth: an extra
    s.add_item(m2.id, ana.id, "Maybe tidy the desk", tentative=True)  # tentative: not counted
    s.add_item(m2.id, ben.id, "Call the lab manager")
    deleted = s.add_item(m2.id, cai.id, "Read two papers")
    s.set_item_status(deleted.id, "deleted")  # deleted: Cai's truth is missed
    s.set_report_back(m2.id, items1["review"], "partial", confirmed=False)
    s.set_report_back(m2.id, items1["lab"], "done", confirmed=False)
    s.set_report_back(m2.id, items1["ben"], "done", confirmed=False)
    yield Scene(s, m1.id, m2.id, items1)
    s.close()


def script(report_back: dict[str, Any]) -> dict[str, Any]:
    return {"truth": {
        "contracts": {
            "Ana": [{"action": "Write two pages of methods", "keys": ["methods", "two|2"]},
                    {"action": "Tidy the desk", "keys": ["desk"]}],
            "Ben": [{"action": "Call the lab manager", "keys": ["lab manager"]}],
            "Cai": [{"action": "Read two papers", "keys": ["papers"]}],
        },
        "report_back": report_back,
    }}


def test_contract_recall_precision_misses_and_extras(scene: Scene) -> None:
    s = evaluate.score_meeting(scene.store, scene.m2, script({}))
    assert (s.truth, s.found) == (4, 2)
    assert (s.drafted, s.correct_items) == (3, 2)
    assert s.recall == 0.5 and s.precision == pytest.approx(2 / 3)
    assert sorted(s.misses) == ["Ana: Tidy the desk", "Cai: Read two papers"]
    assert s.extras == ["Ana: Go for a run"]
    assert s.report_total == 0 and s.report_accuracy == 1.0


def test_report_back_per_item_and_single_status(scene: Scene) -> None:
    s = evaluate.score_meeting(scene.store, scene.m2, script({
        "Ana": {"Finish the literature review": "partial", "book the lab": "not_done"},
        "Ben": "done",
    }))
    assert (s.report_right, s.report_total) == (2, 3)
    assert s.report_accuracy == pytest.approx(2 / 3)
    assert "Ana report-back: done (expected not_done)" in s.misses


def test_report_back_without_a_suggestion_is_wrong(scene: Scene) -> None:
    circle = scene.store.circle("Alpha")
    cai = scene.store.member(circle, "Cai")
    scene.store.add_item(scene.m1, cai.id, "Read one paper")
    s = evaluate.score_meeting(scene.store, scene.m2, script({"Cai": "done"}))
    assert (s.report_right, s.report_total) == (0, 1)
    assert "Cai report-back: None (expected done)" in s.misses


def test_first_meeting_has_nothing_to_report_on(scene: Scene) -> None:
    s = evaluate.score_meeting(scene.store, scene.m1, {"truth": {
        "contracts": {}, "report_back": {"Ana": "done"}}})
    assert s.report_total == 0
    # Every drafted item at m1 is an extra when the truth lists none.
    assert (s.drafted, s.correct_items, s.precision) == (3, 0, 0.0)
