"""Agenda templates: the fixed PMC format and user-supplied variants.

An agenda is an ordered list of segments. Each segment has a planned length,
either per present member (check-in: ~1 min each) or for the whole segment.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.core.errors import PMCError

SEGMENT_IDS = ("check_in", "report_back", "challenges", "contracts", "appreciations")


@dataclass(frozen=True)
class AgendaSegment:
    id: str
    title: str
    minutes: float
    per_member: bool  # True: `minutes` is each member's share

    def planned_seconds(self, members_present: int) -> float:
        factor = members_present if self.per_member else 1
        return self.minutes * 60 * factor


DEFAULT_AGENDA: tuple[AgendaSegment, ...] = (
    AgendaSegment("check_in", "Check-in", 1.0, True),
    AgendaSegment("report_back", "Report-back", 1.5, True),
    AgendaSegment("challenges", "Challenges", 25.0, False),
    AgendaSegment("contracts", "Contracts", 1.5, True),
    AgendaSegment("appreciations", "Appreciations", 0.5, True),
)


def to_json(agenda: tuple[AgendaSegment, ...]) -> str:
    return json.dumps([asdict(s) for s in agenda])


def from_json(text: str, source: str = "agenda") -> tuple[AgendaSegment, ...]:
    """Parse an agenda: a JSON list of {id, title?, minutes, per_member?}."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # also 4300-digit ints, deep nesting
        raise PMCError(f"{source} is not valid JSON ({exc.__class__.__name__}); "
                       "see README 'Agenda files'") from None
    if not isinstance(data, list) or not data:
        raise PMCError(f"{source}: an agenda is a non-empty JSON list of segments")
    out = []
    seen = set()
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise PMCError(f"{source}: segment {i + 1} must be an object")
        sid = item.get("id")
        if sid not in SEGMENT_IDS:
            raise PMCError(f"{source}: segment {i + 1} id must be one of {', '.join(SEGMENT_IDS)}")
        if sid in seen:
            raise PMCError(f"{source}: segment '{sid}' appears twice")
        seen.add(sid)
        minutes = item.get("minutes", 1)
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not (
            0 < minutes <= 240
        ):
            raise PMCError(f"{source}: segment '{sid}' minutes must be a number from 0 to 240")
        per_member = item.get("per_member", True)
        if not isinstance(per_member, bool):
            raise PMCError(f"{source}: segment '{sid}' per_member must be true or false")
        title = item.get("title", sid.replace("_", "-").capitalize())
        if not isinstance(title, str):
            raise PMCError(f"{source}: segment '{sid}' title must be text")
        out.append(AgendaSegment(sid, title, float(minutes), per_member))
    return tuple(out)


def load_file(path: Path) -> tuple[AgendaSegment, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PMCError(f"cannot read agenda file {path}: {exc.__class__.__name__}") from None
    return from_json(text, str(path))
