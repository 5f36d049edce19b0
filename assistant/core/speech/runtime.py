"""Process-wide settings for the speech models: numpy's BLAS on one thread, and the
compute type CTranslate2 is fastest with on this CPU.

Found by profiling tiny.en on this 2-core machine: numpy's OpenBLAS threads busy-wait
after each call (the mel filter product), taking a core from the model's own threads
for a while. A JFK clip took 0.39 s with them and 0.34 s without. numpy's matrix work
here is tiny, so it gets one thread. Both backends call `prepare_for_speech` when they
load a model, so the comparison between them stays fair.

Tried and rejected: glibc malloc with mmap off and a high trim threshold, so each 30 s
window's 54 MB attention buffer is reused instead of faulted in afresh. The encoder
went from 0.25 to 0.15 s a window, but `pmc meeting import` peak RSS then grew with the
meeting (944 MB at 15 min, 1141 MB at 120 min), breaking the flat-memory promise.
"""

from __future__ import annotations

import os
import platform

_blas_limited = False
COMPUTE_TYPES = ("auto", "int8", "float32", "int8_float32")


def prepare_for_speech() -> None:
    """Limit numpy's BLAS to one thread for the rest of the process (once)."""
    global _blas_limited
    if _blas_limited:
        return
    from threadpoolctl import threadpool_limits

    # Only numpy's BLAS: torch's and CTranslate2's OpenMP pools keep every core.
    threadpool_limits(limits=1, user_api="blas")
    _blas_limited = True


def cpu_vendor() -> str:
    """The CPU's vendor string ("GenuineIntel", "AuthenticAMD", ...), "" where unknown."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def uses_mkl() -> bool | None:
    """Whether CTranslate2 runs its matrix products with Intel's MKL here (None: not x86).

    Its rule: MKL on GenuineIntel CPUs unless CT2_USE_MKL says otherwise, oneDNN on
    every other x86 CPU (AMD's, VIA's, ...)."""
    if platform.machine().lower() not in ("x86_64", "amd64", "i686", "x86"):
        return None
    env = os.environ.get("CT2_USE_MKL", "").strip().lower()
    if env:
        return env in ("1", "true", "on", "yes")
    return cpu_vendor() == "GenuineIntel"


def default_compute_type() -> str:
    """The compute type for faster-whisper on this CPU ("auto" in the settings).

    Measured (benchmarks/RESULTS.md, issue 16): with MKL (an Intel AVX-512 machine) int8
    was 1.2x faster than float32; with oneDNN (a 2-core AMD EPYC, AVX2) float32 was 1.2x
    faster than int8 over the benchmark clips and no less accurate (tiny.en WER 0.110 vs
    0.120): oneDNN's int8 path keeps only one of the two cores busy while decoding.
    Elsewhere (ARM) int8, as before.
    """
    return "float32" if uses_mkl() is False else "int8"


def resolve_compute_type(name: str) -> str:
    return default_compute_type() if name == "auto" else name
