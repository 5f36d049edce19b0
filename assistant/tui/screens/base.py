"""What every screen shares: typed access to the app and a help text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from assistant.core.meeting.agenda import AgendaSegment

if TYPE_CHECKING:
    from assistant.services.session import MeetingSession
    from assistant.tui.app import CircleApp


class _AppAccess:
    """Typed access to the app and the meeting in progress, for screens and modals alike."""

    @property
    def pmc(self) -> CircleApp:
        return cast("CircleApp", cast(DOMNode, self).app)

    @property
    def session(self) -> MeetingSession:
        """The live meeting; only screens shown during one ask for it."""
        session = self.pmc.session
        assert session is not None
        return session


class BaseScreen(_AppAccess, Screen[Any]):
    HELP: ClassVar[str] = ""


class BaseModal(_AppAccess, ModalScreen[Any]):
    HELP: ClassVar[str] = ""


def agenda_summary(agenda: tuple[AgendaSegment, ...], members: int) -> str:
    parts = []
    for s in agenda:
        each = " each" if s.per_member else ""
        parts.append(f"{s.title} {s.minutes:g} min{each}")
    total = sum(s.planned_seconds(members) for s in agenda) / 60
    return f"{', '.join(parts)} — {total:.0f} min for {members}"


def screen_actions(screen: Screen[Any]) -> list[tuple[Binding, DOMNode]]:
    """The screen's and the app's key bindings that are available now (for help, palette)."""
    out: list[tuple[Binding, DOMNode]] = []
    seen = set()
    app = screen.app
    for node in (screen, app):
        for _key, binding in node._bindings:
            if not binding.description or binding.action in seen:
                continue
            if binding.action.startswith(("app.focus", "screen.copy")):
                continue  # Textual's own, the same on every screen
            if app._check_action_state(binding.action, node) is False:
                continue
            seen.add(binding.action)
            out.append((binding, node))
    return out
