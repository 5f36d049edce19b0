"""Where everything lives on disk.

All user data (database, audio, settings) sits under one home directory:
platformdirs' user data dir by default, or `PMC_HOME`. Models are big and
shared by every home, so they have their own directory (`PMC_MODELS_DIR`).
Nothing is created at import time; callers ask for a path and `ensure` it.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "circle-assistant"


def home() -> Path:
    env = os.environ.get("PMC_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP))


def models_dir() -> Path:
    env = os.environ.get("PMC_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP)) / "models"


def cache_dir() -> Path:
    """Re-creatable files (rendered evaluation audio): platformdirs' user cache dir."""
    return Path(platformdirs.user_cache_dir(APP))


def database_path() -> Path:
    return home() / "pmc.sqlite3"


def audio_dir() -> Path:
    return home() / "audio"


def settings_path() -> Path:
    return home() / "settings.toml"


def ensure(path: Path) -> Path:
    """Create `path` as a private directory (0700) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def package_data(name: str) -> Path:
    """A data directory shipped with the package (`prompts`, `models`, `demo`).

    In a wheel `prompts` and `models` live inside the package (`assistant/_prompts`);
    in a checkout they are top-level folders beside `assistant/`. The demo meeting
    is always inside the package (`assistant/demo`).
    """
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / f"_{name}", here / name, here.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"package data '{name}' is missing; reinstall circle-assistant")
