"""Merge `pmc eval --format json` outputs into one table: split x condition x ISA.

    python -m benchmarks.eval.table test:default:a.json test:avx2:b.json ...

Counts (not ratios) are summed over the files of one split and ISA, so runs made
one meeting and one condition at a time add up to the same figures as one big run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FIELDS = ("found", "truth", "correct", "drafted", "report_right", "report_total", "covered",
          "open_items")


def merge(specs: list[str]) -> dict[tuple[str, str, str], dict[str, Any]]:
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for spec in specs:
        split, isa, path = spec.split(":", 2)
        data = json.loads(Path(path).read_text())
        for cond, c in data["conditions"].items():
            row = rows.setdefault((split, cond, isa), {f: 0 for f in FIELDS} | {"meetings": set()})
            for f in FIELDS:
                row[f] += c[f]
            row["meetings"] |= {m["script"] for m in data["meetings"] if m["condition"] == cond}
    return rows


def _r(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "–"


def markdown(rows: dict[tuple[str, str, str], dict[str, Any]]) -> str:
    order = {"text": 0, "clean": 1, "room": 2, "phone": 3}
    out = ["| split | condition | ISA | meetings | recall | precision | report-back accuracy "
           "| report-back coverage |", "|---|---|---|---|---|---|---|---|"]
    for (split, cond, isa), r in sorted(rows.items(), key=lambda kv: (
            kv[0][0], order.get(kv[0][1], 9), kv[0][2])):
        out.append(f"| {split} | {cond} | {isa} | {', '.join(sorted(r['meetings']))} | "
                   f"{_r(r['found'], r['truth'])} | {_r(r['correct'], r['drafted'])} | "
                   f"{_r(r['report_right'], r['report_total'])} | "
                   f"{_r(r['covered'], r['open_items'])} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown(merge(sys.argv[1:])))
