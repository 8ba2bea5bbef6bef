"""Pieces every loader shares: decoding text files, writing table blocks, joining blocks into a page."""

from __future__ import annotations

import re

from corpus.normalise import clean_cell

_NUMERIC = re.compile(r"^[-+–]?[£$€]?\d[\d,]*(?:\.\d+)?%?$|^[-–]$")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode bytes: by their byte-order mark (UTF-8, UTF-16), else trying UTF-8, Windows-1252 and Latin-1.

    Returns the text and a warning when it was not UTF-8 (never an error: Latin-1 decodes anything).
    Newlines are normalised to "\\n".
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, used = data.decode("utf-8-sig"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, used = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        for used in ENCODINGS:
            try:
                text = data.decode(used)
                break
            except UnicodeDecodeError:
                continue
    warning = None
    if not used.startswith("utf-"):
        warning = f"file is not UTF-8: decoded as {used}; check characters such as £ and quotes"
    return text.replace("\r\n", "\n").replace("\r", "\n"), warning


def tsv(rows: list[list[str]]) -> str:
    """Rows as tab-separated lines, one per row; cells cleaned of tabs and newlines; empty rows left out."""
    lines = ["\t".join(clean_cell(c) for c in row) for row in rows]
    return "\n".join(line for line in lines if line.strip("\t "))


def join_blocks(blocks: list[str]) -> str:
    """Blocks separated by one blank line. Leading tabs survive (a table row may start with an empty cell)."""
    return "\n\n".join(b.strip("\n ") for b in blocks if b.strip())


def caption(block: str | None) -> str | None:
    """The block before a table as the table's title, when it reads as one: a single short line (20 words
    or fewer) that does not end like a sentence or an introduction ("... as follows:")."""
    if not block or "\n" in block or "\t" in block:
        return None
    text = block.lstrip("#").strip()
    if not text or len(text.split()) > 20 or text.endswith((".", ":", ";", "!", "?", ",")):
        return None
    return text


def heading(level: int, text: str) -> str:
    """A heading block: "# Title" for level 1, "## Sub" for level 2, up to six hashes."""
    return "#" * max(1, min(6, level)) + " " + " ".join(text.split())


def is_numeric(cell: str) -> bool:
    """True for "21.00", "-3.50", "£1,200", "45%" and the "-" placeholder."""
    return bool(_NUMERIC.match(cell.replace(" ", "")))


def guess_header_rows(rows: list[list[str]], first_row_bold: bool = False) -> int:
    """1 when the first row reads as a header, else 0.

    A header has no numbers in it (years aside) and is bold, or stands over rows holding numbers, or is
    a row of short labels (six words or fewer each) over rows of text.
    """
    if len(rows) < 2:
        return 0
    first = [c for c in rows[0] if c]
    if not first or any(is_numeric(c) for c in first if not re.fullmatch(r"(19|20)\d\d(/\d\d)?", c)):
        return 0
    if first_row_bold or any(c and _looks_numeric(c) for r in rows[1:] for c in r):
        return 1
    return 1 if all(len(c.split()) <= 6 for c in first) else 0


def _looks_numeric(cell: str) -> bool:
    return is_numeric(cell) or bool(re.fullmatch(r"[<>~]?\s*[\d.,]+\s*%?", cell))
