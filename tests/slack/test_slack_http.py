"""The app over real HTTP (FastAPI + uvicorn on loopback), signed requests, a mock Slack Web API on loopback.

Every test asserts what the mock Slack server received, like bolt-python's own scenario tests.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time

import pytest
from slack_harness import (BOT_USER_ID, CHANNEL_ID, USER_ID, FakeAnswers, block_action, direct_message,
                           event_callback, mention, not_found_answer, running_app, sample_answer, slash_command,
                           view_submission)

from bots.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP, SHARE

THREAD_CID = "slack-T0001-C0001-1700000000-000100"


@pytest.fixture
def harness():
    """The app around a fake answer service and an in-memory history, served over HTTP, with a mock Slack."""
    with running_app() as running:
        yield running


def numbers(blocks: list[dict]) -> tuple[list[int], list[int]]:
    """([n] markers in the answer text, numbers in the sources block)."""
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    sources = next(s for s in sections if s.startswith("*Sources*"))
    answer_text = "\n".join(s for s in sections[:sections.index(sources)] if "```" not in s)
    return ([int(n) for n in dict.fromkeys(re.findall(r"\[(\d+)\]", answer_text))],
            [int(n) for n in re.findall(r"^\[(\d+)\] ", sources, flags=re.M)])


def test_mention_gets_one_threaded_reply_whose_sources_match_the_markers(harness):
    response = harness.post_event(event_callback(mention()))
    assert response.status_code == 200
    harness.settle()
    (post,) = harness.api.wait_for("chat.postMessage", 1)
    assert post.headers["authorization"] == "Bearer xoxb-test"
    assert post.body["channel"] == CHANNEL_ID and post.body["thread_ts"] == "1700000000.000100"
    assert post.body["unfurl_links"] is False
    markers, sources = numbers(post.body["blocks"])
    assert markers == sources == [1, 2]
    assert post.body["text"].startswith("Private fostering is the care of a child")
    assert harness.answers.calls == [("what is private fostering?", THREAD_CID)]
    assert harness.feedback.answers == [("0123456789abcdef0123456789abcdef", "slack")]


def test_follow_up_in_the_thread_carries_the_conversation(harness):
    harness.post_event(event_callback(mention()))
    harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}> and the year before?", ts="1700000050.000100",
                                              thread_ts="1700000000.000100"), event_id="Ev0002"))
    harness.settle()
    posts = harness.api.wait_for("chat.postMessage", 2)
    assert [p.body["thread_ts"] for p in posts] == ["1700000000.000100"] * 2
    assert [c for _, c in harness.answers.calls] == [THREAD_CID, THREAD_CID]


def test_the_same_event_three_times_while_the_first_is_answering_gets_exactly_one_reply():
    gate = threading.Event()
    with running_app(FakeAnswers(gate=gate)) as app:
        payload = event_callback(mention())
        first = app.post_event(payload)
        assert first.status_code == 200, "acknowledged before the answer is ready"
        assert app.answers.started.wait(5)
        assert app.post_event(payload, retry=1).status_code == 200
        assert app.post_event(payload, retry=2).status_code == 200
        gate.set()
        app.settle()
        assert len(app.api.wait_for("chat.postMessage", 1)) == 1
        assert len(app.answers.calls) == 1


def test_a_retry_whose_original_never_arrived_is_answered_once(harness):
    payload = event_callback(mention(), event_id="EvLost")
    harness.post_event(payload, retry=1)
    harness.post_event(payload, retry=2)
    harness.settle()
    assert len(harness.api.wait_for("chat.postMessage", 1)) == 1
    assert len(harness.answers.calls) == 1


def test_bad_signature_and_stale_timestamp_get_401_and_no_call(harness, caplog):
    payload = event_callback(mention(f"<@{BOT_USER_ID}> my client Jayden Smith, what is private fostering?"))
    with caplog.at_level(logging.INFO):
        tampered = harness.post_event(payload, signature="v0=" + "0" * 64)
        stale = harness.post_event(payload, timestamp=int(time.time()) - 301)
    assert (tampered.status_code, stale.status_code) == (401, 401)
    harness.settle()
    assert harness.api.received() == [] and harness.answers.calls == []
    assert "Jayden" not in caplog.text and "rejected a Slack request" in caplog.text
    # A forged delivery did not use up the event id: the real one is still answered.
    assert harness.post_event(payload).status_code == 200
    harness.settle()
    assert len(harness.api.wait_for("chat.postMessage", 1)) == 1


def test_question_text_is_redacted_in_logs(harness, caplog):
    with caplog.at_level(logging.INFO, logger="lscb.slack"):
        harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}> my client Jayden Smith is 14, is that "
                                                  "private fostering?")))
        harness.settle()
    assert "[name]" in caplog.text and "Jayden" not in caplog.text and "Smith" not in caplog.text


def test_direct_message_is_answered_in_the_dm_and_own_messages_and_edits_are_ignored(harness):
    assert harness.post_event(event_callback(direct_message(), "EvDm1")).status_code == 200
    ignored = [direct_message(user=BOT_USER_ID, ts="1700000002.1"),                              # the bot itself
               direct_message(ts="1700000003.1", bot_id="B999", user="U999"),                      # another bot
               direct_message(ts="1700000004.1", subtype="message_changed",
                              message={"text": "edited"}),                                         # an edit
               mention(ts="1700000005.1", edited={"user": USER_ID, "ts": "1700000005.2"})]         # edited mention
    for i, event in enumerate(ignored):
        assert harness.post_event(event_callback(event, f"EvIgnored{i}")).status_code == 200
    harness.settle()
    (post,) = harness.api.wait_for("chat.postMessage", 1)
    assert post.body["channel"] == "D0001" and "thread_ts" not in post.body
    assert harness.answers.calls == [("what is private fostering?", "slack-T0001-D0001")]


def test_rate_limited_post_is_sent_once_after_retry_after(harness):
    harness.api.reply_once("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    harness.post_event(event_callback(mention()))
    harness.settle()
    limited, sent = harness.api.wait_for("chat.postMessage", 2)
    assert (limited.status, sent.status) == (429, 200)
    assert sent.at - limited.at >= 1.0
    assert len(harness.api.received("chat.postMessage")) == 2


def test_a_chart_slack_cannot_fetch_does_not_cost_the_answer(harness):
    harness.api.reply_once("chat.postMessage", 200, {"ok": False, "error": "invalid_blocks",
                                                     "errors": ["downloading image failed [json-pointer:/blocks/3]"]})
    harness.post_event(event_callback(mention()))
    harness.settle()
    refused, sent = harness.api.wait_for("chat.postMessage", 2)
    assert any(b["type"] == "image" for b in refused.body["blocks"])
    assert not any(b["type"] == "image" for b in sent.body["blocks"])
    assert numbers(sent.body["blocks"]) == ([1, 2], [1, 2])


def test_a_refused_private_answer_is_sent_again_without_its_chart(harness):
    harness.api.reply_once("response_url", 400, "invalid_blocks")
    harness.post_form("/slack/commands", slash_command("what is private fostering?", harness.api.response_url("c")))
    harness.settle()
    refused, sent = harness.api.wait_for("response_url", 2)
    assert [b["type"] == "image" for b in refused.body["blocks"]].count(True) == 1
    assert not any(b["type"] == "image" for b in sent.body["blocks"])


def test_thumbs_down_with_a_reason_lands_in_the_feedback_history(harness):
    harness.post_event(event_callback(mention()))
    harness.settle()
    answer_id = harness.api.wait_for("chat.postMessage", 1)[0].body["blocks"][-1]["elements"][1]["value"]
    assert harness.post_interaction(block_action(FEEDBACK_DOWN, answer_id)).status_code == 200
    harness.settle()
    (opened,) = harness.api.wait_for("views.open", 1)
    assert opened.body["trigger_id"] == "333.444.def"
    metadata = opened.body["view"]["private_metadata"]
    assert json.loads(metadata)["answer_id"] == answer_id
    response = harness.post_interaction(view_submission(metadata, "The figure is for my client Jayden Smith's year"))
    assert response.status_code == 200 and response.json()["response_action"] == "update"
    assert harness.feedback.rows == [(answer_id, False, "The figure is for my client [name]'s year", "slack")]


def test_thumbs_up_is_recorded_and_acknowledged_privately(harness):
    harness.post_event(event_callback(mention()))
    harness.settle()
    answer_id = harness.api.wait_for("chat.postMessage", 1)[0].body["blocks"][-1]["elements"][0]["value"]
    harness.post_interaction(block_action(FEEDBACK_UP, answer_id, harness.api.response_url("up")))
    harness.settle()
    (reply,) = harness.api.wait_for("response_url", 1)
    assert reply.body["response_type"] == "ephemeral" and "Thanks" in reply.body["text"]
    assert harness.feedback.rows == [(answer_id, True, None, "slack")]


def test_closing_the_reason_modal_still_records_the_thumbs_down(harness):
    harness.post_event(event_callback(mention()))
    harness.settle()
    answer_id = harness.api.wait_for("chat.postMessage", 1)[0].body["blocks"][-1]["elements"][1]["value"]
    closed = view_submission(json.dumps({"answer_id": answer_id, "channel": CHANNEL_ID}), None)
    closed["type"] = "view_closed"
    assert harness.post_interaction(closed).status_code == 200
    assert harness.feedback.rows == [(answer_id, False, None, "slack")]


def test_slash_command_answers_privately_with_a_share_button_that_shares_in_channel(harness):
    url = harness.api.response_url("cmd")
    response = harness.post_form("/slack/commands", slash_command("what is private fostering?", url))
    assert response.status_code == 200
    harness.settle()
    (private,) = harness.api.wait_for("response_url", 1)
    assert private.body["response_type"] == "ephemeral"
    share = private.body["blocks"][-1]["elements"][0]
    assert share["action_id"] == SHARE
    assert harness.answers.calls == [("what is private fostering?", "slack-T0001-C0001-U0001")]

    harness.post_interaction(block_action(SHARE, share["value"], harness.api.response_url("share")))
    harness.settle()
    _, deleted, shared = harness.api.wait_for("response_url", 3)
    assert deleted.body["delete_original"] is True
    assert shared.body["response_type"] == "in_channel"
    assert shared.body["blocks"][0]["elements"][0]["text"] == (
        f"<@{USER_ID}> shared an answer to: _what is private fostering?_")
    assert [b for b in shared.body["blocks"] if b["type"] == "actions"][0]["elements"][0]["action_id"] == FEEDBACK_UP
    assert harness.api.received("chat.postMessage") == []


def test_empty_slash_command_gets_help_in_the_acknowledgement(harness):
    response = harness.post_form("/slack/commands", slash_command("  ", harness.api.response_url()))
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral" and "/lscb" in response.json()["text"]
    harness.settle()
    assert harness.answers.calls == [] and harness.api.received("response_url") == []


def test_urgent_answer_puts_the_banner_first(harness):
    harness.answers.make = lambda q, c: sample_answer(q, c, urgent=True, notices=[
        "If a child is in immediate danger, call 999 now.", "Otherwise, contact the MASH straight away."])
    harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}> a child just told me her dad hits her")))
    harness.settle()
    (post,) = harness.api.wait_for("chat.postMessage", 1)
    assert post.body["blocks"][0]["block_id"] == "lscb_urgent"
    assert post.body["text"].startswith("If a child is in immediate danger, call 999 now.")


def test_not_found_reply_offers_related_passages_and_contacts(harness):
    harness.answers.make = lambda q, c: not_found_answer()
    harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}> what are Havering's thresholds?")))
    harness.settle()
    (post,) = harness.api.wait_for("chat.postMessage", 1)
    sections = [b["text"]["text"] for b in post.body["blocks"] if b["type"] == "section"]
    assert any(s.startswith("*Related, but not an answer*") for s in sections)
    assert numbers(post.body["blocks"]) == ([1], [1])


def test_a_question_the_engine_refuses_and_an_engine_fault_get_a_plain_reply(harness):
    def refuse(question, conversation_id):
        if "boom" in question:
            raise RuntimeError("index missing")
        raise ValueError("the question is 5000 characters long; keep it under 1000")

    harness.answers.make = refuse
    harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}> {'x' * 20}"), "EvLong"))
    harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}> boom", ts="1700000009.1"), "EvBoom"))
    harness.post_event(event_callback(mention(f"<@{BOT_USER_ID}>", ts="1700000010.1"), "EvEmpty"))
    harness.settle()
    texts = sorted(p.body["text"] for p in harness.api.wait_for("chat.postMessage", 3))
    assert texts[0].startswith("Ask me about the board's documents")
    assert texts[1].startswith("I can't look that up as it is: the question is 5000 characters long")
    assert texts[2].startswith("Sorry, I couldn't answer that just now") and "999" in texts[2]


def test_home_tab_is_published_on_open(harness):
    harness.post_event(event_callback({"type": "app_home_opened", "user": USER_ID, "channel": "D0001",
                                       "tab": "home", "event_ts": "1700000000.1"}, "EvHome"))
    harness.settle()
    (published,) = harness.api.wait_for("views.publish", 1)
    assert published.body["user_id"] == USER_ID and published.body["view"]["type"] == "home"
    assert "call 999" in json.dumps(published.body["view"])


def test_url_verification_challenge_is_answered(harness):
    response = harness.post_event({"token": "legacy", "challenge": "abc123", "type": "url_verification"})
    assert response.status_code == 200 and response.json() == {"challenge": "abc123"}
