"""Two global middlewares: Slack's request signature, and answering each event at most once.

`SignedRequests` replaces bolt's own RequestVerification (same check, same 401) because bolt's logs the whole
request body, question and all, when a signature is wrong; this one logs why, never what. It runs before
authorization, so a forged or stale request costs no API call and no listener runs.

`FirstDeliveryOnly` records every Events API `event_id` in the `EventLedger` as it arrives, and acknowledges
without answering any event already recorded (a retry, however early or late). It runs after the signature
check, so a forged request cannot use up a real event's id.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bots.slack.ledger import EventLedger

log = logging.getLogger("lscb.slack")
MAX_AGE_S = 60 * 5


class SignedRequests(Middleware):
    """401 unless `x-slack-signature` is the HMAC of the body and a timestamp at most five minutes old.

    Without a signing secret (Socket Mode needs none) every HTTP request is refused: it fails closed.
    """

    def __init__(self, signing_secret: str | None, clock: Callable[[], float] = time.time) -> None:
        if signing_secret and len(signing_secret.strip()) < 16:
            raise ValueError("SLACK_SIGNING_SECRET looks like a placeholder (shorter than 16 characters): copy the "
                             "app's Signing Secret from Basic Information > App Credentials")
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self._clock = clock

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002 - bolt's own name
        if req.mode == "socket_mode":  # Socket Mode is authenticated by the app-level token instead
            return next()
        timestamp = req.headers.get("x-slack-request-timestamp", [""])[0]
        signature = req.headers.get("x-slack-signature", [""])[0]
        problem = self._problem(req.raw_body, timestamp, signature)
        if problem is None:
            return next()
        log.warning("rejected a Slack request (%s): 401, no listener ran", problem)
        return BoltResponse(status=401, body={"error": "invalid request"})

    def _problem(self, body: str, timestamp: str, signature: str) -> str | None:
        if self._verifier is None:
            return "no signing secret is set (SLACK_SIGNING_SECRET), so no HTTP request can be trusted"
        if not timestamp or not signature:
            return "no signature headers"
        try:
            age = abs(self._clock() - int(timestamp))
        except ValueError:
            return "timestamp is not a number"
        if age > MAX_AGE_S:
            return f"timestamp {age:.0f} s old, more than {MAX_AGE_S} s"
        expected = self._verifier.generate_signature(timestamp=timestamp, body=body)
        if expected is None or not hmac.compare_digest(expected.encode(), signature.encode()):
            return "signature does not match the body"
        return None


class FirstDeliveryOnly(Middleware):
    """Acknowledge, without running a listener, any Events API delivery whose event_id was seen before."""

    def __init__(self, ledger: EventLedger) -> None:
        self.ledger = ledger

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002 - bolt's own name
        body = req.body or {}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        retry = req.headers.get("x-slack-retry-num", [None])[0]
        reason = req.headers.get("x-slack-retry-reason", [None])[0]
        if self.ledger.first_arrival(event_id):
            if retry:
                log.info("event %s arrived first as retry %s (%s): the original never reached us; answering it",
                         event_id, retry, reason or "no reason given")
            return next()
        log.info("event %s delivered again (retry %s, %s): acknowledged, not answered twice", event_id,
                 retry or "none", reason or "no reason given")
        return BoltResponse(status=200, body="")
