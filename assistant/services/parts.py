"""Building the app's parts from settings: store, transcriber, drafter.

The CLI and the TUI both get their parts from here, and tests build the same
parts with small real models or fakes (the factory pattern of posting's
make_posting). Models are resolved and verified only when a part is built,
never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

from assistant.core import locations, models
from assistant.core.drafting.contracts import Drafter
from assistant.core.drafting.llm import LocalLLM
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto
from assistant.core.settings import Settings
from assistant.core.speech.transcribe import make_transcriber
from assistant.core.speech.types import Transcriber
from assistant.core.store.store import Store, plain_file_has_circles


def _is_plain_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\0"


def _fresh(db: Path) -> bool:
    """No database yet, or an unencrypted one with nothing in it (made by e.g. `circle list`)."""
    if not db.exists() or db.stat().st_size == 0:
        return True
    if not _is_plain_sqlite(db):
        return False
    return not plain_file_has_circles(db)


def prepare_home(encrypt: bool) -> bool:
    """Before the first circle: make an encrypted home if asked. True if the home is encrypted.

    Encryption is per home, because the database is: a home that already holds
    unencrypted circles stays as it is (`pmc circle create` says so).
    """
    home = locations.ensure(locations.home())
    if crypto.is_encrypted(home) or not encrypt:
        return crypto.is_encrypted(home)
    db = locations.database_path()
    if not _fresh(db):
        return False
    secret = crypto.passphrase(home, new=True)
    for suffix in ("", "-wal", "-shm", "-journal"):  # empty, so nothing is lost
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    keys = crypto.create(home, secret)
    Store(db, keys.db_keys()[0]).close()
    return True


def open_store() -> Store:
    """The home's store, unlocked with its passphrase when the home is encrypted.

    A fresh home is encrypted when PMC_PASSPHRASE is set (scripts and tests); otherwise
    `pmc circle create` decides (see `prepare_home`).
    """
    home = locations.ensure(locations.home())
    db = locations.database_path()
    if not crypto.is_encrypted(home):
        if os.environ.get(crypto.ENV) and _fresh(db):
            prepare_home(True)
        elif db.exists() and db.stat().st_size and not _is_plain_sqlite(db):
            raise PMCError(f"{db} is encrypted but {crypto.keyinfo_path(home)} is missing; "
                           "restore keyinfo.json from a backup")
        else:
            return Store(db)
    keys = crypto.keys_for(home)
    assert keys is not None
    return unlock_store(keys)


def unlock_store(keys: crypto.Keys) -> Store:
    """The home's encrypted store, opened with the first of `keys`' database keys that fits.

    A crash during a passphrase change can leave two candidates (crypto.Keys.db_keys).
    """
    candidates = keys.db_keys()
    for n, key in enumerate(candidates):
        try:
            return Store(locations.database_path(), key)
        except PMCError:
            if n == len(candidates) - 1:
                raise
    raise AssertionError("unreachable")


def is_new_home() -> bool:
    """Not encrypted and no circle yet: the first start may still choose encryption."""
    return not crypto.is_encrypted(locations.home()) and _fresh(locations.database_path())


def build_transcriber(settings: Settings, model: str | None = None,
                      backend: str | None = None, beam_size: int | None = None) -> Transcriber:
    path = models.resolve(model or settings.whisper_model, "speech")
    backend = backend or settings.whisper_backend
    # The compute type is faster-whisper's; openai-whisper computes in float32 always.
    extra = {"compute_type": settings.compute_type} if backend == "faster-whisper" else {}
    return make_transcriber(path, backend, language=settings.language,
                            beam_size=beam_size or settings.beam_size,
                            threads=settings.threads, **extra)


# The contracts second pass hears only the contracts turns (a few minutes of a meeting), so
# it can afford a larger model than the whole meeting's pass. Measured over 14 scripted
# meetings, base found as many contracts as tiny.en in clean audio and clearly more in a
# noisy room and over the phone band (benchmarks/RESULTS.md, issue 12), at no measurable
# cost on the demo import.
AUTO_CONTRACT_MODEL = "whisper-base"


def contract_model_name(settings: Settings, model: str | None = None) -> str | None:
    """The model the contracts second pass uses, or None for the meeting's own model
    (`model`, else the settings' whisper_model)."""
    name = settings.contract_model
    if name == "auto":
        spec = models.manifest().get(AUTO_CONTRACT_MODEL)
        name = AUTO_CONTRACT_MODEL if spec is not None and models.is_present(spec) else ""
    return name if name and name != (model or settings.whisper_model) else None


def refiner_model_name(settings: Settings, model: str | None = None) -> str | None:
    """The model the contracts pass builds for itself, or None when it uses the meeting's
    transcriber as it is: the contracts model, or the meeting's own model when only the
    beam differs."""
    name = contract_model_name(settings, model)
    if name is None and settings.contract_beam_size != settings.beam_size:
        return model or settings.whisper_model
    return name


def build_refiner(settings: Settings, model: str | None = None,
                  backend: str | None = None) -> Transcriber | None:
    """The contracts second pass's own transcriber, or None: it uses the meeting's.

    "auto" is the best model at hand: one that fails its check (a damaged download) is
    passed over for the meeting's own model rather than stop the meeting's drafting; a
    model named in the settings fails with the line saying how to fix it.
    """
    name = refiner_model_name(settings, model)
    if not name:
        return None
    try:
        return build_transcriber(settings, name, backend, settings.contract_beam_size)
    except PMCError:
        if settings.contract_model == "auto":
            return None
        raise


def build_drafter(settings: Settings, llm_model: str | None = None) -> Drafter:
    if not settings.use_llm:
        return Drafter(None)
    path = models.resolve(llm_model or settings.llm_model, "llm")
    return Drafter(LocalLLM(path, threads=settings.threads))
