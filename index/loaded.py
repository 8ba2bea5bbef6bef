"""One index version opened for serving: passages, FAISS, BM25 and the glossary, read once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from assistant.indicators.records import IndicatorRecord
from assistant.indicators.store import FILENAME as INDICATORS
from assistant.indicators.store import read_store
from assistant.types import Passage
from index.corpusdb import StoredDocument, read_documents, read_glossary, read_passages
from index.dense import DenseIndex, DenseParams
from index.lexical import LexicalIndex
from index.store import MANIFEST, IndexManifest, StoreError


class LoadedIndex:
    """Everything a retriever needs from one version directory; immutable once opened."""

    def __init__(self, directory: Path, dense_params: DenseParams = DenseParams()) -> None:
        self.directory = Path(directory)
        try:
            self.manifest = IndexManifest.model_validate_json((self.directory / MANIFEST).read_text())
            self.passages: list[Passage] = read_passages(self.directory / "corpus.sqlite")
            self.dense = DenseIndex.load(self.directory / "dense.faiss", dense_params)
            self.lexical = LexicalIndex.load(self.directory / "bm25")
            self.glossary: dict[str, str] = read_glossary(self.directory / "corpus.sqlite")
            self.documents: dict[str, StoredDocument] = {
                d.meta.id: d for d in read_documents(self.directory / "corpus.sqlite", with_text=True)}
            self.indicators: list[IndicatorRecord] = read_store(self.directory / INDICATORS)
            self.units: DenseIndex | None = None
            if (self.directory / "units.faiss").exists():
                self.units = DenseIndex.load(self.directory / "units.faiss", dense_params)
                # memory-mapped: a version's files never change, and a question touches a few rows of each
                self.passage_vectors = np.load(self.directory / "vectors.npy", mmap_mode="r")
                self.unit_vectors = np.load(self.directory / "units.npy", mmap_mode="r")
                self.unit_offsets = np.load(self.directory / "unit_offsets.npy")
                self.unit_owner = np.repeat(np.arange(len(self.unit_offsets) - 1), np.diff(self.unit_offsets))
        except (OSError, ValueError, RuntimeError, sqlite3.Error) as exc:
            raise StoreError(f"index version {self.directory.name} cannot be opened ({exc}): rebuild with `lscb ingest`") from exc
        if not (len(self.passages) == self.dense.size == self.lexical.size == self.manifest.passage_count):
            raise StoreError(
                f"index version {self.directory.name} is inconsistent: {len(self.passages)} passages, "
                f"{self.dense.size} vectors, {self.lexical.size} BM25 rows; rebuild with `lscb ingest`"
            )
        self.row_of: dict[str, int] = {p.id: row for row, p in enumerate(self.passages)}
        self._by_table: dict[str, list[Passage]] = {}
        self._by_document: dict[str, list[Passage]] = {}
        for passage in self.passages:
            if passage.table_id:
                self._by_table.setdefault(passage.table_id, []).append(passage)
            self._by_document.setdefault(passage.document_id, []).append(passage)

    def table_passages(self, table_id: str) -> list[Passage]:
        """The passages a table was split into, in order (looked up once per index, not scanned per answer)."""
        return self._by_table.get(table_id, [])

    def passage_covering(self, document_id: str, start: int, end: int) -> Passage | None:
        """The first passage of a document whose span holds document offsets start:end."""
        return next((p for p in self._by_document.get(document_id, []) if p.start <= start and end <= p.end), None)

    def unit_rows(self, row: int) -> range:
        """Rows of `unit_vectors` that belong to passage `row` (empty without sentence units)."""
        if self.units is None:
            return range(0)
        return range(int(self.unit_offsets[row]), int(self.unit_offsets[row + 1]))

    @property
    def version(self) -> str:
        return self.manifest.version
