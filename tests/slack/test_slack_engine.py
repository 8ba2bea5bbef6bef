"""End to end: the real AnswerEngine over a tiny corpus (hashing embedder, real FAISS, BM25 and SQLite), the real
feedback history, the Slack app over HTTP and the mock Slack Web API."""

from __future__ import annotations

import json
import re

import pytest
from conftest import make_settings
from samples import REPORT, REPORT_MANIFEST
from slack_harness import BOT_USER_ID, block_action, event_callback, mention, running_app, view_submission

from assistant.conversation import ConversationStore
from assistant.engine import AnswerEngine, EngineOptions
from assistant.history import History
from assistant.runtime import open_retriever
from bots.slack.blocks import FEEDBACK_DOWN
from corpus.ingest import ingest
from index.embedder import HashingEmbedder

@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("slack-engine"))
    embedder = HashingEmbedder()
    (settings.corpus_dir / "corpus.toml").write_text(REPORT_MANIFEST, encoding="utf-8")
    (settings.corpus_dir / "annual-report.md").write_text(REPORT, encoding="utf-8")
    assert ingest(settings, embedder).usable
    engine = AnswerEngine(open_retriever(settings, embedder), EngineOptions(min_strength=0.3),
                          conversations=ConversationStore(None, idle_seconds=600))
    engine.warm_up()
    return engine


def test_real_engine_answers_in_the_thread_follow_ups_carry_and_feedback_lands_in_the_history(engine):
    history = History(None, retention_days=90)
    with running_app(engine, history, public_base_url="https://lscb.example.org") as slack:
        slack.post_event(event_callback(mention(f"<@{BOT_USER_ID}> what is private fostering?")))
        slack.settle()
        (first,) = slack.api.wait_for("chat.postMessage", 1)
        sections = [b["text"]["text"] for b in first.body["blocks"] if b["type"] == "section"]
        sources = next(s for s in sections if s.startswith("*Sources*"))
        text = "\n".join(sections[:sections.index(sources)])
        assert "28 days" in text
        assert sorted(set(map(int, re.findall(r"\[(\d+)\]", text)))) == \
            list(map(int, re.findall(r"^\[(\d+)\] ", sources, flags=re.M))) != []
        assert "<https://lscb.example.org/documents/annual-report" in sources

        thread = "1700000000.000100"
        slack.post_event(event_callback(mention(f"<@{BOT_USER_ID}> how many referrals to children's social care in "
                                                "2016/17", ts="1700000010.000100", thread_ts=thread), "Ev2"))
        slack.settle()
        slack.post_event(event_callback(mention(f"<@{BOT_USER_ID}> and the year before?", ts="1700000020.000100",
                                                thread_ts=thread), "Ev3"))
        slack.settle()
        posts = slack.api.wait_for("chat.postMessage", 3)
        assert [p.body["thread_ts"] for p in posts] == [thread] * 3
        assert "4125" in posts[1].body["text"] and "5086" in posts[2].body["text"]

        answer_id = posts[2].body["blocks"][-1]["elements"][1]["value"]
        slack.post_interaction(block_action(FEEDBACK_DOWN, answer_id))
        slack.settle()
        metadata = slack.api.wait_for("views.open", 1)[0].body["view"]["private_metadata"]
        assert json.loads(metadata)["answer_id"] == answer_id
        slack.post_interaction(view_submission(metadata, "wanted the 2014/15 figure too"))

    assert {q["channel"] for q in history.queries()} == {"slack"} and len(history.queries()) == 3
    (row,) = history.feedback()
    assert (row["answer_id"], row["helpful"], row["comment"], row["channel"]) == (
        answer_id, 0, "wanted the 2014/15 figure too", "slack")
