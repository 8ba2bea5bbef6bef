"""Plain text and Markdown: already close to the canonical form, so mostly kept verbatim.

Blank lines separate blocks; tab-separated lines are table rows (HTML inside their cells is flattened);
Markdown "#" headings stay; "-", "*", "+" and other bullets become "• "; inline markup ("**bold**",
"[text](url)", "<u>4</u>") gives its text; form feeds are page breaks. Markdown paragraphs are joined into
one line (Markdown soft-wraps); plain-text lines are joined only when the block is plainly hard-wrapped.
"""

from __future__ import annotations

import re

from assistant.types import LoadedDocument, Page, TableData
from corpus.loaders.common import caption, decode_text, guess_header_rows, heading, join_blocks, tsv
from corpus.normalise import (
    collapse_spaces,
    fix_ligatures,
    flatten_cell_html,
    is_bullet,
    normalise_bullet,
    strip_invisible,
    strip_markdown_inline,
)

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")


def _kind(line: str, markdown: bool) -> str:
    if "\t" in line:
        return "row"
    if markdown and line.lstrip().startswith("|") and line.count("|") >= 2:
        return "pipe"
    if _ATX.match(line):
        return "heading"
    if is_bullet(line) or (markdown and _MD_BULLET.match(line)):
        return "item"
    return "text"


def _hard_wrapped(lines: list[str]) -> bool:
    """Lines of a plain-text paragraph wrapped at a fixed width (all but the last long and alike)."""
    body = [len(line) for line in lines[:-1]]
    return len(lines) >= 3 and min(body) >= 55 and max(body) <= 100 and max(body) - min(body) <= 25


def _rows(lines: list[str], pipe: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    for line in lines:
        if pipe:
            if _PIPE_SEPARATOR.match(line):
                continue
            cells = line.strip().strip("|").split("|")
        else:
            cells = line.split("\t")
        rows.append([flatten_cell_html(c) for c in cells])
    return rows


def _segments(lines: list[str], markdown: bool) -> list[tuple[str, list[str]]]:
    """Consecutive lines of one kind; a heading is always alone."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        kind = _kind(line, markdown)
        if out and out[-1][0] == kind and kind != "heading":
            out[-1][1].append(line)
        else:
            out.append((kind, [line]))
    return out


def _render_block(lines: list[str], markdown: bool, page_index: int, tables: list[TableData],
                  previous: str) -> list[str]:
    blocks: list[str] = []
    if markdown and len(lines) >= 2 and _SETEXT.match(lines[-1]) and _kind(lines[0], markdown) != "row":
        level = 1 if lines[-1].strip().startswith("=") else 2
        return [heading(level, strip_markdown_inline(" ".join(s.strip() for s in lines[:-1])))]
    for kind, seg in _segments(lines, markdown):
        if kind in ("row", "pipe"):
            rows = _rows(seg, pipe=kind == "pipe")
            text = tsv(rows)
            if text:
                n = guess_header_rows(rows)
                tables.append(TableData(page_index=page_index, header_rows=rows[:n], rows=rows[n:],
                                        title=caption(blocks[-1] if blocks else previous)))
                blocks.append(text)
        elif kind == "heading":
            m = _ATX.match(seg[0])
            assert m is not None
            blocks.append(heading(len(m.group(1)), strip_markdown_inline(m.group(2))))
        elif kind == "item":
            items = [normalise_bullet(_MD_BULLET.sub("- ", line)) for line in seg]
            blocks.append("\n".join(collapse_spaces(strip_markdown_inline(i)) for i in items))
        else:
            if markdown:
                seg = [re.sub(r"^\s*>\s?", "", line) for line in seg]
            text = strip_markdown_inline("\n".join(seg))
            parts = [collapse_spaces(p) for p in text.split("\n")]
            if markdown or _hard_wrapped(parts):
                blocks.append(" ".join(p for p in parts if p))
            else:
                blocks.append("\n".join(p for p in parts if p))
    return blocks


def _page_text(raw: str, markdown: bool, page_index: int, tables: list[TableData]) -> str:
    blocks: list[str] = []
    group: list[str] = []
    fenced: list[str] | None = None

    def flush() -> None:
        if group:
            blocks.extend(_render_block(group, markdown, page_index, tables, blocks[-1] if blocks else ""))
            group.clear()

    for line in raw.split("\n"):
        if markdown and _FENCE.match(line):
            if fenced is None:
                flush()
                fenced = []
            else:
                blocks.append("\n".join(x.replace("\t", "    ").rstrip() for x in fenced if x.strip()))
                fenced = None
            continue
        if fenced is not None:
            fenced.append(line)
        elif not line.strip() or (markdown and _RULE.match(line) and not group):
            flush()
        else:
            group.append(line)
    if fenced:
        blocks.append("\n".join(fenced))
    flush()
    return join_blocks(blocks)


def load_text(data: bytes, markdown: bool = False) -> LoadedDocument:
    """Load plain text (or Markdown with `markdown=True`) from its bytes."""
    text, warning = decode_text(data)
    text = strip_invisible(fix_ligatures(text))
    raw_pages = text.split("\f")
    if len(raw_pages) > 1 and not raw_pages[-1].strip():
        raw_pages.pop()  # a form feed at the very end starts no new page
    tables: list[TableData] = []
    paged = len(raw_pages) > 1
    pages = [Page(number=i + 1 if paged else None, text=_page_text(raw, markdown, i, tables))
             for i, raw in enumerate(raw_pages)]
    return LoadedDocument(pages=pages, tables=tables, warnings=[warning] if warning else [])
