"""glibc malloc settings for the speech models: keep large freed buffers for reuse.

Why: profiling the tiny.en encoder on this 2-core machine (perf) put about a third of
its time in the kernel, in page faults and page clearing. Each 30 s window's attention
scores need a buffer of about 54 MB (four times that when decoding batched), and glibc
serves any allocation over 32 MB with a fresh mmap and unmaps it on free, so every
window faults in and zeroes 13,000 new pages. With mmap off and a high trim threshold,
freed buffers stay in the heap and the next window reuses them: the encoder went from
0.25 to 0.15 s a window (faster-whisper) and 0.25 to 0.23 s (openai-whisper, which
allocates the same way). Both backends get it, so the comparison between them stays
fair. Peak RSS is measured by the growth benchmark.

Process-wide, applied once when a Whisper model loads. Elsewhere than glibc (macOS,
musl) it does nothing. PMC_MALLOC=default leaves glibc's settings alone (for the
tuning benchmark).
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


def keep_large_buffers() -> bool:
    """Apply the settings (once per process); True when they are in effect."""
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
