"""Cut text into sentences and list items, as (start, end) offsets into the text it was given.

Pure helpers for the chunker: a span never includes surrounding whitespace, so pieces joined back with
whitespace tokenize exactly like the original text.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•])|\n")
_ABBREVIATIONS = frozenset("e.g i.e eg ie no nos dr mr mrs ms st vs cf para paras p pp fig ch sec art inc approx"
                           .split())
_ITEM = re.compile(r"^[ \t]*(?:[•▪◦●‣∙\-*–o]|\(?[a-z]\)|\([ivx]{1,4}\))\s", re.MULTILINE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    word = text[start:dot].rsplit(None, 1)[-1].lstrip("([\"'“‘") if text[start:dot].strip() else ""
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences (and lines) of text[start:end] as trimmed spans; fragments under three words join the next."""
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group() != "\n" and _is_abbreviation(text, begin, match.start()):
            continue
        cut = match.start() if match.group() == "\n" else match.end()
        span = _trim(text, begin, cut)
        if span[0] < span[1]:
            spans.append(span)
        begin = cut
    span = _trim(text, begin, end)
    if span[0] < span[1]:
        spans.append(span)
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for s, e in spans:
        s = carry if carry is not None else s
        carry = s if len(text[s:e].split()) < 3 else None
        if carry is None:
            merged.append((s, e))
    if carry is not None:
        merged[-1:] = [(merged[-1][0], spans[-1][1])] if merged else [(carry, spans[-1][1])]
    return merged


def item_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """List items of a list block (an item keeps its wrapped continuation lines)."""
    starts = [start + m.start() for m in _ITEM.finditer(text[start:end])] or [start]
    starts = [start] + [s for s in starts if s > start]
    return [_trim(text, s, e) for s, e in zip(starts, starts[1:] + [end])]
