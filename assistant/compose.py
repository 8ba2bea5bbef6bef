"""From scored candidates to an answer: pick the sentences, order them, quote them, number the citations.

Selection keeps to the best candidate's section (one place in one document answers better than fragments
from several), takes up to `max_sentences` within `margin` of the best, and restores document order. A
sentence that introduces a list ("…must be represented on the Board:") brings its items along. A table
row is shown with its header cells, and the row itself is what is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.contract import Citation
from assistant.evidence import Candidate
from assistant.types import Passage, PassageKind
from index.corpusdb import StoredDocument

_LIST_LINE = re.compile(r"\s*(?:[•▪◦●‣∙\-*–]|\(?[a-z0-9]{1,3}[).])\s")


@dataclass(frozen=True)
class Quote:
    """A span of one passage's text that the answer quotes."""

    passage: Passage
    start: int
    end: int
    table_row: bool = False

    @property
    def text(self) -> str:
        return self.passage.text[self.start:self.end]


def _same_place(a: Candidate, b: Candidate) -> bool:
    if a.passage.kind is PassageKind.TABLE or b.passage.kind is PassageKind.TABLE:
        return a.passage.table_id is not None and a.passage.table_id == b.passage.table_id
    return a.passage.document_id == b.passage.document_id and a.passage.section == b.passage.section


def select(candidates: list[Candidate], max_sentences: int = 4, margin: float = 0.3) -> list[Candidate]:
    """The sentences to quote, in document order: those within `margin` of the best score from the best one's
    section (or table), and those within half the margin from elsewhere, so one place is preferred."""
    if not candidates:
        return []
    best = candidates[0]
    limit = 3 if best.passage.kind is PassageKind.TABLE else max_sentences
    chosen: list[Candidate] = []
    for candidate in candidates:
        if len(chosen) >= limit or candidate.score < best.score - margin:
            break
        allowed = margin if _same_place(best, candidate) else margin / 2
        if candidate.score >= best.score - allowed and not any(_overlaps(candidate, c) for c in chosen):
            if best.passage.kind is PassageKind.TABLE and not _same_place(best, candidate):
                continue
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.position)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.passage.id == b.passage.id and a.start < b.end and b.start < a.end


def _with_list(passage: Passage, start: int, end: int, max_items: int = 8) -> int:
    """End of the span, extended over the list items that follow a sentence ending in a colon."""
    if not passage.text[start:end].rstrip().endswith(":"):
        return end
    cursor, items = end, 0
    while items < max_items:
        newline = passage.text.find("\n", cursor)
        if newline < 0:
            break
        line_end = passage.text.find("\n", newline + 1)
        line_end = len(passage.text) if line_end < 0 else line_end
        line = passage.text[newline + 1:line_end]
        if not line.strip():
            cursor = newline + 1
            continue
        if not _LIST_LINE.match(line) and items:
            break
        cursor, items = line_end, items + 1
    while cursor > end and passage.text[cursor - 1].isspace():
        cursor -= 1
    return cursor


def quotes_for(chosen: list[Candidate]) -> list[Quote]:
    """Quotes for the chosen candidates; neighbours in one passage separated only by space become one quote."""
    quotes: list[Quote] = []
    for c in chosen:
        table = c.passage.kind is PassageKind.TABLE
        end = c.end if table else _with_list(c.passage, c.start, c.end)
        last = quotes[-1] if quotes else None
        if (last and not table and not last.table_row and last.passage.id == c.passage.id
                and not c.passage.text[last.end:c.start].strip() and "\n\n" not in c.passage.text[last.end:c.start]):
            quotes[-1] = Quote(c.passage, last.start, max(end, last.end))
        elif not (last and last.passage.id == c.passage.id and c.start < last.end):
            quotes.append(Quote(c.passage, c.start, end, table_row=table))
    return quotes


def table_header(quote: Quote) -> list[str] | None:
    """Header cells for a quoted row: the first line above it (repeated context first) that labels at least
    half as many cells as the row has; None when there is none (the row is the table's first line)."""
    cells = [c for c in quote.text.split("\t") if c.strip()]
    above = [line for line in quote.passage.context.split("\n") if line.strip()]
    above += [line for line in quote.passage.text[:quote.start].split("\n") if line.strip()]
    for line in above:
        labels = [c for c in line.split("\t") if c.strip()]
        if len(labels) * 2 >= len(cells) and "\t" in line:
            return line.split("\t")
    return None


def render_row(quote: Quote) -> str:
    """A table row as 'header: cell' pairs (empty cells dropped), or the cells alone when headers don't fit."""
    cells = quote.text.split("\t")
    while len(cells) > 1 and not cells[-1].strip():
        cells.pop()
    header = table_header(quote)
    if header is None or len(header) < len(cells):
        return " · ".join(c.strip() for c in cells if c.strip())
    pairs = [f"{h.strip()}: {c.strip()}" if h.strip() else c.strip()
             for h, c in zip(header, cells) if c.strip()]
    return "; ".join(pairs)


def document_url(document_id: str, page: int | None) -> str:
    return f"/documents/{document_id}#page={page}" if page else f"/documents/{document_id}"


def citation(n: int, quote: Quote, document: StoredDocument | None) -> Citation:
    passage = quote.passage
    page = _page_of(passage, quote.start, document)
    return Citation(
        n=n, document_id=passage.document_id, title=passage.title, section=passage.section_path, page=page,
        paragraph=passage.paragraph, quote=quote.text, start=passage.start + quote.start,
        end=passage.start + quote.end, published=document.meta.published if document else None,
        url=document_url(passage.document_id, page), passage_id=passage.id)


def _page_of(passage: Passage, offset: int, document: StoredDocument | None) -> int | None:
    """The page the quote starts on: the passage's page plus the page breaks before the quote."""
    if passage.page is None:
        return None
    if document is None:
        return passage.page
    breaks = document.text.count("\f", passage.start, passage.start + offset)
    return passage.page + breaks


def compose(quotes: list[Quote], documents: dict[str, StoredDocument], first: int = 1) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and the citations they point to (numbered from `first`)."""
    parts: list[str] = []
    citations: list[Citation] = []
    for offset, quote in enumerate(quotes):
        n = first + offset
        citations.append(citation(n, quote, documents.get(quote.passage.document_id)))
        if quote.table_row:
            label = quote.passage.section[-1] if quote.passage.section else quote.passage.title
            label = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s+", "", label)  # "3. Safeguarding…" -> "Safeguarding…"
            parts.append(f"{label}: {render_row(quote)} [{n}]")
        else:
            parts.append(f"{quote.text} [{n}]")
    return "\n".join(parts), citations
