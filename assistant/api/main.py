"""Entry point for uvicorn (`lscb serve`, or `uvicorn --factory assistant.api.main:build`)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from assistant.api.app import create_app
from assistant.config import Settings


def build() -> FastAPI:
    """The app for one worker process, configured from the environment (LSCB_* variables, .env)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return create_app(Settings())
