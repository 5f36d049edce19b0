"""Contract drafting: extract commitments, let the LLM tidy them, check, fall back.

For one member: their words in the `contracts` segment → commitment candidates
(rules, assistant/core/drafting/commitments.py) → a candidate whose rule text is not
yet a to-do rephrased by the local LLM under a JSON schema → the rephrasing checked
against what was said (assistant/core/drafting/grounding.py) → the member's own words
when the check fails.
"Carry over my contract" resolves to the member's previous open items. Every
draft keeps its source quote, times and due date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.drafting import commitments, confidence, dates, grounding, prompts
from assistant.core.drafting.attribution import Utterance
from assistant.core.drafting.llm import LocalLLM
from assistant.core.drafting.textnorm import content_stems


@dataclass(frozen=True)
class PreviousItem:
    id: int
    text: str
    done: bool  # reported done/dropped: nothing to carry


@dataclass(frozen=True)
class DraftItem:
    text: str
    due: dt.date
    tentative: bool
    quote: str
    start: float | None
    end: float | None
    origin: str  # 'llm', 'rule' or 'carry'
    carried_from: int | None = None


@dataclass
class DraftStats:
    candidates: int = 0
    llm_accepted: int = 0
    llm_rejected: int = 0
    llm_skipped: int = 0  # the rule text was already a to-do: the model was not asked
    unsure: int = 0  # drafts marked for review: the speech model doubted their words


# Room in the answer beyond the clause itself: the grounding check allows two more words
# than were said, and a snake_case or re-cased answer may cost a few more tokens.
ANSWER_SLACK_TOKENS = 12


def worth_asking(action: str) -> bool:
    """Whether the model could still improve the rule's action.

    The grounding check accepts only a rewrite that keeps every content word of the
    rule's action and adds none, so all a model can do is turn the opening into a verb
    ("Drafting the introduction" -> "Draft the introduction") and drop function words.
    An action that already opens with a known action verb ("Send the survey to ten
    students by March 20") is a to-do as it stands: asking the model costs most of the
    drafting time and, at best, drops a "the" (on the 8-member benchmark 13 of 17
    answers were refused, and the accepted ones on verb-first actions changed nothing
    of substance; benchmarks/RESULTS.md, issue 16).
    """
    first = action.split(maxsplit=1)[:1]
    return not first or first[0].lower() not in commitments.ACTION_VERBS


class Drafter:
    """Drafts contract items. With `llm=None` it uses the members' own words only."""

    def __init__(self, llm: LocalLLM | None) -> None:
        self.llm = llm
        self.prompt = prompts.load("rephrase_contract")
        self.stats = DraftStats()

    def rephrase(self, cand: commitments.Candidate) -> tuple[str, str]:
        """(text, origin): the model's action when it passes the check, else the rule's."""
        if self.llm is None:
            return cand.action, "rule"
        if not worth_asking(cand.action):
            self.stats.llm_skipped += 1
            return cand.action, "rule"
        # The model sees the clause with a misheard "I March 20" already read as "by".
        said = dates.fix_misheard_by(cand.clause).replace('"', "'")
        # A grounded answer is no longer than the clause (grounding.check), so generating
        # past the clause's own length as JSON can only make an answer that is refused.
        cap = self.llm.count_tokens(json.dumps({"action": said})) + ANSWER_SLACK_TOKENS
        data = self.llm.complete_json(self.prompt, max_tokens=cap, clause=said)
        action = data.get("action") if isinstance(data, dict) else None
        if isinstance(action, str):
            # Small models like snake_case; words joined by underscores are still words.
            action = " ".join(action.replace("_", " ").split()).strip(" .")
            ok, _reason = grounding.check(action, cand.action, cand.clause)
            if ok:
                self.stats.llm_accepted += 1
                return action[:1].upper() + action[1:], "llm"
        self.stats.llm_rejected += 1
        return cand.action, "rule"

    def draft(self, utterances: Sequence[Utterance], meeting_date: dt.date,
              next_meeting: dt.date, previous: Sequence[PreviousItem] = ()) -> list[DraftItem]:
        """Draft one member's items from their contracts-segment utterances (in time order)."""
        text = " ".join(u.text for u in utterances)
        heard = [u.heard for u in utterances]
        out: list[DraftItem] = []
        for cand in commitments.find(text):
            self.stats.candidates += 1
            start, end = _locate(cand.clause, utterances)
            if cand.carry:
                for prev in previous:
                    if not prev.done:
                        out.append(DraftItem(prev.text, next_meeting, False, cand.clause, start,
                                             end, "carry", prev.id))
                continue
            said_due = dates.find_due(cand.clause, meeting_date)
            if said_due and out and _is_follow_up(cand.action, out[-1].text):
                # "I'll finish the slides." ... "I will finish them by the 20th."
                last = out[-1]
                phrase = dates.due_phrase(cand.clause) or ""
                out[-1] = DraftItem(f"{last.text} {phrase}".strip(), said_due, last.tentative,
                                    f"{last.quote} {cand.clause}", last.start, end or last.end,
                                    last.origin, last.carried_from)
                continue
            # The precision guard: words the speech model doubted are not a contract until
            # the member has checked them (marked tentative: review shows it, and it does
            # not count as a contract).
            doubted = confidence.unsure(cand.action, confidence.of_action(cand.action, heard))
            if doubted:
                self.stats.unsure += 1
            text_out, origin = self.rephrase(cand)
            out.append(DraftItem(text_out, said_due or next_meeting, cand.tentative or doubted,
                                 cand.clause, start, end, origin))
        return _dedupe(out)


def _locate(clause: str, utterances: Sequence[Utterance]) -> tuple[float | None, float | None]:
    """Start/end seconds of the utterance(s) the clause came from."""
    want = content_stems(clause)
    hits = [u for u in utterances if want & content_stems(u.text)]
    if not hits:
        return None, None
    best = max(hits, key=lambda u: len(want & content_stems(u.text)))
    return best.start, best.end


_PRONOUNS = {"them", "it", "that", "those", "this", "these", "one"}


def _is_follow_up(action: str, previous: str) -> bool:
    """Same verb, and nothing new but a pronoun and a date: a date added to the last item."""
    a, p = action.lower().split(), previous.lower().split()
    if not a or not p or a[0] != p[0]:
        return False
    rest = dates.strip_due(action).lower()
    extra = content_stems(rest) - content_stems(previous) - _PRONOUNS
    return not extra and bool(set(rest.split()) & _PRONOUNS)


def _overlap(a: str, b: str) -> float:
    sa, sb = content_stems(a), content_stems(b)
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def _same_verb(a: str, b: str) -> bool:
    wa, wb = a.lower().split()[:1], b.lower().split()[:1]
    return bool(wa) and wa == wb


def _dedupe(items: list[DraftItem]) -> list[DraftItem]:
    """One commitment said twice is one item.

    A carried-over item restated in words ("I'm carrying over my contract. I will
    finish the review") keeps the wording the member approved last time, the
    spoken quote and times, and the link to the old item.
    """
    out: list[DraftItem] = []
    for item in items:
        carry = "carry" in (item.origin, *(o.origin for o in out))
        # A looser match for a restated carried item, but still the same action: "Apply for
        # the travel grant to the workshop" is not "Prepare the poster for the workshop".
        twin = next((o for o in out if _overlap(o.text, item.text) >= 0.75 or (
            carry and "carry" in (o.origin, item.origin) and _overlap(o.text, item.text) >= 0.5
            and _same_verb(o.text, item.text))), None)
        if twin is None:
            out.append(item)
            continue
        old = twin if twin.origin == "carry" else item if item.origin == "carry" else None
        spoken = item if old is twin else twin
        merged = DraftItem((old or spoken).text, spoken.due, twin.tentative and item.tentative,
                           spoken.quote, spoken.start, spoken.end, (old or spoken).origin,
                           twin.carried_from or item.carried_from)
        out[out.index(twin)] = merged
    return out
