"""Changing the passphrase of an encrypted home: new data key, database re-keyed, audio re-sealed.

The passphrases come from PMC_PASSPHRASE / PMC_NEW_PASSPHRASE or a prompt
(crypto.passphrase); `crypto.rotate` orders the steps so that a crash between them
leaves every key still in use listed in keyinfo.
"""

from __future__ import annotations

from assistant.core import locations
from assistant.core.audio import chunks
from assistant.core.errors import PMCError
from assistant.core.privacy import crypto
from assistant.services import parts


def change_passphrase() -> int:
    """Re-key the home under a new passphrase; returns how many audio chunks were re-sealed."""
    home = locations.home()
    if not crypto.is_encrypted(home):
        raise PMCError(f"{home} is not encrypted, so it has no passphrase to change")
    old = crypto.unlock(home, crypto.passphrase(home, what="current passphrase"))
    new = crypto.passphrase(home, new=True, what="new passphrase", env="PMC_NEW_PASSPHRASE")
    store = parts.unlock_store(old)

    def rekey(_candidates: list[bytes], new_key: bytes) -> None:
        store.rekey(new_key)  # old-key pages do not linger in the WAL file

    try:
        _keys, count = crypto.rotate(home, old, new, rekey, chunks.reseal_all)
    finally:
        store.close()
    return count
