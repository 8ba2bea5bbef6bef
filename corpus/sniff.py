"""What kind of file is this? Magic bytes first, the extension second, and a clear error when they disagree.

`sniff(path)` returns a `FileType` or raises `LoadError(reason, advice)`: the one error type every loader
raises, so the ingest can report "<file>: <reason>: <advice>" for each file it skips.
"""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path


class LoadError(Exception):
    """A file that cannot be loaded: `reason` says what is wrong, `advice` what the user can do about it."""

    def __init__(self, reason: str, advice: str) -> None:
        super().__init__(f"{reason}: {advice}")
        self.reason = reason
        self.advice = advice


class FileType(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    TEXT = "text"
    MARKDOWN = "markdown"


EXTENSIONS: dict[str, FileType] = {
    ".pdf": FileType.PDF,
    ".docx": FileType.DOCX,
    ".html": FileType.HTML,
    ".htm": FileType.HTML,
    ".xhtml": FileType.HTML,
    ".txt": FileType.TEXT,
    ".text": FileType.TEXT,
    ".md": FileType.MARKDOWN,
    ".markdown": FileType.MARKDOWN,
}
SUPPORTED = "PDF, DOCX, HTML, TXT or MD"

# Binary formats that are recognisable but not loadable: magic prefix -> (description, advice).
_OTHER_MAGIC: list[tuple[bytes, str, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office file (.doc/.xls)", "save it as .docx or PDF and add that"),
    (b"{\\rtf", "RTF document", "save it as .docx or PDF and add that"),
    (b"\x89PNG", "PNG image", "needs OCR: run it through OCR software and add the result"),
    (b"\xff\xd8\xff", "JPEG image", "needs OCR: run it through OCR software and add the result"),
    (b"GIF8", "GIF image", "needs OCR: run it through OCR software and add the result"),
    (b"II*\x00", "TIFF image", "needs OCR: run it through OCR software and add the result"),
    (b"MM\x00*", "TIFF image", "needs OCR: run it through OCR software and add the result"),
    (b"\x1f\x8b", "gzip archive", "unpack it and add the documents inside"),
    (b"Rar!", "RAR archive", "unpack it and add the documents inside"),
    (b"7z\xbc\xaf", "7-Zip archive", "unpack it and add the documents inside"),
]
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")


def _zip_kind(path: Path) -> str:
    """'docx' for a Word document, else a description of the zip package."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return "damaged zip archive"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "Excel workbook (.xlsx)"
    if any(n.startswith("ppt/") for n in names):
        return "PowerPoint file (.pptx)"
    if "mimetype" in names:
        return "OpenDocument file"
    return "zip archive"


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml"):
        return b"<html" in start[:2048]
    return start.startswith(_HTML_STARTS) or (start.startswith(b"<") and b"<html" in start[:2048])


def _is_binary(head: bytes) -> bool:
    if b"\x00" in head:  # UTF-16 text has NULs too; it is rare in a council's corpus and treated as binary
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(head) // 50)


def _describe_ext(ext: str) -> str:
    return ext if ext else "(no extension)"


def sniff(path: Path) -> FileType:
    """Decide how to load `path`, from its first bytes and then its extension.

    A PDF or DOCX signature wins over the extension (a PDF named .docx is still read as a PDF); text named
    as a binary format, and archives or images under any name, raise `LoadError`.
    """
    ext = path.suffix.lower()
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", "check the file exists and is readable") from exc
    if not head:
        raise LoadError("zero-byte file", "the file is empty: download or export it again")
    named = EXTENSIONS.get(ext)
    if b"%PDF-" in head[:1024]:
        return FileType.PDF
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
        if kind == "docx":
            return FileType.DOCX
        if named is FileType.PDF:
            raise LoadError(f"{kind} renamed .pdf", "it is not a PDF: export the document itself as PDF and add that")
        raise LoadError(f"unsupported file type: {kind}", f"convert it to {SUPPORTED} and add that")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text (Windows "Unicode" .txt)
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    for magic, description, advice in _OTHER_MAGIC:
        if head.startswith(magic):
            suffix = f" named {ext}" if ext else ""
            raise LoadError(f"unsupported file type: {description}{suffix}", advice)
    if _is_binary(head):
        if named in (FileType.PDF, FileType.DOCX):
            raise LoadError(f"not a valid {ext[1:].upper()} file (unrecognised content)", "download or export it again")
        if named is not None:  # a text name (.txt, .md, .html) over binary bytes
            raise LoadError(f"binary content in a {ext} file (not text)",
                            f"the file is damaged or is not text: open it, save it again as text or {SUPPORTED}")
        raise LoadError(f"unsupported file type {_describe_ext(ext)}", f"convert it to {SUPPORTED} and add that")
    # Text from here on.
    is_html = _looks_like_html(head)
    if named in (FileType.PDF, FileType.DOCX):
        what = "HTML" if is_html else "plain text"
        raise LoadError(
            f"file is {what} but named {ext}",
            "it is probably a web page or error message saved in place of the document: download the real file",
        )
    if named is not None:
        return named
    if not ext:
        return FileType.HTML if is_html else FileType.TEXT
    raise LoadError(f"unsupported file type {ext}", f"convert it to {SUPPORTED} and add that")
