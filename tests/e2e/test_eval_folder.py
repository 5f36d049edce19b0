"""`pmc eval` over a folder: rendered with espeak-ng per condition, imported with the real
models (tiny.en, SmolLM2), scored per condition and per class; renders are cached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "tests" / "data" / "eval_small"


def _eval(cache: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PMC_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", "eval", str(FOLDER), "--cache",
                           str(cache), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=1800)


def test_eval_folder_per_condition_and_class(tmp_path: Path) -> None:
    cache, home = tmp_path / "cache", tmp_path / "home"
    res = _eval(cache, home, "--conditions", "clean,phone", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data["conditions"]) == {"clean", "phone"}
    for cond, c in data["conditions"].items():
        assert (c["truth"], c["report_total"], c["open_items"]) == (3, 3, 3), cond
        assert {"plain", "rb_cue", "rb_absent", "hedge", "advice"} <= set(c["classes"])
        assert c["classes"]["hedge"]["traps"] == 1
        print(cond, c["recall"], c["precision"], c["report_back_accuracy"],
              c["report_back_coverage"])
    clean = data["conditions"]["clean"]
    # Three plain contracts said clearly: at least two must be heard and drafted.
    assert clean["found"] >= 2 and clean["precision"] >= 0.5
    assert [m["condition"] for m in data["meetings"]] == ["clean", "phone"]
    renders = sorted(p.name for p in cache.rglob("*.wav"))
    assert len(renders) == 2 and renders[0] == "clean.wav" and renders[1].startswith("phone-")
    assert not home.exists() or not list(home.rglob("*.sqlite3"))  # nothing kept in the home
    # The text condition (the script's words, no speech recognition) in markdown; the
    # cached renders are left alone (cache reuse itself: tests/unit/test_synth.py).
    stamp = {p: p.stat().st_mtime_ns for p in cache.rglob("*.wav")}
    again = _eval(cache, home, "--conditions", "text")
    assert again.returncode == 0, again.stderr
    assert "rendering" not in again.stderr
    assert again.stdout.startswith("| condition | recall |")
    row = next(line for line in again.stdout.splitlines() if line.startswith("| text |"))
    assert row.split("|")[2].strip() == "1.00 (3/3)"  # said word for word: all found
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.wav")} == stamp


def test_eval_rejects_an_unknown_condition(tmp_path: Path) -> None:
    res = _eval(tmp_path / "c", tmp_path / "h", "--conditions", "underwater")
    assert res.returncode != 0
    assert "unknown condition 'underwater'" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
