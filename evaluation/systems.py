"""The retrieval systems compared side by side: the hybrid, its two halves, and a naive baseline.

The naive baseline is what a tutorial pipeline does: fixed 1,000-character chunks of each document's text,
dense search only, with the same model. Its vectors are cached per corpus version and model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.corpusdb import read_documents
from index.dense import DenseIndex
from index.embedder import Embedder
from index.loaded import LoadedIndex
from index.retriever import HybridRetriever, Mode
from evaluation.retrieval import Search

NAIVE_CHUNK_CHARS = 1000


@dataclass(frozen=True)
class Chunk:
    id: str
    document_id: str
    text: str


def fixed_chunks(document_id: str, text: str, size: int = NAIVE_CHUNK_CHARS) -> list[Chunk]:
    """Split `text` into consecutive `size`-character pieces, no overlap, no regard for structure."""
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return [Chunk(f"{document_id}:c{i // size}", document_id, text[i : i + size]) for i in range(0, len(text), size)]


class NaiveBaseline:
    """Fixed-size chunks, dense only."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, cache_dir: Path | None = None) -> None:
        self.embedder = embedder
        self.chunks: list[Chunk] = []
        for doc in read_documents(index.directory / "corpus.sqlite"):
            self.chunks.extend(fixed_chunks(doc.meta.id, doc.text))
        key = hashlib.sha256(f"{index.manifest.corpus_version}:{embedder.name}:{NAIVE_CHUNK_CHARS}".encode()).hexdigest()[:16]
        cache = cache_dir / f"naive-{key}.npy" if cache_dir else None
        if cache is not None and cache.exists():
            vectors = np.load(cache)
        else:
            vectors = np.vstack(list(embedder.embed_documents([c.text for c in self.chunks], 16)))
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                np.save(cache, vectors)
        self.dense = DenseIndex.build(vectors)

    def search(self, query: str, k: int) -> Sequence[Chunk]:
        return [self.chunks[row] for row, _ in self.dense.search(self.embedder.embed_query(query), k)]


def retriever_search(retriever: HybridRetriever, mode: Mode) -> Search:
    def search(query: str, k: int):
        return [hit.passage for hit in retriever.search(query, k=k, mode=mode)]

    return search


def build_systems(index: LoadedIndex, embedder: Embedder, cache_dir: Path | None, baselines: bool = True,
                  **retriever_kwargs) -> dict[str, Search]:
    """Name -> search function, the hybrid first."""
    retriever = HybridRetriever(index, embedder, **retriever_kwargs)
    retriever.warm_up()
    systems: dict[str, Search] = {"hybrid": retriever_search(retriever, Mode.HYBRID)}
    if baselines:
        systems["bm25"] = retriever_search(retriever, Mode.LEXICAL)
        systems["dense"] = retriever_search(retriever, Mode.DENSE)
        systems["naive-1000char-dense"] = NaiveBaseline(index, embedder, cache_dir).search
    return systems
