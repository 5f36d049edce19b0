"""Live transcription: recorded blocks in, transcript segments out, never blocking.

`LiveTranscriber.feed` is the recorder's `on_audio` callback. It only does
cheap work on the caller's thread: it measures the energy of 30 ms frames and
cuts the audio into windows at pauses (a simple energy voice-activity
detector; a window is cut at the quietest moment once it reaches ~15 s, and
at any gap in the meeting clock such as an off-the-record stretch). Windows
without speech are dropped. Windows with speech go to a bounded backlog that
one worker thread transcribes; `on_segment` is called on that thread.

If transcription falls behind by more than `max_backlog_s` seconds of audio,
new windows are left out of the live pass (counted in `stats.dropped` and
listed by `missed()`) so memory stays bounded; the end-of-meeting pipeline
transcribes from the recorded chunks anyway. `finish()` cuts the last window
and waits until the backlog is transcribed. Lag is measured from the moment
the audio holding the end of the speech arrived to the moment its text was
delivered.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.core.speech.types import SpeechSegment, Transcriber

RATE = 16000
FRAME = 480  # 30 ms at 16 kHz
FRAME_S = FRAME / RATE
ABS_THRESHOLD = 0.006   # RMS below this is never speech (about -44 dBFS)
NOISE_FACTOR = 3.0      # speech is this many times louder than the noise floor
NOISE_RISE = 0.0005     # per frame: the floor follows rising noise over about a minute
PREROLL_S = 0.3         # kept before the first speech frame so onsets are not clipped


@dataclass
class Window:
    start: float               # meeting seconds of the first sample
    audio: np.ndarray
    speech_end: float          # meeting seconds of the last speech frame
    arrived: float             # clock() when the block with that frame arrived


@dataclass
class LiveStats:
    windows: int = 0           # windows with speech that were cut
    transcribed: int = 0
    silent: int = 0            # windows dropped because nothing was said
    dropped: int = 0           # windows left out because the backlog was full
    errors: int = 0
    backlog_s: float = 0.0     # audio seconds waiting for the worker
    backlog_peak_s: float = 0.0
    lags: list[float] = field(default_factory=list)

    def lag_percentile(self, q: float) -> float | None:
        if not self.lags:
            return None
        return float(np.percentile(np.asarray(self.lags), q))


class LiveTranscriber:
    def __init__(self, transcriber: Transcriber, on_segment: Callable[[SpeechSegment], None], *,
                 clock: Callable[[], float] = time.monotonic, max_window_s: float = 15.0,
                 min_window_s: float = 1.0, pause_s: float = 0.5, max_backlog_s: float = 120.0,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.transcriber = transcriber
        self.on_segment = on_segment
        self.on_error = on_error
        self.clock = clock
        self.max_frames = int(max_window_s / FRAME_S)
        self.min_frames = int(min_window_s / FRAME_S)
        self.pause_frames = max(1, int(pause_s / FRAME_S))
        self.max_backlog_s = max_backlog_s
        self.stats = LiveStats()
        self._missed: list[tuple[float, float]] = []
        # Accumulation state: touched only by the feeding thread.
        self._rest = np.zeros(0, np.float32)
        self._next_t: float | None = None  # meeting seconds where the next sample belongs
        self._frames: list[np.ndarray] = []
        self._energy: list[float] = []
        self._speech: list[bool] = []
        self._start = 0.0
        self._last_speech: int = -1        # index of the window's last speech frame
        self._last_speech_arrival = 0.0
        self._noise: float | None = None
        # Shared with the worker, under the condition's lock.
        self._cond = threading.Condition()
        self._queue: deque[Window] = deque()
        self._closing = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="live-transcriber", daemon=True)
        self._thread.start()

    # --- feeding (recorder thread) --------------------------------------------
    def feed(self, block: np.ndarray, start_s: float) -> None:
        """Take one block of float32 16 kHz audio starting at meeting second `start_s`."""
        if self._closing:
            return
        now = self.clock()
        samples = np.asarray(block, dtype=np.float32).reshape(-1)
        if self._next_t is not None and abs(start_s - self._next_t) > FRAME_S:
            # A gap (off the record, a restart): never join audio across it.
            self._cut(len(self._frames))
            self._frames, self._energy, self._speech = [], [], []
            self._rest = np.zeros(0, np.float32)
        data_t0 = start_s - len(self._rest) / RATE
        self._next_t = start_s + len(samples) / RATE
        data = np.concatenate([self._rest, samples]) if self._rest.size else samples
        n = len(data) // FRAME
        self._rest = data[n * FRAME:].copy()
        if n == 0:
            return
        frames = data[: n * FRAME].reshape(n, FRAME)
        rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
        for i in range(n):
            self._frame(frames[i], float(rms[i]), data_t0 + i * FRAME_S, now)

    def _frame(self, frame: np.ndarray, energy: float, t: float, now: float) -> None:
        if self._noise is None:
            # Start low: a meeting may open mid-sentence, and the floor drops at once anyway.
            self._noise = ABS_THRESHOLD / NOISE_FACTOR
        if energy < self._noise:
            self._noise = energy
        else:
            self._noise += (energy - self._noise) * NOISE_RISE
        speech = energy > max(ABS_THRESHOLD, self._noise * NOISE_FACTOR)
        if not self._frames:
            self._start = t
        self._frames.append(frame)
        self._energy.append(energy)
        self._speech.append(speech)
        if speech:
            self._last_speech = len(self._frames) - 1
            self._last_speech_arrival = now
        n = len(self._frames)
        if self._last_speech < 0:
            # Nothing said yet: keep only a short pre-roll, not minutes of silence.
            keep = int(PREROLL_S / FRAME_S)
            if n > keep * 2:
                drop = n - keep
                del self._frames[:drop], self._energy[:drop], self._speech[:drop]
                self._start += drop * FRAME_S
            return
        silent_run = n - 1 - self._last_speech
        if silent_run >= self.pause_frames and n >= self.min_frames:
            self._cut(n)
        elif n >= self.max_frames:
            # Too long without a pause: cut at the quietest frame of the last 3 s.
            lo = max(self.min_frames, n - int(3.0 / FRAME_S))
            at = lo + int(np.argmin(self._energy[lo:n]))
            self._cut(at + 1)

    def _cut(self, n: int) -> None:
        """Close the window at frame n; frames after n start the next window."""
        if n <= 0 or not self._frames:
            return
        head = self._frames[:n]
        speech_idx = [i for i, sp in enumerate(self._speech[:n]) if sp]
        if speech_idx:
            last = speech_idx[-1]
            self._enqueue(Window(self._start, np.concatenate(head),
                                 self._start + (last + 1) * FRAME_S, self._last_speech_arrival))
        else:
            self.stats.silent += 1
        self._start += n * FRAME_S
        del self._frames[:n], self._energy[:n], self._speech[:n]
        tail_speech = [i for i, sp in enumerate(self._speech) if sp]
        self._last_speech = tail_speech[-1] if tail_speech else -1

    def _enqueue(self, window: Window) -> None:
        seconds = len(window.audio) / RATE
        with self._cond:
            self.stats.windows += 1
            if self.stats.backlog_s + seconds > self.max_backlog_s:
                self.stats.dropped += 1
                self._missed.append((window.start, window.start + seconds))
                return
            self._queue.append(window)
            self.stats.backlog_s += seconds
            self.stats.backlog_peak_s = max(self.stats.backlog_peak_s, self.stats.backlog_s)
            self._cond.notify()

    # --- the worker -------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue:
                    return
                window = self._queue[0]
                self._busy = True
            ok = True
            try:
                segments = self.transcriber.transcribe(window.audio, offset=window.start)
            except Exception as exc:  # a failing window must not end live transcription
                segments, ok = [], False
                with self._cond:
                    self.stats.errors += 1
                    self._missed.append((window.start, window.start + len(window.audio) / RATE))
                if self.on_error is not None:
                    self.on_error(f"live transcription failed on one window "
                                  f"({exc.__class__.__name__}); the full pass at the end will "
                                  "retry it")
            for seg in segments:
                self.on_segment(seg)
            with self._cond:
                self._queue.popleft()
                self.stats.backlog_s = max(0.0, self.stats.backlog_s
                                           - len(window.audio) / RATE)
                if ok:
                    self.stats.transcribed += 1
                    self.stats.lags.append(self.clock() - window.arrived)
                self._busy = False
                self._cond.notify_all()

    # --- ending -------------------------------------------------------------------
    def finish(self, timeout: float | None = None) -> bool:
        """Cut the last window and wait until everything queued is transcribed.

        Blocks: call it from a worker thread, not the UI. Returns False on timeout.
        """
        if not self._closing:
            self._cut(len(self._frames))
            with self._cond:
                self._closing = True
                self._cond.notify_all()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        """Stop without catching up: whatever is still queued is left out (and listed)."""
        with self._cond:
            keep = 1 if self._busy else 0  # the window being transcribed still delivers
            while len(self._queue) > keep:
                w = self._queue.pop()
                self._missed.append((w.start, w.start + len(w.audio) / RATE))
                self.stats.backlog_s = max(0.0, self.stats.backlog_s - len(w.audio) / RATE)
            self._closing = True
            self._cond.notify_all()

    @property
    def behind_s(self) -> float:
        """Audio seconds waiting to be transcribed."""
        with self._cond:
            return self.stats.backlog_s

    def missed(self) -> list[tuple[float, float]]:
        """Meeting-second ranges with speech that the live pass did not transcribe."""
        with self._cond:
            return sorted(self._missed)
