"""The PDF loader: pypdf for the text of every page, pdfplumber for the tables of pages that look tabular.

Pages come back numbered from 1, their text in the canonical form. Bad input raises `LoadError`:
encrypted (unless the user password is empty), corrupt, or without any text layer (scanned).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PdfStreamError

from assistant.types import LoadedDocument, Page, TableData
from corpus.loaders.pdf_blocks import render_page
from corpus.loaders.pdf_layout import Item, PageItems, TableItem, mark_flow, measure, remove_furniture
from corpus.loaders.pdf_lines import FontCache, Line, PageLines, extract_page_lines
from corpus.loaders.pdf_tables import FoundTable, find_page_tables
from corpus.sniff import LoadError

OCR_ADVICE = "needs OCR: run it through OCR software and add the result"
_MAX_LOG_WARNINGS = 5


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().split("\n")[0][:200]
        if message not in self.sink and len(self.sink) < _MAX_LOG_WARNINGS:
            self.sink.append(message)


@contextmanager
def _collect_library_warnings(sink: list[str]) -> Iterator[None]:
    """Route pypdf's and pdfminer's log warnings into `sink` (so they reach the ingest report, not stderr)."""
    handler = _Collect(sink)
    loggers = [logging.getLogger(name) for name in ("pypdf", "pdfminer")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeHandler(handler)


def _open(path: Path, warnings: list[str]) -> PdfReader:
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                raise LoadError("encrypted PDF that needs a missing decryption library", str(exc)) from exc
            if not opened:
                raise LoadError("encrypted PDF", "remove the password or export an unprotected copy")
            warnings.append("PDF is encrypted with an empty password: loaded without one")
        if len(reader.pages) == 0:
            raise LoadError("corrupt PDF: no pages found", "download the file again or re-export it from the source")
        return reader
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise LoadError("encrypted PDF", "remove the password or export an unprotected copy") from exc
    except RecursionError as exc:
        raise LoadError("corrupt PDF: its structure is nested too deeply", "download or export it again") from exc
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(f"corrupt PDF: {exc}"[:300], "download the file again or re-export it from the source") from exc


def _read_pages(reader: PdfReader, warnings: list[str]) -> list[PageLines]:
    pages: list[PageLines] = []
    failed: list[str] = []
    fonts: FontCache = {}
    for i, page in enumerate(reader.pages):
        try:
            pages.append(extract_page_lines(page, i, fonts))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad page (or RecursionError) should not lose the document
            failed.append(f"{i + 1} ({type(exc).__name__}: {exc})"[:120])
            pages.append(PageLines(index=i, top=842.0, bottom=0.0))
    if failed and len(failed) == len(pages):
        raise LoadError(f"corrupt PDF: no page could be read: {failed[0]}", "download the file again or re-export it")
    if failed:
        warnings.append("pages that could not be read: " + "; ".join(failed[:5]))
    return pages


def _find_tables(path: Path, pages: list[PageLines], warnings: list[str]) -> dict[int, list[FoundTable]]:
    candidates = [p.index for p in pages if p.looks_tabular]
    if not candidates:
        return {}
    import pdfplumber  # imported here: it is only needed for tabular pages

    found: dict[int, list[FoundTable]] = {}
    try:
        with pdfplumber.open(path) as pdf:
            for i in candidates:
                page = pdf.pages[i]
                try:
                    tables = find_page_tables(page)
                except MemoryError:
                    raise
                except Exception as exc:  # noqa: BLE001 - fall back to the page's plain text
                    warnings.append(f"page {i + 1}: table detection failed ({type(exc).__name__}); kept as text")
                    tables = []
                finally:
                    page.close()
                if tables:
                    found[i] = tables
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfplumber cannot open what pypdf could: keep the text
        warnings.append(f"table detection skipped ({type(exc).__name__}: {exc})"[:200])
    return found


def _place_tables(items: list[Item], page: PageLines, tables: list[FoundTable]) -> list[Item]:
    """The page's lines with each table's lines replaced by the table.

    The table goes where its first line was, or earlier: before the first line under it that follows the
    last line above it (some generators write a page's headings before its table cells).
    """
    for table in tables:
        x0, top, x1, bottom = table.bbox
        y_top, y_bottom = page.top - top, page.top - bottom
        lines = [(k, it) for k, it in enumerate(items) if isinstance(it, Line)]
        inside = [k for k, ln in lines if y_bottom - 2 <= ln.y <= y_top + 2 and x0 - 2 * ln.size <= ln.x <= x1]
        last_above = max((k for k, ln in lines if ln.y > y_top + 2), default=-1)
        below = next((k for k, ln in lines
                      if k > last_above and ln.y < y_bottom - 2 and x0 - 2 * ln.size <= ln.x <= x1), len(items))
        at = min(inside[0], below) if inside else below
        drop = set(inside)
        items = [it for k, it in enumerate(items[:at]) if k not in drop] + [TableItem(table.rows, table.header_rows)] \
            + [it for k, it in enumerate(items) if k >= at and k not in drop]
    return items


def load_pdf(path: Path) -> LoadedDocument:
    """Load a PDF into numbered pages of canonical text, with the tables found on them."""
    warnings: list[str] = []
    library_warnings: list[str] = []
    with _collect_library_warnings(library_warnings):
        reader = _open(path, warnings)
        pages = _read_pages(reader, warnings)
        total = sum(p.chars for p in pages)
        if total == 0:
            raise LoadError("no text layer (scanned PDF)", OCR_ADVICE)
        tables = _find_tables(path, pages, warnings)
    items = [PageItems(p, list(p.lines)) for p in pages]
    remove_furniture(items)
    for p in items:
        p.items = _place_tables(p.items, p.page, tables.get(p.page.index, []))
    mark_flow(items)
    layout = measure(items)
    out_pages: list[Page] = []
    out_tables: list[TableData] = []
    for k, p in enumerate(items):
        text, page_tables = render_page(p, k, layout)
        if p.page.rotated_text:
            text = "\n\n".join(t for t in (text, " ".join(p.page.rotated_text)) if t)
        out_pages.append(Page(number=k + 1, text=text))
        out_tables.extend(page_tables)
    empty = [str(p.index + 1) for p in pages if p.chars == 0]
    if empty:
        shown = ", ".join(empty[:10]) + (" ..." if len(empty) > 10 else "")
        warnings.append(f"pages without a text layer (scanned or images only; {OCR_ADVICE}): {shown}")
    if total < 200 * len(pages):
        warnings.append(f"very little text ({total} characters on {len(pages)} pages): "
                        "diagrams or images may hold content that was not read")
    warnings.extend(f"pdf library: {w}" for w in library_warnings)
    return LoadedDocument(pages=out_pages, tables=out_tables, warnings=warnings)
