"""Layering and import-time behaviour of assistant.core and assistant.services.

assistant/core must never import the UI (textual, assistant.tui, assistant.cli) nor the
use cases above it; assistant/services must import neither Textual, argparse nor the
presentation packages; and importing core must have no side effects on disk (no
database, no directories).
"""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import assistant.core

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "assistant" / "core"
SERVICES = REPO / "assistant" / "services"
FORBIDDEN = ("textual", "assistant.tui", "assistant.cli")
# What the use cases must not import: the UI toolkit, the CLI's parser, presentation.
SERVICES_FORBIDDEN = ("textual", "argparse", "assistant.tui", "assistant.cli")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(*args: str, cwd: Path, env: dict[str, str] | None = None) -> \
        subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"{LINT_IMPORTS} is missing: pip install import-linter", pytrace=False)
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env)


def _imports(path: Path, package: str = "assistant.core") -> list[str]:
    """Every module name a file imports, at any depth (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join([*base, node.module] if node.level and node.module else
                              base if node.level else [node.module or ""])
            out.append(module)
            out += [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            out += [a.value for a in node.args if isinstance(a, ast.Constant)
                    and isinstance(a.value, str)]
    return out


def _forbidden(m: str, forbidden: tuple[str, ...]) -> bool:
    return any(m == f or m.startswith(f + ".") for f in forbidden)


def test_no_core_file_imports_the_ui() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 10
    bad = [f"{f.relative_to(REPO)}: {m}" for f in files for m in _imports(f)
           if _forbidden(m, (*FORBIDDEN, "assistant.services"))]
    assert bad == []


def test_no_services_file_imports_textual_or_argparse() -> None:
    files = sorted(SERVICES.rglob("*.py"))
    assert len(files) > 3
    bad = [f"{f.relative_to(REPO)}: {m}" for f in files
           for m in _imports(f, "assistant.services") if _forbidden(m, SERVICES_FORBIDDEN)]
    assert bad == []


def test_the_forbidden_check_matches_whole_names() -> None:
    assert _forbidden("textual.app", SERVICES_FORBIDDEN)
    assert _forbidden("argparse", SERVICES_FORBIDDEN)
    assert _forbidden("assistant.cli.common", SERVICES_FORBIDDEN)
    assert not _forbidden("assistant.client", SERVICES_FORBIDDEN)
    assert not _forbidden("textualize", SERVICES_FORBIDDEN)


def test_the_ast_check_catches_a_ui_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from textual.app import App\n    import assistant.tui\n"
                     "from ..cli import main\nfrom . import store\n")
    got = set(_imports(probe))
    assert {"textual.app", "assistant.tui", "assistant.cli.main", "assistant.core.store"} <= got


def _core_contract_config(tmp_path: Path) -> Path:
    """The pyproject contract, plus include_external_packages so `textual` can be checked."""
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    linter = cfg["tool"]["importlinter"]
    lines = [f"root_package = {json.dumps(linter['root_package'])}",
             "include_external_packages = true"]
    out = ["[tool.importlinter]", *lines]
    for contract in linter["contracts"]:
        out.append("[[tool.importlinter.contracts]]")
        out += [f"{k} = {json.dumps(v)}" for k, v in contract.items()]
    path = tmp_path / "importlinter.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_import_linter_contract_is_kept(tmp_path: Path) -> None:
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = cfg["tool"]["importlinter"]["contracts"]
    core = [c for c in contracts if "assistant.core" in c.get("source_modules", [])]
    assert core and set(FORBIDDEN) <= set(core[0]["forbidden_modules"])
    services = [c for c in contracts if "assistant.services" in c.get("source_modules", [])]
    assert services and set(SERVICES_FORBIDDEN) <= set(services[0]["forbidden_modules"])
    layers = [c["layers"] for c in contracts if c["type"] == "layers"]
    assert layers and layers[0][-2:] == ["assistant.services", "assistant.core"]
    res = _lint_imports(str(_core_contract_config(tmp_path)), cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 kept, 0 broken" in res.stdout or "0 broken" in res.stdout


def test_lint_imports_runs_with_the_pyproject_config() -> None:
    res = _lint_imports(cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr


def test_import_linter_would_catch_a_violation(tmp_path: Path) -> None:
    pkg = tmp_path / "probe_pkg"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "bad.py").write_text("import textual\n")
    (tmp_path / "il.toml").write_text(
        '[tool.importlinter]\nroot_package = "probe_pkg"\ninclude_external_packages = true\n'
        '[[tool.importlinter.contracts]]\nname = "probe"\ntype = "forbidden"\n'
        'source_modules = ["probe_pkg.core"]\nforbidden_modules = ["textual"]\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    res = _lint_imports("il.toml", cwd=tmp_path, env=env)
    assert res.returncode != 0
    assert "BROKEN" in res.stdout.upper()


def test_importing_core_creates_nothing(tmp_path: Path) -> None:
    """A fresh interpreter imports every core module; PMC_HOME must stay untouched."""
    home = tmp_path / "home"
    names = sorted(m.name.removeprefix("assistant.core.") for m in
                   pkgutil.walk_packages(assistant.core.__path__, prefix="assistant.core."))
    assert {"store.store", "settings", "store.migrations", "reports.recap",
            "drafting.contracts"} <= set(names)
    code = (
        "import importlib, json, sys\n"
        f"for n in {names!r}:\n"
        "    importlib.import_module('assistant.core.' + n)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith(('assistant.tui', 'assistant.cli')))))\n"
    )
    env = {**os.environ, "PMC_HOME": str(home), "HOME": str(tmp_path / "user"),
           "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "PYTHONPATH": str(REPO)}  # this checkout, not whichever one is installed
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.splitlines()[-1]) == []
    assert not home.exists()
    assert not list(tmp_path.rglob("*.sqlite3*"))
    assert not (tmp_path / "xdg").exists()
