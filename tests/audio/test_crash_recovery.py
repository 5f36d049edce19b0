"""SIGKILL a recording process at random moments; recover() must return every sample up to ~1 s.

The child is this file run as a script: it records a WAV of a sample-counter ramp through
FileSource(realtime=True) into chunk files, and a second ramp (shifted) as a call track into
the same folder, as a circle meeting by video does, and is killed without warning. The ramps
make any lost, doubled or reordered sample show up as a mismatch against the source.
"""

from __future__ import annotations

import os
import random
import select
import signal
import stat
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

RATE = 16000
SECONDS = 6.0
RUNS = 6
MAX_LOSS = 1.0  # the design promise: a crash loses at most the last second


CALL_SHIFT = 12345  # the call track's ramp starts elsewhere: no sample can pass for the room's


def ramp(n: int, shift: int = 0) -> np.ndarray:
    return (((np.arange(n) + shift) % 65536) - 32768).astype(np.int16)


def child(wav: str, out_dir: str) -> None:
    from assistant.core.audio.recorder import ChunkNumbers, FileSource, Recorder

    src = FileSource(Path(wav), realtime=True)
    call_src = FileSource(ramp(int(SECONDS * RATE), CALL_SHIFT), realtime=True)
    numbers = ChunkNumbers(Path(out_dir))
    rec = Recorder(Path(out_dir), source=src, chunk_seconds=1.0, numbers=numbers)
    call = Recorder(Path(out_dir), source=call_src, chunk_seconds=1.0, numbers=numbers,
                    track="call")
    rec.start()
    call.start()
    print(f"started {src.started_at!r}", flush=True)
    src.wait()
    rec.close()
    call.close()
    print("finished", flush=True)


def read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        pytest.fail(f"the recording child said nothing within {timeout} s")
    return proc.stdout.readline()


@pytest.mark.audio
@pytest.mark.slow
def test_sigkill_loses_at_most_the_last_second(tmp_path: Path) -> None:
    from assistant.core.audio.recorder import read_chunks, recover

    signal_ = ramp(int(SECONDS * RATE))
    wav = tmp_path / "ramp.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(signal_.tobytes())

    rng = random.Random(20240611)
    delays = [0.15] + [rng.uniform(0.3, SECONDS - 0.5) for _ in range(RUNS - 1)]
    for run, delay in enumerate(delays):
        out = tmp_path / f"run{run}"
        proc = subprocess.Popen([sys.executable, __file__, str(wav), str(out)],
                                stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        try:
            line = read_line(proc, 60)
            assert line.startswith("started "), f"child said {line!r}"
            t0 = float(line.split()[1])  # CLOCK_MONOTONIC is shared by every process
            time.sleep(max(0.0, t0 + delay - time.monotonic()))
            t_kill = time.monotonic()
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait(10)
        assert proc.returncode == -signal.SIGKILL, "the child ended before it was killed"
        elapsed = t_kill - t0

        found = recover(out)
        assert len({c.seq for c in found}) == len(found)  # one numbering for both tracks
        for track, source in (("room", signal_), ("call", ramp(signal_.size, CALL_SHIFT))):
            chunks = [c for c in found if c.track == track]
            audio = (np.concatenate([a for _, a in read_chunks(chunks)]) if chunks
                     else np.zeros(0, dtype=np.float32))
            got = np.round(audio * 32768).astype(np.int16)
            n = got.size
            context = (f"run {run}, {track} track: killed at {elapsed:.2f} s, "
                       f"recovered {n / RATE:.2f} s")
            assert np.array_equal(got, source[:n]), f"{context}: samples differ from the source"
            assert n >= (elapsed - MAX_LOSS) * RATE, f"{context}: lost more than {MAX_LOSS} s"
            assert n <= (elapsed + 0.25) * RATE, f"{context}: more audio than was played"
            frame = 0
            for c in chunks:
                assert c.closed and c.start == pytest.approx(frame / RATE, abs=1e-3), context
                assert stat.S_IMODE(c.path.stat().st_mode) == 0o600
                frame += c.frames
        assert stat.S_IMODE(out.stat().st_mode) == 0o700


if __name__ == "__main__":
    child(*sys.argv[1:3])
