"""The consent ledger: separate grants, withdrawal, and events persisted in the store."""

from __future__ import annotations

import pytest

from assistant.core.meeting.consent import CONSENT_TEXT, ConsentLedger, Person
from assistant.core.store.store import Store


def test_each_member_consents_separately() -> None:
    events: list[tuple[int, bool]] = []
    ledger = ConsentLedger([Person(1, "Ana"), Person(2, "Ben")],
                           lambda m, g: events.append((m, g)))
    assert not ledger.all_consented()
    ledger.grant(1)
    assert not ledger.all_consented()
    assert [p.name for p in ledger.missing()] == ["Ben"]
    ledger.grant(2)
    assert ledger.all_consented() and ledger.missing() == []
    ledger.grant(2)  # repeated: no second event
    ledger.withdraw(1)
    assert not ledger.all_consented() and not ledger.granted(1)
    assert ledger.toggle(1) is True
    assert events == [(1, True), (2, True), (1, False), (1, True)]


def test_unknown_member_and_empty_ledger() -> None:
    ledger = ConsentLedger([])
    assert not ledger.all_consented()  # nobody present: nothing to record
    with pytest.raises(KeyError):
        ConsentLedger([Person(1, "Ana")]).grant(9)


def test_a_failing_store_leaves_consent_ungranted() -> None:
    def broken(member_id: int, granted: bool) -> None:
        raise OSError("disk full")

    ledger = ConsentLedger([Person(1, "Ana")], broken)
    with pytest.raises(OSError):
        ledger.grant(1)
    assert not ledger.granted(1)


def test_events_are_stored_and_replayed() -> None:
    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana", "Ben", "Cai"])
    ana, ben, cai = store.members(circle)
    meeting = store.create_meeting(circle, "2025-01-01", "2025-01-15", "live")
    store.set_attendance(meeting.id, {ana.id: True, ben.id: True, cai.id: False})
    ledger = ConsentLedger.for_meeting(store, meeting.id)
    assert [p.name for p in ledger.present] == ["Ana", "Ben"]
    ledger.grant(ana.id)
    ledger.grant(ben.id)
    ledger.withdraw(ben.id)
    events = store.consent_events(meeting.id)
    assert [(m, g) for m, g, _ in events] == [(ana.id, True), (ben.id, True), (ben.id, False)]
    assert all(at for _, _, at in events)
    again = ConsentLedger.for_meeting(store, meeting.id)
    assert again.granted(ana.id) and not again.granted(ben.id)
    ledger.withdraw_all()
    assert [(m, g) for m, g, _ in store.consent_events(meeting.id)][-1] == (ana.id, False)


def test_consent_text_says_what_where_how_long_and_local() -> None:
    from assistant.core.privacy.retention import Policy

    text = CONSENT_TEXT.format(audio_dir="~/audio", kept=Policy().describe()).lower()
    assert "transcript deleted when the next meeting starts" in text
    for phrase in ("recorded:", "stored:", "kept:", "never leaves", "off the record",
                   "withdraw", "deleted"):
        assert phrase in text
