"""Issue 14: drafting during the meeting, and the end of the meeting that reuses it.

    python -m benchmarks.live_drafting                      # all three, 15/30/60 min
    python -m benchmarks.live_drafting --only latency --repeats 2
    python -m benchmarks.live_drafting --only end --lengths 15,30,60,120
    python -m benchmarks.live_drafting --only quality [--scripts eval_c]
    python -m benchmarks.live_drafting --only latency --contract-beam 5

- `latency`: a real-time feed (FileSource paced at real speed into the real recorder and
  MeetingSession, live Whisper tiny.en transcription running) of the demo meeting's four
  report-backs and four contracts, each contracts turn followed by 12 s more of the turn
  (silence); as the timekeeper moves past a turn, a thread drafts it as the timekeeper
  screen's worker does (services/live_drafts.py, SmolLM2). Draft latency: from moving past
  the contracts turn to its drafts stored (p50/p95). Tick lateness: a 0.2 s ticker thread
  (the screen's timer period) in the same process, p99 over the ticks while a draft was
  being made and over all ticks.
- `end`: End-to-review-ready for meetings of N minutes (benchmarks/media.py growth
  meetings: the rendered scripts tiled, one contracts round). The meeting as the live
  session leaves it at End is built first, untimed: 30 s chunk files, the turns, the live
  transcript (stood in for by one batched pass over the audio), every contracts turn drafted
  during the meeting, live transcription started 2 s after recording. Timed: what the end
  screen's worker does (`heard_at_end` then `processing.process`) until every member is
  drafted. Beside it, for the shortest length, the full pass (`process` without `heard`),
  which is what End did before.
- `quality`: the rendered evaluation scripts (tests/data/meetings, scored by
  core/reports/evaluate.py as `pmc eval` does): imported (the full pass at the end) vs
  heard as a live meeting (live-pass windows, each contracts turn drafted during the
  meeting, report-back suggested after each report-back turn, then the quick end).

Prints JSON; figures go into RESULTS.md by hand under "Drafting during the meeting".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import threading
import time
import wave
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from benchmarks.common import OUT, ROOT, loadavg, percentile

RATE = 16000
TICK = 0.2
DEMO = ROOT / "assistant" / "demo"
PREVIOUS = {"Maya": "Finish the survey questions for the pilot study",
            "Tom": "Email three labs about postdoc positions",
            "Lena": "Write the results section of her paper",
            "Sam": "Submit the travel grant application"}


def _home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="live-drafting-", dir=OUT))
    os.environ["PMC_HOME"] = str(home)
    return home


def _models() -> tuple[Any, Any]:
    from assistant.core import settings as settings_mod
    from assistant.services import parts

    settings = settings_mod.Settings()
    cache: dict[str, Any] = {}

    def transcriber() -> Any:
        if "t" not in cache:
            cache["t"] = parts.build_transcriber(settings)
        return cache["t"]

    def drafter() -> Any:
        if "d" not in cache:
            cache["d"] = parts.build_drafter(settings)
        return cache["d"]
    return transcriber, drafter


_REFINER: dict[str, Any] = {}
_BEAM = {"contract_beam_size": 1}  # --contract-beam: the setting the refiner is built with


def _refiner() -> Any:
    """The contracts pass's own model as the app builds it (settings' contract_model:
    whisper-base when installed), built once; None: the transcriber hears them again."""
    from assistant.core import settings as settings_mod
    from assistant.services import parts

    if "r" not in _REFINER:
        _REFINER["r"] = parts.build_refiner(settings_mod.Settings(**_BEAM))
    return _REFINER["r"]


def _load(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768


# --- latency and tick lateness, real time ------------------------------------------------------

def _latency_meeting() -> tuple[np.ndarray, list[tuple[str, str, float, float]]]:
    """Report-backs then contracts of the demo meeting; (speaker, segment, start, end)."""
    full = _load(DEMO / "demo_circle.wav")
    turns = json.loads((DEMO / "demo_circle.timeline.json").read_text())["turns"]
    pieces = [np.zeros(int(0.5 * RATE), np.float32)]
    out = []
    t = 0.5
    for idx in (4, 5, 6, 7, 11, 12, 13, 14):
        turn = turns[idx]
        a = full[int(turn["start"] * RATE):int(turn["end"] * RATE)]
        tail = 12.0 if turn["segment"] == "contracts" else 1.5
        out.append((turn["speaker"], turn["segment"], t, t + len(a) / RATE + tail - 0.5))
        pieces += [a, np.zeros(int(tail * RATE), np.float32)]
        t += len(a) / RATE + tail
    return np.concatenate(pieces), out


def _ticker(session: Any, stop: threading.Event, ticks_all: list[float],
            ticks_drafting: list[float]) -> None:
    """The screen's timer, as a thread: how late each 0.2 s tick fires."""
    nxt = time.monotonic() + TICK
    while not stop.is_set():
        time.sleep(max(0.0, nxt - time.monotonic()))
        late = time.monotonic() - nxt
        ticks_all.append(late)
        if session.drafts.pending:
            ticks_drafting.append(late)
        nxt += TICK


def latency(repeats: int, log: Any) -> dict[str, Any]:
    from assistant.core.audio.recorder import FileSource
    from assistant.core.meeting.agenda import AgendaSegment
    from assistant.core.store.status import MeetingStatus
    from assistant.core.store.store import Store
    from assistant.services.session import MeetingSession

    transcriber, drafter = _models()
    transcriber()
    drafter()
    _refiner()  # loaded before the feed, as the first contracts turn would otherwise
    audio, plan = _latency_meeting()
    contracts_s: list[float] = []
    report_s: list[float] = []
    ticks_all: list[float] = []
    ticks_drafting: list[float] = []
    lags: list[float] = []
    for run in range(repeats):
        _home()
        store = Store(Path(os.environ["PMC_HOME"]) / "pmc.sqlite3")
        agenda = (AgendaSegment("report_back", "Report-back", 1.5, True),
                  AgendaSegment("contracts", "Contracts", 1.5, True))
        circle = store.create_circle("Bench", list(PREVIOUS), agenda)
        before = store.create_meeting(circle, "2026-02-19", "2026-03-05", "manual",
                                      MeetingStatus.CLOSED)
        for m in store.members(circle):
            store.add_item(before.id, m.id, PREVIOUS[m.name], due="2026-03-05",
                           status="approved", origin="manual")
        present = store.members(circle)
        session = MeetingSession.create(store, circle, present, time.monotonic,
                                        dt.date(2026, 3, 5))
        for m in present:
            session.set_consent(m.id, True)
        source = FileSource(audio, realtime=True)
        session.start(record=True, source=source)
        threading.Thread(target=session.attach_live, args=(transcriber(), lambda s: None),
                         daemon=True).start()
        stop = threading.Event()
        tk_thread = threading.Thread(target=_ticker, args=(session, stop, ticks_all,
                                                           ticks_drafting), daemon=True)
        tk_thread.start()
        log(f"  latency: real-time feed of {len(audio) / RATE:.0f} s, run {run + 1}/{repeats}")
        t0 = source.started_at or time.monotonic()
        workers = []
        tk = session.timekeeper
        for speaker, segment, _start, end in plan:
            time.sleep(max(0.0, t0 + end - time.monotonic()))
            pos = tk.pos
            entries_from = len(tk.log)
            session.act(tk.next_turn)
            turn = tk.plan[pos]
            member_id = session.member_ids[turn.member or 0]
            said = [(e.start, e.end) for e in tk.log[entries_from:]]
            spans = session.drafts.spans(member_id, segment, said)
            session.drafts.begin()
            left = time.monotonic()
            if segment == "contracts":
                w = threading.Thread(target=session.drafts.contracts_turn,
                                     args=(spans, drafter, "prompted", left),
                                     kwargs={"refiner": _refiner})
            else:
                w = threading.Thread(target=session.drafts.report_back_turn,
                                     args=(spans, left, "prompted"),
                                     kwargs={"refiner": _refiner})
            w.start()
            workers.append(w)
            del speaker
        for w in workers:
            w.join()
        stop.set()
        tk_thread.join()
        source.wait()
        session.end()
        session.finish_live()
        if session.live is not None:
            lags += session.live.stats.lags
        for d in session.drafts.done:
            (contracts_s if d.segment == "contracts" else report_s).append(d.seconds)
        store.close()

    def ms(xs: list[float], q: float) -> float | None:
        return round(percentile(xs, q) * 1000, 1) if xs else None
    return {
        "repeats": repeats, "contracts_turns": len(contracts_s),
        "draft_latency_s": {"p50": round(percentile(contracts_s, 50), 2),
                            "p95": round(percentile(contracts_s, 95), 2),
                            "max": round(max(contracts_s), 2), "all": [round(x, 2) for x
                                                                       in contracts_s]},
        "report_back_latency_s": {"p50": round(percentile(report_s, 50), 2),
                                  "p95": round(percentile(report_s, 95), 2)},
        "tick_late_while_drafting_ms": {"p50": ms(ticks_drafting, 50),
                                        "p99": ms(ticks_drafting, 99),
                                        "max": ms(ticks_drafting, 100),
                                        "ticks": len(ticks_drafting)},
        "tick_late_all_ms": {"p99": ms(ticks_all, 99), "ticks": len(ticks_all)},
        "live_lag_p95_s": round(percentile(lags, 95), 2) if lags else None,
    }


# --- end to review-ready ------------------------------------------------------------------------

def _live_windows(transcriber: Any, audio: np.ndarray) -> list[Any]:
    """The audio as the live pass hears it: its own windows, cut at pauses."""
    from assistant.core.speech.live import LiveTranscriber

    out: list[Any] = []
    live = LiveTranscriber(transcriber, out.append, max_backlog_s=1e9)
    step = int(0.1 * RATE)
    for i in range(0, len(audio), step):
        live.feed(audio[i:i + step], i / RATE)
    live.finish()
    return out


def _segments_cache(transcriber: Any, wav: Path, audio: np.ndarray) -> list[Any]:
    from assistant.core.speech.types import SpeechSegment

    cache = wav.with_suffix(".live.json")
    if cache.is_file() and cache.stat().st_mtime >= wav.stat().st_mtime:
        return [SpeechSegment(a, b, t) for a, b, t in json.loads(cache.read_text())]
    # Untimed stand-in for the live transcript: the whole audio in one batched pass (the
    # live pass's own windows cost about 3x more CPU here, for the same words).
    segs = transcriber.transcribe(audio)
    cache.write_text(json.dumps([(s.start, s.end, s.text) for s in segs]))
    return segs


def _live_session(store: Any, circle: Any, members: dict[str, Any], turns: list[Any],
                  audio: np.ndarray, segments: list[Any], transcriber: Any,
                  date: dt.date, started: float = 2.0) -> Any:
    """A stored live meeting and its session as they are when End is pressed."""
    from assistant.core import locations
    from assistant.core.audio.chunks import meeting_audio_dir, save_chunk
    from assistant.core.audio.recorder import ChunkInfo, chunk_name
    from assistant.core.audio.tail import AudioTail
    from assistant.core.speech.live import LiveTranscriber
    from assistant.core.store.status import MeetingStatus
    from assistant.services.session import MeetingSession

    present = [members[n] for n in dict.fromkeys(t["speaker"] for t in turns)]
    m = store.create_meeting(circle, date.isoformat(),
                             (date + dt.timedelta(days=14)).isoformat(), "live")
    store.set_attendance(m.id, {x.id: x in present for x in members.values()})
    store.add_turns(m.id, [(members[t["speaker"]].id, t["segment"], t["start"], t["end"])
                           for t in turns])
    store.set_meeting_status(m.id, MeetingStatus.OPEN, len(audio) / RATE)
    folder = locations.ensure(meeting_audio_dir(m.id))
    pcm = np.clip(np.round(audio * 32768), -32768, 32767).astype("<i2")
    chunk = 30 * RATE
    for n, i in enumerate(range(0, len(pcm), chunk)):
        path = folder / chunk_name(n, round(i * 1000 / RATE))
        path.write_bytes(pcm[i:i + chunk].tobytes())
        save_chunk(store, m.id, ChunkInfo(n, path, i / RATE, len(pcm[i:i + chunk]), True))
    session = MeetingSession(store, circle, store.meeting(m.id), present, time.monotonic)
    session.tails["room"] = AudioTail(keep_s=len(audio) / RATE + 60)
    for i in range(0, len(audio), RATE):
        session._on_audio(audio[i:i + RATE], i / RATE)
    for p in present:
        session.consent.grant(p.id)
    session.recorder = SimpleNamespace()  # type: ignore[assignment]
    session.live = LiveTranscriber(transcriber, lambda s: None)
    session.transcriber = transcriber
    session.live_from["room"] = started
    session.live_segments = [s for s in segments if s.start >= started]
    return session


def _planned_turns(spans: list[Any]) -> list[tuple[str, int, list[Any]]]:
    """The stored turns as the timekeeper logs them: (segment, member id, turns) per planned
    turn, one per member and segment; a turn of a member whose own planned turn in that
    segment came before is said during the current one (an interjection, a split turn)."""
    groups: list[tuple[str, int, list[Any]]] = []
    seen: set[tuple[str, int]] = set()
    for t in spans:
        if t.member_id is None:
            continue
        if (t.segment, t.member_id) in seen and groups and groups[-1][0] == t.segment:
            groups[-1][2].append(t)
        else:
            seen.add((t.segment, t.member_id))
            groups.append((t.segment, t.member_id, [t]))
    return groups


def _draft_during(session: Any, drafter: Any, contract_pass: str = "prompted") -> None:
    """Every report-back and contracts turn, drafted as the timekeeper screen's panel does
    when the timekeeper moves past it (tui/widgets/live_drafts.py `turn_left`)."""
    from assistant.services import processing

    groups = _planned_turns(processing.spans_for(session.store, session.meeting.id))
    for pos, (segment, planned, turns) in enumerate(groups):
        if segment not in ("report_back", "contracts"):
            continue
        speakers = [planned] + ([t.member_id for t in turns] if segment == "contracts" else [])
        for member_id in dict.fromkeys(speakers):
            mine = [t for t in turns if t.member_id == member_id]
            session.drafts.begin()
            if segment == "contracts":
                session.drafts.contracts_turn(mine, drafter, contract_pass,
                                              key=(pos, member_id), refiner=_refiner)
            else:
                session.drafts.report_back_turn(mine, None, contract_pass, refiner=_refiner)


def _quick_end(session: Any, transcriber: Any, drafter: Any) -> dict[str, Any]:
    from assistant.services import live_drafts, processing

    calls: list[float] = []

    class Counting:
        name = "counting"

        def transcribe(self, audio: Any, offset: float = 0.0, progress: Any = None,
                       prompt: str | None = None) -> Any:
            calls.append(len(audio) / RATE)
            return transcriber().transcribe(audio, offset=offset, progress=progress,
                                            prompt=prompt)
    counting = Counting()
    t0 = time.monotonic()
    session.drafts.finish()
    end = live_drafts.heard_at_end(session, lambda: counting)
    assert end is not None
    processing.process(session.store, session.meeting.id,
                       processing.Models(lambda: counting, drafter, _refiner),
                       contract_pass="prompted", heard=end.heard)
    took = time.monotonic() - t0
    return {"seconds": round(took, 2), "transcribed_s": round(sum(calls), 1),
            "reheard_turns": end.reheard_turns,
            "unheard_s": round(sum(b - a for a, b in end.unheard), 1)}


def end_to_review(lengths: list[int], log: Any) -> dict[str, Any]:
    from assistant.core.store.store import Store
    from assistant.services import processing
    from benchmarks.media import growth_meeting

    transcriber, drafter = _models()
    rows = []
    # Shorter growth meetings are the start of the longest one: its live pass serves all.
    longest, _ = growth_meeting(max(lengths), "once")
    log(f"  end: the live pass over {max(lengths)} min (untimed)")
    heard_all = _segments_cache(transcriber(), longest.wav, _load(longest.wav))
    for minutes in sorted(lengths):
        meeting, _timeline = growth_meeting(minutes, "once")
        audio = _load(meeting.wav)
        segments = [s for s in heard_all if s.end <= len(audio) / RATE]
        home = _home()
        store = Store(home / "pmc.sqlite3")
        circle = store.create_circle(f"Bench {minutes}", meeting.members)
        members = {m.name: m for m in store.members(circle)}
        session = _live_session(store, circle, members, meeting.turns, audio, segments,
                                transcriber(), dt.date(2026, 3, 5))
        log(f"  end: {minutes} min: drafting during the meeting (untimed)")
        _draft_during(session, drafter)
        log(f"  end: {minutes} min: End to review-ready (timed)")
        row: dict[str, Any] = {"minutes": minutes, **_quick_end(session, transcriber, drafter)}
        row["drafted_during"] = len({d.member_id for d in session.drafts.done
                                     if d.segment == "contracts"})
        log(f"    End to review-ready: {row}")  # before the slow full pass below
        store.close()
        if minutes == min(lengths):  # the old End: the whole recording again
            home = _home()
            store = Store(home / "pmc.sqlite3")
            circle = store.create_circle(f"Full {minutes}", meeting.members)
            members = {m.name: m for m in store.members(circle)}
            s2 = _live_session(store, circle, members, meeting.turns, audio, segments,
                               transcriber(), dt.date(2026, 3, 5))
            t0 = time.monotonic()
            processing.process(store, s2.meeting.id,
                               processing.Models(transcriber, drafter, _refiner),
                               contract_pass="prompted")
            row["full_pass_s"] = round(time.monotonic() - t0, 2)
            store.close()
        rows.append(row)
        log(f"    {row}")
    return {"rows": rows}


# --- quality ------------------------------------------------------------------------------------

def quality(log: Any, only: set[str] | None = None) -> dict[str, Any]:
    from assistant.core.reports.evaluate import Score, score_meeting
    from assistant.core.store.store import Store
    from assistant.services.pipeline import import_meeting
    from assistant.services.scripted import load_script, prepare_circle

    transcriber, drafter = _models()
    totals = {"full": Score(), "live": Score()}
    per: list[dict[str, Any]] = []
    for script_path in sorted((ROOT / "tests" / "data" / "meetings").glob("eval_*.json")):
        if script_path.name.endswith(".timeline.json") or (
                only and script_path.stem not in only):
            continue
        script = load_script(script_path)
        wav = script_path.with_suffix(".wav")
        timeline = script_path.with_name(script_path.stem + ".timeline.json")
        turns = json.loads(timeline.read_text())["turns"]
        audio = _load(wav)
        log(f"  quality: {script_path.stem}")
        row: dict[str, Any] = {"script": script_path.stem}
        for mode in ("full", "live"):
            home = _home()
            store = Store(home / "pmc.sqlite3")
            circle, date = prepare_circle(store, script)
            if mode == "full":
                mid = import_meeting(store, circle, wav, timeline, date,
                                     transcriber=transcriber, drafter=drafter,
                                     contract_pass="prompted", refiner=_refiner)
            else:
                members = {m.name: m for m in store.members(circle)}
                segments = _live_windows(transcriber(), audio)
                session = _live_session(store, circle, members, turns, audio, segments,
                                        transcriber(), date, started=0.0)
                _draft_during(session, drafter)
                _quick_end(session, transcriber, drafter)
                mid = session.meeting.id
            score = score_meeting(store, mid, script)
            totals[mode].add(score)
            row[mode] = _score(score)
            store.close()
        per.append(row)
        log(f"    {row}")
    return {"scripts": per, "total": {k: _score(v) for k, v in totals.items()}}


def _score(s: Any) -> dict[str, Any]:
    d = s.__dict__ if hasattr(s, "__dict__") else {}
    out = {k: v for k, v in d.items() if isinstance(v, (int, float))}
    for name in ("recall", "precision", "report_accuracy"):
        value = getattr(s, name, None)
        if callable(value):
            value = value()
        if isinstance(value, (int, float)):
            out[name] = round(float(value), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="latency,end,quality")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--lengths", default="15,30,60")
    ap.add_argument("--scripts", default="", help="quality: these scripts only, e.g. eval_c")
    ap.add_argument("--contract-beam", type=int, default=1,
                    help="the contract_beam_size setting the contracts pass is built with")
    args = ap.parse_args()
    _BEAM["contract_beam_size"] = args.contract_beam
    OUT.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"load_before": loadavg()}
    parts = args.only.split(",")
    if "latency" in parts:
        out["latency"] = latency(args.repeats, print)
    if "end" in parts:
        out["end"] = end_to_review([int(x) for x in args.lengths.split(",")], print)
    if "quality" in parts:
        out["quality"] = quality(print, set(filter(None, args.scripts.split(","))))
    out["load_after"] = loadavg()
    text = json.dumps(out, indent=1, default=str)
    (OUT / f"live_drafting-{int(time.time())}.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
