"""HTML pages: h1-h6 become "#" headings, paragraphs one line each, list items "• " lines, tables TSV.

Scripts, styles, navigation and other non-content elements are dropped. Parsed with BeautifulSoup's
built-in parser, which tolerates the broken markup council websites produce.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from assistant.types import LoadedDocument, Page, TableData
from corpus.loaders.common import decode_text, guess_header_rows, heading, join_blocks, tsv
from corpus.normalise import clean_cell, collapse_spaces, fix_ligatures, normalise_bullet, strip_invisible
from corpus.sniff import LoadError

DROP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "nav", "button", "select",
                  "canvas", "object", "embed", "map", "math"})
BLOCK = frozenset({"p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "figure",
                   "figcaption", "address", "dd", "dt", "dl", "form", "fieldset", "body", "html", "center",
                   "details", "summary", "caption", "hr", "legend"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _inline_text(node: Tag, skip: frozenset[str] = frozenset({"ul", "ol", "table"})) -> str:
    """All text under `node` on one line, leaving out nested lists/tables and dropped elements."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, _SKIP_STRINGS):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag) and child.name not in DROP and child.name not in skip:
            parts.append("\n" if child.name == "br" else " " if child.name in BLOCK or child.name == "li" else "")
            parts.append(_inline_text(child, skip))
    return "".join(parts)


def _one_line(text: str) -> str:
    return collapse_spaces(" ".join(strip_invisible(fix_ligatures(text)).split()))


class _Walker:
    """Walks the DOM in document order, collecting canonical blocks and tables."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.tables: list[TableData] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = _one_line("".join(self.inline))
        self.inline.clear()
        if text:
            self.blocks.append(text)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _SKIP_STRINGS):
                continue
            if isinstance(child, NavigableString):
                self.inline.append(str(child))
            elif isinstance(child, Tag) and child.name not in DROP:
                self.visit(child)

    def visit(self, tag: Tag) -> None:
        name = tag.name
        if name in HEADINGS:
            self.flush()
            text = _one_line(_inline_text(tag, frozenset()))
            if text:
                self.blocks.append(heading(HEADINGS[name], text))
        elif name in ("ul", "ol"):
            self.flush()
            items = self.list_items(tag)
            if items:
                self.blocks.append("\n".join(items))
        elif name == "li":  # an item outside any list
            self.flush()
            text = _one_line(_inline_text(tag))
            if text:
                self.blocks.append(normalise_bullet("• " + text))
            for sub in tag.find_all(["ul", "ol", "table"], recursive=False):
                self.visit(sub)
        elif name == "table":
            self.flush()
            self.table(tag)
        elif name == "pre":
            self.flush()
            lines = [collapse_spaces(x.replace("\t", "    ")) for x in tag.get_text().split("\n")]
            self.blocks.append("\n".join(x for x in lines if x))
        elif name == "br":
            self.inline.append(" ")
        elif name in BLOCK:
            self.flush()
            self.walk(tag)
            self.flush()
        else:
            self.walk(tag)

    def list_items(self, node: Tag, depth: int = 0) -> list[str]:
        items: list[str] = []
        number = 0
        for li in node.find_all("li", recursive=False) or node.find_all("li"):
            number += 1
            text = _one_line(_inline_text(li))
            if text:
                marker = f"{number}. " if node.name == "ol" and depth == 0 else "• "
                items.append(marker + text)
            for sub in li.find_all(["ul", "ol"], recursive=False):
                items.extend(self.list_items(sub, depth + 1))
        return items

    def table(self, node: Tag) -> None:
        grid: list[list[str]] = []
        header = 0
        pending: dict[int, int] = {}  # column -> rows below still covered by a cell with rowspan
        for tr in (r for r in node.find_all("tr") if r.find_parent("table") is node):
            cells = tr.find_all(["td", "th"], recursive=False)
            row: list[str] = []
            queue = list(cells)
            while queue or any(col >= len(row) for col in pending):
                col = len(row)
                if col in pending:  # covered by a cell spanning down from a row above
                    pending[col] -= 1
                    if not pending[col]:
                        del pending[col]
                    row.append("")
                    continue
                if not queue:
                    break
                cell = queue.pop(0)
                text = clean_cell(_inline_text(cell, frozenset({"table"})))
                rows_down = _int(cell.get("rowspan"), 1)
                for k in range(_int(cell.get("colspan"), 1)):
                    if rows_down > 1:
                        pending[len(row)] = rows_down - 1
                    row.append(text if k == 0 else "")
            if cells and len(grid) == header and (tr.find_parent("thead") is not None
                                                  or all(c.name == "th" for c in cells)):
                header += 1
            grid.append(row)
        caption = node.find("caption")
        title = _one_line(caption.get_text(" ")) if caption else None
        width = max((sum(1 for c in r if c) for r in grid), default=0)
        if len(grid) < 2 or width < 2:  # a layout table: read its cells as paragraphs
            for row in grid:
                self.blocks.extend(c for c in row if c)
            return
        if title:
            self.blocks.append(title)
        else:
            title = caption(self.blocks[-1] if self.blocks else None)
        header = header or guess_header_rows(grid)
        self.blocks.append(tsv(grid))
        self.tables.append(TableData(page_index=0, header_rows=grid[:header], rows=grid[header:], title=title))


def _int(value: object, default: int) -> int:
    try:
        return max(1, min(int(str(value)), 50))
    except (TypeError, ValueError):
        return default


def load_html(data: bytes) -> LoadedDocument:
    """Load an HTML page into one page of canonical text."""
    warnings: list[str] = []
    try:
        soup = BeautifulSoup(data, "html.parser")
    except Exception:  # noqa: BLE001 - undecodable bytes: decode ourselves and parse the text
        text, warning = decode_text(data)
        warnings += [warning] if warning else []
        soup = BeautifulSoup(text, "html.parser")
    walker = _Walker()
    try:
        walker.walk(soup.body or soup)
    except RecursionError as exc:
        raise LoadError("HTML nested too deeply to read", "save the page's main content as a simpler file") from exc
    walker.flush()
    has_h1 = any(b.startswith("# ") for b in walker.blocks)
    title = soup.title.get_text(" ").strip() if soup.title else ""
    if title and not has_h1:
        walker.blocks.insert(0, heading(1, title))
    return LoadedDocument(pages=[Page(number=None, text=join_blocks(walker.blocks))], tables=walker.tables,
                          warnings=warnings)
