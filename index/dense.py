"""Dense search over unit vectors with FAISS: exact, HNSW or IVF-PQ, chosen by the number of vectors.

Which index, measured on this 2-core machine (`lscb bench scale`, docs/operations.md):

* exact (IndexFlatIP) while one query stays cheap: recall 1.0 and no build, but the cost grows with the size
  (0.3 ms per query at 10k vectors; tens of milliseconds at 1M);
* HNSW (M=32) above `hnsw_threshold`: 2.7 ms p95 per query at 1M with recall@10 0.95 (efSearch 1024; 128
  is enough at 100k), but ~1.8 KB of memory per vector (the float32 vector plus the graph) and a build of
  ~190 s at 1M (efConstruction 80, two threads);
* IVF-PQ above `ivfpq_threshold` (48-byte codes, candidates re-ranked with 8-bit scalar-quantised vectors):
  ~0.5 KB per vector and under a millisecond per query at 1M, recall@10 0.945, for corpora whose HNSW would
  not fit in memory. It needs a training step (k-means for the inverted lists and the product quantiser).

Serving processes should run FAISS on one thread (`faiss.omp_set_num_threads(1)`): on two busy cores two
OpenMP threads made one exact search of 10k vectors take 16 ms instead of 0.3 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import faiss
import numpy as np


class DenseKind(StrEnum):
    FLAT = "flat"
    HNSW = "hnsw"
    IVFPQ = "ivfpq"


def choose_kind(count: int, hnsw_threshold: int, ivfpq_threshold: int | None = None) -> DenseKind:
    """Exact up to `hnsw_threshold` vectors, HNSW above it, IVF-PQ above `ivfpq_threshold` (None: never)."""
    if hnsw_threshold < 1 or (ivfpq_threshold is not None and ivfpq_threshold < hnsw_threshold):
        raise ValueError(f"thresholds must satisfy 1 <= hnsw_threshold <= ivfpq_threshold, "
                         f"got {hnsw_threshold} and {ivfpq_threshold}")
    if ivfpq_threshold is not None and count > ivfpq_threshold:
        return DenseKind.IVFPQ
    return DenseKind.HNSW if count > hnsw_threshold else DenseKind.FLAT


@dataclass(frozen=True)
class IvfPqParams:
    """IVF-PQ shape. `lists=None` picks a power of two near 4 * sqrt(n), with at least 39 training vectors each."""

    lists: int | None = None
    code_bytes: int = 48  # bytes per vector in the product quantiser; must divide the dimension
    nprobe: int = 64  # inverted lists visited per query (recall stops rising past 32-64 at 1M)
    refine: int = 10  # candidates re-ranked per result (k * refine) with 8-bit scalar-quantised vectors
    train_per_list: int = 40  # training vectors per list (faiss wants at least 39)
    niter: int = 10  # k-means iterations for the inverted lists
    seed: int = 0

    def lists_for(self, count: int) -> int:
        if self.lists is not None:
            return self.lists
        target = 4 * np.sqrt(max(count, 1))
        lists = 1 << int(round(np.log2(max(target, 1))))
        return max(1, min(lists, count // 39))


MIN_IVFPQ_VECTORS = 256 * 4  # the product quantiser trains 256 centroids per sub-vector


@dataclass(frozen=True)
class DenseParams:
    """How a version's FAISS indexes are built and searched (from Settings; see docs/operations.md)."""

    hnsw_threshold: int = 50_000
    ivfpq_threshold: int | None = 3_000_000
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = 128
    ivfpq: IvfPqParams = IvfPqParams()

    def kind_for(self, count: int) -> DenseKind:
        return choose_kind(count, self.hnsw_threshold, self.ivfpq_threshold)


class DenseIndex:
    """Inner-product search on normalised vectors (cosine similarity)."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, params: DenseParams = DenseParams(),
              kind: DenseKind | str | None = None) -> "DenseIndex":
        """Build the index `params` picks for len(vectors) (or `kind`, when given) and add the vectors."""
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-D, got shape {vectors.shape}")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dim = vectors.shape
        kind = DenseKind(kind) if kind is not None else params.kind_for(count)
        if kind is DenseKind.HNSW:
            index = faiss.IndexHNSWFlat(dim, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = params.ef_construction
        elif kind is DenseKind.IVFPQ:
            index = _train_ivfpq(vectors, params.ivfpq)
        else:
            index = faiss.IndexFlatIP(dim)
        if count:
            index.add(vectors)
        dense = cls(index)
        dense.configure(ef_search=params.ef_search, nprobe=params.ivfpq.nprobe, refine=params.ivfpq.refine)
        return dense

    @classmethod
    def load(cls, path: Path, params: DenseParams = DenseParams()) -> "DenseIndex":
        dense = cls(faiss.read_index(str(path)))
        dense.configure(ef_search=params.ef_search, nprobe=params.ivfpq.nprobe, refine=params.ivfpq.refine)
        return dense

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    def configure(self, ef_search: int | None = None, nprobe: int | None = None, refine: int | None = None) -> None:
        """Set the search-time knobs that apply to this kind (HNSW efSearch; IVF-PQ nprobe and re-rank factor)."""
        if self.kind is DenseKind.HNSW and ef_search is not None:
            self._index.hnsw.efSearch = ef_search
        elif self.kind is DenseKind.IVFPQ:
            if nprobe is not None:
                faiss.extract_index_ivf(self._index).nprobe = nprobe
            if refine is not None:
                self._index.k_factor = float(refine)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> DenseKind:
        if hasattr(self._index, "hnsw"):
            return DenseKind.HNSW
        if isinstance(self._index, faiss.IndexRefine) or hasattr(self._index, "nprobe"):
            return DenseKind.IVFPQ
        return DenseKind.FLAT

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top `k` (row, similarity) for one query vector."""
        if self.size == 0 or k < 1:
            return []
        scores, ids = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search_many(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, rows) of shape (len(queries), k) for a batch; rows are -1 where fewer were found."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if self.size == 0 or k < 1:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        return self._index.search(queries, min(k, self.size))


def _train_ivfpq(vectors: np.ndarray, params: IvfPqParams) -> faiss.Index:
    """An untrained-then-trained IVF-PQ with an 8-bit scalar-quantised re-ranking stage (vectors not yet added)."""
    count, dim = vectors.shape
    if dim % params.code_bytes:
        raise ValueError(f"code_bytes must divide the dimension {dim}, got {params.code_bytes}")
    if count < MIN_IVFPQ_VECTORS:
        raise ValueError(f"IVF-PQ needs at least {MIN_IVFPQ_VECTORS} vectors to train, got {count}: "
                         f"use kind='flat' or 'hnsw' for a small index")
    lists = params.lists_for(count)
    index = faiss.index_factory(dim, f"IVF{lists},PQ{params.code_bytes}np,Refine(SQ8)", faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.extract_index_ivf(index)
    ivf.cp.niter = params.niter
    ivf.cp.seed = params.seed
    ivf.nprobe = params.nprobe
    index.k_factor = float(params.refine)
    sample = min(count, max(lists * params.train_per_list, MIN_IVFPQ_VECTORS * 10))
    rows = np.sort(np.random.default_rng(params.seed).choice(count, sample, replace=False))
    index.train(vectors[rows])
    return index
