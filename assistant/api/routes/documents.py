"""The library: GET /api/documents, GET /api/documents/{id}, and the original file at /documents/{id}."""

from __future__ import annotations

import datetime as dt
import mimetypes

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel

from assistant.api.deps import EngineDep, ServicesDep

router = APIRouter(tags=["documents"])


class DocumentInfo(BaseModel):
    id: str
    title: str
    kind: str
    published: dt.date | None
    area: str | None
    pages: int
    passages: int
    tables: int
    status: str
    warnings: list[str]
    url: str


def _info(engine, doc_id: str) -> DocumentInfo:
    entry = next((d for d in engine.index.manifest.documents if d.id == doc_id), None)
    stored = engine.index.documents.get(doc_id)
    if entry is None or stored is None:
        raise HTTPException(404, f"no document {doc_id!r}: see /api/documents")
    meta = stored.meta
    return DocumentInfo(id=doc_id, title=meta.title, kind=meta.kind.value, published=meta.published, area=meta.area,
                        pages=entry.pages, passages=entry.passages, tables=entry.tables,
                        status="warnings" if entry.warnings else "indexed", warnings=entry.warnings,
                        url=f"/documents/{doc_id}")


@router.get("/api/documents", response_model=list[DocumentInfo])
def documents(engine: EngineDep) -> list[DocumentInfo]:
    return [_info(engine, d.id) for d in engine.index.manifest.documents]


@router.get("/api/documents/{doc_id}", response_model=DocumentInfo)
def document(doc_id: str, engine: EngineDep) -> DocumentInfo:
    return _info(engine, doc_id)


@router.get("/documents/{doc_id}", response_class=FileResponse)
def original(doc_id: str, engine: EngineDep, services: ServicesDep) -> FileResponse:
    """The original file (a PDF opens at #page=N in the browser)."""
    stored = engine.index.documents.get(doc_id)
    if stored is None:
        raise HTTPException(404, f"no document {doc_id!r}: see /api/documents")
    root = services.settings.corpus_dir.resolve()
    path = (root / stored.meta.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(404, f"the file for {doc_id!r} is no longer in the corpus folder")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return FileResponse(path, media_type=media, filename=path.name, content_disposition_type="inline")
