"""Commands beyond the core import path: contracts, goals, demo and eval."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core import locations
from assistant.core import settings as settings_mod
from assistant.core.errors import PMCError
from assistant.core.reports import goals as goals_mod
from assistant.core.store.store import REPORT_STATUSES, Circle, Store


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD") from None


def add_manual_item(store: Store, circle: Circle, member: str, date: dt.date, text: str) -> int:
    """An approved item made at a (pre-tool) meeting on `date`; the meeting is created if new."""
    if not text.strip():
        raise PMCError("the contract text is empty; give it as the last argument")
    m = store.member(circle, member)
    meeting = next((x for x in store.meetings(circle) if x.date == date.isoformat()), None)
    with store.tx():
        if meeting is None:
            meeting = store.create_meeting(
                circle, date.isoformat(),
                (date + dt.timedelta(days=circle.cadence_days)).isoformat(), "manual", "closed")
            store.set_attendance(meeting.id, {m.id: True})
        else:
            store.set_attendance(meeting.id, {m.id: True})
        item = store.add_item(meeting.id, m.id, text.strip(), status="approved", origin="manual",
                              due=(date + dt.timedelta(days=circle.cadence_days)).isoformat())
    return item.id


def cmd_contract_add(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    iid = add_manual_item(store, store.circle(a.circle), a.member, a.date, " ".join(a.text))
    print(f"added approved item {iid}")
    return 0


def cmd_contract_list(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    meeting = store.meeting(a.meeting)
    circle = store.circle_by_id(meeting.circle_id)
    names = store.member_names(circle)
    for i in store.items(meeting.id):
        flag = " (tentative)" if i.tentative else ""
        print(f"{i.id:>5}  {names[i.member_id]:<12} {i.status:<9} {i.text} — by {i.due}{flag}")
    return 0


def cmd_contract_set(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    for iid in a.ids:
        store.item(iid)
    with store.tx():
        for iid in a.ids:
            if a.text is not None:
                store.update_item(iid, text=a.text)
            store.set_item_status(iid, a.action)
    print(f"{a.action}: {', '.join(map(str, a.ids))}")
    return 0


def cmd_contract_report(a: argparse.Namespace) -> int:
    from assistant.services import parts

    store = parts.open_store()
    store.meeting(a.meeting)
    store.item(a.item)
    store.set_report_back(a.meeting, a.item, a.status, confirmed=True)
    print(f"item {a.item}: {a.status} (confirmed)")
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
                      contract_pass=settings.contract_pass, say=say)
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


def cmd_goals(a: argparse.Namespace) -> int:
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


def load_script(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise PMCError(f"cannot read meeting script {path}; give a script JSON with "
                       "members and truth") from None
    if not isinstance(data, dict) or "members" not in data:
        raise PMCError(f"{path} is not a meeting script (no 'members')")
    return data


def run_script(store: Store, script: dict[str, Any], audio: Path, timeline: Path,
               progress: Callable[[str, float], None],
               settings: settings_mod.Settings) -> int:
    """Create the script's circle and previous contracts, then import its meeting."""
    from assistant.services import parts
    from assistant.services.pipeline import import_meeting

    names = [m["name"] for m in script["members"]]
    circle = store.create_circle(script.get("circle", script.get("name", "Circle")), names)
    date = dt.date.fromisoformat(script.get("meeting_date", dt.date.today().isoformat()))
    before = date - dt.timedelta(days=circle.cadence_days)
    for member, texts in script.get("previous_contracts", {}).items():
        for text in texts:
            add_manual_item(store, circle, member, before, text)
    return import_meeting(store, circle, audio, timeline, date,
                          transcriber=lambda: parts.build_transcriber(settings),
                          drafter=lambda: parts.build_drafter(settings), progress=progress,
                          contract_pass=settings.contract_pass)


class _TempHome:
    """Run with PMC_HOME in a temporary directory (the demo never touches real data)."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep

    def __enter__(self) -> Path:
        self.old = os.environ.get("PMC_HOME")
        if self.keep:
            return locations.home()
        self.tmp = tempfile.TemporaryDirectory(prefix="pmc-demo-")
        os.environ["PMC_HOME"] = self.tmp.name
        return Path(self.tmp.name)

    def __exit__(self, *exc: object) -> None:
        if self.keep:
            return
        if self.old is None:
            os.environ.pop("PMC_HOME", None)
        else:
            os.environ["PMC_HOME"] = self.old
        self.tmp.cleanup()


def cmd_demo(a: argparse.Namespace) -> int:
    from assistant.core.reports import recap
    from assistant.progress import Bar
    from assistant.services import parts

    demo = locations.package_data("demo")
    script = load_script(demo / "demo_circle.json")
    settings = settings_mod.load()  # the user's settings, before switching to a temporary home
    with _TempHome(a.keep):
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
    from assistant.core.reports.evaluate import score_meeting
    from assistant.progress import Bar
    from assistant.services import parts

    script = load_script(Path(a.script))
    if "truth" not in script:
        raise PMCError(f"{a.script} has no 'truth' section to score against")
    settings = settings_mod.load()
    with _TempHome(False):
        store = parts.open_store()
        bar = Bar()
        mid = run_script(store, script, Path(a.audio), Path(a.timeline), bar, settings)
        bar.close()
        s = score_meeting(store, mid, script)
        store.close()
    result = {"script": script.get("name", a.script), "recall": round(s.recall, 3),
              "precision": round(s.precision, 3), "report_back_accuracy":
              round(s.report_accuracy, 3), "found": s.found, "truth": s.truth,
              "drafted": s.drafted, "misses": s.misses, "extras": s.extras}
    if a.json:
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


Subparsers = argparse._SubParsersAction  # argparse's (private) type of `add_subparsers()`


def register(sub: Subparsers, add: Callable[..., argparse.ArgumentParser]) -> None:
    cp = sub.add_parser("contract", help="add, list, approve and report on contract items")
    cs = cp.add_subparsers(dest="sub", metavar="ACTION", required=True)
    x = add(cs, "add", cmd_contract_add,
            "record an approved item made at a meeting on DATE (for circles that met before "
            "adopting the tool)")
    x.add_argument("--circle", required=True, metavar="NAME")
    x.add_argument("--member", required=True, metavar="NAME")
    x.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    x.add_argument("text", nargs="+", metavar="TEXT")
    x = add(cs, "list", cmd_contract_list, "list a meeting's contract items with their ids")
    x.add_argument("meeting", type=int, metavar="MEETING_ID")
    for action, help_ in (("approve", "approve items (optionally with new --text)"),
                          ("delete", "delete draft items"), ("draft", "return items to draft")):
        x = add(cs, action, cmd_contract_set, help_)
        x.add_argument("ids", type=int, nargs="+", metavar="ITEM_ID")
        x.add_argument("--text", help="replace the item's text")
        x.set_defaults(action={"approve": "approved", "delete": "deleted",
                               "draft": "draft"}[action])
    x = add(cs, "report", cmd_contract_report,
            "confirm what became of an earlier item at this meeting")
    x.add_argument("meeting", type=int, metavar="MEETING_ID")
    x.add_argument("item", type=int, metavar="ITEM_ID")
    x.add_argument("status", choices=REPORT_STATUSES)

    add(sub, "status", cmd_status,
        "say what is incomplete: meetings a crash left unfinished, drafts awaiting review")

    x = add(sub, "goals", cmd_goals, "a member's own goal history (only their items)")
    x.add_argument("member", metavar="MEMBER")
    x.add_argument("--circle", metavar="NAME")
    x.add_argument("--format", choices=["md", "json"], default="md")

    x = add(sub, "demo", cmd_demo,
            "import the bundled sample meeting end to end and print its recap")
    x.add_argument("--keep", action="store_true",
                   help="keep the demo circle in your PMC_HOME (default: a temporary home)")

    x = add(sub, "eval", cmd_eval, "score contract drafting on a scripted meeting with truth")
    x.add_argument("script", metavar="SCRIPT.json")
    x.add_argument("audio", metavar="AUDIO")
    x.add_argument("timeline", metavar="TIMELINE")
    x.add_argument("--json", action="store_true")

    from assistant import commands_privacy  # passphrase, purge, forget; circle create --no-encrypt
    commands_privacy.register(sub, add)
