"""The commands the offline e2e test does not cover, run with no network at all.

tests/e2e/test_offline.py runs transcribe and meeting import inside `unshare -n`; here
recap, goals, purge, forget, retention and passphrase change run there too, in an
encrypted home, so none of them needs (or could use) the network; and so does a short
live meeting (recording, live Whisper) and its processing afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.audio.chunks import stored_chunks

from .conftest import PASSPHRASE, REPO, Run
from .test_crash_phases import CIRCLE, DATE, build_meeting, open_store, setup_home

pytestmark = [pytest.mark.e2e]


class Offline(Run):
    def cmd(self, *args: str) -> list[str]:
        return ["unshare", "-n", *super().cmd(*args)]


def test_live_meeting_offline(pmc_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              tiny_en_dir: Path, smollm_path: Path,
                              network_namespace: None) -> None:
    """A short live meeting in real time (consent, timekeeper, recorders sealing the room's
    and a call's chunks, live tiny.en on both), then `pmc meeting resume` transcribing and
    drafting it: all inside a network namespace with nothing but loopback."""
    setup_home(pmc_home, monkeypatch)
    wav, plan, _ = build_meeting(tmp_path)
    run = Offline(pmc_home, PMC_PASSPHRASE=PASSPHRASE)
    live = subprocess.run(["unshare", "-n", sys.executable, "-m", "tests.privacy.live_child",
                           CIRCLE, str(wav), str(plan), DATE, "--call", str(wav)],
                          env=run.environ(),
                          capture_output=True, text=True, timeout=600, cwd=REPO,
                          stdin=subprocess.DEVNULL)
    assert live.returncode == 0, live.stderr
    mid = int(live.stdout.splitlines()[-1].split()[1])  # "ended ID"
    res = run("meeting", "resume", str(mid))
    assert f"meeting {mid}: drafted" in res.stderr  # progress goes to stderr
    assert "items still draft" in res.stdout  # what is left: the members' review
    store = open_store(pmc_home)
    try:
        tracks = {c.track for c in stored_chunks(store, mid)}
        assert tracks == {"room", "call"}, tracks
        assert store.segments(mid), "nothing was transcribed"
        assert store.items(mid), "nothing was drafted"
    finally:
        store.close()


def test_recap_goals_and_privacy_commands_offline(pmc_home: Path,
                                                  network_namespace: None) -> None:
    run = Offline(pmc_home, PMC_PASSPHRASE=PASSPHRASE)
    assert "usage: pmc" in run("--help").stdout  # pmc itself starts in the namespace
    probe = subprocess.run(["unshare", "-n", "python3", "-c",
                            "import socket; socket.create_connection(('192.0.2.1', 80), 2)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0  # inside, there really is no route anywhere
    run("circle", "create", "Glacier", "--member", "Amara", "--member", "Bea")
    run("contract", "add", "--circle", "Glacier", "--member", "Amara", "--date", "2026-02-19",
        "Submit the abstract on glacier melt")
    recap = run("recap", "1").stdout
    assert "glacier melt" in recap
    assert json.loads(run("recap", "1", "--format", "json").stdout)["contracts"]
    assert "BEGIN:VCALENDAR" in run("recap", "1", "--format", "ics").stdout
    assert "glacier melt" in run("goals", "Amara").stdout
    assert json.loads(run("goals", "Amara", "--format", "json").stdout)
    assert "deleted" in run("purge").stdout
    assert "forgot" in run("forget", "--circle", "Glacier", "--member", "Bea").stdout
    assert "Glacier:" in run("retention", "Glacier").stdout
    assert "passphrase changed" in run("passphrase", "change",
                                       PMC_NEW_PASSPHRASE="new one").stdout
    assert "glacier melt" in run("goals", "Amara", PMC_PASSPHRASE="new one").stdout
