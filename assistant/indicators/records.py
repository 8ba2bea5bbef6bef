"""The indicator record: one figure with its meaning (indicator, breakdown, area, period, unit) and its source."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Unit = Literal["count", "%", "rate per 10,000", "£", "weeks", "days", "average per child", "ratio"]
Source = Literal["table", "prose"]


class IndicatorRecord(BaseModel):
    """One published figure.

    `period` is canonical: "2016/17" (financial or academic year), "2016" (calendar year), "2016/17 Q4"
    (a quarter of a financial year), "31 March 2017" (a point in time), or None when the source gives none.
    `area` is "Redbridge", "National", "Statistical neighbours", a named agency, or another comparator
    as the source names it; None only when the source names none (the document's own area is then meant).
    """

    indicator: str = Field(description="What is measured, as the source names it (table title or row label)")
    breakdown: str | None = Field(None, description="A category within it: abuse category, agency, level…")
    area: str | None = None
    period: str | None = None
    value: float
    unit: Unit
    document_id: str
    page: int | None = None
    section: str | None = Field(None, description="Section path, ' › '-joined")
    table: str | None = Field(None, description="Table title (or a description of it) for table figures")
    table_id: str | None = None
    raw: str = Field(description="The source text of the figure exactly as printed: the cell, or the sentence")
    source: Source = "table"
    start: int | None = Field(None, description="Offset of `raw` in the document text, for prose figures")
    end: int | None = None
    note: str | None = Field(None, description="Footnote or revision note")

    def key(self) -> tuple[str, str | None, str | None, str | None]:
        """What makes two records the same figure (across documents, for series merging)."""
        return (self.indicator.lower(), (self.breakdown or "").lower() or None, (self.area or "").lower() or None,
                self.period)
