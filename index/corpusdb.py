"""The passages database of one index version (SQLite): documents with their text, passages, tables, glossary."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from assistant.types import DocumentMeta, Passage, Table

SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, meta TEXT NOT NULL, content_hash TEXT NOT NULL, text TEXT NOT NULL,
    pages INTEGER NOT NULL, warnings TEXT NOT NULL
);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, document_id TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX passages_document ON passages(document_id);
CREATE TABLE tables (id TEXT PRIMARY KEY, document_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE glossary (acronym TEXT PRIMARY KEY, expansion TEXT NOT NULL);
"""


class StoredDocument:
    """A document as the index holds it."""

    __slots__ = ("meta", "content_hash", "text", "pages", "warnings")

    def __init__(self, meta: DocumentMeta, content_hash: str, text: str, pages: int, warnings: list[str]) -> None:
        self.meta, self.content_hash, self.text, self.pages, self.warnings = meta, content_hash, text, pages, warnings


def write_corpus_db(
    path: Path,
    documents: Iterable[StoredDocument],
    passages: Iterable[Passage],
    tables: Iterable[Table],
    glossary: dict[str, str],
) -> None:
    """Write a new database; passage rows are numbered in the order given (row i = vector i)."""
    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA)
        con.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?)",
            [(d.meta.id, d.meta.model_dump_json(), d.content_hash, d.text, d.pages, json.dumps(d.warnings))
             for d in documents],
        )
        con.executemany(
            "INSERT INTO passages VALUES (?,?,?,?)",
            [(row, p.id, p.document_id, p.model_dump_json()) for row, p in enumerate(passages)],
        )
        con.executemany("INSERT INTO tables VALUES (?,?,?)", [(t.id, t.document_id, t.model_dump_json()) for t in tables])
        con.executemany("INSERT INTO glossary VALUES (?,?)", sorted(glossary.items()))
        con.commit()
    finally:
        con.close()


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def read_passages(path: Path) -> list[Passage]:
    with _connect_ro(path) as con:
        return [Passage.model_validate_json(r[0]) for r in con.execute("SELECT data FROM passages ORDER BY row")]


def read_passage_rows(path: Path, document_id: str) -> list[tuple[int, Passage]]:
    with _connect_ro(path) as con:
        rows = con.execute("SELECT row, data FROM passages WHERE document_id=? ORDER BY row", (document_id,))
        return [(r[0], Passage.model_validate_json(r[1])) for r in rows]


def read_tables(path: Path, document_id: str | None = None) -> list[Table]:
    with _connect_ro(path) as con:
        if document_id is None:
            rows = con.execute("SELECT data FROM tables ORDER BY rowid")
        else:
            rows = con.execute("SELECT data FROM tables WHERE document_id=? ORDER BY rowid", (document_id,))
        return [Table.model_validate_json(r[0]) for r in rows]


def read_documents(path: Path, with_text: bool = True) -> list[StoredDocument]:
    with _connect_ro(path) as con:
        column = "text" if with_text else "''"
        rows = con.execute(f"SELECT meta, content_hash, {column}, pages, warnings FROM documents ORDER BY rowid")
        return [StoredDocument(DocumentMeta.model_validate_json(r[0]), r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def read_glossary(path: Path) -> dict[str, str]:
    with _connect_ro(path) as con:
        return dict(con.execute("SELECT acronym, expansion FROM glossary"))
