"""Dependencies as Annotated aliases, and the domain-error translation (the only place errors become HTTP)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from assistant.api.services import Services
from assistant.engine import AnswerEngine
from index.store import StoreError


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_engine(services: Annotated[Services, Depends(get_services)]) -> AnswerEngine:
    try:
        return services.engine()
    except StoreError as exc:
        raise HTTPException(503, f"no index is being served yet: {exc}") from exc


ServicesDep = Annotated[Services, Depends(get_services)]
EngineDep = Annotated[AnswerEngine, Depends(get_engine)]
