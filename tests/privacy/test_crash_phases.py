"""SIGKILL a real `pmc` at seeded random points of a meeting's life, in an encrypted home.

Phases: (a) a live meeting recording with live transcription (tests/privacy/live_child.py
runs the real MeetingSession on a recording played in real time), (b) transcription and
(c) drafting by `pmc meeting resume`, (d) approval by `pmc contract approve`. After every
kill: the database passes `PRAGMA integrity_check`; every item approved before the kill is
still approved with the same text; `pmc status` (the next start) says exactly what is
incomplete, checked against the database; and `pmc meeting resume` finishes the meeting
with every member drafted once, nothing duplicated.

The meeting is six real turns of the bundled demo meeting (a check-in, a report-back, four
contracts; ~40 s), in a circle whose agenda has just those segments, so every phase has
real work. The contracts are not transcribed a second time (`contract_pass = "off"`) to
keep the file within a few minutes; the kill points do not depend on it.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import time
import wave
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.core.meeting.agenda import AgendaSegment
from assistant.core.privacy import crypto
from assistant.core.store.store import Store
from assistant.services import parts
from assistant.services.resume import ACTIVE_S, fmt_audio

from .conftest import PASSPHRASE, REPO, Run

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]

RATE = 16000
DEMO = REPO / "assistant" / "demo"
CIRCLE = "Crash Circle"
MEMBERS = ["Maya", "Tom", "Lena", "Sam"]
PREVIOUS = {"Maya": "Finish the survey questions for the pilot study",
            "Tom": "Email three labs about postdoc positions",
            "Lena": "Write the results section of her paper",
            "Sam": "Submit the travel grant application"}
AGENDA = (AgendaSegment("check_in", "Check-in", 1.0, False),
          AgendaSegment("report_back", "Report-back", 1.5, False),
          AgendaSegment("contracts", "Contracts", 1.5, True))
# (index into the demo timeline, agenda position it opens) in the order played
PICK = [0, 5, 11, 12, 13, 14]  # Maya check-in, Tom report-back, the four contracts
LEAD, GAP = 0.3, 0.6
DATE = "2026-03-05"
KILLS: Counter[str] = Counter()


# --- the meeting -----------------------------------------------------------------------------

def build_meeting(tmp: Path) -> tuple[Path, Path, dict[str, tuple[float, float]]]:
    """The short meeting as a WAV, the timekeeper's plan, and where each turn lies."""
    with wave.open(str(DEMO / "demo_circle.wav")) as w:
        full = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    turns = json.loads((DEMO / "demo_circle.timeline.json").read_text())["turns"]
    pieces = [np.zeros(int(LEAD * RATE), np.int16)]
    spans: dict[str, tuple[float, float]] = {}
    t = LEAD
    for idx in PICK:
        turn = turns[idx]
        a = full[int(turn["start"] * RATE):int(turn["end"] * RATE)]
        spans[f"{turn['speaker']} {turn['segment']}"] = (t, t + a.size / RATE)
        pieces += [a, np.zeros(int(GAP * RATE), np.int16)]
        t += a.size / RATE + GAP
    audio = np.concatenate(pieces)
    wav = tmp / "meeting.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(audio.tobytes())
    # Timekeeper keys, pressed halfway through each pause: who speaks in the open
    # check-in and report-back slots, then one "next" per contracts turn.
    ends = [e for _, e in spans.values()]
    plan: list[dict[str, object]] = [{"at": 0.1, "do": "speak", "member": 0},
                                     {"at": ends[0] + GAP / 2, "do": "next"},
                                     {"at": ends[0] + GAP / 2, "do": "speak", "member": 1}]
    plan += [{"at": e + GAP / 2, "do": "next"} for e in ends[1:5]]
    path = tmp / "plan.json"
    path.write_text(json.dumps(plan))
    return wav, path, spans


def setup_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """An encrypted home: the circle, and the previous meeting's approved contracts."""
    monkeypatch.setenv(crypto.ENV, PASSPHRASE)
    store = parts.open_store()
    assert crypto.is_encrypted(home)
    circle = store.create_circle(CIRCLE, MEMBERS, AGENDA)
    before = store.create_meeting(circle, "2026-02-19", DATE, "manual", "closed")
    store.set_attendance(before.id, {m.id: True for m in store.members(circle)})
    for m in store.members(circle):
        store.add_item(before.id, m.id, PREVIOUS[m.name], due=DATE, status="approved",
                       origin="manual")
    store.close()
    monkeypatch.delenv(crypto.ENV)
    crypto.forget_keys()
    (home / "settings.toml").write_text('contract_pass = "off"\n')
    return approved_items(home)


# --- looking at the store from outside ---------------------------------------------------------

def open_store(home: Path) -> Store:
    keys = crypto.unlock(home, PASSPHRASE)
    return Store(home / "pmc.sqlite3", keys.db_keys()[0])


def approved_items(home: Path) -> dict[int, str]:
    store = open_store(home)
    try:
        return {r[0]: r[1] for r in store.db.execute(
            "SELECT id, text FROM contract_items WHERE status = 'approved'")}
    finally:
        store.close()


def drafted_names(store: Store, mid: int) -> list[str]:
    """Members with drafted items (what the report must call drafted), by agenda order."""
    rows = store.db.execute(
        "SELECT DISTINCT m.name, m.position FROM contract_items c JOIN members m "
        "ON m.id = c.member_id WHERE c.meeting_id = ? AND (c.origin IN ('llm', 'rule') OR "
        "(c.origin = 'carry' AND c.quote != '')) ORDER BY m.position", (mid,))
    return [r[0] for r in rows]


def member_items(store: Store, mid: int) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for r in store.db.execute(
            "SELECT m.name, c.id, c.text FROM contract_items c JOIN members m ON "
            "m.id = c.member_id WHERE c.meeting_id = ? ORDER BY c.id", (mid,)):
        out.setdefault(r[0], []).append((r[1], r[2]))
    return out


def recorded_seconds(home: Path, mid: int) -> float:
    """Whole samples in the meeting's sealed chunks, opened with the home's key."""
    cipher = crypto.unlock(home, PASSPHRASE).cipher()
    folder = home / "audio" / str(mid)
    frames = sum(len(cipher.open(p.read_bytes(), p.name)[0]) // 2
                 for p in folder.glob("chunk-*.pcm")) if folder.is_dir() else 0
    return frames / RATE


def expected_line(home: Path, mid: int) -> str | None:
    """What `pmc status` must say about meeting `mid`, worked out from the database."""
    store = open_store(home)
    try:
        status, date = store.db.execute("SELECT status, date FROM meetings WHERE id = ?",
                                        (mid,)).fetchone()
        head = f"meeting {mid} of {CIRCLE} ({date})"
        segments = store.db.execute("SELECT COUNT(*) FROM transcript_segments WHERE "
                                    "meeting_id = ?", (mid,)).fetchone()[0]
        if status == "open" and not segments:
            sec = recorded_seconds(home, mid)
            if not sec:
                return f"{head}: no audio recorded, not processed"
            return f"{head}: audio recorded {fmt_audio(sec)}, not transcribed"
        if status in ("open", "transcribed"):
            done = drafted_names(store, mid)
            todo = [n for n in MEMBERS if n not in done]
            return (f"{head}: transcribed, {len(done)} of {len(MEMBERS)} members drafted "
                    f"(still to draft: {', '.join(todo)})")
        items = store.items(mid)
        left = sum(1 for i in items if i.status == "draft")
        if status == "drafted" and left:
            return (f"{head}: {left} of {len(items)} items still draft "
                    f"(review with `pmc contract list {mid}`)")
        return None
    finally:
        store.close()


def after_kill(run: Run, home: Path, approved: dict[int, str], mid: int) -> str | None:
    """The checks after every kill; returns what the next start reported for `mid`."""
    store = open_store(home)
    try:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        now = {r[0]: r[1] for r in store.db.execute(
            "SELECT id, text FROM contract_items WHERE status = 'approved'")}
    finally:
        store.close()
    lost = {k: v for k, v in approved.items() if now.get(k) != v}
    assert not lost, f"approved items lost or changed: {lost}"
    lines = run("status").stdout.splitlines()
    mine = [x for x in lines if x.startswith(f"meeting {mid} ")]
    want = expected_line(home, mid)
    assert mine == ([want] if want else []), (mine, want)
    return want


# --- killing -------------------------------------------------------------------------------------

class Child:
    """A subprocess whose stderr (or stdout) lines are read as they come."""

    def __init__(self, cmd: list[str], env: dict[str, str], stream: str = "stderr") -> None:
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, text=True,
                                     cwd=REPO, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE if stream == "stderr"
                                     else subprocess.DEVNULL)
        self.out = self.proc.stderr if stream == "stderr" else self.proc.stdout
        self.lines: list[str] = []

    def wait_for(self, pred: Callable[[str], bool], timeout: float = 180) -> str | None:
        """Read lines until one satisfies `pred`; None if the child ended first."""
        assert self.out is not None
        deadline = time.monotonic() + timeout
        while True:
            ready, _, _ = select.select([self.out], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                self.proc.kill()
                pytest.fail(f"the child said nothing useful within {timeout} s: {self.lines}")
            line = self.out.readline()
            if not line:
                return None
            self.lines.append(line.rstrip("\n"))
            if pred(line):
                return line

    def kill(self) -> bool:
        """SIGKILL; True if it was still running (a real kill, not a finished process)."""
        alive = self.proc.poll() is None
        if alive:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.finish()
        return alive and self.proc.returncode == -signal.SIGKILL

    def finish(self, timeout: float = 300) -> int:
        """Wait for the end, keeping what it said meanwhile."""
        assert self.out is not None
        self.proc.wait(timeout)
        self.lines += self.out.read().splitlines()
        self.out.close()
        return self.proc.returncode


def live_child(run: Run, tmp: Path, fast: bool = False) -> Child:
    wav, plan, _ = build_meeting(tmp)
    cmd = [sys.executable, "-m", "tests.privacy.live_child", CIRCLE, str(wav), str(plan), DATE]
    return Child(cmd + (["--fast"] if fast else []), run.environ(), stream="stdout")


# --- (a) recording -------------------------------------------------------------------------------

def test_sigkill_while_recording(secret_pmc: Run, pmc_home: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch, tiny_en_dir: Path,
                                 smollm_path: Path) -> None:
    approved = setup_home(pmc_home, monkeypatch)
    _, _, spans = build_meeting(tmp_path)
    rng = random.Random(5)
    delays = [0.2] + [rng.uniform(1.0, spans["Maya contracts"][1] + 1.0) for _ in range(3)]
    meetings: list[tuple[int, float]] = []
    last_kill = time.monotonic()
    for delay in delays:
        child = live_child(secret_pmc, tmp_path)
        line = child.wait_for(lambda s: s.startswith("started "), timeout=60)
        assert line, child.lines
        mid = int(child.lines[0].split()[1])
        started = float(line.split()[1])  # CLOCK_MONOTONIC is shared by every process
        time.sleep(max(0.0, started + delay - time.monotonic()))
        elapsed = time.monotonic() - started
        assert child.kill(), "the meeting ended before it was killed"
        last_kill = time.monotonic()
        KILLS["recording"] += 1
        want = after_kill(secret_pmc, pmc_home, approved, mid)
        assert want is not None and "not" in want, want
        got = recorded_seconds(pmc_home, mid)
        # The recorder's promise (tests/audio/test_crash_recovery.py): at most the last
        # second is lost; a little more slack here for two busy cores.
        assert elapsed - 1.5 <= got <= elapsed + 0.3, (elapsed, got)
        # ...and any command that looks at the data starts by saying so, in one line.
        notice = secret_pmc("meeting", "list").stderr
        assert f"#{mid} not transcribed" in notice and notice.count("\n") == 1, notice
        meetings.append((mid, got))

    # The next start finishes them all (once their audio has been still for a moment).
    time.sleep(max(0.0, ACTIVE_S + 0.5 - (time.monotonic() - last_kill)))
    res = secret_pmc("meeting", "resume")
    for mid, got in meetings:
        assert f"meeting {mid}: " + ("drafted" if got else "no audio was recorded") \
            in res.stderr, res.stderr
    store = open_store(pmc_home)
    try:
        for mid, got in meetings:
            assert store.meeting(mid).status == "drafted"
            text = " ".join(s.text for s in store.segments(mid)).lower()
            if got > spans["Maya check_in"][1] + 0.5:
                assert "busy week" in text, text  # the recovered audio was transcribed
            if got < 0.1:
                assert not text
            for name, items in member_items(store, mid).items():
                texts = [t for _, t in items]
                assert len(texts) == len(set(texts)), (name, texts)
    finally:
        store.close()
    assert all(not x.startswith(f"meeting {mid} ") or "still draft" in x
               for x in res.stdout.splitlines() for mid, _ in meetings), res.stdout
    assert approved_items(pmc_home) == approved
    print(f"crash (recording): {KILLS['recording']} SIGKILLs survived; "
          f"recovered {', '.join(f'{g:.1f} s' for _, g in meetings)}")


# --- (b) transcription, (c) drafting, (d) approval ----------------------------------------------

def test_sigkill_while_transcribing_drafting_approving(secret_pmc: Run, pmc_home: Path,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      tiny_en_dir: Path,
                                                      smollm_path: Path) -> None:
    approved = setup_home(pmc_home, monkeypatch)
    child = live_child(secret_pmc, tmp_path, fast=True)
    assert child.wait_for(lambda s: s.startswith("ended ")), child.lines
    child.finish()
    mid = int(child.lines[0].split()[1])
    want = after_kill(secret_pmc, pmc_home, approved, mid)
    assert want and "audio recorded" in want and "not transcribed" in want, want
    rng = random.Random(11)
    resume = secret_pmc.cmd("meeting", "resume", str(mid))

    # (b) transcription: killed once the progress passes a random point
    def status() -> str:
        store = open_store(pmc_home)
        try:
            return store.meeting(mid).status
        finally:
            store.close()

    attempts = 0
    while status() == "open" and KILLS["transcription"] < 3 and attempts < 6:
        attempts += 1
        target = rng.choice([0, 10, 20, 30, 40, 50])
        c = Child(resume, secret_pmc.environ())

        def reached(line: str, target: int = target) -> bool:
            m = re.search(r"transcribing (\d+)%", line)
            return bool(m and int(m.group(1)) >= target) or "drafting" in line
        c.wait_for(reached)
        time.sleep(rng.uniform(0.0, 0.3))
        if c.kill():
            # where it died is read from the store: still 'open' = before the commit
            KILLS["transcription" if status() == "open" else "drafting"] += 1
        after_kill(secret_pmc, pmc_home, approved, mid)
    assert KILLS["transcription"] >= 2, KILLS

    # (c) drafting: killed while drafting a random member; drafted members never change
    seen: dict[str, list[tuple[int, str]]] = {}
    attempts = 0
    while KILLS["drafting"] < 4 and attempts < 8:
        attempts += 1
        c = Child(resume, secret_pmc.environ())
        k = rng.randint(1, 2)
        got = [0]

        def drafting(line: str, k: int = k, got: list[int] = got) -> bool:
            got[0] += "drafting" in line
            return got[0] >= k
        if c.wait_for(drafting) is not None:
            # Right after "drafting NAME": a member takes a fraction of a second now that the
            # model is asked only where the rules need it, and a longer wait lets the whole
            # meeting finish before the kill (CI: one drafting kill in 8 tries at 0-0.15 s).
            time.sleep(rng.uniform(0.0, 0.02))
        if c.kill():
            KILLS["drafting"] += 1
        want = after_kill(secret_pmc, pmc_home, approved, mid)
        store = open_store(pmc_home)
        try:
            now = member_items(store, mid)
        finally:
            store.close()
        for name, items in seen.items():
            assert now.get(name) == items, f"{name} was drafted again: {items} -> {now.get(name)}"
        seen = now
        if want is None or "still draft" in want:
            break  # it finished before the kill
    # Drafting now takes well under a second per member, so the second try mostly finds it
    # finished; one kill in it is what this phase must prove.
    assert KILLS["drafting"] >= 1, KILLS

    res = secret_pmc("meeting", "resume", str(mid))
    store = open_store(pmc_home)
    try:
        assert store.meeting(mid).status == "drafted"
        final = member_items(store, mid)
        drafts = [i for i in store.items(mid) if i.status == "draft"]
        assert drafted_names(store, mid) == MEMBERS, final  # everyone said a contract
    finally:
        store.close()
    for name, items in seen.items():
        assert final[name] == items, f"{name} was drafted again"
    for name, items in final.items():
        texts = [t for _, t in items]
        assert len(texts) == len(set(texts)), (name, texts)
    assert res.stdout.splitlines() == [expected_line(pmc_home, mid)], res.stdout
    assert f"{len(drafts)} of {len(drafts)} items still draft" in res.stdout

    # (d) approval: `pmc contract approve` killed at random moments of its run
    t = time.monotonic()
    first = drafts.pop(0)
    secret_pmc("contract", "approve", str(first.id), "--text", first.text + " (agreed)")
    approve_s = time.monotonic() - t
    approved[first.id] = first.text + " (agreed)"
    assert approved_items(pmc_home) == approved
    queue = [drafts[i:i + 2] for i in range(0, len(drafts), 2)]
    rounds = 0
    while queue and rounds < 12:
        rounds += 1
        batch = queue.pop(0)
        ids = [str(i.id) for i in batch]
        edit = len(batch) == 1 or rng.random() < 0.5
        new_text = f"{batch[0].text} (round {rounds})"
        args = ["contract", "approve", *ids] + (["--text", new_text] if edit else [])
        c = Child(secret_pmc.cmd(*args), secret_pmc.environ())
        time.sleep(rng.uniform(0.3, 1.1) * approve_s)
        killed = c.kill()
        KILLS["approval"] += killed
        after_kill(secret_pmc, pmc_home, approved, mid)
        store = open_store(pmc_home)
        try:
            states = [store.item(i.id) for i in batch]
        finally:
            store.close()
        done = [s.status == "approved" for s in states]
        assert all(done) or not any(done), states  # one command, one transaction
        if all(done):
            for s, old in zip(states, batch, strict=True):
                assert s.text == (new_text if edit else old.text), s
                approved[s.id] = s.text
        else:
            assert [s.text for s in states] == [i.text for i in batch], states
            queue.append(batch)  # try again later
    assert KILLS["approval"] >= 2, KILLS
    for batch in queue:
        secret_pmc("contract", "approve", *[str(i.id) for i in batch])
        approved.update({i.id: i.text for i in batch})
    assert approved_items(pmc_home) == approved
    assert secret_pmc("status").stdout == "nothing is incomplete\n"
    print(f"crash (transcription, drafting, approval): {KILLS['transcription']} + "
          f"{KILLS['drafting']} + {KILLS['approval']} SIGKILLs survived")


def teardown_module() -> None:
    print(f"crash phases: {sum(KILLS.values())} SIGKILLs survived ({dict(KILLS)})")
