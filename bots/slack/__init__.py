"""The Slack bot: the assistant in the threads and direct messages where practitioners already talk.

    from bots.slack import EventLedger, build_slack_app, slack_router, run_socket_mode

Setup for an admin: `bots/slack/README.md` (create the app from `bots/slack/manifest.yaml`).
"""

from bots.slack.app import build_slack_app
from bots.slack.blocks import answer_blocks, home_view
from bots.slack.ledger import EventLedger
from bots.slack.mount import slack_request_handler, slack_router
from bots.slack.protocols import AnswerService, CurrentEngine, FeedbackSink
from bots.slack.socket import run_socket_mode, socket_mode_handler
from bots.slack.text import conversation_id, plain_question

__all__ = ["AnswerService", "CurrentEngine", "EventLedger", "FeedbackSink", "answer_blocks", "build_slack_app",
           "conversation_id", "home_view", "plain_question", "run_socket_mode", "slack_request_handler",
           "slack_router", "socket_mode_handler"]
