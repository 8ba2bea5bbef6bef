"""Tables on a PDF page, found with pdfplumber: ruled tables from its line finder, and borderless tables
from words standing in aligned columns.

pdfplumber reads every character, which is slow (~70 ms a page), so the PDF loader only calls this for
pages whose lines look tabular. A table is kept only with at least two rows holding two or more filled
cells; columns that are empty in every row are dropped (shaded boxes and page frames make such "tables").
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from corpus.loaders.common import guess_header_rows, is_numeric
from corpus.normalise import clean_cell

_BOLD = re.compile(r"bold|black|heavy", re.IGNORECASE)


@dataclass
class FoundTable:
    """A table and where it sits: `bbox` is (x0, top, x1, bottom) in pdfplumber's top-down coordinates."""

    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    header_rows: int = 0


def prune_rows(rows: list[list[str]]) -> list[list[str]] | None:
    """Drop empty rows and empty columns; None unless 2+ rows have 2+ filled cells."""
    rows = [r for r in rows if any(r)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in rows)]
    rows = [[r[j] for j in keep] for r in rows]
    if len(keep) < 2 or sum(1 for r in rows if sum(1 for c in r if c) >= 2) < 2:
        return None
    return rows


# --- borderless tables: words in aligned columns ------------------------------------------------------


@dataclass
class _TextLine:
    top: float
    bottom: float
    size: float
    segments: list[tuple[float, float, str]]  # (x0, x1, text): words split at wide gaps


def _text_lines(words: list[dict[str, Any]]) -> list[_TextLine]:
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    groups: list[list[dict[str, Any]]] = []
    for w in words:
        if groups and abs(w["top"] - groups[-1][0]["top"]) <= 0.5 * max(w["size"], 1.0):
            groups[-1].append(w)
        else:
            groups.append([w])
    lines: list[_TextLine] = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        size = statistics.median(w["size"] for w in group)
        segments: list[tuple[float, float, str]] = []
        for w in group:
            if segments and w["x0"] - segments[-1][1] <= 1.5 * size:
                x0, _, text = segments[-1]
                segments[-1] = (x0, w["x1"], f"{text} {w['text']}")
            else:
                segments.append((w["x0"], w["x1"], w["text"]))
        lines.append(_TextLine(min(w["top"] for w in group), max(w["bottom"] for w in group), size, segments))
    return lines


def _bands(lines: list[_TextLine]) -> list[tuple[float, float]]:
    spans = sorted((x0, x1) for line in lines for x0, x1, _ in line.segments)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1] + 1.0:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return [(a, b) for a, b in bands]


def _band_of(bands: list[tuple[float, float]], x0: float, x1: float) -> list[int]:
    return [i for i, (a, b) in enumerate(bands) if x0 <= b + 1.0 and x1 >= a - 1.0]


def _region_table(region: list[_TextLine]) -> FoundTable | None:
    multi = [line for line in region if len(line.segments) >= 2]
    if len(multi) < 3:
        return None
    words_per_segment = statistics.median(len(t.split()) for line in multi for _, _, t in line.segments)
    if words_per_segment > 6:  # prose in columns, not a table
        return None
    bands = _bands(multi)
    if len(bands) < 2:
        return None
    steps = [b.top - a.top for a, b in zip(region, region[1:])]
    wrap_limit = -1.0
    if steps and max(steps) > 1.4 * min(steps):
        wrap_limit = 1.25 * min(steps)
    rows: list[list[str]] = []
    for i, line in enumerate(region):
        cells = [""] * len(bands)
        for x0, x1, text in line.segments:
            hit = _band_of(bands, x0, x1)
            if len(hit) != 1:
                return None
            cells[hit[0]] = f"{cells[hit[0]]} {text}".strip()
        if (rows and i and steps[i - 1] <= wrap_limit and not cells[0] and rows[-1][0]
                and not any(c and is_numeric(p) for c, p in zip(cells, rows[-1]))):
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    rows = prune_rows([[clean_cell(c) for c in r] for r in rows])
    if rows is None:
        return None
    cells = [c for r in rows for c in r]
    filled = [c for c in cells if c]
    # Wrapped prose cut into fragments (flowcharts, diagrams) is not a table: few filled cells, and many
    # fragments that continue a sentence.
    if len(filled) < 0.5 * len(cells) or sum(c[0].islower() for c in filled) > 0.25 * len(filled):
        return None
    bbox = (min(s[0] for ln in region for s in ln.segments), region[0].top,
            max(s[1] for ln in region for s in ln.segments), region[-1].bottom)
    return FoundTable(bbox, rows, guess_header_rows(rows))


def _aligned_tables(lines: list[_TextLine]) -> list[FoundTable]:
    """Runs of lines with two or more wide-gapped segments, read as rows of aligned columns."""
    found: list[FoundTable] = []
    region: list[_TextLine] = []

    def close() -> None:
        while region and len(region[-1].segments) < 2:
            region.pop()
        table = _region_table(region) if region else None
        if table is not None:
            found.append(table)
        region.clear()

    for line in lines:
        gap_ok = not region or line.top - region[-1].bottom <= 3.0 * line.size
        if len(line.segments) >= 2 and gap_ok:
            region.append(line)
        elif region and gap_ok and len(line.segments) == 1 \
                and len(_band_of(_bands(region), *line.segments[0][:2])) == 1:
            region.append(line)  # a wrapped cell or a row with one filled cell
        else:
            close()
            if len(line.segments) >= 2:
                region.append(line)
    close()
    return found


# --- ruled tables (pdfplumber's line finder) ----------------------------------------------------------


def _column_starts(table: Any) -> list[float]:
    starts: list[float] = []
    for j in range(max((len(r.cells) for r in table.rows), default=0)):
        xs = [r.cells[j][0] for r in table.rows if j < len(r.cells) and r.cells[j] is not None]
        starts.append(min(xs) if xs else float("inf"))
    return starts


def _header_above(table: Any, lines: list[_TextLine]) -> tuple[list[str], float] | None:
    """A line of column labels just above a ruled table (drawn outside its grid), as a row, and its top."""
    x0, top, x1, _ = table.bbox
    above = [ln for ln in lines if ln.bottom <= top + 1 and top - ln.bottom <= 2.5 * ln.size
             and ln.segments[0][0] >= x0 - 2 and ln.segments[-1][1] <= x1 + 2]
    if not above or len(above[-1].segments) < 2:
        return None
    starts = _column_starts(table)
    row = [""] * len(starts)
    for sx0, _, text in above[-1].segments:
        j = max((k for k, s in enumerate(starts) if s <= sx0 + 2), default=None, key=lambda k: starts[k])
        if j is None or row[j]:
            return None
        row[j] = text
    return row, above[-1].top


def _ruled_tables(page: Any, lines: list[_TextLine]) -> list[FoundTable]:
    found: list[FoundTable] = []
    for table in page.find_tables():
        raw = [[clean_cell(c) for c in row] for row in table.extract()]
        bbox = tuple(table.bbox)
        first_bold = False
        header = _header_above(table, lines)
        if header is not None:
            raw.insert(0, [clean_cell(c) for c in header[0]])
            bbox = (bbox[0], header[1], bbox[2], bbox[3])
            first_bold = True
        elif table.rows and table.rows[0].bbox:
            x0, top, x1, bottom = table.rows[0].bbox
            chars = [c for c in page.chars if top <= c["top"] < bottom and x0 <= c["x0"] < x1 and c["text"].strip()]
            first_bold = bool(chars) and sum(bool(_BOLD.search(c["fontname"])) for c in chars) >= 0.8 * len(chars)
        rows = prune_rows(raw)
        if rows is not None:
            found.append(FoundTable(bbox, rows, guess_header_rows(rows, first_bold)))
    return found


def find_page_tables(page: Any) -> list[FoundTable]:
    """Tables on one pdfplumber page: ruled ones first, then aligned-column ones among the other words."""
    chars = page.chars
    if len({(c["text"], round(c["x0"]), round(c["top"])) for c in chars}) < 0.97 * len(chars):
        page = page.dedupe_chars()  # text drawn twice for a bold effect would read "Right Right Support Support"
    words = [w for w in page.extract_words(x_tolerance_ratio=0.15, extra_attrs=["size"]) if w.get("upright", True)]
    lines = _text_lines(words)
    tables = _ruled_tables(page, lines)
    words = [w for w in words if not any(
        t.bbox[0] - 1 <= w["x0"] <= t.bbox[2] + 1 and t.bbox[1] - 1 <= w["top"] <= t.bbox[3] + 1 for t in tables)]
    tables.extend(_aligned_tables(_text_lines(words)))
    return sorted(tables, key=lambda t: t.bbox[1])
