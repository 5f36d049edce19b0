"""Drafting quality on what was actually said (the scripts' own words, no ASR).

This isolates the drafter — rules, the real SmolLM2 rephrasing and the
grounding check — from speech recognition errors, which the end-to-end tests
in tests/e2e measure separately.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.core.drafting.attribution import TurnSpan, Utterance
from assistant.core.drafting.contracts import PreviousItem
from assistant.core.reports.evaluate import matches

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]
OWN = [REPO / "assistant/demo/demo_circle.json",
       *sorted(p for p in (REPO / "tests/data/meetings").glob("eval_*.json")
               if not p.name.endswith(".timeline.json"))]


def _scripts(shared: Path | None) -> list[Path]:
    return OWN + ([shared / "data/pmc/circle_dev1.json"] if shared else [])


def _draft_script(drafter, script: dict) -> tuple[int, int, int, int, list[str]]:  # type: ignore[no-untyped-def]
    date = dt.date.fromisoformat(script["meeting_date"])
    found = truth_n = correct = drafted = 0
    notes: list[str] = []
    for member in [m["name"] for m in script["members"]]:
        said = [Utterance(TurnSpan(i, 1, member, "contracts", i * 10.0, i * 10.0 + 9), i * 10.0,
                          i * 10.0 + 9, t["text"])
                for i, t in enumerate(script["turns"])
                if t["speaker"] == member and t["segment"] == "contracts"]
        previous = [PreviousItem(100 + i, text, False)
                    for i, text in enumerate(script.get("previous_contracts", {}).get(member, []))]
        items = [i for i in drafter.draft(said, date, date + dt.timedelta(days=14), previous)
                 if not i.tentative]
        want = script["truth"]["contracts"].get(member, [])
        truth_n += len(want)
        for t in want:
            if any(matches(i.text, t["keys"]) for i in items):
                found += 1
            else:
                notes.append(f"missed {member}: {t['action']}")
        for i in items:
            drafted += 1
            if any(matches(i.text, t["keys"]) for t in want):
                correct += 1
            else:
                notes.append(f"extra {member}: {i.text}")
    return found, truth_n, correct, drafted, notes


def test_drafting_on_spoken_words_meets_09(real_drafter, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    totals = [0, 0, 0, 0]
    report = []
    for path in _scripts(shared_dir):
        script = json.loads(path.read_text())
        found, n, correct, drafted, notes = _draft_script(real_drafter, script)
        report.append(f"{path.stem}: recall {found}/{n} precision {correct}/{drafted} {notes}")
        for k, v in enumerate((found, n, correct, drafted)):
            totals[k] += v
        assert found / n >= 0.9 and correct / max(1, drafted) >= 0.9, report[-1]
    print("\n".join(report))
    assert totals[0] / totals[1] >= 0.9


def test_llm_rephrasings_are_grounded(real_drafter, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Whatever the model wrote and the check accepted uses only words the member said."""
    from assistant.core.drafting.textnorm import content_stems

    script = json.loads((shared_dir / "data/pmc/circle_dev1.json").read_text())
    date = dt.date.fromisoformat(script["meeting_date"])
    for member in [m["name"] for m in script["members"]]:
        text = " ".join(t["text"] for t in script["turns"]
                        if t["speaker"] == member and t["segment"] == "contracts")
        said = [Utterance(TurnSpan(1, 1, member, "contracts", 0, 9), 0, 9, text)]
        for item in real_drafter.draft(said, date, date + dt.timedelta(days=14)):
            extra = content_stems(item.text) - content_stems(text)
            assert not extra - {"their", "them", "they", "her", "his"}, (item.text, extra)
