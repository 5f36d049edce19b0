"""`pmc transcribe` on real speech with the real tiny.en weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.drafting.textnorm import wer

pytestmark = pytest.mark.model

JFK = ("And so my fellow Americans, ask not what your country can do for you, "
       "ask what you can do for your country.")


def _pmc(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, env=dict(os.environ, PMC_HOME=str(home)), timeout=300,
                          stdin=subprocess.DEVNULL)


def test_jfk_reference_text(shared_dir: Path, tiny_en_dir: Path, pmc_home: Path) -> None:
    res = _pmc("transcribe", str(shared_dir / "data/speech/jfk.flac"), home=pmc_home)
    assert res.returncode == 0, res.stderr
    assert wer(JFK, res.stdout) <= 0.10, res.stdout


@pytest.mark.parametrize("fmt", ["json", "srt", "vtt"])
def test_formats(fmt: str, shared_dir: Path, tiny_en_dir: Path, pmc_home: Path) -> None:
    res = _pmc("transcribe", str(shared_dir / "data/speech/jfk.flac"), "--format", fmt,
               home=pmc_home)
    assert res.returncode == 0, res.stderr
    if fmt == "json":
        segs = json.loads(res.stdout)
        assert segs and all(s["words"] for s in segs)
        assert segs[-1]["end"] <= 11.5 and segs[0]["start"] >= 0
        words = [w for s in segs for w in s["words"]]
        assert all(a["start"] <= b["start"] for a, b in zip(words, words[1:], strict=False))
    elif fmt == "srt":
        assert res.stdout.startswith("1\n00:00:0") and " --> " in res.stdout
    else:
        assert res.stdout.startswith("WEBVTT\n\n00:00:0")


def test_in_memory_array_with_offset(tiny_transcriber, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from assistant.core.audio import decode as audio

    samples = audio.load(shared_dir / "data/speech/jfk.flac")
    padded = np.concatenate([np.zeros(16000 * 2, dtype=np.float32), samples])
    segs = tiny_transcriber.transcribe(padded, offset=100.0)
    assert segs[0].start >= 101.0  # 100 s offset + 2 s of silence
    assert wer(JFK, " ".join(s.text for s in segs)) <= 0.10
