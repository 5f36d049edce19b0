"""Model safety: tampered model files are refused, no pickle loading, a patched llama-cpp."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
from pathlib import Path

import pytest
from packaging.version import Version

from assistant.core import models
from assistant.core.errors import PMCError
from assistant.core.settings import Settings
from assistant.services import parts

REPO = Path(__file__).resolve().parents[2]


def _flip(path: Path, at: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(at)
        b = fh.read(1)
        fh.seek(at)
        fh.write(bytes([b[0] ^ 0x01]))


@pytest.mark.model
def test_a_tampered_whisper_model_is_refused(tiny_en_dir: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    models_dir = tmp_path / "models"
    shutil.copytree(tiny_en_dir, models_dir / tiny_en_dir.name)  # with its .verified stamp
    monkeypatch.setenv("PMC_MODELS_DIR", str(models_dir))
    model_bin = models_dir / tiny_en_dir.name / "model.bin"
    _flip(model_bin, model_bin.stat().st_size // 2)
    with pytest.raises(PMCError, match=r"sha256.*`pmc models pull whisper-tiny.en --force`"):
        parts.build_transcriber(Settings())


@pytest.mark.model
def test_a_tampered_llm_is_refused(smollm_path: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    models_dir = tmp_path / "models"
    shutil.copytree(smollm_path.parent, models_dir / smollm_path.parent.name)
    monkeypatch.setenv("PMC_MODELS_DIR", str(models_dir))
    gguf = models_dir / smollm_path.parent.name / smollm_path.name
    _flip(gguf, 4096)
    with pytest.raises(PMCError, match=r"sha256.*`pmc models pull smollm2-135m --force`"):
        parts.build_drafter(Settings())
    # and a model that is not there at all names the command that fetches it
    gguf.unlink()
    with pytest.raises(PMCError, match=r"`pmc models pull smollm2-135m`"):
        models.resolve("smollm2-135m", "llm")


def test_llama_cpp_has_the_chat_template_sandbox_fix() -> None:
    # CVE-2024-34359: Jinja2 chat templates from GGUF metadata ran unsandboxed before 0.2.72.
    installed = Version(importlib.metadata.version("llama-cpp-python"))
    assert installed >= Version("0.2.72"), installed
    pin = re.search(r'"llama-cpp-python>=([0-9.]+)"', (REPO / "pyproject.toml").read_text())
    assert pin and Version(pin.group(1)) >= Version("0.2.72")


def test_no_pickle_loading_of_checkpoints() -> None:
    """Every torch.load passes weights_only=True; nothing calls pickle.load(s)."""
    loads = 0
    for path in (REPO / "assistant").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else ""
            if name == "pickle" and node.func.attr in ("load", "loads", "Unpickler"):
                raise AssertionError(f"{path}: pickle.{node.func.attr}")
            if name == "torch" and node.func.attr == "load":
                loads += 1
                safe = [k for k in node.keywords if k.arg == "weights_only"]
                assert safe and isinstance(safe[0].value, ast.Constant) and \
                    safe[0].value.value is True, f"{path}:{node.lineno} torch.load without " \
                    "weights_only=True"
    assert loads >= 1  # the openai-whisper backend's checkpoint load was found and checked
