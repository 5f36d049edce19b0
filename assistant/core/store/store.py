"""SQLite store: circles, members, meetings, turns, transcripts, contracts.

One connection per Store, WAL journal, foreign keys on, migrations applied on
open. Nothing is created at import time. Methods commit before returning, so
a crash after a call never loses what the call reported as saved; a method that
writes several rows writes all of them or none.

This is the only module family that runs SQL (a test holds it): the Store is
this class plus its parts by subject, the audio listing
(assistant/core/store/audio.py) and privacy (assistant/core/store/privacy.py).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import PMCError
from assistant.core.meeting import agenda as agenda_mod
from assistant.core.store.audio import AudioListing, StoredChunk
from assistant.core.store.migrations import migrate
from assistant.core.store.privacy import Erasure, PrivacyRecords, TextRemoved
from assistant.core.store.status import MeetingStatus

__all__ = ["REPORT_STATUSES", "Circle", "ContractItem", "Erasure", "Meeting", "Member",
           "ReportBack", "Store", "StoredChunk", "TextRemoved", "TranscriptSegment", "Turn",
           "open_connection", "plain_file_has_circles"]

REPORT_STATUSES = ("done", "partial", "not_done", "dropped", "carried_over")


@dataclass(frozen=True)
class Circle:
    id: int
    name: str
    agenda: tuple[agenda_mod.AgendaSegment, ...]
    cadence_days: int


@dataclass(frozen=True)
class Member:
    id: int
    circle_id: int
    name: str
    position: int


@dataclass(frozen=True)
class Meeting:
    id: int
    circle_id: int
    date: str
    next_meeting: str
    source: str
    status: MeetingStatus
    duration: float | None


@dataclass(frozen=True)
class Turn:
    id: int
    meeting_id: int
    idx: int
    member_id: int | None
    segment: str
    start: float
    end: float


@dataclass(frozen=True)
class TranscriptSegment:
    id: int
    meeting_id: int
    turn_id: int | None
    member_id: int | None
    segment: str | None
    start: float
    end: float
    text: str
    heard: str | None = None  # the speech model's words and probabilities (JSON), if known


@dataclass(frozen=True)
class ContractItem:
    id: int
    meeting_id: int
    member_id: int
    text: str
    due: str | None
    tentative: bool
    status: str
    quote: str
    start: float | None
    end: float | None
    origin: str
    carried_from: int | None
    approved_at: str | None


@dataclass(frozen=True)
class ReportBack:
    id: int
    meeting_id: int
    item_id: int
    status: str
    confirmed: bool
    quote: str


def _translating_connection() -> type:
    """A sqlcipher3 Connection that raises the stdlib sqlite3 exception classes.

    The rest of the app catches `sqlite3.IntegrityError` and friends; sqlcipher3 has its
    own (unrelated) classes, so they are re-raised as the stdlib class of the same name.
    """
    import sqlcipher3

    def translate(exc: BaseException) -> BaseException:
        cls = getattr(sqlite3, type(exc).__name__, sqlite3.DatabaseError)
        return cls(*exc.args) if isinstance(cls, type) else sqlite3.DatabaseError(*exc.args)

    class Connection(sqlcipher3.Connection):
        def execute(self, *args: object) -> object:
            try:
                return super().execute(*args)
            except sqlcipher3.Error as exc:
                raise translate(exc) from exc

        def executemany(self, *args: object) -> object:
            try:
                return super().executemany(*args)
            except sqlcipher3.Error as exc:
                raise translate(exc) from exc

        def commit(self) -> None:
            try:
                super().commit()
            except sqlcipher3.Error as exc:
                raise translate(exc) from exc

        def __exit__(self, *args: object) -> object:
            try:
                return super().__exit__(*args)
            except sqlcipher3.Error as exc:
                raise translate(exc) from exc

    return Connection


def open_connection(path: str, key: bytes | None = None) -> sqlite3.Connection:
    """A connection to `path`; with `key`, a SQLCipher one whose key is checked before use.

    The key is set before anything else reads the file, and checked by reading the
    schema: a wrong key fails there, before any pragma or migration could write.
    """
    if key is None:
        db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        db.row_factory = sqlite3.Row
        return db
    if len(key) != 32:
        raise ValueError("a SQLCipher key is 32 bytes")
    try:
        import sqlcipher3
    except ImportError:
        raise PMCError("this home is encrypted but SQLCipher is not installed; "
                       "reinstall circle-assistant (it needs sqlcipher3-binary)") from None
    # check_same_thread=False: workers write from threads; the Store's lock serialises.
    db = sqlcipher3.connect(path, check_same_thread=False, timeout=30,
                            factory=_translating_connection())
    try:
        db.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        db.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would print to stderr
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise PMCError("wrong passphrase for PMC_HOME; the database did not open with the "
                       "key it gives, and nothing was changed") from None
    db.row_factory = sqlcipher3.Row
    return db


def plain_file_has_circles(path: Path) -> bool:
    """Whether the unencrypted SQLite file at `path` holds at least one circle.

    Opened on its own, without migrations: a home made by e.g. `pmc circle list` has
    an empty database that may still become an encrypted one.
    """
    con = sqlite3.connect(path)
    try:
        return bool(con.execute("SELECT 1 FROM sqlite_master WHERE name = 'circles'")
                    .fetchone()) and bool(con.execute("SELECT 1 FROM circles LIMIT 1")
                                          .fetchone())
    finally:
        con.close()


class Store(AudioListing, PrivacyRecords):
    def __init__(self, path: Path | str, key: bytes | None = None) -> None:
        """Open (or create) the database at `path`; `key` makes it a SQLCipher database."""
        self.path = str(path)
        self.encrypted = key is not None
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            self.db = open_connection(self.path, key)
            self.db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise PMCError(f"database {self.path} cannot be opened ({exc}); "
                           "restore it from a backup or move it aside") from None
        self._lock = threading.RLock()
        self._depth = 0

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A transaction; nested calls join the outermost one, which commits or rolls back."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                with self.db:
                    yield self.db
            finally:
                self._depth = 0

    # --- circles and members -------------------------------------------------
    def create_circle(
        self,
        name: str,
        members: Iterable[str],
        agenda: tuple[agenda_mod.AgendaSegment, ...] = agenda_mod.DEFAULT_AGENDA,
        cadence_days: int = 14,
    ) -> Circle:
        names = [m.strip() for m in members]
        name = name.strip()
        if not name:
            raise PMCError("a circle needs a name: pmc circle create NAME --member NAME ...")
        if not names or any(not n for n in names):
            raise PMCError("a circle needs at least one member: add --member NAME")
        if len({n.lower() for n in names}) != len(names):
            raise PMCError("member names must be unique within a circle")
        with self.tx() as db:
            if db.execute("SELECT 1 FROM circles WHERE name = ?", (name,)).fetchone():
                raise PMCError(f"circle '{name}' already exists; pick another name")
            cur = db.execute(
                "INSERT INTO circles (name, agenda, cadence_days) VALUES (?, ?, ?)",
                (name.strip(), agenda_mod.to_json(agenda), cadence_days),
            )
            cid = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO members (circle_id, name, position) VALUES (?, ?, ?)",
                [(cid, n, i) for i, n in enumerate(names)],
            )
        return self.circle(name)

    def add_member(self, circle: Circle, name: str) -> Member:
        name = name.strip()
        if not name:
            raise PMCError("a member needs a name: pmc circle add-member CIRCLE NAME")
        with self.tx() as db:
            pos = db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM members WHERE circle_id = ?",
                (circle.id,),
            ).fetchone()[0]
            try:
                db.execute(
                    "INSERT INTO members (circle_id, name, position) VALUES (?, ?, ?)",
                    (circle.id, name.strip(), pos),
                )
            except sqlite3.IntegrityError:
                raise PMCError(f"'{name}' is already a member of {circle.name}") from None
        return self.member(circle, name)

    def update_circle(self, circle: Circle, agenda: tuple[agenda_mod.AgendaSegment, ...],
                      cadence_days: int, members: Sequence[str]) -> Circle:
        """Save an edited circle: agenda, cadence and members in speaking order, at once.

        Removed members are deactivated, never deleted: their contracts stay in the
        circle's history. A name that comes back (in any case) is the same member again.
        """
        names = [m.strip() for m in members]
        if not names or any(not n for n in names):
            raise PMCError("a circle needs at least one member")
        if len({n.lower() for n in names}) != len(names):
            raise PMCError("member names must be unique within a circle")
        with self.tx() as db:
            db.execute("UPDATE circles SET agenda = ?, cadence_days = ? WHERE id = ?",
                       (agenda_mod.to_json(agenda), cadence_days, circle.id))
            existing = {m.name.lower(): m for m in self.members(circle, active_only=False)}
            wanted = {n.lower() for n in names}
            for key, m in existing.items():
                if key not in wanted:
                    db.execute("UPDATE members SET active = 0 WHERE id = ?", (m.id,))
            for pos, name in enumerate(names):
                found = existing.get(name.lower())
                if found is None:
                    db.execute("INSERT INTO members (circle_id, name, position) "
                               "VALUES (?, ?, ?)", (circle.id, name, pos))
                else:
                    db.execute("UPDATE members SET active = 1, position = ?, name = ? "
                               "WHERE id = ?", (pos, name, found.id))
        return self.circle_by_id(circle.id)

    def _circle(self, row: sqlite3.Row) -> Circle:
        return Circle(row["id"], row["name"], agenda_mod.from_json(row["agenda"]),
                      row["cadence_days"])

    def circle(self, name: str) -> Circle:
        row = self.db.execute("SELECT * FROM circles WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise PMCError(f"no circle named '{name}'; see `pmc circle list` "
                           "or create it with `pmc circle create`")
        return self._circle(row)

    def circle_by_id(self, cid: int) -> Circle:
        row = self.db.execute("SELECT * FROM circles WHERE id = ?", (cid,)).fetchone()
        if row is None:
            raise PMCError(f"no circle with id {cid}")
        return self._circle(row)

    def circles(self) -> list[Circle]:
        return [self._circle(r) for r in self.db.execute("SELECT * FROM circles ORDER BY name")]

    def members(self, circle: Circle, active_only: bool = True) -> list[Member]:
        q = "SELECT id, circle_id, name, position FROM members WHERE circle_id = ?"
        if active_only:
            q += " AND active = 1"
        return [Member(*r) for r in self.db.execute(q + " ORDER BY position", (circle.id,))]

    def member_names(self, circle: Circle) -> dict[int, str]:
        """Every member's name by id, former members included (old items keep their owner)."""
        return {m.id: m.name for m in self.members(circle, active_only=False)}

    def member(self, circle: Circle, name: str) -> Member:
        row = self.db.execute(
            "SELECT id, circle_id, name, position FROM members WHERE circle_id = ? AND name = ?",
            (circle.id, name.strip()),
        ).fetchone()
        if row is None:
            raise PMCError(f"'{name}' is not a member of circle '{circle.name}'; "
                           f"members: {', '.join(m.name for m in self.members(circle))}")
        return Member(*row)

    def member_by_id(self, mid: int) -> Member:
        return Member(*self.db.execute(
            "SELECT id, circle_id, name, position FROM members WHERE id = ?", (mid,)).fetchone())

    # --- meetings ------------------------------------------------------------
    def create_meeting(self, circle: Circle, date: str, next_meeting: str, source: str,
                       status: MeetingStatus = MeetingStatus.OPEN) -> Meeting:
        with self.tx() as db:
            cur = db.execute(
                "INSERT INTO meetings (circle_id, date, next_meeting, source, status) "
                "VALUES (?, ?, ?, ?, ?)",
                (circle.id, date, next_meeting, source, status),
            )
        return self.meeting(int(cur.lastrowid or 0))

    def meeting(self, mid: int) -> Meeting:
        row = self.db.execute(
            "SELECT id, circle_id, date, next_meeting, source, status, duration "
            "FROM meetings WHERE id = ?", (mid,)).fetchone()
        if row is None:
            raise PMCError(f"no meeting with id {mid}; see `pmc meeting list`")
        return self._meeting(row)

    @staticmethod
    def _meeting(row: sqlite3.Row) -> Meeting:
        return Meeting(row[0], row[1], row[2], row[3], row[4], MeetingStatus(row[5]), row[6])

    def meetings(self, circle: Circle) -> list[Meeting]:
        rows = self.db.execute(
            "SELECT id, circle_id, date, next_meeting, source, status, duration "
            "FROM meetings WHERE circle_id = ? ORDER BY date, id", (circle.id,))
        return [self._meeting(r) for r in rows]

    def set_meeting_status(self, mid: int, status: MeetingStatus,
                           duration: float | None = None) -> None:
        with self.tx() as db:
            db.execute("UPDATE meetings SET status = ?, duration = COALESCE(?, duration) "
                       "WHERE id = ?", (status, duration, mid))

    def delete_meeting(self, mid: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM meetings WHERE id = ?", (mid,))

    def save_clock(self, mid: int, state: str, saved_at: float) -> None:
        """Keep the meeting clock's latest state (JSON), replacing the one saved before."""
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO meeting_clock (meeting_id, state, saved_at) "
                       "VALUES (?, ?, ?)", (mid, state, saved_at))

    def clock_state(self, mid: int) -> tuple[str, float] | None:
        """The meeting clock's last saved state and when (Unix seconds), if any."""
        row = self.db.execute("SELECT state, saved_at FROM meeting_clock WHERE meeting_id = ?",
                              (mid,)).fetchone()
        return None if row is None else (str(row[0]), float(row[1]))

    def set_attendance(self, mid: int, present: dict[int, bool]) -> None:
        with self.tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO attendance VALUES (?, ?, ?)",
                [(mid, k, int(v)) for k, v in present.items()],
            )

    def attendees(self, mid: int) -> list[Member]:
        rows = self.db.execute(
            "SELECT m.id, m.circle_id, m.name, m.position FROM attendance a "
            "JOIN members m ON m.id = a.member_id WHERE a.meeting_id = ? AND a.present = 1 "
            "ORDER BY m.position", (mid,))
        return [Member(*r) for r in rows]

    def record_consent(self, mid: int, member_id: int, granted: bool) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO consent_events (meeting_id, member_id, granted) "
                       "VALUES (?, ?, ?)", (mid, member_id, int(granted)))

    def consent_events(self, mid: int) -> list[tuple[int, bool, str]]:
        rows = self.db.execute("SELECT member_id, granted, at FROM consent_events "
                               "WHERE meeting_id = ? ORDER BY id", (mid,))
        return [(r[0], bool(r[1]), r[2]) for r in rows]

    # --- turns and transcript ------------------------------------------------
    def add_turns(self, mid: int, turns: Iterable[tuple[int | None, str, float, float]],
                  off_record: Iterable[bool] = ()) -> None:
        """Append turns (member_id, agenda segment, start, end) after the stored ones.

        `off_record` flags them in order (missing flags: on the record); the turns and
        their flags are written together.
        """
        rows = list(turns)
        flags = list(off_record)
        if len(flags) > len(rows):
            raise ValueError("more off-record flags than turns")
        flags += [False] * (len(rows) - len(flags))
        with self.tx() as db:
            base = db.execute("SELECT COUNT(*) FROM turns WHERE meeting_id = ?",
                              (mid,)).fetchone()[0]
            db.executemany(
                "INSERT INTO turns (meeting_id, idx, member_id, segment, start, end, "
                "off_record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(mid, base + i, *t, int(off))
                 for i, (t, off) in enumerate(zip(rows, flags, strict=True))],
            )

    def off_record_turns(self, mid: int) -> list[int]:
        """Indexes (`Turn.idx`) of the meeting's turns logged off the record."""
        return [r[0] for r in self.db.execute(
            "SELECT idx FROM turns WHERE meeting_id = ? AND off_record = 1 ORDER BY idx",
            (mid,))]

    def turns(self, mid: int) -> list[Turn]:
        rows = self.db.execute(
            "SELECT id, meeting_id, idx, member_id, segment, start, end FROM turns "
            "WHERE meeting_id = ? ORDER BY idx", (mid,))
        return [Turn(*r) for r in rows]

    def add_segments(
        self, mid: int,
        segments: Iterable[tuple[int | None, int | None, str | None, float, float, str]],
        heard: Sequence[str | None] | None = None,
    ) -> None:
        """Each row: (turn_id, member_id, agenda segment, start, end, text); `heard`, if
        given, holds each row's words as the speech model heard them (JSON, or None)."""
        rows = list(segments)
        extra = list(heard) if heard is not None else [None] * len(rows)
        if len(extra) != len(rows):
            raise ValueError("add_segments: one `heard` entry per row")
        with self.tx() as db:
            db.executemany(
                "INSERT INTO transcript_segments "
                "(meeting_id, turn_id, member_id, segment, start, end, text, heard) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(mid, *s, h) for s, h in zip(rows, extra, strict=True)],
            )

    def has_segments(self, mid: int) -> bool:
        """Whether any of the meeting's transcript is stored."""
        return bool(self.db.execute("SELECT 1 FROM transcript_segments WHERE meeting_id = ? "
                                    "LIMIT 1", (mid,)).fetchone())

    def segments(self, mid: int) -> list[TranscriptSegment]:
        rows = self.db.execute(
            "SELECT id, meeting_id, turn_id, member_id, segment, start, end, text, heard "
            "FROM transcript_segments WHERE meeting_id = ? ORDER BY start, id", (mid,))
        return [TranscriptSegment(*r) for r in rows]

    def add_first_heard(self, mid: int,
                        rows: Iterable[tuple[int | None, int | None, float, float, str]],
                        heard: Sequence[str | None] | None = None) -> None:
        """The contracts turns as first heard; each row: (turn_id, member_id, start, end,
        text), and `heard` as in `add_segments`. Kept until every member is drafted
        (`clear_first_heard`)."""
        rows = list(rows)
        extra = list(heard) if heard is not None else [None] * len(rows)
        if len(extra) != len(rows):
            raise ValueError("add_first_heard: one `heard` entry per row")
        with self.tx() as db:
            db.executemany("INSERT INTO first_heard (meeting_id, turn_id, member_id, start, "
                           "end, text, heard) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(mid, *r, h) for r, h in zip(rows, extra, strict=True)])

    def first_heard(self, mid: int) -> list[
            tuple[int | None, int | None, float, float, str, str | None]]:
        """Rows (turn_id, member_id, start, end, text, heard)."""
        rows = self.db.execute("SELECT turn_id, member_id, start, end, text, heard "
                               "FROM first_heard WHERE meeting_id = ? ORDER BY start, id", (mid,))
        return [(r[0], r[1], float(r[2]), float(r[3]), str(r[4]), r[5]) for r in rows]

    def clear_first_heard(self, mid: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM first_heard WHERE meeting_id = ?", (mid,))

    # --- contract items ------------------------------------------------------
    def add_item(self, mid: int, member_id: int, text: str, *, due: str | None = None,
                 tentative: bool = False, status: str = "draft", quote: str = "",
                 start: float | None = None, end: float | None = None, origin: str = "rule",
                 carried_from: int | None = None) -> ContractItem:
        with self.tx() as db:
            cur = db.execute(
                "INSERT INTO contract_items (meeting_id, member_id, text, due, tentative, status,"
                " quote, start, end, origin, carried_from, approved_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " CASE WHEN ? = 'approved' THEN datetime('now') END)",
                (mid, member_id, text, due, int(tentative), status, quote, start, end, origin,
                 carried_from, status),
            )
        return self.item(int(cur.lastrowid or 0))

    def _item(self, r: sqlite3.Row) -> ContractItem:
        return ContractItem(r["id"], r["meeting_id"], r["member_id"], r["text"], r["due"],
                            bool(r["tentative"]), r["status"], r["quote"], r["start"], r["end"],
                            r["origin"], r["carried_from"], r["approved_at"])

    def item(self, iid: int) -> ContractItem:
        row = self.db.execute("SELECT * FROM contract_items WHERE id = ?", (iid,)).fetchone()
        if row is None:
            raise PMCError(f"no contract item with id {iid}")
        return self._item(row)

    def items(self, mid: int, member_id: int | None = None,
              include_deleted: bool = False) -> list[ContractItem]:
        q = "SELECT * FROM contract_items WHERE meeting_id = ?"
        args: list[object] = [mid]
        if member_id is not None:
            q += " AND member_id = ?"
            args.append(member_id)
        if not include_deleted:
            q += " AND status != 'deleted'"
        return [self._item(r) for r in self.db.execute(q + " ORDER BY member_id, id", args)]

    def member_items(self, member_id: int) -> list[ContractItem]:
        rows = self.db.execute(
            "SELECT c.* FROM contract_items c JOIN meetings m ON m.id = c.meeting_id "
            "WHERE c.member_id = ? AND c.status != 'deleted' ORDER BY m.date, m.id, c.id",
            (member_id,))
        return [self._item(r) for r in rows]

    def update_item(self, iid: int, *, text: str | None = None, due: str | None = None,
                    tentative: bool | None = None) -> None:
        with self.tx() as db:
            db.execute(
                "UPDATE contract_items SET text = COALESCE(?, text), due = COALESCE(?, due), "
                "tentative = COALESCE(?, tentative) WHERE id = ?",
                (text, due, None if tentative is None else int(tentative), iid))

    def set_item_status(self, iid: int, status: str) -> None:
        if status not in ("draft", "approved", "deleted"):
            raise ValueError(status)
        with self.tx() as db:
            db.execute(
                "UPDATE contract_items SET status = ?, approved_at = CASE WHEN ? = 'approved' "
                "THEN datetime('now') ELSE NULL END WHERE id = ?", (status, status, iid))

    @staticmethod
    def _earlier(date: str, exclude: int | None) -> tuple[str, list[object]]:
        """SQL (on meetings `m`) for "held before the meeting `exclude` of `date`".

        Meetings are ordered by (date, id): a second meeting on the same day comes after
        the first, so a date comparison alone would skip it.
        """
        if exclude is None:
            return "m.date < ?", [date]
        return ("m.id != ? AND (m.date < ? OR (m.date = ? AND m.id < ?))",
                [exclude, date, date, exclude])

    def previous_meeting(self, circle: Circle, before_date: str,
                         exclude: int | None = None) -> Meeting | None:
        """The meeting just before (`before_date`, `exclude`), in (date, id) order."""
        where, args = self._earlier(before_date, exclude)
        row = self.db.execute(
            f"SELECT m.id FROM meetings m WHERE m.circle_id = ? AND {where} "
            "ORDER BY m.date DESC, m.id DESC LIMIT 1", [circle.id, *args]).fetchone()
        return self.meeting(row[0]) if row else None

    def open_items_before(self, circle: Circle, member_id: int, date: str,
                          exclude: int | None = None) -> list[ContractItem]:
        """The member's items from their last earlier meeting that gave them any (report-back).

        By history, not by the calendar: a meeting where the member got no item (absent,
        timekeeping only, nothing drafted) does not hide the contract from the one before.
        """
        where, args = self._earlier(date, exclude)
        row = self.db.execute(
            "SELECT m.id FROM meetings m JOIN contract_items c ON c.meeting_id = m.id "
            f"WHERE m.circle_id = ? AND c.member_id = ? AND c.status != 'deleted' AND {where} "
            "ORDER BY m.date DESC, m.id DESC LIMIT 1", [circle.id, member_id, *args]).fetchone()
        if row is None:
            return []
        return self.items(int(row[0]), member_id)

    # --- report-back ---------------------------------------------------------
    def set_report_back(self, mid: int, item_id: int, status: str, *, confirmed: bool,
                        quote: str = "") -> None:
        if status not in REPORT_STATUSES:
            raise PMCError(f"unknown status '{status}'; use one of {', '.join(REPORT_STATUSES)}")
        with self.tx() as db:
            db.execute(
                "INSERT INTO report_back (meeting_id, item_id, status, confirmed, quote) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id, item_id) DO UPDATE SET "
                "status = excluded.status, confirmed = excluded.confirmed, "
                "quote = excluded.quote", (mid, item_id, status, int(confirmed), quote))

    def report_back(self, mid: int) -> list[ReportBack]:
        rows = self.db.execute("SELECT id, meeting_id, item_id, status, confirmed, quote "
                               "FROM report_back WHERE meeting_id = ? ORDER BY id", (mid,))
        return [ReportBack(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]

    def item_report(self, item_id: int) -> ReportBack | None:
        r = self.db.execute("SELECT id, meeting_id, item_id, status, confirmed, quote "
                            "FROM report_back WHERE item_id = ? ORDER BY id DESC LIMIT 1",
                            (item_id,)).fetchone()
        return ReportBack(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) if r else None
