"""Process settings for the speech models: numpy's BLAS on one thread."""

from __future__ import annotations

import os
import subprocess
import sys


def test_numpy_blas_on_one_thread_after_prepare() -> None:
    code = ("from threadpoolctl import threadpool_info\n"
            "import numpy\n"
            "from assistant.core.speech.runtime import prepare_for_speech\n"
            "before = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
            "prepare_for_speech()\n"
            "after = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
            "print(before, after)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ | {"OPENBLAS_NUM_THREADS": "2"})
    before, after = out.stdout.strip().split("] [")
    assert before.strip("[") == "2" and after.strip("]") == "1"
