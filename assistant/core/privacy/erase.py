"""Erasing one member's speech from one meeting, without erasing everyone else's.

Raw audio cannot be split by voice, but the turn log says who held the floor when. So
`erase_member` deletes the member's transcript segments and quotes (as `pmc forget` always
did) and silences the audio of their turns: every sample of each turn, widened by `PAD`
seconds either side because speech bleeds across turn edges, is set to zero in the stored
chunks. Everyone else's audio is left sample for sample as it was.

The chunk files belong to assistant/core/audio/chunks.py, which silences spans in them
(each affected chunk rewritten beside itself and renamed over the old one, so a crash
leaves the old or the new chunk, never a broken one). The spans are recorded first (table
`erasures`: times, never text), so a crash part way is finished by `reapply`, and the
transcription at the end of the meeting (or by `pmc meeting resume` after a crash) leaves
them out (`cut`, in `chunks.meeting_audio`) and drops anything it still places there
(`drop_erased_segments`): Whisper may hallucinate words in silence.

A meeting with audio but no turn of the member (nothing says where their voice is) falls
back to deleting the meeting's whole audio (`chunks.delete_audio`); the result says so.

This module builds on the chunk files and the store only; retention (`pmc forget`)
builds on it, never the other way round.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.core.audio import chunks
from assistant.core.audio.chunks import erased_spans
from assistant.core.audio.spans import MIN_PIECE, Span, cut, merge
from assistant.core.store.privacy import Placed
from assistant.core.store.store import Member, Store

__all__ = ["MIN_PIECE", "PAD", "Erased", "Span", "cut", "drop_erased_in", "drop_erased_segments",
           "erase_member", "erased_spans", "is_erased", "member_spans", "merge", "reapply"]

PAD = 0.5  # seconds silenced either side of a turn: voices overlap at the hand-over


@dataclass
class Erased:
    """What `erase_member` did in one meeting."""

    meeting_id: int
    member: str
    audio: str = "none"  # 'silenced', 'deleted' (whole audio, no turn log) or 'none' (no audio)
    turns: int = 0  # the member's turns that had audio, now silent
    seconds: float = 0.0  # audio silenced, padding included
    chunks: int = 0  # chunk files rewritten
    pending: int = 0  # chunks still being written, left for `reapply` (live meetings)
    files_deleted: int = 0
    segments: int = 0
    quotes: int = 0
    deleted_items: int = 0

    def audio_line(self) -> str:
        where = f"meeting #{self.meeting_id}"
        if self.audio == "silenced":
            return (f"silenced {self.turns} turn{'s' if self.turns != 1 else ''} "
                    f"({self.seconds:.0f} s) of {self.member}'s audio in {where}; "
                    "everyone else's audio is unchanged")
        if self.audio == "deleted":
            return (f"deleted the whole audio of {where} ({self.files_deleted} files): it has "
                    f"no turn log for {self.member}, so their voice cannot be told apart")
        return f"{where}: no audio of {self.member} kept"


def member_spans(store: Store, meeting_id: int, member_id: int) -> list[Span]:
    """The member's turns on the record, from the stored turn log."""
    return store.member_turn_spans(meeting_id, member_id)


def is_erased(store: Store, meeting_id: int) -> Placed:
    """A test for "was this stretch said in an erased span?" (`drop_erased_in` uses it too).

    Called with (member, start, end, turn): true for the erasing member's words touching
    their span, for anyone's words centred in one, and for any words attributed to a turn
    of the erasing member that an erased span touches. The last catches words placed
    just outside the turn (in a pause next to it, beyond the pad) yet attributed to it:
    every fragment of an erased turn goes, wherever Whisper put its times.
    """
    rows = [(e.member_id, e.start, e.end) for e in store.erasures(meeting_id)]

    def test(member_id: int | None, start: float, end: float,
             turn: tuple[float, float] | None = None) -> bool:
        for m, a, b in rows:
            if start < b and end > a and (m == member_id or a <= (start + end) / 2 <= b):
                return True
            if turn is not None and m == member_id and turn[0] < b and turn[1] > a:
                return True
        return False
    return test


def reapply(store: Store, meeting_id: int) -> int:
    """Silence every recorded erasure again (after a crash, or once the recorder sealed the
    chunk that was still open); returns the chunk files rewritten."""
    return chunks.reapply_erasures(store, meeting_id)


# --- one member ----------------------------------------------------------------------------
def erase_member(store: Store, meeting_id: int, member: Member, *,
                 spans: Sequence[Span] | None = None, pad: float = PAD,
                 reason: str = "forget", exclude: Collection[Path] = ()) -> Erased:
    """Delete what `member` said in the meeting: transcript, quotes, and their turns' audio.

    `spans` are the member's turns (default: from the stored turn log); a live meeting
    passes its own, including the turn still open. Chunk files in `exclude` (the one a
    recorder still writes) are left for `reapply`.
    """
    if reason not in ("forget", "withdrawal"):
        raise ValueError(f"unknown erasure reason {reason!r}")
    result = Erased(meeting_id, member.name)
    turns = list(spans) if spans is not None else member_spans(store, meeting_id, member.id)
    padded = merge(turns, pad)
    store.secure_delete()
    text = store.erase_member_text(meeting_id, member.id, padded, reason)
    result.segments, result.quotes = text.segments, text.quotes
    result.deleted_items = text.deleted_items
    if chunks.has_audio(store, meeting_id):
        if turns:
            done = chunks.silence(store, meeting_id, padded, exclude)
            result.audio = "silenced"
            result.chunks, result.seconds, result.pending = done.chunks, done.seconds, done.pending
            result.turns = sum(1 for a, b in turns
                               if any(a < y and b > x for x, y in done.covered))
        elif result.segments or result.quotes:
            result.files_deleted = chunks.delete_audio(store, meeting_id)
            result.audio = "deleted"
    store.scrub()
    return result


# --- the end-of-meeting transcription --------------------------------------------------------
def drop_erased_segments(store: Store, meeting_id: int) -> int:
    """Delete transcript segments placed in erased spans, and quotes of items said there.

    The transcription never hears those spans (`cut`), but a segment's times can spill
    over an edge. Dropped: any segment attributed to the member who asked that touches
    their span, and any segment, whoever it is attributed to, whose middle lies in an
    erased span. A neighbour's words reaching a little into the pad are kept.
    """
    if not store.has_erasures(meeting_id):
        return 0
    store.secure_delete()
    n = drop_erased_in(store, meeting_id)
    store.scrub()
    return n


def drop_erased_in(store: Store, meeting_id: int) -> int:
    """`drop_erased_segments` for a caller's open transaction (`with store.tx():` joins it),
    so the segments are never committed at all. Call `store.secure_delete()` before it and
    `store.scrub()` after the commit (a checkpoint cannot run inside a transaction)."""
    return store.drop_transcript_placed(meeting_id, is_erased(store, meeting_id))
