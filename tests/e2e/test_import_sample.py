"""Importing the shared scripted meeting end to end through the `pmc` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.reports.evaluate import score_meeting
from assistant.services import parts

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]

# 9 contracts: 0.65 tolerates three misheard ones, one more than the AVX2 kernels give today.
RECALL_FLOOR = PRECISION_FLOOR = 0.65


@pytest.fixture
def dev1(shared_dir: Path) -> dict[str, Path]:
    base = shared_dir / "data" / "pmc"
    return {"script": base / "circle_dev1.json", "audio": base / "circle_dev1.wav",
            "timeline": base / "circle_dev1.timeline.json"}


def test_import_dev1_meets_recall_and_precision(pmc, pmc_home: Path, dev1, tiny_en_dir,
                                                smollm_path) -> None:
    script = json.loads(dev1["script"].read_text())
    members = [m["name"] for m in script["members"]]
    args = ["circle", "create", script["circle"]]
    for name in members:
        args += ["--member", name]
    pmc(*args)
    before = "2026-02-19"
    for member, items in script["previous_contracts"].items():
        for text in items:
            pmc("contract", "add", "--circle", script["circle"], "--member", member,
                "--date", before, text)
    res = pmc("meeting", "import", str(dev1["audio"]), "--circle", script["circle"],
              "--timeline", str(dev1["timeline"]), "--date", script["meeting_date"])
    meeting_id = int(res.stdout.strip().splitlines()[-1])  # the id is the last stdout line
    store = parts.open_store()  # the home is encrypted: unlock it with PMC_PASSPHRASE
    score = score_meeting(store, meeting_id, script)
    print(f"recall={score.recall:.2f} precision={score.precision:.2f} "
          f"report_back={score.report_accuracy:.2f} misses={score.misses} extras={score.extras}")
    # Floors with a margin below what both CPU kinds give: CTranslate2 picks other kernels on
    # AVX2 than on AVX-512, so the transcript differs by a word or two ("grant" -> "run").
    # Measured at 68cb1b6 on AVX2: recall 0.78, precision 0.78 (AVX-512 passed 0.8); the exact
    # figures per ISA live in benchmarks/RESULTS.md ("Quality floors per CPU kind").
    assert score.recall >= RECALL_FLOOR, score.misses
    assert score.precision >= PRECISION_FLOOR, score.extras
    # Every drafted item keeps its source quote and times, and a due date.
    for item in store.items(meeting_id):
        assert item.quote and item.start is not None and item.end is not None and item.due
    # Each turn's text is attributed to the member whose turn it was.
    turns = {t.id: t for t in store.turns(meeting_id)}
    assert all(s.turn_id in turns for s in store.segments(meeting_id) if s.turn_id)
    # The recap's JSON has the documented shape.
    recap = json.loads(pmc("recap", str(meeting_id), "--format", "json").stdout)
    assert set(recap) == {"meeting", "contracts", "report_back"}
    assert recap["meeting"]["next_meeting"] == "2026-03-19"
    assert {"member", "text", "due", "tentative", "status", "quote", "start", "end"} == set(
        recap["contracts"][0])
    # `meeting show` groups the transcript by turn.
    shown = pmc("meeting", "show", str(meeting_id)).stdout
    assert "contracts — Elif" in shown and "check_in — Amara" in shown
