"""Process-wide settings for the speech models: glibc malloc and numpy's BLAS threads.

Both were found by profiling tiny.en on this 2-core machine, and both backends get
them (`prepare_for_speech`, called when either loads a model), so the comparison
between the backends stays fair.

- malloc: about a third of the encoder's time went to page faults and page clearing.
  Each 30 s window's attention scores need a buffer of about 54 MB (four times that
  when decoding batched), and glibc serves any allocation over 32 MB with a fresh
  mmap and unmaps it on free, so every window faulted in and zeroed 13,000 new pages.
  With mmap off and a high trim threshold, freed buffers stay in the heap and the
  next window reuses them: encoder 0.25 -> 0.15 s a window (faster-whisper), 0.25 ->
  0.23 s (openai-whisper). Peak RSS is measured by the growth benchmark.
- BLAS: numpy's OpenBLAS threads busy-wait after each call (the mel filter product),
  taking a core from the model's own threads for a while: a JFK clip took 0.39 s
  with them and 0.34 s without. numpy's matrix work here is tiny, so one thread.

Elsewhere than glibc (macOS, musl) the malloc part does nothing. PMC_MALLOC=default
leaves glibc's settings alone (for the tuning benchmark).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

# mallopt parameters, from glibc's malloc.h.
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
TRIM_THRESHOLD = 256 * 2**20  # free heap top returned to the OS only beyond this

_applied: bool | None = None
_blas_limited = False


def keep_large_buffers() -> bool:
    """Apply the malloc settings (once per process); True when they are in effect."""
    global _applied
    if _applied is not None:
        return _applied
    _applied = False
    if not sys.platform.startswith("linux") or os.environ.get("PMC_MALLOC") == "default":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # no glibc
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # mallopt returns 1 on success. Without mmap, an allocation a thread's arena cannot
    # hold comes from the main heap, so nothing fails for want of mmap.
    _applied = bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _applied


def single_thread_blas() -> None:
    """Limit numpy's BLAS to one thread for the rest of the process."""
    global _blas_limited
    if _blas_limited:
        return
    from threadpoolctl import threadpool_limits

    # Only numpy's BLAS: torch's and CTranslate2's OpenMP pools keep every core.
    threadpool_limits(limits=1, user_api="blas")
    _blas_limited = True


def prepare_for_speech() -> None:
    keep_large_buffers()
    single_thread_blas()
