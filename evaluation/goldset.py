"""The gold sets (evaluation/gold/*.yaml) as typed records."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

GOLD_DIR = Path(__file__).with_name("gold")
Category = Literal["thresholds", "escalation", "private-fostering", "priorities", "figures", "national-guidance",
                   "board", "unanswerable", "followup"]


class Evidence(BaseModel):
    document: str
    quote: str


class GoldIndicator(BaseModel):
    name: str
    area: str | None = None
    period: str | None = None
    value: float
    unit: str
    breakdown: str | None = None


class GoldQuestion(BaseModel):
    id: str
    question: str
    category: Category
    style: Literal["plain", "slack", "followup"] = "plain"
    relevant: list[Evidence] = Field(default_factory=list)
    key_facts: list[str | int | float] = Field(default_factory=list)
    indicator: GoldIndicator | None = None
    abstain: bool = False
    follows: str | None = None
    resolved: str | None = None
    notes: str | None = None

    @property
    def retrieval_query(self) -> str:
        """What retrieval is scored on: a follow-up's standalone form (context resolution is scored apart)."""
        return self.resolved or self.question


def load_gold(directory: Path = GOLD_DIR) -> list[GoldQuestion]:
    """Every question in every YAML file of `directory`, in file then file order."""
    questions: list[GoldQuestion] = []
    for path in sorted(directory.glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        questions.extend(GoldQuestion.model_validate(item) for item in items)
    return questions
