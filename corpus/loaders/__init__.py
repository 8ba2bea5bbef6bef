"""Loaders: one per format, all returning pages of text in one canonical form.

`load_file(path, max_bytes)` picks the loader from the file's first bytes (then its extension) and raises
`corpus.sniff.LoadError(reason, advice)` for anything it cannot load.

The canonical text form, which `corpus/structure.py` relies on:

- Blocks are separated by one blank line. A paragraph is one block on one line (PDF line wraps joined,
  line-end hyphens repaired; see `corpus.normalise.join_hyphenated` for when a hyphen is kept).
- Headings known from the source (Word heading styles, HTML h1-h6, Markdown "#", PDF lines in clearly
  larger type or short bold lines standing alone) are their own block: "# Chapter 1", "## Relevant agencies".
  Larger type is a higher level. Headings the source does not mark stay plain short lines.
- List items are one line each starting "• " (from "-", "*", "o", "▪", "" ...); lettered items ("a) ...")
  keep their letters; consecutive items may share a block.
- Tables are one block of tab-separated rows, one row per line, no tabs or newlines inside cells; a caption
  line above a table is its own block. HTML inside a cell is flattened: list items joined by " • ",
  paragraphs by "; " (`corpus.normalise.flatten_cell_html`).
- Page numbers and running headers/footers are dropped; footnotes are blocks at the end of their page;
  ligatures (ﬁ ﬂ ...) are letters; soft hyphens and zero-width characters are gone; "65. Relevant agencies"
  paragraph numbers are kept as written.
- PDF pages are numbered from 1; other formats give one page numbered None, unless the text holds form
  feeds, which are page breaks.
"""

from __future__ import annotations

from pathlib import Path

from assistant.types import LoadedDocument
from corpus.sniff import FileType, LoadError, sniff

__all__ = ["load_file", "LoadError", "FileType"]


def _size_check(path: Path, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", "check the file exists and is readable") from exc
    if size == 0:
        raise LoadError("zero-byte file", "the file is empty: download or export it again")
    if size > max_bytes:
        raise LoadError(
            f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB cap",
            "split it into smaller files, or raise LSCB_MAX_FILE_MB if it really is one document",
        )


def load_file(path: Path, max_bytes: int) -> LoadedDocument:
    """Load one file of any supported type (PDF, DOCX, HTML, TXT, MD) into canonical pages.

    Raises `LoadError` for files over `max_bytes`, empty, mislabelled, encrypted, corrupt or scanned.
    """
    path = Path(path)
    _size_check(path, max_bytes)
    kind = sniff(path)
    warnings: list[str] = []
    if kind is FileType.PDF and path.suffix.lower() not in (".pdf", ""):
        warnings.append(f"file is a PDF but named {path.suffix}: loaded as PDF")
    if kind is FileType.DOCX and path.suffix.lower() not in (".docx", ""):
        warnings.append(f"file is a Word document but named {path.suffix}: loaded as DOCX")
    if kind is FileType.PDF:
        from corpus.loaders.pdf import load_pdf

        loaded = load_pdf(path)
    elif kind is FileType.DOCX:
        from corpus.loaders.docx import load_docx

        loaded = load_docx(path)
    elif kind is FileType.HTML:
        from corpus.loaders.html import load_html

        loaded = load_html(path.read_bytes())
    else:
        from corpus.loaders.text import load_text

        loaded = load_text(path.read_bytes(), markdown=kind is FileType.MARKDOWN)
    loaded.warnings = warnings + loaded.warnings
    return loaded
