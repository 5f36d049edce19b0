"""A contracts sentence the timekeeper's early key press cut, heard by real tiny.en.

Two members' voices rendered by espeak-ng (core/audio/synth.py): Ana's contract, then
Ben's. The logged boundary falls 1-2 s before Ana stops speaking, as when a timekeeper
moves on a little early. Attribution and the contracts second pass must keep Ana's whole
sentence in her turn and none of it in Ben's, wherever the recording happened to start
(word timings shift by tenths of a second with it, which once moved Ana's last word into
Ben's second pass).
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

from assistant.core.audio import activity, synth
from assistant.core.drafting.attribution import TurnSpan, attribute
from assistant.services.processing import Heard, hear, refine_contracts
from tests.conftest import missing

pytestmark = pytest.mark.model

ANA = "I am going to write the results section of my paper for thirty minutes each morning."
BEN = "Thank you. I will email two more labs about the survey this week."


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, dict]:
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        missing("espeak-ng and sox are needed to render speech (apt-get install espeak-ng sox)")
    folder = tmp_path_factory.mktemp("boundary")
    script = {"name": "boundary", "gap_seconds": 0.9, "members": [
        {"name": "Ana", "voice": "en-us", "speed": 160},
        {"name": "Ben", "voice": "en-gb", "speed": 165}],
        "turns": [{"speaker": "Ana", "segment": "contracts", "text": ANA},
                  {"speaker": "Ben", "segment": "contracts", "text": BEN}]}
    wav, timeline = folder / "m.wav", folder / "m.json"
    synth.render_clean(script, wav, timeline)
    from assistant.core.audio import decode

    return decode.load(wav), json.loads(timeline.read_text())


_heard: dict[float, Heard] = {}


@pytest.mark.parametrize("lead", [0.5, 1.0])  # seconds of room before anyone speaks
@pytest.mark.parametrize("early", [1.0, 2.0])  # seconds before Ana stops that "next" was pressed
def test_a_sentence_cut_by_an_early_key_press_stays_whole(  # type: ignore[no-untyped-def]
        tiny_transcriber, rendered, lead: float, early: float) -> None:
    speech, timeline = rendered
    audio = np.concatenate([np.zeros(int(16000 * lead), dtype=np.float32), speech])
    spoken = [(t["start"] + lead, t["end"] + lead) for t in timeline["turns"]]
    press = spoken[0][1] - early
    turns = [TurnSpan(1, 10, "Ana", "contracts", 0.0, press),
             TurnSpan(2, 11, "Ben", "contracts", press, spoken[1][1] + 1.0)]
    pieces = [(0.0, audio)]
    if lead not in _heard:  # the first hearing does not depend on the key press
        _heard[lead] = hear(tiny_transcriber, pieces)
    heard = _heard[lead]
    # The words Ana said after the press really are there (else the test proves nothing).
    late = [w for s in heard.segments for w in s.words if w.start > press]
    assert {"morning"} <= set(words("".join(w.word for w in late)))

    first = attribute(heard.segments, turns, activity.silences(pieces))
    refined = refine_contracts(tiny_transcriber, pieces, first, None)
    for utterances in (first, refined):
        ana = words(" ".join(u.text for u in utterances if u.turn is turns[0]))
        ben = words(" ".join(u.text for u in utterances if u.turn is turns[1]))
        assert {"results", "paper", "minutes", "each", "morning"} <= set(ana), ana
        assert ana[-2:] == ["each", "morning"], ana
        assert not {"morning", "minutes"} & set(ben), ben
        assert {"email", "survey", "week"} <= set(ben), ben
