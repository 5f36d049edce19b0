"""Turn timelines for imported meetings.

The format is the one `synth_meeting.py` writes: `{"turns": [{"speaker",
"segment", "start", "end", ...}]}`. Any `text` field is ignored on purpose:
the transcript comes from the audio, never from a file that claims to know it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import PMCError
from assistant.core.meeting.agenda import SEGMENT_IDS


@dataclass(frozen=True)
class TimelineTurn:
    speaker: str
    segment: str
    start: float
    end: float


def _finite(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v) and abs(v) < 1e9
    except OverflowError:  # an int too large for a float
        return False


def parse(text: str, members: list[str], source: str = "timeline") -> list[TimelineTurn]:
    """Parse and validate; `members` are the circle's member names (case-insensitive)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8, 4300-digit ints
        raise PMCError(f"{source} is not valid JSON; give the timeline file written "
                       "with the recording") from None
    turns = data.get("turns") if isinstance(data, dict) else None
    if not isinstance(turns, list) or not turns:
        raise PMCError(f"{source} has no 'turns' list; expected "
                       '{"turns": [{"speaker", "segment", "start", "end"}]}')
    by_lower = {m.lower(): m for m in members}
    out: list[TimelineTurn] = []
    for i, t in enumerate(turns, 1):
        if not isinstance(t, dict):
            raise PMCError(f"{source}: turn {i} must be an object")
        speaker, segment = t.get("speaker"), t.get("segment")
        start, end = t.get("start"), t.get("end")
        if not isinstance(speaker, str) or speaker.strip().lower() not in by_lower:
            raise PMCError(f"{source}: turn {i} names {speaker!r}, who is not a member of the "
                           f"circle ({', '.join(members)}); add them with `pmc circle add-member`"
                           " or fix the timeline")
        if segment not in SEGMENT_IDS:
            raise PMCError(f"{source}: turn {i} segment {segment!r} must be one of "
                           f"{', '.join(SEGMENT_IDS)}")
        if not all(_finite(v) for v in (start, end)):
            raise PMCError(f"{source}: turn {i} needs numeric 'start' and 'end' seconds")
        assert isinstance(start, (int, float)) and isinstance(end, (int, float))
        if start < 0 or end <= start:
            raise PMCError(f"{source}: turn {i} has negative or empty time "
                           f"({start}–{end}); start must be ≥ 0 and before end")
        out.append(TimelineTurn(by_lower[speaker.strip().lower()], segment, float(start),
                                float(end)))
    out.sort(key=lambda t: t.start)
    for a, b in zip(out, out[1:], strict=False):
        if b.start < a.end - 1e-6:
            raise PMCError(f"{source}: turns overlap at {b.start:.2f} s ({a.speaker} until "
                           f"{a.end:.2f} s, {b.speaker} from {b.start:.2f} s); fix the times")
    return out


def load(path: Path, members: list[str]) -> list[TimelineTurn]:
    if not path.is_file():
        raise PMCError(f"timeline file {path} does not exist; check the path")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise PMCError(f"timeline file {path} is not readable UTF-8 JSON") from None
    return parse(text, members, str(path))
