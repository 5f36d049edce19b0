"""Tick boxes that read without colour: ticked shows X, unticked is empty.

Textual draws the same X in a ticked and an unticked box and tells them apart by colour
only, so on a monochrome terminal, to a colour-blind timekeeper or in a screenshot an
absent member looked present. These draw the X only when ticked.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

EMPTY = " "


class TickBox(Checkbox):
    """A Checkbox whose box is empty when unticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mark()

    def _mark(self) -> None:
        # Read by ToggleButton each time it draws the box.
        self.BUTTON_INNER = ToggleButton.BUTTON_INNER if self.value else EMPTY

    def watch_value(self) -> None:
        self._mark()
        super().watch_value()


class TickList(SelectionList[int]):
    """A SelectionList of ids whose unticked boxes are empty."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        segments = list(strip)
        # The box is drawn first: its left side, the inner mark, its right side.
        if len(segments) > 1 and segments[1].text == ToggleButton.BUTTON_INNER:
            segments[1] = Segment(EMPTY, segments[1].style, segments[1].control)
            return Strip(segments, strip.cell_length)
        return strip
