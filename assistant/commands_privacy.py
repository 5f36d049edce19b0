"""Privacy commands: encryption of a new home, passphrase change, retention (purge, forget).

`register` adds `pmc passphrase change`, `pmc purge`, `pmc forget` and `pmc retention`, and
gives `pmc circle create` its `--no-encrypt` option: encryption is per PMC_HOME (the
database is), so the first circle of a new home decides, encrypted by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.core import locations
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto
from assistant.core.store.store import Store


# --- encryption ----------------------------------------------------------------------------------
def cmd_circle_create(a: argparse.Namespace) -> int:
    from assistant import cli
    from assistant.core.meeting import agenda
    from assistant.services import parts

    if a.agenda:
        agenda.load_file(Path(a.agenda))  # a bad agenda fails before any passphrase prompt
    if not a.name.strip() or not a.member:
        return cli.cmd_circle_create(a)  # its own one-line errors, nothing created
    encrypted = parts.prepare_home(encrypt=not a.no_encrypt)
    rc = cli.cmd_circle_create(a)
    if not encrypted:
        why = ("--no-encrypt" if a.no_encrypt else
               "it already held unencrypted circles before this version")
        print(f"note: {locations.home()} is not encrypted ({why})", file=sys.stderr)
    return rc


def _open_with(keys: crypto.Keys) -> Store:
    candidates = keys.db_keys()
    for n, key in enumerate(candidates):
        try:
            return Store(locations.database_path(), key)
        except PMCError:
            if n == len(candidates) - 1:
                raise
    raise AssertionError("unreachable")


def cmd_passphrase_change(a: argparse.Namespace) -> int:
    home = locations.home()
    if not crypto.is_encrypted(home):
        raise PMCError(f"{home} is not encrypted, so it has no passphrase to change")
    old = crypto.unlock(home, crypto.passphrase(home, what="current passphrase"))
    new = crypto.passphrase(home, new=True, what="new passphrase", env="PMC_NEW_PASSPHRASE")
    store = _open_with(old)

    def rekey(_candidates: list[bytes], new_key: bytes) -> None:
        with store._lock:
            store.db.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            # Old-key pages must not linger in the WAL file.
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    try:
        _keys, count = crypto.rotate(home, old, new, rekey,
                                     lambda c: crypto.reseal_chunks(locations.audio_dir(), c))
    finally:
        store.close()
    print(f"passphrase changed; database re-keyed, {count} audio chunks re-sealed")
    return 0


# --- retention -----------------------------------------------------------------------------------
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
    from dataclasses import replace

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


def register(sub: argparse._SubParsersAction,
             add: Callable[..., argparse.ArgumentParser]) -> None:
    circle = sub.choices["circle"]
    actions = next(x for x in circle._actions if isinstance(x, argparse._SubParsersAction))
    create = actions.choices["create"]
    create.add_argument("--no-encrypt", action="store_true",
                        help="do not encrypt a new home (encryption is per PMC_HOME; default: "
                        "encrypt, with PMC_PASSPHRASE or a prompted passphrase)")
    create.set_defaults(fn=cmd_circle_create)

    pp = sub.add_parser("passphrase", help="change the passphrase of an encrypted home")
    ps = pp.add_subparsers(dest="sub", metavar="ACTION", required=True)
    add(ps, "change", cmd_passphrase_change,
        "change the passphrase: new data key, database re-keyed, audio re-sealed (reads "
        "PMC_PASSPHRASE and PMC_NEW_PASSPHRASE, or asks)")

    x = add(sub, "purge", cmd_purge,
            "apply every circle's retention policy now and print what was deleted")
    x.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    x = add(sub, "forget", cmd_forget,
            "delete what a member said (transcript, quotes, and their turns in the raw audio, "
            "which are silenced) in one meeting or in all of them; their contract items are kept")
    x.add_argument("--circle", required=True, metavar="NAME")
    x.add_argument("--member", required=True, metavar="NAME")
    x.add_argument("--meeting", type=int, metavar="ID", help="only this meeting")
    x = add(sub, "retention", cmd_retention, "show or change a circle's retention policy")
    x.add_argument("circle", metavar="CIRCLE")
    x.add_argument("--transcript-days", type=int, metavar="N",
                   help="delete transcripts N days after the meeting (0: no age limit)")
    x.add_argument("--audio", choices=["approved", "keep"],
                   help="delete raw audio once every item is approved (default) or keep it")
    x.add_argument("--at-next-meeting", choices=["yes", "no"],
                   help="delete a transcript when the next meeting starts (default yes)")
