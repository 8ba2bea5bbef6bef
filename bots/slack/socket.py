"""Socket Mode: the same app over a WebSocket that the bot opens to Slack (no public URL needed).

    run_socket_mode(app, settings.slack_app_token, housekeeping=services.housekeeping)   # blocks; Ctrl-C stops

The app-level token (xapp-, scope connections:write) opens the connection through `apps.connections.open` on
the app's own WebClient, so LSCB_SLACK_API_URL applies here too. Slack marks a re-sent event with
`retry_attempt`; bolt passes it on as `x-slack-retry-num`, and the `EventLedger` drops the repeat as in HTTP mode.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler

log = logging.getLogger("lscb.slack")


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """bolt's built-in Socket Mode handler for `app` (not connected yet)."""
    if not isinstance(app_token, str) or not app_token.startswith("xapp-"):
        raise ValueError("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-': create one under "
                         "Basic Information > App-Level Tokens with the connections:write scope")
    return SocketModeHandler(app, app_token=app_token)


def run_socket_mode(app: App, app_token: str, *, stop: threading.Event | None = None,
                    housekeeping: Callable[[], None] | None = None, housekeeping_s: float = 600.0,
                    handler_factory: Callable[[App, str], BaseSocketModeHandler] = socket_mode_handler) -> None:
    """Connect and answer until `stop` is set or Ctrl-C; `housekeeping` (e.g. purging expired conversations and
    history) runs every `housekeeping_s` seconds meanwhile. The connection is closed on the way out."""
    if not housekeeping_s > 0:
        raise ValueError(f"housekeeping_s must be greater than 0, got {housekeeping_s!r}")
    handler = handler_factory(app, app_token)
    stop = stop or threading.Event()
    handler.connect()
    log.info("Slack Socket Mode connected: answering mentions, direct messages and slash commands")
    try:
        while not stop.wait(housekeeping_s if housekeeping else None):
            try:
                housekeeping()  # type: ignore[misc]
            except Exception:  # noqa: BLE001 - housekeeping must never stop the bot
                log.exception("housekeeping failed; trying again in %.0f s", housekeeping_s)
    except KeyboardInterrupt:
        log.info("stopping Socket Mode")
    finally:
        handler.close()
