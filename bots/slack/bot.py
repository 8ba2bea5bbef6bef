"""The listeners: what the bot does with a mention, a direct message, /lscb, a button, a modal, the Home tab.

Each public method is a bolt listener; bolt passes arguments by parameter name (`event`, `body`, `context`,
`command`, `action`, `view`, `respond`, `client`, `ack`). The slow ones run as lazy listeners, after bolt has
acknowledged the request, so Slack's three seconds are never at risk. User text appears in logs only through
`redact()`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.contract import Answer
from assistant.redact import redact
from bots.slack.blocks import (REASON_BLOCK, REASON_INPUT, answer_blocks, escape, fallback_text, home_view,
                               notice_blocks, reason_modal, thanks_view)
from bots.slack.poster import MessagePoster
from bots.slack.protocols import AnswerService, FeedbackSink
from bots.slack.text import conversation_id, plain_question

log = logging.getLogger("lscb.slack")
CHANNEL = "slack"
_ANSWER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_fresh_mention(event: dict) -> bool:
    """A person's new message mentioning the bot in a channel: not an edit, not a bot, not in a DM (where the
    message itself is answered)."""
    return not (event.get("subtype") or event.get("bot_id") or event.get("edited")) \
        and not str(event.get("channel", "")).startswith("D")


def is_direct_question(event: dict) -> bool:
    """A person's new message in a direct message with the bot (edits, deletions and bots' messages are not)."""
    return event.get("channel_type") == "im" and bool(event.get("user")) \
        and not (event.get("subtype") or event.get("bot_id") or event.get("edited"))


class SlackBot:
    """The bot's behaviour, independent of how Slack reaches it (HTTP or Socket Mode)."""

    def __init__(self, answers: AnswerService, feedback: FeedbackSink, poster: MessagePoster,
                 public_base_url: str | None = None, *, command: str = "/lscb",
                 home_documents: Sequence[str] | Callable[[], Sequence[str]] = (),
                 urgent_lines: Sequence[str] = (), clock: Callable[[], float] = time.perf_counter) -> None:
        self.answers = answers
        self.feedback = feedback
        self.poster = poster
        self.public_base_url = public_base_url
        self.command = command
        self.urgent_lines = list(urgent_lines)
        self.home_documents = home_documents
        self._clock = clock
        self.help_text = (f"Ask me about the board's documents, for example `@LSCB what is private fostering?`, "
                          f"or `{command} how do I escalate a disagreement about thresholds?`.")
        self.sorry_text = ("Sorry, I couldn't answer that just now: something went wrong on my side. Please try "
                           "again in a minute." + (f"\n{self.urgent_lines[0]}" if self.urgent_lines else ""))

    # -- acknowledgements (fast, before Slack's three seconds) -----------------------------------------
    def ack(self, ack: Ack) -> None:
        ack()

    def ack_command(self, ack: Ack, command: dict) -> None:
        if plain_question(command.get("text", "")):
            ack()
        else:
            ack(text=self.help_text, response_type="ephemeral")

    # -- conversations -----------------------------------------------------------------------------------
    def on_mention(self, event: dict, body: dict, context: BoltContext) -> None:
        """A mention in a channel: answer in the thread (a new one under the message, or the one it is in)."""
        channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
        team = body.get("team_id") or event.get("team") or context.team_id
        self._reply(event.get("text", ""), conversation_id(team, channel, thread), channel, thread,
                    context.bot_user_id, f"event {body.get('event_id')}")

    def on_direct_message(self, event: dict, body: dict, context: BoltContext) -> None:
        """A direct message: answer in the DM (in its thread when the message is in one)."""
        channel, thread = event["channel"], event.get("thread_ts")
        team = body.get("team_id") or event.get("team") or context.team_id
        self._reply(event.get("text", ""), conversation_id(team, channel, thread), channel, thread,
                    context.bot_user_id, f"event {body.get('event_id')}")

    def on_command(self, command: dict, respond: Callable[..., object], context: BoltContext) -> None:
        """/lscb <question>: an answer only the asker sees, with a button to share it in the channel."""
        question = plain_question(command.get("text", ""), context.bot_user_id)
        if not question:
            return  # the acknowledgement already showed the help text
        conv = conversation_id(command.get("team_id"), command["channel_id"], None, command.get("user_id"))
        result = self._ask(question, conv, f"{self.command} command")
        if isinstance(result, str):
            respond(text=escape(result), response_type="ephemeral", replace_original=False)
            return
        self._respond(respond, fallback_text(result), answer_blocks(result, self.public_base_url, share=True),
                      "ephemeral", f"{self.command} command")

    def on_share(self, body: dict, action: dict, respond: Callable[..., object]) -> None:
        """"Share in channel": the private answer is removed and the answer is given in the channel."""
        try:
            question = str(json.loads(action.get("value") or "{}")["q"])
        except (ValueError, KeyError, TypeError):
            log.warning("a Share button carried no question; nothing shared")
            return
        result = self._ask(question, None, "share")
        if isinstance(result, str):
            respond(text=escape(result), response_type="ephemeral", replace_original=False)
            return
        respond(delete_original=True)
        user = (body.get("user") or {}).get("id")
        self._respond(respond, fallback_text(result), answer_blocks(result, self.public_base_url, shared_by=user),
                      "in_channel", "share")

    # -- feedback ----------------------------------------------------------------------------------------
    def on_helpful(self, action: dict, body: dict, respond: Callable[..., object]) -> None:
        recorded = self._feedback(action.get("value", ""), True, None)
        if body.get("response_url"):
            respond(text="Thanks, noted: this helps the board see what works." if recorded else
                    "Thanks. This answer is older than the feedback history keeps, so it could not be recorded.",
                    response_type="ephemeral", replace_original=False)

    def on_not_helpful(self, action: dict, body: dict, client: WebClient, respond: Callable[..., object]) -> None:
        """👎 opens a modal asking why (optional); the feedback is stored when it is sent or closed."""
        answer_id = action.get("value", "")
        channel = (body.get("channel") or {}).get("id")
        try:
            client.views_open(trigger_id=body["trigger_id"], view=reason_modal(answer_id, channel))
        except (SlackApiError, KeyError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else "no trigger_id"
            log.warning("could not open the feedback modal (%s): recording 👎 on %s without a reason", error,
                        answer_id)
            recorded = self._feedback(answer_id, False, None)
            if body.get("response_url"):
                respond(text="Thanks, noted." if recorded else "Thanks. This answer is too old to record feedback on.",
                        response_type="ephemeral", replace_original=False)

    def on_reason(self, ack: Ack, view: dict) -> None:
        """The modal was sent: store 👎 with the reason (redacted), and thank the user in the modal."""
        answer_id = _metadata(view).get("answer_id", "")
        value = ((view.get("state") or {}).get("values") or {}).get(REASON_BLOCK, {}).get(REASON_INPUT, {}).get("value")
        comment = redact(" ".join(value.split())) if isinstance(value, str) and value.strip() else None
        recorded = self._feedback(answer_id, False, comment)
        ack(response_action="update", view=thanks_view(recorded))

    def on_reason_closed(self, ack: Ack, view: dict) -> None:
        """The modal was closed with "Skip": the 👎 still counts, without a reason."""
        ack()
        self._feedback(_metadata(view).get("answer_id", ""), False, None)

    def on_home_opened(self, event: dict, client: WebClient) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            client.views_publish(user_id=event["user"], view=self.home_view())

    def home_view(self) -> dict:
        """The Home tab now (the document list is read when the tab is opened, when a callable gives it)."""
        titles: Sequence[str] = ()
        try:
            titles = self.home_documents() if callable(self.home_documents) else self.home_documents
        except Exception:  # noqa: BLE001 - no index yet: the tab is still useful without the list
            log.warning("document titles for the Home tab are unavailable (no index served yet?)")
        return home_view(list(titles), self.urgent_lines, self.command)

    # -- the work ------------------------------------------------------------------------------------------
    def _reply(self, text: str, conv: str, channel: str, thread_ts: str | None, bot_user_id: str | None,
               where: str) -> None:
        question = plain_question(text, bot_user_id)
        result = self._ask(question, conv, where) if question else self.help_text
        if isinstance(result, str):
            self._post(channel, escape(result), notice_blocks(result), thread_ts, where)
        else:
            self._post(channel, fallback_text(result), answer_blocks(result, self.public_base_url), thread_ts, where)

    def _post(self, channel: str, text: str, blocks: list[dict], thread_ts: str | None, where: str) -> None:
        try:
            try:
                self.poster.post(channel, text, blocks, thread_ts)
            except SlackApiError as exc:
                if exc.response.get("error") != "invalid_blocks" or blocks == without_images(blocks):
                    raise
                log.warning("%s: Slack refused the message's blocks (a chart image it could not fetch?); "
                            "posting it without images", where)
                self.poster.post(channel, text, without_images(blocks), thread_ts)
        except SlackApiError as exc:
            log.error("%s: the reply could not be posted to %s: %s", where, channel, exc.response.get("error"))

    @staticmethod
    def _respond(respond: Callable[..., object], text: str, blocks: list[dict], response_type: str,
                 where: str) -> None:
        """respond() through the response_url; Slack refuses the whole message when it cannot fetch an image,
        so a refusal is retried without the chart images."""
        result = respond(text=text, blocks=blocks, response_type=response_type, replace_original=False)
        if getattr(result, "status_code", 200) != 200 and blocks != without_images(blocks):
            log.warning("%s: Slack refused the reply (%s); sending it without images", where,
                        getattr(result, "body", ""))
            respond(text=text, blocks=without_images(blocks), response_type=response_type, replace_original=False)

    def _ask(self, question: str, conv: str | None, where: str) -> Answer | str:
        """The answer, or a message for the asker when there is none."""
        started = self._clock()
        try:
            answer = self.answers.ask(question, conv)
        except ValueError as exc:  # QuestionError: the message says what to change
            log.info("%s: not asked (%s): question=%r", where, exc, redact(question))
            return f"I can't look that up as it is: {exc}."
        except Exception:  # noqa: BLE001 - the asker gets an apology, the log gets the traceback
            log.exception("%s: answering failed: question=%r", where, redact(question))
            return self.sorry_text
        try:
            self.feedback.record_answer(answer, CHANNEL)
        except Exception:  # noqa: BLE001 - a history fault must not stop the answer
            log.exception("%s: answer %s not recorded in the history; feedback on it will be refused", where,
                          answer.answer_id)
        log.info("%s: answered %s (abstained=%s, urgent=%s, %d sources, %.0f ms): question=%r", where,
                 answer.answer_id, answer.abstained, answer.urgent, len(answer.citations),
                 (self._clock() - started) * 1000, redact(question))
        return answer

    def _feedback(self, answer_id: str, helpful: bool, comment: str | None) -> bool:
        if not isinstance(answer_id, str) or not _ANSWER_ID.fullmatch(answer_id):
            log.warning("feedback with an invalid answer id ignored")
            return False
        try:
            recorded = self.feedback.record_feedback(answer_id, helpful, comment, CHANNEL) is not False
        except Exception:  # noqa: BLE001 - the user is told it was not recorded
            log.exception("feedback on %s could not be recorded", answer_id)
            return False
        log.info("feedback on %s: %s%s%s", answer_id, "helpful" if helpful else "not helpful",
                 " with a reason" if comment else "", "" if recorded else " (unknown answer: not recorded)")
        return recorded


def without_images(blocks: list[dict]) -> list[dict]:
    return [b for b in blocks if b.get("type") != "image"]


def _metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
