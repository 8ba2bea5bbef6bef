"""POST /api/ask: the answer contract."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import EngineDep, ServicesDep
from assistant.contract import Answer
from assistant.engine import QuestionError

router = APIRouter(tags=["answers"])


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=4000, description="The question, in plain words")
    conversation_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{8,128}$",
                                        description="From a previous answer, to ask a follow-up")


@router.post("/api/ask", response_model=Answer, response_model_by_alias=True,
             responses={400: {"description": "The question cannot be asked as given"},
                        429: {"description": "Too many questions; see Retry-After"}})
def ask(body: AskRequest, engine: EngineDep, services: ServicesDep) -> Answer:
    """Answer a question from the documents: quoted, cited, verified; or say they don't hold it."""
    try:
        answer = engine.ask(body.question, body.conversation_id)
    except QuestionError as exc:
        raise HTTPException(400, str(exc)) from exc
    services.history.record_answer(answer, channel="web")
    return answer
