"""The FastAPI application: routes, limits, CORS, access logs, and start/stop of the shared services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from assistant.api.access_log import AccessLog
from assistant.api.limits import BodyLimit, ConcurrencyLimit, RateLimit, TokenBucket
from assistant.api.routes import admin, ask, documents, feedback, health, indicators, pages, search
from assistant.api.services import Services
from assistant.config import Settings
from index.store import StoreError

log = logging.getLogger("lscb.service")
PLACEHOLDERS = frozenset({"changeme", "change-me", "change_me", "secret", "password", "admin", "token", "xxx",
                          "placeholder", "replace-me", "your-token-here"})


def check_secrets(settings: Settings) -> None:
    """Refuse to start with a placeholder or weak admin token (unset is fine: the admin page is then off)."""
    token = settings.admin_token
    if token is not None and (token.strip().lower() in PLACEHOLDERS or len(token) < 16):
        raise ValueError("LSCB_ADMIN_TOKEN is a placeholder or shorter than 16 characters: set a long random "
                         "token, e.g. `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`")


def create_app(settings: Settings, services: Services | None = None, housekeeping_s: float = 600.0) -> FastAPI:
    check_secrets(settings)
    services = services or Services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await asyncio.to_thread(services.warm_up)
        except StoreError as exc:
            log.warning("no index yet (%s): /ready reports 503 until one is built", exc)
        task = asyncio.create_task(_housekeeping(services, housekeeping_s))
        yield
        task.cancel()
        services.close()

    app = FastAPI(title="LSCB knowledge assistant", version="0.1.0", lifespan=lifespan,
                  description="Quoted, cited answers from the board's own documents.")
    app.state.services = services
    for module in (ask, search, indicators, documents, feedback, health, pages, admin):
        app.include_router(module.router)
    if settings.slack_bot_token and settings.slack_signing_secret:
        app.include_router(_slack_router(settings, services))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                    for e in exc.errors()]
        return JSONResponse({"detail": "the request is not valid: fix the fields listed", "errors": problems},
                            status_code=422)

    app.add_middleware(ConcurrencyLimit, limit=settings.max_inflight_asks, paths=("/api/ask",))
    app.add_middleware(RateLimit, bucket=TokenBucket(settings.ask_rate_per_minute), paths=("/api/ask",))
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                       allow_headers=["content-type"], max_age=600)
    app.add_middleware(BodyLimit, limits={"/admin": int(settings.max_upload_mb * 1024 * 1024)},
                       default=settings.max_body_kb * 1024)
    app.add_middleware(AccessLog)
    return app


def _slack_router(settings: Settings, services: Services):
    """The Slack Events API endpoints (/slack/events, /slack/interactive, /slack/commands)."""
    from slack_sdk import WebClient

    from bots.slack import CurrentEngine, EventLedger, build_slack_app, slack_router

    slack = build_slack_app(
        CurrentEngine(services.engine),
        WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url),
        settings.slack_signing_secret, services.history, EventLedger(settings.slack_events_path),
        public_base_url=settings.public_url, command=settings.slack_command,
        home_documents=lambda: [d.meta.title for d in services.engine().index.documents.values()])
    return slack_router(slack)


async def _housekeeping(services: Services, every_s: float) -> None:
    while True:
        try:
            await asyncio.to_thread(services.housekeeping)
        except Exception:  # noqa: BLE001 - housekeeping must never stop the service; it logs and retries
            log.exception("housekeeping failed; retrying in %.0f s", every_s)
        await asyncio.sleep(every_s)
