"""The store's part for privacy: erasures, the retention policy, purges, leaving no trace.

Transcript text lives in three places: `transcript_segments` (with `first_heard`, the
contracts turns as first heard, kept only until the meeting is drafted), the quotes on
`contract_items` and `report_back` rows, and items the circle deleted (kept only for
the review). Removing "what was said" always covers all three, in one transaction.

Erasures (table `erasures`) are times only, never text: the spans of a meeting a member
asked to delete. Retention (table `retention`): one row per circle that changed the
defaults of assistant/core/privacy/retention.py.

`secure_delete` makes SQLite zero the pages it frees; `scrub` checkpoints and truncates
the WAL, so deleted text is not left in either file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from assistant.core.store.base import StorePart


@dataclass
class TextRemoved:
    """How much transcript text a deletion removed (or, counting, would remove)."""

    segments: int = 0
    quotes: int = 0  # quotes cleared on contract items and report-back rows
    deleted_items: int = 0  # items the circle had deleted, now gone for good


@dataclass(frozen=True)
class Erasure:
    member_id: int | None
    start: float  # meeting seconds, padding included
    end: float


# (member_id, start, end) -> said in an erased span?
class Placed(Protocol):
    """(member, start, end, that member's turn as (start, end) or None) -> in an erased span?"""

    def __call__(self, member_id: int | None, start: float, end: float,
                 turn: tuple[float, float] | None = None) -> bool: ...


class PrivacyRecords(StorePart):
    # --- erasures -----------------------------------------------------------------------
    def member_turn_spans(self, mid: int, member_id: int) -> list[tuple[float, float]]:
        """The member's turns on the record, in time order."""
        rows = self.db.execute(
            "SELECT start, end FROM turns WHERE meeting_id = ? AND member_id = ? AND "
            "off_record = 0 ORDER BY start", (mid, member_id))
        return [(float(r[0]), float(r[1])) for r in rows]

    def erasures(self, mid: int) -> list[Erasure]:
        rows = self.db.execute("SELECT member_id, start, end FROM erasures WHERE meeting_id = ? "
                               "ORDER BY id", (mid,))
        return [Erasure(r[0], float(r[1]), float(r[2])) for r in rows]

    def has_erasures(self, mid: int) -> bool:
        return bool(self.db.execute("SELECT 1 FROM erasures WHERE meeting_id = ? LIMIT 1",
                                    (mid,)).fetchone())

    def erase_member_text(self, mid: int, member_id: int,
                          spans: Iterable[tuple[float, float]], reason: str) -> TextRemoved:
        """Record the erased spans and delete what the member said, in one transaction:
        their segments, the quotes on their items and report-back rows, their deleted items.

        The spans are written with the deletion, before any audio is touched: whatever
        happens next, the meeting remembers what must stay silent.
        """
        out = TextRemoved()
        with self.tx() as db:
            db.executemany("INSERT INTO erasures (meeting_id, member_id, start, end, reason) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(mid, member_id, a, b, reason) for a, b in spans])
            out.segments = db.execute(
                "DELETE FROM transcript_segments WHERE meeting_id = ? AND member_id = ?",
                (mid, member_id)).rowcount
            out.segments += db.execute(
                "DELETE FROM first_heard WHERE meeting_id = ? AND member_id = ?",
                (mid, member_id)).rowcount
            out.quotes = db.execute(
                "UPDATE contract_items SET quote = '' WHERE meeting_id = ? AND member_id = ? "
                "AND quote != ''", (mid, member_id)).rowcount
            out.quotes += db.execute(
                "UPDATE report_back SET quote = '' WHERE meeting_id = ? AND quote != '' AND "
                "item_id IN (SELECT id FROM contract_items WHERE member_id = ?)",
                (mid, member_id)).rowcount
            out.deleted_items = db.execute(
                "DELETE FROM contract_items WHERE meeting_id = ? AND member_id = ? AND "
                "status = 'deleted'", (mid, member_id)).rowcount
        return out

    def drop_transcript_placed(self, mid: int, placed: Placed) -> int:
        """Delete the segments, and clear the item quotes, that `placed` puts in an erased
        span; returns the segments deleted. One transaction (or the caller's)."""
        with self.tx() as db:
            segments = [(r[0],) for r in db.execute(
                "SELECT s.id, s.member_id, s.start, s.end, t.start, t.end "
                "FROM transcript_segments s LEFT JOIN turns t ON t.id = s.turn_id "
                "WHERE s.meeting_id = ?", (mid,))
                if placed(r[1], float(r[2]), float(r[3]),
                          None if r[4] is None else (float(r[4]), float(r[5])))]
            quotes = [(r[0],) for r in db.execute(
                "SELECT id, member_id, start, end FROM contract_items WHERE meeting_id = ? AND "
                "quote != '' AND start IS NOT NULL", (mid,))
                if placed(r[1], float(r[2]), float(r[3]))]
            first = [(r[0],) for r in db.execute(
                "SELECT f.id, f.member_id, f.start, f.end, t.start, t.end "
                "FROM first_heard f LEFT JOIN turns t ON t.id = f.turn_id "
                "WHERE f.meeting_id = ?", (mid,))
                if placed(r[1], float(r[2]), float(r[3]),
                          None if r[4] is None else (float(r[4]), float(r[5])))]
            db.executemany("DELETE FROM transcript_segments WHERE id = ?", segments)
            db.executemany("DELETE FROM first_heard WHERE id = ?", first)
            db.executemany("UPDATE contract_items SET quote = '' WHERE id = ?", quotes)
        return len(segments)

    # --- retention ----------------------------------------------------------------------
    def retention_policy(self, circle_id: int) -> tuple[bool, bool, int | None] | None:
        """(audio_after_approval, transcripts_at_next_meeting, transcript_days), or None
        for a circle that keeps the defaults."""
        row = self.db.execute("SELECT audio_after_approval, transcripts_at_next_meeting, "
                              "transcript_days FROM retention WHERE circle_id = ?",
                              (circle_id,)).fetchone()
        return None if row is None else (bool(row[0]), bool(row[1]), row[2])

    def set_retention_policy(self, circle_id: int, audio_after_approval: bool,
                             transcripts_at_next_meeting: bool,
                             transcript_days: int | None) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO retention VALUES (?, ?, ?, ?)",
                       (circle_id, int(audio_after_approval), int(transcripts_at_next_meeting),
                        transcript_days))

    def has_transcript_text(self, mid: int) -> bool:
        """Any segment, quote or deleted item is left: a transcript purge has work to do."""
        return bool(self.db.execute(
            "SELECT 1 FROM transcript_segments WHERE meeting_id = ? UNION ALL "
            "SELECT 1 FROM first_heard WHERE meeting_id = ? UNION ALL "
            "SELECT 1 FROM contract_items WHERE meeting_id = ? AND (quote != '' OR "
            "status = 'deleted') UNION ALL SELECT 1 FROM report_back WHERE meeting_id = ? AND "
            "quote != '' LIMIT 1", (mid, mid, mid, mid)).fetchone())

    def transcript_text_counts(self, mid: int) -> TextRemoved:
        """What `purge_transcript` would remove. Reads only."""
        db = self.db
        return TextRemoved(
            db.execute("SELECT (SELECT COUNT(*) FROM transcript_segments WHERE meeting_id = ?)"
                       " + (SELECT COUNT(*) FROM first_heard WHERE meeting_id = ?)",
                       (mid, mid)).fetchone()[0],
            db.execute("SELECT (SELECT COUNT(*) FROM contract_items WHERE meeting_id = ? AND "
                       "quote != '') + (SELECT COUNT(*) FROM report_back WHERE meeting_id = ? "
                       "AND quote != '')", (mid, mid)).fetchone()[0],
            db.execute("SELECT COUNT(*) FROM contract_items WHERE meeting_id = ? AND "
                       "status = 'deleted'", (mid,)).fetchone()[0])

    def purge_transcript(self, mid: int) -> TextRemoved:
        """Delete the meeting's transcript, quotes and deleted items and record when, in one
        transaction. Items, statuses and report-back statuses stay."""
        out = TextRemoved()
        with self.tx() as db:
            out.segments = db.execute(
                "DELETE FROM transcript_segments WHERE meeting_id = ?", (mid,)).rowcount
            out.segments += db.execute(
                "DELETE FROM first_heard WHERE meeting_id = ?", (mid,)).rowcount
            out.quotes = db.execute(
                "UPDATE contract_items SET quote = '' WHERE meeting_id = ? AND quote != ''",
                (mid,)).rowcount
            out.quotes += db.execute(
                "UPDATE report_back SET quote = '' WHERE meeting_id = ? AND quote != ''",
                (mid,)).rowcount
            out.deleted_items = db.execute(
                "DELETE FROM contract_items WHERE meeting_id = ? AND status = 'deleted'",
                (mid,)).rowcount
            db.execute("UPDATE meetings SET transcript_purged_at = datetime('now') "
                       "WHERE id = ?", (mid,))
        return out

    def transcript_purged_at(self, mid: int) -> str | None:
        row = self.db.execute("SELECT transcript_purged_at FROM meetings WHERE id = ?",
                              (mid,)).fetchone()
        return row[0] if row else None

    # --- leaving no trace ---------------------------------------------------------------
    def secure_delete(self) -> None:
        """From now on (per connection) freed pages are zeroed, so deleted text is not
        left behind in the file."""
        self.db.execute("PRAGMA secure_delete = ON")

    def scrub(self) -> None:
        """Checkpoint and truncate the WAL, which still holds deleted text. Outside any
        transaction: a checkpoint cannot run inside one."""
        with self._lock:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def rekey(self, key: bytes) -> None:
        """Re-encrypt a SQLCipher database with `key` (32 bytes); old-key pages must not
        linger in the WAL, so it is checkpointed and truncated too."""
        if len(key) != 32:
            raise ValueError("a SQLCipher key is 32 bytes")
        with self._lock:
            self.db.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
