"""Helpers for the privacy proof tests: `pmc` as a subprocess with a chosen environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core import locations
from assistant.core.privacy import crypto
from assistant.core.store.store import Store
from assistant.services import parts

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple"


class Run:
    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.env = env

    def cmd(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "assistant", *args]

    def environ(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != crypto.ENV}
        env.update(PMC_HOME=str(self.home), **self.env)
        env.update(extra)
        return env

    def __call__(self, *args: str, check: bool = True, timeout: float = 900,
                 **extra: str) -> subprocess.CompletedProcess[str]:
        res = subprocess.run(self.cmd(*args), capture_output=True, text=True,
                             env=self.environ(**extra), timeout=timeout,
                             stdin=subprocess.DEVNULL, cwd=REPO)
        if check and res.returncode != 0:
            raise AssertionError(f"pmc {' '.join(args)} exited {res.returncode}:\n{res.stderr}")
        return res


@pytest.fixture(autouse=True)
def _fresh_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(crypto.ENV, raising=False)
    crypto.forget_keys()
    yield
    crypto.forget_keys()


@pytest.fixture
def secret_pmc(pmc_home: Path) -> Run:
    """`pmc` in an encrypted home (PMC_PASSPHRASE set, as scripts do)."""
    return Run(pmc_home, PMC_PASSPHRASE=PASSPHRASE)


@pytest.fixture
def dev1(shared_dir: Path) -> dict[str, Path]:
    base = shared_dir / "data" / "pmc"
    return {"script": base / "circle_dev1.json", "audio": base / "circle_dev1.wav",
            "timeline": base / "circle_dev1.timeline.json"}


@pytest.fixture(params=["sealed", "plain"])
def either_store(request: pytest.FixtureRequest,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The store of an encrypted home (sealed chunks) or of a plain one (raw PCM chunks)."""
    if request.param == "sealed":
        monkeypatch.setenv(crypto.ENV, PASSPHRASE)
    crypto.forget_keys()
    store = parts.open_store()
    assert crypto.is_encrypted(locations.home()) == (request.param == "sealed")
    yield store
    store.close()
    crypto.forget_keys()
