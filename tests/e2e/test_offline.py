"""Transcription and drafting work with the network gone.

Two proofs: in-process with every non-loopback connect and DNS lookup refused
by the guard (and a spy that fails the test on any attempt), and the real CLI
inside a network namespace with no interfaces but loopback (`unshare -n`).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.drafting.attribution import TurnSpan, attribute
from assistant.core.drafting.textnorm import wer
from assistant.core.privacy import guard as privacy

pytestmark = [pytest.mark.e2e, pytest.mark.model]

JFK = ("And so my fellow Americans, ask not what your country can do for you, "
       "ask what you can do for your country.")


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    attempts: list[object] = []
    original = socket.socket.connect

    def spy(self: socket.socket, address: object) -> None:
        attempts.append(address)
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    privacy.install_guard()
    yield attempts
    privacy.remove_guard()


def test_pipeline_under_socket_guard(guarded, tiny_transcriber, real_drafter,  # type: ignore[no-untyped-def]
                                     shared_dir: Path) -> None:
    from assistant.core.audio import decode as audio

    with pytest.raises(privacy.EgressBlocked):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with pytest.raises(privacy.EgressBlocked):
        socket.getaddrinfo("huggingface.co", 443)
    samples = audio.load(shared_dir / "data/speech/jfk.flac")
    segments = tiny_transcriber.transcribe(samples)
    assert wer(JFK, " ".join(s.text for s in segments)) <= 0.10
    turn = TurnSpan(1, 1, "Ana", "contracts", 0.0, 11.0)
    said = attribute(segments, [turn])
    from assistant.core.drafting.attribution import Utterance

    said.append(Utterance(turn, 11.0, 14.0, "I will send the survey results to my committee "
                                            "by Friday."))
    items = real_drafter.draft(said, dt.date(2026, 3, 5), dt.date(2026, 3, 19))
    assert [i.due for i in items] == [dt.date(2026, 3, 6)]
    assert "survey" in items[0].text.lower() and "committee" in items[0].text.lower()
    # Only loopback (or nothing) was ever dialled.
    for address in guarded:
        host = address[0] if isinstance(address, tuple) else address
        assert not isinstance(host, str) or host in ("127.0.0.1", "::1", "localhost"), host


def test_cli_in_network_namespace(shared_dir: Path, tiny_en_dir: Path, smollm_path: Path,
                                  pmc_home: Path, network_namespace: None) -> None:
    env = dict(os.environ, PMC_HOME=str(pmc_home))
    base = ["unshare", "-n", sys.executable, "-m", "assistant"]

    def run(*args: str) -> str:
        res = subprocess.run([*base, *args], capture_output=True, text=True, env=env,
                             timeout=600, stdin=subprocess.DEVNULL)
        assert res.returncode == 0, res.stderr
        return res.stdout

    assert wer(JFK, run("transcribe", str(shared_dir / "data/speech/jfk.flac"))) <= 0.10
    dev1 = shared_dir / "data/pmc"
    run("circle", "create", "Offline", "--member", "Amara", "--member", "Bea", "--member",
        "Chen", "--member", "Dolores", "--member", "Elif")
    out = run("meeting", "import", str(dev1 / "circle_dev1.wav"), "--circle", "Offline",
              "--timeline", str(dev1 / "circle_dev1.timeline.json"), "--date", "2026-03-05")
    meeting = out.strip().splitlines()[-1]
    recap = run("recap", meeting)
    assert "glacier" in recap.lower() and "sensor" in recap.lower()
