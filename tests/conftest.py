"""Shared fixtures: a private PMC_HOME per test, the real model files, the shared data.

Models come from the models directory that `make install` fills (`pmc models
pull`). A missing model or data set skips a test on a developer's machine but
fails it when CI is set, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from assistant.core import models

REPO = Path(__file__).resolve().parents[1]

# CI explores the same examples on every run, so a red build is reproducible; a
# developer's runs keep exploring new ones (and the example database keeps failures).
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def missing(msg: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture()
def network_namespace() -> None:
    """`unshare -n` works here (root or user namespaces): the offline proofs run in one."""
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-n", "true"], capture_output=True).returncode != 0:
        missing("unshare -n is not permitted here (needs root or user namespaces)")


@pytest.fixture(autouse=True)
def pmc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own PMC_HOME; models stay shared (PMC_MODELS_DIR untouched)."""
    home = tmp_path / "pmc-home"
    monkeypatch.setenv("PMC_HOME", str(home))
    yield home


def _model(name: str) -> Path:
    spec = models.spec(name)
    if not models.is_present(spec):
        missing(f"model {name} is not installed; run `pmc models pull {name}` (make install)")
    models.verify(spec)
    return models.model_path(spec)


@pytest.fixture(scope="session")
def tiny_en_dir() -> Path:
    return _model("whisper-tiny.en")


@pytest.fixture(scope="session")
def base_dir() -> Path:
    """whisper-base: the default install's model for the contracts second pass."""
    return _model("whisper-base")


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    return _model("smollm2-135m")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout (CI puts a copy there)."""
    for candidate in (REPO.parent / "shared", Path("/work/shared")):
        if (candidate / "data").is_dir():
            return candidate
    missing("../shared/data is missing; it holds the reference recordings")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def tiny_transcriber(tiny_en_dir: Path):  # type: ignore[no-untyped-def]
    from assistant.core.speech.transcribe import FasterWhisperTranscriber

    return FasterWhisperTranscriber(tiny_en_dir)


@pytest.fixture(scope="session")
def real_drafter(smollm_path: Path):  # type: ignore[no-untyped-def]
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.drafting.llm import LocalLLM

    return Drafter(LocalLLM(smollm_path))


@pytest.fixture
def encrypted_store(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A store in this test's PMC_HOME, encrypted with a test passphrase (real keys)."""
    from assistant.core import locations
    from assistant.core.privacy import crypto
    from assistant.services import parts

    monkeypatch.setenv("PMC_PASSPHRASE", "a long enough test passphrase")
    crypto.forget_keys()
    store = parts.open_store()
    assert crypto.is_encrypted(locations.home())
    yield store
    store.close()
    crypto.forget_keys()
