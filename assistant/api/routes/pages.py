"""The widget script and the demo page that embeds it (files in bots/widget/)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from assistant.config import PROJECT_ROOT

router = APIRouter(tags=["widget"], include_in_schema=False)
WIDGET_DIR = PROJECT_ROOT / "bots" / "widget"


def _file(name: str, media: str) -> FileResponse:
    path: Path = WIDGET_DIR / name
    if not path.is_file():
        raise HTTPException(404, f"{name} is missing from bots/widget/")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=300"})


@router.get("/widget.js")
def widget() -> FileResponse:
    return _file("widget.js", "text/javascript; charset=utf-8")


@router.get("/")
def demo() -> FileResponse:
    return _file("demo.html", "text/html; charset=utf-8")


@router.get("/favicon.ico", status_code=204)
def favicon() -> None:
    """No icon: answering 204 keeps browsers from logging a 404 when a document opens in a tab."""
