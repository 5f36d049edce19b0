"""Repair of misheard words from the circle's vocabulary: what it fixes, and what it must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.drafting.vocabulary import repair, sound_key, vocabulary
from assistant.core.speech.lexicon import common_words

VOCAB = vocabulary(["Apply for the grant proposal on stratigraphy",
                    "Clean the sediment data from the facilities survey",
                    "Read four papers on outcrop mapping",
                    "Plan the planting of the wetland plots",
                    "Book the spectrometer for the manager",
                    "Calibrate the electron microscope", "Ask my committee chair",
                    "Review the manuscript", "Apply for the travel grant"],
                   ["Aditi", "Bartholomew"])
# What a speech model's lexicon holds as whole words (lexicon.py); field terms are not.
COMMON = frozenset("""
i will finish run proposal do part then out crop mapping asked read two papers on not apply
be planning wetland plots city clean settlement data outcome send draft advisor sediment
grant facilities survey papers paper chapter prepared prepare plan manage manager after all
book the for planting electronic microscope committed chair review a new menu manual
script travel rent run plans send
""".split())


@pytest.mark.parametrize(("heard", "repaired"), [
    ("I'll do the strata graphy part", "I'll do the stratigraphy part"),
    ("I will clean the sediman data.", "I will clean the sediment data."),
    ("book the spectro meter", "book the spectrometer"),
    ("Bartolomew asked", "Bartholomew asked"),
    ("then the out crop mapping", "then the outcrop mapping"),
    ("the electronic microscope", "the electron microscope"),  # anchored by 'microscope'
    ("ask my committed chair", "ask my committee chair"),  # re-spaced, however common
    # A long field word heard as two common ones that together sound like it.
    ("Review a new menu script", "Review a new manuscript"),
    ("review the manual script", "review the manuscript"),
    # A common word beside an exact anchor, spelled somewhat and sounding much like it.
    ("apply for the travel rent", "apply for the travel grant"),
])
def test_repairs_a_close_mishearing(heard: str, repaired: str) -> None:
    assert repair(heard, VOCAB, COMMON) == repaired


@pytest.mark.parametrize("heard", [
    "I will finish the run proposal",  # a real word heard clearly is kept, even if close
    "I will read two papers on outcrop mapping",  # a number is never changed
    "I will not apply",  # nor a negation
    "I'll be planning the wetland plots",  # a real, different word close to 'planting'
    "the city",  # too far from 'facilities' to guess
    "I will clean the settlement data",  # 'settlement' is not 'sediment'
    "I will read the outcome",  # 'outcome' is not 'outcrop'
    "I will send the draft to my advisor",  # nothing like the vocabulary
    "Clean the sediment data",  # heard right: unchanged
    "I prepared the poster",  # a small word is not swallowed into a match ('prepare')
    "I decided not to do it after all",
    "the wetland paper",  # plural, tense and word swaps of real words are left alone
    "I would manage",
    "feedback on the data. I'll book it",  # contractions are words heard, not noise
    "Maybe I'll clean the sediment data",
    "apply for the travel run",  # spelled too unlike 'grant' to guess
    "send the new script",  # not the same first sound as 'manuscript'
    "Plan the wetland plans",  # 'plans' does not sound enough like 'plots'
    "the menu",  # one common word is not half of a field word
])
def test_leaves_alone_what_is_not_a_strong_match(heard: str) -> None:
    assert repair(heard, VOCAB, COMMON) == heard


def test_nothing_to_repair_with_changes_nothing() -> None:
    assert repair("the sediman data", [], COMMON) == "the sediman data"
    assert repair("the sediman data", VOCAB, frozenset()) == "the sediman data"
    assert repair("", VOCAB, COMMON) == ""


def test_short_words_and_stopword_runs_are_not_vocabulary() -> None:
    assert {p.text for p in vocabulary(["Read the data for my CV"])} == set()


def test_sound_key_merges_spellings_that_sound_alike() -> None:
    assert sound_key("phase") == sound_key("faze")
    assert sound_key("stratigraphy") == sound_key("stratygrafy")
    assert sound_key("sediment") != sound_key("settlement")


def test_lexicon_is_the_whole_word_tokens(tmp_path: Path) -> None:
    (tmp_path / "vocabulary.txt").write_text("\n".join(
        ["!", "\u0120run", "\u0120Grant", "ing", "\u0120strat", "\u01201999", "\u0120a"]))
    assert common_words(tmp_path) == {"run", "grant", "strat"}
    other = tmp_path / "hf"
    other.mkdir()
    (other / "tokenizer.json").write_text(json.dumps({"model": {"vocab": {"\u0120paper": 1}}}))
    assert common_words(other) == {"paper"}
    assert common_words(tmp_path / "missing") == frozenset()


class _Lexiconed:
    """A transcriber whose model folder holds a small lexicon (nothing is transcribed)."""

    name = "lexiconed"

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir

    def transcribe(self, audio, offset=0.0, progress=None, prompt=None):  # type: ignore[no-untyped-def]
        raise AssertionError("repair needs no recognition")


def test_the_flow_repairs_members_words_from_the_circles_earlier_contracts(
        tmp_path: Path) -> None:
    from assistant.core.drafting.attribution import TurnSpan, Utterance
    from assistant.core.store.store import Store
    from assistant.services.processing import repair_words

    (tmp_path / "vocabulary.txt").write_text("\n".join(f"\u0120{w}" for w in COMMON))
    store = Store(":memory:")
    circle = store.create_circle("C", ["Ana", "Ben"])
    ana, ben = store.members(circle)
    before = store.create_meeting(circle, "2025-01-01", "2025-01-15", "live")
    store.add_item(before.id, ben.id, "Map the stratigraphy of the outcrop")
    now = store.create_meeting(circle, "2025-01-15", "2025-01-29", "live")
    turn = TurnSpan(1, ana.id, "Ana", "contracts", 0.0, 5.0)
    heard = [Utterance(turn, 0.0, 5.0, "I will finish the strata graphy part"),
             Utterance(None, 5.0, 6.0, "strata graphy")]  # nobody's turn: left as heard
    out = repair_words(store, circle, now, heard, _Lexiconed(tmp_path))
    assert [u.text for u in out] == ["I will finish the stratigraphy part", "strata graphy"]
    # no model, no lexicon: words not heard by a model are left alone
    assert repair_words(store, circle, now, heard, None) == heard
