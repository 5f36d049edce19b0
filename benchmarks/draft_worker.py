"""Worker: draft the contracts of an 8-member meeting with the local LLM, several times.

    python -m benchmarks.draft_worker --members 8 --repeats 3 --out result.json

Members and their words come from the rendered meetings' scripts (two members from
each script, round robin): each member's contracts-segment turn becomes an Utterance
with its timeline times, and their previous contracts become PreviousItems. The LLM
loads once (timed on its own); each repeat drafts every member with a fresh Drafter on
that loaded model, as the pipeline does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from benchmarks.common import write_out
from benchmarks.media import rendered


def members(count: int) -> list[dict[str, Any]]:
    """Up to `count` members with a contracts turn, taken round robin from the scripts."""
    from assistant.core.drafting.attribution import TurnSpan, Utterance
    from assistant.core.drafting.contracts import PreviousItem

    per_script: list[list[dict[str, Any]]] = []
    item_id = 0
    for m in rendered():
        data = m.data()
        found: list[dict[str, Any]] = []
        for n, (t, s) in enumerate(zip(m.turns(), data["turns"], strict=True)):
            if t["segment"] != "contracts":
                continue
            previous = []
            for text in data.get("previous_contracts", {}).get(t["speaker"], []):
                item_id += 1
                previous.append(PreviousItem(item_id, text, False))
            span = TurnSpan(n, len(found) + 1, t["speaker"], "contracts", t["start"], t["end"])
            found.append({"name": t["speaker"], "date": data["meeting_date"],
                          "utterances": [Utterance(span, t["start"], t["end"], s["text"])],
                          "previous": previous})
        per_script.append(found)
    out: list[dict[str, Any]] = []
    depth = 0
    while len(out) < count and any(depth < len(p) for p in per_script):
        for p in per_script:
            if depth < len(p) and len(out) < count:
                out.append(p[depth])
        depth += 1
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--batch", type=int, default=512, help="llama.cpp n_batch (prompt tokens "
                    "evaluated per step; 512 is llama-cpp-python's default and the app's)")
    ap.add_argument("--ask-all", action="store_true",
                    help="ask the model about every candidate with the prompt's own token cap, "
                         "as drafting did before issue 16 (for a side-by-side)")
    ap.add_argument("--llm", default="smollm2-135m")
    ap.add_argument("--no-llm", action="store_true", help="rules only (the use_llm=false path)")
    ap.add_argument("--whisper-first", action="store_true",
                    help="load faster-whisper and transcribe a clip in this process first, as "
                         "`pmc meeting import` does before drafting")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)

    from assistant.core import models
    from assistant.core.drafting.contracts import Drafter
    from assistant.core.drafting.llm import LocalLLM

    people = members(a.members)
    if a.ask_all:
        from assistant.core.drafting import contracts

        contracts.worth_asking = lambda action: True  # type: ignore[assignment]
        contracts.ANSWER_SLACK_TOKENS = 10_000  # the prompt's max_tokens caps it
    if a.whisper_first:
        from assistant.core.speech.transcribe import make_transcriber
        from benchmarks.media import JFK, load

        whisper = make_transcriber(models.resolve("whisper-tiny.en", "speech"),
                                   threads=a.threads)
        whisper.transcribe(load(JFK))
    t0 = time.perf_counter()
    llm = None if a.no_llm else LocalLLM(models.resolve(a.llm, "llm"), threads=a.threads,
                                         n_batch=a.batch)
    load_s = time.perf_counter() - t0
    runs = []
    for _ in range(a.repeats):
        drafter = Drafter(llm)
        per_member = []
        items = 0
        texts: list[str] = []
        for p in people:
            date = dt.date.fromisoformat(p["date"])
            t0 = time.perf_counter()
            drafted = drafter.draft(p["utterances"], date, date + dt.timedelta(days=14),
                                    p["previous"])
            per_member.append(time.perf_counter() - t0)
            items += len(drafted)
            texts += [f"{p['name']}: {d.text} [{d.origin}]" for d in drafted]
        s = drafter.stats
        runs.append({"per_member": per_member, "total": sum(per_member), "items": items,
                     "candidates": s.candidates, "llm_calls": s.llm_accepted + s.llm_rejected,
                     "llm_accepted": s.llm_accepted, "llm_skipped": s.llm_skipped,
                     "texts": texts})
    write_out(a.out, {"members": [p["name"] for p in people], "load_s": load_s, "runs": runs,
                      "llm": None if a.no_llm else a.llm})


if __name__ == "__main__":
    main()
