"""`pmc meeting ...` (import, show, list, resume, start), `pmc devices` and `pmc status`.

Also the terminal app's launch (`pmc` alone, `pmc meeting start`) and the one-line
notice that list commands print when a crash left a meeting unfinished.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from assistant.cli.common import Commands, date_arg, timestamp
from assistant.core import settings as settings_mod


def cmd_meeting_import(a: argparse.Namespace) -> int:
    from assistant.cli.progress import Bar
    from assistant.services import parts
    from assistant.services.pipeline import import_meeting

    settings = settings_mod.load()
    store = parts.open_store()
    circle = store.circle(a.circle)
    bar = Bar()
    mid = import_meeting(
        store, circle, Path(a.audio), Path(a.timeline) if a.timeline else None,
        a.date or dt.date.today(),
        transcriber=lambda: parts.build_transcriber(settings, a.model, a.backend),
        drafter=lambda: parts.build_drafter(settings, a.llm), progress=bar,
        contract_pass=settings.contract_pass,
        refiner=lambda: parts.build_refiner(settings, a.model, a.backend))
    bar.close()
    items = store.items(mid)
    print(f"imported meeting {mid}: {len(store.segments(mid))} transcript segments, "
          f"{len(items)} contract drafts; review with `pmc recap {mid}`", file=sys.stderr)
    print(mid)
    return 0


def cmd_meeting_show(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    m = store.meeting(a.id)
    circle = store.circle_by_id(m.circle_id)
    names = store.member_names(circle)
    print(f"{circle.name} — meeting #{m.id} on {m.date} ({m.status})")
    by_turn: dict[int | None, list[str]] = {}
    for s in store.segments(m.id):
        by_turn.setdefault(s.turn_id, []).append(s.text)
    for t in store.turns(m.id):
        who = names.get(t.member_id, "?") if t.member_id else "open discussion"
        text = " ".join(by_turn.pop(t.id, [])) or "(nothing transcribed)"
        print(f"\n[{timestamp(t.start, '.')[:8]}] {t.segment} — {who}\n  {text}")
    if by_turn.get(None):
        print("\n[unattributed]\n  " + " ".join(by_turn[None]))
    return 0


def cmd_meeting_list(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    circles = [store.circle(a.circle)] if a.circle else store.circles()
    for c in circles:
        for m in store.meetings(c):
            print(f"#{m.id}  {c.name}  {m.date}  {m.source:<7} {m.status}")
    return 0


def cmd_meeting_resume(a: argparse.Namespace) -> int:
    """Finish what a crash left: recover audio, transcribe, draft members not yet drafted."""
    from assistant.services import parts, resume

    settings = settings_mod.load()
    store = parts.open_store()
    if a.id is not None:
        store.meeting(a.id)

    def say(line: str) -> None:  # progress on stderr; what is still left goes to stdout
        print(line, file=sys.stderr, flush=True)

    resume.resume_all(store, None if a.id is None else [a.id],
                      transcriber=lambda: parts.build_transcriber(settings),
                      drafter=lambda: parts.build_drafter(settings),
                      contract_pass=settings.contract_pass, say=say,
                      refiner=lambda: parts.build_refiner(settings))
    return cmd_status(a)


def cmd_status(a: argparse.Namespace) -> int:
    """What is incomplete, one line per meeting (crash-interrupted work and waiting drafts)."""
    from assistant.services import parts, resume

    left = resume.report(parts.open_store())
    for s in left:
        print(s.line())
    if not left:
        print("nothing is incomplete")
    return 0


def incomplete_notice() -> None:
    """At the start of a command: one line on stderr if a crash left a meeting unfinished.

    Quiet on any failure: the command itself then reports the problem (e.g. no passphrase).
    """
    from assistant.core import locations
    from assistant.services import parts, resume

    if not locations.database_path().exists():
        return
    try:
        store = parts.open_store()
        try:
            line = resume.notice(store)
        finally:
            store.close()
    except Exception:
        return
    if line:
        print(f"pmc: {line}", file=sys.stderr)


def run_tui(circle: str | None, device: str | None, record: bool, *,
            room_source: str | None = None, call_source: str | None = None) -> int:
    """The terminal app; a new home is encrypted first, as `pmc circle create` does."""
    from assistant.services import parts
    from assistant.tui.app import run_app

    if sys.stdin.isatty() and parts.is_new_home():
        print("Circle Assistant keeps this home encrypted: choose a passphrase "
              "(set PMC_PASSPHRASE to skip this prompt).", file=sys.stderr)
        parts.prepare_home(True)
    settings = settings_mod.load()
    if record and (call_source or room_source):
        # A wrong source name is one line now, not a surprise when the meeting starts.
        from assistant.core.audio import pulse

        for name in (room_source, call_source):
            if name:
                pulse.check_source(name)
    store = parts.open_store()
    return run_app(settings, store, circle=circle, input_device=device, record=record,
                   room_source=room_source, call_source=call_source)


def cmd_meeting_start(a: argparse.Namespace) -> int:
    return run_tui(a.circle, a.input_device, not a.no_record, room_source=a.room_source,
                   call_source=a.call_source)


def cmd_devices(a: argparse.Namespace) -> int:
    from assistant.core.audio import pulse
    from assistant.core.audio.recorder import list_input_devices

    if pulse.available():
        # The sound server's sources by name: a microphone for the room, and for a video
        # circle the monitor of the output device the call plays through.
        sources = pulse.list_sources()
        print("sound sources (PulseAudio / PipeWire), for --room-source and --call-source:")
        for d in sources:
            marks = [m for m, on in (("default microphone", d.default and not d.monitor),
                                     ("default source", d.default and d.monitor),
                                     ("monitor of the default output: the call",
                                      d.default_monitor)) if on]
            mark = f"  [{'; '.join(marks)}]" if marks else ""
            print(f"  {d.kind:<10}  {d.name}  ({d.description}){mark}")
        if not sources:
            print("  none; plug in a microphone")
        return 0
    devices = list_input_devices()
    print("PortAudio input devices, for --input-device (no PulseAudio server found, so "
          "no call audio can be recorded):")
    if not devices:
        print("no input devices found; plug in a microphone or use --no-record")
    for idx, name, channels in devices:
        print(f"{idx:>3}  {name}  ({channels} input channels)")
    return 0


def register(top: Commands) -> None:
    ms = top.group("meeting", "import, show or start meetings")
    x = ms.command("import", cmd_meeting_import,
                   "transcribe a recorded meeting, attribute it from its turn timeline and "
                   "draft contracts; prints the new meeting id last")
    x.add_argument("audio", metavar="AUDIO")
    x.add_argument("--circle", required=True, metavar="NAME")
    x.add_argument("--timeline", metavar="FILE", help="turn timeline JSON (who spoke when)")
    x.add_argument("--date", type=date_arg, help="meeting date YYYY-MM-DD (default today)")
    x.add_argument("--model", help="Whisper model name or directory")
    x.add_argument("--backend", choices=["faster-whisper", "openai-whisper"])
    x.add_argument("--llm", help="LLM model name or .gguf file")
    x = ms.command("show", cmd_meeting_show, "print a meeting's transcript grouped by turn")
    x.add_argument("id", type=int, metavar="ID")
    x = ms.command("list", cmd_meeting_list, "list meetings")
    x.add_argument("--circle", metavar="NAME")
    x = ms.command("resume", cmd_meeting_resume,
                   "finish meetings a crash left incomplete (recover audio, transcribe, draft "
                   "the members not yet drafted), then say what is left")
    x.add_argument("id", type=int, nargs="?", metavar="ID", help="only this meeting")
    x = ms.command("start", cmd_meeting_start, "run a live meeting in the terminal app")
    x.add_argument("--circle", metavar="NAME")
    x.add_argument("--input-device", metavar="ID", help="input device (see `pmc devices`)")
    x.add_argument("--no-record", action="store_true", help="timekeeping only, no microphone")
    x.add_argument("--room-source", metavar="NAME",
                   help="sound source of the room, a microphone (see `pmc devices`; "
                   "default: the setting room_source, else the default source)")
    x.add_argument("--call-source", metavar="NAME",
                   help="sound source of a phone or video call, usually the monitor of the "
                   "output device (see `pmc devices`; default: the setting call_source)")
    top.command("devices", cmd_devices, "list sound sources: microphones and the monitors of "
                "output devices (call audio)")


def register_status(top: Commands) -> None:
    top.command("status", cmd_status,
                "say what is incomplete: meetings a crash left unfinished, drafts awaiting "
                "review")
