"""The `pmc` command: the parser, built from the subject modules, and dispatch.

Each subject module (models, circles, meetings, contracts, reports, privacy)
defines its commands and a `register` function; this package calls them in the
order `pmc --help` lists the commands. Registration goes one way only: the
subject modules import `common`, never this package.

Every command runs under the network guard except `pmc models pull`. Errors
the user can fix are one line on stderr and exit status 2; tracebacks are shown
only with PMC_DEBUG=1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from assistant.cli import circles, contracts, meetings, models, privacy, reports
from assistant.cli.common import Commands
from assistant.core.errors import PMCError
from assistant.core.privacy import guard

# Commands that look at the circles' data start with a line if a crash left work undone.
NOTICE_COMMANDS = {("circle", "list"), ("circle", "show"), ("meeting", "list"),
                   ("meeting", "show"), ("contract", "list")}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pmc", description="Circle Assistant: consented local recording, timekeeping, "
        "on-device transcription and contract drafting for Peer Mentoring Circles. "
        "Run with no command to open the terminal app.")
    p.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    top = Commands(p, dest="command", metavar="COMMAND")
    models.register(top)            # models ..., transcribe
    circles.register(top)           # circle ...
    meetings.register(top)          # meeting ..., devices
    reports.register_recap(top)     # recap
    contracts.register(top)         # contract ...
    meetings.register_status(top)   # status
    reports.register(top)           # goals, demo, eval
    privacy.register(top)           # passphrase change, purge, forget, retention
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not (args.command == "models" and getattr(args, "sub", None) == "pull"):
        guard.install_guard()
    try:
        if args.command is None:
            return meetings.run_tui(None, None, True)
        if (args.command, getattr(args, "sub", None)) in NOTICE_COMMANDS:
            meetings.incomplete_notice()
        code = int(args.fn(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
        return code
    except PMCError as exc:
        print(f"pmc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pmc: interrupted; nothing was saved from the unfinished step", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`pmc meeting show 1 | head`): what it wanted it has; stop
        # quietly. Python would report the pipe again when flushing stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0
    except Exception as exc:  # no traceback for users; PMC_DEBUG=1 shows it
        if os.environ.get("PMC_DEBUG"):
            raise
        print(f"pmc: internal error ({exc.__class__.__name__}); rerun with PMC_DEBUG=1 "
              "and report it", file=sys.stderr)
        return 1
