"""HTTP mode: the Slack app's endpoints in the FastAPI service.

    api.include_router(slack_router(slack_app))     # POST /slack/events, /slack/interactive, /slack/commands

All three paths go to the same app (bolt tells events, interactivity and commands apart by the body), so the
manifest can use one URL or three. Each request is dispatched in a worker thread: the signature check, the
event-id ledger and the acknowledgement never block the event loop, and the answer itself runs later in a lazy
listener.

`slack_request_handler(app)` gives bolt's own FastAPI handler instead, for a caller who prefers it
(`return await handler.handle(request)` in a route); it dispatches on the event loop thread.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

SLACK_PATHS = ("/events", "/interactive", "/commands")


def slack_request_handler(app: App) -> SlackRequestHandler:
    """bolt's FastAPI adapter for `app`."""
    return SlackRequestHandler(app)


def slack_router(app: App, prefix: str = "/slack") -> APIRouter:
    """POST {prefix}/events, {prefix}/interactive and {prefix}/commands, all answered by `app`."""
    router = APIRouter(prefix=prefix, tags=["slack"], include_in_schema=False)

    async def slack_endpoint(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    for path in SLACK_PATHS:
        router.add_api_route(path, slack_endpoint, methods=["POST"], name=f"slack{path.replace('/', '_')}")
    return router
