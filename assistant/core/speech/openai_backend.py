"""The openai-whisper (PyTorch) backend, running on weights converted from CTranslate2.

Same Whisper weights as the faster-whisper backend, so the two can be compared
honestly. It runs float32 on CPU, greedy with the same temperature fallback as
the faster-whisper backend (types.DecodingOptions, best of 5 when sampling) and
without conditioning on earlier text, with word timestamps from the model's
alignment heads. torch and whisper are imported lazily: they are an optional
extra, and importing torch costs seconds and hundreds of MB.
"""

from __future__ import annotations

import base64
import gzip
import importlib
import threading
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core import locations
from assistant.core.errors import PMCError
from assistant.core.speech import regions
from assistant.core.speech.convert import CHECKPOINT_NAME, INSTALL_HINT
from assistant.core.speech.runtime import prepare_for_speech
from assistant.core.speech.types import (
    DECODING,
    DecodingOptions,
    ProgressFn,
    SpeechSegment,
    Word,
    beam_twin,
    default_threads,
)

FRAMES_PER_SECOND = 100  # openai-whisper's mel frame rate, the unit of its progress bar

# openai-whisper reports progress only through a tqdm bar in its transcribe
# module; we swap that module's `tqdm` for a shim while a call runs. The lock
# keeps two concurrent calls from seeing each other's shim.
_CALL_LOCK = threading.Lock()


def _imports() -> tuple[Any, Any]:
    try:
        import torch
        import whisper
    except ImportError:
        raise PMCError(INSTALL_HINT) from None
    return torch, whisper


def find_checkpoint(checkpoint_or_model_dir: Path) -> Path:
    """The `.pt` to load: the path itself, or the converted checkpoint in a CT2 directory."""
    p = Path(checkpoint_or_model_dir).expanduser()
    if p.is_file():
        return p
    if p.is_dir():
        ckpt = p / CHECKPOINT_NAME
        if ckpt.is_file():
            return ckpt
        if (p / "model.bin").is_file():
            # A pulled model is converted by name; a user's own directory by its path.
            name = p.name if p.parent == locations.models_dir() else str(p)
            raise PMCError(f"no openai-whisper checkpoint in {p}; create it with "
                           f"`pmc models convert {name}`")
    raise PMCError(f"{p} is neither an openai-whisper checkpoint nor a CTranslate2 Whisper "
                   "directory")


class _ProgressBar:
    """Stands in for tqdm.tqdm inside whisper.transcribe; forwards frames as seconds."""

    def __init__(self, progress: ProgressFn | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done / FRAMES_PER_SECOND, self.total / FRAMES_PER_SECOND)


class _TqdmShim:
    def __init__(self, progress: ProgressFn | None) -> None:
        self.progress = progress

    def tqdm(self, *args: object, **kw: Any) -> _ProgressBar:
        return _ProgressBar(self.progress, int(kw.get("total") or 0))


def _compile_word_timing_off_thread(torch: Any) -> None:
    """JIT-compile openai-whisper's numba DTW once, in a throwaway thread.

    Measured here: after numba compiles on a thread, torch ops on that same
    thread run 2-3x slower for the rest of its life (GELU 2 ms -> 7 ms), while
    other threads are unaffected. The first word-timestamp call would compile
    on the caller's thread and slow every later transcription, so we compile
    first, elsewhere; calling the compiled code afterwards does no harm.
    """
    from whisper.timing import dtw

    worker = threading.Thread(target=dtw, args=(torch.zeros(2, 3),), name="whisper-dtw-jit")
    worker.start()
    worker.join()


class OpenAIWhisperTranscriber:
    """openai-whisper, float32 on CPU, greedy with temperature fallback."""

    name = "openai-whisper"

    def __init__(self, checkpoint_or_model_dir: Path, *, language: str | None = "en",
                 beam_size: int = 1, threads: int = 0,
                 decoding: DecodingOptions = DECODING) -> None:
        torch, whisper = _imports()
        path = find_checkpoint(checkpoint_or_model_dir)
        prepare_for_speech()  # as faster-whisper does, so the comparison stays fair
        torch.set_num_threads(threads or default_threads())
        try:
            # weights_only: a checkpoint is data, never code to unpickle. mmap + assign
            # use the file's pages as the weights instead of copying them (3x faster load).
            ckpt = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
            dims = whisper.model.ModelDimensions(**ckpt["dims"])
            model = whisper.model.Whisper(dims)
            model.load_state_dict(ckpt["model_state_dict"], assign=True)
        except (RuntimeError, KeyError, TypeError, ValueError, OSError) as exc:
            raise PMCError(f"openai-whisper checkpoint {path} cannot be loaded "
                           f"({exc.__class__.__name__}); convert it again with "
                           f"`pmc models convert`") from None
        heads = ckpt.get("alignment_heads")
        if heads:
            # load_model() would fall back to "all heads of the upper half" for a
            # checkpoint path; the model's own alignment heads give better word times.
            mask = np.zeros((dims.n_text_layer, dims.n_text_head), dtype=bool)
            for layer, head in heads:
                mask[layer, head] = True
            model.set_alignment_heads(base64.b85encode(gzip.compress(mask.tobytes())))
        self.model = model.float().eval()
        _compile_word_timing_off_thread(torch)
        self._transcribe_mod: Any = importlib.import_module("whisper.transcribe")
        self.language = language if model.is_multilingual else "en"
        self.beam_size = beam_size
        self.checkpoint = path
        self.model_dir = path.parent  # its tokenizer files, for the lexicon (lexicon.py)
        self.decoding = decoding

    def with_beam(self, beam_size: int) -> OpenAIWhisperTranscriber:
        """This model decoding with another beam: a twin sharing the loaded weights."""
        return beam_twin(self, beam_size)

    def transcribe(self, audio: np.ndarray, offset: float = 0.0,
                   progress: ProgressFn | None = None,
                   prompt: str | None = None) -> list[SpeechSegment]:
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        duration = len(audio) / 16000
        mod = self._transcribe_mod
        d = self.decoding
        # Audio longer than one window is given only its speech (regions.py); the clip
        # times keep every word at its place in the audio.
        clip_times: list[float] | str = "0"
        if not prompt and regions.needs_cutting(audio):
            clip_times = regions.clips(audio)
            if not clip_times:
                if progress:
                    progress(duration, duration)
                return []
        with _CALL_LOCK:
            saved = mod.tqdm
            mod.tqdm = _TqdmShim(progress)
            try:
                result = mod.transcribe(
                    self.model, audio, language=self.language, task="transcribe",
                    temperature=d.temperatures, best_of=d.best_of,
                    compression_ratio_threshold=d.compression_ratio_threshold,
                    logprob_threshold=d.logprob_threshold,
                    no_speech_threshold=d.no_speech_threshold,
                    beam_size=self.beam_size if self.beam_size > 1 else None,
                    initial_prompt=prompt or None,
                    condition_on_previous_text=d.condition_on_previous_text,
                    clip_timestamps=clip_times,
                    word_timestamps=True, fp16=False, verbose=None)
            finally:
                mod.tqdm = saved
        out = []
        for s in result["segments"]:
            text = s["text"].strip()
            if not text:
                continue
            words = tuple(Word(float(w["start"]) + offset, float(w["end"]) + offset, w["word"],
                               float(w["probability"])) for w in s.get("words", []))
            out.append(SpeechSegment(float(s["start"]) + offset, float(s["end"]) + offset, text,
                                     words))
        if progress:
            progress(duration, duration)
        return out
