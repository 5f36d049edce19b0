"""Encryption at rest: keys for a PMC_HOME, and sealed audio chunk frames.

A home is encrypted when `PMC_HOME/keyinfo.json` exists. That small file is not
secret: it holds the scrypt parameters and salt, and the home's random 256-bit
data keys, each wrapped (AES-GCM) with the key derived from the passphrase. A
wrong passphrase fails to unwrap, so it is detected before the database or any
audio file is even opened. From a data key two subkeys are derived (HKDF): one
is SQLCipher's raw key for the database, the other seals the audio chunks.

Changing the passphrase makes a new data key too: the database is re-keyed
(`PRAGMA rekey`) and every audio chunk re-sealed. Each step is atomic and the
keyinfo file lists every data key still in use, so a crash at any point leaves a
home that the new passphrase opens completely.

Sealed chunk file: a 32-byte header (magic with version, key id, random file id),
then frames of `length (4 bytes, big-endian) | nonce (12) | AES-GCM ciphertext`.
Each frame's associated data is the header plus the frame's index, so frames
cannot be moved between files or reordered unnoticed. A torn last frame (a crash
mid-write) is dropped; a bad frame anywhere else is tampering or the wrong key.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import secrets
import struct
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.errors import PMCError

KEYINFO = "keyinfo.json"
ENV = "PMC_PASSPHRASE"
KEYRING_SERVICE = "circle-assistant"
# scrypt at n=2**15, r=8 needs 32 MiB and ~0.1 s per guess on this class of machine.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MAGIC = b"PMCSEAL\x01"  # last byte: format version
HEADER_LEN = len(MAGIC) + 8 + 16  # magic, key id, file id
FRAME_HEAD = 4 + 12  # length, nonce
MAX_FRAME = 1 << 24  # a length beyond this is garbage, not audio


def _kdf(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # NFC so the same passphrase typed on two keyboards derives the same key.
    data = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def _subkey(data_key: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"circle-assistant " + purpose).derive(data_key)


def _aead(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


@dataclass
class Keys:
    """The unlocked data keys of one home: `current` seals new data; any opens old data."""

    data: dict[str, bytes]  # key id (hex) -> data key
    current: str
    db: str  # the key id the database is believed to be keyed with

    def db_keys(self) -> list[bytes]:
        """SQLCipher keys to try, the recorded one first (a crash may have left another)."""
        order = [self.db] + [k for k in self.data if k != self.db]
        return [_subkey(self.data[k], b"sqlcipher") for k in order if k in self.data]

    def cipher(self) -> ChunkCipher:
        return ChunkCipher({bytes.fromhex(k): _subkey(v, b"audio") for k, v in self.data.items()},
                           bytes.fromhex(self.current))


@dataclass
class ChunkCipher:
    """Seals audio chunk frames with the current key; opens frames sealed with any known key."""

    keys: dict[bytes, bytes]  # key id (8 bytes) -> audio key
    current: bytes
    _aeads: dict[bytes, Any] = field(default_factory=dict, repr=False)

    def _get(self, key_id: bytes) -> Any:
        if key_id not in self.keys:
            raise PMCError("an audio chunk was sealed with a key this home does not hold; "
                           "was it copied from another home?")
        if key_id not in self._aeads:
            self._aeads[key_id] = _aead(self.keys[key_id])
        return self._aeads[key_id]

    def header(self) -> bytes:
        return MAGIC + self.current + secrets.token_bytes(16)

    def seal(self, header: bytes, index: int, plain: bytes) -> bytes:
        nonce = secrets.token_bytes(12)  # random 96-bit nonces: safe far beyond 2**32 frames
        ct = self._get(header[8:16]).encrypt(nonce, plain, header + struct.pack(">Q", index))
        return struct.pack(">I", len(ct)) + nonce + ct

    def open(self, data: bytes, name: str = "audio chunk") -> tuple[bytes, int]:
        """(plaintext of every whole frame, bytes of the file they span).

        A file shorter than the header, or a last frame cut short or failing to
        authenticate, is what a crash leaves: it is dropped. Any other bad frame raises.
        """
        from cryptography.exceptions import InvalidTag

        if len(data) < HEADER_LEN:
            return b"", 0
        header = data[:HEADER_LEN]
        if header[:8] != MAGIC:
            raise PMCError(f"{name} is not a sealed audio chunk of this version")
        aead = self._get(header[8:16])
        out, pos, index = [], HEADER_LEN, 0
        while pos + FRAME_HEAD <= len(data):
            (length,) = struct.unpack(">I", data[pos:pos + 4])
            end = pos + FRAME_HEAD + length
            if not data[pos:].strip(b"\0"):
                break  # a zero-filled tail: blocks allocated but never written before a crash
            if end > len(data) and length <= MAX_FRAME:
                break  # torn last frame
            if length < 16 or length > MAX_FRAME:
                raise PMCError(f"{name} is damaged at byte {pos}; it was changed outside pmc")
            nonce = data[pos + 4:pos + FRAME_HEAD]
            try:
                out.append(aead.decrypt(nonce, data[pos + FRAME_HEAD:end],
                                        header + struct.pack(">Q", index)))
            except InvalidTag:
                if end == len(data):
                    break  # a last frame whose bytes never fully reached the disk
                raise PMCError(f"{name} failed its integrity check (frame {index}); it was "
                               "changed outside pmc or belongs to another home") from None
            pos, index = end, index + 1
        return b"".join(out), pos

    def seal_all(self, plain: bytes, frame_bytes: int = 32000) -> bytes:
        """A whole sealed file for `plain` (re-sealing after a passphrase change)."""
        header = self.header()
        frames = [self.seal(header, i, plain[o:o + frame_bytes])
                  for i, o in enumerate(range(0, len(plain), frame_bytes))]
        return header + b"".join(frames)


def is_sealed(head: bytes) -> bool:
    return head[:8] == MAGIC


# --- keyinfo.json -------------------------------------------------------------------------------
def keyinfo_path(home: Path) -> Path:
    return Path(home) / KEYINFO


def is_encrypted(home: Path) -> bool:
    return keyinfo_path(home).exists()


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (owner-only): a crash leaves the old file or the
    new one, never a mix. Written beside it, fsynced, renamed over it, directory fsynced."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)  # the rename itself must survive a power cut
    finally:
        os.close(dfd)


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    replace_file(path, json.dumps(data, indent=1).encode("utf-8"))


def _wrap(kek: bytes, key_id: str, data_key: bytes) -> str:
    nonce = secrets.token_bytes(12)
    return (nonce + _aead(kek).encrypt(nonce, data_key, b"pmc-key:" + key_id.encode())).hex()


def _save(home: Path, passphrase: str, keys: Keys) -> None:
    salt = secrets.token_bytes(16)
    kek = _kdf(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    _write_atomic(keyinfo_path(home), {
        "version": 1,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()},
        "keys": [{"id": k, "wrapped": _wrap(kek, k, v)} for k, v in keys.data.items()],
        "current": keys.current,
        "db": keys.db,
    })


def create(home: Path, passphrase: str) -> Keys:
    """Make a new home's keys and write keyinfo.json (refuses to replace one)."""
    if not passphrase:
        raise PMCError("the passphrase is empty; choose one (or use --no-encrypt)")
    if is_encrypted(home):
        raise PMCError(f"{keyinfo_path(home)} already exists; this home is already encrypted")
    key_id = secrets.token_hex(8)
    keys = Keys({key_id: secrets.token_bytes(32)}, key_id, key_id)
    Path(home).mkdir(parents=True, exist_ok=True, mode=0o700)
    _save(home, passphrase, keys)
    _unlocked[str(Path(home).resolve())] = keys
    return keys


def unlock(home: Path, passphrase: str) -> Keys:
    """The home's keys; a wrong passphrase is one PMCError line and touches nothing."""
    from cryptography.exceptions import InvalidTag

    path = keyinfo_path(home)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        kdf = info["kdf"]
        if kdf["name"] != "scrypt" or info.get("version") != 1:
            raise ValueError(kdf["name"])
        kek = _kdf(passphrase, bytes.fromhex(kdf["salt"]), int(kdf["n"]), int(kdf["r"]),
                   int(kdf["p"]))
        data = {}
        for entry in info["keys"]:
            blob = bytes.fromhex(entry["wrapped"])
            data[entry["id"]] = _aead(kek).decrypt(blob[:12], blob[12:],
                                                   b"pmc-key:" + entry["id"].encode())
        keys = Keys(data, info["current"], info["db"])
    except InvalidTag:
        raise PMCError(f"wrong passphrase for PMC_HOME {home}; nothing was opened or changed "
                       f"(set {ENV} or type it again)") from None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, MemoryError) as exc:
        raise PMCError(f"{path} is unreadable ({exc.__class__.__name__}); without it the "
                       "encrypted home cannot be opened: restore it from a backup") from None
    if keys.current not in keys.data or not data:
        raise PMCError(f"{path} is inconsistent; restore it from a backup")
    return keys


# --- passphrases ---------------------------------------------------------------------------------
def _keyring_get(home: Path) -> str | None:
    """The passphrase from the OS keyring, when the optional `keyring` package has one."""
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, str(Path(home).resolve()))
    except Exception:  # no keyring package or no backend: the passphrase is asked for instead
        return None
    return str(value) if value else None


def passphrase(home: Path, *, new: bool = False, what: str = "passphrase",
               env: str = ENV, isatty: Callable[[], bool] | None = None) -> str:
    """From `env`, the OS keyring, or a prompt on a terminal (asked twice when new)."""
    value = os.environ.get(env)
    if value:
        return value
    if not new:
        value = _keyring_get(home)
        if value:
            return value
    tty = isatty() if isatty is not None else sys.stdin.isatty()
    if not tty:
        raise PMCError(f"this home is encrypted and needs its {what}: set {env} or run in a "
                       "terminal" if not new else
                       f"a new encrypted home needs a {what}: set {env}, run in a terminal, "
                       "or pass --no-encrypt")
    value = getpass.getpass(f"{what} for {home}: ")
    if new and getpass.getpass(f"{what} again: ") != value:
        raise PMCError("the two passphrases differ; nothing was changed")
    if not value:
        raise PMCError("the passphrase is empty; nothing was changed")
    return value


_unlocked: dict[str, Keys] = {}


def keys_for(home: Path) -> Keys | None:
    """The unlocked keys of an encrypted home (asking for the passphrase once per process)."""
    if not is_encrypted(home):
        return None
    k = str(Path(home).resolve())
    if k not in _unlocked:
        _unlocked[k] = unlock(home, passphrase(home))
    return _unlocked[k]


def forget_keys() -> None:
    """Drop unlocked keys from this process (tests, and after a passphrase change)."""
    _unlocked.clear()


def rotate(home: Path, old: Keys, new_passphrase: str,
           rekey_db: Callable[[list[bytes], bytes], None],
           reseal: Callable[[ChunkCipher], int]) -> tuple[Keys, int]:
    """Change the passphrase and the data key; returns the new keys and chunks re-sealed.

    1. keyinfo lists the old and the new data key under the new passphrase (atomic);
    2. every chunk is re-sealed with the new key (each file replaced atomically);
    3. the database is re-keyed, and keyinfo records it;
    4. keyinfo drops the old key. A crash between steps leaves every key still in use listed.
    """
    if not new_passphrase:
        raise PMCError("the new passphrase is empty; nothing was changed")
    new_id = secrets.token_hex(8)
    both = Keys({**old.data, new_id: secrets.token_bytes(32)}, new_id, old.db)
    _save(home, new_passphrase, both)
    _unlocked[str(Path(home).resolve())] = both
    count = reseal(both.cipher())
    new_db = _subkey(both.data[new_id], b"sqlcipher")
    rekey_db(both.db_keys(), new_db)
    both = Keys(both.data, new_id, new_id)
    _save(home, new_passphrase, both)
    final = Keys({new_id: both.data[new_id]}, new_id, new_id)
    _save(home, new_passphrase, final)
    _unlocked[str(Path(home).resolve())] = final
    return final, count


def home_cipher(home: Path | None = None) -> ChunkCipher | None:
    """The audio cipher of `home` (default PMC_HOME), or None when it is not encrypted."""
    from assistant.core import locations

    keys = keys_for(home if home is not None else locations.home())
    return keys.cipher() if keys is not None else None
