"""`pmc circle ...`: create, list, show, add-member.

Encryption is per PMC_HOME (the database is), so the first circle of a new home
decides: encrypted by default, `--no-encrypt` to opt out. A circle's cadence (days
between meetings, which set each meeting's next date, its recap and .ics) is
`--cadence`, or the `next_meeting_days` setting.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.cli.common import Commands, cadence_arg
from assistant.core import locations
from assistant.core import settings as settings_mod
from assistant.core.meeting import agenda


def _create(a: argparse.Namespace) -> int:
    from assistant.services import parts

    template = agenda.load_file(Path(a.agenda)) if a.agenda else agenda.DEFAULT_AGENDA
    store = parts.open_store()
    circle = store.create_circle(a.name, a.member or [], template, a.cadence)
    print(f"created circle '{circle.name}' with {len(store.members(circle))} members")
    return 0


def cmd_circle_create(a: argparse.Namespace) -> int:
    from assistant.services import parts

    if a.cadence is None:  # settings are read (a bad file fails) before any passphrase prompt
        a.cadence = settings_mod.load().next_meeting_days
    if a.agenda:
        agenda.load_file(Path(a.agenda))  # a bad agenda fails before any passphrase prompt
    if not a.name.strip() or not a.member:
        return _create(a)  # the store's own one-line errors, nothing created
    encrypted = parts.prepare_home(encrypt=not a.no_encrypt)
    rc = _create(a)
    if not encrypted:
        why = ("--no-encrypt" if a.no_encrypt else
               "it already held unencrypted circles before this version")
        print(f"note: {locations.home()} is not encrypted ({why})", file=sys.stderr)
    return rc


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


def register(top: Commands) -> None:
    cs = top.group("circle", "create and inspect circles")
    x = cs.command("create", cmd_circle_create, "create a circle")
    x.add_argument("name", metavar="NAME")
    x.add_argument("--member", action="append", metavar="NAME", help="a member (repeat)")
    x.add_argument("--agenda", metavar="FILE", help="agenda JSON (default: the PMC format)")
    x.add_argument("--cadence", type=cadence_arg, metavar="DAYS",
                   help="days between meetings (default: next_meeting_days in settings.toml, "
                   "14)")
    x.add_argument("--no-encrypt", action="store_true",
                   help="do not encrypt a new home (encryption is per PMC_HOME; default: "
                   "encrypt, with PMC_PASSPHRASE or a prompted passphrase)")
    cs.command("list", cmd_circle_list, "list circles")
    x = cs.command("show", cmd_circle_show, "show a circle's members, agenda and meetings")
    x.add_argument("name", metavar="NAME")
    x = cs.command("add-member", cmd_circle_add_member, "add a member to a circle")
    x.add_argument("circle", metavar="CIRCLE")
    x.add_argument("member", metavar="NAME")
