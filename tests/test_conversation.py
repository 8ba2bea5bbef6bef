"""The conversation store on real SQLite: turns kept per id, trimmed, expired and really deleted."""

import sqlite3
import threading

import pytest

from assistant.conversation import ConversationStore, Turn

IDLE = 1800.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def turn(question: str, period: str | None = "2016/17", at: float = 0.0) -> Turn:
    return Turn(question=question, topic="Referrals", period=period, area="Redbridge", at=at)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock):
    with ConversationStore(None, idle_seconds=IDLE, max_turns=3, clock=clock) as s:
        yield s


def raw_rows(path) -> tuple[int, int]:
    """(turn rows, conversation rows) read straight from the database file, not through the store."""
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT COUNT(*) FROM turns").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM conversations").fetchone()[0])
    finally:
        conn.close()


def test_turns_come_back_oldest_first_with_every_field(store):
    cid = store.new_id()
    first = Turn("how many referrals to csc in 2016/17", "Referrals to Children's Social Care", "2016/17", "Redbridge",
                 1.5)
    second = Turn("how many referrals to csc in 2015/16", None, None, None, 2.5)
    store.append(cid, first)
    store.append(cid, second)
    assert store.recent(cid) == [first, second]


def test_conversations_are_kept_apart_and_unknown_ids_are_empty(store):
    a, b = store.new_id(), store.new_id()
    store.append(a, turn("what is private fostering?"))
    store.append(b, turn("who chairs the lscb"))
    assert [t.question for t in store.recent(a)] == ["what is private fostering?"]
    assert [t.question for t in store.recent(b)] == ["who chairs the lscb"]
    assert store.recent(store.new_id()) == []


def test_only_the_last_max_turns_are_kept(store):
    cid = store.new_id()
    for i in range(7):
        store.append(cid, turn(f"question {i}"))
    assert [t.question for t in store.recent(cid)] == ["question 4", "question 5", "question 6"]


def test_new_ids_are_unguessable_tokens(store):
    ids = {store.new_id() for _ in range(200)}
    assert len(ids) == 200
    for cid in ids:
        assert len(cid) >= 32
        store.recent(cid)  # every id the store hands out is one it accepts


@pytest.mark.parametrize("bad", ["", "short", "a" * 129, "has space in it", "semi;colon;id", "../../etc/passwd",
                                 "ünïcödé-token", None, 12345678])
def test_implausible_ids_are_refused_with_what_a_valid_one_looks_like(store, bad):
    with pytest.raises(ValueError, match="8 to 128 URL-safe characters"):
        store.recent(bad)
    with pytest.raises(ValueError, match="8 to 128 URL-safe characters"):
        store.append(bad, turn("what is private fostering?"))


def test_an_empty_question_is_refused(store):
    with pytest.raises(ValueError, match="non-empty question"):
        store.append(store.new_id(), turn("   "))


@pytest.mark.parametrize("kwargs, message", [
    ({"idle_seconds": 0}, "idle_seconds must be greater than 0"),
    ({"idle_seconds": -5}, "idle_seconds must be greater than 0"),
    ({"idle_seconds": 60, "max_turns": 0}, "max_turns must be a whole number of at least 1"),
    ({"idle_seconds": 60, "max_turns": 2.5}, "max_turns must be a whole number of at least 1"),
])
def test_configuration_is_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ConversationStore(None, **kwargs)


def test_an_idle_conversation_expires(store, clock):
    cid = store.new_id()
    store.append(cid, turn("how many referrals in 2016/17"))
    clock.now += IDLE  # exactly the idle time: still there
    assert len(store.recent(cid)) == 1
    clock.now += 1
    assert store.recent(cid) == []
    store.append(cid, turn("what is private fostering?"))  # the same id starts afresh
    assert [t.question for t in store.recent(cid)] == ["what is private fostering?"]


def test_activity_keeps_a_conversation_alive(store, clock):
    cid = store.new_id()
    for i in range(4):
        store.append(cid, turn(f"question {i}"))
        clock.now += IDLE - 1
    assert len(store.recent(cid)) == 3


def test_purge_counts_and_deletes_only_idle_conversations(store, clock):
    old = [store.new_id() for _ in range(3)]
    for cid in old:
        store.append(cid, turn("how many referrals in 2016/17"))
    clock.now += IDLE / 2
    fresh = store.new_id()
    store.append(fresh, turn("who chairs the lscb"))
    clock.now += IDLE / 2 + 1
    assert store.purge() == 3
    assert store.purge() == 0
    assert [store.recent(cid) for cid in old] == [[], [], []]
    assert len(store.recent(fresh)) == 1


def test_append_purges_other_expired_conversations(tmp_path, clock):
    path = tmp_path / "conversations.sqlite"
    with ConversationStore(path, idle_seconds=IDLE, clock=clock) as store:
        store.append(store.new_id(), turn("how many referrals in 2016/17"))
        clock.now += IDLE + 1
        store.append(store.new_id(), turn("who chairs the lscb"))
        assert raw_rows(path) == (1, 1)


def test_a_file_database_is_shared_by_two_stores(tmp_path, clock):
    path = tmp_path / "var" / "conversations.sqlite"
    one = ConversationStore(path, idle_seconds=IDLE, max_turns=2, clock=clock)
    two = ConversationStore(path, idle_seconds=IDLE, max_turns=2, clock=clock)
    try:
        cid = one.new_id()
        one.append(cid, turn("how many referrals in 2016/17"))
        two.append(cid, turn("and the year before?"))
        one.append(cid, turn("and nationally?"))
        assert [t.question for t in two.recent(cid)] == ["and the year before?", "and nationally?"]
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        assert path.stat().st_mode & 0o077 == 0  # owner-only
    finally:
        one.close()
        two.close()


def test_expired_text_is_gone_from_the_database_files(tmp_path, clock):
    path = tmp_path / "conversations.sqlite"
    secret = "what should I do about Kayleigh-Zebedee-Marchbanks at 14 Acacia Road"
    other = ConversationStore(path, idle_seconds=IDLE, clock=clock)  # a second process-like reader/writer
    with ConversationStore(path, idle_seconds=IDLE, clock=clock) as store:
        cid = store.new_id()
        store.append(cid, turn(secret))
        assert other.recent(cid)[0].question == secret
        clock.now += IDLE + 1
        assert store.recent(cid) == []
        assert raw_rows(path) == (0, 0)
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM turns WHERE question LIKE '%Kayleigh%'").fetchone()[0] == 0
        conn.close()
        # Deleted pages are zeroed (secure_delete) and the write-ahead log is truncated: no copy left on disk.
        for file in tmp_path.iterdir():
            assert b"Kayleigh" not in file.read_bytes(), file.name
    other.close()


def test_in_memory_stores_are_separate(clock):
    with ConversationStore(None, IDLE, clock=clock) as a, ConversationStore(None, IDLE, clock=clock) as b:
        cid = a.new_id()
        a.append(cid, turn("who chairs the lscb"))
        assert b.recent(cid) == []


def test_threads_append_concurrently(tmp_path, clock):
    path = tmp_path / "conversations.sqlite"
    shared_ids = [ConversationStore.new_id() for _ in range(4)]
    per_thread = 25
    errors: list[BaseException] = []
    with ConversationStore(path, idle_seconds=IDLE, max_turns=1000, clock=clock) as store, \
            ConversationStore(None, idle_seconds=IDLE, max_turns=1000, clock=clock) as memory:

        def work(n: int) -> None:
            try:
                for i in range(per_thread):
                    for s in (store, memory):
                        s.append(shared_ids[n % 4], turn(f"thread {n} question {i}"))
                        s.recent(shared_ids[(n + 1) % 4])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        for s in (store, memory):
            for k, cid in enumerate(shared_ids):
                questions = [t.question for t in s.recent(cid)]
                assert len(questions) == 2 * per_thread  # threads k and k + 4
                for n in (k, k + 4):  # each thread's own turns in the order it wrote them
                    mine = [q for q in questions if q.startswith(f"thread {n} ")]
                    assert mine == [f"thread {n} question {i}" for i in range(per_thread)]
