"""Retention: keep little, for a short time. Per-circle policy, purge, and forgetting a member.

Defaults (a circle without a `retention` row):
- raw audio of a meeting is deleted once it has been processed and every contract item
  of the meeting is approved or deleted (nothing is left to review against the audio);
- a meeting's transcript is deleted when the circle's next meeting starts (a later
  meeting exists) or 14 days after the meeting, whichever comes first. Quotes on
  contract items and report-back rows are transcript text, so they go with it, as do
  items the circle deleted;
- contract items, their statuses and report-back statuses are kept.

The app applies the policies by itself (`apply_due`) when it starts and when a meeting
starts; `pmc purge` applies them on demand.

`forget` deletes what one member said; in the raw audio only their turns are silenced
(assistant.core.privacy.erase).

Deleted rows are overwritten inside the database (`PRAGMA secure_delete`) and the WAL
is checkpointed and truncated. Audio files are unlinked (by their one owner,
assistant/core/audio/chunks.py, which records the purge), not overwritten: on SSDs and
copy-on-write file systems overwriting in place does not reach the old blocks, which is
why an encrypted home is the real protection.

Builds on erase (for `forget`); erase never imports this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.core.audio import chunks
from assistant.core.privacy.erase import Erased, erase_member
from assistant.core.store.store import Circle, Member, Store

DEFAULT_TRANSCRIPT_DAYS = 14


@dataclass(frozen=True)
class Policy:
    audio_after_approval: bool = True
    transcripts_at_next_meeting: bool = True
    transcript_days: int | None = DEFAULT_TRANSCRIPT_DAYS  # None: no age limit

    def describe(self) -> str:
        audio = ("raw audio deleted once every contract item is approved or deleted"
                 if self.audio_after_approval else "raw audio kept until `pmc forget` or "
                 "the meeting is deleted")
        when = []
        if self.transcripts_at_next_meeting:
            when.append("when the next meeting starts")
        if self.transcript_days is not None:
            when.append(f"{self.transcript_days} days after the meeting")
        transcript = ("transcript deleted " + " or ".join(when) + ", whichever comes first"
                      if when else "transcript kept")
        return f"{audio}; {transcript}; contracts and statuses kept"


def policy(store: Store, circle: Circle) -> Policy:
    row = store.retention_policy(circle.id)
    return Policy() if row is None else Policy(*row)


def set_policy(store: Store, circle: Circle, p: Policy) -> None:
    store.set_retention_policy(circle.id, p.audio_after_approval,
                               p.transcripts_at_next_meeting, p.transcript_days)


@dataclass
class Plan:
    """What a purge deletes: meeting ids with the reason for each."""

    audio: dict[int, str] = field(default_factory=dict)
    transcripts: dict[int, str] = field(default_factory=dict)


def plan(store: Store, today: dt.date) -> Plan:
    """Decide, reading only, what the circles' policies say must go now."""
    out = Plan()
    for circle in store.circles():
        p = policy(store, circle)
        meetings = store.meetings(circle)  # ordered by date, id
        for n, m in enumerate(meetings):
            if (p.audio_after_approval and m.status.processed
                    and chunks.has_audio(store, m.id)
                    and not any(i.status == "draft" for i in store.items(m.id))):
                out.audio[m.id] = "every contract item approved or deleted"
            # A meeting not yet drafted still needs its transcript (resume drafts from it).
            if not m.status.processed or not store.has_transcript_text(m.id):
                continue
            later = [x for x in meetings[n + 1:] if x.date >= m.date]
            age = (today - dt.date.fromisoformat(m.date)).days
            if p.transcripts_at_next_meeting and later:
                out.transcripts[m.id] = f"the next meeting (#{later[0].id}) has started"
            elif p.transcript_days is not None and age >= p.transcript_days:
                out.transcripts[m.id] = f"{age} days old (limit {p.transcript_days})"
    return out


@dataclass
class Counts:
    audio_files: int = 0
    audio_meetings: int = 0
    segments: int = 0
    transcript_meetings: int = 0
    quotes: int = 0
    deleted_items: int = 0
    # `forget` only: what happened to the audio of each meeting that had some
    erased: list[Erased] = field(default_factory=list)

    def line(self) -> str:
        return (f"audio: {self.audio_files} files from {self.audio_meetings} meetings; "
                f"transcripts: {self.segments} segments from {self.transcript_meetings} "
                f"meetings; quotes cleared: {self.quotes}; deleted drafts removed: "
                f"{self.deleted_items}")


def apply(store: Store, p: Plan) -> Counts:
    counts = Counts()
    store.secure_delete()
    for mid in sorted(p.transcripts):
        gone = store.purge_transcript(mid)
        counts.segments += gone.segments
        counts.quotes += gone.quotes
        counts.deleted_items += gone.deleted_items
        counts.transcript_meetings += 1
    for mid in sorted(p.audio):
        counts.audio_files += chunks.delete_audio(store, mid)
        counts.audio_meetings += 1
    store.scrub()
    return counts


def purge(store: Store, today: dt.date, dry_run: bool = False) -> tuple[Plan, Counts]:
    """Apply every circle's policy now (or, with dry_run, count what would go)."""
    p = plan(store, today)
    if not dry_run:
        return p, apply(store, p)
    counts = Counts(audio_meetings=len(p.audio), transcript_meetings=len(p.transcripts))
    for mid in p.audio:
        counts.audio_files += chunks.audio_files(mid)
    for mid in p.transcripts:
        would = store.transcript_text_counts(mid)
        counts.segments += would.segments
        counts.quotes += would.quotes
        counts.deleted_items += would.deleted_items
    return p, counts


def apply_due(store: Store, today: dt.date) -> Counts | None:
    """Apply the policies if anything is due (at app start and when a meeting starts).

    Cheap when nothing is due: reads only, no checkpoint. Returns what was deleted.
    """
    p = plan(store, today)
    if not p.audio and not p.transcripts:
        return None
    return apply(store, p)


def forget(store: Store, circle: Circle, member: Member,
           meeting_id: int | None = None) -> Counts:
    """Delete what `member` said: in one meeting, or in every meeting of the circle.

    Their transcript segments go, and the quotes on their contract items and report-back
    rows; their items themselves (their goals) stay. Their turns are silenced in the raw
    audio and everyone else's audio is kept; a meeting with audio but no turn log for them
    loses its whole audio, as nothing says where their voice is (assistant.core.privacy.erase).
    `counts.erased` says, meeting by meeting, what happened to the audio.
    """
    meetings = [store.meeting(meeting_id)] if meeting_id is not None else store.meetings(circle)
    counts = Counts()
    for m in meetings:
        if m.circle_id != circle.id:
            continue
        done = erase_member(store, m.id, member, reason="forget")
        counts.segments += done.segments
        counts.quotes += done.quotes
        counts.deleted_items += done.deleted_items
        counts.transcript_meetings += 1 if done.segments else 0
        if done.audio == "deleted":
            counts.audio_files += done.files_deleted
            counts.audio_meetings += 1
        if done.audio != "none":
            counts.erased.append(done)
    return counts
