"""The store's part for recorded audio: the listing of a meeting's chunk files.

The files themselves belong to assistant/core/audio/chunks.py, the one owner of stored
audio; it keeps this listing in step with them. Table `audio_chunks`: one row per chunk
file, upserted as the recorder opens and closes it; `meetings.audio_purged_at` records
when a meeting's audio was deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.core.store.base import StorePart


@dataclass(frozen=True)
class StoredChunk:
    seq: int
    path: str
    start: float  # meeting seconds at the chunk's first frame
    frames: int
    closed: bool


_UPSERT = ("INSERT INTO audio_chunks (meeting_id, seq, path, start, frames, closed) "
           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, seq) DO UPDATE SET "
           "path = excluded.path, start = excluded.start, frames = excluded.frames, "
           "closed = excluded.closed")


class AudioListing(StorePart):
    def save_chunk(self, mid: int, chunk: StoredChunk) -> None:
        """List a chunk file, or update its listing (frames, closed) as it grows."""
        with self.tx() as db:
            db.execute(_UPSERT, (mid, chunk.seq, chunk.path, chunk.start, chunk.frames,
                                 int(chunk.closed)))

    def chunks(self, mid: int) -> list[StoredChunk]:
        rows = self.db.execute(
            "SELECT seq, path, start, frames, closed FROM audio_chunks WHERE meeting_id = ? "
            "ORDER BY seq", (mid,))
        return [StoredChunk(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def has_chunks(self, mid: int) -> bool:
        return bool(self.db.execute("SELECT 1 FROM audio_chunks WHERE meeting_id = ? LIMIT 1",
                                    (mid,)).fetchone())

    def replace_chunks(self, mid: int, chunks: Iterable[StoredChunk]) -> None:
        """Make the listing exactly `chunks` (after a crash repair), all at once."""
        rows = list(chunks)
        keep = [c.seq for c in rows]
        with self.tx() as db:
            db.executemany(_UPSERT, [(mid, c.seq, c.path, c.start, c.frames, int(c.closed))
                                     for c in rows])
            # Chunks that were listed but are gone or empty after the crash. (Not
            # `NOT IN (NULL)` for an empty `keep`: that is never true and kept them all.)
            db.execute("DELETE FROM audio_chunks WHERE meeting_id = ?" + (
                f" AND seq NOT IN ({','.join('?' * len(keep))})" if keep else ""),
                (mid, *keep))

    def set_chunk_frames(self, mid: int, seq: int, frames: int) -> None:
        """A rewritten chunk's length (it only changes if a torn last frame was dropped)."""
        with self.tx() as db:
            db.execute("UPDATE audio_chunks SET frames = ? WHERE meeting_id = ? AND seq = ? "
                       "AND frames != ?", (frames, mid, seq, frames))

    def record_audio_deleted(self, mid: int) -> None:
        """The meeting's audio files are gone: drop the listing and record when, together."""
        with self.tx() as db:
            db.execute("DELETE FROM audio_chunks WHERE meeting_id = ?", (mid,))
            db.execute("UPDATE meetings SET audio_purged_at = datetime('now') WHERE id = ?",
                       (mid,))

    def audio_deleted_at(self, mid: int) -> str | None:
        row = self.db.execute("SELECT audio_purged_at FROM meetings WHERE id = ?",
                              (mid,)).fetchone()
        return row[0] if row else None
