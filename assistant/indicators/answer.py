"""A figure answer: the looked-up records stated plainly, each citing the table row or sentence it came from.

Every number in the answer text is the source's own printed text (the table cell, or the figure as the
sentence writes it), and the cited quote is the row or sentence holding it, so no figure is ever stated
that its citation does not show.
"""

from __future__ import annotations

from collections import defaultdict

from assistant.compose import Quote, citation
from assistant.contract import Citation, IndicatorValue
from assistant.indicators.lookup import LookupResult
from assistant.indicators.records import IndicatorRecord
from index.loaded import LoadedIndex


def display_value(record: IndicatorRecord) -> str:
    """The figure as printed: the cell text for tables; formatted from the value for prose."""
    if record.source == "table" and record.raw.strip():
        return record.raw.strip()
    value = f"{record.value:,.0f}" if record.value == int(record.value) else f"{record.value:,.2f}".rstrip("0")
    return {"%": f"{value}%", "£": f"£{value}"}.get(record.unit, value)


def _row_quote(record: IndicatorRecord, index: LoadedIndex) -> Quote | None:
    """The table line that prints the record's cell (the row of its breakdown when there is one)."""
    fallback = None
    for passage in index.table_passages(record.table_id) if record.table_id else []:
        offset = 0
        for line in passage.text.split("\n"):
            cells = [c.strip() for c in line.split("\t")]
            if record.raw.strip() in cells:
                quote = Quote(passage, offset, offset + len(line.rstrip()), table_row=True)
                label = (record.breakdown or record.indicator).lower()
                if cells and (cells[0].lower() in label or label in line.lower()):
                    return quote
                fallback = fallback or quote
            offset += len(line) + 1
    return fallback


def _sentence_quote(record: IndicatorRecord, index: LoadedIndex) -> Quote | None:
    if record.start is None or record.end is None:
        return None
    passage = index.passage_covering(record.document_id, record.start, record.end)
    return Quote(passage, record.start - passage.start, record.end - passage.start) if passage else None


def quote_for(record: IndicatorRecord, index: LoadedIndex) -> Quote | None:
    return _row_quote(record, index) if record.source == "table" else _sentence_quote(record, index)


def to_value(record: IndicatorRecord) -> IndicatorValue:
    return IndicatorValue(indicator=record.indicator, breakdown=record.breakdown, area=record.area,
                          period=record.period, value=record.value, unit=record.unit, document_id=record.document_id,
                          page=record.page, section=record.section, table=record.table, source=record.source)


def figure_answer(result: LookupResult, index: LoadedIndex, first: int = 1
                  ) -> tuple[str, list[Citation], list[IndicatorValue]]:
    """Lines like 'Referrals to children's social care, Redbridge: 2016/17 4125 [1]' with their citations."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    lines: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
    used: list[IndicatorRecord] = []
    for record in result.records:
        quote = quote_for(record, index)
        if quote is None:
            continue  # a figure whose source line cannot be shown is not stated
        spot = (quote.passage.id, quote.start, quote.end)
        if spot not in numbers:
            numbers[spot] = first + len(citations)
            citations.append(citation(numbers[spot], quote, index.documents.get(quote.passage.document_id)))
        lines[(record.breakdown, record.area)].append(f"{record.period or 'period not stated'}: "
                                                      f"{display_value(record)} [{numbers[spot]}]")
        used.append(record)
    if not used or result.series is None:
        return "", [], []
    head = result.series.indicator
    text = [f"{head}{f' ({used[0].unit})' if used[0].unit not in ('count', '%', '£') else ''}:"]
    for (breakdown, area), parts in lines.items():
        label = ", ".join(x for x in (breakdown, area) if x) or "value"
        text.append(f"• {label}: " + "; ".join(parts))
    notes = sorted({r.note for r in used if r.note})
    if notes:
        text.append("Notes: " + "; ".join(notes))
    return "\n".join(text), citations, [to_value(r) for r in used]
