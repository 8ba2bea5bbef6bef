"""A local HTTP server that plays Slack's Web API (and response_url webhooks), like bolt-python's own
tests/mock_web_api_server: real HTTP on 127.0.0.1, every request recorded, replies planned per method.

    with MockSlackApi() as api:
        client = WebClient(token="xoxb-test", base_url=api.base_url)
        api.reply_once("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
        ...
        api.wait_for("chat.postMessage", 1)
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"


@dataclass
class Received:
    """One request the server received: `method` is the Web API method ("chat.postMessage") or, for a
    response_url webhook, "response_url"."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict
    at: float
    status: int = 200


@dataclass
class _Reply:
    status: int
    body: dict | str
    headers: dict[str, str] = field(default_factory=dict)


def _default(method: str, body: dict) -> dict | str:
    if method == "auth.test":
        return {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "lscb", "team_id": TEAM_ID,
                "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}
    if method == "chat.postMessage":
        return {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}",
                "message": {"type": "message", "text": body.get("text"), "bot_id": BOT_ID}}
    if method == "views.open" or method == "views.publish":
        return {"ok": True, "view": {"id": "V0001", **(body.get("view") if isinstance(body.get("view"), dict) else {})}}
    if method == "response_url":
        return "ok"
    return {"ok": True}


class MockSlackApi:
    """Start with `with MockSlackApi() as api:` (or start()/stop())."""

    def __init__(self, token: str = "xoxb-test") -> None:
        self.token = token
        self.requests: list[Received] = []
        self._plans: dict[str, deque[_Reply]] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="mock-slack-api", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """For WebClient(base_url=...)."""
        return f"{self.url}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/response_url/{name}"

    def start(self) -> MockSlackApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> MockSlackApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- planning and asserting ---------------------------------------------------------------------------
    def reply_once(self, method: str, status: int, body: dict | str, headers: dict[str, str] | None = None) -> None:
        """The next call of `method` gets this reply; later calls get the default again."""
        with self._lock:
            self._plans.setdefault(method, deque()).append(_Reply(status, body, headers or {}))

    def received(self, method: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if method is None or r.method == method]

    def wait_for(self, method: str, count: int, timeout: float = 5.0) -> list[Received]:
        """The requests to `method` once there are at least `count` of them (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([r for r in self.requests if r.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [r.method for r in self.requests]
                    raise AssertionError(f"expected {count} call(s) of {method} within {timeout} s; received {got}")
                self._changed.wait(left)
            return [r for r in self.requests if r.method == method]

    # -- the server ------------------------------------------------------------------------------------------
    def _record_and_reply(self, path: str, headers: dict[str, str], raw: bytes) -> _Reply:
        if path.startswith("/api/"):
            method = path[len("/api/"):]
        elif path.startswith("/response_url/"):
            method = "response_url"
        else:
            method = "unknown"
        body = _parse(headers.get("content-type", ""), raw)
        with self._changed:
            plan = self._plans.get(method)
            reply = plan.popleft() if plan else None
            if reply is None:
                authorised = method == "response_url" or headers.get("authorization") == f"Bearer {self.token}"
                reply = _Reply(200, _default(method, body) if authorised else {"ok": False, "error": "invalid_auth"})
            self.requests.append(Received(method, path, headers, body, time.monotonic(), reply.status))
            self._changed.notify_all()
        return reply

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = api._record_and_reply(self.path.split("?")[0], headers, raw)
                data = (reply.body if isinstance(reply.body, str) else json.dumps(reply.body)).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "text/plain" if isinstance(reply.body, str) else "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:  # quiet
                pass

        return Handler


def _parse(content_type: str, raw: bytes) -> dict:
    text = raw.decode("utf-8")
    if content_type.startswith("application/json"):
        return json.loads(text) if text else {}
    body: dict = dict(parse_qsl(text, keep_blank_values=True))
    for key in ("blocks", "view"):
        if isinstance(body.get(key), str) and body[key].startswith(("[", "{")):
            body[key] = json.loads(body[key])
    return body
