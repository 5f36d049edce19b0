"""Erasing one member's speech from one meeting, without erasing everyone else's.

Raw audio cannot be split by voice, but the turn log says who held the floor when. So
`erase_member` deletes the member's transcript segments and quotes (as `pmc forget` always
did) and silences the audio of their turns: every sample of each turn, widened by `PAD`
seconds either side because speech bleeds across turn edges, is set to zero in the stored
chunks. Everyone else's audio is left sample for sample as it was.

Each affected chunk is rewritten beside itself and renamed over the old one (temp file,
fsync, rename, fsync of the directory); a sealed chunk is opened and sealed again with the
home's cipher. A crash at any point leaves either the old or the new chunk, never a broken
one. The spans are recorded first (table `erasures`: times, never text), so a crash part way
is finished by `reapply`, and the transcription at the end of the meeting (or by `pmc
meeting resume` after a crash, through assistant/core/audio/chunks.py) leaves them out (`cut`)
and drops anything it still places there (`drop_erased_segments`): Whisper may hallucinate
words in silence.

A meeting with audio but no turn of the member (nothing says where their voice is) falls
back to deleting the meeting's whole audio, as before; the result says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.core.audio.recorder import CHUNK_RE, RATE, SAMPLE_BYTES
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto, retention
from assistant.core.store.store import Member, Store

PAD = 0.5  # seconds silenced either side of a turn: voices overlap at the hand-over
MIN_PIECE = 0.1  # seconds; shorter remnants left by `cut` hold no words worth transcribing

Span = tuple[float, float]


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


def merge(spans: Iterable[Span], pad: float = 0.0) -> list[Span]:
    """`spans` widened by `pad` either side (never before 0), sorted, overlaps joined."""
    out: list[Span] = []
    for a, b in sorted((max(0.0, a - pad), b + pad) for a, b in spans if b > a):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def member_spans(store: Store, meeting_id: int, member_id: int) -> list[Span]:
    """The member's turns on the record, from the stored turn log."""
    rows = store.db.execute(
        "SELECT start, end FROM turns WHERE meeting_id = ? AND member_id = ? AND "
        "off_record = 0 ORDER BY start", (meeting_id, member_id))
    return [(float(r[0]), float(r[1])) for r in rows]


def erased_spans(store: Store, meeting_id: int) -> list[Span]:
    """Every span erased in the meeting so far, merged."""
    rows = store.db.execute("SELECT start, end FROM erasures WHERE meeting_id = ?",
                            (meeting_id,))
    return merge((float(r[0]), float(r[1])) for r in rows)


def is_erased(store: Store, meeting_id: int) -> Callable[[int | None, float, float], bool]:
    """A test for "was this stretch said in an erased span?": the erasing member's words
    touching their span, or anyone's words centred in one (`drop_erased_in` uses it too)."""
    return _erased_test(store.db, meeting_id)


def _erased_test(db: sqlite3.Connection,
                 meeting_id: int) -> Callable[[int | None, float, float], bool]:
    rows = [(r[0], float(r[1]), float(r[2])) for r in db.execute(
        "SELECT member_id, start, end FROM erasures WHERE meeting_id = ?", (meeting_id,))]

    def test(member_id: int | None, start: float, end: float) -> bool:
        return any(start < b and end > a and (m == member_id or a <= (start + end) / 2 <= b)
                   for m, a, b in rows)
    return test


# --- chunk files ---------------------------------------------------------------------------
@dataclass
class _Chunk:
    seq: int
    path: Path
    start: float
    plain: bytes  # whole int16 samples
    sealed: bool


def _chunk_files(meeting_id: int) -> list[tuple[int, float, Path]]:
    d = retention.meeting_audio_dir(meeting_id)
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
class _Silenced:
    chunks: int = 0
    seconds: float = 0.0
    covered: list[Span] | None = None  # chunk extents that hold audio
    pending: int = 0  # excluded chunks that overlap the spans


def silence(store: Store, meeting_id: int, spans: Sequence[Span],
            exclude: Collection[Path] = ()) -> _Silenced:
    """Zero the samples of `spans` in the meeting's chunk files (not those in `exclude`).

    Chunks already silent there are not rewritten, so this is safe to repeat.
    """
    spans = merge(spans)
    out = _Silenced(covered=[])
    if not spans:
        return out
    cipher = crypto.home_cipher()
    excluded = {Path(p) for p in exclude}
    assert out.covered is not None
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
        with store.tx() as db:  # frames only change if a torn last frame was dropped
            db.execute("UPDATE audio_chunks SET frames = ? WHERE meeting_id = ? AND seq = ? "
                       "AND frames != ?", (frames, meeting_id, seq, frames))
    return out


def reapply(store: Store, meeting_id: int) -> int:
    """Silence every recorded erasure again (after a crash, or once the recorder sealed the
    chunk that was still open); returns the chunk files rewritten."""
    spans = erased_spans(store, meeting_id)
    return silence(store, meeting_id, spans).chunks if spans else 0


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
    retention.secure_delete(store)
    with store.tx() as db:
        # The spans are written with the transcript deletion, before any audio is touched:
        # whatever happens next, the meeting remembers what must stay silent.
        db.executemany("INSERT INTO erasures (meeting_id, member_id, start, end, reason) "
                       "VALUES (?, ?, ?, ?, ?)",
                       [(meeting_id, member.id, a, b, reason) for a, b in padded])
        result.segments = db.execute(
            "DELETE FROM transcript_segments WHERE meeting_id = ? AND member_id = ?",
            (meeting_id, member.id)).rowcount
        result.quotes = db.execute(
            "UPDATE contract_items SET quote = '' WHERE meeting_id = ? AND member_id = ? AND "
            "quote != ''", (meeting_id, member.id)).rowcount
        result.quotes += db.execute(
            "UPDATE report_back SET quote = '' WHERE meeting_id = ? AND quote != '' AND "
            "item_id IN (SELECT id FROM contract_items WHERE member_id = ?)",
            (meeting_id, member.id)).rowcount
        result.deleted_items = db.execute(
            "DELETE FROM contract_items WHERE meeting_id = ? AND member_id = ? AND "
            "status = 'deleted'", (meeting_id, member.id)).rowcount
    if retention.has_audio(store, meeting_id):
        if turns:
            done = silence(store, meeting_id, padded, exclude)
            result.audio = "silenced"
            result.chunks, result.seconds, result.pending = done.chunks, done.seconds, done.pending
            covered = done.covered or []
            result.turns = sum(1 for a, b in turns
                               if any(a < y and b > x for x, y in covered))
        elif result.segments or result.quotes:
            result.files_deleted = retention.unlink_audio(store, meeting_id)
            result.audio = "deleted"
    retention.scrub(store)
    return result


# --- the end-of-meeting transcription --------------------------------------------------------
def cut(pieces: Sequence[tuple[float, np.ndarray]],
        spans: Sequence[Span]) -> list[tuple[float, np.ndarray]]:
    """Audio pieces (start seconds, samples at 16 kHz) with the erased spans taken out."""
    if not spans:
        return list(pieces)
    out = []
    for start, audio in pieces:
        keep_from = 0
        for a, b in merge(spans):
            i = max(0, int(np.floor((a - start) * RATE)))
            j = min(len(audio), int(np.ceil((b - start) * RATE)))
            if j <= i or j <= keep_from:
                continue
            if i - keep_from >= MIN_PIECE * RATE:
                out.append((start + keep_from / RATE, audio[keep_from:i]))
            keep_from = j
        if len(audio) - keep_from >= MIN_PIECE * RATE or (keep_from == 0 and len(audio)):
            out.append((start + keep_from / RATE, audio[keep_from:]))
    return out


def drop_erased_segments(store: Store, meeting_id: int) -> int:
    """Delete transcript segments placed in erased spans, and quotes of items said there.

    The transcription never hears those spans (`cut`), but a segment's times can spill
    over an edge. Dropped: any segment attributed to the member who asked that touches
    their span, and any segment, whoever it is attributed to, whose middle lies in an
    erased span. A neighbour's words reaching a little into the pad are kept.
    """
    if not store.db.execute("SELECT 1 FROM erasures WHERE meeting_id = ? LIMIT 1",
                            (meeting_id,)).fetchone():
        return 0
    retention.secure_delete(store)
    with store.tx() as db:
        n = drop_erased_in(db, meeting_id)
    retention.scrub(store)
    return n


def drop_erased_in(db: sqlite3.Connection, meeting_id: int) -> int:
    """`drop_erased_segments` inside the caller's transaction, so the segments are never
    committed at all. Call `retention.secure_delete` before it and `retention.scrub` after
    the commit (a checkpoint cannot run inside a transaction)."""
    erased = _erased_test(db, meeting_id)

    def placed(sql: str) -> list[tuple[int]]:
        return [(r[0],) for r in db.execute(sql, (meeting_id,))
                if erased(r[1], float(r[2]), float(r[3]))]

    segments = placed("SELECT id, member_id, start, end FROM transcript_segments "
                      "WHERE meeting_id = ?")
    db.executemany("DELETE FROM transcript_segments WHERE id = ?", segments)
    db.executemany("UPDATE contract_items SET quote = '' WHERE id = ?",
                   placed("SELECT id, member_id, start, end FROM contract_items "
                          "WHERE meeting_id = ? AND quote != '' AND start IS NOT NULL"))
    return len(segments)
