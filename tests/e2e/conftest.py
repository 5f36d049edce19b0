"""Helpers for end-to-end tests: run `pmc` as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


class Run:
    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(self, *args: str, check: bool = True,
                 timeout: float = 600) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, PMC_HOME=str(self.home))
        res = subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                             text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
                             cwd=REPO)
        if check and res.returncode != 0:
            raise AssertionError(f"pmc {' '.join(args)} exited {res.returncode}:\n{res.stderr}")
        return res


PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    """End-to-end tests run the default path: an encrypted home unlocked by PMC_PASSPHRASE."""
    monkeypatch.setenv("PMC_PASSPHRASE", PASSPHRASE)
    return PASSPHRASE


@pytest.fixture
def pmc(pmc_home: Path, passphrase: str) -> Run:
    return Run(pmc_home)
