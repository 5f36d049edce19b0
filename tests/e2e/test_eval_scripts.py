"""End to end on every scripted meeting: audio -> transcript -> drafts, scored on the truth.

Previous contracts are entered as `pmc contract add` does, the meeting is
imported with the real tiny.en and SmolLM2 models, and recall, precision and
report-back accuracy are computed by assistant/core/reports/evaluate.py. Speech
recognition of synthetic voices is the limiting factor here (drafting on the
scripts' own words is tested separately in tests/model/test_drafting_text.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.core.reports.evaluate import score_meeting
from assistant.services import parts
from assistant.services.contracts import add_manual_item
from assistant.services.pipeline import import_meeting

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
OWN = {"demo_circle": REPO / "assistant/demo/demo_circle",
       **{p.stem: p.with_suffix("") for p in sorted((REPO / "tests/data/meetings").glob(
           "eval_?.json"))}}
# Floors the end-to-end figures must keep (the figures themselves are in the notes).
RECALL, PRECISION, REPORT = 0.75, 0.75, 0.8


def _run(base: Path, transcriber, drafter) -> tuple[float, float, float, list[str]]:  # type: ignore[no-untyped-def]
    script = json.loads(base.with_suffix(".json").read_text())
    store = parts.open_store()
    circle = store.create_circle(script["circle"], [m["name"] for m in script["members"]])
    date = dt.date.fromisoformat(script["meeting_date"])
    for member, texts in script.get("previous_contracts", {}).items():
        for text in texts:
            add_manual_item(store, circle, member, date - dt.timedelta(days=14), text)
    mid = import_meeting(store, circle, base.with_suffix(".wav"),
                         Path(f"{base}.timeline.json"), date,
                         transcriber=lambda: transcriber, drafter=lambda: drafter)
    s = score_meeting(store, mid, script)
    store.close()
    return s.recall, s.precision, s.report_accuracy, s.misses + s.extras


@pytest.mark.parametrize("name", list(OWN))
def test_scripted_meeting_end_to_end(name: str, tiny_transcriber, real_drafter) -> None:  # type: ignore[no-untyped-def]
    # (The shared circle_dev1 sample is imported through the CLI in test_import_sample.py.)
    recall, precision, report, notes = _run(OWN[name], tiny_transcriber, real_drafter)
    print(f"{name}: recall {recall:.2f} precision {precision:.2f} report-back {report:.2f} "
          f"{notes}")
    assert recall >= RECALL and precision >= PRECISION and report >= REPORT, notes
