"""Repairing misheard words from the circle's own vocabulary.

Small Whisper models turn uncommon words of a member's field into common ones or into
nonsense ("grant proposal" -> "run proposal", "stratigraphy" -> "strata graphy"), even
when the member's previous contract or the circle's earlier meetings hold the right
words. `repair` replaces a run of heard words by a vocabulary phrase only when the two
sound and spell nearly alike; it never adds a word that is not in the vocabulary, and
it leaves alone anything that differs in meaning-bearing small words (numbers, "not").

Strict on purpose: a false repair changes what a member promised, a missed one only
leaves the transcript as heard. The thresholds were set on the dev split of the
evaluation corpus (benchmarks/eval) and checked by unit tests of false positives.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.core.drafting.textnorm import STOPWORDS, stem, words

# Words whose change changes the promise: never replaced, never replacing.
PROTECTED = frozenset("""
no not never nothing none don't won't can't didn't isn't
one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
hundred first second third half all both each
""".split())
MIN_CHARS = 6  # a vocabulary phrase this short is too easy to "hear" by accident
SPELLING = 0.8  # letters alike (SequenceMatcher ratio, spaces ignored)
SPELLING_ONE = 0.9  # one word for one word
SOUND = 0.85  # and sounds alike (the same ratio over a rough phonetic key)
ANCHORED_WORD = 0.8  # a common word changed beside an exact anchor: spelled this alike
# ...or spelled less alike but sounding alike ("travel rent" for "travel grant"): both.
ANCHORED_SPELLING, ANCHORED_SOUND = 0.6, 0.85
# A field word heard as two common ones ("menu script" for "manuscript"): only a long word,
# the same first sound, and closer than any re-spelling above (a short word is too easy
# to make from two).
MERGED_CHARS, MERGED_SPELLING, MERGED_SOUND = 8, 0.85, 0.9

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# A rough English sound key: spellings that sound alike map to one letter string.
_SOUNDS = [("ph", "f"), ("ck", "k"), ("gh", ""), ("kn", "n"), ("wr", "r"), ("wh", "w"),
           ("sch", "sk"), ("ch", "c"), ("sh", "s"), ("th", "t"), ("qu", "kw"), ("x", "ks"),
           ("c(?=[eiy])", "s"), ("c", "k"), ("q", "k"), ("z", "s"), ("v", "f"), ("d", "t"),
           ("b", "p"), ("g", "k"), ("y", "i")]


def sound_key(text: str) -> str:
    s = re.sub(r"[^a-z]", "", text.lower())
    for pattern, repl in _SOUNDS:
        s = re.sub(pattern, repl, s)
    s = re.sub(r"[aeiou]+", "a", s)  # vowels are what small models get wrong most
    return re.sub(r"(.)\1+", r"\1", s)  # doubled letters sound single


@dataclass(frozen=True)
class Phrase:
    text: str  # as the vocabulary spells it, lower case
    n: int  # words
    letters: str
    sound: str


def vocabulary(texts: Iterable[str], names: Iterable[str] = ()) -> list[Phrase]:
    """Phrases worth repairing towards: content words and two- and three-word runs of
    them (no stopwords inside), from previous contracts and earlier meetings, and names."""
    seen: dict[str, Phrase] = {}

    def add(ws: Sequence[str]) -> None:
        text = " ".join(ws)
        letters = text.replace(" ", "")
        if len(letters) >= MIN_CHARS and text not in seen:
            seen[text] = Phrase(text, len(ws), letters, sound_key(letters))

    for text in texts:
        ws = words(text)
        for i in range(len(ws)):
            for n in (1, 2, 3):
                run = ws[i:i + n]
                if len(run) == n and not any(w in STOPWORDS or w in PROTECTED for w in run):
                    add(run)
    for name in names:
        add(words(name))
    return list(seen.values())


def _alike(heard: str, span: int, phrase: Phrase) -> float:
    """How alike a heard run is to a phrase, 0 when not alike enough to repair."""
    if heard == phrase.text:
        return 0.0
    letters = heard.replace(" ", "")
    spelling = SequenceMatcher(None, letters, phrase.letters).ratio()
    # One real word for another ("planning" for "planting") is the riskiest repair:
    # it needs a closer spelling than a run split or merged differently.
    if spelling < (SPELLING_ONE if span == phrase.n == 1 else SPELLING):
        return 0.0
    sound = SequenceMatcher(None, sound_key(letters), phrase.sound).ratio()
    return spelling + sound if sound >= SOUND else 0.0


def repair(text: str, vocab: Sequence[Phrase], common: Collection[str]) -> str:
    """`text` with runs of 1-3 heard words replaced by vocabulary phrases they closely match.

    Only a run holding a word that is not `common` English (the speech model's lexicon,
    core/speech/lexicon.py) is repaired: a clearly heard real word is left as said, even
    when a vocabulary word is close ("planning", "planting"). Every other word of the run
    must be the phrase's own, a small word the phrase absorbs ("strata graphy"), or
    uncommon too; numbers and negations are never touched, nor plural and tense variants
    of a phrase's words. Longest and closest match first.
    """
    if not vocab or not text or not common:
        return text
    known = {w for p in vocab for w in p.text.split()}
    tokens = list(_TOKEN.finditer(text))
    low = [m.group(0).lower().replace("’", "'") for m in tokens]
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(tokens):
        best: tuple[float, int, Phrase] | None = None
        for span in (3, 2, 1):
            run = low[i:i + span]
            if len(run) < span or any(w in PROTECTED for w in run):
                continue
            heard = " ".join(run)
            glued = next((p for p in vocab if p.n < span and p.letters == heard.replace(" ", "")
                          and heard != p.text), None)
            if glued is not None:  # "red shift" for "redshift": the same letters, re-spaced
                best = (9.0, span, glued)
                break
            merged = _merged(run, vocab) if span == 2 else None
            if merged is not None:
                best = merged if best is None or merged[0] > best[0] else best
                continue
            odd = [w for w in run if not _ordinary(w, common) and w not in known]
            if not odd and (span < 2 or all(w in known or w in STOPWORDS for w in run)):
                continue  # heard right, or one real word alone: leave it
            for p in vocab:
                if abs(p.n - span) > 1 or not _fits(run, p, common):
                    continue
                score = _alike(heard, span, p)
                if score and (best is None or score > best[0]):
                    best = (score, span, p)
        if best is None:
            i += 1
            continue
        _, span, p = best
        first, last = tokens[i], tokens[i + span - 1]
        out.append(text[pos:first.start()])
        out.append(_cased(p.text, first.group(0)))
        pos = last.end()
        i += span
    out.append(text[pos:])
    return "".join(out)


def _fits(run: Sequence[str], phrase: Phrase, common: Collection[str]) -> bool:
    """Whether every heard word may become part of the phrase (see `repair`).

    A common word may change only inside a phrase of as many words, at least one of them
    heard exactly (the anchor), and only into a word it is spelled much like:
    "electronic microscope" -> "electron microscope", "committed chair" -> "committee
    chair". Alone, or with no anchor, a clearly heard real word stays.
    """
    pw = phrase.text.split()
    anchored = len(run) == len(pw) >= 2 and any(w == x for w, x in zip(run, pw, strict=True))
    for n, w in enumerate(run):
        if w in pw:
            continue
        if any(stem(w) == stem(x) or w.rstrip("s") == x.rstrip("s") for x in pw):
            return False  # "papers" for "paper": a variant, not a mishearing
        if w in STOPWORDS:
            # a small word only at the edge of a split the phrase spells ("out crop")
            edge = (n == 0 and phrase.letters.startswith(w)) or (
                n == len(run) - 1 and phrase.letters.endswith(w))
            if not edge:
                return False
        elif _ordinary(w, common) and not (anchored and _sounds_like(w, pw[n])):
            return False
    return True


def _sounds_like(heard: str, word: str) -> bool:
    """A common word heard for a phrase's word beside an exact anchor: spelled much like
    it, or spelled somewhat like it and sounding like it ("rent" for "grant")."""
    spelling = SequenceMatcher(None, heard, word).ratio()
    return spelling >= ANCHORED_WORD or (
        spelling >= ANCHORED_SPELLING
        and SequenceMatcher(None, sound_key(heard), sound_key(word)).ratio() >= ANCHORED_SOUND)


def _merged(run: Sequence[str], vocab: Sequence[Phrase]) -> tuple[float, int, Phrase] | None:
    """Two heard words that together sound like one long vocabulary word ("menu script"
    for "manuscript", "manual script" too): (score, 2, that word), or None."""
    if any(w in STOPWORDS or not w.isalpha() for w in run):
        return None
    letters = "".join(run)
    key = sound_key(letters)
    best: tuple[float, int, Phrase] | None = None
    for p in vocab:
        if p.n != 1 or len(p.letters) < MERGED_CHARS or p.letters == letters or (
                p.sound[:1] != key[:1]):
            continue
        spelling = SequenceMatcher(None, letters, p.letters).ratio()
        sound = SequenceMatcher(None, key, p.sound).ratio()
        if spelling >= MERGED_SPELLING and sound >= MERGED_SOUND and (
                best is None or spelling + sound > best[0]):
            best = (spelling + sound, 2, p)
    return best


def _ordinary(word: str, common: Collection[str]) -> bool:
    """A word heard as itself: common, a stopword, or a contraction ("I'll", "that's")."""
    return word in common or word in STOPWORDS or "'" in word or word.isdigit()


def _cased(phrase: str, heard: str) -> str:
    return phrase[:1].upper() + phrase[1:] if heard[:1].isupper() else phrase
