"""Document-wide PDF layout: the measures every page needs, and the furniture taken off the pages.

The measures (`Layout`): body font size (most common size by characters), line pitch, which font sizes are
heading levels, where body lines start (margins), how long a full line is and the vocabulary used to repair
line-end hyphens. The furniture: page numbers, running headers and footers, and footnotes (which go to the
end of their page). `pdf_blocks.py` then turns each page's lines into blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.loaders.pdf_lines import Line, PageLines
from corpus.normalise import build_vocabulary, furniture_key, is_page_number

HEADING_RATIO = 1.15  # a line this much larger than the body text is a heading
MAX_HEADING_WORDS = 20
MAX_BOLD_HEADING_WORDS = 15
TERMINAL = tuple(".:;?!”’\")")
FOOTNOTE_START = re.compile(r"^(?:\d{1,3}|[*†‡§])\s*\S")


@dataclass
class TableItem:
    """A table found on the page, standing where its lines were in the reading order."""

    rows: list[list[str]]
    header_rows: int = 0


Item = Line | TableItem


@dataclass
class PageItems:
    """One page ready for layout: its lines in reading order with tables substituted for their lines."""

    page: PageLines
    items: list[Item] = field(default_factory=list)


@dataclass
class Layout:
    """Document-wide measures that every page's layout uses."""

    body: float
    pitch: float
    levels: list[float]  # smallest font size of each heading level (sizes found on 2+ pages), largest first
    vocabulary: set[str]
    full_line: float = 80.0  # characters in a full line of body text
    margins: list[float] = field(default_factory=list)  # x positions where body lines commonly start

    def at_margin(self, line: Line) -> bool:
        return any(abs(line.x - m) <= 2.5 * self.body for m in self.margins) if self.margins else True

    def size_level(self, size: float) -> int:
        return 1 + sum(1 for s in self.levels if s > size + 0.25)

    @property
    def bold_level(self) -> int:
        return min(6, len(self.levels) + 1)

    def is_size_heading(self, line: Line) -> bool:
        words = len(line.text.split())
        return (line.size >= HEADING_RATIO * self.body and words <= MAX_HEADING_WORDS and line.in_flow
                and sum(c.isalpha() for c in line.text) >= 2)


def _lines(pages: list[PageItems]) -> list[Line]:
    return [it for p in pages for it in p.items if isinstance(it, Line)]


def mark_flow(pages: list[PageItems]) -> None:
    """Flag lines that sit above the line before them (charts, diagrams, text boxes out of order)."""
    for p in pages:
        prev: Line | None = None
        for it in p.items:
            if isinstance(it, Line):
                it.in_flow = prev is None or prev.y > it.y - 0.5 * it.size
                prev = it


def measure(pages: list[PageItems]) -> Layout:
    """Body size, line pitch, heading sizes and vocabulary for the document."""
    lines = _lines(pages)
    by_size: Counter[float] = Counter()
    for line in lines:
        by_size[round(line.size * 2) / 2] += len(line.text)
    body = by_size.most_common(1)[0][0] if by_size else 10.0
    steps: Counter[float] = Counter()
    for p in pages:
        ls = [it for it in p.items if isinstance(it, Line) and abs(it.size - body) < 0.6]
        for a, b in zip(ls, ls[1:]):
            step = a.y - b.y
            if 0.9 * body <= step <= 2.0 * body:
                steps[round(step * 2) / 2] += 1
    pitch = steps.most_common(1)[0][0] if steps else 1.25 * body
    lengths = sorted(len(ln.text) for ln in lines if abs(ln.size - body) < 0.6)
    full_line = float(lengths[int(0.9 * (len(lengths) - 1))]) if lengths else 80.0
    layout = Layout(body=body, pitch=pitch, levels=[], vocabulary=build_vocabulary(line.text for line in lines),
                    full_line=full_line)
    pages_of: dict[float, set[int]] = {}
    for p in pages:
        for it in p.items:
            if isinstance(it, Line) and layout.is_size_heading(it):
                pages_of.setdefault(round(it.size * 2) / 2, set()).add(p.page.index)
    needed = 3 if len(pages) >= 12 else 2 if len(pages) >= 4 else 1
    sizes = sorted((s for s, ps in pages_of.items() if len(ps) >= needed), reverse=True)
    clusters: list[list[float]] = []
    for size in sizes:  # sizes within 10% of a level's largest share that level (18 and 19 pt)
        if clusters and size >= 0.9 * clusters[-1][0]:
            clusters[-1].append(size)
        else:
            clusters.append([size])
    layout.levels = [c[-1] for c in clusters]
    margins = Counter(round(ln.x) for ln in lines if abs(ln.size - body) < 0.6)
    total = sum(margins.values())
    layout.margins = [x for x, c in margins.items() if c >= 0.15 * total] or [min(margins, default=0)]
    return layout


def remove_furniture(pages: list[PageItems]) -> None:
    """Drop page-number lines and running headers/footers.

    A header or footer is a line among the top or bottom three of a page whose text (numbers aside) recurs
    there on more than half of the pages, or at the same height on three or more pages and a quarter of them.
    """
    edges: list[list[tuple[str, int, Line]]] = []
    for p in pages:
        lines = sorted((it for it in p.items if isinstance(it, Line)), key=lambda ln: -ln.y)
        margin = 0.1 * p.page.height
        drop = {id(ln) for ln in lines[:2] + lines[-2:] if is_page_number(ln.text)}
        drop |= {id(ln) for ln in lines if is_page_number(ln.text)
                 and (ln.y > p.page.top - margin or ln.y < p.page.bottom + margin)}
        p.items = [it for it in p.items if id(it) not in drop]
        kept = [ln for ln in lines if id(ln) not in drop]
        edges.append([("t" + furniture_key(ln.text), round(ln.y), ln) for ln in kept[:3]]
                     + [("b" + furniture_key(ln.text), round(ln.y), ln) for ln in kept[-3:]])
    n = len(pages)
    if n < 3:
        return
    by_text = Counter(key for page_edges in edges for key in {k for k, _, _ in page_edges})
    by_place = Counter(kp for page_edges in edges for kp in {(k, y) for k, y, _ in page_edges})
    repeated = {k for k, c in by_text.items() if c > 0.5 * n}
    placed = {kp for kp, c in by_place.items() if c >= 3 and c >= 0.25 * n}
    for p, page_edges in zip(pages, edges):
        drop = {id(ln) for k, y, ln in page_edges if len(k) > 1 and (k in repeated or (k, y) in placed)}
        p.items = [it for it in p.items if id(it) not in drop]


def split_footnotes(p: PageItems, layout: Layout) -> list[Line]:
    """Take the trailing small-type lines below the body text off the page: they are footnotes."""
    small = 0.85 * layout.body
    normal = [it for it in p.items if isinstance(it, Line) and it.size > small]
    lowest = min((ln.y for ln in normal), default=float("inf"))
    notes: list[Line] = []
    while p.items and isinstance(p.items[-1], Line) and p.items[-1].size <= small and p.items[-1].y < lowest:
        notes.insert(0, p.items.pop())  # type: ignore[arg-type]
    return notes


def merge_drop_caps(items: list[Item], layout: Layout) -> list[Item]:
    """Put a large initial letter ("A" over "bi Gbago,") back on the front of its word."""
    out: list[Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (isinstance(it, Line) and isinstance(prev, Line) and re.fullmatch(r"[A-Z]", prev.text)
                and prev.size > 1.4 * layout.body and it.text[:1].islower()):
            it.text = prev.text + it.text
            out[-1] = it
            continue
        out.append(it)
    return out
