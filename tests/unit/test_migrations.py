"""Numbered SQLite migrations: applied once, in order, recorded in `_migrations`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from assistant.core.store import migrations

TABLES = {"circles", "members", "meetings", "attendance", "consent_events", "turns",
          "transcript_segments", "contract_items", "report_back", "audio_chunks"}


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    yield conn
    conn.close()


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_fresh_database_gets_every_migration_in_order(db: sqlite3.Connection) -> None:
    applied = migrations.migrate(db)
    assert applied == [fn.__name__ for fn in migrations.MIGRATIONS]
    assert applied[0] == "m001_initial"
    assert TABLES <= _tables(db)
    recorded = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert recorded == applied


def test_second_run_applies_nothing_and_keeps_data(db: sqlite3.Connection) -> None:
    migrations.migrate(db)
    db.execute("INSERT INTO circles (name, agenda) VALUES ('Alpha', '[]')")
    db.commit()
    assert migrations.migrate(db) == []
    assert db.execute("SELECT name FROM circles").fetchall() == [("Alpha",)]


def test_migration_names_are_unique_and_numbered() -> None:
    names = [fn.__name__ for fn in migrations.MIGRATIONS]
    assert len(names) == len(set(names))
    assert names == sorted(names)
    assert all(n[0] == "m" and n[1:4].isdigit() for n in names)


def test_new_migration_runs_once_after_the_old_ones(db: sqlite3.Connection,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    migrations.migrate(db)
    calls: list[str] = []

    def m999_add_notes(conn: sqlite3.Connection) -> None:
        calls.append("ran")
        conn.execute("ALTER TABLE meetings ADD COLUMN notes TEXT")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m999_add_notes])
    assert migrations.migrate(db) == ["m999_add_notes"]
    assert migrations.migrate(db) == []
    assert calls == ["ran"]
    cols = {r[1] for r in db.execute("PRAGMA table_info(meetings)")}
    assert "notes" in cols


def test_failed_migration_is_not_recorded_and_its_rows_roll_back(
        db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    migrations.migrate(db)

    def m998_broken(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO circles (name, agenda) VALUES ('Half', '[]')")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m998_broken])
    with pytest.raises(RuntimeError):
        migrations.migrate(db)
    assert db.execute("SELECT COUNT(*) FROM circles").fetchone()[0] == 0
    assert "m998_broken" not in {r[0] for r in db.execute("SELECT name FROM _migrations")}


def test_failed_migration_leaves_no_schema_change(db: sqlite3.Connection,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    migrations.migrate(db)

    def m997_half_done(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m997_half_done])
    with pytest.raises(RuntimeError):
        migrations.migrate(db)
    assert "half_done" not in _tables(db)


def test_schema_enforces_report_back_uniqueness(db: sqlite3.Connection) -> None:
    migrations.migrate(db)
    db.executescript("""
        INSERT INTO circles (id, name, agenda) VALUES (1, 'A', '[]');
        INSERT INTO members (id, circle_id, name, position) VALUES (1, 1, 'Ana', 0);
        INSERT INTO meetings (id, circle_id, date, next_meeting, source, status)
            VALUES (1, 1, '2024-03-12', '2024-03-26', 'manual', 'open');
        INSERT INTO contract_items (id, meeting_id, member_id, text) VALUES (1, 1, 1, 'x');
        INSERT INTO report_back (meeting_id, item_id, status) VALUES (1, 1, 'done');
    """)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO report_back (meeting_id, item_id, status) VALUES (1, 1, 'done')")
    # Member names are unique per circle regardless of case.
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO members (circle_id, name, position) VALUES (1, 'ANA', 1)")


def test_heard_probabilities_are_added_to_an_older_transcript_as_unknown(
        db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    names = [fn.__name__ for fn in migrations.MIGRATIONS]
    upto = names.index("m006_heard_probabilities")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:upto])
    migrations.migrate(db)
    db.execute("INSERT INTO circles (name, agenda) VALUES ('Alpha', '[]')")
    db.execute("INSERT INTO meetings (circle_id, date, next_meeting, source, status) "
               "VALUES (1, '2026-03-05', '2026-03-19', 'live', 'transcribed')")
    db.execute("INSERT INTO transcript_segments (meeting_id, start, end, text) "
               "VALUES (1, 0.0, 1.0, 'I will plan')")
    db.commit()
    monkeypatch.undo()
    assert migrations.migrate(db)[0] == "m006_heard_probabilities"
    assert db.execute("SELECT text, heard FROM transcript_segments").fetchall() == [
        ("I will plan", None)]
    assert "heard" in {r[1] for r in db.execute("PRAGMA table_info(first_heard)")}
