"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings fused with reciprocal rank fusion."""

from __future__ import annotations

from enum import StrEnum

from assistant.types import SearchHit
from corpus.glossary import expand_query
from index.embedder import Embedder
from index.fusion import reciprocal_rank_fusion
from index.loaded import LoadedIndex


class Mode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    LEXICAL = "lexical"


class HybridRetriever:
    """Search one loaded index version. The embedder must already be warmed up by the caller."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, depth: int = 50, rrf_k: int = 60,
                 dense_weight: float = 1.0, lexical_weight: float = 1.0) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        if index.manifest.model != embedder.name:
            raise ValueError(
                f"index {index.version} was built with {index.manifest.model!r} but the embedder is "
                f"{embedder.name!r}: rebuild the index or change LSCB_EMBEDDER"
            )
        self.index = index
        self.embedder = embedder
        self.depth = depth
        self.rrf_k = rrf_k
        self.weights = (dense_weight, lexical_weight)

    def search(self, query: str, k: int = 10, mode: Mode | str = Mode.HYBRID) -> list[SearchHit]:
        """Top `k` passages for `query`, best first."""
        mode = Mode(mode)
        expanded = expand_query(query, self.index.glossary)
        dense = self.index.dense.search(self.embedder.embed_query(expanded), self.depth) if mode != Mode.LEXICAL else []
        lexical = self.index.lexical.search(expanded, self.depth) if mode != Mode.DENSE else []
        dense_rank = {row: r for r, (row, _) in enumerate(dense, start=1)}
        lexical_rank = {row: r for r, (row, _) in enumerate(lexical, start=1)}
        if mode == Mode.HYBRID:
            fused = reciprocal_rank_fusion(
                [[row for row, _ in dense], [row for row, _ in lexical]], k=self.rrf_k, weights=self.weights
            )
        else:
            fused = dense or lexical
        return [
            SearchHit(passage=self.index.passages[row], score=score, rank=rank,
                      dense_rank=dense_rank.get(row), lexical_rank=lexical_rank.get(row))
            for rank, (row, score) in enumerate(fused[:k], start=1)
        ]
