"""The event ledger: each Slack event id recorded the moment it arrives, so an event is answered at most once.

Slack re-sends an event it thinks was not acknowledged (HTTP: `X-Slack-Retry-Num`; Socket Mode:
`retry_attempt`), up to three times over about five minutes, always with the same `event_id`. Recording the id
on arrival, before the answer is even started, means:

* a retry that lands while the first delivery is still being answered is acknowledged and dropped;
* a retry whose original never reached us is the first arrival, so it is answered (once);
* several workers or processes sharing the file agree, because the check is one `INSERT OR IGNORE` in a
  write transaction (SQLite WAL, busy timeout), not a lookup followed by a write.

Only event ids and times are stored, never text. Entries older than `ttl_seconds` (an hour by default, well past
Slack's last retry) are purged on each arrival.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

_BUSY_TIMEOUT_MS = 10_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_at ON events (at);
"""


class EventLedger:
    """Event ids seen, in SQLite (`path` None: an in-memory database for this process only)."""

    def __init__(self, path: Path | str | None = None, ttl_seconds: float = 3600.0,
                 clock: Callable[[], float] = time.time) -> None:
        if not ttl_seconds > 0:
            raise ValueError(f"ttl_seconds must be greater than 0, got {ttl_seconds!r}")
        self.path = Path(path) if path is not None else None
        self.ttl_seconds = float(ttl_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            target = ":memory:"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            target = str(self.path)
        conn = sqlite3.connect(target, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        if self.path is not None:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                conn.close()
                raise RuntimeError(f"{self.path}: SQLite refused WAL mode ({mode}); put the Slack event ledger "
                                   "on a local file system")
        conn.executescript(_SCHEMA)
        return conn

    def first_arrival(self, event_id: str) -> bool:
        """Record `event_id` now; True when this is its first arrival, False when it was already recorded."""
        if not isinstance(event_id, str) or not event_id or len(event_id) > 255:
            raise ValueError(f"event_id must be a non-empty string of at most 255 characters, got {event_id!r:.60}")
        now = self._clock()
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM events WHERE at < ?", (now - self.ttl_seconds,))
                inserted = conn.execute("INSERT OR IGNORE INTO events (event_id, at) VALUES (?, ?)",
                                        (event_id, now)).rowcount
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return inserted == 1

    def purge(self) -> int:
        """Delete entries older than `ttl_seconds`; returns how many were deleted."""
        with self._lock:
            return self._conn.execute("DELETE FROM events WHERE at < ?",
                                      (self._clock() - self.ttl_seconds,)).rowcount

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EventLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
