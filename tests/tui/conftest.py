"""Fixtures for the Pilot and snapshot tests (helpers live in tui_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import make_store

from assistant.core import locations
from assistant.core.store.store import Store


@pytest.fixture(autouse=True)
def pmc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home: HOME and PMC_HOME in tmp_path, so shown paths are the same every run."""
    monkeypatch.setenv("HOME", str(tmp_path))
    home = tmp_path / ".local" / "share" / "circle-assistant"
    monkeypatch.setenv("PMC_HOME", str(home))
    locations.ensure(home)
    return home


@pytest.fixture
def store(tmp_path: Path, pmc_home: Path) -> Iterator[Store]:
    s = make_store(locations.database_path())
    yield s
    s.close()


