"""The on-disk index: versioned directories that cannot be half-written, and an atomic `current` pointer.

Layout under `root` (Settings.index_root):
    versions/<version>/manifest.json   corpus version, model, documents with hashes, counts, file checksums
    versions/<version>/corpus.sqlite   documents (with their text), passages, tables, glossary
    versions/<version>/vectors.npy     passage vectors, row i = passage row i
    versions/<version>/dense.faiss     FAISS index over the vectors
    versions/<version>/bm25/           bm25s index over the passages' index text
    current                            symlink to versions/<version>, switched with os.replace
    lock                               held by one build at a time

A build writes `versions/.tmp-<version>`, fsyncs every file, renames it into place, re-opens it and checks
every checksum and count, and only then switches `current`. A build killed at any point leaves `current`
pointing at the previous complete version.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field

VERSIONS = "versions"
CURRENT = "current"
MANIFEST = "manifest.json"
DATA_FILES = ("corpus.sqlite", "vectors.npy", "dense.faiss")


class StoreError(RuntimeError):
    """The index store cannot do what was asked; the message says what to do."""


class DocumentEntry(BaseModel):
    id: str
    path: str
    title: str
    content_hash: str
    pages: int
    passages: int
    tables: int
    status: str = "indexed"
    warnings: list[str] = Field(default_factory=list)


class IndexManifest(BaseModel):
    version: str
    previous: str | None = None
    corpus_version: str
    pipeline: str
    model: str
    dimension: int
    dense_kind: str
    passage_count: int
    table_count: int
    indicator_count: int = 0
    built_at: dt.datetime
    build_seconds: float
    documents: list[DocumentEntry]
    checksums: dict[str, str] = Field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_checksums(directory: Path) -> dict[str, str]:
    """sha256 of every file below `directory`, keyed by relative path (the manifest itself excluded)."""
    return {
        str(p.relative_to(directory)): sha256_file(p)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def fsync_tree(directory: Path) -> None:
    """fsync every file and folder below `directory`, then the directory itself."""
    for path in sorted(directory.rglob("*"), reverse=True):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fsync_dir(directory)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_version_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


class IndexStore:
    """Versions of the index under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def versions_dir(self) -> Path:
        return self.root / VERSIONS

    def version_dir(self, version: str) -> Path:
        return self.versions_dir / version

    def current_version(self) -> str | None:
        link = self.root / CURRENT
        if not link.is_symlink():
            return None
        target = os.readlink(link)
        version = Path(target).name
        return version if self.version_dir(version).is_dir() else None

    def current_dir(self) -> Path:
        version = self.current_version()
        if version is None:
            raise StoreError(f"no index has been built in {self.root}: run `lscb ingest` first")
        return self.version_dir(version)

    def versions(self) -> list[str]:
        """Complete versions on disk, oldest first."""
        if not self.versions_dir.is_dir():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def read_manifest(self, version: str | None = None) -> IndexManifest:
        directory = self.version_dir(version) if version else self.current_dir()
        try:
            return IndexManifest.model_validate_json((directory / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise StoreError(f"index version {directory.name} has no readable manifest ({exc})") from exc

    def verify(self, version: str) -> IndexManifest:
        """Check a version is complete: manifest readable, every data file present with its checksum."""
        manifest = self.read_manifest(version)
        directory = self.version_dir(version)
        for name in DATA_FILES:
            if name not in manifest.checksums:
                raise StoreError(f"index version {version} lacks {name} in its manifest")
        actual = tree_checksums(directory)
        if actual != manifest.checksums:
            bad = sorted(set(actual.items()) ^ set(manifest.checksums.items()))
            raise StoreError(f"index version {version} fails its checksums ({bad[0][0]} differs): rebuild it")
        return manifest

    @contextmanager
    def staging(self, version: str) -> Iterator[Path]:
        """A scratch folder for a new version; removed if the block raises."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.versions_dir / f".tmp-{version}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        try:
            yield tmp
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            # faiss reports a failed write as RuntimeError (StoreError is one too, and passes through as it is)
            if isinstance(exc, (OSError, sqlite3.Error)) or (isinstance(exc, RuntimeError)
                                                              and not isinstance(exc, StoreError)):
                raise StoreError(f"could not write index version {version} ({exc}); the serving version is "
                                 f"unchanged. If the disk is full, free space under {self.root} and refresh "
                                 "again") from exc
            raise

    def commit(self, staged: Path, manifest: IndexManifest) -> Path:
        """Seal a staged folder: checksums into the manifest, fsync, rename into place. Does not switch."""
        manifest.checksums = tree_checksums(staged)
        (staged / MANIFEST).write_text(manifest.model_dump_json(indent=2))
        fsync_tree(staged)
        final = self.version_dir(manifest.version)
        os.replace(staged, final)
        fsync_dir(self.versions_dir)
        return final

    def switch(self, version: str) -> None:
        """Point `current` at `version` atomically, after verifying it."""
        self.verify(version)
        tmp_link = self.root / f".{CURRENT}.tmp"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        try:
            os.symlink(Path(VERSIONS) / version, tmp_link)
            os.replace(tmp_link, self.root / CURRENT)
        except OSError as exc:
            tmp_link.unlink(missing_ok=True)
            raise StoreError(f"could not point `current` at index version {version} ({exc}); the serving "
                             f"version is unchanged: free disk space under {self.root}, then "
                             f"`lscb index publish {version}`") from exc
        fsync_dir(self.root)

    def rollback(self) -> str:
        """Switch back to the version before the current one; returns it."""
        manifest = self.read_manifest()
        candidates = [v for v in self.versions() if v < manifest.version]
        target = manifest.previous if manifest.previous in candidates else (candidates[-1] if candidates else None)
        if target is None:
            raise StoreError("there is no earlier index version to roll back to")
        self.switch(target)
        return target

    def prune(self, keep: int) -> list[str]:
        """Delete old versions and stale scratch folders, keeping the newest `keep` and the current one."""
        current = self.current_version()
        keep_also = {current}
        if current is not None:  # the rollback target: never pushed out by versions that never served
            try:
                keep_also.add(self.read_manifest(current).previous)
            except StoreError:
                pass
        removed = []
        for stale in self.versions_dir.glob(".tmp-*") if self.versions_dir.is_dir() else []:
            shutil.rmtree(stale, ignore_errors=True)
        for version in self.versions()[:-keep] if keep > 0 else []:
            if version not in keep_also:
                shutil.rmtree(self.version_dir(version), ignore_errors=True)
                removed.append(version)
        return removed

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One build at a time; a second one is told, not queued."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = (self.root / "lock").open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise StoreError(f"another refresh is already running on {self.root}; wait for it to finish") from exc
        try:
            handle.seek(0), handle.truncate(), handle.write(json.dumps({"pid": os.getpid()})), handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
