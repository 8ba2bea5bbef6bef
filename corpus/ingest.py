"""Ingest: from the corpus folder to a new, complete index version.

Files are parsed in a killable worker while the previous file's passages are embedded, so parsing hides
behind the model. Documents whose content hash (and the pipeline) are unchanged reuse their passages and
vectors from the serving version; removed documents disappear. Bad files are reported, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


from assistant.config import Settings
from assistant.runtime import dense_params
from assistant.types import DocumentMeta, Passage, Table
from corpus.glossary import extract_definitions, load_base, merge
from corpus.manifest import SUPPORTED_SUFFIXES, discover, infer_meta, load_manifest
from corpus.worker import ChunkParams, ParsedDocument, ParseFailure, ParseWorker, file_hash
from index.corpusdb import StoredDocument, read_documents, read_passage_rows, read_tables
from index.embedder import Embedder
from index.vectors import PassageVectors, concat, embed_passages
from index.builder import load_vectors, write_version
from index.store import IndexManifest, IndexStore, StoreError, new_version_id

PIPELINE_VERSION = "3"  # 2: passages embed without their section path; 3: sentence units


@dataclass
class FileReport:
    path: str
    document_id: str | None
    status: str  # indexed | reused | skipped
    pages: int = 0
    passages: int = 0
    tables: int = 0
    reason: str | None = None
    advice: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileReport]
    manifest: IndexManifest | None
    parse_seconds: float = 0.0
    embed_seconds: float = 0.0
    total_seconds: float = 0.0
    embedded_passages: int = 0
    switched: bool = False

    @property
    def usable(self) -> bool:
        return self.manifest is not None and self.manifest.passage_count > 0

    @property
    def skipped(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "skipped"]


Progress = Callable[[str, int, int], None]


def _code_fingerprint() -> str:
    """A hash of the code that turns a file into passages, so any change to it re-ingests everything."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("*.py"), *root.glob("loaders/*.py")]):
        if path.name not in ("ingest.py", "manifest.py"):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def pipeline_signature(settings: Settings, embedder: Embedder) -> str:
    """What must match for a document's stored passages and vectors to be reused."""
    key = json.dumps([PIPELINE_VERSION, _code_fingerprint(), embedder.name, settings.chunk_max_tokens,
                      settings.chunk_target_words, settings.chunk_min_words, settings.sentence_units])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class _Reuse:
    """Passages, vectors and tables of the serving version, for documents that have not changed."""

    def __init__(self, store: IndexStore, pipeline: str) -> None:
        self.documents: dict[str, StoredDocument] = {}
        self._dir: Path | None = None
        self._vectors: PassageVectors | None = None
        try:
            manifest = store.read_manifest()
        except StoreError:
            return
        if manifest.pipeline != pipeline:
            return
        self._dir = store.current_dir()
        self.documents = {d.meta.id: d for d in read_documents(self._dir / "corpus.sqlite")}
        self._vectors = load_vectors(self._dir)

    def get(self, meta: DocumentMeta, content_hash: str) -> tuple[StoredDocument, list[Passage], PassageVectors, list[Table]] | None:
        old = self.documents.get(meta.id)
        if old is None or old.content_hash != content_hash or self._dir is None or self._vectors is None:
            return None
        rows = read_passage_rows(self._dir / "corpus.sqlite", meta.id)
        passages = [p.model_copy(update={"title": meta.title}) for _, p in rows]
        vectors = self._vectors.take([r for r, _ in rows])
        stored = StoredDocument(meta, content_hash, old.text, old.pages, old.warnings)
        return stored, passages, vectors, read_tables(self._dir / "corpus.sqlite", meta.id)


def _plan(settings: Settings, extra: list[Path]) -> tuple[list[tuple[Path, DocumentMeta]], list[FileReport],
                                                         dict[str, list[str]]]:
    """Pair every discovered file with its metadata; report unsupported files and id clashes.

    Returns the jobs, the files skipped already, and warnings by file (metadata inferred, not in the manifest).
    """
    manifest = load_manifest(settings.manifest_path)
    jobs: list[tuple[Path, DocumentMeta]] = []
    reports: list[FileReport] = []
    warnings: dict[str, list[str]] = {}
    ids: set[str] = set()
    corpus_dir = settings.corpus_dir.resolve()
    listed = {m.id: file for file, m in manifest.items()}  # a manifest id belongs to its own file
    for path in discover(settings.corpus_dir, extra):
        try:
            relative = str(path.relative_to(corpus_dir))
        except ValueError:
            relative = str(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            reports.append(FileReport(relative, None, "skipped", reason=f"unsupported file type {path.suffix or '(none)'}",
                                      advice="convert it to PDF, DOCX, HTML, Markdown or plain text"))
            continue
        meta = manifest.get(relative) or manifest.get(path.name)
        if meta is None:
            meta = infer_meta(path, corpus_dir)
            warnings[relative] = [f"not in {settings.manifest_name}: title, kind and date were inferred from the file name"]
            if meta.id in listed:
                reports.append(FileReport(relative, meta.id, "skipped",
                                          reason=f"document id {meta.id!r} belongs to {listed[meta.id]} in {settings.manifest_name}",
                                          advice="rename the file or give it its own id in the manifest"))
                continue
        if meta.id in ids:
            reports.append(FileReport(relative, meta.id, "skipped", reason=f"document id {meta.id!r} is already used",
                                      advice="rename the file or give it its own id in the manifest"))
            continue
        ids.add(meta.id)
        jobs.append((path, meta.model_copy(update={"path": relative})))
    return jobs, reports, warnings


def ingest(settings: Settings, embedder: Embedder, extra: list[Path] | None = None,
           progress: Progress | None = None, switch: bool = True) -> IngestReport:
    """Build a new index version from the corpus folder (plus `extra` files/folders). Holds the build lock."""
    store = IndexStore(settings.index_root)
    with store.lock():
        return _ingest_locked(settings, embedder, store, extra or [], progress or (lambda *_: None), switch)


def _ingest_locked(settings: Settings, embedder: Embedder, store: IndexStore, extra: list[Path],
                   progress: Progress, switch: bool) -> IngestReport:
    started = time.perf_counter()
    pipeline = pipeline_signature(settings, embedder)
    jobs, reports, pending_warnings = _plan(settings, extra)
    reuse = _Reuse(store, pipeline)
    params = ChunkParams(settings.chunk_max_tokens, settings.chunk_target_words, settings.chunk_min_words,
                         int(settings.max_file_mb * 1024 * 1024))
    documents: list[StoredDocument] = []
    passages: list[Passage] = []
    vector_parts: list[PassageVectors] = []
    tables: list[Table] = []
    parse_s = embed_s = 0.0
    embedded = 0
    embedder.warm_up()

    def accept(stored: StoredDocument, new_passages: list[Passage], vectors: PassageVectors, new_tables: list[Table],
               report: FileReport) -> None:
        documents.append(stored)
        passages.extend(new_passages)
        vector_parts.append(vectors)
        tables.extend(new_tables)
        report.pages, report.passages, report.tables = stored.pages, len(new_passages), len(new_tables)
        reports.append(report)

    # Size cap and reuse are decided before any parsing; the rest go to the worker in order.
    to_parse: list[tuple[Path, DocumentMeta]] = []
    for path, meta in jobs:
        warnings = pending_warnings.get(meta.path, [])
        size = path.stat().st_size
        if size > params.max_bytes:
            reports.append(FileReport(meta.path, meta.id, "skipped", warnings=warnings,
                                      reason=f"file is {size / 1048576:.1f} MB, over the {settings.max_file_mb:g} MB cap",
                                      advice="split the document or raise LSCB_MAX_FILE_MB"))
            continue
        reused = reuse.get(meta, file_hash(path))
        if reused is not None:
            stored, old_passages, vectors, old_tables = reused
            accept(stored, old_passages, vectors, old_tables, FileReport(meta.path, meta.id, "reused", warnings=warnings))
        else:
            to_parse.append((path, meta))

    total = len(to_parse)
    with ParseWorker(timeout_s=settings.parse_timeout_s, memory_mb=settings.parse_memory_mb) as worker:
        if to_parse:
            worker.submit(to_parse[0][0], to_parse[0][1], params)
        for i, (path, meta) in enumerate(to_parse):
            progress(f"parsing {meta.path}", i, total)
            t0 = time.perf_counter()
            result = worker.result()
            parse_s += time.perf_counter() - t0
            if i + 1 < total:  # the next file parses while this one embeds
                worker.submit(to_parse[i + 1][0], to_parse[i + 1][1], params)
            warnings = pending_warnings.get(meta.path, [])
            if isinstance(result, ParseFailure):
                reports.append(FileReport(meta.path, meta.id, "skipped", reason=result.reason, advice=result.advice,
                                          warnings=warnings))
                continue
            assert isinstance(result, ParsedDocument)
            progress(f"embedding {meta.path}", i, total)
            t0 = time.perf_counter()
            vectors = embed_passages(embedder, result.passages, settings.embed_batch_size, settings.sentence_units)
            embed_s += time.perf_counter() - t0
            embedded += len(result.passages)
            stored = StoredDocument(meta, result.content_hash, result.text, result.pages, warnings + result.warnings)
            accept(stored, result.passages, vectors, result.tables,
                   FileReport(meta.path, meta.id, "indexed", warnings=stored.warnings))
    progress("writing index", total, total)

    if not passages:
        return IngestReport(reports, None, parse_s, embed_s, time.perf_counter() - started, embedded)
    glossary = load_base()
    for doc in documents:
        glossary = merge(glossary, extract_definitions(doc.text))
    vectors = concat(vector_parts, embedder.dimension)
    manifest = write_version(
        store, new_version_id(), documents, passages, vectors, tables, glossary, pipeline=pipeline,
        model=embedder.name, started=started, dense_params=dense_params(settings), switch=switch,
    )
    store.prune(settings.keep_versions)
    return IngestReport(reports, manifest, parse_s, embed_s, time.perf_counter() - started, embedded, switch)
