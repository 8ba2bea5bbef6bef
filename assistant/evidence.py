"""Sentence-level evidence: score the sentences (and table rows) of the top passages against the question.

Each candidate is a span of one passage's text, so whatever is later quoted is an exact slice of it. The
score mixes meaning (cosine between the question and the sentence vector the index already holds) with
wording (the share of the question's informative terms, weighted by rarity, that the sentence or its
section heading uses), plus a small prior for the passage's retrieval rank.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from assistant.types import Passage, PassageKind
from corpus.units import unit_spans
from index.embedder import Embedder
from index.lexical import tokenize
from index.loaded import LoadedIndex
from index.retriever import Retrieval


@dataclass(frozen=True)
class Candidate:
    """One sentence or table row of a retrieved passage, with its scores."""

    passage: Passage
    row: int
    rank: int
    start: int
    end: int
    dense: float
    lexical: float
    score: float

    @property
    def text(self) -> str:
        return self.passage.text[self.start:self.end]

    @property
    def position(self) -> tuple[str, int]:
        """Document order: (document id, offset in the document)."""
        return self.passage.document_id, self.passage.start + self.start


class TermWeights:
    """Inverse document frequency of each stemmed term over the index's passages."""

    def __init__(self, texts: list[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(set(tokenize(text)))
        self.total = max(1, len(texts))
        self.idf = {term: math.log(1 + self.total / n) for term, n in counts.items()}
        self.unknown = math.log(1 + self.total)

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.unknown)

    def coverage(self, terms: list[str], text_terms: set[str]) -> float:
        """Weighted share of `terms` found in `text_terms` (0 when there are no terms)."""
        total = sum(self.weight(t) for t in terms)
        return sum(self.weight(t) for t in terms if t in text_terms) / total if total else 0.0


class SentenceScorer:
    """Candidates from the top passages of a retrieval, best first."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, weights: TermWeights, passages: int = 6,
                 lexical_weight: float = 0.5, rank_weight: float = 0.05, heading_share: float = 0.5) -> None:
        if passages < 1:
            raise ValueError(f"passages must be at least 1, got {passages}")
        self.index = index
        self.embedder = embedder
        self.weights = weights
        self.passages = passages
        self.lexical_weight = lexical_weight
        self.rank_weight = rank_weight
        self.heading_share = heading_share

    def score(self, retrieval: Retrieval, terms: list[str]) -> list[Candidate]:
        """Every unit of the first `passages` hits, scored; sorted by score, best first."""
        vector = retrieval.vector
        out: list[Candidate] = []
        for hit in retrieval.hits[: self.passages]:
            passage = hit.passage
            row = self.index.row_of[passage.id]
            spans = unit_spans(passage)
            dense = self._dense(row, passage, spans, vector)
            heading_terms = set(tokenize(passage.section_path + "\n" + passage.context))
            for (start, end), similarity in zip(spans, dense):
                own = set(tokenize(passage.text[start:end]))
                lexical = (1 - self.heading_share) * self.weights.coverage(terms, own) + \
                    self.heading_share * self.weights.coverage(terms, own | heading_terms)
                score = similarity + self.lexical_weight * lexical + self.rank_weight / hit.rank
                out.append(Candidate(passage, row, hit.rank, start, end, similarity, lexical, score))
        out.sort(key=lambda c: -c.score)
        return out

    def _dense(self, row: int, passage: Passage, spans: list[tuple[int, int]],
               vector: np.ndarray | None) -> list[float]:
        if vector is None:
            return [0.0] * len(spans)
        rows = self.index.unit_rows(row)
        if len(rows) == len(spans):
            return [float(v) for v in self.index.unit_vectors[rows.start:rows.stop] @ vector]
        # No stored sentence vectors (index built without units): embed the spans now.
        texts = [passage.text[s:e] for s, e in spans]
        if passage.kind is PassageKind.TABLE:
            header = passage.context.split("\n")[-1] if passage.context else passage.text.split("\n", 1)[0]
            texts = [f"{header} {t}".replace("\t", " ") for t in texts]
        return [float(v) for v in self.embedder.embed_batch(texts) @ vector]
