"""Run `lscb` with one fault injected at a named point of an index refresh.

    python tests/faults/kill_at.py POINT ACTION TRACE_DIR [LSCB ARGS…]   (default LSCB ARGS: ingest --json)

ACTION is `kill` (SIGKILL this process at the point), `enospc` (raise there the disk-full error the writer at that
point raises on a full disk, leaving its file half-written where it writes one) or `pause` (write
TRACE_DIR/reached, wait for TRACE_DIR/release, carry on). Settings come from the LSCB_* variables, as for `lscb`.
TRACE_DIR/reached names the point once it is reached; TRACE_DIR/workers gets the pid of every parse worker
started, so a test can check none outlives this process.

The same points are installed in-process by the disk-full tests (`install(point, fire, set_attr)`), with
pytest's `monkeypatch.setattr`, so both paths inject exactly the same faults.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Fire = Callable[["Point", "str | None"], None]
SetAttr = Callable[[object, str, object], None]


def _disk_full(path: str | None = None) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


def _sqlite_full(_: str | None = None) -> sqlite3.OperationalError:
    return sqlite3.OperationalError("database or disk is full")


def _faiss_full(path: str | None = None) -> RuntimeError:
    # What faiss.write_index raises when write(2) fails with ENOSPC (seen on a full tmpfs).
    return RuntimeError(f"Error in void faiss::write_index(const Index*, IOWriter*, int): 'ret == (size * 4)' "
                        f"failed: write error in {path}: 0 != 4096 (No space left on device)")


@dataclass(frozen=True)
class Point:
    """A place in the refresh where a fault is injected.

    `owner`/`attr` name the callable wrapped (a dotted module path, then an attribute path inside it); `when` is
    `before` the call, `after` it returns, or `torn` (the call writes its file, which is then cut to half its
    length, as a write interrupted half-way leaves it; `path_arg` picks the file from the call's arguments).
    `nth` counts only calls that `match` accepts. `error` is what that call raises when the disk is full.
    `scenario` is what changed in the corpus since the serving version: `added` (two new documents, so the
    refresh parses and embeds) or `removed` (one document deleted, so it only writes). `serves` says which
    version must be serving after a kill there: the `old` one, or the `new` one (the switch had happened).
    """

    name: str
    doing: str
    owner: str
    attr: str
    when: str = "before"
    nth: int = 1
    match: Callable[..., bool] | None = None
    path_arg: Callable[..., str] | None = None
    scenario: str = "removed"
    serves: str = "old"
    error: Callable[[str | None], BaseException] = _disk_full


def _named(name: str, position: int = 0) -> Callable[..., bool]:
    """Match calls whose path argument (at `position`) ends in `name`."""
    return lambda *args, **kwargs: len(args) > position and str(args[position]).endswith(name)


def _arg(position: int) -> Callable[..., str]:
    return lambda *args, **kwargs: str(args[position])


def _staged_rename(*args: Any, **kwargs: Any) -> bool:
    return Path(str(args[0])).name.startswith(".tmp-")


def _link_swap(*args: Any, **kwargs: Any) -> bool:
    return Path(str(args[0])).name == ".current.tmp"


def _version_folder(*args: Any, **kwargs: Any) -> bool:
    path = Path(str(args[0]))
    return path.parent.name == "versions" and not path.name.startswith(".")


POINTS: tuple[Point, ...] = (
    Point("lock-taken", "the build lock has just been taken", "fcntl", "flock", when="after"),
    Point("reading-serving-version", "reading the serving version's vectors for reuse", "corpus.ingest",
          "load_vectors"),
    Point("parse-worker-started", "the parse worker has started on the first new file", "corpus.worker",
          "ParseWorker.submit", when="after", scenario="added"),
    Point("parsing-file-1", "waiting for the worker to parse the first new file", "corpus.worker",
          "ParseWorker.result", scenario="added"),
    Point("parsing-file-2", "the second file parsing while the first one's passages were embedded",
          "corpus.worker", "ParseWorker.result", nth=2, scenario="added"),
    Point("embedding-batch-1", "embedding the first batch of passages", "index.embedder",
          "HashingEmbedder.embed_batch", scenario="added"),
    Point("embedding-batch-3", "embedding a later batch (the next file already parsing)", "index.embedder",
          "HashingEmbedder.embed_batch", nth=3, scenario="added"),
    Point("corpus-db-half-written", "writing corpus.sqlite: documents inserted, passages not, nothing committed",
          "sqlite3", "Connection.executemany", match=lambda _con, sql, *a, **k: "INTO passages" in sql,
          error=_sqlite_full),
    Point("corpus-db-torn", "corpus.sqlite written but cut short", "index.builder", "write_corpus_db",
          when="torn", path_arg=_arg(0), error=_sqlite_full),
    Point("indicators-torn", "writing indicators.sqlite (cut short)", "index.builder", "write_store",
          when="torn", path_arg=_arg(0), error=_sqlite_full),
    Point("vectors-npy-torn", "writing vectors.npy (torn half-way)", "numpy", "save", when="torn",
          match=_named("vectors.npy"), path_arg=_arg(0)),
    Point("dense-faiss-torn", "writing dense.faiss (torn half-way)", "faiss", "write_index", when="torn",
          match=_named("dense.faiss", 1), path_arg=_arg(1), error=_faiss_full),
    Point("unit-offsets", "units.npy written, unit_offsets.npy not yet", "numpy", "save",
          match=_named("unit_offsets.npy")),
    Point("units-faiss-torn", "writing units.faiss (torn half-way)", "faiss", "write_index", when="torn",
          match=_named("units.faiss", 1), path_arg=_arg(1), error=_faiss_full),
    Point("bm25-torn", "saving the BM25 index (indices array torn half-way)", "numpy", "save", when="torn",
          match=_named("indices.csc.index.npy"), path_arg=_arg(0)),
    Point("before-checksums", "every data file written, checksums and manifest not yet", "index.store",
          "tree_checksums"),
    Point("manifest-torn", "writing manifest.json (torn half-way)", "pathlib", "Path.write_text", when="torn",
          match=_named("manifest.json"), path_arg=_arg(0)),
    Point("fsync", "manifest written, fsync of the staged folder not yet done", "index.store", "fsync_tree"),
    Point("before-rename", "sealed and fsynced, not yet renamed into versions/", "os", "replace",
          match=_staged_rename),
    Point("after-rename", "renamed into versions/, not yet opened, checked or switched", "os", "replace",
          when="after", match=_staged_rename),
    Point("after-open-check", "opened and checked, not yet switched", "index.builder", "LoadedIndex",
          when="after"),
    Point("switch-verify", "switching: re-verifying the checksums", "index.store", "IndexStore.verify"),
    Point("switch-link", "switching: about to make the new link beside `current`", "os", "symlink"),
    Point("switch-link-made", "switching: new link made beside `current`, not swapped in", "os", "symlink",
          when="after"),
    Point("switched-not-fsynced", "`current` swapped, its folder not yet fsynced", "os", "replace", when="after",
          match=_link_swap, serves="new"),
    Point("before-prune", "switched; about to prune old versions", "index.store", "IndexStore.prune",
          serves="new"),
    Point("prune-half-way", "pruning: an old version half deleted", "shutil", "rmtree", when="torn",
          match=_version_folder, path_arg=_arg(0), serves="new"),
)
BY_NAME = {p.name: p for p in POINTS}


def _resolve(point: Point) -> tuple[object, str]:
    import importlib

    owner: object = importlib.import_module(point.owner)
    *parents, attr = point.attr.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, attr


def _tear(path: Path) -> None:
    """Leave `path` as a write interrupted half-way would: a file cut to half, or a folder missing a file."""
    if path.is_dir():  # a version folder being deleted: rmtree got as far as one file
        first = next((p for p in sorted(path.rglob("*")) if p.is_file()), None)
        if first is not None:
            first.unlink()
    elif path.exists():
        os.truncate(path, path.stat().st_size // 2)


def install(point: Point, fire: Fire, set_attr: SetAttr = setattr) -> None:
    """Wrap the point's callable so that its `nth` matching call fires the fault (`fire(point, path torn)`)."""
    owner, attr = _resolve(point)
    if owner is sqlite3.Connection:  # a C type: its methods cannot be replaced, connections are made through ours
        _install_connection(point, fire, set_attr)
        return
    real = getattr(owner, attr)
    calls = 0

    def faulty(*args: Any, **kwargs: Any) -> Any:
        if point.when == "before":
            fire(point, None)
            return real(*args, **kwargs)
        target = Path(point.path_arg(*args, **kwargs)) if point.when == "torn" and point.path_arg else None
        if target is not None and target.is_dir():  # a folder being deleted: rmtree got as far as one file
            _tear(target)
            fire(point, str(target))
            return real(*args, **kwargs)
        result = real(*args, **kwargs)
        if target is not None:
            _tear(target)
        fire(point, None if target is None else str(target))
        return result

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        if point.match is None or point.match(*args, **kwargs):
            calls += 1
            if calls == point.nth:
                return faulty(*args, **kwargs)
        return real(*args, **kwargs)

    set_attr(owner, attr, wrapper)


class _CountingConnection(sqlite3.Connection):
    """A sqlite3 connection whose executemany can fire a fault (sqlite3.Connection's methods cannot be patched)."""

    hook: Callable[..., None] | None = None

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if _CountingConnection.hook is not None:
            _CountingConnection.hook(self, sql, rows)
        return super().executemany(sql, rows)


def _install_connection(point: Point, fire: Fire, set_attr: SetAttr) -> None:
    calls = 0

    def hook(con: sqlite3.Connection, sql: str, rows: Any) -> None:
        nonlocal calls
        if point.match is None or point.match(con, sql, rows):
            calls += 1
            if calls == point.nth:
                fire(point, None)

    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs.setdefault("factory", _CountingConnection)
        return real_connect(*args, **kwargs)

    set_attr(_CountingConnection, "hook", staticmethod(hook))
    set_attr(sqlite3, "connect", connect)


def _reached(trace: Path, point: Point) -> None:
    (trace / "reached").write_text(point.name)


def firing(action: str, trace: Path) -> Fire:
    """The fault for `action`: SIGKILL, the writer's disk-full error, or a pause until TRACE/release exists."""

    def kill(point: Point, path: str | None) -> None:
        _reached(trace, point)
        os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(60)  # never reached: SIGKILL cannot be caught

    def enospc(point: Point, path: str | None) -> None:
        _reached(trace, point)
        raise point.error(path)

    def pause(point: Point, path: str | None) -> None:
        _reached(trace, point)
        deadline = time.monotonic() + 120
        while not (trace / "release").exists():
            if time.monotonic() > deadline:
                raise SystemExit("kill_at: never released")
            time.sleep(0.01)

    return {"kill": kill, "enospc": enospc, "pause": pause}[action]


def record_workers(trace: Path) -> None:
    """Append the pid of every parse worker started to TRACE/workers."""
    from corpus.worker import ParseWorker

    real = ParseWorker._start

    def start(self: ParseWorker) -> None:
        real(self)
        with (trace / "workers").open("a") as handle:
            handle.write(f"{self._proc.pid}\n")

    ParseWorker._start = start  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] not in BY_NAME or argv[1] not in ("kill", "enospc", "pause"):
        raise SystemExit(f"usage: kill_at.py POINT kill|enospc|pause TRACE_DIR [LSCB ARGS…]\n"
                         f"points: {', '.join(BY_NAME)}")
    point, action, trace = BY_NAME[argv[0]], argv[1], Path(argv[2])
    trace.mkdir(parents=True, exist_ok=True)
    record_workers(trace)
    install(point, firing(action, trace))
    from assistant.cli import main as lscb

    lscb(argv[3:] or ["ingest", "--json"], prog_name="lscb")


if __name__ == "__main__":
    main(sys.argv[1:])
