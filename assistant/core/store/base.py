"""What every part of the Store shares: its one connection, its lock and its transaction.

The Store (assistant/core/store/store.py) is assembled from parts by subject (audio
listing, privacy); each part is a mixin over `StorePart`, which only declares what the
Store itself provides, so a part can be read without the rest.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager


class StorePart:
    db: sqlite3.Connection
    # Serialises the connection across threads: workers write while the UI reads.
    _lock: threading.RLock

    def tx(self) -> AbstractContextManager[sqlite3.Connection]:
        """A transaction; nested calls join the outermost one (see `Store.tx`)."""
        raise NotImplementedError
