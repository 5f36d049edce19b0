"""Fixtures for the real-audio tests: a running PulseAudio with the pmc_null sink, the JFK clip.

Missing pieces skip locally but fail under CI (env CI set), so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SINK = "pmc_null"


def missing(msg: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=20,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def pulse() -> Iterator[str]:
    """Name of the PulseAudio sink to play into; PortAudio's "pulse" device records its monitor."""
    for tool in ("pactl", "paplay", "sox"):
        if shutil.which(tool) is None:
            missing(f"{tool} is not installed; apt-get install pulseaudio-utils sox")
    if _run("pactl", "info").returncode != 0:
        missing("PulseAudio is not running; start it with scripts/start_pulse.sh")
    sinks = [line.split("\t")[1] for line in _run("pactl", "list", "short", "sinks").stdout
             .splitlines() if "\t" in line]
    if SINK not in sinks:
        missing(f"PulseAudio has no {SINK} sink (only {sinks}); run scripts/start_pulse.sh")
    # libpulse (inside ALSA's pulse plugin) honours these, so the test records the monitor even
    # on a desktop whose default source is a real microphone.
    saved = {k: os.environ.get(k) for k in ("PULSE_SOURCE", "PULSE_SINK")}
    os.environ["PULSE_SOURCE"] = f"{SINK}.monitor"
    os.environ["PULSE_SINK"] = SINK
    yield SINK
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def jfk_path(shared_dir: Path) -> Path:  # shared_dir and tiny_en_dir come from tests/conftest.py
    path = shared_dir / "data" / "speech" / "jfk.flac"
    if not path.is_file():
        missing(f"{path} is missing")
    return path
