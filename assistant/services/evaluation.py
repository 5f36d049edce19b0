"""Evaluating drafting on scripted meetings: per condition, per failure class, with misses.

Each script is imported into the current (throwaway) home the way a real
circle would reach that meeting: the members' previous contracts are entered
as `pmc contract add` does (one meeting back; `earlier_contracts` two meetings
back, for members who missed the last one; assistant/services/scripted.py),
then the meeting itself is either
imported from its rendered audio and a text-free timeline (`clean`, `room`,
`phone`), or, for the `text` condition, analysed from the script's own words
with no speech recognition (the same analysis, for tuning drafting quickly).
Scores come from assistant/core/reports/evaluate.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.audio import synth
from assistant.core.drafting.contracts import Drafter
from assistant.core.errors import PMCError
from assistant.core.reports.evaluate import Score, score_meeting
from assistant.core.speech.types import ProgressFn, SpeechSegment, Transcriber, Word
from assistant.core.store.store import Circle, Store
from assistant.services.scripted import load_script, prepare_circle

__all__ = ["CONDITIONS", "evaluate", "find_scripts", "prepare_circle", "text_meeting"]

CONDITIONS = ("text", *synth.CONDITIONS)
Progress = Callable[[str, float], None]


def find_scripts(paths: Sequence[Path]) -> list[Path]:
    """Script files from files and folders (folders: every *.json but timelines, sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(x for x in p.glob("*.json") if not x.name.endswith(".timeline.json"))
        elif p.is_file():
            out.append(p)
        else:
            raise PMCError(f"{p} does not exist; give meeting scripts or a folder of them")
    if not out:
        raise PMCError(f"no meeting scripts (*.json) in {', '.join(map(str, paths))}")
    return out


def text_meeting(store: Store, circle: Circle, date: dt.date, script: dict[str, Any],
                 drafter: Drafter) -> int:
    """Analyse the script's own words as if heard perfectly; returns the meeting id.

    Each turn's words are one segment of a "first pass" through the same processing flow
    as a real meeting (services/processing.py), with no second pass: there is no audio.
    """
    from assistant.services import processing

    members = {m.name: m for m in store.members(circle)}
    attendees = [m for m in members.values()
                 if any(t["speaker"] == m.name for t in script["turns"])]
    times = [(i * 10.0, i * 10.0 + 9.0) for i in range(len(script["turns"]))]
    heard = processing.Heard([SpeechSegment(a, b, t["text"]) for (a, b), t
                              in zip(times, script["turns"], strict=True)],
                             duration=times[-1][1] if times else 0.0)

    def no_transcriber() -> Transcriber:
        raise AssertionError("a meeting heard from its script needs no speech recognition")

    with store.tx():  # all or nothing, as an import
        meeting = store.create_meeting(
            circle, date.isoformat(),
            (date + dt.timedelta(days=circle.cadence_days)).isoformat(), "import")
        store.set_attendance(meeting.id, {m.id: m in attendees for m in members.values()})
        store.add_turns(meeting.id, [(members[t["speaker"]].id, t["segment"], a, b)
                                     for (a, b), t in zip(times, script["turns"], strict=True)])
        processing.process(store, meeting.id, processing.Models(no_transcriber, lambda: drafter),
                           contract_pass="off", heard=heard)
    return meeting.id


class RememberedTranscriber:
    """A transcriber that keeps what it heard on disk, keyed by the exact audio and prompt.

    For tuning what comes after recognition (`pmc eval --reuse-asr`): a second run over
    the same renders then costs drafting only. `tag` names everything else that shapes
    the result (model, backend, decoding); the ISA variables are added here. The inner
    transcriber is built only when something is not remembered yet.
    """

    def __init__(self, make: Callable[[], Transcriber], folder: Path, tag: str,
                 model_dir: Path | None = None) -> None:
        self._make = make
        self.model_dir = model_dir  # the model's lexicon, as the inner one would give
        self._inner: Transcriber | None = None
        self.folder = folder
        isa = ",".join(f"{k}={os.environ.get(k, '')}"
                       for k in ("CT2_FORCE_CPU_ISA", "ONEDNN_MAX_CPU_ISA"))
        self.tag = f"{tag}|{isa}"
        self.name = "remembered"

    def transcribe(self, audio: Any, offset: float = 0.0, progress: ProgressFn | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        h = hashlib.sha256(f"{self.tag}|{offset:.3f}|{prompt or ''}|".encode())
        h.update(audio.tobytes())
        path = self.folder / f"{h.hexdigest()[:24]}.json"
        if path.is_file():
            return [SpeechSegment(s["start"], s["end"], s["text"],
                                  tuple(Word(*w) for w in s["words"]))
                    for s in json.loads(path.read_text())]
        if self._inner is None:
            self._inner = self._make()
        out = self._inner.transcribe(audio, offset=offset, progress=progress, prompt=prompt)
        self.folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([{"start": s.start, "end": s.end, "text": s.text,
                                     "words": [[w.start, w.end, w.word, w.probability]
                                               for w in s.words]} for s in out]))
        return out


@dataclass
class Run:
    """One scored meeting in one condition."""

    script: str
    condition: str
    score: Score


@dataclass
class Report:
    runs: list[Run] = field(default_factory=list)

    def totals(self) -> dict[str, Score]:
        out: dict[str, Score] = {}
        for r in self.runs:
            out.setdefault(r.condition, Score()).add(r.score)
        return out


def evaluate(scripts: Sequence[Path], conditions: Sequence[str], cache: Path, *,
             open_store: Callable[[], Store], transcriber: Callable[[], Transcriber],
             drafter: Callable[[], Drafter], progress: Progress,
             contract_pass: str = "prompted",
             say: Callable[[str], None] = lambda _line: None,
             reuse_asr: tuple[str, Path] | None = None,
             refiner: Callable[[], Transcriber | None] | None = None,
             reuse_refiner: tuple[str, Path] | None = None) -> Report:
    """Score every script in every condition; each run gets a fresh store from `open_store`.

    Models are built once, on first need, and shared by all runs. `reuse_asr` (a tag
    naming the recognition settings, and the model's folder) keeps recognition results
    under `cache`/asr and reuses them for identical audio and prompt; `reuse_refiner`
    likewise for the contracts pass's own model (`refiner`), when it has one.
    """
    if reuse_asr is not None:
        make_transcriber = transcriber

        def transcriber() -> Transcriber:
            return RememberedTranscriber(make_transcriber, cache / "asr", *reuse_asr)
    if refiner is not None and reuse_refiner is not None:
        make_refiner = refiner

        def refiner() -> Transcriber | None:
            def inner() -> Transcriber:
                built = make_refiner()
                assert built is not None
                return built
            return RememberedTranscriber(inner, cache / "asr", *reuse_refiner)

    from assistant.services.pipeline import import_meeting

    bad = [c for c in conditions if c not in CONDITIONS]
    if bad:
        raise PMCError(f"unknown condition '{bad[0]}'; use some of {', '.join(CONDITIONS)}")
    loaded = [(p, load_script(p)) for p in scripts]
    for p, s in loaded:
        if "truth" not in s:
            raise PMCError(f"{p} has no 'truth' section to score against")
    built: dict[str, Any] = {}

    def once(kind: str, make: Callable[[], Any]) -> Any:
        if kind not in built:
            built[kind] = make()
        return built[kind]

    report = Report()
    total = len(loaded) * len(conditions)
    done = 0
    for path, script in loaded:
        for cond in conditions:
            progress(f"{cond} {path.stem}"[:16], done / total)
            store = open_store()
            try:
                circle, date = prepare_circle(store, script)
                if cond == "text":
                    mid = text_meeting(store, circle, date, script,
                                       once("drafter", drafter))
                else:
                    wav, timeline = synth.rendered(script, cond, cache, say)
                    mid = import_meeting(store, circle, wav, timeline, date,
                                         transcriber=lambda: once("transcriber", transcriber),
                                         drafter=lambda: once("drafter", drafter),
                                         contract_pass=contract_pass,
                                         refiner=None if refiner is None else
                                         lambda: once("refiner", refiner))
                report.runs.append(Run(path.stem, cond, score_meeting(store, mid, script)))
            finally:
                store.close()
            done += 1
            progress(f"{cond} {path.stem}"[:16], done / total)
    return report


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def to_json(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {"conditions": {}, "meetings": []}
    for cond, s in report.totals().items():
        out["conditions"][cond] = {
            "recall": round(s.recall, 3), "precision": round(s.precision, 3),
            "report_back_accuracy": round(s.report_accuracy, 3),
            "report_back_coverage": round(s.coverage, 3),
            "found": s.found, "truth": s.truth, "correct": s.correct_items,
            "drafted": s.drafted, "report_right": s.report_right,
            "report_total": s.report_total, "covered": s.covered, "open_items": s.open_items,
            "classes": {name: {"recall": _ratio(c.found, c.truth), "found": c.found,
                               "truth": c.truth,
                               "report_back_accuracy": _ratio(c.report_right, c.report_total),
                               "report_right": c.report_right, "report_total": c.report_total,
                               "traps_drafted": c.traps_drafted, "traps": c.traps}
                        for name, c in sorted(s.classes.items())},
        }
    for r in report.runs:
        s = r.score
        out["meetings"].append({
            "script": r.script, "condition": r.condition, "recall": round(s.recall, 3),
            "precision": round(s.precision, 3),
            "report_back_accuracy": round(s.report_accuracy, 3),
            "report_back_coverage": round(s.coverage, 3),
            "misses": s.misses, "extras": s.extras})
    return out


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def to_markdown(report: Report) -> str:
    data = to_json(report)
    lines = ["| condition | recall | precision | report-back accuracy | report-back coverage |",
             "|---|---|---|---|---|"]
    for cond, c in data["conditions"].items():
        lines.append(f"| {cond} | {c['recall']:.2f} ({c['found']}/{c['truth']}) | "
                     f"{c['precision']:.2f} ({c['correct']}/{c['drafted']}) | "
                     f"{c['report_back_accuracy']:.2f} ({c['report_right']}/{c['report_total']})"
                     f" | {c['report_back_coverage']:.2f} ({c['covered']}/{c['open_items']}) |")
    for cond, c in data["conditions"].items():
        lines += ["", f"### {cond}: per class", "",
                  "| class | contracts found | report-back right | traps drafted |",
                  "|---|---|---|---|"]
        for name, k in c["classes"].items():
            found = f"{_f(k['recall'])} ({k['found']}/{k['truth']})" if k["truth"] else ""
            rb = (f"{_f(k['report_back_accuracy'])} ({k['report_right']}/{k['report_total']})"
                  if k["report_total"] else "")
            traps = f"{k['traps_drafted']}/{k['traps']}" if k["traps"] else ""
            lines.append(f"| {name} | {found} | {rb} | {traps} |")
    lines += ["", "### misses", ""]
    for m in data["meetings"]:
        for miss in m["misses"]:
            lines.append(f"- {m['condition']} {m['script']}: missed {miss}")
        for extra in m["extras"]:
            lines.append(f"- {m['condition']} {m['script']}: extra {extra}")
    return "\n".join(lines) + "\n"
