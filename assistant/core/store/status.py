"""A meeting's status: one sequence, the same for every way a meeting comes in.

    OPEN ──▶ TRANSCRIBED ──▶ DRAFTED ──▶ CLOSED

- OPEN: a live meeting is recording, or ended without its transcript written yet;
  turns and audio chunks are saved as they come (assistant/services/session.py).
- TRANSCRIBED: the transcript is written, in the same transaction as this status;
  present members are being drafted, one member per transaction.
- DRAFTED: every present member is drafted (or nothing was recorded, so there is nothing
  to draft from); the drafts wait for the members' review.
- CLOSED: the review is finished.

The processing flow (assistant/services/processing.py) moves a meeting from OPEN to
DRAFTED, whether it was recorded live, imported, or left half done by a crash. An import
runs the flow inside one transaction, so it is seen only once DRAFTED. A meeting entered
by hand (`pmc contract add`) starts CLOSED. The stored values are the lower-case names
(a StrEnum compares equal to them), so no migration was needed.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingStatus(StrEnum):
    OPEN = "open"
    TRANSCRIBED = "transcribed"
    DRAFTED = "drafted"
    CLOSED = "closed"

    @property
    def processed(self) -> bool:
        """Transcribed and every member drafted: nothing is left for the processing flow."""
        return self in (MeetingStatus.DRAFTED, MeetingStatus.CLOSED)
