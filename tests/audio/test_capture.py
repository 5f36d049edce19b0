"""Real capture: speech played into a PulseAudio null sink, recorded through PortAudio, transcribed.

Nothing is faked: paplay plays the clip into pmc_null, PortAudio reads the sink's monitor through
ALSA's pulse plugin, the Recorder writes chunk files, and Whisper tiny.en must hear the words.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.core.audio.recorder import (
    Recorder,
    SoundDeviceSource,
    list_input_devices,
    pick_input_device,
    read_chunks,
    recover,
)
from assistant.core.speech.transcribe import FasterWhisperTranscriber

REFERENCE = ("and so my fellow americans ask not what your country can do for you "
             "ask what you can do for your country")
pytestmark = pytest.mark.audio


def wait_until(cond: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def test_speech_played_into_pulse_is_recorded_and_transcribed(
        pulse: str, jfk_path: Path, tiny_en_dir: Path, tmp_path: Path) -> None:
    devices = list_input_devices()
    device = pick_input_device()
    assert device is not None, f"no 'pulse' or 'default' PortAudio input among {devices}"
    # paplay's libsndfile mangles this 24-bit FLAC (plays 11 s in ~3 s); 16-bit WAV is safe.
    clip = tmp_path / "clip.wav"
    subprocess.run(["sox", str(jfk_path), "-b", "16", str(clip)], check=True, timeout=60)

    out = tmp_path / "rec"
    rec = Recorder(out, source=SoundDeviceSource(device=device), chunk_seconds=5.0)
    rec.start()
    try:
        # The null sink's monitor delivers its first block late (up to ~2 s); play only once
        # audio is flowing so the whole clip lands in the recording.
        assert wait_until(lambda: rec.seconds_written > 0, 10), "no audio block from PortAudio"
        before = rec.seconds_written
        t0 = time.monotonic()
        subprocess.run(["paplay", f"--device={pulse}", str(clip)], check=True, timeout=60,
                       stdin=subprocess.DEVNULL)
        played = time.monotonic() - t0
        assert played > 10, f"paplay finished an 11 s clip in {played:.1f} s"
        assert wait_until(lambda: rec.seconds_written >= before + played + 0.5, 10), \
            "the recording fell behind the playback"
    finally:
        chunks = rec.close()

    assert rec.error is None and rec.dropped_blocks == 0
    assert len(chunks) >= 3 and all(c.closed for c in chunks)
    assert recover(out) == chunks  # what is on disk is exactly what the recorder reported
    pieces = read_chunks(chunks)
    for (t_prev, a_prev), (t_next, _) in zip(pieces, pieces[1:], strict=False):
        assert t_next == pytest.approx(t_prev + a_prev.size / 16000, abs=1e-3)  # no gaps
    audio = np.concatenate([a for _, a in pieces])
    assert audio.size / 16000 >= 11.0
    assert float(np.max(np.abs(audio))) > 0.1, "the recording is silent"

    segments = FasterWhisperTranscriber(tiny_en_dir).transcribe(audio)
    heard = set(words(" ".join(s.text for s in segments)))
    ref = words(REFERENCE)
    found = [w for w in ref if w in heard]
    assert len(found) >= 0.8 * len(ref), f"heard only {sorted(heard)}"
    assert {"ask", "country"} <= heard
