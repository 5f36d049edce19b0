"""`pmc recap`, `pmc goals`, and the scripted meetings `pmc demo` and `pmc eval`.

Recaps and goals show contracts, never the transcript.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.cli.common import Commands, write_out
from assistant.core import locations
from assistant.core import settings as settings_mod
from assistant.core.errors import PMCError


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
    write_out(text, a.output)
    return 0


def cmd_goals(a: argparse.Namespace) -> int:
    from assistant.core.reports import goals as goals_mod
    from assistant.services import parts

    store = parts.open_store()
    circles = [store.circle(a.circle)] if a.circle else store.circles()
    found = [(c, m) for c in circles for m in store.members(c) if m.name.lower() ==
             a.member.lower()]
    if not found:
        raise PMCError(f"no member named '{a.member}'" + (f" in '{a.circle}'" if a.circle else "")
                       + "; see `pmc circle show NAME`")
    if len(found) > 1:
        raise PMCError(f"'{a.member}' is in several circles; add --circle NAME")
    circle, member = found[0]
    hist = goals_mod.history(store, circle, member)
    if a.format == "json":
        print(json.dumps(goals_mod.to_json(member, circle, hist), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(goals_mod.to_markdown(member, circle, hist))
    return 0


def cmd_demo(a: argparse.Namespace) -> int:
    from assistant.cli.progress import Bar
    from assistant.core.reports import recap
    from assistant.services import parts
    from assistant.services.scripted import TemporaryHome, load_script, run_script

    demo = locations.package_data("demo")
    script = load_script(demo / "demo_circle.json")
    settings = settings_mod.load()  # the user's settings, before switching to a temporary home
    with TemporaryHome(a.keep):
        store = parts.open_store()
        if a.keep and any(c.name == script["circle"] for c in store.circles()):
            raise PMCError(f"circle '{script['circle']}' already exists in {locations.home()}; "
                           "run the demo without --keep")
        print(f"Demo: importing a {len(script['members'])}-member meeting "
              f"({demo / 'demo_circle.wav'})", file=sys.stderr)
        bar = Bar()
        mid = run_script(store, script, demo / "demo_circle.wav",
                         demo / "demo_circle.timeline.json", bar, settings)
        bar.close()
        sys.stdout.write(recap.recap_markdown(store, mid))
        store.close()
    return 0


def cmd_eval(a: argparse.Namespace) -> int:
    paths = [Path(p) for p in a.paths]
    if len(paths) == 3 and paths[0].suffix == ".json" and paths[1].suffix != ".json":
        return _eval_one(a, *paths)
    return _eval_folder(a, paths)


def _eval_one(a: argparse.Namespace, script_path: Path, audio: Path, timeline: Path) -> int:
    """The single-meeting form: a script with its own rendered audio and timeline."""
    from assistant.cli.progress import Bar
    from assistant.core.reports.evaluate import score_meeting
    from assistant.services import parts
    from assistant.services.scripted import TemporaryHome, load_script, run_script

    script = load_script(script_path)
    if "truth" not in script:
        raise PMCError(f"{script_path} has no 'truth' section to score against")
    settings = settings_mod.load()
    with TemporaryHome(False):
        store = parts.open_store()
        bar = Bar()
        mid = run_script(store, script, audio, timeline, bar, settings)
        bar.close()
        s = score_meeting(store, mid, script)
        store.close()
    result = {"script": script.get("name", str(script_path)), "recall": round(s.recall, 3),
              "precision": round(s.precision, 3), "report_back_accuracy":
              round(s.report_accuracy, 3), "found": s.found, "truth": s.truth,
              "drafted": s.drafted, "misses": s.misses, "extras": s.extras}
    if a.json or a.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['script']}: recall {s.recall:.2f} ({s.found}/{s.truth}), precision "
              f"{s.precision:.2f} ({s.correct_items}/{s.drafted}), report-back accuracy "
              f"{s.report_accuracy:.2f} ({s.report_right}/{s.report_total})")
        for line in s.misses:
            print(f"  missed: {line}")
        for line in s.extras:
            print(f"  extra:  {line}")
    return 0


def _eval_folder(a: argparse.Namespace, paths: list[Path]) -> int:
    """Scripts (or folders of them) rendered per condition, scored per condition and class."""
    from assistant.cli.progress import Bar
    from assistant.core import models
    from assistant.core.speech.runtime import resolve_compute_type
    from assistant.core.speech.types import DECODING
    from assistant.core.store.store import Store
    from assistant.services import evaluation, parts
    from assistant.services.scripted import TemporaryHome

    scripts = evaluation.find_scripts(paths)
    conditions = [c.strip() for c in a.conditions.split(",") if c.strip()]
    settings = settings_mod.load()
    cache = Path(a.cache) if a.cache else locations.cache_dir() / "eval"
    bar = Bar()

    def say(line: str) -> None:  # names a script and a condition; never transcript text
        if not bar.tty:
            print(line, file=sys.stderr, flush=True)

    refined = parts.refiner_model_name(settings)  # the contracts pass's own model, if any
    # Transcripts differ between compute types, so remembered ones are kept apart; int8,
    # the one compute type before it was a setting, keeps the key it had then.
    ct = resolve_compute_type(settings.compute_type)
    kind = "" if ct == "int8" or settings.whisper_backend != "faster-whisper" else f"|{ct}"
    # Each meeting gets its own in-memory store; the temporary home keeps anything else
    # a run might write away from the user's data.
    with TemporaryHome(False):
        report = evaluation.evaluate(
            scripts, conditions, cache, open_store=lambda: Store(":memory:"),
            transcriber=lambda: parts.build_transcriber(settings),
            drafter=lambda: parts.build_drafter(settings), progress=bar,
            contract_pass=settings.contract_pass, say=say,
            reuse_asr=((f"{settings.whisper_model}|{settings.whisper_backend}|"
                        f"{settings.language}|{settings.beam_size}|{DECODING}{kind}",
                        models.resolve(settings.whisper_model, "speech"))
                       if a.reuse_asr else None),
            refiner=(lambda: parts.build_refiner(settings)) if refined else None,
            reuse_refiner=((f"{refined}|{settings.whisper_backend}|"
                            f"{settings.language}|{settings.contract_beam_size}|{DECODING}"
                            f"{kind}",
                            models.resolve(refined, "speech"))
                           if a.reuse_asr and refined else None))
    bar.close()
    if a.json or a.format == "json":
        print(json.dumps(evaluation.to_json(report), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(evaluation.to_markdown(report))
    return 0


def register_recap(top: Commands) -> None:
    x = top.command("recap", cmd_recap,
                    "print a meeting's recap (contracts, never the transcript)")
    x.add_argument("id", type=int, metavar="ID")
    x.add_argument("--format", choices=["md", "json", "ics"], default="md")
    x.add_argument("--with-items", action="store_true", help="ics: put contracts in the invite")
    x.add_argument("-o", "--output", metavar="FILE")


def register(top: Commands) -> None:
    x = top.command("goals", cmd_goals, "a member's own goal history (only their items)")
    x.add_argument("member", metavar="MEMBER")
    x.add_argument("--circle", metavar="NAME")
    x.add_argument("--format", choices=["md", "json"], default="md")

    x = top.command("demo", cmd_demo,
                    "import the bundled sample meeting end to end and print its recap")
    x.add_argument("--keep", action="store_true",
                   help="keep the demo circle in your PMC_HOME (default: a temporary home)")

    x = top.command("eval", cmd_eval,
                    "score contract drafting on scripted meetings with truth: SCRIPT.json "
                    "AUDIO TIMELINE, or scripts and folders rendered per condition")
    x.add_argument("paths", nargs="+", metavar="PATH",
                   help="SCRIPT.json AUDIO TIMELINE, or meeting scripts and folders of them")
    x.add_argument("--conditions", default="clean,room,phone",
                   help="comma-separated: text (the script's words, no speech recognition), "
                        "clean, room, phone (default: clean,room,phone)")
    x.add_argument("--cache", metavar="DIR",
                   help="where rendered audio is kept (default: the user cache, eval/)")
    x.add_argument("--format", choices=["md", "json"], default="md")
    x.add_argument("--json", action="store_true", help="same as --format json")
    x.add_argument("--reuse-asr", action="store_true",
                   help="keep speech recognition results in the cache (asr/) and reuse them "
                        "for the same audio, prompt and settings: for tuning drafting")
