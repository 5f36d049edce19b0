"""The compute type faster-whisper runs with: "auto" follows the matrix library CTranslate2
uses on the CPU (runtime.py), and a wrong name in the settings is refused."""

from __future__ import annotations

import pytest

from assistant.core import settings as settings_mod
from assistant.core.errors import PMCError
from assistant.core.speech import runtime


@pytest.mark.parametrize("machine, vendor, env, expected", [
    ("x86_64", "AuthenticAMD", "", "float32"),   # oneDNN: float32 measured faster
    ("x86_64", "GenuineIntel", "", "int8"),      # MKL: int8 measured faster
    ("x86_64", "GenuineIntel", "0", "float32"),  # MKL turned off: oneDNN
    ("x86_64", "AuthenticAMD", "1", "int8"),     # MKL forced on
    ("aarch64", "", "", "int8"),                 # not x86: as before
])
def test_auto_follows_the_matrix_library(monkeypatch: pytest.MonkeyPatch, machine: str,
                                         vendor: str, env: str, expected: str) -> None:
    monkeypatch.setattr(runtime.platform, "machine", lambda: machine)
    monkeypatch.setattr(runtime, "cpu_vendor", lambda: vendor)
    monkeypatch.setenv("CT2_USE_MKL", env)
    assert runtime.resolve_compute_type("auto") == expected
    assert runtime.resolve_compute_type("int8_float32") == "int8_float32"  # named: as named


def test_this_machine_has_a_vendor_string() -> None:
    import platform

    if platform.system() == "Linux" and platform.machine() == "x86_64":
        assert runtime.cpu_vendor() in ("GenuineIntel", "AuthenticAMD", "HygonGenuine",
                                        "CentaurHauls", "Shanghai")


def test_a_wrong_compute_type_is_refused_in_one_line() -> None:
    assert settings_mod.parse('compute_type = "float32"').compute_type == "float32"
    with pytest.raises(PMCError, match="compute_type must be one of auto, int8, float32"):
        settings_mod.parse('compute_type = "fp8"')
