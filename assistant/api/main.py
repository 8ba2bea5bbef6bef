"""Entry point for uvicorn (`lscb serve`, or `uvicorn --factory assistant.api.main:build`)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from assistant.api.app import create_app
from assistant.config import Settings


def build() -> FastAPI:
    """The app for one worker process, configured from the environment (LSCB_* variables, .env)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # uvicorn's own access log prints each path with its raw query string (?q= carries questions); the app
    # writes its own, redacted one (lscb.access), so uvicorn's stays off however uvicorn was started.
    logging.getLogger("uvicorn.access").disabled = True
    return create_app(Settings())
