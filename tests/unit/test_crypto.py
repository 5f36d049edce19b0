"""Encryption at rest: keyinfo, SQLCipher store, sealed audio chunks, passphrase change."""

from __future__ import annotations

import hashlib
import json
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.core.audio import chunks
from assistant.core.audio import recorder as rec_mod
from assistant.core.audio.recorder import Recorder, read_chunks, recover
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto
from assistant.core.store.store import Store

RATE = 16000
BLOCK = 1600


@pytest.fixture(autouse=True)
def _no_cached_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("PMC_PASSPHRASE", raising=False)
    crypto.forget_keys()
    yield
    crypto.forget_keys()


class FakeSource:
    samplerate = RATE

    def __init__(self) -> None:
        self.callback: Callable[..., None] | None = None

    def start(self, callback: Callable[..., None]) -> None:
        self.callback = callback

    def stop(self) -> None:
        pass

    def push(self, block: np.ndarray) -> None:
        assert self.callback is not None
        self.callback(block.reshape(-1, 1), block.size, None, None)


def ramp(n: int, first: int = 0) -> np.ndarray:
    return ((np.arange(first, first + n) % 65536) - 32768).astype(np.int16)


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def digest(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.iterdir()) if p.is_file()}


# --- keyinfo -----------------------------------------------------------------------------------
def test_keyinfo_unlocks_only_with_the_passphrase(tmp_path: Path) -> None:
    keys = crypto.create(tmp_path, "correct horse")
    info = json.loads((tmp_path / "keyinfo.json").read_text())
    assert info["kdf"]["name"] == "scrypt" and info["kdf"]["n"] >= 2**14
    raw = (tmp_path / "keyinfo.json").read_bytes()
    for key in keys.data.values():
        assert key.hex().encode() not in raw and key not in raw  # only wrapped keys on disk
    assert crypto.unlock(tmp_path, "correct horse").data == keys.data
    # the same passphrase typed in another Unicode normal form still unlocks
    assert crypto.create(tmp_path / "u", "caf\u00e9").data == crypto.unlock(
        tmp_path / "u", "cafe\u0301").data
    with pytest.raises(PMCError, match="wrong passphrase") as err:
        crypto.unlock(tmp_path, "Correct horse")
    assert "\n" not in str(err.value)
    with pytest.raises(PMCError, match="already encrypted"):
        crypto.create(tmp_path, "again")


def test_damaged_keyinfo_is_one_line(tmp_path: Path) -> None:
    crypto.create(tmp_path, "pw")
    (tmp_path / "keyinfo.json").write_text("{not json")
    with pytest.raises(PMCError, match="unreadable"):
        crypto.unlock(tmp_path, "pw")


def test_passphrase_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PMCError, match="PMC_PASSPHRASE"):
        crypto.passphrase(tmp_path, isatty=lambda: False)
    with pytest.raises(PMCError, match="--no-encrypt"):
        crypto.passphrase(tmp_path, new=True, isatty=lambda: False)
    answers = iter(["one", "two"])
    monkeypatch.setattr(crypto.getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(PMCError, match="differ"):
        crypto.passphrase(tmp_path, new=True, isatty=lambda: True)
    monkeypatch.setenv("PMC_PASSPHRASE", "from-env")
    assert crypto.passphrase(tmp_path, isatty=lambda: False) == "from-env"


# --- SQLCipher store ------------------------------------------------------------------------------
def test_encrypted_store_hides_everything_and_refuses_a_wrong_key(tmp_path: Path) -> None:
    keys = crypto.create(tmp_path, "pw")
    db = tmp_path / "pmc.sqlite3"
    store = Store(db, keys.db_keys()[0])
    circle = store.create_circle("Glacier Sensors", ["Amara", "Bea"])
    with pytest.raises(PMCError, match="already a member"):  # sqlcipher errors map to sqlite3's
        store.add_member(circle, "Amara")
    m = store.create_meeting(circle, "2026-03-05", "2026-03-19", "import")
    store.add_segments(m.id, [(None, None, None, 0.0, 1.0, "the inventory of glacier sensors")])
    store.close()
    for p in tmp_path.iterdir():
        blob = p.read_bytes()
        for word in (b"glacier", b"Glacier", b"inventory", b"Amara", b"CREATE TABLE"):
            assert word not in blob, (p.name, word)
    before = digest(tmp_path)
    with pytest.raises(PMCError, match="wrong passphrase") as err:
        Store(db, b"\x01" * 32)
    assert "\n" not in str(err.value)
    assert digest(tmp_path) == before  # nothing written, no -wal/-shm left behind
    again = Store(db, keys.db_keys()[0])
    assert again.segments(m.id)[0].text == "the inventory of glacier sensors"
    again.close()


# --- sealed chunks ---------------------------------------------------------------------------
def test_sealed_frames_round_trip_and_detect_tampering(tmp_path: Path) -> None:
    cipher = crypto.create(tmp_path, "pw").cipher()
    plain = ramp(40000).tobytes()
    sealed = cipher.seal_all(plain, frame_bytes=16000)
    assert cipher.open(sealed) == (plain, len(sealed))
    assert plain[:64] not in sealed
    # torn last frame (a crash mid-write): dropped, earlier frames intact
    got, good = cipher.open(sealed[:-7])
    assert got == plain[:64000] and good < len(sealed) - 7
    # zero-filled tail after a power cut: dropped too
    assert cipher.open(sealed + b"\0" * 100)[0] == plain
    # a flipped byte in a middle frame is tampering
    bad = bytearray(sealed)
    bad[crypto.HEADER_LEN + crypto.FRAME_HEAD + 5] ^= 1
    with pytest.raises(PMCError, match="integrity"):
        cipher.open(bytes(bad))
    # swapping two frames is detected (the frame index is authenticated)
    n = crypto.FRAME_HEAD + struct.unpack(">I", sealed[32:36])[0]
    swapped = sealed[:32] + sealed[32 + n:32 + 2 * n] + sealed[32:32 + n] + sealed[32 + 2 * n:]
    with pytest.raises(PMCError):
        cipher.open(swapped)
    # another home's key cannot open it
    other = crypto.create(tmp_path / "other", "pw").cipher()
    with pytest.raises(PMCError, match="another home"):
        other.open(sealed)


def test_recorder_seals_chunks_and_recovers_them(tmp_path: Path) -> None:
    cipher = crypto.create(tmp_path, "pw").cipher()
    out = tmp_path / "audio" / "1"
    src = FakeSource()
    rec = Recorder(out, source=src, chunk_seconds=0.5, cipher=cipher)
    rec.start()
    for i in range(7):
        src.push(ramp(BLOCK, i * BLOCK))
    chunks = rec.close()
    assert [c.frames for c in chunks] == [8000, 3200]
    signal = ramp(7 * BLOCK).tobytes()
    for c in chunks:
        blob = c.path.read_bytes()
        assert crypto.is_sealed(blob) and signal[:32] not in blob and signal[-32:] not in blob
    assert recover(out, cipher=cipher) == chunks
    audio = np.concatenate([a for _, a in read_chunks(chunks, cipher=cipher)])
    assert np.array_equal(audio, ramp(7 * BLOCK) / np.float32(32768))
    with pytest.raises(PMCError, match="encrypted audio"):
        recover(out)
    with pytest.raises(PMCError, match="encrypted audio"):
        read_chunks(chunks)
    # a crash mid-write leaves a torn frame and an empty chunk: both dropped, nothing else lost
    with chunks[-1].path.open("ab") as fh:
        fh.write(struct.pack(">I", 6400 + 16) + b"\x00" * 12 + b"\x99" * 100)
    (out / "chunk-000002-000000000700.pcm").write_bytes(crypto.MAGIC[:5])
    assert recover(out, cipher=cipher) == chunks
    # a raw chunk slipped into an encrypted home is refused, not read as audio
    (out / "chunk-000003-000000000900.pcm").write_bytes(ramp(100).tobytes())
    with pytest.raises(PMCError, match="not sealed"):
        recover(out, cipher=cipher)


def test_sealed_recorder_on_a_full_disk_keeps_whole_frames(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    cipher = crypto.create(tmp_path, "pw").cipher()
    real_write = os.write
    writes = {"n": 0}

    def write(fd: int, data: Any) -> int:
        writes["n"] += 1
        if writes["n"] > 3:  # header and two frames fit, then the disk is full mid-frame
            real_write(fd, bytes(data)[:10])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(rec_mod, "FSYNC_INTERVAL", 0.0)  # a frame per block
    monkeypatch.setattr(rec_mod.os, "write", write)
    errors: list[str] = []
    src = FakeSource()
    out = tmp_path / "a"
    rec = Recorder(out, source=src, on_error=errors.append, cipher=cipher)
    rec.start()
    for i in range(6):
        src.push(ramp(BLOCK, i * BLOCK))
        time.sleep(0.05)
    wait_until(lambda: bool(errors))
    chunks = rec.close()
    monkeypatch.undo()
    assert len(errors) == 1 and "disk is full" in errors[0] and "\n" not in errors[0]
    assert len(chunks) == 1 and chunks[0].frames == 2 * BLOCK
    assert recover(out, cipher=cipher) == chunks
    audio = read_chunks(chunks, cipher=cipher)[0][1]
    assert np.array_equal(audio, ramp(2 * BLOCK) / np.float32(32768))


# --- passphrase change -------------------------------------------------------------------------
def _home_with_audio(home: Path) -> tuple[crypto.Keys, list[Path]]:
    keys = crypto.create(home, "old")
    store = Store(home / "pmc.sqlite3", keys.db_keys()[0])
    store.create_circle("Glacier", ["Amara"])
    store.close()
    paths = []
    for mid in (1, 2):
        d = home / "audio" / str(mid)
        d.mkdir(parents=True)
        p = d / "chunk-000000-000000000000.pcm"
        p.write_bytes(keys.cipher().seal_all(ramp(20000, mid).tobytes()))
        paths.append(p)
    return keys, paths


def _rekeyer(home: Path, keys: crypto.Keys) -> Callable[[list[bytes], bytes], None]:
    def rekey(candidates: list[bytes], new_key: bytes) -> None:
        s = Store(home / "pmc.sqlite3", candidates[0])
        s.db.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        s.close()
    return rekey


def test_passphrase_change_rekeys_and_reseals(tmp_path: Path) -> None:
    old, paths = _home_with_audio(tmp_path)
    new, count = crypto.rotate(tmp_path, old, "new", _rekeyer(tmp_path, old),
                               lambda c: chunks.reseal_all(c, tmp_path / "audio"))
    assert count == 2 and set(new.data).isdisjoint(old.data)
    with pytest.raises(PMCError, match="wrong passphrase"):
        crypto.unlock(tmp_path, "old")
    unlocked = crypto.unlock(tmp_path, "new")
    assert Store(tmp_path / "pmc.sqlite3", unlocked.db_keys()[0]).circles()[0].name == "Glacier"
    with pytest.raises(PMCError):
        Store(tmp_path / "pmc.sqlite3", old.db_keys()[0])
    for mid, p in zip((1, 2), paths, strict=True):
        assert unlocked.cipher().open(p.read_bytes())[0] == ramp(20000, mid).tobytes()
        with pytest.raises(PMCError):
            old.cipher().open(p.read_bytes())


def test_a_crash_during_passphrase_change_leaves_a_home_the_new_one_opens(tmp_path: Path) -> None:
    old, paths = _home_with_audio(tmp_path)

    def reseal_then_crash(c: crypto.ChunkCipher) -> int:
        # one chunk re-sealed, then the process dies before the other and the database
        p = paths[0]
        p.write_bytes(c.seal_all(c.open(p.read_bytes())[0]))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crypto.rotate(tmp_path, old, "new", _rekeyer(tmp_path, old), reseal_then_crash)
    keys = crypto.unlock(tmp_path, "new")
    opened = None
    for key in keys.db_keys():
        try:
            opened = Store(tmp_path / "pmc.sqlite3", key)
            break
        except PMCError:
            continue
    assert opened is not None and opened.circles()[0].name == "Glacier"
    for mid, p in zip((1, 2), paths, strict=True):
        assert keys.cipher().open(p.read_bytes())[0] == ramp(20000, mid).tobytes()
    # finishing the change afterwards converges on one key
    final, count = crypto.rotate(tmp_path, keys, "newer", _rekeyer(tmp_path, keys),
                                 lambda c: chunks.reseal_all(c, tmp_path / "audio"))
    assert count == 2 and len(final.data) == 1
