"""`pmc meeting show 1 | head`: a reader that stops early ends `pmc` quietly (exit 0, nothing
on stderr), where it used to print "internal error (BrokenPipeError)"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO

pytestmark = pytest.mark.e2e


def test_a_closed_pipe_ends_pmc_quietly(pmc, pmc_home: Path) -> None:  # type: ignore[no-untyped-def]
    pmc("circle", "create", "Pipes", "--member", "Ana", "--member", "Ben")
    pmc("contract", "add", "--circle", "Pipes", "--member", "Ana", "--date", "2026-02-19",
        "Send the survey")
    assert "meeting #1" in pmc("meeting", "show", "1").stdout
    env = dict(os.environ, PMC_HOME=str(pmc_home))
    # `| head` that has already gone: the pipe is closed before pmc writes a line.
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "meeting", "show", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert err == ""
