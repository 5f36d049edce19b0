"""What the `pmc` subject modules share: the command registry, argument types, output.

`Commands` wraps one level of subcommands (the top level, or the ACTION level of a
subject such as `pmc circle`), so a subject module registers its commands through
public calls only and never reaches into argparse's internals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.core.errors import PMCError

Handler = Callable[[argparse.Namespace], int]


class Commands:
    """The subcommands of one parser; each command runs `fn(args)` for its exit status."""

    def __init__(self, parser: argparse.ArgumentParser, dest: str, metavar: str,
                 required: bool = False) -> None:
        self._sub = parser.add_subparsers(dest=dest, metavar=metavar, required=required)

    def command(self, name: str, fn: Handler, help: str) -> argparse.ArgumentParser:
        """A command whose help line is also its description; returns it for its arguments."""
        parser = self._sub.add_parser(name, help=help, description=help)
        parser.set_defaults(fn=fn)
        return parser

    def group(self, name: str, help: str) -> Commands:
        """A subject with actions (`pmc NAME ACTION`); an action is required."""
        return Commands(self._sub.add_parser(name, help=help), dest="sub", metavar="ACTION",
                        required=True)


def date_arg(value: str) -> dt.date:
    """An argparse type: a YYYY-MM-DD date, or argparse's one-line usage error."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; use YYYY-MM-DD") from None


def cadence_arg(value: str) -> int:
    """An argparse type: days between meetings, 1 to 365 (as the app's circle form allows)."""
    if not value.strip().isdigit() or not 1 <= int(value) <= 365:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of days from 1 to 365")
    return int(value)


def timestamp(sec: float, sep: str) -> str:
    """HH:MM:SS<sep>mmm, the subtitle formats' time (sep is ',' for SRT, '.' for WebVTT)."""
    ms = int(round(sec * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_out(text: str, out: str | None) -> None:
    """Write to stdout, or atomically to a file (a half-written file never replaces one)."""
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
