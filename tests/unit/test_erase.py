"""Erased spans: merging, cutting them out of the audio, dropping what lands in them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core import locations
from assistant.core.audio.recorder import RATE
from assistant.core.privacy import erase
from assistant.core.store.store import Store


def test_merge_pads_sorts_and_joins() -> None:
    assert erase.merge([(6, 8), (0.2, 3), (3.4, 4)], pad=0.5) == [(0.0, 4.5), (5.5, 8.5)]
    assert erase.merge([(2, 2), (5, 4)]) == []  # empty and reversed turns hold nothing


def test_cut_takes_the_spans_out_of_the_pieces() -> None:
    a = np.arange(4 * RATE, dtype=np.float32)  # 0..4 s
    b = np.arange(2 * RATE, dtype=np.float32) + 1e6  # 10..12 s
    pieces = erase.cut([(0.0, a), (10.0, b)], [(1.0, 2.0), (3.95, 10.5)])
    assert [(s, len(x) / RATE) for s, x in pieces] == [(0.0, 1.0), (2.0, 1.95), (10.5, 1.5)]
    assert pieces[1][1][0] == a[2 * RATE] and pieces[2][1][0] == b[RATE // 2]
    assert erase.cut([(0.0, a)], []) == [(0.0, a)]
    assert erase.cut([(0.0, a)], [(-1.0, 5.0)]) == []


@pytest.fixture
def store(pmc_home: Path) -> Store:
    locations.ensure(pmc_home)
    return Store(pmc_home / "pmc.sqlite3")


def test_segments_in_erased_spans_are_dropped_whoever_they_are_attributed_to(
        store: Store) -> None:
    c = store.create_circle("Glacier", ["Ana", "Ben"])
    ana, ben = store.members(c)
    m = store.create_meeting(c, "2026-03-05", "2026-03-19", "live", "open")
    store.add_turns(m.id, [(ana.id, "check_in", 0, 5), (ben.id, "check_in", 5, 10)])
    assert erase.drop_erased_segments(store, m.id) == 0  # nothing erased: nothing dropped
    erase.erase_member(store, m.id, ana, spans=[(0.0, 5.0)], reason="withdrawal")
    store.add_segments(m.id, [(None, None, "check_in", 1.0, 2.0, "thank you for watching"),
                              (None, ana.id, "check_in", 4.0, 9.0, "attributed to ana"),
                              (None, ben.id, "check_in", 5.0, 5.8, "spilled over"),
                              (None, ben.id, "check_in", 5.2, 9.0, "ben speaks")])
    store.add_item(m.id, ana.id, "Map the glacier", quote="heard in silence", start=1.0, end=2.0)
    assert erase.drop_erased_segments(store, m.id) == 3
    assert [s.text for s in store.segments(m.id)] == ["ben speaks"]  # only its edge in the pad
    assert store.items(m.id, ana.id)[0].quote == ""
    rows = store.db.execute("SELECT member_id, start, end, reason FROM erasures").fetchall()
    assert [tuple(r) for r in rows] == [(ana.id, 0.0, 5.5, "withdrawal")]


def test_is_erased_follows_the_same_rule_as_dropping_segments(store: Store) -> None:
    c = store.create_circle("Glacier", ["Ana", "Ben"])
    ana, ben = store.members(c)
    m = store.create_meeting(c, "2026-03-05", "2026-03-19", "live", "open")
    store.add_turns(m.id, [(ana.id, "check_in", 0, 5), (ben.id, "check_in", 5, 10)])
    assert not erase.is_erased(store, m.id)(ana.id, 1.0, 2.0)  # nothing erased yet
    erase.erase_member(store, m.id, ana, spans=[(0.0, 5.0)], reason="withdrawal")
    test = erase.is_erased(store, m.id)
    assert test(None, 1.0, 2.0)  # centred in the span, whoever said it
    assert test(ana.id, 4.0, 9.0)  # hers, touching her span
    assert test(ben.id, 5.0, 5.8)  # centred in the pad
    assert not test(ben.id, 5.2, 9.0)  # his, only its edge in the pad
    assert not test(ana.id, 6.0, 9.0)  # outside every span


def test_process_meeting_drafts_nothing_from_an_erased_span(store: Store) -> None:
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.speech.types import SpeechSegment, Word
    from assistant.services import processing

    c = store.create_circle("Glacier", ["Ana", "Ben"])
    ana, ben = store.members(c)
    m = store.create_meeting(c, "2026-03-05", "2026-03-19", "live", "open")
    store.set_attendance(m.id, {ana.id: True, ben.id: True})
    store.add_turns(m.id, [(ana.id, "contracts", 0, 5), (ben.id, "contracts", 5, 10)])
    erase.erase_member(store, m.id, ana, spans=[(0.0, 5.0)], reason="withdrawal")

    def seg(a: float, b: float, text: str) -> SpeechSegment:
        return SpeechSegment(a, b, text, (Word(a, b, " " + text, 1.0),))

    class Scripted:  # what a transcriber might still place at the cut's edge
        name = "scripted"

        def transcribe(self, audio: np.ndarray, offset: float = 0.0, progress: object = None,
                       prompt: str | None = None) -> list[SpeechSegment]:
            return [seg(4.0, 5.4, "I will map the glacier."),
                    seg(6.0, 9.0, "I will order the sensor parts.")]

    audio = [(0.0, np.full(10 * RATE, 0.1, dtype=np.float32))]
    models = processing.Models(Scripted, lambda: Drafter(None))
    processing.process(store, m.id, models, audio=audio, contract_pass="off")
    assert [i.text for i in store.items(m.id, ana.id)] == []
    assert [i.text for i in store.items(m.id, ben.id)] == ["Order the sensor parts"]
    assert [s.text for s in store.segments(m.id)] == ["I will order the sensor parts."]


def test_erase_takes_every_fragment_of_a_turn_split_by_a_pause(store: Store) -> None:
    """Ana's turn, paused in the middle: words Whisper places in the pause next to her
    turn (attributed to it) go too, in the end-of-meeting pass and in a resume."""
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.speech.types import SpeechSegment, Word
    from assistant.services import processing

    c = store.create_circle("Glacier", ["Ana", "Ben"])
    ana, ben = store.members(c)
    m = store.create_meeting(c, "2026-03-05", "2026-03-19", "live", "open")
    store.set_attendance(m.id, {ana.id: True, ben.id: True})
    # Ana 0-5, paused 5-8, Ana again 8-12, Ben 12-18.
    store.add_turns(m.id, [(ana.id, "contracts", 0, 5), (ana.id, "contracts", 8, 12),
                           (ben.id, "contracts", 12, 18)])
    erase.erase_member(store, m.id, ana, spans=[(0.0, 5.0), (8.0, 12.0)],
                       reason="withdrawal")

    def seg(a: float, b: float, text: str) -> SpeechSegment:
        return SpeechSegment(a, b, text, (Word(a, b, " " + text, 1.0),))

    class Scripted:
        name = "scripted"

        def transcribe(self, audio: np.ndarray, offset: float = 0.0, progress: object = None,
                       prompt: str | None = None) -> list[SpeechSegment]:
            return [seg(5.6, 6.0, "I will map"), seg(7.0, 7.4, "the glacier"),
                    seg(13.0, 16.0, "I will order the sensor parts.")]

    audio = [(0.0, np.full(18 * RATE, 0.1, dtype=np.float32))]
    models = processing.Models(Scripted, lambda: Drafter(None))
    processing.process(store, m.id, models, audio=audio, contract_pass="off")
    assert [s.text for s in store.segments(m.id)] == ["I will order the sensor parts."]
    assert store.items(m.id, ana.id) == []

    # The same rule where a stored transcript is cleaned (resume after a crash).
    first, second, _ = store.turns(m.id)
    store.add_segments(m.id, [(first.id, ana.id, "contracts", 5.6, 6.0, "I will map"),
                              (second.id, ana.id, "contracts", 7.0, 7.4, "the glacier")])
    assert erase.drop_erased_segments(store, m.id) == 2
    assert [s.text for s in store.segments(m.id)] == ["I will order the sensor parts."]
