"""Word documents (.docx) via python-docx: heading styles become "#" headings, list paragraphs "• " items,
tables TSV rows; body paragraphs and tables are read in document order. One page (Word has no fixed pages).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.types import LoadedDocument, Page, TableData
from corpus.loaders.common import caption, guess_header_rows, heading, join_blocks, tsv
from corpus.normalise import clean_cell, collapse_spaces, fix_ligatures, is_bullet, normalise_bullet, strip_invisible
from corpus.sniff import LoadError

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_QN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _heading_level(paragraph: Paragraph) -> int | None:
    """1-6 for Title / Heading N styles (or their descendants) and explicit outline levels, else None."""
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        m = _HEADING_STYLE.match(name)
        if m:
            return min(6, int(m.group(1)))
        style, seen = style.base_style, seen + 1
    ppr = paragraph._p.pPr
    outline = ppr.find(f"{_QN}outlineLvl") if ppr is not None else None
    if outline is not None:
        try:
            level = int(outline.get(f"{_QN}val", "9"))
        except ValueError:
            return None
        return level + 1 if level < 6 else None
    return None


def _is_list(paragraph: Paragraph) -> bool:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.find(f"{_QN}numPr") is not None:
        return True
    name = (paragraph.style.name or "") if paragraph.style is not None else ""
    return name.lower().startswith("list")


def _text(raw: str) -> str:
    return collapse_spaces(re.sub(r"[\t\n\r\v\f]+", " ", strip_invisible(fix_ligatures(raw))))


def _rows(table: Table) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            same = previous is not None and cell._tc is previous  # a merged cell repeats across its span
            cells.append("" if same else clean_cell(cell.text))
            previous = cell._tc
        rows.append(cells)
    return rows


def _header_count(table: Table, rows: list[list[str]]) -> int:
    marked = 0
    for row in table.rows:
        trpr = row._tr.trPr
        if trpr is not None and trpr.find(f"{_QN}tblHeader") is not None:
            marked += 1
        else:
            break
    return marked or guess_header_rows(rows)


def load_docx(path: Path) -> LoadedDocument:
    """Load a .docx file into one page of canonical text, with its tables."""
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"corrupt DOCX: {exc}"[:300], "open it in Word and save it again") from exc
    blocks: list[str] = []
    tables: list[TableData] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = _text(item.text)
            if not text:
                continue
            level = _heading_level(item)
            if level is not None:
                blocks.append(heading(level, text))
            elif _is_list(item) or is_bullet(text):
                bullet = normalise_bullet(text) if is_bullet(text) else "• " + text
                if blocks and blocks[-1].startswith("• "):
                    blocks[-1] += "\n" + bullet
                else:
                    blocks.append(bullet)
            else:
                blocks.append(text)
        elif isinstance(item, Table):
            rows = _rows(item)
            filled = max((sum(1 for c in r if c) for r in rows), default=0)
            if len(rows) < 2 or filled < 2:  # a layout table: its cells are paragraphs
                blocks.extend(c for r in rows for c in r if c)
                continue
            n = _header_count(item, rows)
            title = caption(blocks[-1] if blocks else None)
            blocks.append(tsv(rows))
            tables.append(TableData(page_index=0, header_rows=rows[:n], rows=rows[n:], title=title))
    return LoadedDocument(pages=[Page(number=None, text=join_blocks(blocks))], tables=tables)
