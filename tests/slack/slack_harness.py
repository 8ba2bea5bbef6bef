"""What the Slack tests share: signed requests, Slack payloads, a fake answer service that returns a hand-built
Answer, an in-memory feedback history, and the app served for real (FastAPI + uvicorn on a loopback port)
against the mock Web API.

tests/slack has no conftest.py (so that `from conftest import ...` keeps meaning tests/conftest.py): test modules
import these helpers directly and declare their own fixtures around `running_app()`."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from fastapi import FastAPI
from slack_bolt import App
from slack_sdk import WebClient
from slack_mock_api import BOT_USER_ID, TEAM_ID, MockSlackApi

from assistant.contract import Answer, Citation, IndicatorValue, Related
from bots.slack import AnswerService, EventLedger, FeedbackSink, build_slack_app, slack_router

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL_ID = "C0001"
USER_ID = "U0001"


# -- signing ------------------------------------------------------------------------------------------------
def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Slack's v0 signature headers for `body` (the same HMAC as slack_sdk's SignatureVerifier)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": ts, "x-slack-signature": f"v0={digest}"}


# -- payloads -------------------------------------------------------------------------------------------------
def event_callback(event: dict, event_id: str = "Ev0001") -> dict:
    return {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0001", "type": "event_callback",
            "event_id": event_id, "event_time": 1_700_000_000, "event": event,
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]}


def mention(text: str = f"<@{BOT_USER_ID}> what is private fostering?", ts: str = "1700000000.000100",
            thread_ts: str | None = None, user: str = USER_ID, channel: str = CHANNEL_ID, **extra: object) -> dict:
    event = {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel, "event_ts": ts,
             "team": TEAM_ID, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str = "what is private fostering?", ts: str = "1700000001.000100",
                   channel: str = "D0001", user: str = USER_ID, **extra: object) -> dict:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": channel,
            "event_ts": ts, "team": TEAM_ID, **extra}


def slash_command(text: str, response_url: str, command: str = "/lscb") -> dict[str, str]:
    return {"token": "legacy", "team_id": TEAM_ID, "team_domain": "test", "channel_id": CHANNEL_ID,
            "channel_name": "safeguarding", "user_id": USER_ID, "user_name": "sam", "command": command,
            "text": text, "api_app_id": "A0001", "response_url": response_url, "trigger_id": "111.222.abc"}


def block_action(action_id: str, value: str, response_url: str | None = None) -> dict:
    payload = {"type": "block_actions", "team": {"id": TEAM_ID, "domain": "test"},
               "user": {"id": USER_ID, "username": "sam", "team_id": TEAM_ID}, "api_app_id": "A0001",
               "token": "legacy", "trigger_id": "333.444.def", "channel": {"id": CHANNEL_ID, "name": "safeguarding"},
               "container": {"type": "message", "message_ts": "1700000000.000200", "channel_id": CHANNEL_ID},
               "actions": [{"type": "button", "action_id": action_id, "block_id": "lscb_answer_actions",
                            "value": value, "action_ts": "1700000002.000000"}]}
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_submission(private_metadata: str, reason: str | None, callback_id: str = "lscb_feedback_reason") -> dict:
    return {"type": "view_submission", "team": {"id": TEAM_ID, "domain": "test"},
            "user": {"id": USER_ID, "username": "sam", "team_id": TEAM_ID}, "api_app_id": "A0001",
            "token": "legacy", "trigger_id": "555.666.ghi",
            "view": {"id": "V0001", "type": "modal", "callback_id": callback_id, "private_metadata": private_metadata,
                     "state": {"values": {"lscb_reason": {"lscb_reason_input": {"type": "plain_text_input",
                                                                                  "value": reason}}}}}}


# -- the answer service and the feedback history ----------------------------------------------------------------
def sample_answer(question: str = "what is private fostering?", conversation_id: str | None = None,
                  **changes: object) -> Answer:
    """A hand-built answer: two quotes with [1] and [2], a figure, a follow-up rewrite."""
    answer = Answer(
        question=question,
        answer=("Private fostering is the care of a child under 16 by someone who is not a parent or close "
                "relative for 28 days or more. [1]\n"
                "• Twelve children were notified as privately fostered during the year. [2]"),
        abstained=False, urgent=False,
        citations=[
            Citation(n=1, document_id="annual-report", title="Westshire LSCB Annual Report 2016-17",
                     section="Annual report › Private fostering", page=12, paragraph="4.2",
                     quote="Private fostering is the care of a child under 16 …", start=100, end=210,
                     published=dt.date(2017, 7, 1), url="/documents/annual-report#page=12", passage_id="p1"),
            Citation(n=2, document_id="annual-report", title="Westshire LSCB Annual Report 2016-17",
                     section="Annual report › Private fostering", page=13, quote="Twelve children were notified …",
                     start=211, end=280, published=dt.date(2017, 7, 1), url="/documents/annual-report#page=13",
                     passage_id="p2"),
        ],
        indicators=[IndicatorValue(indicator="Private fostering notifications", area="Westshire", period="2016/17",
                                   value=12, unit="count", document_id="annual-report", page=13)],
        conversation_id=conversation_id, corpus_version="20261126T050000000000Z",
        answer_id="0123456789abcdef0123456789abcdef", timings_ms={"total": 12.0})
    return answer.model_copy(update=changes)


def not_found_answer() -> Answer:
    return sample_answer(
        question="what are Havering's thresholds?", abstained=True, indicators=[],
        answer=("I could not find this in the documents. They cover Westshire, not Havering.\n"
                "For help, contact the board:\nTel: 020 8708 0000 [1]"),
        citations=[Citation(n=1, document_id="annual-report", title="Westshire LSCB Annual Report 2016-17",
                            section="Annual report › Contact us", page=40, quote="Tel: 020 8708 0000", start=900,
                            end=918, published=dt.date(2017, 7, 1), url="/documents/annual-report#page=40",
                            passage_id="p9")],
        related=[Related(document_id="thresholds-2018", title="Westshire Thresholds Guidance 2018",
                         section="Thresholds guidance › Levels of need", page=3, passage_id="p5",
                         snippet="Level 4 is for children at risk of significant harm: refer them to the MASH.",
                         url="/documents/thresholds-2018#page=3")])


class FakeAnswers:
    """An AnswerService returning `make(question, conversation_id)`; `gate` (when given) holds every answer until
    it is set, to deliver retries while the first answer is still running."""

    def __init__(self, make: Callable[[str, str | None], Answer] | None = None,
                 gate: threading.Event | None = None) -> None:
        self.make = make or (lambda q, c: sample_answer(q, c))
        self.gate = gate
        self.calls: list[tuple[str, str | None]] = []
        self.started = threading.Event()
        self._lock = threading.Lock()

    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        with self._lock:
            self.calls.append((question, conversation_id))
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(10), "the test never released the answer"
        return self.make(question, conversation_id)


class MemoryFeedback:
    """A FeedbackSink in memory with the history's rule: feedback only on an answer it has recorded."""

    def __init__(self) -> None:
        self.answers: list[tuple[str, str]] = []
        self.rows: list[tuple[str, bool, str | None, str]] = []

    def record_answer(self, answer: Answer, channel: str) -> None:
        self.answers.append((answer.answer_id, channel))

    def record_feedback(self, answer_id: str, helpful: bool, comment: str | None, channel: str) -> bool:
        if answer_id not in {a for a, _ in self.answers}:
            return False
        self.rows.append((answer_id, helpful, comment, channel))
        return True


# -- running it ----------------------------------------------------------------------------------------------------
class TrackingExecutor(ThreadPoolExecutor):
    """bolt's listener pool, with a way to wait until every listener (lazy ones included) has finished."""

    def __init__(self) -> None:
        super().__init__(max_workers=8, thread_name_prefix="slack-listener")
        self._futures: list[Future] = []
        self._guard = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        future = super().submit(fn, *args, **kwargs)
        with self._guard:
            self._futures.append(future)
        return future

    def wait_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self._guard:
                pending = [f for f in self._futures if not f.done()]
            if not pending:
                return
            left = deadline - time.monotonic()
            assert left > 0, f"{len(pending)} listener(s) still running after {timeout} s"
            wait_futures(pending, timeout=left)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """An ASGI app served by uvicorn on a loopback port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off", access_log=False))
        self.thread = threading.Thread(target=self.server.run, name="slack-app-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Harness:
    api: MockSlackApi
    answers: Any  # FakeAnswers, or a real AnswerService
    feedback: Any  # MemoryFeedback, or a real FeedbackSink
    ledger: EventLedger
    executor: TrackingExecutor
    app: App
    server: LocalServer
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.server.url, timeout=10)

    def post_event(self, payload: dict, retry: int | None = None, timestamp: int | None = None,
                   signature: str | None = None) -> httpx.Response:
        body = json.dumps(payload)
        headers = {"content-type": "application/json", **sign(body, timestamp)}
        if signature is not None:
            headers["x-slack-signature"] = signature
        if retry is not None:
            headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
        return self.http.post("/slack/events", content=body, headers=headers)

    def post_form(self, path: str, form: dict[str, str]) -> httpx.Response:
        body = urlencode(form)
        return self.http.post(path, content=body,
                              headers={"content-type": "application/x-www-form-urlencoded", **sign(body)})

    def post_interaction(self, payload: dict) -> httpx.Response:
        return self.post_form("/slack/interactive", {"payload": json.dumps(payload)})

    def settle(self) -> None:
        """Wait until every listener, lazy ones included, has finished."""
        self.executor.wait_idle()

    def close(self) -> None:
        self.http.close()


@contextlib.contextmanager
def running_app(answers: AnswerService | None = None, feedback: FeedbackSink | None = None,
                public_base_url: str | None = "https://lscb.example.org",
                ledger: EventLedger | None = None) -> Iterator[Harness]:
    """The app built around the fakes (or the services given), served over HTTP, talking to a fresh mock Web API."""
    with MockSlackApi() as api:
        executor = TrackingExecutor()
        answers = answers or FakeAnswers()
        feedback = feedback or MemoryFeedback()
        ledger = ledger or EventLedger()
        app = build_slack_app(answers, WebClient(token=api.token, base_url=api.base_url), SECRET, feedback, ledger,
                              public_base_url=public_base_url, listener_executor=executor)
        api_app = FastAPI()
        api_app.include_router(slack_router(app))
        with LocalServer(api_app) as server:
            harness = Harness(api, answers, feedback, ledger, executor, app, server)
            try:
                yield harness
            finally:
                harness.settle()
                harness.close()
        executor.shutdown(wait=True)
