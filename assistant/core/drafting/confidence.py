"""How sure the speech model was of the words a draft is made of: the precision guard.

Whisper gives each word a probability (`Word.probability`). In a noisy room or over a
phone line, garbled words come out as real but wrong words ("learn plan the fact science
part"), and the rules draft them as contracts as readily as clean speech. What Whisper
heard is kept with each utterance as `Heard` pairs (normalised word, probability),
through the stored transcript (`transcript_segments.heard`), so the drafter can ask of
each commitment's action how sure the model was of its words (`of_action`), and a draft
the model was unsure of is marked for the member's review rather than counted as a
contract (`unsure`).

Text without probabilities (a script's own words, a transcript stored before they were
kept) is taken as heard for certain: the guard never fires on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from assistant.core.drafting import commitments
from assistant.core.drafting.textnorm import words
from assistant.core.speech.types import Word

# (normalised word, probability), in the order said
Heard = tuple[tuple[str, float], ...]


def heard(ws: Iterable[Word]) -> Heard:
    """The pairs of Whisper's words; a word the normaliser splits ("pre-registration")
    gives each part the whole word's probability."""
    return tuple((t, round(float(w.probability), 3)) for w in ws for t in words(w.word))


def dumps(h: Heard) -> str | None:
    """The stored form (a JSON list of [word, probability]); None when nothing is known."""
    return json.dumps([[w, p] for w, p in h], separators=(",", ":")) if h else None


def loads(text: str | None) -> Heard:
    """The pairs back from their stored form; anything unreadable is nothing known."""
    if not text:
        return ()
    try:
        data = json.loads(text)
        return tuple((str(w), float(p)) for w, p in data)
    except (ValueError, TypeError):
        return ()


def of_action(action: str, said: Sequence[Heard]) -> list[float | None]:
    """Per word of the action (as `textnorm.words` splits it), the probability it was heard
    with, found in order among the words heard; None where it is not found.

    Words the drafter changed or added (a repaired term, "going to" for "gonna") are not
    found: they say nothing about what was heard, and are not counted.
    """
    want = words(action)
    stream = [pair for h in said for pair in h]
    out: list[float | None] = [None] * len(want)
    if not stream:
        return out
    match = SequenceMatcher(None, [w for w, _ in stream], want, autojunk=False)
    for b in match.get_matching_blocks():
        for k in range(b.size):
            out[b.b + k] = stream[b.a + k][1]
    return out


# The guard's thresholds, set on the dev split's audio (benchmarks/RESULTS.md, "Precision
# guard"): there, correct drafts in noise still had single doubted words (a misheard term
# inside a right contract), but rarely a third of their words badly doubted.
DOUBTED_VERB = 0.5  # an opening word heard with less than this is doubted
BAD_WORD = 0.25  # a word heard with less than this is badly doubted
BAD_SHARE = 0.35  # a draft with at least this share of badly doubted words is not trusted
MIN_WORDS = 2  # fewer words found than this: too little to judge, trusted


def unsure(action: str, probs: Sequence[float | None]) -> bool:
    """Whether the speech model doubted a draft's words too much to count it as said:
    its opening word is not a known action verb and was doubted ("Firm, wait", "Hurry
    and you don't ..."), or too many of its words were badly doubted ("Read five paper on
    rent shipped paper"). Words not found among those heard are not counted."""
    ws = words(action)
    if ws and probs and probs[0] is not None and probs[0] < DOUBTED_VERB \
            and ws[0] not in commitments.ACTION_VERBS:
        return True
    known = [p for p in probs if p is not None]
    if len(known) < MIN_WORDS:
        return False
    return sum(p < BAD_WORD for p in known) / len(known) >= BAD_SHARE
