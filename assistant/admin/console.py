"""The admin components wired to the running service: corpus edits, the document list, the refresh cycle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

from assistant.admin.corpus_editor import CorpusEditor, StoredUpload, UploadFields
from assistant.admin.library import DocumentStatus, Library
from assistant.admin.refresh import Build, RefreshRunner
from assistant.api.services import Services
from assistant.runtime import dense_params
from assistant.types import DocumentKind
from corpus.ingest import ingest
from evaluation.goldset import GOLD_DIR
from index.loaded import LoadedIndex
from index.store import StoreError


class VersionInfo(BaseModel):
    version: str
    built_at: dt.datetime | None
    documents: int | None
    passages: int | None
    previous: str | None
    serving: bool
    readable: bool = True


class Overview(BaseModel):
    serving_version: str | None
    corpus_version: str | None
    documents: int
    passages: int
    tables: int
    indicators: int
    versions: list[VersionInfo]
    kinds: list[str]
    max_upload_mb: float


class AdminConsole:
    """What the admin routes call; one per app (`app.state.admin`)."""

    def __init__(self, services: Services, gold_dir: Path | None = GOLD_DIR, build: Build = ingest) -> None:
        self.services = services
        self.settings = services.settings
        self.store = services.store
        self.editor = CorpusEditor(self.settings)
        self.library = Library(self.settings, self.store)
        self.refresh = RefreshRunner(self.settings, services.embedder, self.store, self._open_version,
                                     gold_dir=gold_dir, build=build)

    def _open_version(self, version: str) -> LoadedIndex:
        """The serving engine's index when it is that version (already in memory), else open it from disk."""
        try:
            serving = self.services.engine().index
        except StoreError:
            serving = None
        if serving is not None and serving.version == version:
            return serving
        return LoadedIndex(self.store.version_dir(version), dense_params(self.settings))

    def documents(self) -> list[DocumentStatus]:
        return self.library.list(self.refresh.status().files)

    def upload(self, data: BinaryIO, filename: str | None, fields: UploadFields) -> StoredUpload:
        """Store an upload; `supersedes` ids are checked against the corpus and the serving index."""
        try:
            served = {d.id for d in self.store.read_manifest().documents}
        except StoreError:
            served = set()
        return self.editor.add(data, filename, fields, known_ids=served)

    def overview(self) -> Overview:
        try:
            manifest = self.store.read_manifest()
        except StoreError:
            manifest = None
        serving = self.store.current_version()
        versions = []
        for version in reversed(self.store.versions()):
            try:
                m = self.store.read_manifest(version)
                versions.append(VersionInfo(version=version, built_at=m.built_at, documents=len(m.documents),
                                            passages=m.passage_count, previous=m.previous, serving=version == serving))
            except StoreError:
                versions.append(VersionInfo(version=version, built_at=None, documents=None, passages=None,
                                            previous=None, serving=version == serving, readable=False))
        return Overview(serving_version=serving, corpus_version=manifest.corpus_version if manifest else None,
                        documents=len(manifest.documents) if manifest else 0,
                        passages=manifest.passage_count if manifest else 0,
                        tables=manifest.table_count if manifest else 0,
                        indicators=manifest.indicator_count if manifest else 0, versions=versions,
                        kinds=[k.value for k in DocumentKind], max_upload_mb=self.settings.max_upload_mb)
