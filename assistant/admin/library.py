"""The documents as the admin sees them: what is in the corpus folder, what is served, and what differs.

A row per document id, from three sources: the files in the corpus folder (with their manifest entry, or
inferred metadata), the serving index's manifest (pages, passages, warnings, content hash), and the last
refresh (files it skipped, with the reason). The status says what the next refresh will do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.admin.refresh import FileOutcome
from assistant.config import Settings
from corpus.manifest import SUPPORTED_SUFFIXES, ManifestError, discover, infer_meta, load_manifest
from index.store import DocumentEntry, IndexStore, StoreError, sha256_file

STATUS_HELP = {
    "indexed": "served as it is in the corpus folder",
    "new": "in the corpus folder, not served yet: start a refresh",
    "changed": "the file differs from the served one: start a refresh",
    "removed": "no longer in the corpus folder, still served until a refresh is published",
    "missing": "listed in corpus.toml but the file is missing: upload it or remove the entry",
    "skipped": "the last refresh could not index it: see the warnings",
    "unsupported": "not a format the assistant reads: convert it to PDF or DOCX",
}


class DocumentStatus(BaseModel):
    id: str
    title: str
    kind: str
    published: dt.date | None
    file: str | None
    bytes: int | None
    in_manifest: bool
    served: bool
    pages: int | None = None
    passages: int | None = None
    tables: int | None = None
    status: str
    explanation: str
    warnings: list[str] = Field(default_factory=list)


class Library:
    """Lists the documents with their status; file hashes are cached by (size, mtime)."""

    def __init__(self, settings: Settings, store: IndexStore) -> None:
        self.corpus_dir = Path(settings.corpus_dir)
        self.manifest_path = Path(settings.manifest_path)
        self.manifest_name = settings.manifest_name
        self.store = store
        self._hashes: dict[Path, tuple[int, int, str]] = {}

    def _hash(self, path: Path) -> str:
        stat = path.stat()
        cached = self._hashes.get(path)
        if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns):
            return cached[2]
        digest = sha256_file(path)
        self._hashes[path] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest

    def list(self, last_refresh: list[FileOutcome] | None = None) -> list[DocumentStatus]:
        """Every document in the folder, the manifest or the serving index, sorted by title."""
        try:
            served: dict[str, DocumentEntry] = {d.id: d for d in self.store.read_manifest().documents}
        except StoreError:
            served = {}
        warnings_from_manifest: list[str] = []
        try:
            entries = load_manifest(self.manifest_path)
        except ManifestError as exc:
            entries, warnings_from_manifest = {}, [str(exc)]
        skipped = {f.path: f for f in last_refresh or [] if f.status == "skipped"}
        root = self.corpus_dir.resolve()
        rows: dict[str, DocumentStatus] = {}
        seen_files: set[str] = set()
        for path in discover(self.corpus_dir) if self.corpus_dir.is_dir() else []:
            relative = str(path.relative_to(root))
            meta = entries.get(relative) or entries.get(path.name)
            seen_files.update({relative, path.name})
            warnings = list(warnings_from_manifest)
            if meta is None:
                meta = infer_meta(path, root)
                warnings.append(f"not in {self.manifest_name}: title, kind and date were inferred from the file name")
            entry = served.get(meta.id)
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                status = "unsupported"
            elif relative in skipped:
                status = "skipped"
                outcome = skipped[relative]
                warnings.append(f"{outcome.reason}: {outcome.advice}" if outcome.advice else str(outcome.reason))
            elif entry is None:
                status = "new"
            else:
                status = "indexed" if entry.content_hash == self._hash(path) else "changed"
            if entry is not None:
                warnings += entry.warnings
            rows.setdefault(meta.id, self._row(meta.id, meta.title, meta.kind.value, meta.published, relative,
                                               path.stat().st_size, meta.in_manifest, entry, status, warnings))
        for file, meta in entries.items():
            if file in seen_files or meta.id in rows:
                continue
            entry = served.get(meta.id)
            status = "removed" if entry is not None else "missing"
            rows[meta.id] = self._row(meta.id, meta.title, meta.kind.value, meta.published, file, None, True, entry,
                                      status, entry.warnings if entry else [])
        for doc_id, entry in served.items():
            if doc_id not in rows:
                rows[doc_id] = self._row(doc_id, entry.title, "", None, entry.path, None, False, entry, "removed",
                                         entry.warnings)
        return sorted(rows.values(), key=lambda r: (r.title.lower(), r.id))

    @staticmethod
    def _row(doc_id: str, title: str, kind: str, published: dt.date | None, file: str | None, size: int | None,
             in_manifest: bool, entry: DocumentEntry | None, status: str, warnings: list[str]) -> DocumentStatus:
        return DocumentStatus(id=doc_id, title=title, kind=kind, published=published, file=file, bytes=size,
                              in_manifest=in_manifest, served=entry is not None,
                              pages=entry.pages if entry else None, passages=entry.passages if entry else None,
                              tables=entry.tables if entry else None, status=status,
                              explanation=STATUS_HELP[status], warnings=list(dict.fromkeys(warnings)))
