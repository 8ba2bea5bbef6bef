"""What the text around a saved table says about it: its title, the sentence or heading that introduces it,
its footnotes, and nearby sentences that date a column.

The text before a table is read back block by block (blocks are separated by blank lines) until another
table, a heading, or three prose blocks; the blocks straight after it are read for footnotes ("*Most recent
data available", "Note: ..."). Only the nearest prose block counts as an introduction, and only its sentence
that points at the table ("... shown in the table below", "... by the following agencies:", "The table
shows ..."). A table that opens its page (a chart or dashboard page, nothing before it) may instead be
described by the first heading after it on the same page that names a unit ("... - rate per 10,000").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.indicators.values import MARKERS, infer_unit
from assistant.types import FORM_FEED, Table
from corpus.sentences import sentence_spans

_REACH = 4000  # characters read before and after a table
_MAX_PROSE_BLOCKS = 3
_MAX_HEADING_WORDS = 14
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\f")
_REFERS = re.compile(r"\b(?:tables?|below|the following|as follows|shown|summari[sz]ed|broken down)\b|:\s*$",
                     re.IGNORECASE)
_NOTE_START = re.compile(rf"^(?:[{re.escape(MARKERS)}]+\s*\S|notes?\s*[:.\-–])", re.IGNORECASE)
_NUMBERING = re.compile(r"^(?:(?:chapter|section|part|table|figure|appendix)\s+[\dA-Z]+(?:\.\d+)*\s*[:.\-–]?"
                        r"|\d+(?:\.\d+)*\.?)\s+", re.IGNORECASE)
_INTRO_CUTS = [
    re.compile(r"^(?:the\s+|this\s+)?(?:table|chart|figure|graph)s?\s+(?:below\s+|above\s+)?"
               r"(?:shows?|sets?\s+out|gives?|summari[sz]es|illustrates?|presents?|details?)\s+(?:that\s+)?",
               re.IGNORECASE),
    re.compile(r",?\s*(?:is|are)\s+(?:shown|set\s+out|given|summari[sz]ed|presented|illustrated|detailed)"
               r"(?:\s+in\s+the\s+(?:table|chart|figure))?(?:\s+(?:below|above))?", re.IGNORECASE),
    re.compile(r"\s+in\s+the\s+(?:table|chart)\s+(?:below|above)", re.IGNORECASE),
    re.compile(r"\s*\bas\s+follows\b", re.IGNORECASE),
    re.compile(r"\bthe\s+following\s+", re.IGNORECASE),
]


@dataclass(frozen=True)
class TableContext:
    """The words around one table. Every field is cleaned text or None; `footnotes` maps mark -> text.

    The unmarked notes under a table ("Note: figures are provisional") are kept under the key "".
    """

    title: str | None = None
    intro: str | None = None
    heading: str | None = None
    heading_after: str | None = None
    sentences: tuple[str, ...] = ()
    footnotes: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str | None:
        """A name for the table itself: its title, else its introducing sentence, else the nearest heading."""
        return self.title or self.intro or self.heading or self.heading_after

    @property
    def subject(self) -> str | None:
        """What the table's figures measure, when no row or column says: the first of title, introduction,
        heading before and heading after that names a unit, else the first of them that exists."""
        candidates = [c for c in (self.title, self.intro, self.heading, self.heading_after) if c]
        return next((c for c in candidates if infer_unit(c)), candidates[0] if candidates else None)

    @property
    def prefix(self) -> str | None:
        """The name to put in front of a column that names a measure ("No. of children"): the table's title,
        else the heading just before it."""
        return self.title or self.heading


def clean_heading(text: str) -> str:
    """A heading or title without its marks and numbering: "3. Safeguarding: need" -> "Safeguarding: need".

    A question after a colon is dropped ("The LSCB Budget: what do we spend it on?" -> "LSCB Budget"), and a
    leading "The" before a capitalised word.
    """
    text = " ".join(text.replace("**", "").lstrip("#").split())
    text = _NUMBERING.sub("", text, count=1)
    head, colon, rest = text.partition(": ")
    if colon and rest.endswith("?") and len(head.split()) >= 2:
        text = head
    text = re.sub(r"^(?i:the)\s+(?=[A-Z])", "", text)
    return text.strip(" .:;,-–")


def clean_intro(sentence: str) -> str:
    """An introducing sentence as a description: pointers at the table removed, first letter capitalised.

    "The table shows the contributions from partner agencies in 2016 -17." ->
    "The contributions from partner agencies in 2016 -17".
    """
    text = " ".join(sentence.split())
    for cut in _INTRO_CUTS:
        text = cut.sub(" " if cut.pattern.startswith(r"\s") else "", text)
    text = " ".join(text.split()).strip(" .:;,")
    return text[:1].upper() + text[1:]


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the non-blank blocks of text[start:end], in order."""
    spans, pos = [], start
    for brk in _BLOCK_BREAK.finditer(text, start, end):
        if text[pos:brk.start()].strip():
            spans.append((pos, brk.start()))
        pos = brk.end()
    if text[pos:end].strip():
        spans.append((pos, end))
    return spans


def _is_heading(block: str, section: list[str]) -> bool:
    """A block that reads as a heading: marked "#", equal to the section's heading, or one short line that
    does not end like a sentence or an introduction."""
    line = block.strip()
    if "\n" in line or "\t" in line or not line:
        return False
    if line.startswith("#") or (section and clean_heading(line) == clean_heading(section[-1])):
        return True
    return (len(line.split()) <= _MAX_HEADING_WORDS and not line.endswith((".", ":", ";", ","))
            and not line.startswith(("•", "-", "*")) and (line[0].isupper() or line[0].isdigit()))


def _sentences(text: str, start: int, end: int) -> list[str]:
    return [" ".join(text[s:e].split()) for s, e in sentence_spans(text, start, end)]


def footnote(line: str) -> tuple[str, str] | None:
    """(mark, text) of a footnote line: "*Most recent data available" -> ("*", "Most recent data available");
    "Note: figures are provisional" -> ("", "figures are provisional"); None for any other line."""
    line = line.strip()
    if not _NOTE_START.match(line):
        return None
    marks = re.match(rf"[{re.escape(MARKERS)}]+", line)
    if marks:
        return marks.group(), line[marks.end():].strip(" :")
    return "", re.sub(r"^notes?\s*[:.\-–]\s*", "", line, flags=re.IGNORECASE)


def add_footnote(notes: dict[str, str], mark: str, text: str) -> None:
    """Record one footnote; unmarked notes ("") accumulate."""
    notes[mark] = f"{notes[mark]} {text}".strip() if mark == "" and mark in notes else text


def _footnotes(text: str, blocks: list[tuple[int, int]]) -> dict[str, str]:
    """Footnote lines in the blocks straight after a table, by their mark ("" for "Note: ...")."""
    notes: dict[str, str] = {}
    for start, end in blocks:
        found = [footnote(line) for line in text[start:end].split("\n") if line.strip()]
        if not found or None in found:
            break
        for mark, body in found:  # type: ignore[misc]
            add_footnote(notes, mark, body)
    return notes


def table_context(table: Table, document_text: str) -> TableContext:
    """The context of `table` in `document_text` (the loaded text its `start`/`end` offsets point into).

    With no document text, or a text the table's offsets do not point into, only its own title is known.
    """
    title = clean_heading(table.title) if table.title else None
    first = next((c.strip() for r in table.header_rows + table.rows for c in r if c.strip()), "")
    if not document_text or table.end > len(document_text) or first not in document_text[table.start:table.end]:
        return TableContext(title=title or None)  # no text, or not the text these offsets point into
    text = document_text
    heading = intro = heading_after = None
    prose: list[tuple[int, int]] = []
    for start, end in reversed(_blocks(text, max(0, table.start - _REACH), table.start)):
        block = text[start:end]
        if "\t" in block:
            break
        if _is_heading(block, table.section):
            heading = clean_heading(block)
            break
        prose.append((start, end))
        if len(prose) == _MAX_PROSE_BLOCKS:
            break
    nearest = prose[0] if prose else None
    if nearest:
        pointing = [s for s in _sentences(text, *nearest) if _REFERS.search(s)]
        intro = clean_intro(pointing[-1]) if pointing else None
    page_start = text.rfind(FORM_FEED, 0, table.start) + 1
    page_end = text.find(FORM_FEED, table.end)
    page_end = len(text) if page_end < 0 else page_end
    after = _blocks(text, table.end, min(page_end, table.end + _REACH))
    if not text[page_start:table.start].strip():
        for start, end in after:
            block = text[start:end]
            if "\t" not in block and _is_heading(block, []) and infer_unit(block):
                heading_after = clean_heading(block)
                break
    footnotes = _footnotes(text, after)
    sentences = _sentences(text, *nearest) if nearest else []
    first_after = next(((s, e) for s, e in after if "\t" not in text[s:e]
                        and not _NOTE_START.match(text[s:e].strip())), None)
    if first_after:
        sentences += _sentences(text, *first_after)
    return TableContext(title=title or None, intro=intro or None, heading=heading or None,
                        heading_after=heading_after, sentences=tuple(sentences), footnotes=footnotes)
