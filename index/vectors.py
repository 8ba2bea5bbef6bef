"""A document's vectors: one per passage, and one per sentence unit of each passage (in passage order)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.types import Passage
from corpus.units import passage_units
from index.embedder import Embedder


@dataclass
class PassageVectors:
    passages: np.ndarray  # (n, d) float32
    units: np.ndarray  # (m, d) float32; empty (0, d) when sentence units are off
    unit_counts: np.ndarray  # (n,) int64: units of passage i are the next unit_counts[i] rows

    @property
    def offsets(self) -> np.ndarray:
        """unit_offsets[i]:unit_offsets[i+1] are passage i's unit rows (length n + 1)."""
        return np.concatenate([[0], np.cumsum(self.unit_counts)]).astype(np.int64)

    def take(self, rows: Sequence[int]) -> "PassageVectors":
        """The vectors of the passages at `rows`, with their units, in that order."""
        offsets = self.offsets
        unit_rows = [u for r in rows for u in range(offsets[r], offsets[r + 1])]
        return PassageVectors(np.asarray(self.passages[list(rows)], dtype=np.float32),
                              np.asarray(self.units[unit_rows], dtype=np.float32).reshape(-1, self.passages.shape[1]),
                              np.asarray(self.unit_counts[list(rows)], dtype=np.int64))


def concat(parts: Sequence[PassageVectors], dimension: int) -> PassageVectors:
    if not parts:
        return PassageVectors(np.zeros((0, dimension), np.float32), np.zeros((0, dimension), np.float32),
                              np.zeros(0, np.int64))
    return PassageVectors(np.vstack([p.passages for p in parts]),
                          np.vstack([p.units.reshape(-1, dimension) for p in parts]),
                          np.concatenate([p.unit_counts for p in parts]).astype(np.int64))


def embed_passages(embedder: Embedder, passages: Sequence[Passage], batch_size: int, units: bool) -> PassageVectors:
    """Embed passages (their `embed_text`) and, when `units`, their sentence units, in one stream of batches."""
    texts = [p.embed_text() for p in passages]
    per_passage = [passage_units(p) for p in passages] if units else [[] for _ in passages]
    flat = [u for group in per_passage for u in group]
    vectors = np.vstack(list(embedder.embed_documents(texts + flat, batch_size))) if texts else \
        np.zeros((0, embedder.dimension), np.float32)
    return PassageVectors(vectors[: len(texts)], vectors[len(texts):].reshape(-1, embedder.dimension),
                          np.asarray([len(g) for g in per_passage], dtype=np.int64))
