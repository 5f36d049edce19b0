"""Spoken style, before any rule reads it: fillers, contractions, lost full stops.

Whisper (and the prompted contracts pass above all) often returns what was said as
lower-case run-on text with no full stop, and people speak with fillers ("um"),
"gonna" and self-corrections. This module turns such text into something the
commitment and report-back rules can read the same way as written sentences:

- `normalise`: fillers out, "gonna"/"wanna"/"gotta" spelled out, curly quotes straight,
  and two kinds of word Whisper mishears put right where the sentence itself says which
  was meant: a count before what it counts ("write free pages": `numbers_heard`) and a
  verb before an object it does not take ("renew the manuscript": `verbs_heard`);
- `opener_splits`: where a new first-person clause starts inside run-on text ("... to my
  coauthor tomorrow | second i will meet ..."), found from the opener itself, not from
  punctuation;
- `CORRECTION`: the words with which a speaker takes back what they just said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Hesitation sounds only: words that carry meaning elsewhere ("like", "so") stay.
_FILLER_WORD = r"u+h+m*|u+m+|e+r+m+|e+r+|h+m+|m+h*m+|a+h+"
_FILLER = re.compile(r"(?:^|(?<=[\s,.;]))(?:" + _FILLER_WORD + r")"
                     r"(?:[,.;](?=\s|$))?(?=\s|$)", re.I)
_HESITATION = re.compile(r"(?:^|(?<=[\s,.;]))let me (?:think|see)(?:[,.;]|(?=\s|$))", re.I)
_OPENER = r"i(?: am|'m) going to|i will|i'll|i am gonna|i'm gonna|my contract is"
_FALSE_START = re.compile(rf"\b(?:{_OPENER})[,.;]?\s+(?=(?:so\s+|um\s+)?(?:{_OPENER})\b)", re.I)
_CONTRACTIONS = [
    (re.compile(r"\bgonna\b", re.I), "going to"),
    (re.compile(r"\bwanna\b", re.I), "want to"),
    (re.compile(r"\bgotta\b", re.I), "have to"),
    (re.compile(r"\bi'?m+a\b(?= \w)", re.I), "I'm going to"),  # "imma", "I'ma"
]


# Things counted in a contract ("three pages", "two hours"). A small number before one of
# them is a word Whisper often mishears in accented or synthetic voices: "write free
# pages" and "make tree slides" for "three", "block to hours" for "two", "read for papers"
# for "four", "make fine slides" for "five".
_COUNTED = (r"(?:pages|papers|slides|hours|chapters|sections|figures|paragraphs|emails|"
            r"interviews|applications|abstracts|drafts|experiments|posters)\b")
# Only after a verb that takes a count as its object: elsewhere "to" and "for" are
# themselves ("send it to papers", "prepare for interviews").
_COUNT_VERB = r"(block|write|read|make|draft|spend|finish|review|revise|edit)"
_NUMBER_SOUNDS = [
    (re.compile(r"\b" + _COUNT_VERB + r"\s+(?:free|tree)\s+(?=" + _COUNTED + ")", re.I),
     r"\1 three "),
    (re.compile(r"\b" + _COUNT_VERB + r"\s+(?:fine|fife)\s+(?=" + _COUNTED + ")", re.I),
     r"\1 five "),
    (re.compile(r"\b" + _COUNT_VERB + r"\s+(?:to|too)\s+(?=" + _COUNTED + ")", re.I), r"\1 two "),
    (re.compile(r"\b" + _COUNT_VERB + r"\s+for\s+(?=(?:pages|papers|slides|paragraphs|"
                r"sections)\b)", re.I), r"\1 four "),
]


# A verb misheard as a sound-alike that does not take the object said with it: "renew the
# manuscript" is "review", "mark up the data files" is "back up", "lock two hours" is
# "block"; and an object misheard after its verb: "order the past" is "the parts". Each
# pairs the heard words with the objects only the meant verb takes, so "renew the visa"
# and "mark up the draft" stay as they are.
_DET = (r"(?:(?:the|my|our|all|all the|all my|both|[a-z]+'s)\s+)?"
        r"(?:(?!(?:to|for|of|with|on|at|in|and|or)\b)[a-z-]+\s+){0,3}?")  # its modifiers
_VERB_SOUNDS = [
    (re.compile(r"\brenew(s|ed|ing)?\s+(?=" + _DET + r"(?:manuscript|draft|paper|chapter|"
                r"section|thesis|literature|slides|abstract|figures|notes|proposal)s?\b)",
                re.I), "review"),
    (re.compile(r"\b(?:mark|bark|work|park)(s|ed|ing)?\s+(?:up|off)\s+(?=" + _DET +
                r"(?:files?|data|drive|laptop|backups?)\b)", re.I), "back"),
    (re.compile(r"\border(s|ed|ing)?\s+the\s+(?:past|pass|path)\b", re.I), "order"),
    (re.compile(r"\block(s|ed|ing)?\s+(?=(?:two|three|four|an?|one|\d+)\s+(?:hours?|"
                r"mornings?|afternoons?|days?)\b)", re.I), "block"),
]


_AFTER = {"back": " up", "order": " the parts"}  # what the meant verb takes with it


def verbs_heard(text: str) -> str:
    """A verb misheard as a sound-alike that does not take its object, said as meant."""
    for pattern, verb in _VERB_SOUNDS:
        def meant(m: re.Match[str], verb: str = verb) -> str:
            # none of the meant verbs ends in "e": the heard ending fits it as it is
            out = verb + (m.group(1) or "") + _AFTER.get(verb, "")
            return (out[:1].upper() + out[1:] if m.group(0)[:1].isupper() else out) + " "
        text = pattern.sub(meant, text)
    return text


def numbers_heard(text: str) -> str:
    """A count misheard as a sound-alike word before what it counts, said as the number."""
    for pattern, repl in _NUMBER_SOUNDS:
        text = pattern.sub(repl, text)
    return text


def normalise(text: str) -> str:
    """Spoken text with fillers removed and informal contractions spelled out."""
    text = text.replace("’", "'").replace("‘", "'")
    # "the table, um, by Thursday": the commas were the pause, not a clause boundary.
    text = re.sub(r",\s*(?:" + _FILLER_WORD + r")\s*,", " ", text, flags=re.I)
    text = _FILLER.sub("", text)
    text = _HESITATION.sub(" ", text)
    # A false start: "i am going to, i'm going to draft the plan" is said once.
    text = _FALSE_START.sub("", text)
    # "So yeah, gonna submit the abstract": the subject dropped, as often in speech.
    text = re.sub(r"(^|[.,;!?]\s+)((?:(?:so|yeah|and|okay|ok|well|right)[,]?\s+)*)gonna\b",
                  r"\1\2I'm going to", text, flags=re.I)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = numbers_heard(verbs_heard(text))
    text = re.sub(r"\s+([,.;!?])", r"\1", text)
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return " ".join(text.split()).strip(" ,;")


# Words that may stand just before a new clause's opener and belong to it: list
# markers ("second i will"), connectives ("and then i'll"), hedges ("maybe i'll").
LEADERS = frozenset("""
and but so then also plus next finally lastly first firstly second secondly third thirdly
fourth maybe perhaps possibly hopefully ideally besides additionally oh okay ok
""".split())
# Words after which "i will" continues the same clause rather than starting one:
# reported or subordinate speech ("i said i will", "if i may", "i think i'll").
PROTECT = frozenset("""
if when once that said say says think thought hope guess suppose because since unless
until before after as what where which who whom whether how though although while know
knew mean meant feel felt sure promised promise decided wish whatever where why than
not to of i
""".split())
_WORD = re.compile(r"[\w']+")


def opener_splits(text: str, openers: Iterable[re.Match[str]]) -> list[int]:
    """Character offsets where a new clause starts, one per opener not already at a start.

    An opener ("i will", "my contract is") starts a new clause unless the word before
    it ties it to what precedes (`PROTECT`); leading words such as "second" or "and"
    go with the new clause.
    """
    cuts: list[int] = []
    for m in openers:
        start = m.start()
        before = list(_WORD.finditer(text, 0, start))
        # Walk back over words that lead into the opener ("and then", "second").
        k = len(before)
        while k > 0 and before[k - 1].group().lower() in LEADERS and len(before) - k < 2:
            # "by the first i will": an ordinal after an article is a date, not a list marker.
            if k > 1 and before[k - 2].group().lower() in ("the", "of"):
                break
            k -= 1
        if k <= 1:  # nothing (or a single word) before it: not a new clause
            continue
        cut = before[k].start() if k < len(before) else start
        prev = before[k - 1]
        word = prev.group().lower()
        if word in PROTECT:
            continue
        cuts.append(cut)
    return sorted(set(cuts))


# A speaker taking back what they just said: only the corrected version is the contract.
CORRECTION = re.compile(
    r"\b(?:actually,? no|no,? actually|no,? wait|wait,? no|scratch that|strike that|"
    r"forget (?:that|what i (?:just )?said)|let me (?:rephrase|correct (?:that|myself)|"
    r"take that back|change that)|i take (?:that|it) back|on second thought|"
    r"(?:that(?:'s| is| would be)|it(?:'s| is)) (?:way |far |much )?too (?:much|ambitious|big)|"
    r"sorry,? i mean(?:t)?|well,? no|no,? let me|let me (?:scale|dial|cut) (?:that|it|this) "
    r"(?:back|down)|scale (?:that|it) (?:back|down))\b", re.I)
