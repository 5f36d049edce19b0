"""Encryption at rest, proven on a real meeting; SIGKILL during import never corrupts.

An encrypted home (PMC_PASSPHRASE set) imports the shared scripted meeting and records
some of it through the Recorder; then no distinctive word of its transcript or contracts
appears in the raw bytes of any file under PMC_HOME, WAL and shared-memory files included.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.core.audio.recorder import FileSource, Recorder, read_chunks, recover
from assistant.core.privacy import crypto
from assistant.core.store.store import Store

from .conftest import PASSPHRASE, Run

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]

WORDS = [b"glacier", b"sensor", b"inventory", b"amara", b"dolores", b"rising geoscientists",
         b"grant proposal", b"conference abstract"]


def _setup(run: Run, dev1: dict[str, Path]) -> dict[str, object]:
    script = json.loads(dev1["script"].read_text())
    args = ["circle", "create", script["circle"]]
    for m in script["members"]:
        args += ["--member", m["name"]]
    run(*args)
    for member, items in script["previous_contracts"].items():
        for text in items:
            run("contract", "add", "--circle", script["circle"], "--member", member,
                "--date", "2026-02-19", text)
    return script


def _import_args(script: dict[str, object], dev1: dict[str, Path]) -> list[str]:
    return ["meeting", "import", str(dev1["audio"]), "--circle", str(script["circle"]),
            "--timeline", str(dev1["timeline"]), "--date", str(script["meeting_date"])]


def _open(home: Path) -> Store:
    keys = crypto.unlock(home, PASSPHRASE)
    for key in keys.db_keys():
        try:
            return Store(home / "pmc.sqlite3", key)
        except Exception:
            continue
    raise AssertionError("no key opens the database")


def _digest(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file()}


def test_no_word_of_the_meeting_is_on_disk(secret_pmc: Run, pmc_home: Path, dev1,  # type: ignore[no-untyped-def]
                                           tiny_en_dir: Path, smollm_path: Path) -> None:
    script = _setup(secret_pmc, dev1)
    assert crypto.is_encrypted(pmc_home)
    mid = int(secret_pmc(*_import_args(script, dev1)).stdout.strip().splitlines()[-1])
    recap = secret_pmc("recap", str(mid)).stdout.lower()
    shown = secret_pmc("meeting", "show", str(mid)).stdout.lower()
    # the words are really in this meeting's contracts and transcript...
    assert "glacier" in recap and "sensor" in shown and "inventory" in shown
    # ...and audio of it is recorded into the home, sealed
    cipher = crypto.unlock(pmc_home, PASSPHRASE).cipher()
    out = pmc_home / "audio" / str(mid)
    src = FileSource(dev1["audio"], realtime=False)
    rec = Recorder(out, source=src, chunk_seconds=10.0, cipher=cipher)
    rec.start()
    src.wait(120)
    chunks = rec.close()
    assert recover(out, cipher=cipher) == chunks and len(chunks) >= 10
    pcm = (src.data[16000 * 30:16000 * 30 + 64]).astype("<i2").tobytes()
    assert np.array_equal(np.concatenate([a for _, a in read_chunks(chunks, cipher=cipher)]),
                          src.data.astype(np.float32) / 32768)
    # a store held open with an uncheckpointed write: the WAL and -shm exist while we scan
    store = _open(pmc_home)
    store.add_segments(mid, [(None, None, None, 0.0, 1.0, "glacier sensor inventory again")])
    try:
        files = [p for p in pmc_home.rglob("*") if p.is_file()]
        names = {p.name for p in files}
        assert "pmc.sqlite3-wal" in names and "pmc.sqlite3-shm" in names, names
        for p in files:
            blob = p.read_bytes().lower()
            for word in WORDS:
                assert word not in blob, (p.name, word)
            assert pcm not in blob, p.name
        print(f"encryption: scanned {len(files)} files, {sum(p.stat().st_size for p in files)}"
              f" bytes, for {len(WORDS)} words and raw audio")
    finally:
        store.close()

    # a wrong passphrase: exit 2, one line, not a byte changed
    before = _digest(pmc_home)
    res = secret_pmc("meeting", "list", check=False, PMC_PASSPHRASE="wrong passphrase")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "wrong passphrase" in res.stderr, res.stderr
    assert _digest(pmc_home) == before
    # nor does a missing one prompt or hang: one line
    res = Run(pmc_home)("circle", "list", check=False)
    assert res.returncode == 2 and "PMC_PASSPHRASE" in res.stderr
    assert res.stderr.count("\n") == 1
    # a passphrase change re-keys and re-seals without re-recording
    res = secret_pmc("passphrase", "change", PMC_NEW_PASSPHRASE="another one")
    assert f"{len(chunks)} audio chunks re-sealed" in res.stdout
    assert secret_pmc("meeting", "list", check=False).returncode == 2
    assert str(mid) in secret_pmc("meeting", "list", PMC_PASSPHRASE="another one").stdout
    crypto.forget_keys()
    new = crypto.unlock(pmc_home, "another one").cipher()
    assert np.array_equal(np.concatenate([a for _, a in read_chunks(chunks, cipher=new)]),
                          src.data.astype(np.float32) / 32768)


def test_sigkill_during_import_loses_nothing_approved(secret_pmc: Run, pmc_home: Path, dev1,  # type: ignore[no-untyped-def]
                                                      tiny_en_dir: Path,
                                                      smollm_path: Path) -> None:
    script = _setup(secret_pmc, dev1)
    store = _open(pmc_home)
    approved = sorted((i.id, i.text) for c in store.circles() for m in store.meetings(c)
                      for i in store.items(m.id) if i.status == "approved")
    store.close()
    assert len(approved) >= 5
    kills = completed = 0
    for seed in range(4):
        delay = random.Random(seed).uniform(0.5, 75.0)
        proc = subprocess.Popen(secret_pmc.cmd(*_import_args(script, dev1)),
                                env=secret_pmc.environ(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
            completed += 1
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
        store = _open(pmc_home)
        try:
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            now = sorted((i.id, i.text) for c in store.circles() for m in store.meetings(c)
                         for i in store.items(m.id) if i.status == "approved")
            assert now == approved, seed
            # an import is all or nothing: every imported meeting is complete
            for c in store.circles():
                for m in store.meetings(c):
                    if m.source == "import":
                        assert m.status == "drafted" and store.segments(m.id), m
                        assert len(store.items(m.id)) > 0
            imported = sum(1 for c in store.circles() for m in store.meetings(c)
                           if m.source == "import")
            assert imported == completed, (imported, completed)
        finally:
            store.close()
    print(f"crash: {kills} SIGKILLs survived, {completed} imports completed")
    assert kills >= 1
    # the stdlib sqlite3 cannot read the encrypted file at all
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(pmc_home / "pmc.sqlite3").execute("SELECT * FROM circles").fetchall()
    time.sleep(0)
