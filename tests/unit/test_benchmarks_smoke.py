"""The benchmark helpers' arithmetic: median, percentiles, linear fit, RSS parsing.

No timing is asserted here; these check that the figures the benchmarks report are
computed right (percentiles against numpy's rule, RSS fields in bytes).
"""

from __future__ import annotations

import os
import resource

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.common import linear_fit, maxrss_bytes, median, parse_status, percentile

FAST = settings(max_examples=100, deadline=None, database=None)
samples = st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1,
                   max_size=40)

STATUS = """Name:\tpython
State:\tS (sleeping)
Pid:\t4242
VmPeak:\t 1234567 kB
VmSize:\t 1200000 kB
VmHWM:\t  812056 kB
VmRSS:\t  300100 kB
Threads:\t12
SigQ:\t0/94862
voluntary_ctxt_switches:\t15
"""


def test_median_odd_even_and_order() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([7]) == 7
    assert median(x for x in [0.5, 0.25]) == 0.375


def test_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        median([])


def test_percentile_known_values() -> None:
    xs = [10, 20, 30, 40, 50]
    assert percentile(xs, 0) == 10
    assert percentile(xs, 100) == 50
    assert percentile(xs, 50) == 30
    assert percentile(xs, 95) == pytest.approx(48.0)  # 40 + 0.8 * 10
    assert percentile([5, 1], 50) == 3
    assert percentile([2.5], 99) == 2.5


def test_percentile_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


@FAST
@given(samples, st.floats(min_value=0, max_value=100))
def test_percentile_matches_numpy(xs: list[float], q: float) -> None:
    assert percentile(xs, q) == pytest.approx(float(np.percentile(xs, q)), rel=1e-9, abs=1e-6)


@FAST
@given(samples)
def test_median_matches_numpy(xs: list[float]) -> None:
    assert median(xs) == pytest.approx(float(np.median(xs)), rel=1e-9, abs=1e-6)


def test_linear_fit_recovers_a_line_and_flat_data() -> None:
    a, b, r2 = linear_fit([900, 1800, 3600, 7200], [50 + 0.04 * x for x in
                                                    (900, 1800, 3600, 7200)])
    assert (a, b, r2) == (pytest.approx(50), pytest.approx(0.04), pytest.approx(1.0))
    a, b, r2 = linear_fit([1, 2, 3], [5, 5, 5])
    assert (a, b, r2) == (pytest.approx(5), pytest.approx(0), 1.0)
    _a, _b, r2 = linear_fit([1, 2, 3, 4], [1, 3, 2, 4])
    assert 0 < r2 < 1
    with pytest.raises(ValueError):
        linear_fit([1, 1], [2, 3])


def test_parse_status_reads_kb_fields_as_bytes() -> None:
    s = parse_status(STATUS)
    assert s["VmHWM"] == 812056 * 1024
    assert s["VmRSS"] == 300100 * 1024
    assert s["VmPeak"] == 1234567 * 1024
    # Fields that are not sizes are left out, not mangled.
    assert "Threads" not in s and "Pid" not in s and "SigQ" not in s


def test_parse_status_of_this_process_agrees_with_getrusage() -> None:
    with open(f"/proc/{os.getpid()}/status") as fh:
        s = parse_status(fh.read())
    peak = maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    assert 0 < s["VmRSS"] <= s["VmHWM"]
    # Both are this process's peak resident set, read a moment apart.
    assert abs(s["VmHWM"] - peak) <= max(peak // 10, 8 << 20)


def test_maxrss_is_kilobytes_on_linux() -> None:
    assert maxrss_bytes(1000) == 1024000


def test_cpu_flags_and_isa_name() -> None:
    from benchmarks.common import cpu_flags, isa_name

    avx2 = "model name\t: AMD EPYC\nflags\t\t: fpu sse2 avx f16c fma avx2 bmi2\n"
    avx512 = "flags\t\t: sse2 avx avx2 fma avx512f avx512bw avx512vl avx512_vnni\n"
    assert cpu_flags(avx2) == ["avx", "avx2", "fma", "f16c"]
    assert isa_name(cpu_flags(avx2)) == "avx2"
    assert isa_name(cpu_flags(avx512)) == "avx512"
    assert isa_name(cpu_flags(avx512), forced="AVX2") == "avx2"
    assert isa_name(cpu_flags("flags\t: sse2 sse4_2\n")) == "older"
    assert cpu_flags("no flags line") == []


def test_report_rewrite_keeps_the_hand_written_part(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from benchmarks import report

    md = tmp_path / "RESULTS.md"
    md.write_text("# old generated text\n\n" + report.HAND_WRITTEN + "\n\n### Notes\n\nkept\n")
    out = report.write({"machine": {"isa": {"flags": ["avx2"], "native": "avx2"}}}, md)
    assert out == md.read_text()
    assert "old generated text" not in out
    assert out.endswith(report.HAND_WRITTEN + "\n\n### Notes\n\nkept\n")
    assert "no AVX-512 on this machine" in out
    again = report.write({}, md)  # twice: still exactly one hand-written part
    assert again.count(report.HAND_WRITTEN) == 1 and again.count("kept") == 1
