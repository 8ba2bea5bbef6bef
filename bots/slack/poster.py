"""Posting a message with chat.postMessage, honouring Slack's rate limit (HTTP 429 with Retry-After).

A 429 means the message was not posted, so posting again after the wait cannot make a duplicate. The wait is
what Slack asks for in `Retry-After`; a wait longer than `max_wait_s`, or more than `attempts` tries, gives up
with the error rather than hold a worker thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("lscb.slack")


def retry_after(headers: Mapping[str, object] | None, default: float = 1.0) -> float:
    """Seconds from a Retry-After header (any case, a string or a one-item list), else `default`."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, (list, tuple)) and value else value
            try:
                return max(0.0, float(str(value)))
            except ValueError:
                return default
    return default


class MessagePoster:
    """chat.postMessage with the rate limit honoured; one instance is shared by every listener thread."""

    def __init__(self, client: WebClient, attempts: int = 3, max_wait_s: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {attempts!r}")
        if not max_wait_s > 0:
            raise ValueError(f"max_wait_s must be greater than 0, got {max_wait_s!r}")
        self.client = client
        self.attempts = attempts
        self.max_wait_s = float(max_wait_s)
        self._sleep = sleep

    def post(self, channel: str, text: str, blocks: list[dict], thread_ts: str | None = None) -> str | None:
        """Post to `channel` (in the thread `thread_ts` when given); returns the new message's ts."""
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                                        thread_ts=thread_ts, unfurl_links=False, unfurl_media=False)
                return response.get("ts")
            except SlackApiError as exc:
                if exc.response.status_code != 429 or attempt == self.attempts:
                    raise
                wait = retry_after(exc.response.headers)
                if wait > self.max_wait_s:
                    log.error("chat.postMessage rate-limited for %.0f s (more than %.0f s): message not sent",
                              wait, self.max_wait_s)
                    raise
                log.warning("chat.postMessage rate-limited: waiting %.1f s as Retry-After asks (attempt %d of %d)",
                            wait, attempt, self.attempts)
                self._sleep(wait)
        return None  # unreachable: the loop returns or raises
