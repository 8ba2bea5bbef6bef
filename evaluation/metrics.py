"""Metrics as small pure functions. Retrieval metrics take, per question, the relevance (True/False) of
each retrieved passage in rank order, plus how many relevant items exist."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00ad": None, "\t": " "})


def normalise(text: str) -> str:
    """Case-, whitespace-, quote- and ligature-insensitive form used to match gold quotes to passages."""
    text = "".join(unicodedata.normalize("NFKC", c) if c in "ﬀﬁﬂﬃﬄﬅﬆ" else c for c in text)
    return _SPACE.sub(" ", text.translate(_FOLD).lower()).strip()


def contains_quote(passage_text: str, quote: str) -> bool:
    return normalise(quote) in normalise(passage_text)


def recall_at_k(relevance: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage is among the first k (a question is answered by any one of them)."""
    return 1.0 if any(relevance[:k]) else 0.0


def reciprocal_rank(relevance: Sequence[bool], k: int = 10) -> float:
    for rank, relevant in enumerate(relevance[:k], start=1):
        if relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevance: Sequence[bool], k: int = 10, n_relevant: int = 1) -> float:
    """Binary-gain nDCG@k; the ideal ranking puts min(n_relevant, k) relevant passages first."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevance[:k], start=1) if rel)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(max(n_relevant, 1), k) + 1))
    return dcg / ideal if ideal else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between closest ranks; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
