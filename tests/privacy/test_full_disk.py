"""Recording into a tiny real file system until it is full: stops cleanly, keeps the audio.

The file system is a 256 KiB tmpfs mounted for the test (needs root, as in CI). Both raw
chunks and sealed chunks (an encrypted home) are tried.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.core.audio.recorder import FileSource, Recorder, read_chunks, recover
from assistant.core.privacy import crypto

pytestmark = [pytest.mark.slow]


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs",
                          str(mnt)], capture_output=True, text=True)
    if res.returncode != 0:
        msg = f"cannot mount a tmpfs here ({res.stderr.strip()}); needs root"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("sealed", [False, True], ids=["raw", "sealed"])
def test_recording_stops_cleanly_when_the_disk_fills(tiny_fs: Path, tmp_path: Path,
                                                     sealed: bool) -> None:
    cipher = crypto.create(tmp_path / "home", "pw").cipher() if sealed else None
    rng = np.random.default_rng(7)
    signal = (rng.standard_normal(16000 * 20) * 3000).astype(np.int16)  # 640 KB, > the disk
    src = FileSource(signal, realtime=False)
    errors: list[str] = []
    rec = Recorder(tiny_fs / "audio", source=src, chunk_seconds=2.0, on_error=errors.append,
                   cipher=cipher)
    rec.start()
    deadline = time.monotonic() + 60
    while not errors and time.monotonic() < deadline and not src.done.is_set():
        time.sleep(0.01)
    # a chunk opened just as the disk filled holds nothing: recovery leaves it out
    chunks = [c for c in rec.close() if c.frames]
    assert len(errors) == 1, errors
    assert "\n" not in errors[0] and "disk is full" in errors[0], errors[0]
    assert not rec.recording
    # what was written is intact: every chunk recovers as reported, and is a prefix of the input
    assert recover(tiny_fs / "audio", cipher=cipher) == chunks
    audio = np.concatenate([a for _, a in read_chunks(chunks, cipher=cipher)])
    kept = audio.size
    assert kept > 16000 * 2  # several seconds were kept
    assert np.array_equal(audio, signal[:kept].astype(np.float32) / 32768)
    assert abs(rec.seconds_written - kept / 16000) < 0.01
    print(f"full disk ({'sealed' if sealed else 'raw'}): kept {kept / 16000:.1f} s "
          f"in {len(chunks)} chunks; message: {errors[0]}")
