"""THE processing flow: one stored meeting from audio to contract drafts.

Every way a meeting comes in runs this: the end of a live meeting (tui/screens/end.py),
an import (services/pipeline.py) and `pmc meeting resume` after a crash
(services/resume.py). `process` takes a meeting as far as it goes, in steps that each
write in one transaction and are skipped when already done, so it is safe to kill at
any point and to run again (statuses: assistant/core/store/status.py):

1. transcribe (OPEN, no transcript yet): the meeting's audio with erased spans cut out
   (or a first pass an import already made) is transcribed, attributed to the turns,
   its contracts and report-back turns transcribed again (`contract_pass`,
   REFINED_SEGMENTS), and written with TRANSCRIBED.
   What was said in an erased span is left out here, before anything is stored, by the
   one rule of `erase.is_erased`. No audio at all: DRAFTED, there is nothing to draft.
2. draft (TRANSCRIBED): each present member not yet drafted, one member per transaction
   (`draft_member`): report-back suggestions and contract drafts from the stored
   transcript. A member with a drafted item (even one deleted in review) is never
   drafted again, so nothing is duplicated and nothing reviewed is touched.
3. DRAFTED.

An import runs all of it inside its own transaction, so it stays all or nothing.
Drafting during the meeting (services/live_drafts.py, one turn at a time) calls
`refine_contracts`, `analyse_member` (reads only) and `write_member` with `replace`; at the
end its turns come back in `Heard.refined` and are not heard a third time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.core.audio import activity
from assistant.core.audio.chunks import meeting_audio
from assistant.core.audio.decode import RATE
from assistant.core.drafting import confidence, prompts, reportback, vocabulary
from assistant.core.drafting.attribution import PAUSE, SPILL, TurnSpan, Utterance, attribute
from assistant.core.drafting.contracts import Drafter, DraftItem, PreviousItem
from assistant.core.drafting.textnorm import STOPWORDS, words
from assistant.core.privacy import erase
from assistant.core.speech import lexicon
from assistant.core.speech.types import SpeechSegment, Transcriber
from assistant.core.store.status import MeetingStatus
from assistant.core.store.store import Circle, Meeting, Member, Store

Progress = Callable[[str, float], None]  # (stage, fraction 0..1)
Piece = tuple[float, np.ndarray]  # (meeting seconds where it starts, samples at 16 kHz)
REFINE_PAD = 1.0  # seconds of audio either side of a contracts turn's reach, second pass
# A re-transcribed word belongs to the turn if its midpoint is this close to its reach;
# more slack before, since Whisper stretches a first word back into the leading silence.
SLACK_BEFORE, SLACK_AFTER = 0.6, 0.3
# Audio a contracts turn's second pass may need after its logged end: a sentence running on
# past the key press (at most attribution.SPILL), then the pad.
REFINE_AFTER = SPILL + REFINE_PAD
CONTRACT_PASSES = ("prompted", "plain", "off")
# 'first_pass': drafted from the turn as first heard, since its final words gave none.
FIRST_PASS = "first_pass"
DRAFTED_ORIGINS = ("llm", "rule", FIRST_PASS)


def _noop(stage: str, fraction: float) -> None:
    pass


class Listener:
    """What the flow tells its caller as it goes (called on the flow's own thread).

    Each method does nothing here; the end screen turns them into messages, the resume
    into lines. `progress` stages: 'loading models', 'transcribing', 'refining
    contracts', 'drafting'.
    """

    def __init__(self, progress: Progress = _noop) -> None:
        self._progress = progress

    def progress(self, stage: str, fraction: float) -> None:
        self._progress(stage, fraction)

    def audio(self, seconds: float) -> None:
        """The stored audio was read, erased spans cut out: it covers `seconds`."""

    def transcribed(self, utterances: int | None) -> None:
        """The transcript is written (None: another process wrote it meanwhile)."""

    def drafting(self, member: Member) -> None:
        """About to draft `member`."""

    def drafted(self, member: Member, items: int | None) -> None:
        """`member` drafted: `items` written (None: another process drafted them meanwhile)."""


class Models:
    """The transcriber, the drafter and the contracts pass's transcriber (`refiner`), each
    built on first use and then kept. A refiner factory that gives None (or none given)
    means the contracts pass uses the transcriber."""

    def __init__(self, transcriber: Callable[[], Transcriber],
                 drafter: Callable[[], Drafter],
                 refiner: Callable[[], Transcriber | None] | None = None) -> None:
        self._make_transcriber = transcriber
        self._make_drafter = drafter
        self._make_refiner = refiner
        self._transcriber: Transcriber | None = None
        self._drafter: Drafter | None = None
        self._refiner: Transcriber | None = None
        # Whether the refiner factory gives a model of its own (None: not asked yet). Once
        # it gave None, the transcriber does the second pass from then on.
        self._own_refiner: bool | None = None if refiner is not None else False

    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = self._make_transcriber()
        return self._transcriber

    def refiner(self) -> Transcriber:
        """The transcriber of the contracts second pass."""
        if self._refiner is None and self._make_refiner is not None \
                and self._own_refiner is not False:
            self._refiner = self._make_refiner()
            self._own_refiner = self._refiner is not None
        return self._refiner if self._refiner is not None else self.transcriber()

    def drafter(self) -> Drafter:
        if self._drafter is None:
            self._drafter = self._make_drafter()
        return self._drafter

    # Memory: `load` builds every model a step needs, so a missing or damaged one fails
    # before a long transcription. Held through the first pass, the contracts model and the
    # LLM add to the transcription's own working set (batched decoding of a 300 s window:
    # ~500 MB); held through the second pass, the first pass's model adds to it. So each is
    # let go where it is not needed and built again on next use (whisper-base ~0.7 s, the
    # LLM ~0.2 s). Measured: benchmarks/RESULTS.md, "Peak memory of an import".
    def set_aside(self) -> None:
        """Let the contracts model and the LLM go until the first pass is done."""
        if self._own_refiner:
            self._refiner = None
        self._drafter = None
        gc.collect()

    def done_listening(self) -> None:
        """The first pass is done: let its model go if the second pass has its own."""
        if self._own_refiner:
            self._transcriber = None
            gc.collect()

    def load(self, listener: Listener, *, transcriber: bool, drafter: bool,
             refiner: bool = False) -> None:
        """Build the models the work ahead needs before it starts, so a missing model
        fails now rather than after a long transcription."""
        want_t = transcriber and self._transcriber is None
        want_d = drafter and self._drafter is None
        want_r = refiner and self._refiner is None and self._own_refiner is not False
        if not (want_t or want_d or want_r):
            return
        listener.progress("loading models", 0.0)
        if want_t:
            self.transcriber()
        if want_r:
            self.refiner()
        if want_d:
            self.drafter()
        listener.progress("loading models", 1.0)


@dataclass
class Heard:
    """A first pass over a meeting's audio, and the audio the second pass needs."""

    segments: list[SpeechSegment]
    pieces: list[Piece] = field(default_factory=list)  # at least around contracts turns
    duration: float = 0.0  # meeting seconds the audio reaches
    # Contracts turns already heard again during the meeting (store turn id -> its words):
    # they replace the first pass there and the second pass leaves them alone.
    refined: dict[int, list[Utterance]] = field(default_factory=dict)
    # The contracts turns as first heard (at a live meeting's end: the live transcript),
    # set by `transcribe_meeting`: what a member said is drafted from these when the
    # final words of their turn give no commitment (`draft_member`).
    first: list[Utterance] = field(default_factory=list)


# --- step 1: transcribe ---------------------------------------------------------------------


def transcribe_pieces(transcriber: Transcriber, pieces: Sequence[Piece],
                      progress: Progress = _noop) -> list[SpeechSegment]:
    """Transcribe audio pieces that start at the given meeting seconds, merged by time.

    Each piece holds one track (a meeting by video has the room's and the call's chunks):
    each is transcribed on its own, which hears both sides better than their mix would.
    """
    total = sum(len(a) for _, a in pieces) / RATE or 1.0
    done = 0.0
    out: list[SpeechSegment] = []
    for start, samples in pieces:
        length = len(samples) / RATE

        def step(sec: float, _total: float, base: float = done) -> None:
            progress("transcribing", min(1.0, (base + sec) / total))

        out.extend(transcriber.transcribe(samples, offset=start, progress=step))
        done += length
    progress("transcribing", 1.0)
    out.sort(key=lambda s: s.start)  # the two tracks' segments, interleaved by time
    return out


def hear(transcriber: Transcriber, pieces: Sequence[Piece],
         progress: Progress = _noop) -> Heard:
    """The first pass over audio held in memory (a live meeting's chunks)."""
    end = max((s + len(a) / RATE for s, a in pieces), default=0.0)
    return Heard(transcribe_pieces(transcriber, pieces, progress), list(pieces), end)


def _slice(pieces: Sequence[Piece], start: float, end: float) -> Piece:
    """(where it starts, audio) between two meeting times, from the piece covering most.

    Pieces may overlap (the padded ranges of neighbouring contracts turns do, and a
    meeting by video has a room and a call track over the same time), and a piece may
    begin after `start`, so the true start of the returned audio is given. Of pieces that
    cover as much, the loudest there wins: the track the speaker's voice is on.
    """
    best: tuple[float, float, float, np.ndarray] | None = None
    for p_start, samples in pieces:
        p_end = p_start + len(samples) / RATE
        cover = min(end, p_end) - max(start, p_start)
        if cover <= 0:
            continue
        a = int(max(0.0, start - p_start) * RATE)
        b = int(max(0.0, end - p_start) * RATE)
        part = samples[a:b]
        loud = float(np.sqrt(np.mean(np.square(part, dtype=np.float64)))) if part.size else 0.0
        if best is None or (round(cover, 2), loud) > (round(best[0], 2), best[1]):
            best = (cover, loud, p_start, samples)
    if best is None:
        return start, np.zeros(0, dtype=np.float32)
    _, _, p_start, samples = best
    a = int(max(0.0, start - p_start) * RATE)
    b = int(max(0.0, end - p_start) * RATE)
    return max(start, p_start), samples[a:b]


# The turns heard again with the contracts model and a prompt of the speaker's words. Adding
# "report_back" put more report-back items right on 12 dev scripts (75 -> 78 of 92 clean,
# 61 -> 73 in the room; benchmarks/RESULTS.md, session 8). Every caller hears them: an
# import and a resume from the audio kept around them, a live meeting as the turn ends
# (services/live_drafts.py), and its end any the meeting did not hear again.
REFINED_SEGMENTS: tuple[str, ...] = ("contracts", "report_back")


def refine_contracts(transcriber: Transcriber, pieces: Sequence[Piece],
                     utterances: list[Utterance], context: dict[int, str] | None,
                     progress: Progress = _noop, done: Collection[int] = ()) -> list[Utterance]:
    """Transcribe each contracts turn (and report-back turn: REFINED_SEGMENTS) again,
    primed with what its speaker said before.

    The contract is the part of the meeting that is kept, and small Whisper models
    mishear uncommon words in it. Priming the decoder with the member's earlier
    words and previous contracts (Whisper's `initial_prompt`) recovers vocabulary
    already heard in the circle; only that turn's text is replaced. Turns in `done` were
    heard again already (during the meeting) and are kept as they are.

    What is heard again is the turn's reach, not only its logged span: from the first
    of its words to the last as attribution placed them (a sentence the timekeeper's
    early key press cut runs on up to attribution.SPILL seconds past the press; see
    core/drafting/attribution.py). Only a little audio either side of that is added:
    measured on circle_dev1, a 3 s pad let tiny.en drop the member's own words for a
    neighbour's and misplace them by seconds (recall 0.78 -> 0.56).
    """
    turns = {u.turn.turn_id: u.turn for u in utterances
             if u.turn and u.turn.segment in REFINED_SEGMENTS and u.turn.member_id is not None
             and u.turn.turn_id not in done}
    out = [u for u in utterances if not (u.turn and u.turn.turn_id in turns)]
    if turns:
        progress("refining contracts", 0.0)
    for n, turn in enumerate(turns.values()):
        around = _slice(pieces, turn.end - REFINE_PAD, turn.end + SPILL + REFINE_PAD)
        first, last = reach(turn, utterances, activity.speech([around], bridge=PAUSE))
        # Padding hears a clipped first consonant ("send" -> "end"); words are then kept
        # only if they fall inside the reach, so neighbours do not leak in.
        start, samples = _slice(pieces, max(0.0, first - REFINE_PAD), last + REFINE_PAD)
        if turn.segment != "contracts" and (start > first or start + len(samples) / RATE < last):
            # A report-back turn whose audio is not all held (a live meeting's memory, a
            # window read for a neighbour, an off-the-record gap): heard in part, the part
            # would replace the whole turn, so it keeps its first hearing.
            samples = samples[:0]
        prompt = turn_prompt(turn.segment, (context or {}).get(turn.member_id or -1, ""))
        segments = transcriber.transcribe(samples, offset=start, prompt=prompt) if len(
            samples) else []
        # The slack before is for a first word Whisper stretched back into silence; where
        # the reach starts at a neighbour's phrase there is no silence there, and a word
        # before it is the neighbour's last word heard again (timings shift between passes).
        before = SLACK_BEFORE if first <= turn.start else 0.0
        said = [w for s in segments for w in (s.words or ())
                if first - before <= (w.start + w.end) / 2 <= last + SLACK_AFTER]
        text = "".join(w.word for w in said).strip()
        if text:
            out.append(Utterance(turn, said[0].start, said[-1].end, text,
                                 confidence.heard(said)))
        else:  # keep the first pass rather than lose the turn
            out.extend(u for u in utterances if u.turn is turn)
        progress("refining contracts", (n + 1) / max(1, len(turns)))
    out.sort(key=lambda u: u.start)
    return out


def turn_prompt(segment: str, member_words: str) -> str:
    """Whisper's prompt for one turn heard again: the member's glossary ("Words: ..."),
    and for a contracts turn the words of academic work before it (prompts/
    contract_words.toml). The member's words come last, where the decoder weighs them
    most. Measured on 12 dev scripts: contracts found 60 -> 67 of 108 clean, 56 -> 62 in
    the room, precision up too; on report-back turns the list put 4 fewer statuses right,
    so those keep the member's words alone (benchmarks/RESULTS.md, session 10)."""
    if segment != "contracts" or not member_words:
        return member_words
    common = " ".join(prompts.load_words("contract_words").listed())
    body = member_words.removeprefix("Words:").strip()
    return f"Words: {common} {body}"


def run_on(at: float, speech: Sequence[tuple[float, float]]) -> float:
    """Where speech going on at `at` (a key press) stops: at the next pause, at most SPILL
    seconds later; `at` itself when nobody is speaking then."""
    for a, b in speech:
        if a <= at < b:
            return min(b, at + SPILL)
    return at


def reach(turn: TurnSpan, utterances: Sequence[Utterance],
          speech: Sequence[tuple[float, float]] = ()) -> tuple[float, float]:
    """The meeting time a turn's words cover: its logged span, its end widened to the words
    attribution gave it and to the speech still going on there (a phrase begun in
    it that ran on past the key press, at most SPILL seconds), and narrowed by the
    neighbours' phrases: the previous speaker's running into it, the next one's start."""
    mine = [u for u in utterances if u.turn is turn]
    others = [u for u in utterances if u.turn is not None and u.turn is not turn]
    # Not before the logged start: Whisper stretches a first word back into the silence
    # before it (SLACK_BEFORE covers that), and an import keeps no audio earlier.
    first = max([turn.start, *(u.end for u in others if u.start <= turn.start < u.end)])
    last = min(max([turn.end, run_on(turn.end, speech), *(u.end for u in mine)]),
               turn.end + SPILL)
    last = min([last, *(u.start for u in others if turn.end <= u.start < last)])
    return first, last


def speaker_context(store: Store, circle: Circle, meeting: Meeting,
                    utterances: Sequence[Utterance]) -> dict[int, str]:
    """Per member: a glossary of their name, previous contracts and earlier words.

    A plain word list rather than running text: as running text the decoder tends
    to continue the prompt's sentence and drop the first sound of the turn ("send"
    -> "end"); with commas it copies the commas into the transcript. A space-separated
    list after "Words:" only biases vocabulary.
    """
    context: dict[int, str] = {}
    for member in store.members(circle):
        previous = store.open_items_before(circle, member.id, meeting.date, exclude=meeting.id)
        earlier = [u.text for u in utterances if u.turn and u.turn.member_id == member.id
                   and u.turn.segment not in REFINED_SEGMENTS]
        text = " ".join([i.text for i in previous] + earlier)
        vocab = dict.fromkeys(w for w in words(text) if w not in STOPWORDS and len(w) > 2)
        context[member.id] = ("Words: " + " ".join([member.name, *vocab]) + ".")[:600]
    return context


def circle_vocabulary(store: Store, circle: Circle,
                      meeting: Meeting) -> list[vocabulary.Phrase]:
    """The circle's own words: every contract of its earlier meetings, and its members' names.

    Contracts are the text members reviewed, so they are spelled right, unlike earlier
    transcripts; circle-wide, since members of one circle share a field's terms.
    """
    texts = [i.text for m in store.meetings(circle) if m.date < meeting.date and m.id != meeting.id
             for i in store.items(m.id)]
    return vocabulary.vocabulary(texts, [m.name for m in store.members(circle)])


def repair_words(store: Store, circle: Circle, meeting: Meeting, utterances: list[Utterance],
                 transcriber: Transcriber | None) -> list[Utterance]:
    """Members' words misheard as near-misses of the circle's vocabulary, put right
    (core/drafting/vocabulary.py: strict, never a word the vocabulary does not hold, and
    only words the speech model's lexicon does not know as common). Without a model
    (words not heard by one) there is nothing to repair."""
    common = lexicon.for_transcriber(transcriber)
    vocab = circle_vocabulary(store, circle, meeting) if common else []
    if not vocab:
        return utterances
    return [dataclasses.replace(u, text=vocabulary.repair(u.text, vocab, common))
            if u.turn and u.turn.member_id is not None else u for u in utterances]


def needs_second_pass(mode: str, pieces: Sequence[Piece]) -> bool:
    """Whether the configured second pass ('prompted', 'plain', 'off') has audio to hear."""
    if mode not in CONTRACT_PASSES:
        raise ValueError(f"unknown contract_pass {mode!r}")
    return mode != "off" and bool(pieces)


def second_pass(mode: str, store: Store, circle: Circle, meeting: Meeting,
                transcriber: Transcriber | None, pieces: Sequence[Piece],
                utterances: list[Utterance], progress: Progress = _noop,
                done: Collection[int] = ()) -> list[Utterance]:
    """Apply the configured second pass ('prompted', 'plain', 'off') over the contracts and
    report-back turns, except over the turns in `done` (heard again during the meeting)."""
    if not needs_second_pass(mode, pieces):
        return utterances
    assert transcriber is not None, "a second pass needs the transcriber"
    context = speaker_context(store, circle, meeting, utterances) if mode == "prompted" else None
    return refine_contracts(transcriber, pieces, utterances, context, progress, done)


def spans_for(store: Store, meeting_id: int) -> list[TurnSpan]:
    """The meeting's stored turns, with their speakers' names, for attribution."""
    names = {}
    out = []
    for t in store.turns(meeting_id):
        if t.member_id is not None and t.member_id not in names:
            names[t.member_id] = store.member_by_id(t.member_id).name
        out.append(TurnSpan(t.id, t.member_id, names.get(t.member_id) if t.member_id else None,
                            t.segment, t.start, t.end))
    return out


def write_transcript(store: Store, meeting_id: int, utterances: Sequence[Utterance],
                     duration: float, first: Sequence[Utterance] = ()) -> int | None:
    """Write the transcript and TRANSCRIBED in one transaction; how many utterances were
    kept, or None when the meeting was transcribed meanwhile (nothing is written then).

    `first`, the contracts turns as first heard (Heard.first), is kept with it until every
    member is drafted (`process`), so drafting resumed after a crash still falls back on
    it (`draft_member`).

    Whatever was said in an erased span is left out before it is stored: Whisper may
    place words there (heard across its edge, or made up), and no erased member's words
    are ever written, not even to be deleted again.
    """
    with store.tx():
        m = store.meeting(meeting_id)
        if m.status != MeetingStatus.OPEN or store.has_segments(meeting_id):
            return None
        # The status goes first: that write takes the database's write lock, so no
        # erasure can be recorded between reading the erased spans and the commit.
        store.set_meeting_status(meeting_id, MeetingStatus.TRANSCRIBED, m.duration or duration)
        erased = erase.is_erased(store, meeting_id)
        kept = [u for u in utterances
                if not erased(u.turn.member_id if u.turn else None, u.start, u.end,
                              (u.turn.start, u.turn.end) if u.turn else None)]
        store.add_segments(meeting_id, [
            (u.turn.turn_id if u.turn else None, u.turn.member_id if u.turn else None,
             u.turn.segment if u.turn else None, u.start, u.end, u.text) for u in kept],
            heard=[confidence.dumps(u.heard) for u in kept])
        first_kept = [u for u in first
                      if u.turn and not erased(u.turn.member_id, u.start, u.end,
                                               (u.turn.start, u.turn.end))]
        store.add_first_heard(meeting_id, [
            (u.turn.turn_id, u.turn.member_id, u.start, u.end, u.text) for u in first_kept
            if u.turn], heard=[confidence.dumps(u.heard) for u in first_kept])
    return len(kept)


def stored_first(store: Store, meeting_id: int) -> list[Utterance]:
    """The contracts turns as first heard, as kept with the transcript (see there)."""
    spans = {s.turn_id: s for s in spans_for(store, meeting_id)}
    return [Utterance(spans.get(t) if t is not None else None, a, b, text, confidence.loads(h))
            for t, _member, a, b, text, h in store.first_heard(meeting_id)]


def contract_silences(spans: Sequence[TurnSpan], pieces: Sequence[Piece]) -> list[
        tuple[float, float]]:
    """The pauses around each contracts turn, where the audio's pauses place the words of
    a sentence cut by a key press (attribution).

    Each turn's window is measured on its own, the same audio an import keeps for it
    (services/pipeline.py), so an import and a live meeting's end attribute alike.
    """
    out: list[tuple[float, float]] = []
    for t in spans:
        if t.segment == "contracts" and t.member_id is not None:
            window = _slice(pieces, max(0.0, t.start - REFINE_PAD), t.end + REFINE_AFTER)
            out.extend(activity.silences([window]))
    return sorted(out)


def transcribe_meeting(store: Store, meeting_id: int, transcriber: Transcriber | None,
                       heard: Heard, contract_pass: str, listener: Listener) -> int | None:
    """Attribute a first pass to the turns, listen again to the contracts, write it."""
    m = store.meeting(meeting_id)
    circle = store.circle_by_id(m.circle_id)
    spans = spans_for(store, meeting_id)
    quiet = contract_silences(spans, heard.pieces) if needs_second_pass(
        contract_pass, heard.pieces) else []
    utterances = attribute(heard.segments, spans, quiet)
    heard.first = [u for u in utterances if u.turn and u.turn.segment == "contracts"]
    if heard.refined:  # what was heard again during the meeting replaces the first pass
        utterances = sorted([u for u in utterances
                             if not (u.turn and u.turn.turn_id in heard.refined)]
                            + [u for us in heard.refined.values() for u in us],
                            key=lambda u: u.start)
    utterances = second_pass(contract_pass, store, circle, m, transcriber, heard.pieces,
                             utterances, listener.progress, done=heard.refined)
    utterances = repair_words(store, circle, m, utterances, transcriber)
    kept = write_transcript(store, meeting_id, utterances, heard.duration, heard.first)
    listener.transcribed(kept)
    return kept


# --- step 2: draft, one member at a time -------------------------------------------------


def stored_utterances(store: Store, meeting_id: int) -> list[Utterance]:
    """The saved transcript as the drafter takes it: each segment with its turn."""
    spans = {s.turn_id: s for s in spans_for(store, meeting_id)}
    return [Utterance(spans.get(s.turn_id) if s.turn_id is not None else None, s.start, s.end,
                      s.text, confidence.loads(s.heard)) for s in store.segments(meeting_id)]


def has_draft(store: Store, meeting_id: int, member_id: int) -> bool:
    """Drafting already wrote items for this member (timekeeper carry-overs and hand-added
    items do not count; approved and deleted drafts do)."""
    return any(i.origin in DRAFTED_ORIGINS or (i.origin == "carry" and i.quote)
               for i in store.items(meeting_id, member_id, include_deleted=True))


@dataclass
class MemberAnalysis:
    """What one member's words gave: report-back suggestions and contract drafts."""

    member_id: int
    reports: list[reportback.Suggestion] = field(default_factory=list)
    drafts: list[DraftItem] = field(default_factory=list)


def analyse_member(store: Store, meeting: Meeting, member: Member,
                   utterances: Sequence[Utterance], drafter: Drafter) -> MemberAnalysis:
    """Suggest the member's report-back statuses and draft their contract. Reads only.

    `utterances` may hold everyone's (only the member's are used), from the stored
    transcript or from anywhere else, e.g. a contracts turn just heard live.
    """
    circle = store.circle_by_id(meeting.circle_id)
    said = [u for u in utterances if u.turn and u.turn.member_id == member.id]
    previous = store.open_items_before(circle, member.id, meeting.date, exclude=meeting.id)
    report_text = " ".join(u.text for u in said if u.turn and u.turn.segment == "report_back")
    reports = [s for s in reportback.suggest(report_text, [(i.id, i.text) for i in previous])
               if s.status]
    closed = {s.item_id for s in reports if s.status in ("done", "dropped")}
    prev = [PreviousItem(i.id, i.text, i.id in closed) for i in previous]
    contract_said = [u for u in said if u.turn and u.turn.segment == "contracts"]
    drafts = drafter.draft(contract_said, dt.date.fromisoformat(meeting.date),
                           dt.date.fromisoformat(meeting.next_meeting), prev)
    return MemberAnalysis(member.id, reports, drafts)


def write_member(store: Store, meeting_id: int, analysis: MemberAnalysis,
                 replace: bool = False) -> int | None:
    """Write one member's analysis in one transaction; the items written, or None (and
    nothing written) when the member was drafted meanwhile.

    With `replace` (a contracts turn said again during the meeting) the member's drafts
    nobody approved yet go instead (marked deleted), and a new draft that repeats an
    approved item is not added twice; approved items are never touched.
    """
    drafts = analysis.drafts
    with store.tx():
        if has_draft(store, meeting_id, analysis.member_id):
            if not replace:
                return None
            mine = store.items(meeting_id, analysis.member_id)
            for i in mine:
                if i.status == "draft" and i.origin in DRAFTED_ORIGINS:
                    store.set_item_status(i.id, "deleted")
            kept = {" ".join(words(i.text)) for i in mine if i.status == "approved"}
            drafts = [d for d in drafts if " ".join(words(d.text)) not in kept]
        write_report_back(store, meeting_id, analysis.reports)
        # The timekeeper may already have carried an item over during report-back.
        carried = {i.carried_from for i in store.items(meeting_id) if i.carried_from}
        n = 0
        for d in drafts:
            if d.carried_from is not None and d.carried_from in carried:
                continue
            store.add_item(meeting_id, analysis.member_id, d.text, due=d.due.isoformat(),
                           tentative=d.tentative, quote=d.quote, start=d.start, end=d.end,
                           origin=d.origin, carried_from=d.carried_from)
            n += 1
    return n


def write_report_back(store: Store, meeting_id: int,
                      reports: Sequence[reportback.Suggestion]) -> int:
    """Write report-back suggestions (unconfirmed) in one transaction; a status someone
    confirmed is never replaced. How many were written."""
    n = 0
    with store.tx():
        confirmed = {r.item_id for r in store.report_back(meeting_id) if r.confirmed}
        for s in reports:
            if s.item_id not in confirmed and s.status:
                store.set_report_back(meeting_id, s.item_id, s.status, confirmed=False,
                                      quote=s.quote)
                n += 1
    return n


def draft_member(store: Store, meeting_id: int, member: Member, drafter: Drafter,
                 utterances: Sequence[Utterance] | None = None,
                 first: Sequence[Utterance] = ()) -> int | None:
    """Draft one member from the stored transcript (or `utterances`) and write it.

    When their contracts turns give no commitment but the same turns as first heard
    (`first`: Heard.first) do, those drafts are written, marked FIRST_PASS so review
    says where they come from: a commitment heard once is never silently dropped.
    """
    m = store.meeting(meeting_id)
    said = stored_utterances(store, meeting_id) if utterances is None else utterances
    analysis = analyse_member(store, m, member, said, drafter)
    if not [d for d in analysis.drafts if d.origin != "carry"]:
        analysis.drafts += first_pass_drafts(store, m, member, said, first, drafter)
    return write_member(store, meeting_id, analysis)


def first_pass_drafts(store: Store, meeting: Meeting, member: Member,
                      said: Sequence[Utterance], first: Sequence[Utterance],
                      drafter: Drafter) -> list[DraftItem]:
    """The member's drafts from their contracts turns as first heard, where those words
    differ from the final ones (nothing erased is read: the same rule as the transcript)."""
    erased = erase.is_erased(store, meeting.id)
    heard = [u for u in first if u.turn and u.turn.member_id == member.id and u.text
             and not erased(member.id, u.start, u.end, (u.turn.start, u.turn.end))]
    final = [u for u in said if u.turn and u.turn.member_id == member.id
             and u.turn.segment == "contracts"]
    if not heard or words(" ".join(u.text for u in heard)) == words(
            " ".join(u.text for u in final)):
        return []
    others = [u for u in said if not (u.turn and u.turn.member_id == member.id
                                      and u.turn.segment == "contracts")]
    drafts = analyse_member(store, meeting, member, [*others, *heard], drafter).drafts
    return [dataclasses.replace(d, origin=FIRST_PASS) for d in drafts if d.origin != "carry"]


def to_draft(store: Store, meeting_id: int) -> list[Member]:
    """Present members the flow has not drafted yet."""
    return [p for p in store.attendees(meeting_id) if not has_draft(store, meeting_id, p.id)]


# --- the flow ------------------------------------------------------------------------------


def process(store: Store, meeting_id: int, models: Models, *, contract_pass: str,
            audio: Sequence[Piece] | None = None, heard: Heard | None = None,
            listener: Listener | None = None) -> None:
    """Take the meeting as far as it goes: transcribe, draft each member, DRAFTED.

    The audio is the meeting's stored chunks with erased spans cut out, unless `audio`
    (pieces to transcribe) or `heard` (a first pass already made) is given. Steps already
    done are skipped (see the module docstring); a meeting already DRAFTED is left alone.
    """
    listener = listener or Listener()
    m = store.meeting(meeting_id)
    if m.status.processed:
        return
    if m.status == MeetingStatus.OPEN and not store.has_segments(meeting_id):
        if heard is None:
            pieces = list(audio) if audio is not None else meeting_audio(store, meeting_id)
            # Meeting time covered, not summed: two tracks of a call run side by side.
            listener.audio(sum(b - a for a, b in erase.merge(
                (s, s + len(x) / RATE) for s, x in pieces)))
            if not pieces:  # nothing recorded (or all of it erased): nothing to draft from
                store.set_meeting_status(meeting_id, MeetingStatus.DRAFTED)
                return
        # A first pass already made needs a transcriber only for the second pass.
        listen = heard is None
        refine = needs_second_pass(contract_pass, pieces if heard is None else heard.pieces)
        models.load(listener, transcriber=listen, refiner=refine,
                    drafter=bool(to_draft(store, meeting_id)))
        if heard is None:
            models.set_aside()
            heard = hear(models.transcriber(), pieces, listener.progress)
            if refine:
                models.done_listening()
        # The model that hears the contracts again also lends its lexicon to word repair.
        second = models.refiner() if refine else models.transcriber() if listen else None
        transcribe_meeting(store, meeting_id, second, heard, contract_pass, listener)
    else:
        # Transcribed before (a crash, or a retry after drafting failed). An erasure a
        # crash interrupted after that is finished first: its audio silenced again, and
        # anything still placed in its spans dropped.
        erase.reapply(store, meeting_id)
        erase.drop_erased_segments(store, meeting_id)
        if store.meeting(meeting_id).status == MeetingStatus.OPEN:
            # Older versions wrote the transcript and its status apart.
            store.set_meeting_status(meeting_id, MeetingStatus.TRANSCRIBED)
    todo = to_draft(store, meeting_id)
    if todo:
        models.load(listener, transcriber=False, drafter=True)
        draft_members(store, meeting_id, todo, models.drafter(), listener,
                      heard.first if heard is not None else stored_first(store, meeting_id))
    with store.tx():  # every member drafted: the first hearing is not kept any longer
        store.set_meeting_status(meeting_id, MeetingStatus.DRAFTED)
        store.clear_first_heard(meeting_id)


def draft_members(store: Store, meeting_id: int, members: Sequence[Member], drafter: Drafter,
                  listener: Listener, first: Sequence[Utterance] = ()) -> None:
    """Draft each of `members` in its own transaction, from the stored transcript (and
    `first`, the contracts turns as first heard, where the final words give nothing)."""
    utterances = stored_utterances(store, meeting_id)
    present = store.attendees(meeting_id)
    for member in members:
        listener.drafting(member)
        listener.drafted(member, draft_member(store, meeting_id, member, drafter, utterances,
                                              first))
        done = next((n for n, p in enumerate(present) if p.id == member.id), len(present) - 1)
        listener.progress("drafting", (done + 1) / max(1, len(present)))
