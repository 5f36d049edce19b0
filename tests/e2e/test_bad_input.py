"""Bad input: one line on stderr, exit status 2, no traceback, nothing written."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.services import parts

pytestmark = pytest.mark.e2e

CIRCLE = "Bad Input Circle"


def _write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def _timeline(path: Path, turns: list[dict]) -> Path:
    path.write_text(json.dumps({"turns": turns}))
    return path


def _counts(home: Path) -> tuple[int, ...]:
    store = parts.open_store()  # PMC_HOME and PMC_PASSPHRASE come from the fixtures
    try:
        return tuple(store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in
                     ("meetings", "turns", "transcript_segments", "contract_items"))
    finally:
        store.close()


@pytest.fixture
def circle(pmc) -> str:  # type: ignore[no-untyped-def]
    pmc("circle", "create", CIRCLE, "--member", "Ana", "--member", "Ben")
    return CIRCLE


def _assert_clean_failure(res, home: Path, before: tuple[int, ...], word: str) -> None:  # type: ignore[no-untyped-def]
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("pmc: error:") and word.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in res.stderr
    assert _counts(home) == before


def _speechless_cases(tmp: Path) -> dict[str, tuple[Path, str]]:
    text = tmp / "notes.wav"
    text.write_text("this is not audio at all\n" * 20)
    full = _write_wav(tmp / "full.wav", np.sin(np.linspace(0, 3000, 16000 * 3)) * 0.3)
    truncated = tmp / "truncated.wav"
    truncated.write_bytes(full.read_bytes()[: len(full.read_bytes()) // 2])
    empty = tmp / "empty.wav"
    empty.write_bytes(b"")
    silent = _write_wav(tmp / "silent.wav", np.zeros(16000 * 3))
    header_only = _write_wav(tmp / "header.wav", np.zeros(0))
    return {
        "missing": (tmp / "nope.wav", "does not exist"),
        "text file": (text, "not readable audio"),
        "truncated": (truncated, "truncated"),
        "zero bytes": (empty, "empty"),
        "zero samples": (header_only, "no audio"),
        "silent": (silent, "silent"),
    }


@pytest.mark.parametrize("case", ["missing", "text file", "truncated", "zero bytes",
                                  "zero samples", "silent"])
def test_bad_audio(case: str, pmc, circle: str, tmp_path: Path, pmc_home: Path) -> None:  # type: ignore[no-untyped-def]
    path, word = _speechless_cases(tmp_path)[case]
    before = _counts(pmc_home)
    res = pmc("meeting", "import", str(path), "--circle", circle, check=False)
    _assert_clean_failure(res, pmc_home, before, word)
    res = pmc("transcribe", str(path), check=False)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 or case == "silent"


def test_unknown_circle(pmc, circle: str, tmp_path: Path, pmc_home: Path) -> None:  # type: ignore[no-untyped-def]
    wav = _write_wav(tmp_path / "a.wav", np.sin(np.linspace(0, 3000, 16000)) * 0.3)
    before = _counts(pmc_home)
    res = pmc("meeting", "import", str(wav), "--circle", "No Such Circle", check=False)
    _assert_clean_failure(res, pmc_home, before, "no circle named")


@pytest.mark.parametrize("turns,word", [
    ([{"speaker": "Zed", "segment": "check_in", "start": 0, "end": 1}], "not a member"),
    ([{"speaker": "Ana", "segment": "check_in", "start": 0, "end": 2},
      {"speaker": "Ben", "segment": "check_in", "start": 1, "end": 3}], "overlap"),
    ([{"speaker": "Ana", "segment": "check_in", "start": -1, "end": 2}], "negative"),
    ([{"speaker": "Ana", "segment": "lunch", "start": 0, "end": 2}], "segment"),
    ("not json", "not valid JSON"),
])
def test_bad_timeline(turns, word: str, pmc, circle: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                      pmc_home: Path) -> None:
    wav = _write_wav(tmp_path / "a.wav", np.sin(np.linspace(0, 3000, 16000 * 3)) * 0.3)
    tl = tmp_path / "t.json"
    if isinstance(turns, str):
        tl.write_text(turns)
    else:
        _timeline(tl, turns)
    before = _counts(pmc_home)
    res = pmc("meeting", "import", str(wav), "--circle", circle, "--timeline", str(tl),
              check=False)
    _assert_clean_failure(res, pmc_home, before, word)


@pytest.mark.model
def test_corrupt_gguf(pmc, circle: str, tmp_path: Path, pmc_home: Path, shared_dir: Path,  # type: ignore[no-untyped-def]
                      smollm_path: Path, tiny_en_dir: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(smollm_path.read_bytes()[: 4 << 20])  # a GGUF cut off after 4 MB
    before = _counts(pmc_home)
    res = pmc("meeting", "import", str(shared_dir / "data/speech/jfk.flac"), "--circle", circle,
              "--llm", str(bad), check=False)
    _assert_clean_failure(res, pmc_home, before, "cannot be loaded")
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"\x00" * 1024)
    res = pmc("meeting", "import", str(shared_dir / "data/speech/jfk.flac"), "--circle", circle,
              "--llm", str(junk), check=False)
    _assert_clean_failure(res, pmc_home, before, "not a GGUF")
