"""Process-wide settings for the speech models: numpy's BLAS on one thread.

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

_blas_limited = False


def prepare_for_speech() -> None:
    """Limit numpy's BLAS to one thread for the rest of the process (once)."""
    global _blas_limited
    if _blas_limited:
        return
    from threadpoolctl import threadpool_limits

    # Only numpy's BLAS: torch's and CTranslate2's OpenMP pools keep every core.
    threadpool_limits(limits=1, user_api="blas")
    _blas_limited = True
