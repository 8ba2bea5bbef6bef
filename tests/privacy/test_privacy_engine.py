"""Questions full of personal details through the answer engine with its conversation store and the history on
files, as the service keeps them: answers still work, follow-ups still resolve, and no detail reaches a log line
or either database file (read as raw bytes, with their write-ahead logs, while open and after closing).

Questions are asked in conversations of three (so each new question arrives with earlier turns stored), and every
third one is followed by "and the year before?", which is resolved against the stored (redacted) turn.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field

import pytest

from assistant.contract import Answer
from assistant.conversation import ConversationStore
from assistant.engine import AnswerEngine
from assistant.history import History
from assistant.runtime import engine_options, open_retriever
from index.embedder import HashingEmbedder
from log_capture import Captured, capture_all_logs, leaks_in
from privacy_corpus import QUESTIONS, QUESTIONS_SEED, assert_no_secret_in_stores, check_answer, indexed_settings, store_files
from privacy_samples import PrivateQuestion, generate_private_questions

FOLLOW_UP = "and the year before?"


@dataclass
class EngineRun:
    questions: list[PrivateQuestion]
    logs: Captured
    stores: object
    answers: list[Answer] = field(default_factory=list)
    follow_ups: list[Answer] = field(default_factory=list)
    turns: list[tuple] = field(default_factory=list)
    running: dict[str, bytes] = field(default_factory=dict)
    closed: dict[str, bytes] = field(default_factory=dict)


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory) -> EngineRun:
    root = tmp_path_factory.mktemp("privacy-engine")
    settings = indexed_settings(root)
    stores = root / "stores"
    questions = generate_private_questions(QUESTIONS, QUESTIONS_SEED + 7)
    with capture_all_logs() as logs:
        run = EngineRun(questions, logs, stores)
        conversations = ConversationStore(stores / "conversations.sqlite", idle_seconds=1800, max_turns=6)
        history = History(stores / "history.sqlite", retention_days=90)
        engine = AnswerEngine(open_retriever(settings, HashingEmbedder()), engine_options(settings),
                              conversations=conversations)
        engine.warm_up()
        documents = engine.index.documents
        conversation = None
        for k, q in enumerate(questions):
            if k % 3 == 0:
                conversation = None
            answer = engine.ask(q.text, conversation)
            check_answer(answer.model_dump(mode="json", by_alias=True), documents)
            history.record_answer(answer, channel="web")
            run.answers.append(answer)
            conversation = answer.conversation_id
            if k % 3 == 2:
                follow = engine.ask(FOLLOW_UP, conversation)
                check_answer(follow.model_dump(mode="json", by_alias=True), documents)
                history.record_answer(follow, channel="web")
                run.follow_ups.append(follow)
        run.running = store_files(stores)
        history.close()
        conversations.close()
    run.closed = store_files(stores)
    con = sqlite3.connect(stores / "conversations.sqlite")
    try:
        run.turns = con.execute("SELECT conversation_id, seq, question, topic, period, area FROM turns").fetchall()
    finally:
        con.close()
    return run


def test_every_question_is_answered_and_follow_ups_resolve(engine_run):
    n = len(engine_run.questions)
    assert len(engine_run.answers) == n and len(engine_run.follow_ups) == n // 3
    assert len({a.conversation_id for a in engine_run.answers}) == (n + 2) // 3
    assert all(f.resolved_question and f.resolved_question != FOLLOW_UP for f in engine_run.follow_ups)


def test_follow_ups_carry_no_secret_back_to_the_asker(engine_run):
    """A follow-up is resolved against the stored, redacted turn: its rewrite holds placeholders, not details."""
    for k, follow in enumerate(engine_run.follow_ups):
        own = engine_run.questions[3 * k: 3 * k + 3]
        assert leaks_in(own, follow.model_dump_json()) == {}


def test_no_secret_in_any_log_line_at_debug_or_above(engine_run):
    assert leaks_in(engine_run.questions, engine_run.logs.text(min_level=logging.DEBUG)) == {}


@pytest.mark.parametrize("when", ["running", "closed"])
def test_no_secret_in_the_conversation_or_history_files(engine_run, when):
    assert_no_secret_in_stores(engine_run, when)


def test_the_stored_turns_are_redacted_but_keep_what_a_follow_up_needs(engine_run):
    n = len(engine_run.questions)
    assert len(engine_run.turns) == n + n // 3
    originals = [t for t in engine_run.turns if t[2] and "[" in t[2]]
    assert len(originals) >= n  # every question was stored, each with its placeholders
    assert all(t[5] is None for t in engine_run.turns)  # the area is not kept
