"""Fixtures shared by the unit tests: a real SQLite store in memory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.core.store.store import Store


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh store on ':memory:', every migration applied, closed after the test."""
    s = Store(":memory:")
    yield s
    s.close()
