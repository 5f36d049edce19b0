"""Rendering conditions for evaluation: noise at the stated SNR, the phone band, the cache key."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from assistant.core.audio import synth
from assistant.core.errors import PMCError

SCRIPT = {"name": "s", "members": [{"name": "Ana", "voice": "en-us", "speed": 160}],
          "turns": [{"speaker": "Ana", "segment": "contracts", "text": "I will read two papers."}]}


def _tone(freq: float, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(synth.RATE * seconds)) / synth.RATE
    return (8000 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def test_noise_is_added_at_the_stated_snr() -> None:
    clean = _tone(440)
    noisy = synth.add_noise(clean, 25.0, seed=1)
    noise = noisy.astype(np.float64) - clean
    snr = 20 * np.log10(synth.speech_rms(clean) / np.sqrt(np.mean(noise ** 2)))
    assert snr == pytest.approx(25.0, abs=0.3)
    assert np.array_equal(noisy, synth.add_noise(clean, 25.0, seed=1))  # seeded


def test_pink_noise_has_more_power_low_than_high() -> None:
    spec = np.abs(np.fft.rfft(synth.pink_noise(synth.RATE, 3))) ** 2
    freqs = np.fft.rfftfreq(synth.RATE, 1 / synth.RATE)
    low = spec[(freqs > 100) & (freqs < 200)].mean()
    high = spec[(freqs > 4000) & (freqs < 8000)].mean()
    assert low > 10 * high


def _band_energy(x: np.ndarray, lo: float, hi: float) -> float:
    spec = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / synth.RATE)
    return float(spec[(freqs >= lo) & (freqs <= hi)].sum())


def test_phone_band_keeps_speech_band_and_cuts_the_rest(tmp_path: Path) -> None:
    clean = tmp_path / "c.wav"
    x = (_tone(1000).astype(np.int32) + _tone(6000) // 2 + _tone(100) // 2).astype(np.int16)
    synth._write(clean, x)
    synth.degrade(clean, "phone", tmp_path / "p.wav")
    y = synth._read(tmp_path / "p.wav")
    assert abs(len(y) - len(x)) < 100
    assert _band_energy(y, 900, 1100) > 0.5 * _band_energy(x, 900, 1100)
    assert _band_energy(y, 5500, 6500) < 0.001 * _band_energy(x, 5500, 6500)
    assert _band_energy(y, 50, 150) < 0.1 * _band_energy(x, 50, 150)


def test_room_adds_reverb_and_noise_and_keeps_the_length(tmp_path: Path) -> None:
    clean = tmp_path / "c.wav"
    x = np.concatenate([_tone(500, 0.5), np.zeros(synth.RATE // 2, dtype=np.int16)])
    synth._write(clean, x)
    synth.degrade(clean, "room", tmp_path / "r.wav", seed=2)
    y = synth._read(tmp_path / "r.wav")
    assert len(y) == len(x)
    tail = y[int(0.55 * synth.RATE):int(0.65 * synth.RATE)].astype(np.float64)
    assert np.sqrt(np.mean(tail ** 2)) > 50  # reverb tail and noise where the clean is silent


def test_render_key_follows_what_shapes_the_audio() -> None:
    other = copy.deepcopy(SCRIPT)
    other["members"][0]["voice"] = "en-gb"
    keys = {synth.render_key(SCRIPT, "clean"), synth.render_key(SCRIPT, "room"),
            synth.render_key(other, "clean")}
    assert len(keys) == 3
    assert synth.render_key(SCRIPT, "clean") == synth.render_key(copy.deepcopy(SCRIPT), "clean")


def test_rendered_is_cached_and_the_timeline_has_no_text(tmp_path: Path) -> None:
    lines: list[str] = []
    wav, timeline = synth.rendered(SCRIPT, "clean", tmp_path, lines.append)
    assert lines == ["rendering s (clean)"]
    assert "read" not in timeline.read_text()
    assert len(synth._read(wav)) > synth.RATE // 2
    again = synth.rendered(SCRIPT, "clean", tmp_path, lines.append)
    assert again == (wav, timeline) and len(lines) == 1
    with pytest.raises(PMCError, match="unknown condition 'loud'"):
        synth.rendered(SCRIPT, "loud", tmp_path)
