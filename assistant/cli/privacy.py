"""Privacy commands: `pmc passphrase change`, `pmc purge`, `pmc forget`, `pmc retention`.

(Whether a new home is encrypted is decided by `pmc circle create`, in circles.py.)
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace

from assistant.cli.common import Commands
from assistant.core.errors import PMCError


def cmd_passphrase_change(a: argparse.Namespace) -> int:
    from assistant.services.privacy import change_passphrase

    count = change_passphrase()
    print(f"passphrase changed; database re-keyed, {count} audio chunks re-sealed")
    return 0


def cmd_purge(a: argparse.Namespace) -> int:
    from assistant.core.privacy import retention
    from assistant.services import parts

    store = parts.open_store()
    plan, counts = retention.purge(store, dt.date.today(), dry_run=a.dry_run)
    for mid, why in sorted(plan.audio.items()):
        print(f"meeting #{mid}: raw audio {'would be ' if a.dry_run else ''}deleted ({why})")
    for mid, why in sorted(plan.transcripts.items()):
        print(f"meeting #{mid}: transcript {'would be ' if a.dry_run else ''}deleted ({why})")
    print(("would delete " if a.dry_run else "deleted ") + counts.line())
    return 0


def cmd_forget(a: argparse.Namespace) -> int:
    from assistant.core.privacy import retention
    from assistant.services import parts

    store = parts.open_store()
    circle = store.circle(a.circle)
    member = store.member(circle, a.member)
    if a.meeting is not None and store.meeting(a.meeting).circle_id != circle.id:
        raise PMCError(f"meeting #{a.meeting} is not a meeting of '{circle.name}'")
    counts = retention.forget(store, circle, member, a.meeting)
    where = f"meeting #{a.meeting}" if a.meeting is not None else f"every meeting of {circle.name}"
    print(f"forgot what {member.name} said in {where}: {counts.segments} transcript segments, "
          f"{counts.quotes} quotes, {counts.deleted_items} deleted drafts; "
          "their contract items are kept")
    for done in counts.erased:
        print(done.audio_line())
    if not counts.erased:
        print("no raw audio was kept" + (" for that meeting" if a.meeting is not None else ""))
    return 0


def cmd_retention(a: argparse.Namespace) -> int:
    from assistant.core.privacy import retention
    from assistant.services import parts

    store = parts.open_store()
    circle = store.circle(a.circle)
    p = retention.policy(store, circle)
    changed = p
    if a.transcript_days is not None and a.transcript_days < 0:
        raise PMCError("--transcript-days must be 0 (no age limit) or more")
    if a.transcript_days is not None:
        changed = replace(changed, transcript_days=a.transcript_days or None)
    if a.audio is not None:
        changed = replace(changed, audio_after_approval=a.audio == "approved")
    if a.at_next_meeting is not None:
        changed = replace(changed, transcripts_at_next_meeting=a.at_next_meeting == "yes")
    if changed != p:
        retention.set_policy(store, circle, changed)
    print(f"{circle.name}: {changed.describe()}")
    return 0


def register(top: Commands) -> None:
    ps = top.group("passphrase", "change the passphrase of an encrypted home")
    ps.command("change", cmd_passphrase_change,
               "change the passphrase: new data key, database re-keyed, audio re-sealed (reads "
               "PMC_PASSPHRASE and PMC_NEW_PASSPHRASE, or asks)")

    x = top.command("purge", cmd_purge,
                    "apply every circle's retention policy now and print what was deleted")
    x.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    x = top.command("forget", cmd_forget,
                    "delete what a member said (transcript, quotes, and their turns in the raw "
                    "audio, which are silenced) in one meeting or in all of them; their "
                    "contract items are kept")
    x.add_argument("--circle", required=True, metavar="NAME")
    x.add_argument("--member", required=True, metavar="NAME")
    x.add_argument("--meeting", type=int, metavar="ID", help="only this meeting")
    x = top.command("retention", cmd_retention, "show or change a circle's retention policy")
    x.add_argument("circle", metavar="CIRCLE")
    x.add_argument("--transcript-days", type=int, metavar="N",
                   help="delete transcripts N days after the meeting (0: no age limit)")
    x.add_argument("--audio", choices=["approved", "keep"],
                   help="delete raw audio once every item is approved (default) or keep it")
    x.add_argument("--at-next-meeting", choices=["yes", "no"],
                   help="delete a transcript when the next meeting starts (default yes)")
