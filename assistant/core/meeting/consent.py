"""The consent ledger: who among those present has agreed to be recorded.

Each present member grants consent separately and may withdraw it at any
time; recording is allowed only while every present member consents. Every
grant and withdrawal is an event persisted with the meeting (who, when,
granted or withdrawn) through the `record` callback, normally
`Store.record_consent`, before the ledger reports it as done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.core.store.store import Store

# What the consent screen says, in one place so the UI and docs agree.
CONSENT_TEXT = (
    "Recorded: the sound of this meeting from this computer's microphone, only while "
    "the screen shows ● REC.\n"
    "Stored: on this computer only, in {audio_dir} and the local database.\n"
    # {kept} is the circle's retention policy in the words `pmc retention` prints, so
    # what people agree to is what the app then does (retention.apply_due).
    "Kept: {kept}.\n"
    "It never leaves this machine: transcription and drafting run here, offline.\n"
    "Anyone can go off the record (o) or withdraw consent (w) at any time; recording "
    "stops at once."
)
# Added to the text when the circle meets by phone or video: the call is a second track.
CALL_CONSENT_TEXT = (
    "This meeting is also a call: the call's audio (what the members joining by phone or "
    "video say, as this computer plays it) is recorded as a second track, under the same "
    "rules: off the record and withdrawal stop both tracks. The timekeeper should wear "
    "headphones, so the room microphone does not record the call a second time."
)


@dataclass(frozen=True)
class Person:
    id: int
    name: str


class ConsentLedger:
    def __init__(self, present: Sequence[Person],
                 record: Callable[[int, bool], None] | None = None) -> None:
        self.present = list(present)
        self._record = record
        self._granted: dict[int, bool] = {p.id: False for p in self.present}

    @classmethod
    def for_meeting(cls, store: Store, meeting_id: int) -> ConsentLedger:
        """The ledger of a stored meeting: its attendees, with earlier events replayed."""
        people = [Person(m.id, m.name) for m in store.attendees(meeting_id)]
        ledger = cls(people, lambda mid, g: store.record_consent(meeting_id, mid, g))
        for member_id, granted, _at in store.consent_events(meeting_id):
            if member_id in ledger._granted:
                ledger._granted[member_id] = granted
        return ledger

    def _check(self, member_id: int) -> None:
        if member_id not in self._granted:
            raise KeyError(f"member {member_id} is not present at this meeting")

    def grant(self, member_id: int) -> None:
        self._set(member_id, True)

    def withdraw(self, member_id: int) -> None:
        self._set(member_id, False)

    def toggle(self, member_id: int) -> bool:
        self._check(member_id)
        self._set(member_id, not self._granted[member_id])
        return self._granted[member_id]

    def _set(self, member_id: int, granted: bool) -> None:
        self._check(member_id)
        if self._granted[member_id] == granted:
            return
        if self._record is not None:
            self._record(member_id, granted)  # persisted first: a crash never loses an event
        self._granted[member_id] = granted

    def granted(self, member_id: int) -> bool:
        self._check(member_id)
        return self._granted[member_id]

    def all_consented(self) -> bool:
        return bool(self.present) and all(self._granted.values())

    def missing(self) -> list[Person]:
        return [p for p in self.present if not self._granted[p.id]]

    def withdraw_all(self) -> None:
        for p in self.present:
            self.withdraw(p.id)
