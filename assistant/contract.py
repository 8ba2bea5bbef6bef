"""The answer contract: what the engine returns to the CLI, the HTTP API and the Slack app, unchanged.

Every statement in `answer` is a quote carried by a citation; `[n]` markers in the text match `citations[n-1]`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """One quoted span, verified to occur verbatim in its source passage at `start:end` of its document."""

    n: int = Field(ge=1, description="The marker number used in the answer text, [n]")
    document_id: str
    title: str
    section: str = Field(description="Section path, ' › '-joined")
    page: int | None = None
    paragraph: str | None = None
    quote: str
    start: int = Field(ge=0, description="Character offset of the quote in the document text")
    end: int = Field(ge=0)
    published: dt.date | None = None
    url: str | None = Field(None, description="Link to the original document at its page, when served")
    passage_id: str


class IndicatorValue(BaseModel):
    """A typed figure (filled by the indicator store)."""

    indicator: str
    breakdown: str | None = None
    area: str | None = None
    period: str | None = None
    value: float
    unit: str
    document_id: str
    page: int | None = None
    section: str | None = None
    table: str | None = None
    source: str = Field("table", alias="from", description="'table' or 'prose'")

    model_config = {"populate_by_name": True}


class Related(BaseModel):
    """A passage close to the question that is not offered as its answer."""

    document_id: str
    title: str
    section: str
    page: int | None = None
    snippet: str
    passage_id: str
    url: str | None = None


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    urgent: bool
    citations: list[Citation] = Field(default_factory=list)
    indicators: list[IndicatorValue] = Field(default_factory=list)
    related: list[Related] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list, description="Lines shown before the answer (urgent route)")
    edition: str | None = Field(None, description="Which edition is quoted when documents disagree")
    conversation_id: str | None = None
    resolved_question: str | None = Field(None, description="The standalone question a follow-up became")
    corpus_version: str
    answer_id: str
    timings_ms: dict[str, float] = Field(default_factory=dict)
