"""Parse files in a separate process that can be killed: one file can never hang or exhaust the ingest.

A `ParseWorker` keeps one child process (started with `spawn`, so it shares nothing with the parent's
threads or model). Each file gets a time limit; the child runs under an address-space cap. A file that
overruns either is reported as skipped and the child is replaced.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import resource
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from assistant.types import FORM_FEED, DocumentMeta, Passage, Table
from index.store import sha256_file as file_hash


class WorkerError(RuntimeError):
    """The parse worker itself could not run (not a problem with any one file)."""


READY = "ready"
STARTUP_TIMEOUT_S = 120.0


@dataclass
class ParsedDocument:
    meta: DocumentMeta
    content_hash: str
    text: str
    pages: int
    paged: bool
    passages: list[Passage]
    tables: list[Table]
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseFailure:
    reason: str
    advice: str
    restart: bool = False  # the child may be left unfit for the next file (out of memory): replace it


@dataclass(frozen=True)
class ChunkParams:
    max_tokens: int = 256
    target_words: int = 160
    min_words: int = 40
    max_bytes: int = 50 * 1024 * 1024


def parse_document(path: Path, meta: DocumentMeta, params: ChunkParams, counter) -> ParsedDocument | ParseFailure:
    """Load, structure and chunk one file in this process. Known bad input comes back as a ParseFailure."""
    from corpus.chunking import chunk_document
    from corpus.loaders import load_file
    from corpus.sniff import LoadError
    from corpus.structure import parse_blocks

    try:
        loaded = load_file(path, max_bytes=params.max_bytes)
    except LoadError as exc:
        return ParseFailure(exc.reason, exc.advice)
    text = FORM_FEED.join(page.text for page in loaded.pages)
    paged = any(page.number is not None for page in loaded.pages)
    if not text.strip():
        return ParseFailure("no text found", "check the file opens and has selectable text; scanned files need OCR")
    blocks = parse_blocks(text, paged=paged)
    passages, tables = chunk_document(meta, text, blocks, counter, max_tokens=params.max_tokens,
                                      target_words=params.target_words, min_words=params.min_words)
    if not passages:
        return ParseFailure("no passages could be made", "the file holds no running text or tables to index")
    return ParsedDocument(meta, file_hash(path), text, len(loaded.pages), paged, passages, tables, list(loaded.warnings))


ParseFn = Callable[[Path, DocumentMeta, ChunkParams, object], "ParsedDocument | ParseFailure"]


def _child(conn: Connection, memory_mb: int, parse: ParseFn) -> None:
    limit = memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    from corpus.tokens import TokenCounter

    counter = TokenCounter()
    counter.warm_up()
    conn.send(READY)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, meta, params = job
        try:
            result: ParsedDocument | ParseFailure = parse(Path(path), meta, params, counter)
        except MemoryError:
            result = ParseFailure(f"parsing needed more than {memory_mb} MB of memory",
                                  "the file may be a decompression bomb; check it or raise LSCB_PARSE_MEMORY_MB",
                                  restart=True)
        except RecursionError:
            result = ParseFailure("the file's structure is nested too deeply to parse", "re-save or export it again")
        except Exception as exc:  # noqa: BLE001 - any other parser crash is reported for this file only
            result = ParseFailure(f"could not be parsed ({type(exc).__name__}: {exc})"[:300],
                                  "re-save or export the file again; if it persists, report it with the file")
        gc.collect()  # the parse's reference cycles (pypdf's reader, BeautifulSoup's tree) go before the next file
        conn.send(result)


class ParseWorker:
    """A killable child process that parses one file at a time."""

    def __init__(self, timeout_s: float = 120.0, memory_mb: int = 4096, parse: ParseFn | None = None) -> None:
        """`parse` (a module-level function, run in the child) defaults to `parse_document`."""
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.parse = parse or parse_document
        self._ctx = mp.get_context("spawn")
        self._proc: mp.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        """Start the child and wait until it has loaded what it needs, so a file's time limit is its own."""
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_child, args=(child, self.memory_mb, self.parse), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent
        try:
            ready = parent.recv() if parent.poll(STARTUP_TIMEOUT_S) else None
        except (EOFError, OSError):
            ready = None
        if ready != READY:
            self.close(kill=True)
            raise WorkerError(f"the parse worker did not start within {STARTUP_TIMEOUT_S:.0f} s "
                               f"(memory cap {self.memory_mb} MB); check LSCB_PARSE_MEMORY_MB")

    def submit(self, path: Path, meta: DocumentMeta, params: ChunkParams) -> None:
        """Send a file to the child (non-blocking); collect it with `result()`."""
        if self._proc is None or not self._proc.is_alive():
            self._start()
        assert self._conn is not None
        self._conn.send((str(path), meta, params))

    def result(self) -> ParsedDocument | ParseFailure:
        """Wait for the submitted file, killing the child if it overruns its time or dies."""
        assert self._conn is not None and self._proc is not None
        try:
            if self._conn.poll(self.timeout_s):
                result = self._conn.recv()
                if isinstance(result, ParseFailure) and result.restart:
                    self.close(kill=True)  # what the failed parse left allocated goes with the process
                return result
            failure = ParseFailure(f"parsing took longer than {self.timeout_s:.0f} s and was stopped",
                                   "the file may be malformed or loop; check it or raise LSCB_PARSE_TIMEOUT_S")
        except (EOFError, OSError):
            failure = ParseFailure(f"the parser process died (exit code {self._proc.exitcode})",
                                   "the file may be malformed or need too much memory; check it")
        self.close(kill=True)
        return failure

    def close(self, kill: bool = False) -> None:
        if self._proc is None:
            return
        if kill:
            self._proc.kill()
        else:
            try:
                assert self._conn is not None
                self._conn.send(None)
            except OSError:
                pass
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def __enter__(self) -> "ParseWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
