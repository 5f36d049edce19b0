"""faster-whisper's log-mel features, with the mel filter product in float64.

Why (issue 16): faster-whisper computes `mel_filters @ |STFT|²` in float32 through
numpy's BLAS, whose rounding depends on the CPU kernel (Haswell vs SkylakeX in
OpenBLAS) and on the BLAS thread count. On AMI sample.wav the first 30 s window sits
on a tipping point: with the float32 product on one BLAS thread (the app's setting,
runtime.py) on an AVX2 CPU, greedy decoding at temperature 0 ran into a repetition
loop ("a little bit of a little bit of ..."), gzip ratio 2.82 > 2.4, and the window
was decoded again by sampling (best of 5) — twice the time of openai-whisper, which
did not fall back. In float64 the product's rounding error is far below float32's
resolution, so the features no longer depend on the BLAS kernel or its threads and
the window decodes cleanly at temperature 0 on 1 or 2 BLAS threads. The product is
80 x 201 x 3000 per window, a few milliseconds either way.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def precise_features(extractor: Any) -> Any:
    """The same extractor object, computing its filter product in float64.

    faster-whisper's `FeatureExtractor.__call__` multiplies `self.mel_filters` by the
    float32 power spectrum; with float64 filters numpy promotes the product (and the
    log that follows) to float64, and the result is rounded back to float32 once, at
    the end, as CTranslate2 expects.
    """
    if getattr(extractor, "_pmc_precise", False):
        return extractor
    cls = type(extractor)

    class PreciseFeatureExtractor(cls):  # type: ignore[valid-type,misc]
        _pmc_precise = True

        def __call__(self, *args: Any, **kw: Any) -> np.ndarray:
            out: np.ndarray = super().__call__(*args, **kw)
            return out.astype(np.float32)

    extractor.mel_filters = np.asarray(extractor.mel_filters, dtype=np.float64)
    extractor.__class__ = PreciseFeatureExtractor
    return extractor
