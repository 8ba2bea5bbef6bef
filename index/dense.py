"""Dense search over unit vectors with FAISS: exact inner product, or HNSW above a size threshold."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    """Inner-product search on normalised vectors (cosine similarity)."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_threshold: int = 200_000, hnsw_m: int = 32,
              ef_search: int = 128) -> "DenseIndex":
        """Exact (IndexFlatIP) up to `hnsw_threshold` vectors, HNSW above it."""
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-D, got shape {vectors.shape}")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        if len(vectors) > hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 200
            index.hnsw.efSearch = ef_search
        else:
            index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(vectors)
        return cls(index)

    @classmethod
    def load(cls, path: Path, ef_search: int = 128) -> "DenseIndex":
        index = faiss.read_index(str(path))
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = ef_search
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        return "hnsw" if hasattr(self._index, "hnsw") else "flat"

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top `k` (row, similarity) for one query vector."""
        if self.size == 0 or k < 1:
            return []
        scores, ids = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
