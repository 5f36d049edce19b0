"""Speech to text: the faster-whisper backend, the choice of backend, and files.

The Transcriber protocol, the segment types and the decoding options are in
types.py, shared with the openai-whisper backend. A Transcriber turns 16 kHz
mono audio (a file path or an array) into segments with absolute times and
word timestamps. Backends load their model once, in the constructor, and can
then be called many times (live windows, batches).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.audio import decode as audio_mod
from assistant.core.errors import PMCError
from assistant.core.speech import regions
from assistant.core.speech.mel import precise_features
from assistant.core.speech.runtime import prepare_for_speech, resolve_compute_type
from assistant.core.speech.types import (
    DECODING,
    DecodingOptions,
    ProgressFn,
    SpeechSegment,
    Transcriber,
    Word,
    beam_twin,
    default_threads,
)

# faster-whisper transcribes audio longer than this batched (BatchedInferencePipeline,
# which decodes at temperature 0 only). Measured on the 10-minute meeting: batch 4
# cuts the real-time factor by about a quarter, at lower peak RSS than batch 8, which
# is no faster on two cores. On the 2.5-minute scripted meetings it changed one
# contract's words (circle_dev1), so meetings that short stay sequential.
BATCH_MIN_SECONDS = 240.0
# Sequential path: VAD above one window (regions.py: a mostly silent window is skipped with
# the words at its end). Prompted audio (one contracts turn, all speech) keeps the 60 s
# the refine pass was tuned with.
PROMPTED_VAD_MIN_SECONDS = 60.0
BATCH_SIZE = 4
# Batch 2 holds ~150-200 MB less but was 10% slower on the 15-minute meeting here (float32,
# 2-core AMD EPYC, 2 runs each: batch 4 38.2-39.5 s, batch 2 42.2-44.3 s, batch 3 42.0-44.2
# s), so the import's memory is kept down by not holding the contracts model during the
# first pass instead (services/processing.Models.set_aside).
# transcribe_path's window: the audio held at once. 120 s windows saved ~200 MB of
# peak RSS but cut circle_dev1 inside its contracts (recall 0.89 -> 0.44), and would
# never reach BATCH_MIN_SECONDS; 300 s keeps RSS flat and under 1 GB (growth bench).
WINDOW_SECONDS = 300.0


class FasterWhisperTranscriber:
    """faster-whisper (CTranslate2), int8 on CPU, greedy with temperature fallback.

    Long audio (a file window, more than BATCH_MIN_SECONDS) goes through
    faster-whisper's BatchedInferencePipeline: VAD cuts it at pauses into chunks
    of at most 30 s, and BATCH_SIZE chunks are encoded and decoded together, which
    keeps both cores busy in the decoder; it has no temperature fallback. Shorter
    audio (a live window, one contracts turn, a short meeting) and prompted audio
    are decoded the sequential way, with fallback.
    """

    name = "faster-whisper"

    def __init__(self, model_dir: Path, *, language: str | None = "en", beam_size: int = 1,
                 threads: int = 0, compute_type: str = "auto",
                 decoding: DecodingOptions = DECODING) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        prepare_for_speech()  # numpy's BLAS on one thread (runtime.py, measured there)
        self.compute_type = resolve_compute_type(compute_type)  # "auto": runtime.py
        try:
            self.model = WhisperModel(str(model_dir), device="cpu",
                                      compute_type=self.compute_type,
                                      cpu_threads=threads or default_threads(), num_workers=1,
                                      local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise PMCError(f"Whisper model at {model_dir} cannot be loaded "
                           f"({exc.__class__.__name__}); run `pmc models verify`") from None
        # Features that do not depend on numpy's BLAS kernel or threads (mel.py).
        precise_features(self.model.feature_extractor)
        self.batched = BatchedInferencePipeline(self.model)
        self.model_dir = model_dir  # its tokenizer files, for the lexicon (lexicon.py)
        self.language = language
        if not self.model.model.is_multilingual:
            self.language = "en"
        self.beam_size = beam_size
        self.decoding = decoding

    def with_beam(self, beam_size: int) -> FasterWhisperTranscriber:
        """This model decoding with another beam: a twin sharing the loaded weights."""
        return beam_twin(self, beam_size)

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: ProgressFn | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        d = self.decoding
        common: dict[str, Any] = dict(
            language=self.language, beam_size=self.beam_size, word_timestamps=True,
            temperature=list(d.temperatures), best_of=d.best_of,
            compression_ratio_threshold=d.compression_ratio_threshold,
            log_prob_threshold=d.logprob_threshold, no_speech_threshold=d.no_speech_threshold,
            condition_on_previous_text=d.condition_on_previous_text,
            initial_prompt=prompt or None)
        # Prompted audio (the contracts-turn refine pass) stays sequential, the
        # decoder that pass was tuned on, however long the turn.
        if len(audio) > BATCH_MIN_SECONDS * audio_mod.RATE and not prompt:
            segments, info = self.batched.transcribe(audio, batch_size=BATCH_SIZE,
                                                     vad_filter=True, **common)
        else:
            segments, info = self.model.transcribe(
                audio, vad_filter=(len(audio) > PROMPTED_VAD_MIN_SECONDS * audio_mod.RATE
                                   if prompt else regions.needs_cutting(audio)),
                vad_parameters={"min_silence_duration_ms": regions.MIN_SILENCE_MS},
                **common)
        out = []
        for s in segments:
            words = tuple(Word(w.start + offset, w.end + offset, w.word, w.probability)
                          for w in (s.words or []))
            text = s.text.strip()
            if text:
                out.append(SpeechSegment(s.start + offset, s.end + offset, text, words))
            if progress:
                progress(min(s.end, info.duration), info.duration)
        if progress:
            progress(info.duration, info.duration)
        return out


def make_transcriber(model_dir: Path, backend: str = "faster-whisper", **kw: object) -> Transcriber:
    if backend == "faster-whisper":
        return FasterWhisperTranscriber(model_dir, **kw)  # type: ignore[arg-type]
    if backend == "openai-whisper":
        from assistant.core.speech.openai_backend import OpenAIWhisperTranscriber

        return OpenAIWhisperTranscriber(model_dir, **kw)  # type: ignore[arg-type]
    raise PMCError(f"unknown Whisper backend '{backend}'; use faster-whisper or openai-whisper")


@dataclass
class FileTranscript:
    segments: list[SpeechSegment]
    duration: float  # seconds of audio decoded
    peak: float  # largest absolute sample: ~0 means silence
    kept: list[tuple[float, np.ndarray]]  # audio of the requested ranges, for a second pass


def transcribe_path(t: Transcriber, path: Path, progress: ProgressFn | None = None,
                    keep: Sequence[tuple[float, float]] = (),
                    window_seconds: float = WINDOW_SECONDS) -> FileTranscript:
    """Transcribe a file window by window, so memory stays flat however long it is.

    `keep` lists (start, end) ranges whose audio is returned too (contracts turns,
    which get a second pass); everything else is dropped once transcribed.
    """
    total = audio_mod.probe(path)
    out = FileTranscript([], 0.0, 0.0, [])
    parts: dict[int, list[np.ndarray]] = {i: [] for i in range(len(keep))}
    for start, samples in audio_mod.stream(path, window_seconds):
        end = start + len(samples) / audio_mod.RATE
        if samples.size:
            out.peak = max(out.peak, float(np.max(np.abs(samples))))

        def step(sec: float, _n: float, base: float = start) -> None:
            if progress:
                progress(base + sec, max(total or 0.0, base + sec))

        if samples.size and float(np.max(np.abs(samples))) >= audio_mod.SILENCE_PEAK:
            out.segments.extend(t.transcribe(samples, offset=start, progress=step))
        for i, (a, b) in enumerate(keep):
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                parts[i].append(samples[int((lo - start) * audio_mod.RATE):
                                        int((hi - start) * audio_mod.RATE)])
        out.duration = end
    if progress:
        progress(out.duration, out.duration)
    out.kept = [(max(0.0, keep[i][0]), np.concatenate(p)) for i, p in parts.items() if p]
    return out


def transcribe_file(t: Transcriber, path: Path,
                    progress: ProgressFn | None = None) -> list[SpeechSegment]:
    result = transcribe_path(t, path, progress)
    if result.peak < audio_mod.SILENCE_PEAK:
        raise PMCError(f"{path} is silent; check the microphone or pick another recording")
    return result.segments
