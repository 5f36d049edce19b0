"""The audio the benchmarks run on, and the reference text that goes with it.

Long meetings are built from the project's rendered meetings (the demo circle and the
three evaluation meetings, ~9 minutes together), tiled end to end. Whole meetings are
never cut for the 10-minute meeting, so its reference text is exact; the growth
meetings are cut at the exact length and keep only the turns that end before the cut.
WAVs are written tile by tile (int16), so building a two-hour meeting holds one
meeting's audio at a time, and are cached under benchmarks/out/.
"""

from __future__ import annotations

import json
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import OUT, ROOT, SHARED

RATE = 16000
JFK = SHARED / "data" / "speech" / "jfk.flac"
JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")
AMI_DIR = SHARED / "data" / "ami"


@dataclass(frozen=True)
class Rendered:
    name: str
    script: Path
    timeline: Path
    wav: Path

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = json.loads(self.script.read_text())
        return out

    def reference(self) -> str:
        return " ".join(t["text"] for t in self.data()["turns"])

    def turns(self) -> list[dict[str, Any]]:
        turns: list[dict[str, Any]] = json.loads(self.timeline.read_text())["turns"]
        return turns


def rendered() -> list[Rendered]:
    demo = ROOT / "assistant" / "demo" / "demo_circle"
    out = [Rendered("demo_circle", demo.with_suffix(".json"),
                    demo.with_name("demo_circle.timeline.json"), demo.with_suffix(".wav"))]
    for p in sorted((ROOT / "tests" / "data" / "meetings").glob("eval_*.json")):
        if p.name.endswith(".timeline.json"):
            continue
        out.append(Rendered(p.stem, p, p.with_name(p.stem + ".timeline.json"),
                            p.with_suffix(".wav")))
    return out


def ami_clips() -> list[Path]:
    return sorted(AMI_DIR.glob("*.wav"))


def load(path: Path) -> np.ndarray:
    from assistant.core.audio import decode as audio

    return audio.load(path)


def _int16(a: np.ndarray) -> bytes:
    return np.clip(np.round(a * 32768.0), -32768, 32767).astype("<i2").tobytes()


@dataclass(frozen=True)
class Tiled:
    wav: Path
    seconds: float
    turns: list[dict[str, Any]]   # timeline turns with meeting-wide times
    reference: str                # the scripts' text of every turn kept
    members: list[str]            # every speaker, in order of first appearance


# With contracts="once", earlier copies' turns of these segments become turns of another
# (a long meeting has one report-back and one contracts round; both are heard again).
ONCE = {"contracts": "challenges", "report_back": "check_in"}


def tiled_meeting(name: str, min_seconds: float, *, cut: bool,
                  contracts: str = "every") -> Tiled:
    """Rendered meetings end to end until `min_seconds`; with `cut`, exactly that long.

    `contracts="every"` keeps every copy's turns as scripted; `"once"` keeps the
    contracts and report-back segments only in the last whole copy of each script
    (earlier copies' turns become challenges and check-in turns), as a long meeting has
    one round of each, not one per half hour.
    """
    if contracts not in ("every", "once"):
        raise ValueError(f"contracts must be 'every' or 'once', not {contracts!r}")
    meetings = rendered()
    OUT.mkdir(parents=True, exist_ok=True)
    wav = OUT / f"{name}.wav"
    lengths = {m.name: _frames(m.wav) for m in meetings}
    limit = round(min_seconds * RATE)
    plan: list[tuple[Rendered, int]] = []  # (meeting, samples of it to keep)
    written = 0
    while written < limit:
        m = meetings[len(plan) % len(meetings)]
        n = min(lengths[m.name], limit - written) if cut else lengths[m.name]
        plan.append((m, n))
        written += n
    last_whole = {m.name: i for i, (m, n) in enumerate(plan) if n == lengths[m.name]}
    turns: list[dict[str, Any]] = []
    texts: list[str] = []
    members: list[str] = []
    offset = 0
    for i, (m, n) in enumerate(plan):
        for t, s in zip(m.turns(), m.data()["turns"], strict=True):
            if t["end"] > n / RATE:  # cut off: the turn is not in this meeting
                continue
            segment = t["segment"]
            if segment in ONCE and contracts == "once" and last_whole.get(m.name) != i:
                segment = ONCE[segment]
            turns.append({"speaker": t["speaker"], "segment": segment,
                          "start": round(t["start"] + offset / RATE, 3),
                          "end": round(t["end"] + offset / RATE, 3)})
            texts.append(s["text"])
            if t["speaker"] not in members:
                members.append(t["speaker"])
        offset += n
    if not (wav.is_file() and _frames(wav) == written):
        tmp = wav.with_suffix(".tmp")
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            for m, n in plan:
                w.writeframes(_int16(load(m.wav)[:n]))
        tmp.replace(wav)
    return Tiled(wav, written / RATE, turns, " ".join(texts), members)


def _frames(path: Path) -> int:
    if path.suffix == ".wav":
        try:
            with wave.open(str(path)) as w:
                if w.getframerate() == RATE and w.getnchannels() == 1:
                    return w.getnframes()
        except (wave.Error, EOFError):
            pass
    return len(load(path))


def ten_minute_meeting() -> Tiled:
    """Whole rendered meetings end to end until at least 600 s (about 636 s)."""
    return tiled_meeting("meeting_10min", 600.0, cut=False)


def growth_meeting(minutes: int, contracts: str = "once") -> tuple[Tiled, Path]:
    """An exactly `minutes`-long meeting and its timeline file (speakers = script names)."""
    t = tiled_meeting(f"meeting_{minutes}min", minutes * 60.0, cut=True, contracts=contracts)
    timeline = OUT / f"meeting_{minutes}min-{contracts}.timeline.json"
    timeline.write_text(json.dumps({"duration": t.seconds, "turns": t.turns}))
    return t, timeline
