"""Finding commitments in what a member said during the contracts segment.

Rules, not a model, decide *whether* something is a commitment: first-person
intentions ("I will", "I'm going to", "my contract is to", and "I write" with an
action verb, whose "'ll" the speech model lost) are; peers' advice
("you could") and anything not in the first person is not. Hedged intentions
("I might", "not promising") are kept but marked tentative. A sentence holding
several commitments ("I will X, and I will Y") is split into one per clause, and
so is run-on text with no punctuation at all ("first i will X second i will Y"):
a clause starts at its first-person opener (assistant/core/drafting/spoken.py).
Spoken style is read as such: fillers and "gonna" are normalised, a self-correction
("... actually no, that's too much, I'll just do Y") keeps only the corrected
commitment, a fronted hedge ("if I have time, I'll ...") makes the clause after it
tentative, and talk about the talk ("I'll be honest", "I'll just say thank you")
or advice to someone else is not a commitment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.drafting import dates, spoken

# Intention openers, longest first; the action is what follows the match.
_INTENT = [
    r"my (?:new |next )?(?:contract|goal|plan|commitment|aim)s? (?:for the next two weeks )?"
    r"(?:is|are|will be) (?:to |that i will |that i'll )?",
    r"i(?: am|'m) (?:also |then )?(?:going|gonna) to ",
    r"i(?: am|'m) (?:also )?planning (?:on|to) ",
    r"i(?: will| shall|'ll)(?: (?:also|then|definitely|really|first|just|actually|probably|"
    r"still|now|finally|certainly|at least))* (?:try to )?",
    r"i(?: have|'ve)(?: got)? to ",
    r"i(?: have|'ve) decided to ",
    r"i (?:also )?(?:plan|intend|commit|promise|want|need|aim|hope) (?:myself )?to ",
    r"i(?:'d| would) like to ",
    r"i should (?:probably |really |also |maybe )*",
    r"what i(?:'ll| will| am going to|'m going to| plan to) do is (?:to )?",
    # "ideally I would clean the data": a commitment only in the conditional, so hedged
    r"i(?:'d| would) (?:also |probably |ideally )?(?=[a-z]+ )(?!(?:say|be|have|like|love|"
    r"suggest|recommend|advise|do|not|never|rather|think|guess|imagine)\b)",
    r"i (?:also )?(?:might|may|could) (?:also |try to )?",
    r"maybe i(?:'ll| will)? (?:also )?",
    r"i(?: am|'m) (?:also )?committing to ",
    r"then i(?:'ll| will) ",
    r"and i(?:'ll| will) ",
    r"next,? i(?:'ll| will)? ",
]

RE_HEDGE = re.compile(
    r"\b(?:i (?:might|may)|maybe|perhaps|possibly|if i (?:have|find|get) (?:the )?time|"
    r"not promising|probably|ideally|at some point|some ?time|eventually|if possible|"
    r"time permitting|i(?:'d| would) (?!like to)|i should|"
    r"if (?:i|there)(?:'s| is)? (?:can|manage|get a chance|(?:enough )?time)|"
    r"no promises|not (?:sure|certain)|we'll see|hopefully|i could|try to)\b", re.I)
RE_CARRY = re.compile(
    r"\b(?:carry(?:ing)? over|carried over|keep(?:ing)? (?:my|the) (?:same )?contract|"
    r"same contract|roll(?:ing)? over)\b", re.I)
RE_PASS = re.compile(r"\b(?:i(?:'ll| will)? pass|pass(?:ing)? (?:this|for) (?:time|round|once)|"
                     r"no (?:new )?contract)\b", re.I)
# Verbs that follow an opener but do not make a commitment ("I will pass", "I want to thank").
_NOT_ACTIONS = re.compile(
    r"^(?:just |quickly |briefly |also )?(?:pass|thank|admit|ask you|appreciate|carry over|"
    # talk about the talk itself, not something to do in the next two weeks
    r"be (?:honest|brief|quick|short|frank|open|clear|fine|ok|okay|happy|glad|real)|"
    r"say (?:thanks|thank you|a few words|a word|hi|hello)|keep (?:it|this) (?:short|brief)|"
    r"go (?:first|next|last|quickly)|start(?: us off| off)?$|begin$|stop (?:there|here)|"
    r"leave it (?:there|at that)|hand (?:it )?(?:over|back)|let you know|tell (?:you|ya)\b|"
    r"say (?:[\w']+ )?(?:again|once more|out loud)|"
    r"wrap up$|shut up|wait|hold on|hang on|sorry|let me (?:see|think|check)|"
    r"give me a (?:second|sec|moment|minute))\b"
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
calibrate renew rehearse reorganise reorganize repeat rerun restructure scan code debug
annotate label merge clean plot compute simulate estimate fit validate pilot recruit survey
""".split())
# Verbs that start a bare imperative contract ("Two things. One, ask the editor ...").
# Verbs that also open talk ("See, ...", "Look, ...", "Try this ...") are left out.
IMPERATIVE_VERBS = ACTION_VERBS - frozenset(
    "see look go get try turn put set pick figure follow move reach keep find start spend "
    "repeat survey pilot record file map sort".split())
# "I write three pages": said in the contracts segment, the present tense is a commitment
# whose "'ll" the speech model lost ("I'll write" and "I write" differ by one soft sound).
_INTENT.append(r"i (?:also |then |just )?(?=(?:" + "|".join(sorted(IMPERATIVE_VERBS)) + r") )")
RE_INTENT = re.compile(r"(?:^|\b)(" + "|".join(_INTENT) + r")", re.I)
_LEAD = re.compile(r"^(?:(?:again|one|two|three|four|first|firstly|second|secondly|third|"
                   r"thirdly|next|also|and|then|so|number (?:one|two|three)|finally|plus|"
                   r"well|okay|ok|yeah|right)\b[,:]?\s*)+", re.I)
_VERBS = "|".join(sorted(ACTION_VERBS))
# Where one sentence holds several commitments.
RE_SPLIT = re.compile(
    r"(?:[,;]\s*(?:and|but|then|also)?|\s+(?:and|but|then|also))\s*"
    r"(?=(?:then |also )?(?:i(?: will|'ll| am going to|'m going to"
    r"| might| may| plan to| want to)|maybe i|and to ))"
    r"|[,;]?\s+and then\s+|[,;]\s*(?:and\s+)?(?=to\s)|\s+and\s+(?=to\s)"
    rf"|[,;]\s*(?:and\s+)?(?:then\s+)?(?=(?:{_VERBS})\b)", re.I)
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


def _split_runon(part: str) -> list[str]:
    """A run-on part cut where a new first-person opener starts (spoken.opener_splits)."""
    cuts = spoken.opener_splits(part, [*RE_INTENT.finditer(part), *_LIST_ITEM.finditer(part)])
    bounds = [0, *cuts, len(part)]
    out = [part[a:b].strip(" ,;") for a, b in zip(bounds, bounds[1:], strict=False)
           if part[a:b].strip(" ,;")]
    # "... for the magazine if i have time maybe i'll take photos": with no punctuation, a
    # condition between two clauses leads into the second (as when it is said first).
    for i in range(len(out) - 1):
        m = _CONDITION_END.search(out[i])
        if m and m.start() > 0:
            out[i], out[i + 1] = out[i][:m.start()].strip(" ,;"), f"{m.group(1)} {out[i + 1]}"
    return out


_CONDITION_END = re.compile(
    r"\s+(if (?:i (?:have|find|get|can find) (?:the |enough |some )?time|i can|there(?:'s| is) "
    r"(?:enough )?time|i get (?:a|the) chance))$", re.I)


# A list marker left at the end of a clause when the list runs on with commas ("Two things,
# one, ask the editor ..., two, review ..."): it belongs to the clause after it.
_MARKER_END = re.compile(r",\s*((?:one|two|three|first|firstly|second|secondly|third|thirdly|"
                         r"next|finally|number (?:one|two|three)))$", re.I)


def clauses(sentence: str) -> list[str]:
    parts = [q for p in RE_SPLIT.split(sentence) if p and p.strip(" ,;")
             for q in _split_runon(p.strip(" ,;"))]
    for i in range(len(parts) - 1):
        m = _MARKER_END.search(parts[i])
        if m and m.start() > 0:
            parts[i] = parts[i][:m.start()].strip(" ,;")
            parts[i + 1] = f"{m.group(1)}, {parts[i + 1]}"
    # "..., and by Friday I'll write it up": the date opens the next clause, not this one.
    for i in range(len(parts) - 1):
        m = _AND_DATE.search(parts[i])
        tail = m.group(1).strip(" ,;") if m else ""
        if m and (dates.due_phrase(tail) or "").lower() == tail.lower():
            parts[i] = parts[i][: m.start()].strip(" ,;")
            parts[i + 1] = f"{parts[i + 1].rstrip('.!?')} {tail}"
    return parts or [sentence]


# Tails that hedge but add no action ("..., but I have not decided", "no promises").
_HEDGE_TAIL = re.compile(
    r",?\s+but\s+i(?:'m| am| have|'ve| do| haven't| don't| can't| cannot)?\s*(?:not\b|sure\b)"
    r"|,?\s+but\s+(?:we'll see|no promises|who knows)\b"
    r"|,?\s+(?:no promises|not promising|we'll see)\b", re.I)
# Advice framed in the first person is still advice to someone else.
_ADVICE = re.compile(r"\bif i (?:were|was) you\b|\bi(?:'d| would) (?:suggest|recommend|advise)\b|"
                     r"\bwhat i(?:'d| would) do\b|\bmy advice\b", re.I)
_NEGATION = frozenset({"not", "never", "no", "don't", "won't"})
# A first word that cannot start a step ("I will the city proposal"): garbled, so the
# draft is marked for the member's review rather than counted as a contract.
_NOT_VERB = frozenset("""
the a an my your our their his her its this that these those it them you we he she they
of in on at for with from to into by and but or so is was are were am not no some any
there here what which who if as than very much more
""".split())


_SAME_AS = re.compile(r"^(?:again,?\s+)?(?:the\s+)?same\s+(?:as|like)\s+(?:last time|before)\W*",
                      re.I)
_SAME_AS_TAIL = re.compile(r",?\s+(?:just\s+)?(?:the\s+)?same\s+(?:as|like)\s+(?:last time|before)"
                           r"\b.*$", re.I)
# In run-on text, a list marker before an imperative verb starts a new item:
# "two things one ask the editor ... two review the manuscript".
_LIST_ITEM = re.compile(r"\b(?:one|two|three|first|firstly|second|secondly|third|thirdly|again|"
                        r"number (?:one|two|three))[,:]?\s+(?=(?:" + "|".join(
                            sorted(IMPERATIVE_VERBS)) + r")\s)", re.I)


def _imperative(clause: str) -> bool:
    """A bare imperative said as one's own contract: "Again, read five papers on X."."""
    rest = _LEAD.sub("", clause)
    ws = rest.split()
    return (bool(ws) and ws[0].lower() in IMPERATIVE_VERBS and len(ws) >= 3
            and not _NOT_ACTIONS.match(rest))


def plausible(action: str) -> bool:
    """Whether an action reads like a step to take: starts like a verb, says something."""
    ws = action.split()
    content = [w for w in ws if w.lower().strip(",.") not in _NOT_VERB]
    return (bool(ws) and ws[0].lower() not in _NOT_VERB and len(content) >= 2
            and len(ws) <= 30)


def _action_from(clause: str) -> tuple[str, bool] | None:
    """The action words of a first-person commitment clause, and whether it hedges."""
    m = RE_INTENT.search(clause)
    if m is None:
        # A bare "to finish the remaining page" or "add logging" continuing an opener.
        # ("One, ask the editor": a list marker first.)
        unled = _LEAD.sub("", clause)
        bare = re.match(rf"^(?:to\s+)?((?:{_VERBS})\b.*)", unled, re.I) \
            or re.match(r"^(?:and\s+)?to\s+(\w.*)", clause, re.I)
        if not bare:
            return None
        rest = bare.group(1)
        opener = ""
    else:
        rest = clause[m.end():]
        opener = m.group(1)
    rest = _TRAIL.sub("", dates.fix_misheard_by(rest).strip(" ,.;!?")).strip()
    # "my contract is the same as last time, block two hours ...": the restated item
    rest = _SAME_AS.sub("", rest).strip(" ,.;")
    rest = _SAME_AS_TAIL.sub("", rest).strip(" ,.;")  # "read X same as before [...]"
    # Drop tails that hedge but add no action ("..., but I am not promising that yet").
    rest = _HEDGE_TAIL.split(rest)[0].strip(" ,")
    aside = RE_ASIDE.search(rest)
    if aside and len(rest[:aside.start("aside")].split()) >= 3:
        rest = rest[:aside.start("aside")].strip(" ,")
        clause = f"{opener}{rest}"  # the hedge went with the aside
    if len(rest.split()) < 2 or _NOT_ACTIONS.match(rest) or _ADVICE.search(clause):
        return None
    if rest.split()[0].lower() in _NEGATION:
        return None  # "I will not take on more reviewing": a resolution, not a step
    hedged = bool(RE_HEDGE.search(opener) or RE_HEDGE.search(clause))
    return rest, hedged


def _date_only(sentence: str, phrase: str) -> bool:
    rest = re.sub(r"\b(?:I|my|by)\b", " ", sentence.replace(phrase, " ").split(",")[-1])
    rest = re.sub(r"[^\w\s]", " ", rest)
    head = re.sub(r"^(?:I|my)\s+", "by ", sentence.strip(), flags=re.I)
    return not rest.strip() or head.lower().startswith(phrase.lower())


def find(text: str) -> list[Candidate]:
    """All commitment candidates in one member's contracts-segment text, in order."""
    text = spoken.normalise(text)
    out: list[Candidate] = []
    for sentence in sentences(text):
        carry = bool(RE_CARRY.search(sentence))
        if carry and not RE_INTENT.search(RE_CARRY.split(sentence)[-1] or ""):
            out.append(Candidate(sentence, "", False, True))
            continue
        if RE_PASS.search(sentence) and not RE_INTENT.search(RE_PASS.sub("", sentence)):
            continue
        if _ADVICE.search(sentence):
            continue  # "If I were you, I would ...": the whole sentence is advice
        phrase = dates.due_phrase(sentence)
        if out and phrase and not RE_INTENT.search(sentence) and _date_only(sentence, phrase):
            # "I will update my statement. By Friday the 13th." -- the date is the last item's.
            last = out[-1]
            out[-1] = Candidate(f"{last.clause} {sentence}", f"{last.action} {phrase}",
                                last.tentative, last.carry)
            continue
        seen_intent = False
        hedge_ahead = False  # "if I have time, | I'll call my sister": the hedge leads
        markers = True  # nothing but list markers so far in this sentence ("One, ...")
        for clause in clauses(sentence):
            starts = markers
            markers = markers and bool(_LEAD.fullmatch(clause + " "))
            if RE_CARRY.search(clause) and not RE_INTENT.search(RE_CARRY.split(clause)[-1]):
                # "i'm carrying over my contract next i'll ask ...": run-on, one sentence
                out.append(Candidate(clause, "", False, True))
                continue
            fix = spoken.CORRECTION.search(clause)
            if fix:
                # Taken back: what this clause said before the correction, or else the
                # commitment just before it. What follows the correction still counts.
                if not RE_INTENT.search(clause[:fix.start()]) and out and not out[-1].carry:
                    out.pop()
                clause = clause[fix.end():].strip(" ,;.")
                if not clause:
                    continue
            found = _action_from(clause)
            intent = RE_INTENT.search(clause)
            if found is None and intent and _SAME_AS.match(clause[intent.end():]):
                seen_intent = True  # "my contract is the same as last time, | ask the ..."
            if found is None:
                hedge_ahead = hedge_ahead or bool(RE_HEDGE.search(clause))
                continue
            if RE_INTENT.search(clause) is None and not seen_intent and not (
                    (starts or _LIST_ITEM.match(clause)) and _imperative(clause)):
                continue  # a bare "to ..." only continues an earlier first-person opener
            seen_intent = True
            action, hedged = found
            hedged = hedged or hedge_ahead or not plausible(action)
            hedge_ahead = False
            # Capitalise only when that keeps the letter one letter ("ß".upper() is "SS").
            if len(action[0].upper()) == 1:
                action = action[0].upper() + action[1:]
            out.append(Candidate(clause, action, hedged, False))
    return out
