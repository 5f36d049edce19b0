"""Checking model output against the words actually said.

A rephrased action is accepted only if it (1) introduces no content word the
member did not say, (2) keeps most of the content words of the member's own
action, every number and every date word, and (3) is a plausible length.
Otherwise the caller falls back to the member's own words.
"""

from __future__ import annotations

import re

from assistant.core.drafting.textnorm import content_stems, stem, words

# Every content word of the member's own action must survive: the model may drop
# filler and fix grammar, never a noun ("update my teaching statement" must not
# become "update statement").
KEEP_RATIO = 1.0
_NUMERIC = re.compile(r"\d|first|second|third|fourth|fifth|tenth|twelfth|twentieth|thirtieth|"
                      r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|"
                      r"february|march|april|june|july|august|september|october|november|"
                      r"december|one|two|three|four|five|six|seven|eight|nine|ten")
# Pronoun swaps a faithful rewrite may make ("my paper" -> "the paper").
_NEUTRAL = {stem(w) for w in ("their", "them", "they", "her", "his", "the", "a", "an")}


def check(action: str, source_action: str, clause: str) -> tuple[bool, str]:
    """(accepted, reason). `source_action` is the rule-based text, `clause` all that was said."""
    out = content_stems(action) - _NEUTRAL
    said = content_stems(clause) | content_stems(source_action)
    if not action.strip():
        return False, "empty"
    if len(words(action)) > len(words(clause)) + 2:
        return False, "longer than what was said"
    added = out - said
    if added:
        return False, f"adds {len(added)} word(s) not said"
    # Numbers and dates first: the most specific reason for a rejection.
    numeric_said = {w for w in words(source_action) if _NUMERIC.fullmatch(w) or w.isdigit()}
    if not numeric_said <= set(words(action)):
        return False, "drops a number or date"
    need = content_stems(source_action)
    if need and len(need & out) / len(need) < KEEP_RATIO:
        return False, "drops what was said"
    return True, "ok"
