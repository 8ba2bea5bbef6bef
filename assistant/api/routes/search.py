"""GET /api/search: ranked passages with their provenance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from assistant.api.deps import EngineDep
from assistant.compose import document_url

router = APIRouter(tags=["search"])


class PassageHit(BaseModel):
    rank: int
    score: float
    document_id: str
    title: str
    section: str
    page: int | None
    paragraph: str | None
    text: str
    url: str


@router.get("/api/search", response_model=list[PassageHit])
def search(engine: EngineDep, q: Annotated[str, Query(min_length=1, max_length=1000)],
           k: Annotated[int, Query(ge=1, le=50)] = 5) -> list[PassageHit]:
    hits = engine.retriever.search(q, k=k)
    return [PassageHit(rank=h.rank, score=h.score, document_id=h.passage.document_id, title=h.passage.title,
                       section=h.passage.section_path, page=h.passage.page, paragraph=h.passage.paragraph,
                       text=h.passage.text, url=document_url(h.passage.document_id, h.passage.page)) for h in hits]
