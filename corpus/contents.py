"""Read a document's own table of contents, so its entries can confirm headings in the body.

A contents list starts at a line "Contents" (or "Table of contents") and runs while blocks hold entries:
lines or tab-separated rows ending in a page number ("Referral 57", "Chair's Foreword\\t4", dot leaders
allowed). Entries after a bullet ("• Private Fostering 44") are sub-entries. When any sub-entries exist
the contents gives levels (top-level 1, sub-entry 2); otherwise it only says "this line is a heading".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_TAG = re.compile(r"<[^>\n]{0,400}>")
_MARKER_PREFIX = re.compile(r"(?:table of )?contents?(?=$|[\s:])[:\s]*", re.IGNORECASE)
_PAGE_AT_END = re.compile(r"(.*?)(?:\s*[.·…_]{2,}\s*|\s+)(\d{1,4}|[ivxlc]{1,6})")
_PAGE_CANDIDATE = re.compile(r"(?:\s*[.·…_]{2,}\s*|\s+)(\d{1,3}|[ivxlc]{1,6})"
                             r"(?=\s+[A-Z•▪◦●“‘\"'(]|\s*$)")
_LIST_LABEL = re.compile(r"(?:table of (?:figures|tables)|list of (?:figures|tables|illustrations))\b[:\s]*",
                         re.IGNORECASE)
_BULLETS = re.compile(r"\s*[•▪◦●]\s*")
_LEADING_NUMBER = re.compile(r"(?:\d{1,3} )+")
_NUMERIC = re.compile(r"[\s£$€(+\-–]*\d[\d\s,./:%()*+\-–]*")
_MIN_ENTRIES = 3
_MAX_GAP_WORDS = 12
_MARKER_WITHIN = 40  # a contents list starts within the first 40 blocks or the first fifth of the document


def strip_tags(text: str) -> str:
    """Text with inline HTML tags removed and spaces collapsed."""
    return re.sub(r"[ \u00a0]+", " ", _TAG.sub(" ", text)).strip()


def heading_key(text: str) -> str:
    """Normalised form for comparing a heading with a contents entry: letters and digits, lower case."""
    text = strip_tags(text).replace("**", "").lower()
    text = re.sub(r"['’‘`]", "", text)
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def is_numeric(cell: str) -> bool:
    """True for a number-like cell: 4019, 54,000, 94.2%, £1,008.47, 2010/11, 31 12 17."""
    return bool(_NUMERIC.fullmatch(cell.strip()))


@dataclass
class Contents:
    """Entries of a contents list in order, as (heading key, level or None), and its block range."""

    first: int
    last: int
    entries: list[tuple[str, int | None]]

    def match(self, keys: list[str | None]) -> dict[int, int | None]:
        """{block index: level} for blocks whose heading key is an entry (also without a leading number).

        Only the longest chain of matches in the contents' own order is kept, so a figure label or table
        cell that happens to equal a later entry ("Health") is not taken for a heading.
        """
        positions: dict[str, list[int]] = {}
        for n, (key, _) in enumerate(self.entries):
            for variant in {key, _bare(key)}:
                if variant:
                    positions.setdefault(variant, []).append(n)
        sequence = [(i, n) for i, key in enumerate(keys) if key
                    for n in sorted(set(positions.get(key) or positions.get(_bare(key), [])), reverse=True)]
        return {i: self.entries[n][1] for i, n in _longest_rising(sequence)}


def _bare(key: str) -> str:
    return _LEADING_NUMBER.sub("", key, count=1)


def _longest_rising(sequence: list[tuple[int, int]], strict: bool = True) -> list[tuple[int, int]]:
    """Longest subsequence with rising (or, not `strict`, non-falling) second items, by patience sorting."""
    tails: list[int] = []
    tail_values: list[int] = []
    previous = [-1] * len(sequence)
    for k, (_, value) in enumerate(sequence):
        j = (bisect.bisect_left if strict else bisect.bisect_right)(tail_values, value)
        previous[k] = tails[j - 1] if j else -1
        if j == len(tails):
            tails.append(k)
            tail_values.append(value)
        else:
            tails[j], tail_values[j] = k, value
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k != -1:
        chain.append(sequence[k])
        k = previous[k]
    return chain[::-1]


def _without_page(entry: str) -> str:
    match = _PAGE_AT_END.fullmatch(entry.strip())
    return match.group(1).strip() if match else entry.strip()


def _split_entry(text: str, strip_pages: bool) -> list[tuple[str, bool]]:
    """A top-level entry and the bulleted sub-entries written inside it: [(text, is_sub), ...].

    With `strip_pages` each sub-entry's own page number is cut off its end.
    """
    parts = [p.strip() for p in _BULLETS.split(text)]
    out = [(parts[0], False)] if parts[0] else []
    out += [(_without_page(p) if strip_pages else p, True) for p in parts[1:] if p]
    return [(t, sub) for t, sub in out if t]


@dataclass
class _Reader:
    """Reads entries from contents blocks. Page numbers must not fall, so of the numbers that could be pages
    the longest non-falling run is taken ("Section 11 Audit 6 Health 9": 6 and 9, not 11)."""

    last_page: int = 0

    def lines(self, lines: list[str]) -> list[tuple[str, bool]]:
        text = " ".join(strip_tags(line) for line in lines).lstrip("#").replace("**", "").strip()
        if _LIST_LABEL.match(text):
            text, self.last_page = _LIST_LABEL.sub("", text, count=1), 0
        matches = list(_PAGE_CANDIDATE.finditer(text))
        pages = [(k, int(m.group(1)) if m.group(1).isdigit() else 0) for k, m in enumerate(matches)]
        found: list[tuple[str, bool]] = []
        pos = 0
        for k, page in _longest_rising([p for p in pages if p[1] >= self.last_page], strict=False):
            entry = text[pos:matches[k].start()].strip()
            if entry:
                found += _split_entry(entry, strip_pages=False)
            pos, self.last_page = matches[k].end(), page
        return found

    def row(self, raw: str) -> list[tuple[str, bool]]:
        cells = [c for c in (strip_tags(c) for c in raw.split("\t")) if c]
        if len(cells) >= 2 and re.fullmatch(r"\d{1,4}", cells[-1]):
            return _split_entry(" ".join(cells[:-1]), strip_pages=True)
        return []


def find_contents(text: str, blocks: list[list[tuple[int, int]]], is_table: list[bool]) -> Contents | None:
    """The document's contents list, if it has one near its start with at least three entries.

    `blocks` are line spans per block (as `text` offsets); `is_table[i]` says block i is tab-separated.
    """
    marker = None
    for i, spans in enumerate(blocks[:max(_MARKER_WITHIN, len(blocks) // 5)]):
        first = text[spans[0][0]:spans[0][1]].strip().lstrip("#").replace("*", "").strip()
        if _MARKER_PREFIX.match(first):
            marker = i
            break
    if marker is None:
        return None
    reader = _Reader()
    found: list[tuple[str, bool]] = []
    last, misses = marker, 0
    for j in range(marker, len(blocks)):
        lines = [text[s:e] for s, e in blocks[j]]
        if j == marker:
            lines[0] = _MARKER_PREFIX.sub("", lines[0].strip().lstrip("#").replace("*", "").strip(), count=1)
        entries = [e for line in lines for e in reader.row(line)] if is_table[j] else reader.lines(lines)
        if entries:
            found += entries
            last, misses = j, 0
        elif j > marker:
            misses += 1
            if misses > 1 or sum(len(line.split()) for line in lines) > _MAX_GAP_WORDS:
                break
    if len(found) < _MIN_ENTRIES:
        return None
    levelled = any(sub for _, sub in found)
    entries = [(heading_key(entry), (2 if sub else 1) if levelled else None) for entry, sub in found]
    return Contents(first=marker, last=last, entries=[(key, level) for key, level in entries if key])
