"""Benchmarks for issue 6: both Whisper backends, accuracy, live lag, drafting, growth.

`python -m benchmarks.run` (what `make bench` runs) measures every benchmark and writes
`benchmarks/results.json` and `benchmarks/RESULTS.md`. Each measured workload runs in its
own `python -m benchmarks.<worker>` subprocess, so its peak RSS is its own. Helpers
shared by the parent and the workers (statistics, RSS, the synthetic meetings) live in
`benchmarks.common` and `benchmarks.media`.
"""
