"""Conversations: the last few turns of a `conversation_id`, so a follow-up can lean on the turn before.

What is kept is only what resolving a follow-up needs: the standalone (already redacted) question, a short
topic phrase, the reporting period, the area and the time. Never the answer, never the user. A conversation
idle for longer than `idle_seconds` is deleted outright: its rows are removed with SQLite's `secure_delete`
(freed pages are overwritten with zeros) and, on a file database, the write-ahead log is checkpointed and
truncated, so no raw text stays on disk beyond the idle time. Expired conversations go on the next call to
`append`, `recent` or `purge`; a server that can sit without requests should also call `purge()` on a timer.

One SQLite connection guarded by a lock serves every thread of a process; file databases use WAL and a busy
timeout so several server processes can share one file.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_ID = re.compile(r"[A-Za-z0-9_-]{8,128}")
_BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id          TEXT PRIMARY KEY,
    last_active REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_last_active ON conversations (last_active);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    question        TEXT NOT NULL,
    topic           TEXT,
    period          TEXT,
    area            TEXT,
    at              REAL NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
"""


@dataclass(frozen=True)
class Turn:
    """One answered question, as a follow-up needs it.

    `question` is the standalone, resolved question text; `topic` a short topic phrase (e.g. the section title
    of the top citation); `period` the reporting period the answer used ("2016/17"); `area` e.g. "Redbridge"
    or "National"; `at` epoch seconds.
    """

    question: str
    topic: str | None
    period: str | None
    area: str | None
    at: float


class ConversationStore:
    """Recent turns per conversation id in SQLite (`path` None: an in-memory database for this process)."""

    def __init__(self, path: Path | None, idle_seconds: float, max_turns: int = 6,
                 clock: Callable[[], float] = time.time) -> None:
        if not idle_seconds > 0:
            raise ValueError(f"idle_seconds must be greater than 0, got {idle_seconds!r}")
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
            raise ValueError(f"max_turns must be a whole number of at least 1, got {max_turns!r}")
        self.path = Path(path) if path is not None else None
        self.idle_seconds = float(idle_seconds)
        self.max_turns = max_turns
        self._clock = clock
        self._lock = threading.Lock()
        self._scrub_pending = False
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            target = ":memory:"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Created owner-only: the questions may concern children even after redaction.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            target = str(self.path)
        conn = sqlite3.connect(target, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA secure_delete = ON")
        if self.path is not None:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                conn.close()
                raise RuntimeError(f"{self.path}: SQLite refused WAL mode ({mode}); put the conversation "
                                   "database on a local file system")
        conn.executescript(_SCHEMA)  # idempotent; each statement commits on its own
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (BEGIN IMMEDIATE) so processes queue instead of deadlocking."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @staticmethod
    def new_id() -> str:
        """A fresh, unguessable conversation id (32 URL-safe characters)."""
        return secrets.token_urlsafe(24)

    def recent(self, conversation_id: str) -> list[Turn]:
        """The kept turns, oldest first; [] for an unknown or expired conversation (which is deleted)."""
        _check_id(conversation_id)
        with self._write() as conn:
            deleted = self._purge(conn)
            rows = conn.execute("SELECT question, topic, period, area, at FROM turns WHERE conversation_id = ? "
                                "ORDER BY seq", (conversation_id,)).fetchall()
        self._scrub(deleted)
        return [Turn(*row) for row in rows]

    def append(self, conversation_id: str, turn: Turn) -> None:
        """Add a turn, keep only the last `max_turns`, mark the conversation active, purge expired ones."""
        _check_id(conversation_id)
        if not isinstance(turn, Turn) or not isinstance(turn.question, str) or not turn.question.strip():
            raise ValueError("turn must be a Turn with a non-empty question")
        now = self._clock()
        with self._write() as conn:
            deleted = self._purge(conn)
            (last,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM turns WHERE conversation_id = ?",
                                   (conversation_id,)).fetchone()
            conn.execute("INSERT INTO turns (conversation_id, seq, question, topic, period, area, at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (conversation_id, last + 1, turn.question, turn.topic, turn.period, turn.area, turn.at))
            conn.execute("DELETE FROM turns WHERE conversation_id = ? AND seq <= ?",
                         (conversation_id, last + 1 - self.max_turns))
            conn.execute("INSERT INTO conversations (id, last_active) VALUES (?, ?) "
                         "ON CONFLICT (id) DO UPDATE SET last_active = MAX(last_active, excluded.last_active)",
                         (conversation_id, now))
        self._scrub(deleted)

    def purge(self) -> int:
        """Delete every conversation idle for longer than `idle_seconds`; returns how many were deleted."""
        with self._write() as conn:
            deleted = self._purge(conn)
        self._scrub(deleted)
        return deleted

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = self._clock() - self.idle_seconds
        conn.execute("DELETE FROM turns WHERE conversation_id IN "
                     "(SELECT id FROM conversations WHERE last_active < ?)", (cutoff,))
        return conn.execute("DELETE FROM conversations WHERE last_active < ?", (cutoff,)).rowcount

    def _scrub(self, deleted: int) -> None:
        """After a delete on a file database, copy the zeroed pages into it and truncate the write-ahead log
        (which still holds the text as it was). A reader in another process can hold the log open: then the
        next call tries again."""
        if self.path is None or not (deleted or self._scrub_pending):
            return
        with self._lock:
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            self._scrub_pending = bool(busy)


def _check_id(conversation_id: object) -> None:
    if not isinstance(conversation_id, str) or not _ID.fullmatch(conversation_id):
        shown = repr(conversation_id) if len(repr(conversation_id)) <= 40 else repr(conversation_id)[:37] + "..."
        raise ValueError(f"invalid conversation id {shown}: use 8 to 128 URL-safe characters (A-Z, a-z, 0-9, "
                         "'-', '_'), such as one from ConversationStore.new_id()")
