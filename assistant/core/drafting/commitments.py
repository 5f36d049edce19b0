"""Finding commitments in what a member said during the contracts segment.

Rules, not a model, decide *whether* something is a commitment: first-person
intentions ("I will", "I'm going to", "my contract is to") are; peers' advice
("you could") and anything not in the first person is not. Hedged intentions
("I might", "not promising") are kept but marked tentative. A sentence holding
several commitments ("I will X, and I will Y") is split into one per clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.drafting import dates

# Intention openers, longest first; the action is what follows the match.
_INTENT = [
    r"my (?:new |next )?(?:contract|goal|plan|commitment|aim)s? (?:for the next two weeks )?"
    r"(?:is|are|will be) (?:to |that i will |that i'll )?",
    r"i(?: am|'m) (?:also |then )?(?:going|gonna) to ",
    r"i(?: am|'m) (?:also )?planning (?:on|to) ",
    r"i(?: will| shall|'ll)(?: also| then| definitely| really| first)? (?:try to )?",
    r"i (?:also )?(?:plan|intend|commit|promise|want|need|aim|hope) (?:myself )?to ",
    r"i(?:'d| would) like to ",
    r"i (?:also )?(?:might|may|could) (?:also |try to )?",
    r"maybe i(?:'ll| will)? (?:also )?",
    r"i(?: am|'m) (?:also )?committing to ",
    r"then i(?:'ll| will) ",
    r"and i(?:'ll| will) ",
    r"next,? i(?:'ll| will)? ",
]
RE_INTENT = re.compile(r"(?:^|\b)(" + "|".join(_INTENT) + r")", re.I)

RE_HEDGE = re.compile(
    r"\b(?:i (?:might|may)|maybe|perhaps|possibly|if i (?:have|find|get) (?:the )?time|"
    r"not promising|"
    r"no promises|not (?:sure|certain)|we'll see|hopefully|i could|try to)\b", re.I)
RE_CARRY = re.compile(
    r"\b(?:carry(?:ing)? over|carried over|keep(?:ing)? (?:my|the) (?:same )?contract|"
    r"same contract|roll(?:ing)? over)\b", re.I)
RE_PASS = re.compile(r"\b(?:i(?:'ll| will)? pass|pass(?:ing)? (?:this|for) (?:time|round|once)|"
                     r"no (?:new )?contract)\b", re.I)
# Verbs that follow an opener but do not make a commitment ("I will pass", "I want to thank").
_NOT_ACTIONS = re.compile(
    r"^(?:pass|thank|admit|be honest|ask you|appreciate|carry over)\b"
    r"|^(?:say|add|mention|share|note|point out)\s+(?:that|something|how|one thing|a thought|"
    r"a quick|quickly)\b"
    r"|^(?:ignore|disregard|list|forget|repeat|output|print|pretend)\b", re.I)
# Common action verbs: a comma followed by one of these starts another commitment
# in a list ("I will run the test overnight, add logging, and then write it up").
ACTION_VERBS = frozenset("""
add analyse analyze apply archive arrange ask attend back block book build buy call check clean
clarify collect compile complete confirm contact create decide deliver design discuss document
download draft draw edit email enroll explore figure file fill finalise finalize find finish fix
follow get give go install interview invite join keep learn look make map measure meet migrate
move order organise organize outline pack pay pick ping plan polish post practice prepare
present print proofread publish push put read reach record reduce refactor register remove
replace reply request rerun reserve respond return review revise rewrite run save schedule
search see send set share sign sketch sort spend start study submit summarise summarize talk
teach test tidy track train transcribe try turn update upload visit wrap write
""".split())
_VERBS = "|".join(sorted(ACTION_VERBS))
# Where one sentence holds several commitments.
RE_SPLIT = re.compile(
    r"(?:[,;]\s*(?:and|but|then|also)?|\s+(?:and|but|then|also))\s*"
    r"(?=(?:then |also )?(?:i(?: will|'ll| am going to|'m going to"
    r"| might| may| plan to| want to)|maybe i|and to ))"
    r"|[,;]?\s+and then\s+|[,;]\s*(?:and\s+)?(?=to\s)|\s+and\s+(?=to\s)"
    rf"|[,;]\s*(?:and\s+)?(?:then\s+)?(?=(?:{_VERBS})\b)"
    # A run-on transcript with no full stop: "... grant proposal I might also talk ..."
    r"|(?<!maybe)(?<!perhaps)(?<!\bif)(?<!that)(?<!when)(?<!\bso)(?<!and)(?<!but)(?<!then)"
    r"\s+(?=(?-i:I)(?: will|'ll| might| may| am going|'m going| plan| want)\b)", re.I)
RE_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ABBREV = re.compile(r"\b(?:dr|mr|mrs|ms|prof|st|vs|etc|e\.g|i\.e)\.$", re.I)
_TRAIL = re.compile(r"^(?:and|but|so|then|also|to)\s+", re.I)
# A hedged aside run on to a commitment when the transcript lost the full stop:
# "write up what I find for the team[.] Pairing with the platform team, maybe". The
# hedge belongs to the aside (a gerund after a noun), not to the commitment before it.
_HEDGE_END = r"(?:maybe|perhaps|possibly|no promises)"
RE_ASIDE = re.compile(
    # the word before the gerund: a noun ("the team pairing"), not a preposition or a verb
    # the gerund belongs to ("on writing", "keep working")
    r"\b(?!(?:of|for|the|a|an|my|our|your|their|be|is|am|are|was|keep|start|stop|finish|"
    r"about|on|in|at|by|with|without|before|after|and|to|while|from|into|i|me)\s)"
    r"[\w'-]+\s+"
    r"(?P<aside>(?!(?:thing|something|anything|nothing|everything|morning|evening|meeting|"
    r"building|during|string|spring|bring|ring|king|sing|wing|ceiling|wedding)\b)"
    rf"[a-z]{{2,}}ing\b(?:\s+[\w'-]+){{1,8}}?,?\s+{_HEDGE_END}\s*$)", re.I)


@dataclass(frozen=True)
class Candidate:
    clause: str  # the words as said, trimmed to the clause
    action: str  # the clause from its verb on: the rule-based contract text
    tentative: bool
    carry: bool  # "I'm carrying over my contract": resolve to the previous items


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in RE_SENTENCE.split(text.strip()):
        if out and _ABBREV.search(out[-1]):  # "Dr. Lee" is one sentence
            out[-1] = f"{out[-1]} {piece}"
        elif piece.strip():
            out.append(piece.strip())
    return out


_AND_DATE = re.compile(r",?\s*and\s+((?:by|on|before|until)\s+.*)$", re.I)


def clauses(sentence: str) -> list[str]:
    parts = [p.strip(" ,;") for p in RE_SPLIT.split(sentence) if p and p.strip(" ,;")]
    # "..., and by Friday I'll write it up": the date opens the next clause, not this one.
    for i in range(len(parts) - 1):
        m = _AND_DATE.search(parts[i])
        tail = m.group(1).strip(" ,;") if m else ""
        if m and (dates.due_phrase(tail) or "").lower() == tail.lower():
            parts[i] = parts[i][: m.start()].strip(" ,;")
            parts[i + 1] = f"{parts[i + 1].rstrip('.!?')} {tail}"
    return parts or [sentence]


def _action_from(clause: str) -> tuple[str, bool] | None:
    """The action words of a first-person commitment clause, and whether it hedges."""
    m = RE_INTENT.search(clause)
    if m is None:
        # A bare "to finish the remaining page" or "add logging" continuing an opener.
        bare = re.match(rf"^(?:and\s+)?(?:then\s+)?(?:to\s+)?((?:{_VERBS})\b.*)", clause, re.I) \
            or re.match(r"^(?:and\s+)?to\s+(\w.*)", clause, re.I)
        if not bare:
            return None
        rest = bare.group(1)
        opener = ""
    else:
        rest = clause[m.end():]
        opener = m.group(1)
    rest = _TRAIL.sub("", dates.fix_misheard_by(rest).strip(" ,.;!?")).strip()
    # Drop tails that hedge but add no action ("..., but I am not promising that yet").
    rest = re.split(r",?\s+but\s+i(?:'m| am)?\s+not\b", rest, flags=re.I)[0].strip(" ,")
    aside = RE_ASIDE.search(rest)
    if aside and len(rest[:aside.start("aside")].split()) >= 3:
        rest = rest[:aside.start("aside")].strip(" ,")
        clause = f"{opener}{rest}"  # the hedge went with the aside
    if len(rest.split()) < 2 or _NOT_ACTIONS.match(rest):
        return None
    hedged = bool(RE_HEDGE.search(opener) or RE_HEDGE.search(clause))
    return rest, hedged


def _date_only(sentence: str, phrase: str) -> bool:
    rest = re.sub(r"\b(?:I|my|by)\b", " ", sentence.replace(phrase, " ").split(",")[-1])
    rest = re.sub(r"[^\w\s]", " ", rest)
    head = re.sub(r"^(?:I|my)\s+", "by ", sentence.strip(), flags=re.I)
    return not rest.strip() or head.lower().startswith(phrase.lower())


def find(text: str) -> list[Candidate]:
    """All commitment candidates in one member's contracts-segment text, in order."""
    text = text.replace("’", "'")  # Whisper writes both ' and ’
    out: list[Candidate] = []
    for sentence in sentences(text):
        carry = bool(RE_CARRY.search(sentence))
        if carry and not RE_INTENT.search(RE_CARRY.split(sentence)[-1] or ""):
            out.append(Candidate(sentence, "", False, True))
            continue
        if RE_PASS.search(sentence) and not RE_INTENT.search(RE_PASS.sub("", sentence)):
            continue
        phrase = dates.due_phrase(sentence)
        if out and phrase and not RE_INTENT.search(sentence) and _date_only(sentence, phrase):
            # "I will update my statement. By Friday the 13th." -- the date is the last item's.
            last = out[-1]
            out[-1] = Candidate(f"{last.clause} {sentence}", f"{last.action} {phrase}",
                                last.tentative, last.carry)
            continue
        seen_intent = False
        for clause in clauses(sentence):
            found = _action_from(clause)
            if found is None:
                continue
            if RE_INTENT.search(clause) is None and not seen_intent:
                continue  # a bare "to ..." only continues an earlier first-person opener
            seen_intent = True
            action, hedged = found
            # Capitalise only when that keeps the letter one letter ("ß".upper() is "SS").
            if len(action[0].upper()) == 1:
                action = action[0].upper() + action[1:]
            out.append(Candidate(clause, action, hedged, False))
    return out
