"""The corpus manifest (corpus.toml): what each document is. Unlisted files get inferred metadata."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from assistant.types import DocumentKind, DocumentMeta

SUPPORTED_SUFFIXES = frozenset({".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt"})
IGNORED_NAMES = frozenset({"corpus.toml", "readme.md", "license", "licence"})


class ManifestError(ValueError):
    """The manifest cannot be read; the message names the file, the entry and what to fix."""


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def load_manifest(path: Path) -> dict[str, DocumentMeta]:
    """Entries keyed by file name. A missing manifest is an empty one."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path} is not valid TOML ({exc}): fix the syntax and run again") from exc
    entries: dict[str, DocumentMeta] = {}
    seen_ids: set[str] = set()
    for n, raw in enumerate(data.get("document", []), start=1):
        file = raw.get("file")
        if not file:
            raise ManifestError(f"{path}: document #{n} has no `file`: name the file it describes")
        fields = {k: v for k, v in raw.items() if k in DocumentMeta.model_fields and k != "path"}
        if isinstance(fields.get("supersedes"), str):
            fields["supersedes"] = [fields["supersedes"]]
        try:
            meta = DocumentMeta(path=file, **fields)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            choices = ", ".join(k.value for k in DocumentKind)
            raise ManifestError(f"{path}: entry for {file} is invalid ({problems}). Kinds: {choices}") from exc
        if meta.id in seen_ids:
            raise ManifestError(f"{path}: id {meta.id!r} is used twice: give each document its own id")
        seen_ids.add(meta.id)
        entries[file] = meta
    return entries


_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def infer_meta(path: Path, relative_to: Path | None = None) -> DocumentMeta:
    """Metadata for a file the manifest does not list: id and title from the name, date from a year in it."""
    stem = path.stem
    title = re.sub(r"[-_]+", " ", stem).strip().capitalize() or path.name
    year = _YEAR.search(stem)
    published = dt.date(int(year.group(0)), 1, 1) if year else None
    lowered = stem.lower()
    kind = DocumentKind.OTHER
    for needle, guess in (("threshold", DocumentKind.THRESHOLDS_GUIDANCE), ("annual", DocumentKind.ANNUAL_REPORT),
                          ("protocol", DocumentKind.PROTOCOL), ("policy", DocumentKind.POLICY),
                          ("business-plan", DocumentKind.BUSINESS_PLAN), ("working-together", DocumentKind.STATUTORY_GUIDANCE)):
        if needle in lowered:
            kind = guess
            break
    try:
        shown = str(path.relative_to(relative_to)) if relative_to else str(path)
    except ValueError:
        shown = str(path)
    return DocumentMeta(id=slugify(stem), path=shown, title=title, kind=kind, published=published, in_manifest=False)


def discover(corpus_dir: Path, extra: list[Path] | None = None) -> list[Path]:
    """Files to ingest: everything in the corpus folder (recursively) plus the extra files and folders named."""
    found: list[Path] = []
    for root in [corpus_dir, *(extra or [])]:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found.extend(
                p for p in sorted(root.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
                and p.name.lower() not in IGNORED_NAMES
            )
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p.resolve(), None)
    return list(unique)
