"""A meeting's audio chunks: the files on disk and their listing in the store.

The recorder writes `chunk-<seq>-<start ms>.pcm` files into the meeting's audio folder
(`retention.meeting_audio_dir`); the table `audio_chunks` lists them as they open and close.
The live session (assistant/services/session.py) and the resume after a crash
(assistant/services/resume.py) both read and repair them through these helpers, so a
member's erased speech is silenced and cut out the same way on both paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from assistant.core.audio.recorder import ChunkInfo, read_chunks, recover
from assistant.core.privacy import crypto, erase
from assistant.core.privacy.retention import meeting_audio_dir
from assistant.core.store.store import Store

__all__ = ["meeting_audio", "meeting_audio_dir", "recover_meeting", "save_chunk",
           "stored_chunks"]


def save_chunk(store: Store, meeting_id: int, info: ChunkInfo) -> None:
    with store.tx() as db:
        db.execute(
            "INSERT INTO audio_chunks (meeting_id, seq, path, start, frames, closed) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, seq) DO UPDATE SET "
            "path = excluded.path, start = excluded.start, frames = excluded.frames, "
            "closed = excluded.closed",
            (meeting_id, info.seq, str(info.path), info.start, info.frames, int(info.closed)))


def stored_chunks(store: Store, meeting_id: int) -> list[ChunkInfo]:
    rows = store.db.execute(
        "SELECT seq, path, start, frames, closed FROM audio_chunks WHERE meeting_id = ? "
        "ORDER BY seq", (meeting_id,))
    return [ChunkInfo(r[0], Path(r[1]), r[2], r[3], bool(r[4])) for r in rows]


def recover_meeting(store: Store, meeting_id: int) -> list[ChunkInfo]:
    """Repair the chunk files a crash left (whole samples only), make the store's listing
    match them, and silence every erasure recorded for the meeting.

    A member's "Delete" may have been recorded while a chunk was still open or just before
    the crash: their turns are silenced here, before anything reads the audio.
    """
    folder = meeting_audio_dir(meeting_id)
    # Repairs are not recording: modification times are kept, since `pmc meeting resume`
    # takes audio written seconds ago for a meeting still recording in another window.
    written = {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns)
               for p in (folder.iterdir() if folder.is_dir() else ()) if p.is_file()}
    chunks = recover(folder, cipher=crypto.home_cipher())
    keep = [c.seq for c in chunks]
    with store.tx() as db:
        db.executemany(
            "INSERT INTO audio_chunks (meeting_id, seq, path, start, frames, closed) "
            "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (meeting_id, seq) DO UPDATE SET "
            "path = excluded.path, start = excluded.start, frames = excluded.frames, "
            "closed = 1", [(meeting_id, c.seq, str(c.path), c.start, c.frames) for c in chunks])
        # Chunks that were listed but are gone or empty after the crash.
        db.execute(f"DELETE FROM audio_chunks WHERE meeting_id = ? AND seq NOT IN "
                   f"({','.join('?' * len(keep)) or 'NULL'})", (meeting_id, *keep))
    erase.reapply(store, meeting_id)
    for p, times in written.items():
        if p.exists():
            os.utime(p, ns=times)
    return chunks


def meeting_audio(store: Store, meeting_id: int) -> list[tuple[float, np.ndarray]]:
    """(meeting start seconds, samples) of every non-empty listed chunk, for transcription.

    Erased spans are cut out rather than handed over as silence: Whisper may hear words
    in silence, and nothing may be attributed to a member who asked to be erased.
    """
    chunks = [c for c in stored_chunks(store, meeting_id) if c.frames > 0 and c.path.exists()]
    pieces = [(start, a) for start, a in read_chunks(chunks, cipher=crypto.home_cipher())
              if a.size]
    return erase.cut(pieces, erase.erased_spans(store, meeting_id))
