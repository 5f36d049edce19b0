"""Building the app's parts from settings: store, transcriber, drafter.

The CLI and the TUI both get their parts from here, and tests build the same
parts with small real models or fakes (the factory pattern of posting's
make_posting). Models are resolved and verified only when a part is built,
never at import time.
"""

from __future__ import annotations

from assistant.core import locations, models
from assistant.core.contracts import Drafter
from assistant.core.llm import LocalLLM
from assistant.core.settings import Settings
from assistant.core.store import Store
from assistant.core.transcribe import Transcriber, make_transcriber


def open_store() -> Store:
    locations.ensure(locations.home())
    return Store(locations.database_path())


def build_transcriber(settings: Settings, model: str | None = None,
                      backend: str | None = None) -> Transcriber:
    path = models.resolve(model or settings.whisper_model, "speech")
    return make_transcriber(path, backend or settings.whisper_backend,
                            language=settings.language, beam_size=settings.beam_size,
                            threads=settings.threads)


def build_drafter(settings: Settings, llm_model: str | None = None) -> Drafter:
    if not settings.use_llm:
        return Drafter(None)
    path = models.resolve(llm_model or settings.llm_model, "llm")
    return Drafter(LocalLLM(path, threads=settings.threads))
