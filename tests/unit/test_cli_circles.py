"""`pmc circle create`: the cadence comes from --cadence, else the next_meeting_days setting.

Runs the real parser and handler in-process against a plain (unencrypted) home.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import build_parser
from assistant.core import locations
from assistant.services import parts


def create(*args: str) -> int:
    a = build_parser().parse_args(["circle", "create", "Postdocs", "--member", "Ana",
                                   "--no-encrypt", *args])
    return int(a.fn(a))


def cadence() -> int:
    store = parts.open_store()
    try:
        return store.circle("Postdocs").cadence_days
    finally:
        store.close()


def test_default_cadence_is_every_other_week(pmc_home: Path) -> None:
    assert create() == 0
    assert cadence() == 14


def test_next_meeting_days_setting_sets_a_new_circles_cadence(pmc_home: Path) -> None:
    locations.ensure(pmc_home)
    locations.settings_path().write_text("next_meeting_days = 21\n", encoding="utf-8")
    assert create() == 0
    assert cadence() == 21


def test_cadence_option_wins_over_the_setting(pmc_home: Path) -> None:
    locations.ensure(pmc_home)
    locations.settings_path().write_text("next_meeting_days = 21\n", encoding="utf-8")
    assert create("--cadence", "7") == 0
    assert cadence() == 7


@pytest.mark.parametrize("bad", ["0", "-3", "366", "two"])
def test_a_cadence_out_of_range_is_a_usage_error(bad: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["circle", "create", "X", "--member", "A", "--cadence", bad])
    assert exc.value.code == 2
    assert "not a number of days from 1 to 365" in capsys.readouterr().err
