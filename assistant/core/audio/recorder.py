"""Crash-safe audio capture: sources, the chunk-writing Recorder, and recovery after a crash.

Data path: an AudioSource calls `Recorder._callback` from its audio thread (PortAudio for the
microphone). The callback only copies the block into a bounded queue; a writer thread appends
raw little-endian int16 PCM to chunk files named `chunk-{seq:06d}-{start_ms:012d}.pcm`, where
`start_ms` is the meeting time of the chunk's first frame. A meeting with a call has a second
track: its own Recorder (`track="call"`) writes `chunk-{seq}-{start_ms}-call.pcm` into the same
folder, numbered from the same `ChunkNumbers`, so everything that walks a meeting's chunks
(recovery, erasure, retention) covers both tracks. Raw PCM has no header to fix up, so
after any crash (even SIGKILL or a pulled plug) every whole sample on disk is usable and the
file name alone says where it belongs; the writer fsyncs at least twice a second, so a power
loss costs at most about a second.

With a `cipher` (an encrypted home, see assistant.core.privacy.crypto) a chunk file is a header and
then AES-GCM sealed frames, one per fsync (about twice a second): audio waits in memory only
until the next fsync, so the promise is the same, and recovery drops a torn last frame.

A source that loses its device (assistant.core.audio.pulse) sends an empty block whose
`time_info` is `{"lost": why}`: the open chunk is closed at once. Its first block after the
device returns carries `{"resync": True}` and is placed at its wall-clock meeting time, so the
time the device was away is a gap between chunks, never silence and never a shift.

Off the record, blocks are dropped inside the callback and never reach the queue or the disk;
the meeting clock keeps counting them so later chunks still carry the right meeting time.

Callbacks (`on_audio`, `on_chunk`, `on_error`) run on the writer thread: UIs must hand them
over to their own thread. This module knows nothing of the UI or the store.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.core.errors import PMCError
from assistant.core.privacy import crypto

log = logging.getLogger(__name__)

RATE = 16000
SAMPLE_BYTES = 2  # int16 mono
FSYNC_INTERVAL = 0.5  # seconds; the promise is "lose at most the last second"
CHUNK_RE = re.compile(r"^chunk-(\d{6})-(\d{12})(?:-(call))?\.pcm$")
TRACKS = ("room", "call")

AudioCallback = Callable[[np.ndarray, int, Any, Any], None]


@dataclass(frozen=True)
class ChunkInfo:
    seq: int
    path: Path
    start: float  # meeting seconds at the chunk's first frame
    frames: int
    closed: bool

    @property
    def track(self) -> str:
        """'room' (the microphone) or 'call' (the call's audio), from the file name."""
        return track_of(self.path)


def track_of(path: Path) -> str:
    m = CHUNK_RE.match(path.name)
    return "call" if m and m.group(3) else "room"


class AudioSource(Protocol):
    """Produces int16 (n, 1) blocks like a sounddevice InputStream callback."""

    def start(self, callback: AudioCallback) -> None: ...

    def stop(self) -> None: ...


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or exc.__class__.__name__


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise PMCError("PortAudio is not installed, so no microphone can be opened; "
                       "install it (Debian/Ubuntu: apt-get install libportaudio2)") from None
    return sounddevice


def list_input_devices() -> list[tuple[int, str, int]]:
    """(index, name, max input channels) of every device that can record."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise PMCError(f"cannot list audio devices ({_one_line(exc)}); "
                       "check that the sound system is running") from None
    return [(int(d["index"]), str(d["name"]), int(d["max_input_channels"]))
            for d in devices if int(d["max_input_channels"]) > 0]


def pick_input_device(preferred: tuple[str, ...] = ("pulse", "default")) -> int | None:
    """Index of the first input device whose name is in `preferred` (in that order).

    With ALSA's pulse plugin, "pulse" and "default" both read PulseAudio's default source;
    going through them avoids opening raw hardware that may not support 16 kHz. None means
    "let PortAudio choose".
    """
    devices = list_input_devices()
    for want in preferred:
        for index, name, _channels in devices:
            if name == want:
                return index
    return None


class SoundDeviceSource:
    """Real capture: sounddevice.InputStream, 16 kHz mono int16."""

    live = True  # blocks arrive in wall-clock time: the Recorder aligns its clock to start()

    def __init__(self, device: int | str | None = None, *, samplerate: int = RATE,
                 blocksize: int = RATE // 10) -> None:
        self.device = device
        self.samplerate = samplerate
        self.blocksize = blocksize
        self._stream: Any = None

    def start(self, callback: AudioCallback) -> None:
        sd = _sounddevice()
        try:
            stream = sd.InputStream(samplerate=self.samplerate, channels=1, dtype="int16",
                                    device=self.device, blocksize=self.blocksize,
                                    callback=callback)
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            name = "the default input" if self.device is None else f"input device {self.device!r}"
            raise PMCError(f"cannot record from {name} ({_one_line(exc)}); "
                           "pick another device with `pmc devices`") from None
        self._stream = stream

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
            finally:
                stream.close()


def _to_int16(audio: np.ndarray) -> np.ndarray:
    if audio.dtype == np.int16:
        return np.ascontiguousarray(audio.reshape(-1))
    scaled = np.round(np.asarray(audio, dtype=np.float64).reshape(-1) * 32768.0)
    return np.clip(scaled, -32768, 32767).astype(np.int16)


class FileSource:
    """Feeds a recording (any format `core.audio.decode.load` decodes, or an array) in blocks.

    realtime=True paces blocks at real speed, each delivered once its last frame would have been
    captured (Pilot tests, benchmarks, crash tests). realtime=False goes as fast as the consumer
    takes it: a Recorder installs `backpressure` so a long file never overflows its queue.
    """

    def __init__(self, audio: Path | str | np.ndarray, *, block_seconds: float = 0.1,
                 realtime: bool = True) -> None:
        if isinstance(audio, np.ndarray):
            self.data = _to_int16(audio)
        else:
            from assistant.core.audio.decode import load

            self.data = _to_int16(load(audio))
        self.samplerate = RATE
        self.blocksize = max(1, round(block_seconds * RATE))
        self.realtime = realtime
        self.backpressure: Callable[[], bool] | None = None
        self.started_at: float | None = None  # time.monotonic() when feeding began
        self.done = threading.Event()  # set when every block has been delivered (or stopped)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def seconds(self) -> float:
        return self.data.size / RATE

    def start(self, callback: AudioCallback) -> None:
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._feed, args=(callback, self.started_at),
                                        name="pmc-file-source", daemon=True)
        self._thread.start()

    def _feed(self, callback: AudioCallback, t0: float) -> None:
        try:
            for offset in range(0, self.data.size, self.blocksize):
                if self._stop.is_set():
                    return
                block = self.data[offset:offset + self.blocksize]
                if self.realtime:
                    delay = t0 + (offset + block.size) / RATE - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        return
                else:
                    while self.backpressure is not None and self.backpressure():
                        if self._stop.wait(0.002):
                            return
                callback(block.reshape(-1, 1), block.size, None, None)
        finally:
            self.done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the whole file has been delivered; False on timeout."""
        return self.done.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()


def _write_all(fd: int, data: bytes | memoryview) -> None:
    """os.write until every byte is down (regular files may take less than asked)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _fsync_dir(path: Path) -> None:
    # A new file's directory entry must be durable too, or a power cut can lose the whole chunk.
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def chunk_name(seq: int, start_ms: int, track: str = "room") -> str:
    suffix = "" if track == "room" else f"-{track}"
    return f"chunk-{seq:06d}-{start_ms:012d}{suffix}.pcm"


class ChunkNumbers:
    """Sequence numbers for the chunk files of one folder, shared by its tracks' recorders.

    Numbering continues after the chunks already there (a recording restarted after a
    crash); the store lists chunks by (meeting, seq), so two tracks must never share one.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._next: int | None = None
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            if self._next is None:
                existing = [int(m.group(1)) for p in self.out_dir.iterdir()
                            if (m := CHUNK_RE.match(p.name))] if self.out_dir.is_dir() else []
                self._next = max(existing, default=-1) + 1
            seq, self._next = self._next, self._next + 1
            return seq


@dataclass
class _Open:
    fd: int
    info: ChunkInfo
    start_frame: int
    frames: int = 0
    nbytes: int = 0  # bytes known to be on disk; may be odd after a failed partial write
    # sealed chunks only: the header, audio waiting for the next frame, frames sealed so far
    header: bytes = b""
    pending: list[bytes] | None = None
    sealed: int = 0
    durable_frames: int = 0  # audio frames inside whole sealed frames on disk


class Recorder:
    """Captures audio from `source` (default: the microphone) into chunk files in `out_dir`.

    `on_audio(block, meeting_seconds)` runs on the writer thread between writes, so it must
    only hand the block over (append to a buffer, post a message) and return.
    """

    def __init__(self, out_dir: Path, *, source: AudioSource | None = None,
                 device: int | str | None = None, samplerate: int = RATE,
                 block_seconds: float = 0.1, chunk_seconds: float = 30.0,
                 queue_blocks: int = 600,
                 on_audio: Callable[[np.ndarray, float], None] | None = None,
                 on_chunk: Callable[[ChunkInfo], None] | None = None,
                 on_error: Callable[[str], None] | None = None,
                 start_offset: float = 0.0,
                 cipher: crypto.ChunkCipher | None = None, track: str = "room",
                 numbers: ChunkNumbers | None = None) -> None:
        if track not in TRACKS:
            raise ValueError(f"unknown track {track!r}; one of {TRACKS}")
        self.out_dir = Path(out_dir)
        self.track = track
        self._numbers = numbers or ChunkNumbers(self.out_dir)
        self._cipher = cipher
        self.samplerate = samplerate
        if source is None:
            source = SoundDeviceSource(device, samplerate=samplerate,
                                       blocksize=max(1, round(block_seconds * samplerate)))
        source_rate = getattr(source, "samplerate", samplerate)
        if source_rate != samplerate:
            raise ValueError(f"source delivers {source_rate} Hz but the recorder expects "
                             f"{samplerate} Hz")
        self._source = source
        self._chunk_frames = max(1, round(chunk_seconds * samplerate))
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, queue_blocks))
        self._on_audio = on_audio
        self._on_chunk = on_chunk
        self._on_error = on_error
        # Meeting clock in frames: advanced by the callback for every block, written or not.
        self._clock = round(start_offset * samplerate)
        self._clock0 = self._clock
        self._on_record = True
        self._gap_marked = False
        # Device pipelines can take a while to deliver the first block (~2 s through PulseAudio
        # with a null sink); for live sources the first frame is placed at its wall-clock time
        # since start(), so meeting times match the timekeeper's clock.
        self._align = bool(getattr(source, "live", False))
        self._t_start = 0.0
        self._failed = False
        self._level = 0.0
        self._dropped = 0
        self._overflows = 0
        self._frames_written = 0
        self._recording = False
        self._started = False
        self._closed = False
        self.error: str | None = None
        self._lock = threading.Lock()
        self._chunks: list[ChunkInfo] = []
        self._open: _Open | None = None
        self._writer: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- read-only state -------------------------------------------------------------------
    @property
    def level(self) -> float:
        return self._level

    @property
    def dropped_blocks(self) -> int:
        return self._dropped

    @property
    def overflows(self) -> int:
        return self._overflows

    @property
    def seconds_written(self) -> float:
        return self._frames_written / self.samplerate

    @property
    def recording(self) -> bool:
        return self._recording

    @property
    def lost(self) -> str | None:
        """Why the source delivers nothing right now (its device went away), else None."""
        if not self._recording:
            return None
        return getattr(self._source, "lost", None)

    @property
    def on_record(self) -> bool:
        return self._on_record

    @property
    def chunks(self) -> list[ChunkInfo]:
        with self._lock:
            return list(self._chunks)

    # -- control -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.out_dir, 0o700)  # raw meeting audio: owner only, even if the dir existed
        if hasattr(self._source, "backpressure"):
            # Sources that can wait (files) wait instead of overflowing the queue.
            setattr(self._source, "backpressure",  # noqa: B010 - not part of the Protocol
                    lambda: self._queue.qsize() >= self._queue.maxsize // 2)
        self._writer = threading.Thread(target=self._write_loop, name="pmc-recorder-writer",
                                        daemon=True)
        self._recording = True
        self._writer.start()
        self._t_start = time.monotonic()
        try:
            self._source.start(self._callback)
        except BaseException:
            self._recording = False
            self._closed = True
            self._stopping.set()
            self._writer.join()
            raise

    def set_on_record(self, on: bool) -> None:
        self._on_record = bool(on)

    def close(self) -> list[ChunkInfo]:
        """Stop the source, write what is queued, fsync and close. Safe to call again."""
        if self._closed or not self._started:
            self._closed = True
            return self.chunks
        self._closed = True
        try:
            self._source.stop()
        except Exception as exc:  # a dying device must not cost the audio already captured
            log.warning("stopping the audio source failed: %s", _one_line(exc))
        # The source is stopped, so nothing new arrives: the writer drains the queue and exits.
        self._stopping.set()
        writer = self._writer
        if writer is not None and writer is not threading.current_thread():
            writer.join()
        self._recording = False
        return self.chunks

    # -- audio thread ----------------------------------------------------------------------------
    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # Runs on the audio thread: no blocking, no I/O, only a small copy.
        if status:
            self._overflows += 1
        event = time_info if isinstance(time_info, dict) else None
        if event is not None and "lost" in event:
            # The device went away: close the chunk now (nothing more comes until it returns).
            if not self._closed and not self._failed:
                try:
                    self._queue.put_nowait((self._clock, None))
                except queue.Full:
                    pass  # the writer sees the gap in frame numbers anyway
            return
        if self._align or (event is not None and event.get("resync")):
            # Place this block at its wall-clock meeting time: the first block of a live
            # source, or the first after its device came back (the time away stays a gap).
            self._align = False
            wall = self._clock0 + round((time.monotonic() - self._t_start) * self.samplerate)
            self._clock = max(self._clock, wall - frames)
        start = self._clock
        self._clock = start + frames
        if self._failed or self._closed:
            return
        if not self._on_record:
            self._level = 0.0
            if not self._gap_marked:
                # Tell the writer to close the chunk now rather than at the next on-record block.
                try:
                    self._queue.put_nowait((start, None))
                    self._gap_marked = True
                except queue.Full:
                    pass  # the writer sees the gap in frame numbers anyway
            return
        self._gap_marked = False
        block = indata[:, 0].copy() if indata.ndim == 2 else indata.copy()
        if block.size:
            self._level = min(1.0, float(np.sqrt(np.mean(np.square(block, dtype=np.float32))))
                              / 32768.0)
        try:
            self._queue.put_nowait((start, block))
        except queue.Full:
            self._dropped += 1

    # -- writer thread ---------------------------------------------------------------------------
    def _write_loop(self) -> None:
        last_sync = time.monotonic()
        dirty = False
        while True:
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                if self._stopping.is_set():
                    break
                item = None
            if self._failed:
                continue  # drain and discard until close()
            try:
                if item is not None:
                    start, block = item
                    if block is None:
                        self._close_chunk()
                    else:
                        self._write_block(start, block)
                        dirty = True
                now = time.monotonic()
                if dirty and now - last_sync >= FSYNC_INTERVAL and self._open is not None:
                    self._seal_pending(self._open)
                    os.fsync(self._open.fd)
                    last_sync, dirty = now, False
            except Exception as exc:  # anything but OSError is a bug; still keep the audio
                self._fail(exc)
        if not self._failed:
            try:
                self._close_chunk()
            except Exception as exc:
                self._fail(exc)

    def _write_block(self, start: int, block: np.ndarray) -> None:
        cur = self._open
        if cur is not None and start != cur.start_frame + cur.frames:
            self._close_chunk()  # frames missing (off the record or dropped): new chunk, new start
        data = block.astype("<i2", copy=False)
        offset = 0
        while offset < data.size:
            if self._open is None:
                self._open_chunk(start + offset)
            cur = self._open
            assert cur is not None
            take = min(self._chunk_frames - cur.frames, data.size - offset)
            piece = data[offset:offset + take].tobytes()
            if cur.pending is not None:
                cur.pending.append(piece)  # sealed at the next fsync or when the chunk closes
            else:
                try:
                    _write_all(cur.fd, piece)
                except OSError:
                    cur.nbytes = os.fstat(cur.fd).st_size  # a partial write may have landed
                    raise
                cur.nbytes += len(piece)
            cur.frames += take
            offset += take
            self._frames_written += take
            with self._lock:
                self._chunks[-1] = replace(cur.info, frames=cur.frames)
            if cur.frames >= self._chunk_frames:
                self._close_chunk()
        if self._on_audio is not None:
            try:
                self._on_audio(data.astype(np.float32) / 32768.0, start / self.samplerate)
            except Exception:
                # A failing listener (live transcription) must not stop the recording.
                log.exception("on_audio listener failed")

    def _open_chunk(self, start_frame: int) -> None:
        start_ms = max(0, round(start_frame * 1000 / self.samplerate))
        seq = self._numbers.take()
        path = self.out_dir / chunk_name(seq, start_ms, self.track)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC,
                     0o600)
        header = b""
        if self._cipher is not None:
            header = self._cipher.header()
            try:
                _write_all(fd, header)
            except OSError:
                os.close(fd)
                path.unlink(missing_ok=True)  # a header alone holds no audio
                raise
        info = ChunkInfo(seq=seq, path=path, start=start_ms / 1000, frames=0, closed=False)
        self._open = _Open(fd=fd, info=info, start_frame=start_frame, nbytes=len(header),
                           header=header, pending=[] if self._cipher is not None else None)
        with self._lock:
            self._chunks.append(info)
        _fsync_dir(self.out_dir)
        self._notify_chunk(info)

    def _seal_pending(self, cur: _Open) -> None:
        """Write the audio waiting in memory as one sealed frame (sealed chunks only)."""
        if not cur.pending or self._cipher is None:
            return
        frame = self._cipher.seal(cur.header, cur.sealed, b"".join(cur.pending))
        # On a failed write nbytes stays at the last whole frame: _fail truncates to it.
        _write_all(cur.fd, frame)
        cur.nbytes += len(frame)
        cur.sealed += 1
        cur.durable_frames = cur.frames
        cur.pending = []

    def _close_chunk(self) -> None:
        if self._open is not None:
            self._seal_pending(self._open)
        cur, self._open = self._open, None
        if cur is None:
            return
        try:
            os.fsync(cur.fd)
        finally:
            os.close(cur.fd)
        info = replace(cur.info, frames=cur.frames, closed=True)
        with self._lock:
            self._chunks[-1] = info
        self._notify_chunk(info)

    def _notify_chunk(self, info: ChunkInfo) -> None:
        if self._on_chunk is not None:
            try:
                self._on_chunk(info)
            except Exception:
                log.exception("on_chunk listener failed")

    def _fail(self, exc: Exception) -> None:
        """Stop recording after a write error, keeping every whole sample already written."""
        self._failed = True
        self._recording = False
        cur, self._open = self._open, None
        where = cur.info.path.name if cur is not None else str(self.out_dir)
        if cur is not None:
            whole = cur.nbytes - cur.nbytes % SAMPLE_BYTES
            frames = whole // SAMPLE_BYTES
            if cur.pending is not None:  # sealed: keep whole frames; unsealed audio is lost
                whole = cur.nbytes
                frames = cur.durable_frames
                self._frames_written -= cur.frames - cur.durable_frames
            try:
                os.ftruncate(cur.fd, whole)  # drop half a sample from a partial write
                os.fsync(cur.fd)
            except OSError:
                pass  # recover() truncates on the next start
            finally:
                os.close(cur.fd)
            info = replace(cur.info, frames=frames, closed=True)
            with self._lock:
                self._chunks[-1] = info
            self._notify_chunk(info)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            msg = (f"recording stopped: the disk is full ({where}); kept "
                   f"{self.seconds_written:.1f} s of audio; free some space to record again")
        else:
            msg = (f"recording stopped: cannot write {where} ({_one_line(exc)}); kept "
                   f"{self.seconds_written:.1f} s of audio")
        self.error = msg
        log.error("%s", msg)
        try:
            self._source.stop()
        except Exception as stop_exc:
            log.warning("stopping the audio source failed: %s", _one_line(stop_exc))
        if self._on_error is not None:
            try:
                self._on_error(msg)
            except Exception:
                log.exception("on_error listener failed")


def _locked(path: Path) -> PMCError:
    return PMCError(f"{path.parent} holds encrypted audio; open it through its home "
                    "(with its passphrase)")


def _unsealed_in_encrypted(path: Path) -> PMCError:
    return PMCError(f"{path} is not sealed, but this home's audio must be; "
                    "it was put there outside pmc")


def recover(out_dir: Path, samplerate: int = RATE,
            cipher: crypto.ChunkCipher | None = None) -> list[ChunkInfo]:
    """The chunks in `out_dir` after a crash, in order, each trimmed to whole samples.

    Needs nothing but the files: the start time is in each name. Empty chunks (opened just
    before the crash) are left out of the result. Sealed chunks need `cipher`; a torn last
    frame is cut off.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    found = []
    for path in out_dir.iterdir():
        m = CHUNK_RE.match(path.name)
        if m and path.is_file():
            found.append((int(m.group(1)), int(m.group(2)), path))
    chunks = []
    for seq, start_ms, path in sorted(found):
        with path.open("rb") as fh:
            head = fh.read(len(crypto.MAGIC))
        if crypto.is_sealed(head) or (cipher is not None and crypto.MAGIC.startswith(head)):
            if cipher is None:
                raise _locked(path)
            plain, good = cipher.open(path.read_bytes(), path.name)
            if good < path.stat().st_size:
                with path.open("r+b") as fh:  # a torn last frame from an interrupted write
                    fh.truncate(good)
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(path, 0o600)
            if plain:
                chunks.append(ChunkInfo(seq=seq, path=path, start=start_ms / 1000,
                                        frames=len(plain) // SAMPLE_BYTES, closed=True))
            continue
        if cipher is not None:
            raise _unsealed_in_encrypted(path)
        size = path.stat().st_size
        if size % SAMPLE_BYTES:
            with path.open("r+b") as fh:  # half a sample from an interrupted write
                fh.truncate(size - size % SAMPLE_BYTES)
                fh.flush()
                os.fsync(fh.fileno())
            size -= size % SAMPLE_BYTES
        os.chmod(path, 0o600)
        if size == 0:
            continue
        chunks.append(ChunkInfo(seq=seq, path=path, start=start_ms / 1000,
                                frames=size // SAMPLE_BYTES, closed=True))
    return chunks


def read_chunks(chunks: list[ChunkInfo], samplerate: int = RATE,
                cipher: crypto.ChunkCipher | None = None) -> list[tuple[float, np.ndarray]]:
    """(meeting start seconds, 16 kHz mono float32) for each chunk, for transcription."""
    out = []
    for c in chunks:
        raw = c.path.read_bytes()
        if crypto.is_sealed(raw):
            if cipher is None:
                raise _locked(c.path)
            raw = cipher.open(raw, c.path.name)[0]
        elif cipher is not None and raw:
            raise _unsealed_in_encrypted(c.path)
        raw = raw[:len(raw) - len(raw) % SAMPLE_BYTES]
        audio = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        if samplerate != RATE and audio.size:
            n = max(1, round(audio.size * RATE / samplerate))
            audio = np.interp(np.arange(n) * (samplerate / RATE), np.arange(audio.size),
                              audio).astype(np.float32)
        out.append((c.start, audio))
    return out
