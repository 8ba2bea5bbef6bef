"""Request limits as pure ASGI middleware: body size (413 before the body is read) and a per-client rate
limit on the question endpoint (429 with Retry-After)."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


async def _reply(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse bodies over `max_bytes` (per path prefix): by Content-Length at once, else while streaming."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], default: int) -> None:
        self.app, self.limits, self.default = app, limits, default

    def _limit(self, path: str) -> int:
        return next((n for prefix, n in self.limits.items() if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                return await _reply(send, 400, "Content-Length is not a number")
            if declared > limit:
                return await _reply(send, 413, f"request body over {limit} bytes: send a shorter question or "
                                               f"a smaller file")
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _reply(send, 413, f"request body over {limit} bytes")


class _TooLarge(Exception):
    pass


class TokenBucket:
    """`rate` requests per `per` seconds per key, with bursts up to `rate`."""

    def __init__(self, rate: int, per: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.per, self.clock = rate, per, clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed; otherwise the seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate / self.per)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                if len(self._state) > 10_000:
                    self._state = {k: v for k, v in self._state.items() if now - v[1] < self.per}
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) * self.per / self.rate


class RateLimit:
    """Apply a TokenBucket to POSTs on the given paths, keyed by client address."""

    def __init__(self, app: ASGIApp, bucket: TokenBucket, paths: tuple[str, ...]) -> None:
        self.app, self.bucket, self.paths = app, bucket, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.bucket.take(client)
            if wait > 0:
                seconds = str(max(1, math.ceil(wait))).encode()
                return await _reply(send, 429, "too many questions from this address: wait and ask again",
                                    [(b"retry-after", seconds)])
        await self.app(scope, receive, send)


class ConcurrencyLimit:
    """Shed load instead of queueing without bound: at most `limit` requests to `paths` in flight per worker;
    the next one gets an immediate 503 with Retry-After."""

    def __init__(self, app: ASGIApp, limit: int, paths: tuple[str, ...]) -> None:
        self.app, self.limit, self.paths = app, limit, paths
        self.in_flight = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        with self._lock:
            if self.in_flight >= self.limit:
                full = True
            else:
                full, self.in_flight = False, self.in_flight + 1
        if full:
            return await _reply(send, 503, "the service is busy: ask again in a moment", [(b"retry-after", b"1")])
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.in_flight -= 1
