"""Shared by the benchmark runner and its workers: statistics, RSS, subprocesses, paths.

The statistics are pure Python (no numpy) so the smoke test can check them against
hand-computed values; `percentile` interpolates linearly between closest ranks, the
same rule as numpy's default, so figures match what `LiveStats.lag_percentile` reports.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"  # git-ignored: synthetic audio, scratch homes
# ../shared beside the checkout (as tests/conftest.py finds it); a worktree elsewhere
# falls back to the shared copy.
SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared"))
               if (p / "data").is_dir()), ROOT.parent / "shared")
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "RESULTS.md"


# --- statistics ---------------------------------------------------------------------------
def median(values: Iterable[float]) -> float:
    xs = sorted(float(v) for v in values)
    if not xs:
        raise ValueError("median of no values")
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks (numpy's default)."""
    xs = sorted(float(v) for v in values)
    if not xs:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0..100")
    pos = (len(xs) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of repeated runs, for the JSON."""
    return {"median": median(values), "min": min(values), "max": max(values), "n": len(values)}


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares y = a + b x: (a, b, r²). r² is 1.0 when ys are all equal."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("linear_fit needs two or more (x, y) pairs")
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("linear_fit needs two distinct x values")
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1.0 if ss_tot == 0 else 1 - ss_res / ss_tot


# --- memory ---------------------------------------------------------------------------------
def parse_status(text: str) -> dict[str, int]:
    """The `kB` fields of a /proc/<pid>/status text (VmRSS, VmHWM, ...), in bytes."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        parts = rest.split()
        if sep and len(parts) == 2 and parts[1] == "kB" and parts[0].isdigit():
            out[key.strip()] = int(parts[0]) * 1024
    return out


def maxrss_bytes(ru_maxrss: int) -> int:
    """getrusage's ru_maxrss in bytes: kilobytes on Linux, bytes on macOS."""
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def own_status() -> dict[str, int]:
    try:
        return parse_status(Path("/proc/self/status").read_text())
    except OSError:
        return {}


def mb(n: float | None) -> float | None:
    return None if n is None else round(n / 2**20, 1)


# --- workers ----------------------------------------------------------------------------------
@dataclass
class WorkerRun:
    data: dict[str, Any]  # what the worker wrote to its --out file
    maxrss: int           # peak RSS of that process, bytes (wait4)
    wall: float           # seconds from spawn to exit, imports and model load included


class WorkerFailed(RuntimeError):
    pass


def run_worker(module: str, args: Sequence[str], *, env: dict[str, str] | None = None,
               timeout: float | None = None) -> WorkerRun:
    """Run `python -m benchmarks.<module> --out FILE ...` and collect its JSON and peak RSS.

    os.wait4 gives the rusage of exactly this child, so every workload's peak RSS is
    its own (RUSAGE_CHILDREN would keep the largest child seen so far).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT, prefix=".w-") as tmp:
        out = Path(tmp) / "out.json"
        err = Path(tmp) / "stderr.txt"
        cmd = [sys.executable, "-m", f"benchmarks.{module}", "--out", str(out), *args]
        full_env = dict(os.environ)
        full_env.pop("PMC_PASSPHRASE", None)  # only a scratch home's own passphrase
        full_env.update(env or {})
        t0 = time.perf_counter()
        with err.open("wb") as errf:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=errf)
            deadline = None if timeout is None else t0 + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if deadline is not None and time.perf_counter() > deadline:
                    proc.kill()
                    pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
            proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        if proc.returncode != 0 or not out.is_file():
            tail = err.read_text(errors="replace")[-2000:]
            raise WorkerFailed(f"{' '.join(cmd[2:])} exited {proc.returncode}:\n{tail}")
        data = json.loads(out.read_text())
    return WorkerRun(data, maxrss_bytes(usage.ru_maxrss), wall)


def write_out(path: str, data: dict[str, Any]) -> None:
    """A worker's result; written last, so a crash leaves no file."""
    data.setdefault("status", own_status())
    Path(path).write_text(json.dumps(data))


# --- the machine ------------------------------------------------------------------------------
def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# The x86 flags that decide CTranslate2's / oneDNN's / OpenBLAS's kernels.
ISA_FLAGS = ("avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512vl",
             "avx512_vnni", "avx512_bf16", "amx_int8")
# What `benchmarks.run --isa avx2` exports for its workers: the AVX2 kernels even on an
# AVX-512 CPU, so the two ISAs can be compared side by side on one machine.
FORCE_AVX2 = {"CT2_FORCE_CPU_ISA": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}


def cpu_flags(cpuinfo: str) -> list[str]:
    """The ISA_FLAGS present in a /proc/cpuinfo text, in ISA_FLAGS order."""
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            have = set(line.partition(":")[2].split())
            return [f for f in ISA_FLAGS if f in have]
    return []


def isa_name(flags: Sequence[str], forced: str | None = None) -> str:
    """The kernels in use: 'avx512' / 'avx2' / 'older', or the forced ISA."""
    if forced:
        return forced.lower()
    if "avx512f" in flags:
        return "avx512"
    return "avx2" if "avx2" in flags else "older"


def isa() -> dict[str, Any]:
    """This run's CPU flags and kernel choice (the forced one when FORCE_AVX2 is set)."""
    try:
        flags = cpu_flags(Path("/proc/cpuinfo").read_text())
    except OSError:
        flags = []
    forced = os.environ.get("CT2_FORCE_CPU_ISA") or None
    from assistant.core.speech import runtime

    # The vendor decides CTranslate2's matrix library (MKL on Intel, oneDNN elsewhere) and
    # with it the app's "auto" compute type for faster-whisper.
    return {"flags": flags, "forced": forced, "kernels": isa_name(flags, forced),
            "native": isa_name(flags), "vendor": runtime.cpu_vendor(),
            "compute_type": runtime.default_compute_type()}


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = parse_status(Path("/proc/meminfo").read_text()) if Path("/proc/meminfo").exists() \
        else {}
    versions: dict[str, str] = {}
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("faster-whisper", "ctranslate2", "openai-whisper", "torch", "llama_cpp_python",
                "numpy"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "not installed"
    return {"cores": cores(), "cpu": cpu, "isa": isa(), "memory_mb": mb(mem.get("MemTotal")),
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions}


def git_head() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
