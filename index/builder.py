"""Write one complete index version from passages and their vectors, then switch to it."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.indicators.build import build_records
from assistant.indicators.store import FILENAME as INDICATORS
from assistant.indicators.store import write_store
from assistant.types import Passage, Table
from index.corpusdb import StoredDocument, write_corpus_db
from index.dense import DenseIndex, DenseParams
from index.lexical import LexicalIndex
from index.loaded import LoadedIndex
from index.store import DocumentEntry, IndexManifest, IndexStore, StoreError
from index.vectors import PassageVectors


def corpus_version(documents: Sequence[StoredDocument]) -> str:
    """A short hash naming the corpus content: the same documents give the same version."""
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.meta.id):
        digest.update(f"{doc.meta.id}:{doc.content_hash};".encode())
    return digest.hexdigest()[:12]


def write_version(
    store: IndexStore,
    version: str,
    documents: Sequence[StoredDocument],
    passages: Sequence[Passage],
    vectors: PassageVectors,
    tables: Sequence[Table],
    glossary: dict[str, str],
    *,
    pipeline: str,
    model: str,
    started: float,
    dense_params: DenseParams = DenseParams(),
    switch: bool = True,
) -> IndexManifest:
    """Build every file of a version in a scratch folder, seal it, verify it opens, and switch `current`."""
    if len(passages) != len(vectors.passages) or len(vectors.units) != int(vectors.unit_counts.sum()):
        raise ValueError(f"{len(passages)} passages but {len(vectors.passages)} vectors "
                         f"({len(vectors.units)} unit vectors for {int(vectors.unit_counts.sum())} units)")
    previous = store.current_version()
    counts = {d.meta.id: [0, 0] for d in documents}
    for p in passages:
        counts[p.document_id][0] += 1
    for t in tables:
        counts[t.document_id][1] += 1
    with store.staging(version) as staged:
        write_corpus_db(staged / "corpus.sqlite", documents, passages, tables, glossary)
        records = build_records({d.meta.id: d.meta for d in documents}, {d.meta.id: d.text for d in documents},
                                passages, tables)
        write_store(staged / INDICATORS, records)
        np.save(staged / "vectors.npy", np.ascontiguousarray(vectors.passages, dtype=np.float32))
        dense = DenseIndex.build(vectors.passages, dense_params)
        dense.save(staged / "dense.faiss")
        if len(vectors.units):
            np.save(staged / "units.npy", np.ascontiguousarray(vectors.units, dtype=np.float32))
            np.save(staged / "unit_offsets.npy", vectors.offsets)
            DenseIndex.build(vectors.units, dense_params).save(staged / "units.faiss")
        LexicalIndex.build([p.index_text() for p in passages]).save(staged / "bm25")
        manifest = IndexManifest(
            version=version, previous=previous, corpus_version=corpus_version(documents), pipeline=pipeline,
            model=model, dimension=int(vectors.passages.shape[1]), dense_kind=dense.kind,
            passage_count=len(passages), table_count=len(tables), indicator_count=len(records), built_at=dt.datetime.now(dt.timezone.utc),
            build_seconds=round(time.perf_counter() - started, 3),
            documents=[
                DocumentEntry(id=d.meta.id, path=d.meta.path, title=d.meta.title, content_hash=d.content_hash,
                              pages=d.pages, passages=counts[d.meta.id][0], tables=counts[d.meta.id][1],
                              warnings=d.warnings)
                for d in documents
            ],
        )
        store.commit(staged, manifest)
    final: Path = store.version_dir(version)
    try:
        LoadedIndex(final)  # it must open before anything points at it
    except StoreError:
        shutil.rmtree(final, ignore_errors=True)  # never left to be published or rolled back to
        raise
    if switch:
        store.switch(version)
    return manifest


def load_vectors(directory: Path) -> PassageVectors:
    """A version's passage and unit vectors, memory-mapped (units empty when the version has none)."""
    passages = np.load(directory / "vectors.npy", mmap_mode="r")
    if (directory / "units.npy").exists():
        units = np.load(directory / "units.npy", mmap_mode="r")
        counts = np.diff(np.load(directory / "unit_offsets.npy"))
    else:
        units = np.zeros((0, passages.shape[1]), np.float32)
        counts = np.zeros(len(passages), np.int64)
    return PassageVectors(passages, units, counts)
