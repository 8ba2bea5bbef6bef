"""Query and feedback history in SQLite, redacted before it is written and purged after its retention period.

What is kept is what the board needs to improve the service: the redacted question, whether it was answered,
abstained or urgent, the corpus version, the latency, and feedback on an answer. Never raw text.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.contract import Answer
from assistant.redact import redact

SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    answer_id TEXT PRIMARY KEY, at REAL NOT NULL, channel TEXT NOT NULL, question TEXT NOT NULL,
    abstained INTEGER NOT NULL, urgent INTEGER NOT NULL, citations INTEGER NOT NULL, corpus_version TEXT NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS queries_at ON queries(at);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, answer_id TEXT NOT NULL, helpful INTEGER NOT NULL, comment TEXT,
    channel TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_at ON feedback(at);
"""


class History:
    """Thread-safe; one connection per store, WAL so several server processes can share the file."""

    def __init__(self, path: Path | None, retention_days: float, clock: Callable[[], float] = time.time) -> None:
        if retention_days <= 0:
            raise ValueError(f"retention_days must be positive, got {retention_days}")
        self.retention_s = retention_days * 86400
        self.clock = clock
        self._lock = threading.Lock()
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(target, check_same_thread=False, timeout=10)
        with self._lock:
            if path is not None:
                self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA secure_delete=ON")
            self._con.executescript(SCHEMA)

    def record_answer(self, answer: Answer, channel: str) -> None:
        with self._lock, self._con:
            self._con.execute(
                "INSERT OR REPLACE INTO queries VALUES (?,?,?,?,?,?,?,?,?)",
                (answer.answer_id, self.clock(), channel, redact(answer.question), int(answer.abstained),
                 int(answer.urgent), len(answer.citations), answer.corpus_version,
                 float(answer.timings_ms.get("total", 0.0))))

    def record_feedback(self, answer_id: str, helpful: bool, comment: str | None, channel: str) -> bool:
        """Store feedback; False when the answer is unknown (or already purged)."""
        with self._lock, self._con:
            known = self._con.execute("SELECT 1 FROM queries WHERE answer_id=?", (answer_id,)).fetchone()
            if not known:
                return False
            self._con.execute("INSERT INTO feedback (at, answer_id, helpful, comment, channel) VALUES (?,?,?,?,?)",
                              (self.clock(), answer_id, int(helpful), redact(comment) if comment else None, channel))
            return True

    def purge(self) -> int:
        """Delete everything older than the retention period; returns the rows removed."""
        cutoff = self.clock() - self.retention_s
        with self._lock:
            with self._con:
                removed = self._con.execute("DELETE FROM queries WHERE at < ?", (cutoff,)).rowcount
                removed += self._con.execute("DELETE FROM feedback WHERE at < ?", (cutoff,)).rowcount
            if removed:  # the write-ahead log still holds the rows as they were: copy the zeroed pages back
                self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def queries(self) -> list[dict]:
        with self._lock:
            cur = self._con.execute("SELECT * FROM queries ORDER BY at")
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def feedback(self) -> list[dict]:
        with self._lock:
            cur = self._con.execute("SELECT * FROM feedback ORDER BY at")
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def close(self) -> None:
        with self._lock:
            self._con.close()
