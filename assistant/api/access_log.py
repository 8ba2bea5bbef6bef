"""JSON access logs: one line per request, with any user text in the query string redacted."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.redact import redact

log = logging.getLogger("lscb.access")


def safe_query(raw: bytes) -> str:
    """The query string with every value redacted (q= carries questions)."""
    try:
        pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
    except ValueError:
        return "[unparseable]"
    return urlencode([(k, redact(v)) for k, v in pairs])


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500
        logged = False

        def write() -> None:
            nonlocal logged
            if not logged:
                logged = True
                log.info(json.dumps({
                    "method": scope["method"], "path": scope["path"],
                    "query": safe_query(scope.get("query_string", b"")), "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": (scope.get("client") or ("", 0))[0]}))

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                write()  # before the last byte leaves, so the line exists once the client has its answer
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            write()
