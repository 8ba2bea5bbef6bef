"""Query preparation: periods written out, typos corrected against the corpus's own words, acronyms expanded.

Practitioners type "cp plans 16/17", "threshhold for s47", "privte fostering". The retrievers see
"cp plans 2016/17", "threshold for s47" and, for BM25 only, the acronym expansions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.glossary import expand_query

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[A-Za-z]+")
_SHORT_PERIOD = re.compile(r"(?<![\d/])(\d{2})\s*[/-]\s*(\d{2})(?![\d/])")
_LONG_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–/]\s*(\d{2})(?!\d)")
_QUARTER = re.compile(r"\bq([1-4])\b", re.IGNORECASE)


def normalise_periods(text: str) -> str:
    """'16/17' and '2016-17' -> '2016/17' (consecutive years only); 'q4' -> 'quarter 4'."""

    def short(match: re.Match[str]) -> str:
        a, b = int(match.group(1)), int(match.group(2))
        return f"20{a:02d}/{b:02d}" if b == (a + 1) % 100 else match.group(0)

    def long(match: re.Match[str]) -> str:
        a, b = int(match.group(1)), int(match.group(2))
        return f"{a}/{b:02d}" if b == (a + 1) % 100 else match.group(0)

    text = _SHORT_PERIOD.sub(short, text)
    text = _LONG_PERIOD.sub(long, text)
    return _QUARTER.sub(lambda m: f"quarter {m.group(1)}", text)


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | transposes | replaces | inserts


class Speller:
    """Corrects words the corpus never uses to the most frequent corpus word one or two edits away."""

    def __init__(self, words: Counter[str], min_length: int = 5, protected: Iterable[str] = ()) -> None:
        self.words = words
        self.min_length = min_length
        self.protected = {w.lower() for w in protected}

    @classmethod
    def from_texts(cls, texts: Iterable[str], protected: Iterable[str] = ()) -> "Speller":
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        return cls(counts, protected=protected)

    def correct(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < self.min_length or lower in self.words or lower in self.protected or not lower.isalpha():
            return word
        candidates = [w for w in _edits(lower) if w in self.words]
        if not candidates and len(lower) >= 8:
            candidates = [w for e in _edits(lower) for w in _edits(e) if w in self.words]
        if not candidates:
            return word
        return max(candidates, key=lambda w: (self.words[w], w))

    def correct_text(self, text: str) -> str:
        return _WORD.sub(lambda m: self.correct(m.group(0)), text)


@dataclass(frozen=True)
class PreparedQuery:
    dense: str
    lexical: str


def prepare_query(query: str, glossary: dict[str, str], speller: Speller | None = None) -> PreparedQuery:
    """The text each retriever should search with."""
    text = normalise_periods(query.strip())
    if speller is not None:
        text = speller.correct_text(text)
    return PreparedQuery(dense=text, lexical=expand_query(text, glossary))
