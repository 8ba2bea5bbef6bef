"""The admin page (GET /admin) and its JSON API under /admin/api/, for the board's business manager.

Every API call needs `Authorization: Bearer <LSCB_ADMIN_TOKEN>` (401 otherwise); with no token configured the
whole of /admin answers 404. Nothing under /admin may be cached. Bodies are capped by the BodyLimit
middleware (413 before they are read); uploads are parsed here, not by FastAPI, so that cap is not turned
into a 400. Domain errors become HTTP status codes in `_translated` and nowhere else.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from assistant.admin.console import AdminConsole, Overview
from assistant.admin.corpus_editor import RemovedDocument, StoredUpload, parse_fields
from assistant.admin.errors import (AdminError, InvalidUpload, ManifestEditError, RefreshConflict, UnknownDocument,
                                    UnsupportedUpload)
from assistant.admin.library import DocumentStatus
from assistant.admin.refresh import RefreshStatus
from assistant.api.deps import ServicesDep
from assistant.config import PROJECT_ROOT
from index.store import StoreError

ADMIN_DIR = PROJECT_ROOT / "bots" / "admin"
NO_STORE = {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache"}
PAGE_HEADERS = {
    **NO_STORE,
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
}
STATIC = {"admin.js": "text/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}
FORM_FIELDS = ("title", "kind", "published", "supersedes", "publisher", "area", "period")
STATUS: dict[type[AdminError], int] = {UnsupportedUpload: 415, InvalidUpload: 422, UnknownDocument: 404,
                                       RefreshConflict: 409, ManifestEditError: 409}


class NoStoreRoute(APIRoute):
    """Adds `Cache-Control: no-store` to every response of the route, errors included."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def no_store(request: Request) -> Response:
            try:
                response = await handler(request)
            except HTTPException as exc:
                exc.headers = {**(exc.headers or {}), **NO_STORE}
                raise
            for name, value in NO_STORE.items():
                response.headers.setdefault(name, value)
            return response

        return no_store


router = APIRouter(prefix="/admin", tags=["admin"], route_class=NoStoreRoute, include_in_schema=False)


def admin_enabled(services: ServicesDep) -> str:
    """The configured token; 404 when the admin page is off (no LSCB_ADMIN_TOKEN)."""
    token = services.settings.admin_token
    if token is None:
        raise HTTPException(404, "Not Found")
    return token


def authorised(token: Annotated[str, Depends(admin_enabled)],
               authorization: Annotated[str | None, Header()] = None) -> None:
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "the admin token is missing or wrong: sign in with the token set in "
                                 "LSCB_ADMIN_TOKEN", headers={"WWW-Authenticate": "Bearer"})


_create = threading.Lock()


def get_console(request: Request, services: ServicesDep) -> AdminConsole:
    """The app's AdminConsole, made on first use (a test or create_app may set `app.state.admin` first)."""
    with _create:
        console = getattr(request.app.state, "admin", None)
        if console is None:
            console = request.app.state.admin = AdminConsole(services)
    return console


Enabled = Depends(admin_enabled)
Authorised = [Depends(authorised)]
ConsoleDep = Annotated[AdminConsole, Depends(get_console)]


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except AdminError as exc:
        raise HTTPException(STATUS.get(type(exc), 400), str(exc)) from exc
    except StoreError as exc:
        raise HTTPException(409, str(exc)) from exc


def _file(name: str, media: str) -> FileResponse:
    path = ADMIN_DIR / name
    if not path.is_file():
        raise HTTPException(404, f"{name} is missing from bots/admin/")
    return FileResponse(path, media_type=media, headers=PAGE_HEADERS)


@router.get("", dependencies=[Enabled])
def page() -> FileResponse:
    """The admin page; it asks for the token and sends it with every API call."""
    return _file("index.html", "text/html; charset=utf-8")


@router.get("/static/{name}", dependencies=[Enabled])
def static(name: str) -> FileResponse:
    if name not in STATIC:
        raise HTTPException(404, "Not Found")
    return _file(name, STATIC[name])


@router.get("/api/overview", dependencies=Authorised)
def overview(console: ConsoleDep) -> Overview:
    """The serving version, its counts, the versions kept, and the choices the upload form offers."""
    return console.overview()


@router.get("/api/documents", dependencies=Authorised)
def documents(console: ConsoleDep) -> list[DocumentStatus]:
    return console.documents()


@router.post("/api/documents", status_code=201, dependencies=Authorised)
async def upload(request: Request, console: ConsoleDep) -> StoredUpload:
    """multipart/form-data: `file` (PDF or DOCX) plus title, kind, published, supersedes, publisher, area."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise HTTPException(415, "send the document as multipart/form-data with a `file` field")
    form = await request.form(max_files=1, max_fields=len(FORM_FIELDS) + 4)
    try:
        upload_file = form.get("file")
        if not isinstance(upload_file, UploadFile):
            raise HTTPException(422, "no file was sent: choose a PDF or Word document")
        raw = {k: v for k in FORM_FIELDS if isinstance(v := form.get(k), str)}
        with _translated():
            fields = parse_fields(raw)
            return await run_in_threadpool(console.upload, upload_file.file, upload_file.filename, fields)
    finally:
        await form.close()


@router.delete("/api/documents/{doc_id}", dependencies=Authorised)
def remove(doc_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")],
           console: ConsoleDep) -> RemovedDocument:
    """Delete the file and its manifest entry; the next refresh drops it from the index."""
    with _translated():
        return console.editor.remove(doc_id)


@router.get("/api/refresh", dependencies=Authorised)
def refresh_status(console: ConsoleDep) -> RefreshStatus:
    return console.refresh.status()


@router.post("/api/refresh", status_code=202, dependencies=Authorised)
def refresh_start(console: ConsoleDep) -> RefreshStatus:
    """Build a new version in the background (not served); poll GET /admin/api/refresh for progress."""
    with _translated():
        return console.refresh.start()


@router.post("/api/refresh/publish", dependencies=Authorised)
def refresh_publish(console: ConsoleDep) -> RefreshStatus:
    with _translated():
        return console.refresh.publish()


@router.post("/api/refresh/discard", dependencies=Authorised)
def refresh_discard(console: ConsoleDep) -> RefreshStatus:
    with _translated():
        return console.refresh.discard()


class RolledBack(BaseModel):
    serving_version: str


@router.post("/api/rollback", dependencies=Authorised)
def rollback(console: ConsoleDep) -> RolledBack:
    """Serve the version before the current one."""
    with _translated():
        return RolledBack(serving_version=console.refresh.rollback())
