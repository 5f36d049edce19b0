"""The fixed dev/test split rule of the evaluation corpus.

A meeting belongs to `test` when the first 8 hex digits of
sha256("pmc-eval:" + meeting name) are odd, otherwise to `dev`. The rule
depends on nothing but the name, so it cannot be nudged after seeing scores:
a meeting's split is known before it is written. `check` lists files that sit
in the wrong folder (a unit test runs it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SPLITS = ("dev", "test")
HERE = Path(__file__).resolve().parent


def split_of(name: str) -> str:
    digest = hashlib.sha256(f"pmc-eval:{name}".encode()).hexdigest()
    return "test" if int(digest[:8], 16) % 2 else "dev"


def scripts(split: str, root: Path = HERE) -> list[Path]:
    """The meeting scripts of one split, sorted by name."""
    return sorted((root / split).glob("*.json"))


def check(root: Path = HERE) -> list[str]:
    """Problems: files in the wrong split folder, or whose name field is not their file name."""
    bad = []
    for sp in SPLITS:
        for path in scripts(sp, root):
            name = json.loads(path.read_text())["name"]
            if name != path.stem:
                bad.append(f"{path}: name '{name}' is not the file name")
            elif split_of(name) != sp:
                bad.append(f"{path}: belongs in {split_of(name)}/")
    return bad
