"""Suggesting report-back statuses from what a member said about last time.

Rules are more reliable here than a small model: status cues are few and
fixed ("partly done", "did not get to it", "dropped"). For each previous item
the clause that talks about it most (shared content words) and carries a cue
decides; restatements of the old contract ("my contract was to ...") are
skipped because they carry no outcome. The member or timekeeper confirms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.drafting import commitments
from assistant.core.drafting.textnorm import content_stems

# Checked in this order: the first that matches a clause wins ("partly done" is
# partial, not done; "not done" is not_done).
CUES: list[tuple[str, re.Pattern[str]]] = [
    ("carried_over", re.compile(r"\b(?:carry(?:ing)?(?: \w+){0,3} over|carried(?: \w+){0,3} over|"
                                r"roll(?:ing)? (?:it )?over|still working on)\b", re.I)),
    ("dropped", re.compile(r"\b(?:drop(?:ped|ping)?|abandon(?:ed)?|let (?:it|that) go|no longer|"
                           r"gave up on|giving up on|not (?:relevant|needed) any ?more|"
                           r"decided against)\b", re.I)),
    ("partial", re.compile(r"\b(?:partly|partially|part of|half(?:way)?|some of|most of|"
                           r"a bit of|(?<!n't )(?<!not )(?<!never )(?:started|began)|"
                           r"one of the|not all|not finished|"
                           r"not quite|in progress|mostly)\b", re.I)),
    ("not_done", re.compile(r"\b(?:did ?n[o']t|did not|have ?n[o']t|has ?n[o']t|not yet|"
                            r"never (?:got|started|began|did)|no progress|couldn't|"
                            r"could not|wasn't able|"
                            r"was not able|not done|failed to|no time)\b", re.I)),
    ("done", re.compile(r"\b(?:done|did it|finished|completed|submitted|sent|got it|"
                        r"managed to|accomplished|succeeded|applied|i did\b|all set)\b", re.I)),
]
_RANK = {status: n for n, (status, _) in enumerate(CUES)} | {"": len(CUES)}
RE_RESTATE = re.compile(r"\b(?:my (?:last )?(?:contract|goal|plan)s? (?:was|were)|"
                        r"i (?:was supposed|was going|had planned|had promised|wanted|planned) to|"
                        r"i said i(?:'d| would)|last time i (?:said|committed|planned))\b", re.I)


@dataclass(frozen=True)
class Suggestion:
    item_id: int
    status: str | None  # None: nothing said that decides it
    quote: str


def _status(clause: str) -> str | None:
    for status, pattern in CUES:
        if pattern.search(clause):
            return status
    return None


def _clauses(text: str) -> list[str]:
    out: list[str] = []
    for sentence in commitments.sentences(text):
        out.extend(p.strip() for p in re.split(r",\s*(?:and|but|so)?\s*|\s+but\s+|\s+so\s+",
                                               sentence) if p.strip())
    return out


def suggest(text: str, items: Sequence[tuple[int, str]]) -> list[Suggestion]:
    """`items`: (id, text) of the member's previous contract items."""
    clauses = [c for c in _clauses(text) if not RE_RESTATE.search(c)]
    every = set().union(*(content_stems(t) for _, t in items)) if items else set()
    # "I wrote one page, so that is partly done": the cue sits in a clause that names
    # nothing; it belongs to the clause before it.
    merged: list[str] = []
    for c in clauses:
        if merged and _status(c) and not _status(merged[-1]) and not (content_stems(c) & every):
            merged[-1] = f"{merged[-1]}, {c}"
        else:
            merged.append(c)
    cued = [(c, _status(c)) for c in merged]
    cued = [(c, s) for c, s in cued if s]
    out = []
    for item_id, item_text in items:
        want = content_stems(item_text)
        scored = [(len(want & content_stems(c)), i, c, s) for i, (c, s) in enumerate(cued)]
        scored.sort(key=lambda t: (-t[0], t[1]))
        if scored and (scored[0][0] > 0 or len(items) == 1):
            # Among clauses that name the item equally well (or, for a single item, name
            # nothing: "Done."), the strongest outcome wins: "I finished the backups, so I'm
            # carrying it over" is carried over.
            best = [t for t in scored if t[0] == scored[0][0]]
            _, i, clause, status = min(best, key=lambda t: (_RANK[t[3] or ""], t[1]))
            out.append(Suggestion(item_id, status, clause))
        elif scored and len(items) > 1 and len(cued) == 1:
            out.append(Suggestion(item_id, cued[0][1], cued[0][0]))
        else:
            out.append(Suggestion(item_id, None, ""))
    return out
