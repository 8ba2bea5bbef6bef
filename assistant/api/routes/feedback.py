"""POST /api/feedback: thumbs up or down on an answer, with an optional comment (redacted when stored)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import ServicesDep

router = APIRouter(tags=["feedback"])


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    helpful: bool
    comment: str | None = Field(None, max_length=2000)


class FeedbackReceipt(BaseModel):
    recorded: bool


@router.post("/api/feedback", response_model=FeedbackReceipt, responses={404: {"description": "Unknown answer"}})
def feedback(body: FeedbackRequest, services: ServicesDep) -> FeedbackReceipt:
    if not services.history.record_feedback(body.answer_id, body.helpful, body.comment, channel="web"):
        raise HTTPException(404, "no answer with that id (it may be older than the history retention period)")
    return FeedbackReceipt(recorded=True)
