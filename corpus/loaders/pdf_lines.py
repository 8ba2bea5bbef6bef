"""PDF text as positioned lines, read with pypdf's text visitor.

pypdf hands the visitor one chunk of text per line (or per font change) with its text and current
transformation matrices; from those we get each chunk's position, font size and font name, and group chunks
into `Line`s. This is about four times faster than reading every character with pdfplumber, which is kept
for the pages that look like tables (see `pdf_tables.py`).

Word boundaries between chunks come from geometry. pypdf does not say where a chunk ends (nor, after a font
change inside a positioned run, where it starts), so `_Pen` follows the text state through pypdf's operator
callbacks and measures every string shown with the font's glyph widths, character and word spacing and
horizontal scaling. Two chunks on a line are joined with a space when the gap between the end of one and the
start of the next is wider than `SPACE_GAP` of the font size (Word often draws the space between two runs
as a run of its own, in another font; the gap holds that space), and without one when the gap is smaller
(a kerned "W" + "e", a bold letter inside a word). Spaces a chunk already carries are kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pypdf import PageObject

from corpus.loaders.pdf_textstate import FontCache, _Chunk, _Pen
from corpus.normalise import collapse_spaces, fix_ligatures, strip_invisible

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|extrabold|,b\b", re.IGNORECASE)
_GLYPH_FONT = re.compile(r"symbol|wingding|dingbat|courier", re.IGNORECASE)
_RECT_OP = re.compile(rb"(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+re\b")
_SEGMENT_OP = re.compile(rb"(-?[\d.]+)\s+(-?[\d.]+)\s+m\s+(-?[\d.]+)\s+(-?[\d.]+)\s+l\b")
_CHAR_WIDTH = 0.55  # a generous average glyph width, in ems, for guessing where a chunk ends
SPACE_GAP = 0.15  # a gap between two chunks wider than this many ems is a word space


@dataclass(slots=True)
class Line:
    """One line of text on a page. `y` is the baseline in PDF user space (larger is higher on the page)."""

    text: str
    x: float
    y: float
    size: float
    bold: bool
    gappy: bool = False  # holds a wide horizontal gap between chunks (table cells, side-by-side boxes)
    glyph_first: bool = False  # starts with a lone glyph in a symbol/Courier font (Word's "o" bullets)
    in_flow: bool = True  # below the line before it (text jumping up is a chart label, a new column ...)


@dataclass(slots=True)
class PageLines:
    """The lines of one page in content-stream order, with the page box."""

    index: int
    top: float
    bottom: float
    lines: list[Line] = field(default_factory=list)
    rotated_text: list[str] = field(default_factory=list)
    chars: int = 0
    rules: int = 0  # table rules drawn on the page (see `count_rules`)

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def gappy_lines(self) -> int:
        return sum(1 for line in self.lines if line.gappy)

    @property
    def column_jumps(self) -> int:
        """Times the text jumps up and to the right: cells written one after another, or columns."""
        return sum(1 for a, b in zip(self.lines, self.lines[1:])
                   if b.y > a.y + 0.5 * b.size and b.x > a.x + 3 * b.size)

    @property
    def looks_tabular(self) -> bool:
        return self.gappy_lines >= 2 or self.column_jumps >= 3 or self.rules >= 3


def _clean(text: str) -> str:
    """Ligatures and invisible characters out, tabs to spaces; a trailing soft hyphen is kept as a marker."""
    soft_end = text.rstrip().endswith("\u00ad")
    # 0x7F has no glyph in WinAnsiEncoding, but generators (reportlab among them) draw bullets with it.
    text = collapse_spaces(strip_invisible(fix_ligatures(text)).replace("\t", " ").replace("\x7f", "\u2022"))
    return text + "\u00ad" if soft_end and text else text


def _visit_chunks(page: PageObject, fonts: FontCache | None = None) -> tuple[list[_Chunk], list[str]]:
    """Run pypdf's extractor over the page and collect upright chunks (and rotated text separately)."""
    chunks: list[_Chunk] = []
    rotated: list[str] = []
    pen = _Pen(page, {} if fonts is None else fonts)

    def visit(text: str, cm: list[float], tm: list[float], font_dict: dict | None, font_size: float) -> None:
        start, end = pen.take()
        if not text:
            return
        a, b, c, d, e, f = (float(v) for v in tm)
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        dir_x, dir_y = a * ca + b * cc, a * cb + b * cd
        size = abs(float(font_size or 1.0)) * math.hypot(c * ca + d * cc, c * cb + d * cd)
        if abs(dir_y) > abs(dir_x) or dir_x < 0:
            if not text.isspace():
                rotated.append(text)
            return
        font = str(font_dict.get("/BaseFont", "")) if font_dict else ""
        x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
        if start is not None and end is not None and abs(start[1] - y) < 0.5 * size:
            x, y = start  # pypdf's position is the start of the positioned run, not of this chunk
        else:
            end = None
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if part and (part.strip() or k == 0):
                last = k == len(parts) - 1 or not any(parts[k + 1:])
                chunks.append(_Chunk(part, x, y - k * 1.2 * size, size, font, end[0] if end and last else None))

    page.extract_text(visitor_text=visit, visitor_operand_before=pen.before, visitor_operand_after=pen.after)
    return chunks, rotated


def _space_between(prev: _Chunk, ch: _Chunk) -> bool:
    """Whether a word space separates two chunks of a line, from the gap between them."""
    if prev.text[-1:].isspace() or ch.text[:1].isspace():
        return False  # the chunks carry their own space
    if prev.end is None:  # widths unknown: a generous guess at the end, so only clear gaps count
        return ch.x - (prev.x + _CHAR_WIDTH * prev.size * len(prev.text.strip())) > 0.1 * prev.size
    gap, em = ch.x - prev.end, max(min(prev.size, ch.size), 1.0)
    return gap > SPACE_GAP * em or gap < -2 * em  # wider than a kerned pair, or jumping back along the line


def _make_line(chunks: list[_Chunk]) -> Line:
    # A chunk of spaces (Word draws the space between two runs on its own) is the space before the next chunk.
    runs: list[_Chunk] = []
    for ch in chunks:
        if ch.text.isspace():
            if runs and not runs[-1].text[-1:].isspace():
                runs[-1] = _Chunk(runs[-1].text + " ", runs[-1].x, runs[-1].y, runs[-1].size, runs[-1].font, ch.end)
            continue
        runs.append(ch)
    chunks = runs or chunks[:1]
    parts: list[str] = []
    gappy = False
    for i, ch in enumerate(chunks):
        if i:
            prev = chunks[i - 1]
            guess = ch.x - (prev.x + _CHAR_WIDTH * prev.size * len(prev.text.strip()))
            if guess > 1.5 * max(prev.size, 1.0):
                gappy = True
            if _space_between(prev, ch):
                parts.append(" ")
        parts.append(ch.text)
    weights: dict[float, int] = {}
    bold_chars = total = 0
    for ch in chunks:
        n = len(ch.text.strip())
        weights[round(ch.size, 1)] = weights.get(round(ch.size, 1), 0) + n
        total += n
        bold_chars += n if _BOLD_FONT.search(ch.font) else 0
    size = max(weights, key=weights.__getitem__) if weights else chunks[0].size
    first = chunks[0]
    glyph_first = len(first.text.strip()) == 1 and bool(_GLYPH_FONT.search(first.font))
    return Line(
        text=_clean("".join(parts)),
        x=first.x,
        y=first.y,
        size=size,
        bold=total > 0 and bold_chars >= 0.8 * total,
        gappy=gappy,
        glyph_first=glyph_first,
    )


def count_rules(page: PageObject) -> int:
    """How many table rules the page draws: the smaller of its horizontal and vertical counts of thin
    rectangles and straight line segments. A cheap hint of a ruled table (a grid needs both; link
    underlines and shaded boxes give one kind or neither), so only such pages pay for pdfplumber."""
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    across = down = 0
    for m in _RECT_OP.finditer(data):
        try:
            w, h = abs(float(m.group(3))), abs(float(m.group(4)))
        except ValueError:
            continue
        across += h < 3 and w > 10
        down += w < 3 and h > 10
    for m in _SEGMENT_OP.finditer(data):
        try:
            x1, y1, x2, y2 = (float(g) for g in m.groups())
        except ValueError:
            continue
        across += abs(y1 - y2) < 1 and abs(x1 - x2) > 10
        down += abs(x1 - x2) < 1 and abs(y1 - y2) > 10
    return min(across, down)


def extract_page_lines(page: PageObject, index: int, fonts: FontCache | None = None) -> PageLines:
    """Read one page into lines, keeping the content stream's order (the reading order in practice).

    `fonts` caches the glyph widths of the document's fonts from page to page."""
    box = page.mediabox
    result = PageLines(index=index, top=float(box.top), bottom=float(box.bottom))
    chunks, rotated = _visit_chunks(page, fonts)
    result.rotated_text = [t for t in (_clean(r) for r in rotated) if t]
    current: list[_Chunk] = []
    for ch in chunks:
        if current:
            ref = current[0]
            if abs(ch.y - ref.y) <= 0.5 * max(ch.size, ref.size, 1.0):
                current.append(ch)
                continue
            if ch.text.isspace():
                continue  # a space off the line (a line's trailing space reported late) neither ends nor starts one
            result.lines.append(_make_line(current))
        elif ch.text.isspace():
            continue
        current = [ch]
    if current:
        result.lines.append(_make_line(current))
    result.lines = [line for line in result.lines if line.text]
    result.chars = sum(len(line.text.replace(" ", "")) for line in result.lines)
    result.chars += sum(len(t.replace(" ", "")) for t in result.rotated_text)
    try:
        result.rules = count_rules(page)
    except Exception:  # noqa: BLE001 - only a hint; a stream pypdf could read for text is readable here
        result.rules = 0
    return result
