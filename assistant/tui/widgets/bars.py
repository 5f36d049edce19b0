"""Text-drawn bars: the turn countdown, the input level meter and talk time per member.

They are plain `Static`s fed with numbers by their screen's timer, so they cost
nothing between ticks and render the same in a snapshot as on a laptop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from assistant.core.meeting.timekeeper import TurnState, fmt_seconds

STATE_STYLE = {"ok": "green", "amber": "dark_orange", "red": "red"}


def bar(fraction: float, width: int, style: str, empty_style: str = "grey37") -> Text:
    fraction = min(1.0, max(0.0, fraction))
    full = int(round(fraction * width))
    return Text.assemble(("█" * full, style), ("░" * (width - full), empty_style))


class CountdownBar(Static):
    """How much of the current turn is used; amber in its last minute, red on overrun."""

    DEFAULT_CSS = "CountdownBar { height: 1; }"

    def show(self, used: float, state: TurnState) -> None:
        width = max(10, self.size.width or 40)
        self.update(bar(used, width, STATE_STYLE[state]))
        self.set_classes(f"state-{state}")


class LevelMeter(Static):
    """Input level on a -60..0 dBFS scale, ten cells wide."""

    DEFAULT_CSS = "LevelMeter { width: 12; height: 1; }"

    def show(self, level: float, active: bool) -> None:
        db = 20 * math.log10(level) if level > 0 else -120.0
        frac = (db + 60) / 60 if active else 0.0
        style = "red" if db > -3 else "green"
        self.update(Text("▕") + bar(frac, 10, style, "grey30") + Text("▏"))


class TalkTime(Static):
    """Seconds each member has spoken against an equal share, in circle order, unranked."""

    def show(self, names: Sequence[str], seconds: Sequence[float], share: float,
             speaker: int | None) -> None:
        width = 10
        name_w = min(12, max((len(n) for n in names), default=4))
        out = Text()
        for i, (name, s) in enumerate(zip(names, seconds, strict=True)):
            # The bar's middle is the share; a full bar is twice the share.
            frac = 0.5 if share <= 0 and s > 0 else (s / (2 * share) if share > 0 else 0.0)
            mark = "▶" if i == speaker else " "
            out.append(f"{mark}{i + 1} {name[:name_w]:<{name_w}} ",
                       style="bold" if i == speaker else "")
            cells = bar(frac, width, "cyan")
            out.append_text(cells[: width // 2])
            out.append("│", style="grey70")
            out.append_text(cells[width // 2:])
            out.append(f" {fmt_seconds(s):>5}\n")
        out.append(f"  share so far {fmt_seconds(share)} each", style="grey62")
        self.update(out)
