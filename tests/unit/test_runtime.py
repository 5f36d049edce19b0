"""Process settings for the speech models: reused large buffers, one numpy BLAS thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.core import runtime

# As a C++ library does (numpy asks for huge pages, CTranslate2 and torch do not):
# malloc, touch and free a 64 MB buffer, bigger than glibc's 32 MB mmap limit like an
# encoder's attention scores, three times; count the minor page faults of the last two.
PROBE = """
import ctypes, ctypes.util, json, resource
from assistant.core.runtime import keep_large_buffers
applied = keep_large_buffers()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
def use_buffer():
    p = libc.malloc(64 * 2**20)
    ctypes.memset(p, 1, 64 * 2**20)
    libc.free(p)
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
use_buffer()
before = faults()
use_buffer(); use_buffer()
print(json.dumps({"applied": applied, "faults": faults() - before}))
"""


def _probe(env_extra: dict[str, str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PMC_MALLOC"} | env_extra
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc setting")
def test_reused_buffer_faults_no_new_pages() -> None:
    tuned = _probe({})
    default = _probe({"PMC_MALLOC": "default"})
    assert tuned["applied"] is True and default["applied"] is False
    pages = 2 * 64 * 2**20 // 4096  # what two fresh 64 MB buffers fault in
    assert isinstance(default["faults"], int) and default["faults"] > pages * 0.9
    assert isinstance(tuned["faults"], int) and tuned["faults"] < pages * 0.1


def test_applied_once_and_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_applied", None)
    monkeypatch.setenv("PMC_MALLOC", "default")
    assert runtime.keep_large_buffers() is False
    monkeypatch.delenv("PMC_MALLOC")
    assert runtime.keep_large_buffers() is False  # decided once per process


def test_numpy_blas_limited_to_one_thread_once_a_model_loads() -> None:
    code = ("from threadpoolctl import threadpool_info\n"
            "import numpy\n"
            "from assistant.core.runtime import prepare_for_speech\n"
            "before = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
            "prepare_for_speech()\n"
            "after = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
            "print(before, after)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ | {"OPENBLAS_NUM_THREADS": "2"})
    before, after = out.stdout.strip().split("] [")
    assert before.strip("[") == "2" and after.strip("]") == "1"
