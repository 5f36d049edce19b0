"""User settings: a small TOML file under PMC_HOME with documented defaults.

Every key is optional; a missing file means "all defaults". Unknown keys and
wrong types are rejected with one line naming the key, so a typo never
silently changes behaviour.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.core import locations
from assistant.core.errors import PMCError
from assistant.core.speech.runtime import COMPUTE_TYPES

DEFAULTS_DOC = """\
# Circle Assistant settings. Every key is optional; shown are the defaults.
# whisper_model = "whisper-tiny.en"  # a name from `pmc models list`, or a CTranslate2 directory
# whisper_backend = "faster-whisper" # or "openai-whisper" (optional extra)
# llm_model = "smollm2-135m"         # a name from `pmc models list`, or a .gguf file
# language = "en"
# beam_size = 1                      # 1 = greedy decoding, fastest on a laptop
# compute_type = "auto"              # faster-whisper: auto (float32 on x86 CPUs not made by
#                                   # Intel, int8 on Intel's: measured fastest), int8, float32
# threads = 0                        # 0 = all available cores
# use_llm = true                     # false: contracts are the members' own words only
# next_meeting_days = 14             # a new circle's cadence (every other week); each
#                                   # circle then keeps its own (`circle create --cadence`)
# contract_pass = "prompted"         # second pass over contracts and report-back turns:
#                                   # prompted, plain, off
# contract_model = "auto"            # model of that second pass: "auto" = whisper-base when
#                                   # installed, else whisper_model; or a name or directory
# contract_beam_size = 5             # beam of that second pass after the meeting (import,
#                                   # End, resume); during the meeting it decodes at 1
# room_source = ""                   # sound source of the room; "" = the default (pmc devices)
# call_source = ""                   # a video circle's call: the monitor of the output device
"""


@dataclass(frozen=True)
class Settings:
    whisper_model: str = "whisper-tiny.en"
    whisper_backend: str = "faster-whisper"
    llm_model: str = "smollm2-135m"
    language: str = "en"
    beam_size: int = 1
    threads: int = 0
    use_llm: bool = True
    next_meeting_days: int = 14
    contract_pass: str = "prompted"
    contract_model: str = "auto"
    contract_beam_size: int = 5
    room_source: str = ""
    call_source: str = ""
    compute_type: str = "auto"


def parse(text: str, source: str = "settings") -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PMCError(f"{source} is not valid TOML ({exc}); fix or delete the file") from None
    except RecursionError:
        raise PMCError(f"{source} is nested too deeply to be settings; fix or delete it") from None
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            raise PMCError(
                f"{source}: unknown setting '{key}'; known: {', '.join(sorted(known))}"
            )
        default = getattr(Settings(), key)
        # bool is a subclass of int: check it first so `threads = true` is refused.
        if type(value) is not type(default):
            raise PMCError(
                f"{source}: '{key}' must be {type(default).__name__}, got {value!r}"
            )
        values[key] = value
    settings = Settings(**values)  # type: ignore[arg-type]
    if (min(settings.beam_size, settings.contract_beam_size) < 1 or settings.threads < 0
            or not 1 <= settings.next_meeting_days <= 365):
        raise PMCError(f"{source}: beam_size and contract_beam_size >= 1, threads >= 0, "
                       "next_meeting_days >= 1 and <= 365")
    if settings.contract_pass not in ("prompted", "plain", "off"):
        raise PMCError(f"{source}: contract_pass must be 'prompted', 'plain' or 'off'")
    if settings.compute_type not in COMPUTE_TYPES:
        raise PMCError(f"{source}: compute_type must be one of {', '.join(COMPUTE_TYPES)}")
    if settings.whisper_backend not in ("faster-whisper", "openai-whisper"):
        raise PMCError(f"{source}: whisper_backend must be 'faster-whisper' or 'openai-whisper'")
    return settings


def load(path: Path | None = None) -> Settings:
    path = path or locations.settings_path()
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PMCError(f"cannot read settings file {path}: {exc}") from None
    return parse(text, str(path))
