"""Suggesting report-back statuses from what a member said about last time.

Rules are more reliable here than a small model, but not a fixed list of cue
words: people report an outcome by what they did ("I read both chapters and
made notes on each"), by what stopped them ("I got stuck on one section") or by
a verdict ("so that one is complete"). So each clause is read for its meaning:

- a decision to stop (dropped) or to keep going (carried over);
- a negation of doing it, or an obstacle (not done);
- a share of it, or doing some but not all (partial);
- a verdict word or a first-person past-tense action with no negation (done).

A member reports on several items in turn: a clause is about the item it names
(shared content words, allowing "submitted"/"submit"), or else about the item the
member was last talking about, so "My contract was to run the survey. I got all
ten answers, so that one is complete." decides the survey. Restatements of the
old contract ("my contract was to ...", "i said i would ...") set that topic but
carry no outcome. Run-on text with no punctuation is split where a new
first-person clause starts. The member or timekeeper confirms every suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.drafting import commitments, spoken
from assistant.core.drafting.textnorm import content_stems

_NEG = r"(?:did ?n[o']t|did not|have ?n[o']t|has ?n[o']t|had ?n[o']t|have not|has not|had not|" \
       r"never|not|no|couldn't|could not|can't|cannot|wasn't|was not|won't|zero)"
_NUM = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
# "I did not email the committee", "I haven't even opened it": any verb after these.
_NOT_DID = r"(?:did ?n[o']t|did not|have ?n[o']t|have not|has ?n[o']t|has not|never|" \
           r"couldn't|could not|wasn't able to|was not able to|was ?n[o']t able to)"
# Checked in this order; a clause may hold several, combined in `_combine`.
CUES: list[tuple[str, re.Pattern[str]]] = [
    ("carried_over", re.compile(
        r"\b(?:carry(?:ing)?(?: [\w']+){0,6} (?:over|forward)|carried(?: [\w']+){0,6} "
        r"(?:over|forward)|"
        r"roll(?:ing|ed)?(?: \w+){0,2} over|still (?:working|going) on|"
        r"keep(?:ing)? (?:it|that|this)(?: one)? (?:for|on|going|into)|"
        r"same (?:contract|one|thing) (?:again|next)|"
        r"(?:it|that|this)(?: one)? (?:goes|moves|stays) (?:on|onto|into|to) (?:my|the) next|"
        # the verb misheard ("i'm coming the plan over to the next two weeks"), the rest
        # still says it: moved on to the next round
        r"(?:over|forward) (?:to|into|for) (?:the )?next (?:two weeks|meeting|time|round))\b",
        re.I)),
    ("dropped", re.compile(
        r"\b(?:drop(?:ped|ping)?|abandon(?:ed|ing)?|let(?:ting)? (?:it|that|this)(?: one)? go|"
        r"no longer|off the table|off my (?:list|plate)|doesn't matter (?:now|any ?more)|"
        # "off" heard as "of": after "is", "of the table" can only be the idiom
        r"(?:is|are|was|it's|that's|now) of (?:the table|my (?:list|plate))|"
        r"for good|and i won't|and i(?:'m| am) not going to|not going to happen|"
        r"gave up on|giving up on|given up on|not (?:relevant|needed|necessary) any ?more|"
        r"decided (?:against|not to)|(?:not|never) going to do (?:it|that)|scrap(?:ped|ping)|"
        r"(?:i|we)(?: have|'ve)? cancel+ed|(?:won't|will not|not going to) be doing|"
        r"not doing (?:it|that|this) any ?more|(?:is|was|got|been) cancel+ed|shelv(?:ed|ing)|"
        r"(?:took|taken|taking|take)(?: [\w']+){1,6} off "
        r"(?:my|the) (?:list|plate)|not worth (?:it|doing)|no point)\b", re.I)),
    ("partial", re.compile(
        r"\b(?:partly|partially|part of (?:it|them|that|the)|"
        r"the (?:first|second|last) (?:part|half)|"
        r"half(?:way)?|some of|most of|a bit of|(?<!n't )(?<!not )(?<!never )"
        r"(?:started|began)(?! to (?:think|look|wonder|consider))|"
        rf"one of the|(?:{_NUM}) (?:out )?of (?:the |my |those )?(?:{_NUM})\b|not all|"
        r"not (?:quite|completely|entirely|fully)|in progress|"
        r"mostly|almost|nearly|except|apart from|only (?:managed|got|did)|made (?:some|a bit of|"
        r"good) progress|part way|partway|a (?:third|quarter|fifth|fraction|portion|chunk)|"
        rf"(?:{_NUM}) percent|the first (?:\w+ )?(?:weeks|pages|sections|chapters|days)|"
        r"the rest (?:is|are|still)|got through (?:about |only |roughly )?(?:a|some|part))\b",
        re.I)),
    ("not_done", re.compile(
        rf"\b(?:{_NEG} (?:\w+ ){{0,2}}(?:get|got|do|did|done|start|started|finish|finished|"
        r"manage|managed|able|happen|happened|touch|touched|make|made|progress|chance|"
        r"look|looked|write|wrote|send|sent|even)|"
        rf"(?:i|we) (?:\w+ )?{_NOT_DID} (?!think|expect|imagine|believe|know)[a-z]+|^not\b|"
        r"not yet|no \w+ yet|not done|not finished|no progress|untouched|sat on my desk|"
        r"failed to|no time|got stuck|(?:i was|i'm|i am) stuck|ran out of time|fell through|"
        r"slipped|nothing happened|didn't happen|not (?:at all|a single)|never got)\b", re.I)),
    ("done", re.compile(
        r"\b(?:done|did (?:it|that|them|all|both|everything)|finished|complete|completed|"
        r"submitted|sent|got it|managed|accomplished|succeeded|applied|all set|wrapped up|"
        r"handed (?:it )?in|ticked (?:it |that )?off|crossed (?:it |that )?off|delivered|"
        r"went (?:well|fine|through)|it's in|that's in|(?:both|all|each|every) of them|i did\b|"
        r"all of it|every bit|the whole (?:thing|lot)|(?:is|are) (?:now )?(?:up|out|live|in)$|"
        r"(?:is|are|was|were) (?:now )?(?:up|out|live) (?:on|and)|can now|is now able|"
        # passive completion: "all thirty reports are graded", "the room is booked"
        r"(?:is|are|was|were|'s) (?:now |all |fully |finally )?(?!(?:delayed|postponed|stalled|"
        r"blocked|stuck|cancel+ed|scrapped|dropped|supposed|needed|planned|asked|meant)\b)"
        r"[a-z]{3,}ed\b)",
        re.I)),
]
_RANK = {status: n for n, (status, _) in enumerate(CUES)}
RE_RESTATE = re.compile(r"\b(?:my (?:last |previous |old )?(?:contract|goal|plan|commitment)s? "
                        r"(?:was|were)|i (?:was supposed|was going|had planned|had promised|"
                        r"wanted|planned|had|promised|committed) to|"
                        r"i said (?:that )?i(?:'d| would| will)|"
                        r"last time i (?:said|committed|planned|promised))\b", re.I)
# A first-person past-tense action with no negation is a report of doing it:
# "I read both chapters", "I ran the survey", "I booked the room".
_IRREGULAR_PAST = frozenset("""
read ran wrote sent made met did got took gave spoke went found built bought brought began
sat set put paid rang told taught thought caught kept left lent led drew drove flew grew
held heard hung knew laid lost meant rode rose saw sold shot shut sang sank slept spent
spun stood stuck swam threw understood woke wore won wound
""".split())
# Past forms that report an intention or attempt, not an outcome.
_NOT_OUTCOME = frozenset("""
tried wanted planned intended hoped meant needed decided promised said supposed thought
started used seemed felt stuck cancelled canceled postponed delayed missed failed stalled blocked
refused declined rejected asked
""".split())
_ATTEMPT = re.compile(r"\b(?:tried|wanted|meant|planned|hoped|intended|was going|were going|"
                      r"was supposed|had hoped) to\b", re.I)
_MODAL = frozenset("to will would 'll can could should might may must did didn't not don't "
                   "won't".split())
_PAST_ACTION = re.compile(r"\b(?:i|we)(?: (?:also|then|just|finally|actually))? ([a-z]+)\b", re.I)
# Where a new clause starts in run-on report-back text: a first-person subject
# with a verb, or a verdict about "that one" / "it".
_REPORT_OPENER = re.compile(
    r"\b(?:i(?:'ve|'m|'d)? (?!(?:would|will|'ll|could|should|might|may)\b)[a-z']+|"
    r"(?:that|this) one (?:is|was|'s)|(?:it|that)(?:'s| is| was) (?:all |now )?"
    r"(?:done|finished|complete|in|off)|nothing happened)", re.I)


@dataclass(frozen=True)
class Suggestion:
    item_id: int
    status: str | None  # None: nothing said that decides it ("not reported")
    quote: str


def _past_action(clause: str, anywhere: bool = False) -> bool:
    """A first-person past-tense verb ("I ran"); with `anywhere`, any past verb in a clause
    about the item ("the reading group met on Thursday")."""
    if _ATTEMPT.search(clause):
        return False
    words = re.findall(r"[a-z']+", clause.lower())
    # "to read", "will read": not a past verb
    verbs = ([w for w, before in zip(words, ["", *words], strict=False) if before not in _MODAL]
             if anywhere else [m.group(1).lower() for m in _PAST_ACTION.finditer(clause)])
    for verb in verbs:
        if verb in _NOT_OUTCOME:
            continue
        if verb in _IRREGULAR_PAST or (verb.endswith("ed") and len(verb) > 4
                                       and not verb.endswith("eed")):
            return True
    return False


# Nothing of it was done, whatever else was started ("I started to think about it but
# did not actually do any of it").
_NONE_OF_IT = re.compile(r"\b(?:(?:any|none) of (?:it|them)|not at all|untouched|never started|"
                         r"did ?n[o']t (?:even )?start|"
                         r"not a (?:single )?(?:word|page|line|thing))\b", re.I)
_REFERS = re.compile(r"\b(?:it|them|that|those|both|each|all|every)\b", re.I)


def status_of(clause: str, names_item: bool = True) -> str | None:
    """What one clause says became of an item, from its meaning; None when it says nothing.

    A bare past-tense action counts as done only when the clause names the item or
    refers back to it ("I missed the last meeting" reports nothing about the item).
    """
    found = {status for status, pattern in CUES if pattern.search(clause)}
    if "carried_over" in found:
        return "carried_over"
    if "dropped" in found:
        return "dropped"
    if "not_done" in found and _NONE_OF_IT.search(clause):
        return "not_done"
    if "partial" in found:
        return "partial"
    if "not_done" in found:
        return "not_done"
    if "done" in found or (_past_action(clause, anywhere=names_item) and (
            names_item or _REFERS.search(clause))):
        return "done"
    return None


def _combine(statuses: list[str]) -> str:
    """One item, several clauses: a decision about the item wins over how far it got, and
    doing some of it and not the rest is partial ("I did the first part but not the second")."""
    have = set(statuses)
    for decided in ("carried_over", "dropped"):
        if decided in have:
            return decided
    if "none_of_it" in have:
        return "not_done"
    if "partial" in have or {"done", "not_done"} <= have and len(statuses) > 1 and \
            statuses.index("done") < statuses.index("not_done"):
        return "partial"
    if "not_done" in have:
        return "not_done"
    return "done"


def _clauses(text: str) -> list[str]:
    out: list[str] = []
    for sentence in commitments.sentences(spoken.normalise(text)):
        for part in re.split(r"[,;:]\s*(?:and|but|so)?\s*|\s+but\s+|\s+so\s+|\s+and\s+(?=i\b)",
                             sentence, flags=re.I):
            part = part.strip(" ,.;!?")
            if not part:
                continue
            cuts = spoken.opener_splits(part, _REPORT_OPENER.finditer(part))
            bounds = [0, *cuts, len(part)]
            out.extend(part[a:b].strip(" ,.;") for a, b in zip(bounds, bounds[1:], strict=False)
                       if part[a:b].strip(" ,.;"))
    return out


# Numbers name no item: "the next two weeks" is not "read two papers".
_NUMBERS = frozenset(content_stems("one two three four five six seven eight nine ten eleven "
                                   "twelve twenty thirty half first second third"))


def _stems_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    # "submitt"/"submit", "analys"/"analysis"; not "part"/"partially"
    return len(short) >= 4 and len(long_) - len(short) <= 3 and long_.startswith(short)


def _overlap(item: set[str], clause: set[str]) -> int:
    return sum(1 for s in item if any(_stems_match(s, c) for c in clause))


def suggest(text: str, items: Sequence[tuple[int, str]]) -> list[Suggestion]:
    """`items`: (id, text) of the member's previous contract items, every one of which gets
    a suggestion (status None when nothing said decides it)."""
    if not items:
        return []
    stems = {item_id: content_stems(t) - _NUMBERS for item_id, t in items}
    found: dict[int, list[tuple[str, str]]] = {item_id: [] for item_id, _ in items}
    unnamed: list[tuple[str, str]] = []  # outcomes said before any item was named
    topic: int | None = None
    verdict: tuple[str, str] | None = None  # "Done." said just before naming the item

    def place(target: int | None, said: tuple[str, str]) -> None:
        if target is None and len(items) == 1:
            target = items[0][0]
        (unnamed if target is None else found[target]).append(said)

    for clause in _clauses(text):
        words = content_stems(clause)
        scores = {i: _overlap(s, words) for i, s in stems.items()}
        best = max(scores.values())
        named = [i for i, n in scores.items() if n == best and n > 0]
        if verdict is not None:
            # a bare verdict goes with the item named right after it, if that is a new one
            place(named[0] if len(named) == 1 and named[0] != topic else topic, verdict)
            verdict = None
        if len(named) == 1:
            topic = named[0]
        if RE_RESTATE.search(clause):
            continue  # "my contract was to finish X": names X, decides nothing
        status = status_of(clause, names_item=bool(named))
        if status is None:
            continue
        if not named and len(clause.split()) <= 2 and len(items) > 1:
            verdict = (status, clause)
            continue
        place(topic if len(named) != 1 else named[0], (status, clause))
    if verdict is not None:
        place(topic, verdict)
    out: list[Suggestion] = []
    for item_id, _ in items:
        said = found[item_id]
        if not said and unnamed and not any(found.values()):
            said = unnamed  # "All done." about every item
        if not said:
            out.append(Suggestion(item_id, None, ""))
            continue
        status = _combine([s for s, _ in said] + [
            "none_of_it" for _, c in said if _NONE_OF_IT.search(c) and status_of(c) == "not_done"])
        quote = ", ".join(c for _, c in said)
        out.append(Suggestion(item_id, status, quote))
    return out
