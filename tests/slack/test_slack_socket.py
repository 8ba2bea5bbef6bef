"""Socket Mode: bolt's handler fed envelopes through a fake Socket Mode client; the Web API is the mock server."""

from __future__ import annotations

import logging
import threading

import pytest
from slack_harness import (BOT_USER_ID, SECRET, FakeAnswers, MemoryFeedback, TrackingExecutor, event_callback,
                           mention, slash_command)
from slack_mock_api import MockSlackApi
from slack_sdk import WebClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bots.slack import EventLedger, build_slack_app, run_socket_mode, socket_mode_handler


class FakeSocketClient:
    """What bolt's handler needs of a Socket Mode client: a logger, and somewhere to send acknowledgements."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("fake-socket-mode")
        self.sent: list[SocketModeResponse] = []

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


@pytest.fixture
def socket_app():
    with MockSlackApi() as api:
        executor = TrackingExecutor()
        answers = FakeAnswers()
        app = build_slack_app(answers, WebClient(token=api.token, base_url=api.base_url), SECRET, MemoryFeedback(),
                              EventLedger(), listener_executor=executor)
        handler = socket_mode_handler(app, "xapp-1-A0001-test")
        try:
            yield api, answers, handler, executor
        finally:
            executor.wait_idle()
            handler.close()
            executor.shutdown(wait=True)


def test_socket_mode_retries_are_acknowledged_and_answered_once(socket_app):
    api, answers, handler, executor = socket_app
    client = FakeSocketClient()
    body = event_callback(mention(), event_id="EvSocket1")
    handler.handle(client, SocketModeRequest(type="events_api", envelope_id="env-1", payload=body))
    handler.handle(client, SocketModeRequest(type="events_api", envelope_id="env-2", payload=body,
                                             retry_attempt=1, retry_reason="timeout"))
    handler.handle(client, SocketModeRequest(type="events_api", envelope_id="env-3", payload=body,
                                             retry_attempt=2, retry_reason="timeout"))
    executor.wait_idle()
    assert [r.envelope_id for r in client.sent] == ["env-1", "env-2", "env-3"]  # every envelope acknowledged
    (post,) = api.wait_for("chat.postMessage", 1)
    assert post.body["thread_ts"] == "1700000000.000100"
    assert len(answers.calls) == 1


def test_socket_mode_needs_no_signature_and_handles_slash_commands(socket_app):
    api, answers, handler, executor = socket_app
    client = FakeSocketClient()
    handler.handle(client, SocketModeRequest(type="slash_commands", envelope_id="env-cmd",
                                             payload=slash_command("what is private fostering?",
                                                                   api.response_url("cmd"))))
    executor.wait_idle()
    assert [r.envelope_id for r in client.sent] == ["env-cmd"]
    (private,) = api.wait_for("response_url", 1)
    assert private.body["response_type"] == "ephemeral"


def test_socket_mode_ignores_the_bots_own_messages(socket_app):
    api, answers, handler, executor = socket_app
    client = FakeSocketClient()
    own = {"type": "message", "channel_type": "im", "user": BOT_USER_ID, "text": "an answer", "ts": "1.1",
           "channel": "D0001"}
    handler.handle(client, SocketModeRequest(type="events_api", envelope_id="env-own",
                                             payload=event_callback(own, "EvOwn")))
    executor.wait_idle()
    assert [r.envelope_id for r in client.sent] == ["env-own"]
    assert answers.calls == [] and api.received("chat.postMessage") == []


def test_run_socket_mode_connects_runs_housekeeping_and_closes():
    events: list[str] = []
    stop = threading.Event()

    class FakeHandler:
        def connect(self) -> None:
            events.append("connect")

        def close(self) -> None:
            events.append("close")

    def housekeeping() -> None:
        events.append("housekeeping")
        stop.set()

    run_socket_mode(object(), "xapp-1-test", stop=stop, housekeeping=housekeeping, housekeeping_s=0.01,
                    handler_factory=lambda app, token: FakeHandler())
    assert events == ["connect", "housekeeping", "close"]


def test_socket_mode_wants_an_app_level_token():
    with pytest.raises(ValueError, match="xapp-"):
        socket_mode_handler(object(), "xoxb-not-an-app-token")
