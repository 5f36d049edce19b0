"""Markdown tables from results.json: one section per benchmark and the issue's targets.

`write` rebuilds RESULTS.md and keeps everything below HAND_WRITTEN (notes and tables
written by hand, e.g. quality floors per CPU kind) as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.common import mb

TITLES = {
    "batch": "1. Batch transcription: faster-whisper vs openai-whisper fp32 (tiny.en)",
    "accuracy": "2. Accuracy beside speed: tiny.en vs base (faster-whisper)",
    "live": "3. Live transcription: lag and timer jitter",
    "drafting": "4. Contract drafting (SmolLM2-135M)",
    "growth": "5. Growth: `pmc meeting import` against meeting length",
    "tuning": "Tuning experiments",
}


def _f(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _mb(n: float | None) -> str:
    v = mb(n)
    return "–" if v is None else f"{v:.0f} MB"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _batch(r: dict[str, Any]) -> str:
    rows = []
    for c in r["clips"]:
        fw, ow = c["faster-whisper"], c["openai-whisper"]
        rows.append([c["clip"], f"{c['seconds']:.0f} s", str(fw["rtf"]["n"]),
                     _f(fw["rtf"]["median"]), _f(ow["rtf"]["median"]),
                     f"{c['speed_ratio']:.1f}×", f"{c.get('cpu_ratio', 0):.1f}×",
                     _mb(fw["peak_rss"]), _mb(ow["peak_rss"]),
                     f"{fw.get('words', '–')} / {ow.get('words', '–')}"])
    o = r["overall_rtf"]
    rows.append(["**all clips**", "", "", _f(o["faster-whisper"]), _f(o["openai-whisper"]),
                 f"**{r['overall_speed_ratio']:.1f}×**", "", "", "", ""])
    first = r["clips"][0]
    loads = (f"Model load: faster-whisper {first['faster-whisper']['load_s']:.1f} s, "
             f"openai-whisper {first['openai-whisper']['load_s']:.1f} s (torch import "
             "included). RTF = time of `transcribe_path` on the file (decoding included, 300 s "
             "windows) / audio length, median of runs, the backends' runs interleaved; model "
             "load excluded. CPU ratio = the same ratio for CPU seconds (all threads), which "
             "other work on the machine disturbs less. Short clips (JFK + AMI) together: "
             f"{r.get('short_clips_speed_ratio', 0):.1f}×."
             + (f" Decoding: {r['decoding']}." if r.get("decoding") else ""))
    head = ["clip", "length", "runs", "RTF faster-whisper", "RTF openai-whisper", "speed ratio",
            "CPU ratio", "peak RSS fw", "peak RSS ow", "words fw / ow"]
    return _table(head, rows) + "\n\n" + loads


def _accuracy(r: dict[str, Any]) -> str:
    models = list(r["models"])
    names = [c["clip"] for c in r["models"][models[0]]["clips"]]
    rows = []
    for i, name in enumerate(names):
        row = [name, str(r["models"][models[0]]["clips"][i]["ref_words"])]
        for m in models:
            c = r["models"][m]["clips"][i]
            row += [f"{c['wer'] * 100:.1f}%", _f(c["rtf"]["median"])]
        rows.append(row)
    row = ["**pooled**", str(sum(c["ref_words"] for c in r["models"][models[0]]["clips"]))]
    for m in models:
        row += [f"**{r['models'][m]['wer'] * 100:.1f}%**", _f(r["models"][m]["rtf"])]
    rows.append(row)
    head = ["clip", "ref words"]
    for m in models:
        short = m.replace("whisper-", "")
        head += [f"WER {short}", f"RTF {short}"]
    extra = "; ".join(f"{m}: load {r['models'][m]['load_s']:.1f} s, peak RSS "
                      f"{_mb(r['models'][m]['peak_rss'])}" for m in models)
    return _table(head, rows) + f"\n\n{extra}. RTF over {r['repeats']} run(s)."


def _live(r: dict[str, Any]) -> str:
    j, idle = r["tick_jitter_ms"], r["tick_jitter_idle_ms"]
    feed = (f"{r['feed_seconds']:.0f} s" + (" (the whole 10-minute meeting)"
                                            if r["full_meeting"] else " (default; --full: 10 min)"))
    rows = [["feed", feed], ["lag p50 / p95 / max",
                             f"{_f(r['lag_p50_s'], 2)} / {_f(r['lag_p95_s'], 2)} / "
                             f"{_f(r['lag_max_s'], 2)} s"],
            ["windows transcribed / dropped", f"{r['transcribed']} / {r['dropped']}"],
            ["backlog peak", f"{r['backlog_peak_s']:.1f} s of audio"],
            ["catch-up after the feed ends", f"{r['catch_up_s']:.1f} s"],
            ["10 Hz tick lateness p50 / p99 / max (during feed)",
             f"{_f(j['p50'], 1)} / {_f(j['p99'], 1)} / {_f(j['max'], 1)} ms ({j['ticks']} ticks)"],
            ["tick lateness p50 / p99 (model loaded, idle)",
             f"{_f(idle['p50'], 1)} / {_f(idle['p99'], 1)} ms"],
            ["peak RSS", _mb(r["peak_rss"])], ["threads", str(r["threads"])]]
    return _table(["live (faster-whisper tiny.en)", "value"], rows)


def _drafting(r: dict[str, Any]) -> str:
    m = r["meeting_s"]
    rows = [["model load", f"{r['load_s']:.2f} s"],
            [f"whole {len(r['members'])}-member meeting (median of {m['n']})",
             f"{m['median']:.2f} s (min {m['min']:.2f}, max {m['max']:.2f})"],
            ["per member median / max", f"{r['per_member_s']['median']:.2f} / "
                                        f"{r['per_member_s']['max']:.2f} s"],
            ["LLM calls / accepted / not asked (rule text already a to-do) / items drafted",
             f"{r['llm_calls']} / {r['llm_accepted']} / {r.get('llm_skipped', '–')} / "
             f"{r['items']}"],
            ["peak RSS", _mb(r["peak_rss"])], ["threads", str(r["threads"])]]
    return _table(["drafting", "value"], rows) + "\n\nMembers: " + ", ".join(r["members"]) + "."


def _growth(r: dict[str, Any]) -> str:
    rows = []
    for row in r["rows"]:
        st = row["stages_s"]
        rows.append([f"{row['minutes']} min", f"{row['turns']} ({row['contracts_turns']})",
                     f"{row['time_s']['median']:.0f} s", _f(row["rtf"]["median"]),
                     _mb(row["peak_rss"]["median"]),
                     " · ".join(f"{k} {v:.0f}" for k, v in st.items() if v >= 0.5)])
    out = _table(["meeting", "turns (contracts)", "import time", "time / audio", "peak RSS",
                  "stages (s)"], rows)
    if "time_fit" in r:
        f, g = r["time_fit"], r["rss_growth"]
        fit = (f"Time ≈ {f['intercept_s']:.1f} s + {f['s_per_audio_s']:.4f} × audio seconds "
               f"(r² = {f['r2']:.4f}). ") if len(r["rows"]) >= 3 else ""
        tf = r.get("transcribe_fit")
        if tf and len(r["rows"]) >= 3:
            fit += (f"Transcribing stage ≈ {tf['intercept_s']:.1f} s + {tf['s_per_audio_s']:.4f} "
                    f"× audio seconds (r² = {tf['r2']:.4f}). ")
        out += f"\n\n{fit}Peak RSS {g['to_min']} min / {g['from_min']} min = {g['ratio']:.2f}."
    out += (f"\n\n{r['repeats']} import(s) per length, median shown; circle of {r['members']} "
            f"members; contracts turns: {r['contracts']} (see benchmarks/growth.py).")
    return out


def _tuning(r: dict[str, Any]) -> str:
    rows = [[e["experiment"], e["setting"], e["metric"], e["value"], e.get("note", "")]
            for e in r["experiments"]]
    return _table(["experiment", "setting", "metric", "value", "note"], rows)


RENDER = {"batch": _batch, "accuracy": _accuracy, "live": _live, "drafting": _drafting,
          "growth": _growth, "tuning": _tuning}


HAND_WRITTEN = ("<!-- Hand-written below this line: benchmarks/report.py keeps it when it "
                "rewrites this file. -->")


def section(name: str, entry: dict[str, Any]) -> str:
    kernels = entry.get("isa", {}).get("kernels")
    meta = (f"_{entry['measured_at']}, commit {entry['git']}, {entry['mode']} run, "
            + (f"{kernels} kernels" + (" (forced)" if entry["isa"].get("forced") else "")
               + ", " if kernels else "")
            + (f"faster-whisper {entry['isa']['compute_type']}, "
               if entry.get("isa", {}).get("compute_type") else "") +
            f"load average {entry['loadavg_before']} → {entry['loadavg_after']}, "
            f"{entry['wall_s']:.0f} s wall_")
    # A caveat is written into results.json by hand when a run is known to be disturbed.
    note = f"\n**Caveat:** {entry['caveat']}\n" if entry.get("caveat") else ""
    return f"### {TITLES[name]}\n\n{RENDER[name](entry['result'])}\n{note}\n{meta}\n"


def targets(results: dict[str, Any]) -> str:
    """The issue's targets; live and growth from their full-size runs when there are any."""
    b = {k: v["result"] for k, v in results.get("benchmarks", {}).items()}
    for name in ("live", "growth"):
        if name in results.get("full", {}):
            b[name] = results["full"][name]["result"]
    rows: list[list[str]] = []

    def add(target: str, value: str, ok: bool | None) -> None:
        rows.append([target, value, "–" if ok is None else ("yes" if ok else "**no**")])

    if "batch" in b:
        ratios = [c["speed_ratio"] for c in b["batch"]["clips"]]
        caveat = results["benchmarks"]["batch"].get("caveat")
        add("faster-whisper ≥ 3× faster than openai-whisper (same weights)",
            f"{b['batch']['overall_speed_ratio']:.1f}× overall (clips {min(ratios):.1f}–"
            f"{max(ratios):.1f}×; short clips {b['batch'].get('short_clips_speed_ratio', 0):.1f}×)"
            + (" — not valid, see the caveat under section 1" if caveat else ""),
            None if caveat else b["batch"]["overall_speed_ratio"] >= 3)
        long = [c for c in b["batch"]["clips"] if c["clip"].startswith("meeting")]
        fw = b["batch"]["overall_rtf"]["faster-whisper"]
        if long:
            lr = long[0]["faster-whisper"]["rtf"]["median"]
            add("batch RTF ≤ 0.05 with tiny.en", f"{lr:.3f} on the 10-min meeting, "
                f"{fw:.3f} over all clips", lr <= 0.05)
    if "live" in b and b["live"]["lag_p95_s"] is not None:
        lv = b["live"]
        add("live lag p95 ≤ 5 s", f"{lv['lag_p95_s']:.2f} s ({lv['feed_seconds']:.0f} s feed)",
            lv["lag_p95_s"] <= 5)
    if "drafting" in b:
        d = b["drafting"]
        add("drafting an 8-member meeting ≤ 30 s",
            f"{d['meeting_s']['median']:.1f} s (+ {d['load_s']:.1f} s model load)",
            d["meeting_s"]["median"] + d["load_s"] <= 30)
    if "growth" in b:
        g = {row["minutes"]: row for row in b["growth"]["rows"]}
        lo, hi = min(g), max(g)
        if lo != hi:
            a_, z = g[lo]["peak_rss"]["median"], g[hi]["peak_rss"]["median"]
            ok = z <= a_ * 1.15 and z < 2**30
            add(f"peak RSS of a 120-min meeting within 15% of a 15-min one, < 1 GB "
                f"(measured: {hi} vs {lo} min)",
                f"{_mb(z)} vs {_mb(a_)} ({(z / a_ - 1) * 100:+.0f}%)",
                ok if (lo, hi) == (15, 120) else None)
        if "time_fit" in b["growth"] and len(g) >= 3:
            f = b["growth"]["time_fit"]
            tf = b["growth"].get("transcribe_fit", f)
            add("import time linear in length", f"total r² = {f['r2']:.3f}; transcribing stage "
                f"r² = {tf['r2']:.3f}, {tf['s_per_audio_s']:.3f} s per audio second", None)
    return "### Targets (issue 6)\n\n" + _table(["target", "measured", "met"], rows) + "\n"


def _isa_label(entry: dict[str, Any]) -> str:
    i = entry.get("isa") or {}
    if not i:
        return "default (ISA not recorded)"
    return (f"{i['kernels'].upper()} forced" if i.get("forced")
            else f"default = {i['kernels'].upper()}")


def isa_table(results: dict[str, Any]) -> str:
    """Default and forced-ISA runs side by side: batch per clip, drafting, live."""
    runs = [("default", results.get("benchmarks", {}))]
    runs += [(name, store) for name, store in sorted(results.get("forced", {}).items())]
    runs = [(n, st) for n, st in runs if any(k in st for k in ("batch", "drafting", "live"))]
    if len(runs) < 2:
        return ""
    head = ["figure"] + [_isa_label(next(e for e in st.values())) for _n, st in runs]
    rows: list[list[str]] = []
    batches = [st.get("batch") for _n, st in runs]
    if all(batches):
        clips = [c["clip"] for c in batches[0]["result"]["clips"]]
        for clip in clips:
            cells = []
            for b in batches:
                cs = {c["clip"]: c for c in b["result"]["clips"]}
                c = cs.get(clip)
                cells.append("–" if c is None else
                             f"{_f(c['faster-whisper']['rtf']['median'])} / "
                             f"{_f(c['openai-whisper']['rtf']['median'])} = "
                             f"{c['speed_ratio']:.1f}×")
            rows.append([f"{clip}: RTF fw / ow = ratio"] + cells)
        rows.append(["all clips: speed ratio"] + [
            f"**{b['result']['overall_speed_ratio']:.1f}×**" for b in batches
        ])
    for name, label, fmt in (
            ("drafting", "8-member drafting", lambda r: f"{r['meeting_s']['median']:.2f} s"),
            ("live", "live lag p95 / tick lateness p99",
             lambda r: f"{_f(r['lag_p95_s'], 2)} s / {_f(r['tick_jitter_ms']['p99'], 1)} ms")):
        es = [st.get(name) for _n, st in runs]
        if any(es):
            rows.append([label] + ["–" if e is None else fmt(e["result"]) for e in es])
    when = "; ".join(f"{_isa_label(e)} {k}: {e['measured_at']} at {e['git']}, load "
                     f"{e['loadavg_before'][0] if e['loadavg_before'] else '?'}"
                     for _n, st in runs for k, e in st.items() if k in ("batch", "drafting"))
    return ("### ISA side by side (issue 16)\n\n" + _table(head, rows) + "\n\n"
            "Forced column: `python -m benchmarks.run --only batch,drafting --isa avx2`, which "
            "exports CT2_FORCE_CPU_ISA=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 for every worker; the "
            "default column: the same without `--isa`. On a CPU without AVX-512 both columns "
            f"run the same kernels. {when}.\n")


def _isa_line(m: dict[str, Any]) -> str:
    i = m.get("isa")
    if not i:
        return ""
    native = i.get("native", "")
    note = (" — no AVX-512 on this machine, so its default kernels are the AVX2 ones"
            if native == "avx2" else "")
    return f" CPU flags: {', '.join(i.get('flags', [])) or 'unknown'}{note}."


def write(results: dict[str, Any], path: Path) -> str:
    """Rebuild `path` from results, keeping its hand-written part (below HAND_WRITTEN)."""
    try:
        old = path.read_text()
    except OSError:
        old = ""
    _gen, marker, hand = old.partition(HAND_WRITTEN)
    md = render(results).rstrip("\n") + "\n\n" + HAND_WRITTEN + (hand if marker else "\n")
    path.write_text(md)
    return md


def render(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    pk = m.get("packages", {})
    parts = [
        "# Benchmark results\n",
        "Written by `make bench` (`python -m benchmarks.run`); see benchmarks/run.py for "
        "flags. Each section says when and on which commit it was measured, and the load "
        "average around it (other work on the machine slows every figure).\n",
        f"Machine: **{m.get('cores')} cores** ({m.get('cpu')}), {m.get('memory_mb')} MB RAM, "
        f"Python {m.get('python')}; faster-whisper {pk.get('faster-whisper')}, ctranslate2 "
        f"{pk.get('ctranslate2')}, openai-whisper {pk.get('openai-whisper')}, torch "
        f"{pk.get('torch')}, llama-cpp-python {pk.get('llama_cpp_python')}."
        f"{_isa_line(m)}\n",
        targets(results),
    ]
    side = isa_table(results)
    if side:
        parts.append(side)
    for name in (*TITLES,):
        entry = results.get("benchmarks", {}).get(name)
        if entry:
            parts.append(section(name, entry))
    older = [(name, e) for name, e in results.get("full", {}).items()
             if e is not results.get("benchmarks", {}).get(name)
             and e.get("measured_at") != results.get("benchmarks", {}).get(name, {}).get(
                 "measured_at")]
    if older:
        parts.append("## Latest full-size runs\n\nThe targets above use these for live and "
                     "growth (a default run measures shorter feeds and meetings).\n")
        parts += [section(name, e) for name, e in older]
    return "\n".join(parts)
