"""A meeting's stored audio, with one owner: the chunk files on disk and their listing.

The recorder (assistant/core/audio/recorder.py) writes `chunk-<seq>-<start ms>.pcm` files
into the meeting's audio folder (`meeting_audio_dir`); everything else that touches them
goes through here: listing them in the store as they open and close (`save_chunk`),
repairing them after a crash (`recover_meeting`), reading them for transcription with
the erased spans cut out (`meeting_audio`), silencing spans in place (`silence`, used by
assistant/core/privacy/erase.py), re-sealing them under a new key (`reseal_all`, on a
passphrase change), measuring them, and deleting them (`delete_audio`).

`delete_audio` is the only way stored audio goes: the files, the folder and the listing
go, and the meeting records when (`meetings.audio_purged_at`), whoever asked (the end of
a review, a retention purge, an erasure without a turn log).

A chunk is rewritten beside itself and renamed over the old one (temp file, fsync,
rename, fsync of the directory); a sealed chunk is opened and sealed again with the
home's cipher. A crash at any point leaves either the old or the new chunk, never a
broken one.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.core import locations
from assistant.core.audio.recorder import (
    CHUNK_RE,
    RATE,
    SAMPLE_BYTES,
    TRACKS,
    ChunkInfo,
    read_chunks,
    recover,
    track_of,
)
from assistant.core.audio.spans import Span, cut, merge
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto
from assistant.core.store.store import Store, StoredChunk

__all__ = ["Silenced", "delete_audio", "erased_spans", "has_audio", "meeting_audio",
           "meeting_audio_dir", "reapply_erasures", "recorded_seconds", "recover_meeting",
           "reseal_all",
           "save_chunk", "silence", "stored_chunks", "written_within"]


def meeting_audio_dir(meeting_id: int) -> Path:
    return locations.audio_dir() / str(meeting_id)


# --- the listing ---------------------------------------------------------------------------
def save_chunk(store: Store, meeting_id: int, info: ChunkInfo) -> None:
    store.save_chunk(meeting_id, StoredChunk(info.seq, str(info.path), info.start, info.frames,
                                             info.closed))


def stored_chunks(store: Store, meeting_id: int) -> list[ChunkInfo]:
    return [ChunkInfo(c.seq, Path(c.path), c.start, c.frames, c.closed)
            for c in store.chunks(meeting_id)]


def has_audio(store: Store, meeting_id: int) -> bool:
    """Any audio file in the meeting's folder, or any chunk still listed."""
    d = meeting_audio_dir(meeting_id)
    return (d.is_dir() and any(d.iterdir())) or store.has_chunks(meeting_id)


def erased_spans(store: Store, meeting_id: int) -> list[Span]:
    """Every span erased in the meeting so far, merged."""
    return merge((e.start, e.end) for e in store.erasures(meeting_id))


# --- measuring (reads only) ------------------------------------------------------------------
def audio_files(meeting_id: int) -> int:
    """How many files the meeting's audio folder holds (what `delete_audio` would unlink)."""
    d = meeting_audio_dir(meeting_id)
    return sum(1 for p in d.iterdir() if p.is_file()) if d.is_dir() else 0


def recorded_seconds(meeting_id: int, cipher: crypto.ChunkCipher | None) -> float:
    """Seconds of meeting time in the chunk files (whole samples): the longer track, since a
    meeting by video has a room and a call track over the same time. Reads only (no repair);
    sealed chunks count only with `cipher`."""
    folder = meeting_audio_dir(meeting_id)
    if not folder.is_dir():
        return 0.0
    frames = dict.fromkeys(TRACKS, 0)
    for p in folder.iterdir():
        if not (CHUNK_RE.match(p.name) and p.is_file()):
            continue
        data = p.read_bytes()
        if crypto.is_sealed(data) and cipher is not None:
            frames[track_of(p)] += len(cipher.open(data, p.name)[0]) // SAMPLE_BYTES
        elif not crypto.is_sealed(data):
            frames[track_of(p)] += len(data) // SAMPLE_BYTES
    return max(frames.values()) / RATE


def written_within(meeting_id: int, seconds: float) -> bool:
    """Whether any of the meeting's audio files changed in the last `seconds`."""
    folder = meeting_audio_dir(meeting_id)
    if not folder.is_dir():
        return False
    now = time.time()
    return any(now - p.stat().st_mtime < seconds for p in folder.iterdir() if p.is_file())


# --- reading and repairing -------------------------------------------------------------------
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
    store.replace_chunks(meeting_id, [StoredChunk(c.seq, str(c.path), c.start, c.frames, True)
                                      for c in chunks])
    reapply_erasures(store, meeting_id)
    for p, times in written.items():
        if p.exists():
            os.utime(p, ns=times)
    return chunks


def meeting_audio(store: Store, meeting_id: int,
                  within: Sequence[Span] | None = None) -> list[tuple[float, np.ndarray]]:
    """(meeting start seconds, samples) of every non-empty listed chunk, for transcription;
    with `within`, only the chunks that overlap one of those spans are read.

    Erased spans are cut out rather than handed over as silence: Whisper may hear words
    in silence, and nothing may be attributed to a member who asked to be erased.
    """
    chunks = [c for c in stored_chunks(store, meeting_id) if c.frames > 0 and c.path.exists()]
    if within is not None:
        chunks = [c for c in chunks
                  if any(c.start < b and c.start + c.frames / RATE > a for a, b in within)]
    pieces = [(start, a) for start, a in read_chunks(chunks, cipher=crypto.home_cipher())
              if a.size]
    return cut(pieces, erased_spans(store, meeting_id))


# --- silencing spans in place ----------------------------------------------------------------
@dataclass
class _Chunk:
    seq: int
    path: Path
    start: float
    plain: bytes  # whole int16 samples
    sealed: bool


def _chunk_files(meeting_id: int) -> list[tuple[int, float, Path]]:
    d = meeting_audio_dir(meeting_id)
    if not d.is_dir():
        return []
    found = []
    for p in d.iterdir():
        if p.name.startswith(".chunk-") and p.name.endswith(".tmp"):
            p.unlink(missing_ok=True)  # a rewrite a crash interrupted: the chunk itself is whole
        elif (m := CHUNK_RE.match(p.name)) and p.is_file():
            found.append((int(m.group(1)), int(m.group(2)) / 1000, p))
    return sorted(found)


def _read(seq: int, start: float, path: Path, cipher: crypto.ChunkCipher | None) -> _Chunk:
    data = path.read_bytes()
    if crypto.is_sealed(data) or (cipher is not None and crypto.MAGIC.startswith(data[:8])):
        if cipher is None:
            raise PMCError(f"{path.parent} holds encrypted audio; open it through its home "
                           "(with its passphrase)")
        plain, _good = cipher.open(data, path.name)  # a torn last frame is left out
        return _Chunk(seq, path, start, plain[:len(plain) - len(plain) % SAMPLE_BYTES], True)
    if cipher is not None and data:
        raise PMCError(f"{path} is not sealed, but this home's audio must be; "
                       "it was put there outside pmc")
    return _Chunk(seq, path, start, data[:len(data) - len(data) % SAMPLE_BYTES], False)


def _ranges(chunk: _Chunk, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Sample index ranges of `chunk` inside `spans` (rounded outwards)."""
    n = len(chunk.plain) // SAMPLE_BYTES
    out = []
    for a, b in spans:
        i = max(0, int(np.floor((a - chunk.start) * RATE)))
        j = min(n, int(np.ceil((b - chunk.start) * RATE)))
        if j > i:
            out.append((i, j))
    return out


@dataclass
class Silenced:
    """What `silence` did."""

    chunks: int = 0  # chunk files rewritten
    seconds: float = 0.0  # audio inside the spans
    covered: list[Span] = field(default_factory=list)  # chunk extents that hold audio
    pending: int = 0  # excluded chunks that overlap the spans


def silence(store: Store, meeting_id: int, spans: Sequence[Span],
            exclude: Collection[Path] = ()) -> Silenced:
    """Zero the samples of `spans` in the meeting's chunk files (not those in `exclude`).

    Chunks already silent there are not rewritten, so this is safe to repeat.
    """
    spans = merge(spans)
    out = Silenced()
    if not spans:
        return out
    cipher = crypto.home_cipher()
    excluded = {Path(p) for p in exclude}
    for seq, start, path in _chunk_files(meeting_id):
        # Cheap test on the name and size before any decryption: most chunks are untouched.
        # A chunk still being written may hold more audio than its file shows yet.
        upper = (float("inf") if path in excluded
                 else start + path.stat().st_size / SAMPLE_BYTES / RATE)
        if not any(a < upper and b > start for a, b in spans):
            continue
        if path in excluded:
            out.pending += 1
            out.covered.append((start, spans[-1][1]))
            continue
        chunk = _read(seq, start, path, cipher)
        frames = len(chunk.plain) // SAMPLE_BYTES
        out.covered.append((start, start + frames / RATE))
        ranges = _ranges(chunk, spans)
        if not ranges:
            continue
        samples = np.frombuffer(chunk.plain, dtype="<i2").copy()
        out.seconds += sum(j - i for i, j in ranges) / RATE
        if not any(samples[i:j].any() for i, j in ranges):
            continue  # silenced before (a repeated or resumed erase)
        for i, j in ranges:
            samples[i:j] = 0
        plain = samples.tobytes()
        data = cipher.seal_all(plain) if chunk.sealed and cipher is not None else plain
        crypto.replace_file(path, data)
        out.chunks += 1
        store.set_chunk_frames(meeting_id, seq, frames)
    return out


def reapply_erasures(store: Store, meeting_id: int) -> int:
    """Silence every recorded erasure again (after a crash, or once the recorder sealed the
    chunk that was still open); returns the chunk files rewritten."""
    spans = erased_spans(store, meeting_id)
    return silence(store, meeting_id, spans).chunks if spans else 0


def reseal_all(cipher: crypto.ChunkCipher, audio_root: Path | None = None) -> int:
    """Re-seal every meeting's chunks (under `audio_root`, default the home's audio folder)
    not sealed with the cipher's current key; returns how many were rewritten.

    Each file is rewritten beside itself and renamed over the old one, so a crash
    leaves either the old or the new file, both readable with the keys in keyinfo.
    """
    root = locations.audio_dir() if audio_root is None else Path(audio_root)
    if not root.is_dir():
        return 0
    count = 0
    for path in sorted(p for p in root.glob("*/chunk-*.pcm") if CHUNK_RE.match(p.name)):
        data = path.read_bytes()
        if not crypto.is_sealed(data) or data[8:16] == cipher.current:
            continue
        plain, _ = cipher.open(data, path.name)
        crypto.replace_file(path, cipher.seal_all(plain))
        count += 1
    return count


# --- deleting ----------------------------------------------------------------------------------
def delete_audio(store: Store, meeting_id: int) -> int:
    """Delete a meeting's raw audio and record that it is gone; returns the files unlinked.

    Every listed chunk file, and everything in the meeting's audio folder (chunks a crash
    left unlisted, half a rewrite: the folder holds nothing but this meeting's audio),
    then the listing, with `audio_purged_at` set in the same transaction.
    """
    gone = 0
    folder = meeting_audio_dir(meeting_id)
    for c in store.chunks(meeting_id):
        path = Path(c.path)
        if path.parent != folder:  # listed elsewhere (the folder goes below)
            try:
                path.unlink()
                gone += 1
            except FileNotFoundError:
                pass
    if folder.is_dir():
        gone += audio_files(meeting_id)
        shutil.rmtree(folder)
    store.record_audio_deleted(meeting_id)
    return gone
