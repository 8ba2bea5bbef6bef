"""Figures: GET /api/indicators (a lookup), and charts of a series as SVG or PNG."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel

from assistant.api.deps import EngineDep
from assistant.contract import IndicatorValue
from assistant.indicators.answer import to_value
from assistant.indicators.lookup import LookupResult, Series

router = APIRouter(tags=["indicators"])
MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


class IndicatorLookupResponse(BaseModel):
    series_id: str | None
    indicator: str | None
    score: float
    missing_period: bool
    periods_asked: list[str]
    periods_available: list[str]
    records: list[IndicatorValue]
    chart_svg: str | None
    chart_png: str | None


def _lookup(engine, q: str, period: str | None, area: str | None) -> LookupResult:
    lookup = engine.indicator_lookup
    if lookup is None or not lookup.series:
        raise HTTPException(404, "this index holds no indicators")
    return lookup.lookup(q, period=period, area=area)


@router.get("/api/indicators", response_model=IndicatorLookupResponse, response_model_by_alias=True)
def indicators(engine: EngineDep, q: Annotated[str, Query(min_length=1, max_length=1000)],
               period: Annotated[str | None, Query(max_length=40)] = None,
               area: Annotated[str | None, Query(max_length=80)] = None) -> IndicatorLookupResponse:
    result = _lookup(engine, q, period, area)
    sid = result.series.id if result.series else None
    return IndicatorLookupResponse(
        series_id=sid, indicator=result.series.indicator if result.series else None, score=result.score,
        missing_period=result.missing_period, periods_asked=result.periods, periods_available=result.available_periods,
        records=[to_value(r) for r in result.records],
        chart_svg=f"/api/indicators/{sid}/chart.svg" if sid else None,
        chart_png=f"/api/indicators/{sid}/chart.png" if sid else None)


def _chart(series: Series, fmt: Literal["svg", "png"], kind: str, engine) -> Response:
    from assistant.indicators.charts import ChartError, comparison_chart, trend_chart

    first = series.records[0]
    doc = engine.index.documents.get(first.document_id)
    source = ", ".join(x for x in (doc.meta.title if doc else first.document_id, first.table,
                                   f"page {first.page}" if first.page else None) if x)
    records = series.records
    if len({r.breakdown for r in records}) > 1 and kind == "trend":
        total = [r for r in records if (r.breakdown or "").lower().startswith("total")]
        records = total or records
    try:
        draw = comparison_chart if kind == "comparison" else trend_chart
        body = draw(records, fmt, title=series.indicator, source=source)
    except ChartError as exc:
        raise HTTPException(422, str(exc)) from exc
    return Response(body, media_type=MEDIA[fmt], headers={"Cache-Control": "public, max-age=300"})


@router.get("/api/indicators/{series_id}/chart.{fmt}", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
def chart(series_id: str, fmt: Literal["svg", "png"], engine: EngineDep,
          kind: Annotated[Literal["trend", "comparison"], Query()] = "trend") -> Response:
    lookup = engine.indicator_lookup
    series = lookup.by_id(series_id) if lookup else None
    if series is None:
        raise HTTPException(404, f"no indicator series {series_id!r}: find one with /api/indicators?q=…")
    return _chart(series, fmt, kind, engine)


@router.get("/api/indicators/chart.{fmt}", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}})
def chart_for_question(fmt: Literal["svg", "png"], engine: EngineDep,
                       q: Annotated[str, Query(min_length=1, max_length=1000)],
                       kind: Annotated[Literal["trend", "comparison"], Query()] = "trend") -> Response:
    result = _lookup(engine, q, None, None)
    if result.series is None:
        raise HTTPException(404, "no indicator matches that")
    return _chart(result.series, fmt, kind, engine)
