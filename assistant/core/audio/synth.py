"""Rendering scripted meetings to audio for evaluation: espeak-ng voices, three conditions.

`clean` joins each turn spoken by the member's espeak-ng voice (16 kHz mono,
a fixed gap between turns) and writes the timeline beside it (speaker, segment
and times only: the evaluation imports it the way a timekeeper's log is, with
no text). `room` runs the clean audio through sox's reverb and adds pink noise
at ROOM_SNR_DB; `phone` resamples to 8 kHz, band-passes 300-3400 Hz, and
returns to 16 kHz, as call audio arrives. Renders are cached by a hash of
everything that shapes them, so a second evaluation reuses them.

Needs espeak-ng and sox on PATH (the Makefile installs both).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import PMCError

RATE = 16000
CONDITIONS = ("clean", "room", "phone")
ROOM_SNR_DB = 25.0
GAP_SECONDS = 0.8
VERSION = 1  # bump when rendering changes, so cached renders are redone
_REVERB = ["reverb", "50", "50", "80", "100", "20"]  # reverberance %, HF damping %, room %


def check_tools() -> None:
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise PMCError(f"{tool} is not on PATH; install it (apt-get install espeak-ng sox) "
                           "to render scripted meetings")


def render_key(script: dict[str, Any], condition: str) -> str:
    """A short hash of what shapes the render (voices, words, condition, renderer version)."""
    shape = {"v": VERSION, "c": condition, "gap": script.get("gap_seconds", GAP_SECONDS),
             "members": script["members"],
             "turns": [(t["speaker"], t["segment"], t["text"]) for t in script["turns"]]}
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:12]


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True)
    if done.returncode:
        raise PMCError(f"{args[0]} failed ({done.returncode}): "
                       f"{done.stderr.decode(errors='replace').strip()[:200]}")


def _read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise PMCError(f"{path} is not 16 kHz mono 16-bit")
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def _write(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.asarray(samples, dtype=np.int16).tobytes())


def render_clean(script: dict[str, Any], wav: Path, timeline: Path) -> None:
    """Speak every turn with its member's voice; write the WAV and a text-free timeline."""
    voices = {m["name"]: m for m in script["members"]}
    gap = np.zeros(int(script.get("gap_seconds", GAP_SECONDS) * RATE), dtype=np.int16)
    pieces: list[np.ndarray] = []
    turns = []
    pos = 0
    with tempfile.TemporaryDirectory(prefix="pmc-synth-") as tmp:
        for i, turn in enumerate(script["turns"]):
            member = voices.get(turn["speaker"])
            if member is None:
                raise PMCError(f"turn {i + 1} is by '{turn['speaker']}', who is not a member "
                               "of the script")
            raw, piece = Path(tmp) / f"{i}.raw.wav", Path(tmp) / f"{i}.wav"
            _run(["espeak-ng", "-v", member.get("voice", "en-us"), "-s",
                  str(member.get("speed", 165)), "-w", str(raw), turn["text"]])
            _run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(piece)])
            data = _read(piece)
            turns.append({"index": i, "speaker": turn["speaker"], "segment": turn["segment"],
                          "start": round(pos / RATE, 3), "end": round((pos + len(data)) / RATE,
                                                                     3)})
            pieces += [data, gap]
            pos += len(data) + len(gap)
    _write(wav, np.concatenate(pieces) if pieces else gap)
    timeline.write_text(json.dumps({"name": script.get("name", ""), "duration":
                                    round(pos / RATE, 3), "turns": turns}, indent=1))


def pink_noise(n: int, seed: int) -> np.ndarray:
    """Unit-RMS pink (1/f power) noise, shaped in the frequency domain."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1] if n > 1 else 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    rms = float(np.sqrt(np.mean(noise ** 2))) or 1.0
    return noise / rms


def speech_rms(samples: np.ndarray) -> float:
    """RMS over the voiced part (frames above 1% of full scale), so gaps do not lower it."""
    x = samples.astype(np.float64)
    frames = x[: len(x) // 320 * 320].reshape(-1, 320)
    loud = frames[np.sqrt(np.mean(frames ** 2, axis=1)) > 327.0]
    return float(np.sqrt(np.mean(loud ** 2))) if loud.size else 0.0


def add_noise(samples: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    x = samples.astype(np.float64)
    noise = pink_noise(len(x), seed) * speech_rms(samples) / (10 ** (snr_db / 20))
    return np.clip(np.round(x + noise), -32768, 32767).astype(np.int16)


def degrade(clean: Path, condition: str, out: Path, seed: int = 0) -> None:
    """Make the `room` or `phone` version of a clean render."""
    if condition == "room":
        reverbed = out.with_suffix(".reverb.wav")
        # Headroom first (reverb adds energy), then the tail is cut back to the input length.
        _run(["sox", str(clean), str(reverbed), "gain", "-3", *_REVERB])
        wet = _read(reverbed)[: len(_read(clean))]
        reverbed.unlink()
        _write(out, add_noise(wet, ROOM_SNR_DB, seed))
    elif condition == "phone":
        _run(["sox", str(clean), "-r", "8000", str(out.with_suffix(".8k.wav")),
              "sinc", "300-3400"])
        _run(["sox", str(out.with_suffix(".8k.wav")), "-r", str(RATE), "-b", "16", str(out)])
        out.with_suffix(".8k.wav").unlink()
    else:
        raise PMCError(f"unknown condition '{condition}'; use one of {', '.join(CONDITIONS)}")


def rendered(script: dict[str, Any], condition: str, cache: Path,
             say: Callable[[str], None] = lambda _line: None) -> tuple[Path, Path]:
    """(wav, timeline) of the script in `condition`, rendered into `cache` unless already there."""
    if condition not in CONDITIONS:
        raise PMCError(f"unknown condition '{condition}'; use one of {', '.join(CONDITIONS)}")
    name = script.get("name", "meeting")
    folder = cache / f"{name}-{render_key(script, 'clean')}"
    folder.mkdir(parents=True, exist_ok=True)
    timeline = folder / "timeline.json"
    clean = folder / "clean.wav"
    if not (clean.exists() and timeline.exists()):
        check_tools()
        say(f"rendering {name} (clean)")
        tmp_wav, tmp_tl = folder / "clean.part.wav", folder / "timeline.part.json"
        render_clean(script, tmp_wav, tmp_tl)
        tmp_tl.replace(timeline)
        tmp_wav.replace(clean)  # last: its presence means the render is whole
    if condition == "clean":
        return clean, timeline
    out = folder / f"{condition}-{render_key(script, condition)}.wav"
    if not out.exists():
        check_tools()
        say(f"rendering {name} ({condition})")
        part = folder / f"{condition}.part.wav"
        seed = int(render_key(script, condition), 16) % (2 ** 32)
        degrade(clean, condition, part, seed)
        part.replace(out)
    return out, timeline
