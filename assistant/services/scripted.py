"""Scripted meetings: the bundled demo and `pmc eval` import a meeting described by a script.

A script (JSON) names the circle, its members, the contracts of the previous
meeting and, for evaluation, the truth to score against. Both run in a temporary
PMC_HOME unless asked otherwise, so they never touch a user's real circles.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core import locations
from assistant.core.errors import PMCError
from assistant.core.settings import Settings
from assistant.core.store.store import Circle, Store
from assistant.services.contracts import add_manual_item


def load_script(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise PMCError(f"cannot read meeting script {path}; give a script JSON with "
                       "members and truth") from None
    if not isinstance(data, dict) or "members" not in data:
        raise PMCError(f"{path} is not a meeting script (no 'members')")
    return data


def prepare_circle(store: Store, script: dict[str, Any]) -> tuple[Circle, dt.date]:
    """The script's circle with its earlier contracts entered; returns (circle, meeting date).

    `previous_contracts` are entered one meeting back, `earlier_contracts` two
    meetings back (members who missed the last meeting), as `pmc contract add` does.
    """
    names = [m["name"] for m in script["members"]]
    circle = store.create_circle(script.get("circle", script.get("name", "Circle")), names)
    date = dt.date.fromisoformat(script.get("meeting_date", dt.date.today().isoformat()))
    step = dt.timedelta(days=circle.cadence_days)
    for key, back in (("earlier_contracts", 2), ("previous_contracts", 1)):
        for member, texts in script.get(key, {}).items():
            for text in texts:
                add_manual_item(store, circle, member, date - back * step, text)
    return circle, date


def run_script(store: Store, script: dict[str, Any], audio: Path, timeline: Path,
               progress: Callable[[str, float], None], settings: Settings) -> int:
    """Create the script's circle and previous contracts, then import its meeting."""
    from assistant.services import parts
    from assistant.services.pipeline import import_meeting

    circle, date = prepare_circle(store, script)
    return import_meeting(store, circle, audio, timeline, date,
                          transcriber=lambda: parts.build_transcriber(settings),
                          drafter=lambda: parts.build_drafter(settings), progress=progress,
                          contract_pass=settings.contract_pass,
                          refiner=lambda: parts.build_refiner(settings))


class TemporaryHome:
    """Run with PMC_HOME in a temporary directory (the demo never touches real data).

    With `keep`, the user's own home is used and nothing is switched.
    """

    def __init__(self, keep: bool) -> None:
        self.keep = keep

    def __enter__(self) -> Path:
        self.old = os.environ.get("PMC_HOME")
        if self.keep:
            return locations.home()
        self.tmp = tempfile.TemporaryDirectory(prefix="pmc-demo-")
        os.environ["PMC_HOME"] = self.tmp.name
        return Path(self.tmp.name)

    def __exit__(self, *exc: object) -> None:
        if self.keep:
            return
        if self.old is None:
            os.environ.pop("PMC_HOME", None)
        else:
            os.environ["PMC_HOME"] = self.old
        self.tmp.cleanup()
