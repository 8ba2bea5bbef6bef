"""Split a document's canonical text into blocks (headings, paragraphs, lists, tables) with exact offsets.

Canonical text: pages joined with FORM_FEED; blocks separated by blank lines; one paragraph per line;
headings known from the source marked with Markdown hashes; list items start "• "; tables are runs of
tab-separated rows. Headings without marks are found by shape (short standalone lines), by numbering
("Chapter 2: ...", "5. Title", "2.1 Title") and, when the document has one, by its table of contents.
Every block satisfies `block.text == text[block.start:block.end]`; nothing edits the text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from assistant.types import FORM_FEED, Block, BlockKind
from corpus.contents import find_contents, heading_key, is_numeric

_HASH = re.compile(r"#{1,6}(?=\s)")
_BULLET = re.compile(r"\s*(?:[•▪◦●‣∙\-*–o]|\(?[a-z]\)|\([ivx]{1,4}\))\s+\S")
_NUMBERED_PARA = re.compile(r"(\d{1,4})\.\s+\S|(\d{1,3}(?:\.\d{1,3})+)\.?\s+[A-Z(‘'\"“]")
_NUMBERED_HEADING = re.compile(r"(\d{1,3}\.|\d{1,3}(?:\.\d{1,3})+\.?)\s+[A-Z‘'\"“(]")
_KEYWORD = re.compile(r"(part|chapter|section|appendix|annexe?|schedule)\s+(\d{1,3}|[A-Z]|[IVXLC]{1,6})\b"
                      r"\s*(?:$|[:.\-–—])",
                      re.IGNORECASE)
_KEYWORD_RANK = {"part": 0, "chapter": 1, "section": 2}
_TRAILING_WORDS = frozenset("a an and as by for in is of or that the to which with".split())
_MAX_HEADING_WORDS, _MAX_HEADING_CHARS, _MAX_TOC_WORDS, _MAX_SUBHEADING_WORDS = 14, 120, 40, 6
_MIN_MARKED_HEADINGS = 3  # a document with this many "#" headings marks its headings itself


@dataclass
class _Raw:
    """A run of non-blank lines: (start, end) spans with trailing whitespace cut, leading kept."""

    lines: list[tuple[int, int]]
    kind: BlockKind = BlockKind.PROSE
    # (how, level hint, keyword rank); how: hash, toc, tocflat, keyword, numbered or plain
    heading: tuple[str, int | None, int | None] | None = None
    width: int = -1  # tables: most tabs in a row, once computed
    navigation: bool = False  # part of the contents page

FRONT_MATTER_WORDS = 25


def clean_heading(line: str) -> str:
    """Heading text for a section path: hashes, bold marks and surrounding space removed."""
    line = _HASH.sub("", line.strip(), count=1) if line.lstrip().startswith("#") else line
    line = line.replace("**", "").replace("__", "").strip().rstrip("#").strip()
    return re.sub(r"\s+", " ", line)


def _segment(text: str) -> list[list[tuple[int, int]]]:
    """Groups of non-blank line spans; blank lines and form feeds separate groups.

    A span keeps a line's leading tabs (a table row may start with an empty cell) but not other
    leading or trailing whitespace.
    """
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        parts = line.split(FORM_FEED)
        offset = pos
        for n, part in enumerate(parts):
            if n and current:
                groups.append(current)
                current = []
            if part.strip():
                lead = len(part) - len(part.lstrip(" \u00a0\r" if "\t" in part else None))
                current.append((offset + lead, offset + len(part.rstrip())))
            elif current:
                groups.append(current)
                current = []
            offset += len(part) + 1
        pos += len(line) + 1
    if current:
        groups.append(current)
    return groups


def _split_group(text: str, group: list[tuple[int, int]]) -> list[_Raw]:
    """Split a group into blocks: hash headings alone; a paragraph before its bullets; tables whole."""
    lines = [text[s:e] for s, e in group]
    if sum("\t" in line for line in lines) * 2 >= len(lines):
        return [_Raw(group, BlockKind.TABLE)]
    out: list[_Raw] = []
    run: list[tuple[int, int]] = []
    run_kind = BlockKind.PROSE
    for span, line in zip(group, lines):
        stripped = line.lstrip()
        if stripped.startswith("#") and _HASH.match(stripped):
            if run:
                out.append(_Raw(run, run_kind))
            out.append(_Raw([span]))
            out[-1].heading = ("hash", len(stripped) - len(stripped.lstrip("#")), None)
            run, run_kind = [], BlockKind.PROSE
            continue
        is_item = bool(_BULLET.match(line))
        if is_item and run and run_kind is BlockKind.PROSE:
            out.append(_Raw(run, run_kind))
            run = []
        if not run:
            run_kind = BlockKind.LIST if is_item else BlockKind.PROSE
        run.append(span)
    if run:
        out.append(_Raw(run, run_kind))
    return out


def _keyword_rank(line: str) -> int | None:
    match = _KEYWORD.match(line)
    if not match:
        return None
    return _KEYWORD_RANK.get(match.group(1).lower(), -1)


def _is_candidate(line: str) -> bool:
    """General shape of an unmarked heading: short, standalone, capitalised, no closing punctuation."""
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if line[-1] in ".,;:" or _BULLET.match(line) or "\t" in line:
        return False
    if not (line[0].isupper() or line[0].isdigit()):
        return False
    if line[0].isdigit() and not _NUMBERED_HEADING.match(line):
        return False
    if any(marker in line for marker in ("@", "http", "www.")) or words[-1].lower() in _TRAILING_WORDS:
        return False
    alnum = [c for c in line if c.isalnum()]
    return sum(c.isdigit() for c in alnum) * 2 <= len(alnum)


def _classify_heading(raw: _Raw, line: str, strict: bool, toc: tuple[bool, int | None], next_text: str,
                      in_list: bool) -> None:
    """Set `raw.heading` for an unmarked single-line block that is a heading.

    `toc` is (listed in the contents, level it gives). In `strict` mode (the document has a contents
    list, or marks its headings with hashes) only listed lines and "Chapter/Part/Section/Appendix N" lines
    are headings; otherwise lines of heading shape are, unless the next block carries on the sentence
    (starts in lower case) or the line is an item of a list (`in_list`: after "...:" or a numbered item).
    """
    in_toc, toc_level = toc
    shaped = _is_candidate(line) and not next_text[:1].islower() and not in_list
    rank = _keyword_rank(line) if shaped else None
    numbered = _NUMBERED_HEADING.match(line) if shaped or in_toc else None
    if in_toc and toc_level is not None:
        raw.heading = ("toc", toc_level, None)
    elif rank is not None:
        raw.heading = ("keyword", None, rank)
    elif numbered is not None and (in_toc or not strict):
        raw.heading = ("numbered", numbered.group(1).rstrip(".").count(".") + 1, None)
    elif in_toc:
        raw.heading = ("tocflat", None, None)
    elif shaped and not strict:
        raw.heading = ("plain", None, None)


def _single_line(text: str, raw: _Raw) -> str | None:
    """The cleaned line of a one-line prose block that could be a heading (or is a "#" heading), else None."""
    if raw.kind is not BlockKind.PROSE or len(raw.lines) != 1:
        return None
    line = clean_heading(text[raw.lines[0][0]:raw.lines[0][1]])
    return line if line and not _BULLET.match(line) and len(line.split()) <= _MAX_TOC_WORDS else None


def _table_first_row(text: str, raw: _Raw) -> list[str]:
    for s, e in raw.lines:
        cells = [c.strip() for c in text[s:e].split("\t")]
        if sum(bool(c) for c in cells) > 1:
            return [c for c in cells if c]
    return []


def _width(text: str, raw: _Raw) -> int:
    """Most tabs in any row of a table block (cached on the block)."""
    if raw.width < 0:
        raw.width = max(text[s:e].count("\t") for s, e in raw.lines)
    return raw.width


def _merge_tables(text: str, raws: list[_Raw]) -> list[_Raw]:
    """Join a table split by a blank line or page break; absorb a short caption line directly above."""
    out: list[_Raw] = []
    for raw in raws:
        prev = out[-1] if out else None
        if prev is not None and raw.kind is BlockKind.TABLE and prev.kind is BlockKind.TABLE:
            head, first = _table_first_row(text, prev), _table_first_row(text, raw)
            new_header = first and head and (first == head or (first[0] == head[0] and not any(map(is_numeric, first))))
            if not new_header and _width(text, raw) == _width(text, prev):
                prev.lines.extend(raw.lines)
                prev.width = max(prev.width, raw.width)
                continue
        if (prev is not None and raw.kind is BlockKind.TABLE and prev.kind is BlockKind.PROSE
                and len(prev.lines) == 1 and prev.heading in (None, ("plain", None, None))
                and FORM_FEED not in text[prev.lines[0][1]:raw.lines[0][0]]
                and _is_candidate(clean_heading(text[prev.lines[0][0]:prev.lines[0][1]]))):
            raw.lines = prev.lines + raw.lines
            out[-1] = raw
            continue
        out.append(raw)
    return out


def parse_blocks(text: str, paged: bool = True) -> list[Block]:
    """Blocks of `text` in order, each with its section path, page, paragraph number and exact offsets.

    `paged=False` gives every block `page=None` (formats without pages).
    """
    raws = [raw for group in _segment(text) for raw in _split_group(text, group)]
    contents = find_contents(text, [r.lines for r in raws], [r.kind is BlockKind.TABLE for r in raws])
    lines = [_single_line(text, raw) for raw in raws]
    if contents is not None:
        for i in range(contents.first, contents.last + 1):
            raws[i].heading, lines[i] = None, None
            raws[i].navigation = True
    listed = contents.match([heading_key(line) if line else None for line in lines]) if contents else {}
    strict = contents is not None or sum(r.heading is not None for r in raws) >= _MIN_MARKED_HEADINGS
    for i, (raw, line) in enumerate(zip(raws, lines)):
        if line is None or raw.heading is not None:
            continue
        following = raws[i + 1].lines[0] if i + 1 < len(raws) else (0, 0)
        before = raws[i - 1] if i else None
        before_text = text[before.lines[-1][0]:before.lines[-1][1]] if before else ""
        in_list = before_text.endswith(":") or bool(
            before and before.heading is None and _NUMBERED_PARA.match(before_text) and _NUMBERED_PARA.match(line))
        _classify_heading(raw, line, strict, (i in listed, listed.get(i)), text[following[0]:following[1]].lstrip(),
                          in_list)
    raws = _merge_tables(text, raws)
    feeds = [m.start() for m in re.finditer(FORM_FEED, text)]
    stack: list[tuple[int, str, bool, int | None]] = []  # (level, text, structural, keyword rank)
    blocks: list[Block] = []
    paragraph: str | None = None
    number: tuple[int, ...] = ()
    table_index = 0
    after_heading = True
    for raw in raws:
        start, end = raw.lines[0][0], raw.lines[-1][1]
        page = 1 + bisect.bisect_right(feeds, start) if paged else None
        body = text[start:end]
        if raw.heading is not None:
            how, hint, rank = raw.heading
            deepest = max((lvl for lvl, _, structural, _ in stack if structural), default=0)
            if how == "keyword":
                level = 1 if rank == -1 else 1 + sum(1 for *_, r in stack if r is not None and 0 <= r < rank)
            else:
                level = hint if hint is not None else deepest + 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            structural = how not in ("plain", "tocflat")
            stack.append((level, clean_heading(body), structural, rank if how == "keyword" else None))
            paragraph, after_heading = None, True
            blocks.append(Block(kind=BlockKind.HEADING, text=body, start=start, end=end, page=page,
                                section=[s for _, s, _, _ in stack], heading_level=level))
            continue
        kind = raw.kind
        match = _NUMBERED_PARA.match(body) if kind is BlockKind.PROSE else None
        if match:
            label = match.group(1) or match.group(2)
            value = tuple(int(part) for part in label.split("."))
            if value > number or (after_heading and value[0] == 1):
                paragraph, number = label, value
            else:  # numbered paragraphs rise; "3. Review ..." inside paragraph 49 is a list item
                kind = BlockKind.LIST
        after_heading = False
        block = Block(kind=kind, text=body, start=start, end=end, page=page,
                      section=[s for _, s, _, _ in stack], paragraph=paragraph,
                      navigation=raw.navigation)
        if kind is BlockKind.TABLE and not raw.navigation:
            block.table_index = table_index
            table_index += 1
        blocks.append(block)
    _mark_front_matter(blocks)
    return blocks


def _mark_front_matter(blocks: list[Block]) -> None:
    """A few words before the first heading (a cover's title lines) are navigation, not content."""
    first = next((i for i, b in enumerate(blocks) if b.kind is BlockKind.HEADING), None)
    if first is None:
        return
    if sum(len(b.text.split()) for b in blocks[:first] if not b.navigation) < FRONT_MATTER_WORDS:
        for block in blocks[:first]:
            block.navigation = True


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.rstrip("\r").split("\t")]


def split_table(block_text: str) -> tuple[str | None, list[list[str]], list[list[str]]]:
    """(title, header_rows, body_rows) of a table block; rows padded to one width, empty end columns dropped.

    A first row with one non-empty cell is the title. The header is the first row, plus a second row of
    sub-headings (blank first cell, no numbers) under a first row with merged (blank) cells. A table of a
    single row has no header.
    """
    rows = [_cells(line) for line in block_text.split("\n") if line.strip()]
    title = None
    if len(rows) > 1:
        filled = [c for c in rows[0] if c]
        if len(filled) == 1 and not is_numeric(filled[0]):
            title = filled[0]
            rows = rows[1:]
    width = max((len(r) for r in rows), default=0)
    while width and all(len(r) < width or not r[width - 1] for r in rows):
        width -= 1
    rows = [(r + [""] * width)[:width] for r in rows]
    if len(rows) < 2:
        return title, [], rows
    header_count = 1
    subheads = [c for c in rows[1] if c]
    if (len(rows) > 2 and "" in rows[0] and not rows[1][0] and subheads
            and not any(is_numeric(c) or len(c.split()) > _MAX_SUBHEADING_WORDS for c in subheads)):
        header_count = 2
    return title, rows[:header_count], rows[header_count:]
