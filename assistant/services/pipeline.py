"""From audio and a turn log to a stored meeting with contract drafts.

Slow work (transcription, drafting) happens first and writes nothing; the
results are then written in one transaction, so a bad input or a crash
mid-way never leaves half a meeting in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.core.audio import decode as audio_mod
from assistant.core.drafting import reportback
from assistant.core.drafting.attribution import TurnSpan, Utterance, attribute
from assistant.core.drafting.contracts import Drafter, DraftItem, PreviousItem
from assistant.core.drafting.textnorm import STOPWORDS, words
from assistant.core.errors import PMCError
from assistant.core.meeting import timeline as timeline_mod
from assistant.core.privacy import erase
from assistant.core.speech.transcribe import transcribe_path
from assistant.core.speech.types import SpeechSegment, Transcriber
from assistant.core.store.store import Circle, Meeting, Member, Store

Progress = Callable[[str, float], None]  # (stage, fraction 0..1)
REFINE_PAD = 1.0  # seconds of audio either side of a contracts turn for the second pass
# A re-transcribed word belongs to the turn if its midpoint is this close to it; more
# slack before, since Whisper stretches a first word back into the leading silence.
SLACK_BEFORE, SLACK_AFTER = 0.6, 0.3


def _noop(stage: str, fraction: float) -> None:
    pass


@dataclass
class Analysis:
    """Everything a meeting's processing produced, ready to be written."""

    utterances: list[Utterance]
    reports: list[tuple[int, reportback.Suggestion]] = field(default_factory=list)
    drafts: dict[int, list[DraftItem]] = field(default_factory=dict)  # member id -> items


def transcribe_pieces(transcriber: Transcriber, pieces: Sequence[tuple[float, np.ndarray]],
                      progress: Progress = _noop) -> list[SpeechSegment]:
    """Transcribe audio pieces that start at the given meeting seconds, merged by time.

    Each piece holds one track (a meeting by video has the room's and the call's chunks):
    each is transcribed on its own, which hears both sides better than their mix would.
    """
    total = sum(len(a) for _, a in pieces) / audio_mod.RATE or 1.0
    done = 0.0
    out: list[SpeechSegment] = []
    for start, samples in pieces:
        length = len(samples) / audio_mod.RATE

        def step(sec: float, _total: float, base: float = done) -> None:
            progress("transcribing", min(1.0, (base + sec) / total))

        out.extend(transcriber.transcribe(samples, offset=start, progress=step))
        done += length
    progress("transcribing", 1.0)
    out.sort(key=lambda s: s.start)  # the two tracks' segments, interleaved by time
    return out


def _slice(pieces: Sequence[tuple[float, np.ndarray]], start: float,
           end: float) -> tuple[float, np.ndarray]:
    """(where it starts, audio) between two meeting times, from the piece covering most.

    Pieces may overlap (the padded ranges of neighbouring contracts turns do, and a
    meeting by video has a room and a call track over the same time), and a piece may
    begin after `start`, so the true start of the returned audio is given. Of pieces that
    cover as much, the loudest there wins: the track the speaker's voice is on.
    """
    best: tuple[float, float, float, np.ndarray] | None = None
    for p_start, samples in pieces:
        p_end = p_start + len(samples) / audio_mod.RATE
        cover = min(end, p_end) - max(start, p_start)
        if cover <= 0:
            continue
        a = int(max(0.0, start - p_start) * audio_mod.RATE)
        b = int(max(0.0, end - p_start) * audio_mod.RATE)
        part = samples[a:b]
        loud = float(np.sqrt(np.mean(np.square(part, dtype=np.float64)))) if part.size else 0.0
        if best is None or (round(cover, 2), loud) > (round(best[0], 2), best[1]):
            best = (cover, loud, p_start, samples)
    if best is None:
        return start, np.zeros(0, dtype=np.float32)
    _, _, p_start, samples = best
    a = int(max(0.0, start - p_start) * audio_mod.RATE)
    b = int(max(0.0, end - p_start) * audio_mod.RATE)
    return max(start, p_start), samples[a:b]


def refine_contracts(transcriber: Transcriber, pieces: Sequence[tuple[float, np.ndarray]],
                     utterances: list[Utterance], context: dict[int, str] | None,
                     progress: Progress = _noop) -> list[Utterance]:
    """Transcribe each contracts turn again, primed with what its speaker said before.

    The contract is the part of the meeting that is kept, and small Whisper models
    mishear uncommon words in it. Priming the decoder with the member's earlier
    words and previous contracts (Whisper's `initial_prompt`) recovers vocabulary
    already heard in the circle; only that turn's text is replaced.
    """
    turns = {u.turn.turn_id: u.turn for u in utterances
             if u.turn and u.turn.segment == "contracts" and u.turn.member_id is not None}
    out = [u for u in utterances if not (u.turn and u.turn.turn_id in turns)]
    for n, turn in enumerate(turns.values()):
        # Generous padding so a clipped first consonant ("send" -> "end") is heard; words
        # are then kept only if they fall inside the turn, so neighbours do not leak in.
        start, samples = _slice(pieces, max(0.0, turn.start - REFINE_PAD),
                                turn.end + REFINE_PAD)
        prompt = (context or {}).get(turn.member_id or -1, "")
        segments = transcriber.transcribe(samples, offset=start, prompt=prompt) if len(
            samples) else []
        words = [w for s in segments for w in (s.words or ())
                 if turn.start - SLACK_BEFORE <= (w.start + w.end) / 2 <= turn.end + SLACK_AFTER]
        text = "".join(w.word for w in words).strip()
        if text:
            out.append(Utterance(turn, words[0].start, words[-1].end, text))
        else:  # keep the first pass rather than lose the turn
            out.extend(u for u in utterances if u.turn is turn)
        progress("refining contracts", (n + 1) / max(1, len(turns)))
    out.sort(key=lambda u: u.start)
    return out


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
                   and u.turn.segment != "contracts"]
        text = " ".join([i.text for i in previous] + earlier)
        vocab = dict.fromkeys(w for w in words(text) if w not in STOPWORDS and len(w) > 2)
        context[member.id] = ("Words: " + " ".join([member.name, *vocab]) + ".")[:600]
    return context


def second_pass(mode: str, store: Store, circle: Circle, meeting: Meeting,
                transcriber: Transcriber, pieces: Sequence[tuple[float, np.ndarray]],
                utterances: list[Utterance], progress: Progress = _noop) -> list[Utterance]:
    """Apply the configured second pass over contracts turns ('prompted', 'plain', 'off')."""
    if mode == "off" or not pieces:
        return utterances
    context = speaker_context(store, circle, meeting, utterances) if mode == "prompted" else None
    return refine_contracts(transcriber, pieces, utterances, context, progress)


def analyse(store: Store, circle: Circle, meeting: Meeting, attendees: Sequence[Member],
            utterances: list[Utterance], drafter: Drafter,
            progress: Progress = _noop) -> Analysis:
    """Suggest report-back statuses and draft contracts. Reads only."""
    result = Analysis(utterances)
    date = dt.date.fromisoformat(meeting.date)
    next_meeting = dt.date.fromisoformat(meeting.next_meeting)
    for n, member in enumerate(attendees):
        said = [u for u in result.utterances if u.turn and u.turn.member_id == member.id]
        previous = store.open_items_before(circle, member.id, meeting.date, exclude=meeting.id)
        report_text = " ".join(u.text for u in said if u.turn and u.turn.segment == "report_back")
        suggestions = reportback.suggest(report_text, [(i.id, i.text) for i in previous])
        closed = set()
        for s in suggestions:
            if s.status:
                result.reports.append((member.id, s))
                if s.status in ("done", "dropped"):
                    closed.add(s.item_id)
        prev = [PreviousItem(i.id, i.text, i.id in closed) for i in previous]
        contract_said = [u for u in said if u.turn and u.turn.segment == "contracts"]
        result.drafts[member.id] = drafter.draft(contract_said, date, next_meeting, prev)
        progress("drafting", (n + 1) / max(1, len(attendees)))
    return result


def write_analysis(store: Store, meeting: Meeting, analysis: Analysis) -> None:
    with store.tx():
        store.add_segments(meeting.id, [
            (u.turn.turn_id if u.turn else None, u.turn.member_id if u.turn else None,
             u.turn.segment if u.turn else None, u.start, u.end, u.text)
            for u in analysis.utterances
        ])
        confirmed = {r.item_id for r in store.report_back(meeting.id) if r.confirmed}
        for _member_id, s in analysis.reports:
            if s.item_id not in confirmed and s.status:
                store.set_report_back(meeting.id, s.item_id, s.status, confirmed=False,
                                      quote=s.quote)
        # The timekeeper may already have carried an item over during report-back.
        carried = {i.carried_from for i in store.items(meeting.id) if i.carried_from}
        for member_id, items in analysis.drafts.items():
            for d in items:
                if d.carried_from is not None and d.carried_from in carried:
                    continue
                store.add_item(meeting.id, member_id, d.text, due=d.due.isoformat(),
                               tentative=d.tentative, quote=d.quote, start=d.start, end=d.end,
                               origin=d.origin, carried_from=d.carried_from)


def spans_for(store: Store, meeting_id: int) -> list[TurnSpan]:
    names = {}
    out = []
    for t in store.turns(meeting_id):
        if t.member_id is not None and t.member_id not in names:
            names[t.member_id] = store.member_by_id(t.member_id).name
        out.append(TurnSpan(t.id, t.member_id, names.get(t.member_id) if t.member_id else None,
                            t.segment, t.start, t.end))
    return out


def process_meeting(store: Store, meeting_id: int, *, transcriber: Transcriber, drafter: Drafter,
                    audio: Sequence[tuple[float, np.ndarray]] | None = None,
                    progress: Progress = _noop, contract_pass: str = "prompted") -> None:
    """After a live meeting: transcribe its audio, attribute, draft; then write it all."""
    meeting = store.meeting(meeting_id)
    circle = store.circle_by_id(meeting.circle_id)
    pieces = list(audio or [])
    segments = transcribe_pieces(transcriber, pieces, progress) if pieces else []
    utterances = attribute(segments, spans_for(store, meeting_id))
    utterances = second_pass(contract_pass, store, circle, meeting, transcriber, pieces,
                             utterances, progress)
    # A member who withdrew consent and chose Delete: nothing said in their erased spans
    # is drafted from or kept, even where a segment's times spill over the cut.
    erased = erase.is_erased(store, meeting_id)
    utterances = [u for u in utterances
                  if not erased(u.turn.member_id if u.turn else None, u.start, u.end)]
    analysis = analyse(store, circle, meeting, store.attendees(meeting_id), utterances, drafter,
                       progress)
    # One transaction: a crash between the two would leave an 'open' meeting that
    # already has items, and a retry would draft everyone again.
    with store.tx():
        write_analysis(store, meeting, analysis)
        store.set_meeting_status(meeting_id, "drafted")


def import_meeting(store: Store, circle: Circle, audio_path: Path, timeline_path: Path | None,
                   date: dt.date, *, transcriber: Callable[[], Transcriber],
                   drafter: Callable[[], Drafter], progress: Progress = _noop,
                   contract_pass: str = "prompted") -> int:
    """Import a recorded meeting; returns the new meeting's id.

    Inputs are validated before any model loads; nothing is written unless the
    whole import succeeds.
    """
    members = store.members(circle)
    turns = timeline_mod.load(timeline_path, [m.name for m in members]) if timeline_path else []
    audio_mod.probe(audio_path)
    progress("loading models", 0.0)
    t, d = transcriber(), drafter()
    keep = [(max(0.0, x.start - REFINE_PAD), x.end + REFINE_PAD) for x in turns
            if x.segment == "contracts"]
    result = transcribe_path(t, audio_path, lambda done, total: progress(
        "transcribing", done / total if total else 0.0), keep=keep if contract_pass != "off"
        else ())
    if result.peak < audio_mod.SILENCE_PEAK:
        raise PMCError(f"{audio_path} is silent; check the microphone or pick another recording")
    duration = result.duration
    if turns and turns[-1].start >= duration:
        raise PMCError(f"the timeline runs to {turns[-1].end:.0f} s but {audio_path} is only "
                       f"{duration:.0f} s long; is this the right timeline?")
    segments = result.segments
    if not segments:
        raise PMCError(f"no speech found in {audio_path}; check that it is the meeting recording")
    by_name = {m.name: m for m in members}
    attendees = [m for m in members if any(x.speaker == m.name for x in turns)] or members
    next_meeting = date + dt.timedelta(days=circle.cadence_days)
    with store.tx():
        meeting = store.create_meeting(circle, date.isoformat(), next_meeting.isoformat(),
                                       "import", "transcribed")
        store.set_attendance(meeting.id, {m.id: m in attendees for m in members})
        store.add_turns(meeting.id, [(by_name[x.speaker].id, x.segment, x.start, x.end)
                                     for x in turns])
        pieces = result.kept
        utterances = attribute(segments, spans_for(store, meeting.id))
        utterances = second_pass(contract_pass, store, circle, meeting, t, pieces, utterances,
                                 progress)
        analysis = analyse(store, circle, meeting, attendees, utterances, d, progress)
        write_analysis(store, meeting, analysis)
        store.set_meeting_status(meeting.id, "drafted", duration)
    return meeting.id
