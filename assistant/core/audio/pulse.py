"""PulseAudio (and PipeWire's PulseAudio service) sources: listing them and recording one by name.

Why these parts:
- `pulsectl` (ctypes bindings to libpulse, maintained) lists the sources and says which is a
  microphone and which the monitor of an output device (a call's audio), and which are the
  defaults. It also watches the server's events, which is how a lost source is noticed at once.
- `parec` (pulseaudio-utils, already needed for the audio tests) records one named source as
  16 kHz mono s16le on its stdout. PortAudio reaches PulseAudio only through ALSA's pulse
  plugin, where a source is picked by the process-wide PULSE_SOURCE variable: two tracks from
  two sources at once would race on it. A parec process per track has no such state, and
  when the server dies it exits, so the reader sees the loss.

A source that disappears (a USB microphone unplugged, a Bluetooth headset dropping, the null
sink's module unloaded) does not end parec: PulseAudio moves its stream to the fallback
source, which would quietly record the wrong device into the track. `PulseSource` therefore
watches source removals with pulsectl and stops parec as soon as its source goes; it then
says the track is lost (`lost`), polls twice a second, and starts again when a source of that
name is back (or, for "default", whatever is now the default source). The recorder places
the first block after a return at its wall-clock meeting time, so the gap stays a gap.
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.core.errors import PMCError

log = logging.getLogger(__name__)

RATE = 16000
BLOCK_SECONDS = 0.1
RETRY = 0.5  # seconds between attempts to reach a lost source again
FIRST_BLOCK = 5.0  # a fresh stream may take ~2 s to deliver (null sink monitors do)
STALL = 1.5  # seconds without a block from a running stream: treat the source as lost
DEFAULT_NAMES = ("", "default", "@DEFAULT_SOURCE@")

AudioCallback = Callable[[np.ndarray, int, Any, Any], None]


@dataclass(frozen=True)
class PulseDevice:
    name: str
    description: str
    monitor: bool  # the monitor of an output device: what the call plays
    default: bool  # the server's default source
    default_monitor: bool  # the monitor of the default output device

    @property
    def kind(self) -> str:
        return "monitor" if self.monitor else "microphone"


def _pulsectl() -> Any:
    try:
        import pulsectl
    except (ImportError, OSError):  # OSError: libpulse itself is missing
        raise PMCError("PulseAudio's client library is not installed; "
                       "apt-get install pulseaudio-utils (it brings libpulse0)") from None
    return pulsectl


def _connect(name: str = "pmc") -> Any:
    pulsectl = _pulsectl()
    try:
        return pulsectl.Pulse(name, connect=True, threading_lock=True)
    except pulsectl.PulseError as exc:
        raise PMCError(f"cannot reach the sound server ({' '.join(str(exc).split())}); start "
                       "PulseAudio or PipeWire's pulse service") from None


def available() -> bool:
    """Whether a PulseAudio-compatible server answers and parec is installed."""
    if shutil.which("parec") is None:
        return False
    try:
        _connect("pmc-probe").close()
    except PMCError:
        return False
    return True


def list_sources() -> list[PulseDevice]:
    """Every source the server offers: microphones first, then monitors of outputs."""
    with _connect("pmc-devices") as pulse:
        info = pulse.server_info()
        default_monitor = f"{info.default_sink_name}.monitor"
        out = [PulseDevice(s.name, s.description or s.name,
                           monitor=getattr(s, "monitor_of_sink_name", None) is not None,
                           default=s.name == info.default_source_name,
                           default_monitor=s.name == default_monitor)
               for s in pulse.source_list()]
    return sorted(out, key=lambda d: (d.monitor, not d.default, d.name))


def default_source() -> str:
    with _connect("pmc-devices") as pulse:
        return str(pulse.server_info().default_source_name)


def check_source(name: str) -> str:
    """`name` if the server has that source (or "default"); else one line listing them."""
    if name in DEFAULT_NAMES:
        return name
    names = [d.name for d in list_sources()]
    if name not in names:
        raise PMCError(f"no sound source named {name!r}; pick one of: {', '.join(names)} "
                       "(see `pmc devices`)")
    return name


def _source_exists(name: str) -> bool:
    try:
        with _connect("pmc-watch") as pulse:
            return any(s.name == name for s in pulse.source_list())
    except PMCError:
        return False


class PulseSource:
    """Records one PulseAudio source by name with parec; survives the source going away.

    `lost` is None while audio flows, else one line saying why the track is silent.
    """

    live = True  # blocks arrive in wall-clock time

    def __init__(self, name: str = "default", *, samplerate: int = RATE,
                 block_seconds: float = BLOCK_SECONDS, label: str = "") -> None:
        self.name = name
        self.follow_default = name in DEFAULT_NAMES
        self.samplerate = samplerate
        self.block_bytes = max(1, round(block_seconds * samplerate)) * 2
        self.label = label or name
        self.lost: str | None = None
        self.losses = 0  # how many times the source went away
        self.current: str | None = None  # the source being recorded now
        self._stop = threading.Event()
        self._gone = threading.Event()  # set by the watcher when our source disappears
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._watch_pulse: Any = None

    # -- control ------------------------------------------------------------------------------
    def start(self, callback: AudioCallback) -> None:
        if shutil.which("parec") is None:
            raise PMCError("parec is not installed, so no sound source can be recorded by "
                           "name; apt-get install pulseaudio-utils")
        self.current = self._resolve()
        if self.current is None or not _source_exists(self.current):
            raise PMCError(f"no sound source named {self.name!r} (see `pmc devices`)")
        self._thread = threading.Thread(target=self._run, args=(callback,),
                                        name=f"pmc-pulse-{self.label}", daemon=True)
        self._watcher = threading.Thread(target=self._watch, name=f"pmc-watch-{self.label}",
                                         daemon=True)
        self._thread.start()
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        self._kill()
        pulse = self._watch_pulse
        if pulse is not None:
            try:
                pulse.event_listen_stop()
            except Exception:  # the watcher may be between connections
                pass
        for t in (self._thread, self._watcher):
            if t is not None and t is not threading.current_thread():
                t.join(timeout=5)

    # -- helpers --------------------------------------------------------------------------------
    def _resolve(self) -> str | None:
        if not self.follow_default:
            return self.name
        try:
            return default_source()
        except PMCError:
            return None

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _spawn(self, name: str) -> subprocess.Popen[bytes]:
        latency = max(20, round(self.block_bytes / 2 / self.samplerate * 1000))
        return subprocess.Popen(
            ["parec", f"--device={name}", f"--rate={self.samplerate}", "--channels=1",
             "--format=s16le", "--raw", f"--latency-msec={latency}",
             "--client-name=pmc", f"--stream-name=pmc {self.label}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            close_fds=True)

    def _mark_lost(self, why: str, callback: AudioCallback) -> None:
        if self.lost is None:
            self.lost = why
            self.losses += 1
            log.warning("sound source %s lost: %s", self.label, why)
            # An empty block with the reason: the recorder closes the track's chunk now.
            callback(np.zeros((0, 1), dtype=np.int16), 0, {"lost": why}, None)

    # -- the capture thread ---------------------------------------------------------------------
    def _run(self, callback: AudioCallback) -> None:
        resync = False
        while not self._stop.is_set():
            name = self.current if self.lost is None else self._resolve()
            if name is None or (self.lost is not None and not _source_exists(name)):
                self._stop.wait(RETRY)
                continue
            self.current = name
            self._gone.clear()
            try:
                self._proc = self._spawn(name)
            except OSError as exc:
                self._mark_lost(f"cannot start parec ({exc})", callback)
                self._stop.wait(RETRY)
                continue
            why = self._pump(self._proc, callback, resync)
            self._kill()
            if self._stop.is_set():
                break
            self._mark_lost(why, callback)
            resync = True
            self._stop.wait(RETRY)

    def _pump(self, proc: subprocess.Popen[bytes], callback: AudioCallback,
              resync: bool) -> str:
        """Deliver blocks until the stream ends; returns why it ended."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        buf = b""
        last = time.monotonic()
        got_any = False
        while not self._stop.is_set():
            if self._gone.is_set():
                return f"{self.current} disappeared"
            ready, _, _ = select.select([fd], [], [], 0.1)
            now = time.monotonic()
            if not ready:
                if now - last > (STALL if got_any else FIRST_BLOCK):
                    return f"no sound from {self.current} for {now - last:.1f} s"
                continue
            data = os.read(fd, 65536)
            if not data:
                return "the sound server went away"
            last = now
            buf += data
            while len(buf) >= self.block_bytes:
                block, buf = buf[:self.block_bytes], buf[self.block_bytes:]
                got_any = True
                samples = np.frombuffer(block, dtype="<i2").reshape(-1, 1)
                info: dict[str, Any] | None = None
                if self.lost is not None or resync:
                    info = {"resync": True}  # placed at its wall-clock time: the gap stays
                    resync = False
                    self.lost = None
                    log.warning("sound source %s is back (%s)", self.label, self.current)
                callback(samples, samples.shape[0], info, None)
        return "stopped"

    # -- the watcher ------------------------------------------------------------------------------
    def _watch(self) -> None:
        """Stop parec the moment its source is removed (PulseAudio would move it elsewhere)."""
        pulsectl = _pulsectl()
        while not self._stop.is_set():
            try:
                pulse = pulsectl.Pulse("pmc-watch", threading_lock=True)
            except pulsectl.PulseError:
                self._stop.wait(RETRY)  # server down: parec notices that by itself
                continue
            self._watch_pulse = pulse
            try:
                def removed(ev: Any) -> None:
                    if ev.t == "remove":
                        raise pulsectl.PulseLoopStop

                pulse.event_mask_set("source")
                pulse.event_callback_set(removed)
                while not self._stop.is_set():
                    pulse.event_listen(timeout=0.5)
                    # Woken by a removal, or every 0.5 s: is our source still there?
                    cur = self.current
                    if self.lost is None and cur is not None and not any(
                            s.name == cur for s in pulse.source_list()):
                        self._gone.set()
            except (pulsectl.PulseError, pulsectl.PulseDisconnected):
                pass  # the server went away; reconnect
            finally:
                self._watch_pulse = None
                pulse.close()
            self._stop.wait(RETRY)
