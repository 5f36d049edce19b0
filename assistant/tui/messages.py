"""Messages that worker threads post to the UI: past-tense facts, never widget calls.

Workers never touch widgets; they post one of these (Textual's `post_message`
is thread-safe) and the screen updates itself on its own thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from assistant.core.speech.types import SpeechSegment
from assistant.services.live_drafts import TurnDone


@dataclass
class SegmentTranscribed(Message):
    """Live transcription delivered a segment (meeting seconds)."""

    segment: SpeechSegment


@dataclass
class LiveModelLoaded(Message):
    """The live transcription model is loaded and listening."""

    name: str


@dataclass
class RecorderFailed(Message):
    """The recorder stopped or a live window failed; `error` is one user-facing line."""

    error: str


@dataclass
class ProgressReported(Message):
    """End-of-meeting processing moved on: a stage and how far it is (0..1)."""

    stage: str
    fraction: float


@dataclass
class ContractDrafted(Message):
    """A member's contract drafts are ready."""

    member_id: int
    count: int


@dataclass
class MeetingProcessed(Message):
    """Transcription and drafting finished and were stored; `error` if they failed."""

    meeting_id: int
    error: str | None = None


@dataclass
class TurnDrafted(Message):
    """A turn was drafted during the meeting (contracts) or its report-back suggested."""

    done: TurnDone
