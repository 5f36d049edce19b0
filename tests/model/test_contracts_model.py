"""The contracts turns are heard again by whisper-base on a default install (`make models`
pulls it; settings' contract_model = "auto"), with the real weights: the model the
refiner loads is base, and it hears speech with a prompt as the contracts pass gives one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import Settings
from assistant.core.speech import runtime
from assistant.services import parts

pytestmark = pytest.mark.model


def test_the_default_contracts_model_is_whisper_base_and_hears_speech(
        base_dir: Path, tiny_en_dir: Path, shared_dir: Path) -> None:
    from assistant.core.audio.decode import load

    refiner = parts.build_refiner(Settings())
    from assistant.core.speech.transcribe import FasterWhisperTranscriber

    assert isinstance(refiner, FasterWhisperTranscriber), "auto did not pick whisper-base"
    assert Path(refiner.model_dir) == base_dir != tiny_en_dir
    # "auto" compute type: the one measured fastest with this CPU's matrix library, and
    # the contracts pass's own beam.
    assert refiner.model.model.compute_type == runtime.default_compute_type()
    assert refiner.beam_size == Settings().contract_beam_size
    audio = load(shared_dir / "data" / "speech" / "jfk.flac")
    said = " ".join(s.text for s in refiner.transcribe(np.asarray(audio, np.float32),
                                                       prompt="Words: country."))
    assert "country" in said.lower() and "fellow americans" in said.lower(), said
    # During the meeting the same weights decode greedily (live_drafts.LIVE_BEAM): a twin,
    # not a second copy in memory, hearing the same words.
    live = refiner.with_beam(1)
    assert live.beam_size == 1 != refiner.beam_size and live.model is refiner.model
    heard = " ".join(s.text for s in live.transcribe(np.asarray(audio, np.float32),
                                                     prompt="Words: country."))
    assert "fellow americans" in heard.lower(), heard
    # Asked for tiny.en, the contracts pass uses the meeting's own model, unless only its
    # beam differs (then its own tiny.en, decoding at that beam).
    assert parts.build_refiner(Settings(contract_model="whisper-tiny.en",
                                        contract_beam_size=1)) is None
    tiny = parts.build_refiner(Settings(contract_model="whisper-tiny.en"))
    assert isinstance(tiny, FasterWhisperTranscriber) and Path(tiny.model_dir) == tiny_en_dir
    assert tiny.beam_size == Settings().contract_beam_size
