"""The SQLite schema, as numbered migrations applied in order.

Each migration is a function registered with `@migration`; `migrate(db)`
applies the ones not yet recorded in `_migrations`. Tests run them on
`:memory:`. Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    MIGRATIONS.append(fn)
    return fn


def run_script(db: sqlite3.Connection, sql: str) -> None:
    """Run `;`-separated statements inside the current transaction.

    (sqlite3's executescript would COMMIT first, breaking the all-or-nothing migration.)
    """
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply pending migrations, each in its own transaction. Returns names applied.

    Python's sqlite3 would run DDL outside any transaction, so a half-applied
    migration could stay behind; explicit BEGIN/COMMIT makes DDL transactional too.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    db.commit()
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    applied = []
    old = db.isolation_level
    db.isolation_level = None
    try:
        for fn in MIGRATIONS:
            if fn.__name__ in done:
                continue
            db.execute("BEGIN")
            try:
                fn(db)
                db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", (fn.__name__,))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            applied.append(fn.__name__)
    finally:
        db.isolation_level = old
    return applied


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE circles (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            agenda TEXT NOT NULL,              -- JSON agenda template
            cadence_days INTEGER NOT NULL DEFAULT 14,
            created_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            circle_id INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
            name TEXT NOT NULL COLLATE NOCASE,
            position INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            UNIQUE (circle_id, name)
        );
        CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            circle_id INTEGER NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
            date TEXT NOT NULL,                -- YYYY-MM-DD
            next_meeting TEXT NOT NULL,
            source TEXT NOT NULL,              -- 'import', 'live', 'manual'
            status TEXT NOT NULL,              -- 'open', 'transcribed', 'drafted', 'closed'
            duration REAL,
            created_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE attendance (
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            present INTEGER NOT NULL,
            PRIMARY KEY (meeting_id, member_id)
        );
        CREATE TABLE consent_events (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            granted INTEGER NOT NULL,          -- 1 granted, 0 withdrawn
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now'))
        );
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            segment TEXT NOT NULL,
            start REAL NOT NULL,
            end REAL NOT NULL,
            off_record INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE transcript_segments (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            turn_id INTEGER REFERENCES turns(id) ON DELETE SET NULL,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            segment TEXT,
            start REAL NOT NULL,
            end REAL NOT NULL,
            text TEXT NOT NULL
        );
        CREATE TABLE contract_items (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            due TEXT,
            tentative INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'draft',   -- 'draft', 'approved', 'deleted'
            quote TEXT NOT NULL DEFAULT '',
            start REAL,
            end REAL,
            origin TEXT NOT NULL DEFAULT 'rule',    -- 'llm', 'rule', 'manual', 'carry'
            carried_from INTEGER REFERENCES contract_items(id) ON DELETE SET NULL,
            approved_at TEXT,
            created_at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE report_back (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES contract_items(id) ON DELETE CASCADE,
            status TEXT NOT NULL,   -- 'done','partial','not_done','dropped','carried_over'
            confirmed INTEGER NOT NULL DEFAULT 0,
            quote TEXT NOT NULL DEFAULT '',
            UNIQUE (meeting_id, item_id)
        );
        CREATE TABLE audio_chunks (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            path TEXT NOT NULL,
            start REAL NOT NULL,           -- meeting seconds at the chunk's first frame
            frames INTEGER NOT NULL DEFAULT 0,
            closed INTEGER NOT NULL DEFAULT 0,
            UNIQUE (meeting_id, seq)
        );
        CREATE INDEX idx_segments_meeting ON transcript_segments(meeting_id, start);
        CREATE INDEX idx_items_member ON contract_items(member_id, meeting_id);
        CREATE INDEX idx_turns_meeting ON turns(meeting_id, idx);
        """
    )


@migration
def m002_retention(db: sqlite3.Connection) -> None:
    # One row per circle that changed the defaults (assistant/core/privacy/retention.py);
    # a circle without a row uses them.
    run_script(
        db,
        """
        CREATE TABLE retention (
            circle_id INTEGER PRIMARY KEY REFERENCES circles(id) ON DELETE CASCADE,
            audio_after_approval INTEGER NOT NULL DEFAULT 1,  -- delete raw audio once reviewed
            transcripts_at_next_meeting INTEGER NOT NULL DEFAULT 1,
            transcript_days INTEGER DEFAULT 14                -- NULL: no age limit
        );
        ALTER TABLE meetings ADD COLUMN transcript_purged_at TEXT;
        ALTER TABLE meetings ADD COLUMN audio_purged_at TEXT
        """
    )


@migration
def m003_erasures(db: sqlite3.Connection) -> None:
    # Spans of a meeting's audio silenced because a member asked (assistant/core/privacy/erase.py):
    # `pmc forget`, or "Delete" after withdrawing consent. Times only, never text; they keep
    # the end-of-meeting transcription from hearing (or imagining) speech there again.
    run_script(
        db,
        """
        CREATE TABLE erasures (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            start REAL NOT NULL,            -- meeting seconds, padding included
            end REAL NOT NULL,
            reason TEXT NOT NULL,           -- 'forget' or 'withdrawal'
            at TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE INDEX idx_erasures_meeting ON erasures(meeting_id, start)
        """
    )


@migration
def m004_meeting_clock(db: sqlite3.Connection) -> None:
    # The meeting clock's latest state (assistant/core/meeting/clockstate.py), saved with
    # each turn and every few seconds, so a meeting a crash interrupted can go on where it
    # stopped. Times and indexes only, never text; it goes with its meeting.
    run_script(
        db,
        """
        CREATE TABLE meeting_clock (
            meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
            state TEXT NOT NULL,            -- JSON ClockState
            saved_at REAL NOT NULL          -- wall clock (Unix seconds) when saved
        )
        """
    )


@migration
def m005_first_heard(db: sqlite3.Connection) -> None:
    # The contracts turns as first heard (assistant/services/processing.py, Heard.first),
    # written with the transcript and deleted once every member is drafted: a commitment
    # only the first hearing caught is still drafted when a crash comes in between.
    # Transcript text: every erasure and purge of transcript_segments covers it too
    # (assistant/core/store/privacy.py).
    run_script(
        db,
        """
        CREATE TABLE first_heard (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            turn_id INTEGER REFERENCES turns(id) ON DELETE SET NULL,
            member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
            start REAL NOT NULL,
            end REAL NOT NULL,
            text TEXT NOT NULL
        )
        """
    )


@migration
def m006_heard_probabilities(db: sqlite3.Connection) -> None:
    # What the speech model heard in each stored utterance and how sure it was of each
    # word (JSON [[word, probability], ...], core/drafting/confidence.py), for the
    # drafter's precision guard; NULL when not known (a script's words, older rows).
    # It is part of the row, so every erasure and purge of the text covers it too.
    run_script(
        db,
        """
        ALTER TABLE transcript_segments ADD COLUMN heard TEXT;
        ALTER TABLE first_heard ADD COLUMN heard TEXT
        """
    )
