"""Wiring: build the components from one `Settings`. Callers decide when to warm up."""

from __future__ import annotations

from assistant.config import Settings
from index.embedder import Embedder, make_embedder
from index.loaded import LoadedIndex
from index.retriever import HybridRetriever
from index.store import IndexStore


def build_embedder(settings: Settings) -> Embedder:
    return make_embedder(settings.embedder, threads=settings.torch_threads, query_threads=settings.query_threads)


def open_index(settings: Settings) -> LoadedIndex:
    """The serving index version (raises StoreError with what to do when there is none)."""
    store = IndexStore(settings.index_root)
    return LoadedIndex(store.current_dir(), ef_search=settings.hnsw_ef_search)


def retriever_options(settings: Settings) -> dict[str, float | int]:
    """The HybridRetriever keyword arguments that Settings carries."""
    return {"depth": settings.retrieve_depth, "rrf_k": settings.rrf_k, "dense_weight": settings.dense_weight,
            "lexical_weight": settings.lexical_weight, "heading_weight": settings.heading_weight,
            "unit_weight": settings.unit_weight, "acronym_max_share": settings.acronym_max_share}


def open_retriever(settings: Settings, embedder: Embedder | None = None) -> HybridRetriever:
    """A warmed-up hybrid retriever over the serving index."""
    index = open_index(settings)
    embedder = embedder or build_embedder(settings)
    embedder.warm_up()
    retriever = HybridRetriever(index, embedder, **retriever_options(settings))
    retriever.warm_up()
    return retriever
