"""Build the Slack app: one bolt `App` for both transports (HTTP Events API and Socket Mode).

    app = build_slack_app(answers, WebClient(token=..., base_url=...), signing_secret, feedback, ledger,
                          public_base_url="https://lscb.example.org")

The caller chooses where the Web API is (`WebClient(base_url=LSCB_SLACK_API_URL)`): Slack itself, a proxy,
or a local mock in tests. Building makes no network call; the bot's own user id comes from `auth.test` on the
first request.

Middleware, in order: signature check (HTTP only; 401 and nothing else on a bad or stale one) ->
authorization -> the bot's own events dropped -> URL verification -> each event id answered at most once
(`EventLedger`) -> the listeners below.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from functools import lru_cache

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bots.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP, REASON_CALLBACK, SHARE
from bots.slack.bot import SlackBot, is_direct_question, is_fresh_mention
from bots.slack.ledger import EventLedger
from bots.slack.middleware import FirstDeliveryOnly, SignedRequests
from bots.slack.poster import MessagePoster
from bots.slack.protocols import AnswerService, FeedbackSink

_COMMAND = re.compile(r"/[a-z0-9_-]{1,31}")


def build_slack_app(answers: AnswerService, client: WebClient, signing_secret: str | None, feedback: FeedbackSink,
                    ledger: EventLedger, public_base_url: str | None = None, process_before_response: bool = False,
                    *, command: str = "/lscb", home_documents: Sequence[str] | Callable[[], Sequence[str]] = (),
                    urgent_lines: Sequence[str] | None = None, listener_executor: Executor | None = None,
                    post_attempts: int = 3, max_retry_after_s: float = 60.0) -> App:
    """The Slack app, ready to mount (`bots.slack.mount.slack_router`) or to run in Socket Mode
    (`bots.slack.socket.run_socket_mode`).

    answers: the answer service (`AnswerEngine`, or `CurrentEngine(services.engine)` in the HTTP service).
    client: a WebClient with the bot token (xoxb-) and the Web API base URL.
    signing_secret: the app's signing secret (HTTP requests are checked against it). Socket Mode needs none:
        with "" or None every HTTP request is refused (401).
    feedback: where answers and 👍 / 👎 are recorded (`assistant.history.History`).
    ledger: event ids seen; give several workers the same file so a retry is never answered twice.
    public_base_url: the HTTP service's public URL: sources link to the document at its page, figures get a
        chart image. None: sources in plain text, no images.
    process_before_response: True only on platforms that stop work once the response is sent (FaaS).
    command: the slash command, as in the manifest.
    home_documents: document titles for the Home tab, or a callable giving them when the tab is opened (so the
        list follows index switches), e.g. `lambda: [d.meta.title for d in services.engine().index.documents.values()]`.
    urgent_lines: the urgent-concern lines for the Home tab (default: `assistant/urgent.toml`, fallback wording).
    listener_executor: the thread pool for listeners (default: bolt's, five threads).
    post_attempts, max_retry_after_s: how chat.postMessage treats HTTP 429 (tries, and the longest wait).
    """
    if not isinstance(client, WebClient):
        raise TypeError(f"client must be a slack_sdk.WebClient, got {type(client).__name__}")
    if not client.token:
        raise ValueError("the WebClient has no token: build it with WebClient(token=SLACK_BOT_TOKEN, "
                         "base_url=LSCB_SLACK_API_URL)")
    if public_base_url is not None and not public_base_url.startswith(("https://", "http://")):
        raise ValueError(f"public_base_url must start with https:// (or http://), got {public_base_url!r}")
    if not _COMMAND.fullmatch(command):
        raise ValueError(f"command must look like '/lscb' (lower case, at most 32 characters), got {command!r}")
    if not isinstance(ledger, EventLedger):
        raise TypeError(f"ledger must be an EventLedger, got {type(ledger).__name__}")

    _quiet_slack_sdk()
    app = App(client=client, signing_secret=signing_secret or "", name="lscb-slack", logger=_bolt_logger(),
              process_before_response=process_before_response,
              token_verification_enabled=False,       # no network call while building; auth.test on first use
              request_verification_enabled=False,     # replaced by SignedRequests (which never logs the body)
              before_authorize=SignedRequests(signing_secret),
              listener_executor=listener_executor)
    app.use(FirstDeliveryOnly(ledger))

    bot = SlackBot(answers, feedback, MessagePoster(client, post_attempts, max_retry_after_s),
                   public_base_url.rstrip("/") if public_base_url else None, command=command,
                   home_documents=home_documents,
                   urgent_lines=default_urgent_lines() if urgent_lines is None else urgent_lines)

    app.event("app_mention", matchers=[is_fresh_mention])(ack=bot.ack, lazy=[bot.on_mention])
    app.event("app_mention")(bot.ack)  # edits, bots: acknowledged (so Slack does not retry), not answered
    app.event("message", matchers=[is_direct_question])(ack=bot.ack, lazy=[bot.on_direct_message])
    app.event("message")(bot.ack)      # the bot's own messages, edits, deletions, anything else
    app.event("app_home_opened")(ack=bot.ack, lazy=[bot.on_home_opened])
    app.command(command)(ack=bot.ack_command, lazy=[bot.on_command])
    app.action(SHARE)(ack=bot.ack, lazy=[bot.on_share])
    app.action(FEEDBACK_UP)(ack=bot.ack, lazy=[bot.on_helpful])
    app.action(FEEDBACK_DOWN)(ack=bot.ack, lazy=[bot.on_not_helpful])
    app.view(REASON_CALLBACK)(bot.on_reason)
    app.view_closed(REASON_CALLBACK)(bot.on_reason_closed)
    return app


class _UnusedTokenWarning(logging.Filter):
    """bolt warns that SLACK_BOT_TOKEN "will be unused" whenever that variable is set and a client is given; here
    the client carries that very token, so the warning would only mislead an admin reading the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class _NoBodies(logging.Filter):
    """slack_sdk logs each request and response body at DEBUG; a Share button's value and a shared answer's
    heading carry the asker's question as typed. Those records are dropped: bot.py logs every answer (with the
    redacted question) at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _quiet_slack_sdk() -> None:
    for name in ("slack_sdk.web.base_client", "slack_sdk.webhook.client"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoBodies) for f in logger.filters):
            logger.addFilter(_NoBodies())


def _bolt_logger() -> logging.Logger:
    """bolt's base logger (its middleware loggers copy its level and filters)."""
    logger = logging.getLogger("lscb.slack.bolt")
    if not any(isinstance(f, _UnusedTokenWarning) for f in logger.filters):
        logger.addFilter(_UnusedTokenWarning())
    return logger


@lru_cache(maxsize=1)
def default_urgent_lines() -> tuple[str, ...]:
    """The two urgent-concern lines from `assistant/urgent.toml`, with its fallback front-door wording."""
    from assistant.urgent import UrgentDetector

    return tuple(UrgentDetector.from_file().notice(None))
