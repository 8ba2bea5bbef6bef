"""Retention: history older than `history_retention_days` and conversations idle longer than their limit are
deleted, rows and bytes, on their own schedule (History.purge, ConversationStore.purge, Services.housekeeping).

Time is an injected clock. Each record carries a marker word the redactor keeps, so the raw files (main
database, -wal, -shm) can be searched for it after the purge: SQLite's secure_delete zeroes freed cells, but the
write-ahead log still holds the page as it was until a checkpoint copies the zeroed page back and truncates it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from assistant.api.services import Services
from assistant.contract import Answer
from assistant.conversation import ConversationStore, Turn
from assistant.history import History
from conftest import make_settings
from index.embedder import HashingEmbedder

DAY = 86_400.0
START = 1_700_000_000.0


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def answer(question: str) -> Answer:
    return Answer(question=question, answer="An answer [1]", abstained=False, urgent=False, corpus_version="v1",
                  answer_id=uuid.uuid4().hex, timings_ms={"total": 12.0})


def raw_hits(folder: Path, marker: str) -> list[str]:
    """Files under `folder` whose raw bytes hold `marker`."""
    return sorted(p.name for p in folder.iterdir() if p.is_file() and marker.encode() in p.read_bytes())


def fill_history(history: History, clock: Clock, retention_days: float) -> tuple[list[str], list[str]]:
    """Old records (past retention by a minute) and new ones (a minute inside it); returns their answer ids."""
    old, new = [], []
    clock.now = START
    for k in range(5):
        a = answer(f"how do I refer a zanzibarquokka{k} case to MASH?")
        history.record_answer(a, "web")
        assert history.record_feedback(a.answer_id, False, f"comment quokkafeedback{k} was wrong", "web")
        old.append(a.answer_id)
    clock.now = START + 120
    for k in range(3):
        a = answer(f"what is the walrusplanning{k} threshold?")
        history.record_answer(a, "slack")
        assert history.record_feedback(a.answer_id, True, f"walruscomment{k} helpful", "slack")
        new.append(a.answer_id)
    clock.now = START + retention_days * DAY + 60  # old ones are a minute past retention, new ones a minute inside
    return old, new


def test_history_purge_deletes_rows_past_retention_and_keeps_newer(tmp_path):
    clock = Clock()
    history = History(tmp_path / "history.sqlite", retention_days=30, clock=clock)
    old, new = fill_history(history, clock, 30)
    assert history.purge() == 10  # five questions and their five comments
    assert [q["answer_id"] for q in history.queries()] == new
    assert [f["answer_id"] for f in history.feedback()] == new
    assert history.purge() == 0
    assert not history.record_feedback(old[0], True, None, "web")  # feedback on a purged answer is refused
    history.close()


def test_purged_history_is_gone_from_the_files_once_closed(tmp_path):
    clock = Clock()
    history = History(tmp_path / "history.sqlite", retention_days=30, clock=clock)
    fill_history(history, clock, 30)
    history.purge()
    history.close()
    assert raw_hits(tmp_path, "zanzibarquokka") == [] and raw_hits(tmp_path, "quokkafeedback") == []
    assert raw_hits(tmp_path, "walrusplanning") == ["history.sqlite"]


def test_purged_history_is_gone_from_the_files_while_the_service_runs(tmp_path):
    clock = Clock()
    history = History(tmp_path / "history.sqlite", retention_days=30, clock=clock)
    fill_history(history, clock, 30)
    history.purge()
    try:
        assert raw_hits(tmp_path, "zanzibarquokka") == [] and raw_hits(tmp_path, "quokkafeedback") == []
    finally:
        history.close()


def test_conversations_idle_too_long_are_deleted_rows_and_bytes(tmp_path):
    clock = Clock()
    store = ConversationStore(tmp_path / "conversations.sqlite", idle_seconds=1800, max_turns=6, clock=clock)
    stale, fresh = "stale-conversation-1", "fresh-conversation-1"
    for k in range(3):
        store.append(stale, Turn(f"referrals for narwhalpolicy{k} in 2016/17", "Referrals", "2016/17", None, clock()))
    clock.now += 1000
    store.append(fresh, Turn("what is ocelotrules private fostering?", "Private fostering", None, None, clock()))
    clock.now += 1000  # stale: 2000 s idle (over 1800); fresh: 1000 s
    assert raw_hits(tmp_path, "narwhalpolicy") != []  # written while active, as expected
    assert store.purge() == 1
    assert store.recent(stale) == [] and [t.question for t in store.recent(fresh)] == [
        "what is ocelotrules private fostering?"]
    assert raw_hits(tmp_path, "narwhalpolicy") == []  # gone from the database and its log while still open
    clock.now += 1801
    assert store.recent(fresh) == []  # expiry also happens on read
    assert raw_hits(tmp_path, "ocelotrules") == []
    store.close()


def test_a_conversation_just_inside_its_idle_time_is_kept(tmp_path):
    clock = Clock()
    store = ConversationStore(tmp_path / "conversations.sqlite", idle_seconds=1800, clock=clock)
    store.append("kept-conversation", Turn("a question about ibexrota", None, None, None, clock()))
    clock.now += 1799
    assert store.purge() == 0 and len(store.recent("kept-conversation")) == 1
    store.close()


def test_housekeeping_purges_both_stores_on_their_own_clocks(tmp_path):
    settings = make_settings(tmp_path, history_retention_days=7, conversation_idle_minutes=30)
    services = Services(settings, HashingEmbedder())
    clock = Clock()
    services.history.close()
    services.conversations.close()
    services.history = History(settings.history_path, settings.history_retention_days, clock=clock)
    services.conversations = ConversationStore(settings.conversations_path, idle_seconds=30 * 60, clock=clock)
    old, new = fill_history(services.history, clock, 7)
    clock.now = START
    services.conversations.append("housekeeping-conv", Turn("about yakpolicy", None, None, None, clock()))
    clock.now = START + 7 * DAY + 60
    services.housekeeping()
    assert [q["answer_id"] for q in services.history.queries()] == new
    assert services.conversations.recent("housekeeping-conv") == []
    assert raw_hits(settings.data_dir, "yakpolicy") == []
    services.close()
    assert raw_hits(settings.data_dir, "zanzibarquokka") == []
