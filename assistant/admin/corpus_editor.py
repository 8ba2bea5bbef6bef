"""Add an uploaded document to the corpus folder and its manifest, or remove one; never half of either.

An upload is copied to a hidden file in the corpus folder (hidden files are never ingested), checked by its
magic bytes (PDF, or a zip holding word/document.xml), given a sanitised unique name, and then published in
two atomic steps: the manifest entry first, the file second. A crash in between leaves an entry without a
file, which ingest ignores; never a file without its metadata. Removal runs the other way round: the file is
moved aside, the entry removed, then the file deleted.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.admin.errors import InvalidUpload, UnknownDocument, UnsupportedUpload
from assistant.admin.manifest_edit import add_entry, fsync_directory, remove_entry, write_atomically
from assistant.config import Settings
from assistant.types import DocumentKind
from corpus.manifest import ManifestError, discover, infer_meta, load_manifest, slugify
from corpus.sniff import FileType, LoadError, sniff

MAX_STEM = 80
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
SUFFIXES = {FileType.PDF: ".pdf", FileType.DOCX: ".docx"}


class UploadFields(BaseModel):
    """The manifest fields the admin form sends with a file."""

    title: str = Field(min_length=1, max_length=300)
    kind: DocumentKind = DocumentKind.OTHER
    published: dt.date | None = None
    supersedes: list[str] = Field(default_factory=list)
    publisher: str | None = Field(None, max_length=200)
    area: str | None = Field(None, max_length=200)
    period: str | None = Field(None, max_length=40)

    @field_validator("title", "publisher", "area", "period", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        if isinstance(value, str):
            value = _CONTROL.sub(" ", value).strip()
            return value or None
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("supersedes", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for item in value or []:
            if not isinstance(item, str) or not _ID.match(item):
                raise ValueError(f"{item!r} is not a document id (lower-case letters, digits and hyphens)")
        return value


class StoredUpload(BaseModel):
    id: str
    file: str
    title: str
    kind: str
    published: dt.date | None
    supersedes: list[str]
    file_type: str
    bytes: int
    warnings: list[str] = Field(default_factory=list)


class RemovedDocument(BaseModel):
    id: str
    file: str | None
    manifest_entry: bool


def safe_stem(filename: str | None) -> str:
    """A slug from the last path part of an uploaded file name: no folders, dots or odd characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return slugify(ascii_stem)[:MAX_STEM].strip("-") or "document"


def parse_fields(raw: dict[str, object]) -> UploadFields:
    """Validate the form fields, with a message naming every problem and the valid kinds."""
    try:
        return UploadFields.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in exc.errors())
        kinds = ", ".join(k.value for k in DocumentKind)
        raise InvalidUpload(f"the document details are not valid ({problems}). Kinds: {kinds}; dates as "
                            f"YYYY-MM-DD; supersedes as ids separated by commas") from exc


class CorpusEditor:
    """Adds and removes documents in one corpus folder; one edit at a time, across processes too."""

    def __init__(self, settings: Settings) -> None:
        self.corpus_dir = Path(settings.corpus_dir)
        self.manifest_path = Path(settings.manifest_path)
        self.lock_path = Path(settings.data_dir) / "corpus-edit.lock"
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.lock_path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _manifest(self) -> tuple[str, dict]:
        try:
            entries = load_manifest(self.manifest_path)
        except ManifestError as exc:
            raise InvalidUpload(str(exc)) from exc
        text = self.manifest_path.read_text(encoding="utf-8") if self.manifest_path.exists() else ""
        return text, entries

    def _taken(self, entries: dict) -> set[str]:
        """Ids and file stems already in use (case-insensitive), so a new name clashes with neither."""
        taken = {m.id.lower() for m in entries.values()} | {Path(f).stem.lower() for f in entries}
        for path in discover(self.corpus_dir):
            taken.add(path.stem.lower())
            taken.add(infer_meta(path, self.corpus_dir.resolve()).id.lower())
        return taken

    def add(self, upload: BinaryIO, filename: str | None, fields: UploadFields,
            known_ids: set[str] | frozenset[str] = frozenset()) -> StoredUpload:
        """Store `upload` under a sanitised unique name with a manifest entry made from `fields`."""
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        suffix = Path(re.split(r"[\\/]", filename or "")[-1]).suffix.lower()
        suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
        fd, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=suffix, dir=self.corpus_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                shutil.copyfileobj(upload, handle, 1 << 20)
                handle.flush()
                os.fsync(handle.fileno())
            size = tmp.stat().st_size
            file_type = self._check_type(tmp, filename)
            os.chmod(tmp, 0o644)
            with self._locked():
                text, entries = self._manifest()
                stem, taken, n = safe_stem(filename), self._taken(entries), 1
                name = stem
                while name.lower() in taken:
                    n += 1
                    name = f"{stem}-{n}"
                final = self.corpus_dir / f"{name}{SUFFIXES[file_type]}"
                entry = {"id": name, "file": final.name, "title": fields.title, "kind": fields.kind.value,
                         "publisher": fields.publisher, "area": fields.area, "published": fields.published,
                         "period": fields.period, "supersedes": fields.supersedes}
                new_text = add_entry(text, entry, comment=f"added on the admin page {dt.date.today():%Y-%m-%d} "
                                                          f"(uploaded as {_shown(filename)})")
                write_atomically(self.manifest_path, new_text.encode("utf-8"))
                try:
                    os.replace(tmp, final)
                    fsync_directory(self.corpus_dir)
                except OSError:
                    write_atomically(self.manifest_path, text.encode("utf-8"))
                    raise
        finally:
            tmp.unlink(missing_ok=True)
        known = known_ids | {m.id for m in entries.values()}
        warnings = [f"supersedes {s!r}, which is not a document in the corpus or the index"
                    for s in fields.supersedes if s not in known]
        return StoredUpload(id=name, file=final.name, title=fields.title, kind=fields.kind.value,
                            published=fields.published, supersedes=fields.supersedes, file_type=file_type.value,
                            bytes=size, warnings=warnings)

    @staticmethod
    def _check_type(path: Path, filename: str | None) -> FileType:
        try:
            found = sniff(path)
        except LoadError as exc:
            if exc.reason == "zero-byte file":
                raise InvalidUpload(f"{_shown(filename)} is empty: export the document again and upload that") from exc
            raise UnsupportedUpload(f"{_shown(filename)}: {exc.reason}: only PDF and Word (.docx) documents can be "
                                    f"uploaded") from exc
        if found not in SUFFIXES:
            raise UnsupportedUpload(f"{_shown(filename)} is {found.value}, not a PDF or Word (.docx) document: "
                                    "export it as PDF and upload that")
        return found

    def remove(self, doc_id: str) -> RemovedDocument:
        """Delete the document's file and its manifest entry; the next refresh drops it from the index."""
        with self._locked():
            text, entries = self._manifest()
            listed = next((file for file, meta in entries.items() if meta.id == doc_id), None)
            path: Path | None = None
            root = self.corpus_dir.resolve()
            if listed is not None:
                candidate = (root / listed).resolve()
                path = candidate if candidate.is_relative_to(root) and candidate.is_file() else None
            else:
                path = next((p for p in discover(self.corpus_dir) if infer_meta(p, root).id == doc_id
                             and not any(Path(f).name == p.name for f in entries)), None)
            if listed is None and path is None:
                raise UnknownDocument(f"no document {doc_id!r} in the corpus folder or corpus.toml: reload the list")
            aside = path.with_name(f".removing-{path.name}") if path is not None else None
            if path is not None and aside is not None:
                os.replace(path, aside)
            try:
                if listed is not None:
                    write_atomically(self.manifest_path, remove_entry(text, listed).encode("utf-8"))
            except BaseException:
                if path is not None and aside is not None:
                    os.replace(aside, path)
                raise
            if aside is not None:
                aside.unlink(missing_ok=True)
                fsync_directory(aside.parent)
        shown = str(path.relative_to(root)) if path is not None else None
        return RemovedDocument(id=doc_id, file=shown, manifest_entry=listed is not None)


def _shown(filename: str | None) -> str:
    """The uploaded name for messages: last path part, printable characters, at most 80 of them."""
    name = _CONTROL.sub("", re.split(r"[\\/]", filename or "")[-1])[:80]
    return repr(name or "the upload")
