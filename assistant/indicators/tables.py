"""Indicator records from the tables ingestion saved: one record per figure cell, never one for a blank.

How a table is read (general rules, nothing keyed to one report's titles or labels):

1. **Layout.** Footnote rows inside the table ("*Most recent data available") become footnotes. When the
   saved header holds no period but one of the first body rows is a row of periods (a PDF whose real header
   landed in the body), that row becomes the header, and a header row above it that only numbers fields
   ("CPP rate 1", "CPP rate 2", ...) is dropped. A blank header cell belongs to the merged cell on its left
   ("Year End 2016 – 2017" over "Level 2" and "Level 3"; "Income" over its label and amount columns); a
   column's header is its header cells top to bottom.
2. **Columns.** A column is a *value* column when most of its filled cells are numbers, a *label* column
   when most are words. The first column is the stub (labels) unless its header is a period or a comparator
   (a one-row table of years). A column with no header, or whose header is a comparison rather than a figure
   ("Change from previous year", "Trend", "National Rank", "Quartile Banding", "Difference"), gives no
   records. A table where under a fifth of the filled body cells are numbers (a business plan, a
   thresholds grid) gives none at all. Each value column reads its row labels from the nearest label
   columns on its left, so paired layouts (Income | amount | Expenditure | amount) work.
3. **Periods** (`periods.find_periods`): from the column header ("2016/17", "Redbridge 2016/17"), the row
   label ("Missing from home 2016/2017"), or both when they combine (a quarter and a year). Only when no
   header or label in the table carries a period does the title, else the introducing sentence, else the
   heading before the table give one (a single distinct period). A column without a period in a table whose
   other columns have them may be dated by a nearby sentence that shares a word with its header and none
   with the other headers ("The population profile figures are drawn from the 2011 census"). A cell whose
   row and column disagree on the period, or whose period is a quarter or a month ("Apr") with no year, gives
   no record.
4. **Areas**: a column header naming a comparator gives the area: "National" (England, national),
   "Statistical neighbours", a region, "LA" (the document's own area: None); a short proper name beside
   such columns ("Redbridge 2016/17") is an area too. Rows are areas when the stub header names places
   ("Local authority", "Region", "Statistical neighbours") or a row label is a comparator ("England"), or
   when it names agencies ("Agency", "Provider", "Trust") and most figures are percentages (each agency's
   own performance; counts by agency are a breakdown of the area's total), and in each case no row is a
   total. The label is then the area, without a leading authority code ("938 West Sussex"). Otherwise the
   area is None (the document's own area is meant).
5. **Indicator and breakdown.** Rows are indicators when the stub header says so ("Indicator", "Measure"),
   or names the periods across the top ("Year" over "2014/15 | 2015/16", so "Referrals" below is what is
   counted), or most row labels name a measure ("% of repeat referrals ..."): the row label is the indicator
   and any other column words the breakdown. Otherwise a column header that names a measure ("No. of
   children", "Average no. of episodes per child", "Income", "% of children subject to a CP Plan") is the
   indicator, after the table's title or the heading just before it ("Missing Children: No. of children"),
   and the row label is the breakdown; so is the header of a table's only value column ("Contribution").
   Otherwise the table's subject (title, introducing sentence or heading) is the indicator and the row label
   and column words are the breakdown ("Level 2"). Totals stay as records. Periods are taken out of names
   built from a title or heading, so an indicator keeps one name across years. A value column whose rows
   have no labels at all gives records only when it holds a single figure.
6. **Units**: the cell's own sign ("%", "£", "12 weeks"), else the first of column words, row label,
   indicator and table subject that names one (`values.infer_unit`), else "count".
7. **Notes**: the footnote whose mark a header, label or cell carries, parenthetical remarks such as
   "(estimate based on six months data)" or "(to nearest whole number)", and unmarked "Note:" lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast, get_args

from assistant.indicators.periods import combine_periods, find_periods, normalise_period
from assistant.indicators.records import IndicatorRecord, Unit
from assistant.indicators.table_context import TableContext, add_footnote, clean_heading, footnote, table_context
from assistant.indicators.table_labels import (AGENCY_STUB, DERIVED, INDICATOR_STUB, LA_CODE, PLACE_STUB, Axis,
                                               comparator, content_words, is_measure, looks_like_name, read_axis,
                                               strip_periods)
from assistant.indicators.values import infer_unit, is_placeholder, parse_value, strip_marker
from assistant.types import Table

_MIN_NUMERIC_SHARE = 0.2
_PERIOD_ROW_SEARCH = 3
_UNITS = frozenset(get_args(Unit))
_BARE_QUARTER = re.compile(r"Q[1-4]")


# -- layout ------------------------------------------------------------------------------------------------
def _is_period_cell(cell: str) -> bool:
    return normalise_period(strip_marker(cell)[0]) is not None


def _is_period_row(row: list[str]) -> bool:
    """A row of periods standing as a header: two or more period cells and no other numbers."""
    cells = row[1:]
    periods = sum(_is_period_cell(c) for c in cells)
    numbers = sum(parse_value(c) is not None and not _is_period_cell(c) for c in cells)
    return periods >= 2 and numbers == 0


def _is_field_code_row(row: list[str]) -> bool:
    """A header row that only numbers fields: "CPP rate 1", "CPP rate 2", ... (one stem, trailing numbers)."""
    cells = [c.strip() for c in row if c.strip()]
    stems = {re.sub(r"[\s_]*\d+$", "", c).lower() for c in cells}
    return len(cells) >= 3 and all(re.search(r"\d$", c) for c in cells) and len(stems) == 1 and "" not in stems


def _layout(table: Table) -> tuple[list[list[str]], list[list[str]], dict[str, str]]:
    """(header rows with merged cells filled, body rows, footnotes found inside the table)."""
    width = max((len(r) for r in table.header_rows + table.rows), default=0)
    header = [[c.strip() for c in r] + [""] * (width - len(r)) for r in table.header_rows]
    body: list[list[str]] = []
    notes: dict[str, str] = {}
    for row in table.rows:
        cells = [c.strip() for c in row] + [""] * (width - len(row))
        note = footnote(cells[0]) if cells and not any(cells[1:]) else None
        if note is not None:
            add_footnote(notes, *note)
        else:
            body.append(cells)
    if not any(_is_period_cell(c) or find_periods(c) for r in header for c in r):
        for i, row in enumerate(body[:_PERIOD_ROW_SEARCH]):
            if _is_period_row(row):
                header = [r for r in header if not _is_field_code_row(r)] + body[:i + 1]
                body = body[i + 1:]
                break
    filled = []
    for row in header:
        out, left = [], ""
        for cell in row:
            if cell:
                left = "" if is_placeholder(cell) else cell
                out.append(left)
            else:
                out.append(left if out else "")
        filled.append(out)
    return filled, body, notes


def _column_headers(header: list[list[str]], width: int) -> list[str]:
    headers = []
    for c in range(width):
        parts: list[str] = []
        for row in header:
            if row[c] and (not parts or parts[-1] != row[c]):
                parts.append(row[c])
        headers.append(" ".join(parts))
    return headers


def _roles(headers: list[str], body: list[list[str]]) -> list[str]:
    """'value', 'label', 'skip' (a comparison column) or 'empty' for each column."""
    roles = []
    for c, head in enumerate(headers):
        cells = [row[c] for row in body]
        numeric = sum(parse_value(x) is not None for x in cells)
        text = sum(bool(x) and not is_placeholder(x) and parse_value(x) is None for x in cells)
        axis = read_axis(head)
        if c == 0 and not (axis.period or comparator(axis.term) is not None) or not head.strip():
            roles.append("label")
        elif DERIVED.search(head):
            roles.append("skip")
        elif text > numeric:
            roles.append("label")
        else:
            roles.append("value" if numeric else "empty")
    return roles


def _label_run(roles: list[str], column: int) -> list[int]:
    """The label columns that name the rows for a value column: the nearest run of them on its left."""
    j = column - 1
    while j >= 0 and roles[j] != "label":
        j -= 1
    end = j
    while j >= 0 and roles[j] == "label":
        j -= 1
    return list(range(j + 1, end + 1))


def _row_labels(body: list[list[str]], run: list[int]) -> list[str]:
    """Each row's label from the run's cells; in a run of several columns a blank cell repeats the one above."""
    labels, above = [], [""] * len(run)
    for row in body:
        cells = [row[k] for k in run]
        if len(run) > 1 and any(cells):
            cells = [cell or (above[i] if i < len(run) - 1 else "") for i, cell in enumerate(cells)]
            above = cells
        if any(re.search(r"[A-Za-z]", c) for c in cells):
            cells = [c for c in cells if not re.fullmatch(r"\d+", c)]
        labels.append(" – ".join(c for c in cells if c))
    return labels


# -- periods -----------------------------------------------------------------------------------------------
def _table_period(context: TableContext) -> str | None:
    """The one period the title, else the introducing sentence, else the heading names (None if several)."""
    for text in (context.title, context.intro, context.heading):
        periods = {m.period for m in find_periods(text or "") if not _BARE_QUARTER.fullmatch(m.period)}
        if periods:
            return periods.pop() if len(periods) == 1 else None
    return None


def _period_from_sentences(term: str, others: list[str], sentences: tuple[str, ...]) -> str | None:
    """The single period of nearby sentences that share a word with this column's term and none with the
    other columns' terms (there must be some to contrast with); None when none does or they disagree."""
    other = set().union(*(content_words(o) for o in others))
    own = content_words(term) - other
    found: set[str] = set()
    for sentence in sentences if own else ():
        words = content_words(sentence)
        if words & own and not words & other:
            found |= {m.period for m in find_periods(sentence) if not _BARE_QUARTER.fullmatch(m.period)}
    return found.pop() if len(found) == 1 else None


# -- records -----------------------------------------------------------------------------------------------
@dataclass
class _Run:
    """The rows as one label run reads them."""

    axes: list[Axis]
    as_indicators: bool
    as_areas: bool


def _read_run(body: list[list[str]], run: list[int], stub: str, columns_have_areas: bool, rated: bool) -> _Run:
    """How one label run reads its rows. `rated` says most figures carry a "%" sign: rows of agencies are then
    the agencies' own performance (areas), while counts by agency are a breakdown of the area's total."""
    labels = _row_labels(body, run) if run else [""] * len(body)
    axes = [read_axis(label) for label in labels]
    terms = [a.term for a in axes if a.term]
    as_indicators = bool(INDICATOR_STUB.fullmatch(stub.strip())) or (
        bool(terms) and sum(is_measure(t) for t in terms) * 2 >= len(terms))
    has_total = any(re.match(r"total\b", t, re.IGNORECASE) for t in terms)
    as_areas = not (as_indicators or columns_have_areas or has_total) and bool(terms) and (
        bool(PLACE_STUB.fullmatch(stub.strip())) or (rated and bool(AGENCY_STUB.fullmatch(stub.strip())))
        or any(comparator(LA_CODE.sub("", t)) for t in terms))
    if as_areas:
        for axis in axes:
            name = LA_CODE.sub("", axis.term)
            axis.area, axis.term = (comparator(name) if comparator(name) is not None else name), ""
    return _Run(axes, as_indicators, as_areas)


def extract_table(table: Table, document_text: str = "") -> list[IndicatorRecord]:
    """The indicator records of one saved table, read as the module docstring describes.

    `document_text` is the loaded text of the table's document (what `table.start`/`table.end` index, as
    stored with the index); it supplies the introducing sentence, headings and footnotes. Without it only
    the table's own title is known.
    """
    context = table_context(table, document_text)
    header, body, inner_notes = _layout(table)
    if not body or not header:
        return []
    footnotes = {**context.footnotes, **inner_notes}
    width = len(body[0])
    headers = _column_headers(header, width)
    roles = _roles(headers, body)
    filled = [c for row in body for c in row if c and not is_placeholder(c)]
    numeric = [c for row in body for c in row if parse_value(c) is not None]
    if "value" not in roles or len(numeric) < _MIN_NUMERIC_SHARE * len(filled):
        return []

    values = [c for c, role in enumerate(roles) if role == "value"]
    columns = {c: read_axis(headers[c]) for c in values}
    for axis in columns.values():
        area = comparator(axis.term)
        if area is not None:
            axis.area, axis.term = area, ""
    if any(a.area is not None for a in columns.values()):
        for axis in columns.values():
            if axis.area is None and looks_like_name(axis.term):
                axis.area, axis.term = axis.term, ""
    columns_have_areas = any(a.area is not None for a in columns.values())
    parsed_cells = [parse_value(row[c]) for row in body for c in values]
    hints = [p[1] for p in parsed_cells if p is not None]
    rated = hints.count("%") * 2 > len(hints)
    runs: dict[tuple[int, ...], _Run] = {}
    for c in values:
        run = tuple(_label_run(roles, c))
        if run not in runs:
            runs[run] = _read_run(body, list(run), headers[run[0]] if run else "", columns_have_areas, rated)

    axis_periods = any(a.period for a in columns.values()) or any(
        a.period for r in runs.values() for a in r.axes)
    table_period = _table_period(context)
    subject = context.subject or (clean_heading(table.section[-1]) if table.section else None)
    records: list[IndicatorRecord] = []
    for c in values:
        col = columns[c]
        if col.conflict:
            continue
        run = runs[tuple(_label_run(roles, c))]
        if sum(parse_value(row[c]) is not None for row in body) > 1 and not any(a.term or a.period or a.area
                                                                              for a in run.axes):
            continue  # several figures and nothing to tell their rows apart
        fallback = None
        others = [columns[o].term for o in values if o != c and columns[o].term]
        if not col.period and axis_periods and others and not any(a.period for a in run.axes):
            fallback = _period_from_sentences(col.term, others, context.sentences)
        for r, row in enumerate(body):
            parsed = parse_value(row[c])
            label = run.axes[r]
            if parsed is None or label.conflict:
                continue
            period = combine_periods(col.period, label.period)
            if col.period and label.period and period is None:
                continue
            if period is None:
                period = fallback if axis_periods else table_period
            if period and _BARE_QUARTER.fullmatch(period):
                period = combine_periods(period, table_period) if table_period else None
                if period is None or _BARE_QUARTER.fullmatch(period):
                    continue
            record = _record(table, context, subject, col, label, run, row[c], parsed, period, footnotes,
                             only_column=len(values) == 1)
            if record is not None:
                records.append(record)
    return records


def _record(table: Table, context: TableContext, subject: str | None, col: Axis, label: Axis, run: _Run,
            cell: str, parsed: tuple[float, str | None], period: str | None, footnotes: dict[str, str],
            only_column: bool) -> IndicatorRecord | None:
    """One record; `only_column` says the table has one value column, whose header then names its figures."""
    row_term, col_term = label.term, col.term
    if run.as_indicators and row_term:
        indicator, breakdown = row_term, col_term or None
    elif is_measure(col_term) or (only_column and col_term):
        base = context.prefix or (subject if len(col_term.split()) <= 2 else None)
        base = strip_periods(base) if base else None
        indicator, breakdown = (f"{base}: {col_term}" if base else col_term), row_term or None
    else:
        parts = [p for p in (row_term, col_term) if p]
        if subject and strip_periods(subject):
            indicator, breakdown = strip_periods(subject), " – ".join(parts) or None
        elif parts:
            indicator, breakdown = parts[0], " – ".join(parts[1:]) or None
        else:
            return None
    value, hint = parsed
    unit = hint if hint in _UNITS else next(
        (u for u in (infer_unit(t) for t in (col_term, row_term, indicator, subject or "") if t) if u), "count")
    area = col.area if col.area is not None else label.area
    cell_mark = strip_marker(cell)[1]
    marks = col.marks + label.marks + ([cell_mark] if cell_mark else [])
    notes = [footnotes[m] for m in marks if m in footnotes] + col.notes + label.notes
    if "" in footnotes:
        notes.append(footnotes[""])
    return IndicatorRecord(
        indicator=indicator, breakdown=breakdown, area=area or None, period=period, value=value,
        unit=cast(Unit, unit), document_id=table.document_id, page=table.page,
        section=" › ".join(table.section) or None, table=context.description, table_id=table.id, raw=cell.strip(),
        note="; ".join(dict.fromkeys(n for n in notes if n)) or None)


def extract_tables(tables: list[Table], document_text_by_id: dict[str, str]) -> list[IndicatorRecord]:
    """The records of every table, in table order. A document missing from `document_text_by_id` still
    gives records, read without the text around its tables (title only)."""
    return [record for table in tables
            for record in extract_table(table, document_text_by_id.get(table.document_id, ""))]
