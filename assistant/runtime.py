"""Wiring: build the components from one `Settings`. Callers decide when to warm up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import faiss

from assistant.config import Settings
from index.dense import DenseParams, IvfPqParams
from index.embedder import Embedder, make_embedder
from index.loaded import LoadedIndex
from index.retriever import HybridRetriever
from index.store import IndexStore

if TYPE_CHECKING:
    from assistant.conversation import ConversationStore
    from assistant.engine import AnswerEngine, EngineOptions
    from assistant.indicators.lookup import IndicatorLookup


def build_embedder(settings: Settings) -> Embedder:
    return make_embedder(settings.embedder, threads=settings.torch_threads, query_threads=settings.query_threads)


def dense_params(settings: Settings) -> DenseParams:
    """How FAISS indexes are built and searched, from Settings."""
    return DenseParams(hnsw_threshold=settings.hnsw_threshold, ivfpq_threshold=settings.ivfpq_threshold,
                       hnsw_m=settings.hnsw_m, ef_construction=settings.hnsw_ef_construction,
                       ef_search=settings.hnsw_ef_search,
                       ivfpq=IvfPqParams(nprobe=settings.ivf_nprobe, refine=settings.ivf_refine))


def open_index(settings: Settings) -> LoadedIndex:
    """The serving index version (raises StoreError with what to do when there is none)."""
    store = IndexStore(settings.index_root)
    faiss.omp_set_num_threads(settings.query_threads)  # two OpenMP threads on two busy cores stall one search
    return LoadedIndex(store.current_dir(), dense_params(settings))


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


def engine_options(settings: Settings) -> EngineOptions:
    from assistant.engine import EngineOptions

    return EngineOptions(passages=settings.answer_passages, max_sentences=settings.answer_max_sentences,
                         margin=settings.answer_margin, lexical_weight=settings.sentence_lexical_weight,
                         rank_weight=settings.sentence_rank_weight,
                         min_strength=settings.abstain_min_strength,
                         procedure_query=settings.urgent_procedure_query,
                         indicator_min_score=settings.indicator_min_score,
                         indicator_min_coverage=settings.indicator_min_coverage, max_question_chars=settings.max_question_chars,
                         semantic_urgent=settings.urgent_semantic, cache_dir=settings.data_dir / "cache")


def open_conversations(settings: Settings) -> ConversationStore:
    from assistant.conversation import ConversationStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return ConversationStore(settings.conversations_path, idle_seconds=settings.conversation_idle_minutes * 60,
                             max_turns=settings.conversation_max_turns)


def open_engine(settings: Settings, embedder: Embedder | None = None, retriever: HybridRetriever | None = None,
                remember: bool = True) -> AnswerEngine:
    """A warmed-up answer engine over the serving index (conversations kept in the data folder if `remember`)."""
    from assistant.engine import AnswerEngine

    retriever = retriever or open_retriever(settings, embedder)
    engine = AnswerEngine(retriever, engine_options(settings),
                          conversations=open_conversations(settings) if remember else None)
    engine.warm_up()
    return engine


def open_indicator_lookup(settings: Settings, embedder: Embedder | None = None) -> IndicatorLookup:
    """A warmed-up indicator lookup over the serving index (term weights from its passages)."""
    from assistant.evidence import TermWeights
    from assistant.indicators.lookup import IndicatorLookup
    from assistant.indicators.store import canonical_area

    index = open_index(settings)
    embedder = embedder or build_embedder(settings)
    embedder.warm_up()
    areas = {d.meta.area for d in index.documents.values() if d.meta.area and canonical_area(d.meta.area) != "National"}
    lookup = IndicatorLookup(index.indicators, embedder, TermWeights([p.index_text() for p in index.passages]),
                             local_areas=tuple(sorted(areas)), min_coverage=settings.indicator_min_coverage)
    lookup.warm_up()
    return lookup
