"""GET /health (the process is up) and GET /ready (an index is loaded, and which)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.deps import ServicesDep
from index.store import StoreError

router = APIRouter(tags=["operations"])


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
def ready(services: ServicesDep) -> JSONResponse:
    try:
        engine = services.engine()
    except StoreError as exc:
        return JSONResponse({"ready": False, "detail": str(exc)}, status_code=503)
    index = engine.index
    return JSONResponse({"ready": True, "index_version": index.version,
                         "corpus_version": index.manifest.corpus_version, "passages": len(index.passages),
                         "documents": len(index.documents), "indicators": len(index.indicators)})
