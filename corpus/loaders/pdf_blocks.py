"""One PDF page's lines -> canonical blocks (see `corpus/loaders/__init__.py` for the form).

Pass 1 groups lines into blocks by geometry (a vertical gap larger than the line pitch, a change of font
size, a bullet, a numbered paragraph start, a return to the margin after a list item); pass 2 renders each
block: headings with hashes, paragraphs joined into one line with hyphenation repaired, list items one per
line starting "• ", tables as tab-separated rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.types import TableData
from corpus.loaders.common import caption, join_blocks, tsv
from corpus.loaders.pdf_layout import (
    FOOTNOTE_START,
    HEADING_RATIO,
    MAX_BOLD_HEADING_WORDS,
    TERMINAL,
    Item,
    Layout,
    PageItems,
    TableItem,
    merge_drop_caps,
    split_footnotes,
)
from corpus.loaders.pdf_lines import Line
from corpus.normalise import is_bullet, is_letter_item, is_numbered_paragraph, join_lines, normalise_bullet

_CONTENTS_ENTRY = re.compile(r"(?:\s|[.·…_]{2,})(?:\d{1,4}|[ivxlc]{1,6})$")
_FOOTNOTE_REF = re.compile(r"(?<=[a-z)])\d{1,3}$")  # "Statutory requirements216" -> "Statutory requirements"


@dataclass
class _Block:
    kind: str  # "heading" | "para" | "list" | "table"
    lines: list[Line] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # rendered list items / footnotes
    level: int = 0
    table: TableItem | None = None
    item_x: float = 0.0  # x of the current list item's first line


def _words(line: Line) -> int:
    return len(line.text.split())


def _line_kind(line: Line, layout: Layout) -> str:
    if layout.is_size_heading(line):
        return "heading"
    if is_bullet(line.text, allow_o=line.glyph_first) or is_letter_item(line.text):
        return "item"
    if is_numbered_paragraph(line.text):
        return "numbered"
    return "text"


def _is_contents_page(items: list[Item]) -> bool:
    lines = [it for it in items if isinstance(it, Line)]
    entries = sum(1 for ln in lines if _CONTENTS_ENTRY.search(ln.text))
    return entries >= 5 and entries >= 0.5 * len(lines)


def _group(items: list[Item], layout: Layout) -> list[_Block]:
    """Pass 1: lines into blocks."""
    contents_page = _is_contents_page(items)
    blocks: list[_Block] = []
    cur: _Block | None = None
    prev: Line | None = None
    for it in items:
        if isinstance(it, TableItem):
            if cur is not None and cur.kind == "para" and len(cur.lines) > 1 and _words(cur.lines[-1]) <= 15 \
                    and cur.lines[-2].text.endswith(TERMINAL):
                blocks.append(_Block("para", lines=[cur.lines.pop()]))  # the table's caption stands alone
            blocks.append(_Block("table", table=it))
            cur, prev = None, None
            continue
        line, kind = it, _line_kind(it, layout)
        pitch = layout.pitch * max(line.size, 1.0) / layout.body
        step = (prev.y - line.y) if prev is not None else 0.0
        moved_up = prev is not None and step < -0.5 * line.size
        gap = prev is None or moved_up or step > 1.3 * pitch
        resized = prev is not None and abs(line.size - prev.size) > 0.15 * layout.body
        new: _Block | None = None
        big = line.size >= HEADING_RATIO * layout.body
        if cur is None or prev is None:
            new = _Block("heading" if kind == "heading" else "list" if kind == "item" else "para")
        elif contents_page and _CONTENTS_ENTRY.search(prev.text):
            new = _Block("heading" if kind == "heading" else "list" if kind == "item" else "para")
        elif kind == "heading" or (big and cur.kind == "heading"):
            level = layout.size_level(line.size)
            same_run = (cur.kind == "heading" and cur.level == level and not moved_up and not resized
                        and step <= 1.6 * line.size)
            if not same_run:
                new = _Block("heading")
        elif cur.kind == "heading":
            new = _Block("list" if kind == "item" else "para")
        elif kind == "item":
            if cur.kind != "list" or moved_up or step > 2.2 * pitch or resized:
                new = _Block("list")
            else:
                cur.items.append("")  # a new item in the same list block
        elif cur.kind == "list":
            hanging = line.x > cur.item_x + 0.5 * line.size
            tight_lower = step <= 1.15 * pitch and line.text[:1].islower()
            if gap or resized or kind == "numbered" or not (hanging or tight_lower):
                new = _Block("para")
        elif gap or resized:
            new = _Block("para")
        elif kind == "numbered" and prev.text.endswith(TERMINAL):
            new = _Block("para")
        elif (cur.kind == "para" and len(cur.lines) == 1 and prev.bold and not line.bold
              and _words(prev) <= MAX_BOLD_HEADING_WORDS and not prev.text.endswith((",", ";", "-"))
              and len(prev.text) < 0.7 * layout.full_line and not line.text[:1].islower()):
            new = _Block("para")  # a short bold label line standing over its paragraph
        if new is not None:
            if new.kind == "heading":
                new.level = layout.size_level(line.size)
            if new.kind == "list":
                new.items.append("")
            blocks.append(new)
            cur = new
        assert cur is not None
        if cur.kind == "list" and kind == "item":
            cur.item_x = line.x
        cur.lines.append(line)
        if cur.kind == "list":
            cur.items[-1] = join_lines(cur.items[-1], normalise_bullet(line.text, allow_o=line.glyph_first)
                                       if kind == "item" else line.text, layout.vocabulary)
        prev = line
    return blocks


def _join(lines: list[Line], layout: Layout, keep_breaks: bool = True) -> str:
    """Wrapped lines joined into one. With `keep_breaks`, a line that ended well short of the block's width
    (a list of names, an address) keeps its line break."""
    widest = max((len(ln.text) for ln in lines), default=0)
    text = ""
    for prev, line in zip([None, *lines], lines):
        short = prev is not None and len(prev.text) + 1 + len(line.text.split()[0]) < 0.7 * widest
        if keep_breaks and short and len(lines) > 2 and not prev.text.endswith(("-", "\u00ad", ",")):
            text += "\n" + line.text
        else:
            text = join_lines(text, line.text, layout.vocabulary)
    return text


def _is_bold_heading(block: _Block, layout: Layout, previous: str) -> bool:
    """A paragraph of one or two short, wholly bold lines at the margin, not continuing a sentence."""
    if block.kind != "para" or not 1 <= len(block.lines) <= 2 or not all(ln.bold for ln in block.lines):
        return False
    first = block.lines[0]
    if not layout.at_margin(first) or not first.in_flow or previous.rstrip().endswith((",", ";")):
        return False
    text = " ".join(ln.text for ln in block.lines)
    return (len(text.split()) <= MAX_BOLD_HEADING_WORDS and not text.endswith((",", ";", ":", "-"))
            and not is_bullet(first.text) and not is_numbered_paragraph(first.text) and any(c.isalpha() for c in text))


def _notes(lines: list[Line], layout: Layout) -> list[str]:
    notes: list[str] = []
    for line in lines:
        if not notes or FOOTNOTE_START.match(line.text):
            notes.append(line.text)
        elif is_bullet(line.text):
            notes[-1] += "\n" + normalise_bullet(line.text)
        else:
            notes[-1] = join_lines(notes[-1], line.text, layout.vocabulary)
    return notes


def render_page(p: PageItems, page_index: int, layout: Layout) -> tuple[str, list[TableData]]:
    """Canonical text of one page and the tables on it."""
    notes = split_footnotes(p, layout)
    blocks = _group(merge_drop_caps(p.items, layout), layout)
    out: list[str] = []
    tables: list[TableData] = []
    for i, block in enumerate(blocks):
        if block.kind == "table" and block.table is not None:
            rows = block.table.rows
            prev = blocks[i - 1] if i else None
            title = caption(out[-1]) if prev is not None and prev.kind in ("para", "heading") and out else None
            n = block.table.header_rows
            tables.append(TableData(page_index=page_index, header_rows=rows[:n], rows=rows[n:], title=title))
            out.append(tsv(rows))
        elif block.kind == "heading" or _is_bold_heading(block, layout, out[-1] if out else ""):
            level = block.level if block.kind == "heading" else layout.bold_level
            out.append("#" * level + " " + _FOOTNOTE_REF.sub("", _join(block.lines, layout, keep_breaks=False)))
        elif block.kind == "list":
            out.append("\n".join(item for item in block.items if item))
        else:
            out.append(_join(block.lines, layout))
    out.extend(_notes(notes, layout))
    return join_blocks([b.replace("\u00ad", "") for b in out]), tables
