"""The refresh cycle behind the admin page: build a candidate version, show what it changes, publish or discard.

One refresh at a time, in a background thread: `ingest(..., switch=False)` builds a new version beside the
serving one (it holds the store lock, so a CLI `lscb ingest` running at the same moment makes this refresh
fail with the store's message), then the change summary and the gold-set comparison against the serving
version are computed. Nothing is served until `publish()`; `discard()` deletes the candidate (never the
serving version). The running service notices a new `current` through `Services.engine()`.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.admin.changes import ChangeSummary, summarise_changes
from assistant.admin.errors import RefreshConflict
from assistant.config import Settings
from corpus.ingest import IngestReport, ingest
from corpus.manifest import ManifestError
from index.embedder import Embedder
from index.loaded import LoadedIndex
from index.store import IndexManifest, IndexStore, StoreError

log = logging.getLogger("lscb.admin")

State = Literal["idle", "building", "evaluating", "ready", "failed", "published", "discarded"]
BUSY: frozenset[str] = frozenset({"building", "evaluating"})
Build = Callable[..., IngestReport]


class Progress(BaseModel):
    message: str
    done: int
    total: int


class FileOutcome(BaseModel):
    path: str
    document_id: str | None
    status: str
    pages: int = 0
    passages: int = 0
    tables: int = 0
    reason: str | None = None
    advice: str | None = None
    warnings: list[str] = Field(default_factory=list)


class QuestionShift(BaseModel):
    id: str
    question: str
    rank_before: int | None
    rank_after: int | None


class Evaluation(BaseModel):
    """Hybrid retrieval on the gold questions, serving version against the candidate."""

    serving_version: str
    candidate_version: str
    serving: dict[str, float]
    candidate: dict[str, float]
    better: list[QuestionShift]
    worse: list[QuestionShift]
    unchanged: int


class RefreshStatus(BaseModel):
    state: State = "idle"
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    progress: Progress | None = None
    error: str | None = None
    candidate_version: str | None = None
    based_on: str | None = Field(None, description="The version serving when the candidate was built")
    files: list[FileOutcome] = Field(default_factory=list)
    changes: ChangeSummary | None = None
    evaluation: Evaluation | None = None
    evaluation_error: str | None = None
    decided_at: dt.datetime | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class RefreshRunner:
    """Runs one refresh at a time and keeps its status for the page to poll."""

    def __init__(self, settings: Settings, embedder: Embedder, store: IndexStore,
                 open_version: Callable[[str], LoadedIndex], gold_dir: Path | None = None,
                 build: Build = ingest) -> None:
        """`open_version` opens an index version (the service reuses its serving one); `gold_dir` None skips
        the evaluation; `build` is the ingest function (a test may wrap it)."""
        if gold_dir is not None and not Path(gold_dir).is_dir():
            raise ValueError(f"gold set folder {gold_dir} does not exist: pass an existing folder or None")
        self.settings, self.embedder, self.store = settings, embedder, store
        self.open_version, self.gold_dir, self.build = open_version, gold_dir, build
        self._status = RefreshStatus()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def status(self) -> RefreshStatus:
        with self._lock:
            return self._status.model_copy(deep=True)

    def start(self) -> RefreshStatus:
        """Begin a refresh in the background; RefreshConflict while one runs or a candidate awaits a decision."""
        with self._lock:
            current = self._status
            if current.state in BUSY:
                raise RefreshConflict(f"a refresh is already running (started {current.started_at:%H:%M:%S} UTC): "
                                      "wait for it to finish")
            if current.state == "ready":
                raise RefreshConflict(f"version {current.candidate_version} is built and waiting: publish or "
                                      "discard it before starting another refresh")
            self._status = RefreshStatus(state="building", started_at=_now(),
                                         progress=Progress(message="starting", done=0, total=0))
            self._thread = threading.Thread(target=self._run, name="lscb-admin-refresh", daemon=True)
            self._thread.start()
            return self._status.model_copy(deep=True)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the background refresh (used at shutdown and by tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._status = self._status.model_copy(update=changes)

    def _progress(self, message: str, done: int, total: int) -> None:
        self._update(progress=Progress(message=message, done=done, total=total))

    def _fail(self, message: str, files: list[FileOutcome] | None = None) -> None:
        self._update(state="failed", error=message, finished_at=_now(), files=files or [])

    def _run(self) -> None:
        try:
            report = self.build(self.settings, self.embedder, progress=self._progress, switch=False)
        except (StoreError, ManifestError) as exc:
            return self._fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - a background thread: report it on the page, never die silently
            log.exception("refresh failed")
            return self._fail(f"the refresh failed unexpectedly ({type(exc).__name__}: {exc}); see the service log")
        files = [FileOutcome(path=f.path, document_id=f.document_id, status=f.status, pages=f.pages,
                             passages=f.passages, tables=f.tables, reason=f.reason, advice=f.advice,
                             warnings=f.warnings) for f in report.files]
        if not report.usable or report.manifest is None:
            reasons = "; ".join(f"{f.path}: {f.reason}" for f in report.skipped) or "the corpus folder is empty"
            return self._fail(f"nothing usable was indexed ({reasons}); the serving version is unchanged", files)
        candidate = report.manifest
        self._update(state="evaluating", candidate_version=candidate.version, based_on=candidate.previous,
                     files=files, progress=Progress(message="comparing with the serving version", done=0, total=1))
        try:
            changes = summarise_changes(self._manifest(candidate.previous), candidate)
        except Exception as exc:  # noqa: BLE001 - the candidate is built; say why the summary is missing
            log.exception("change summary failed")
            return self._fail(f"version {candidate.version} was built but could not be summarised ({exc}): "
                              "discard it with `lscb index status` / the versions list")
        evaluation, evaluation_error = self._evaluate(candidate)
        self._update(state="ready", changes=changes, evaluation=evaluation, evaluation_error=evaluation_error,
                     finished_at=_now(), progress=Progress(message="ready to publish or discard", done=1, total=1))

    def _manifest(self, version: str | None) -> IndexManifest | None:
        if version is None:
            return None
        try:
            return self.store.read_manifest(version)
        except StoreError:
            return None

    def _evaluate(self, candidate: IndexManifest) -> tuple[Evaluation | None, str | None]:
        if self.gold_dir is None:
            return None, "no gold set configured: the evaluation was not run"
        if candidate.previous is None:
            return None, "there is no serving version to compare with (this is the first build)"
        try:
            from evaluation.run import compare

            result = compare(self.settings, self.open_version(candidate.previous),
                             self.open_version(candidate.version), self.embedder, self.gold_dir)
        except Exception as exc:  # noqa: BLE001 - the comparison is advice: show why it is missing, keep the build
            log.exception("evaluation against the serving version failed")
            return None, f"the evaluation could not run ({type(exc).__name__}: {exc})"

        def shifts(rows: list[tuple[str, str, int | None, int | None]]) -> list[QuestionShift]:
            return [QuestionShift(id=q, question=text, rank_before=a, rank_after=b) for q, text, a, b in rows]

        return Evaluation(serving_version=result.serving, candidate_version=result.candidate,
                          serving=result.serving_summary, candidate=result.candidate_summary,
                          better=shifts(result.better), worse=shifts(result.worse), unchanged=result.unchanged), None

    def _ready(self) -> RefreshStatus:
        status = self._status
        if status.state != "ready" or status.candidate_version is None:
            raise RefreshConflict(f"there is no built version waiting (the refresh is {status.state}): "
                                  "start a refresh first")
        return status

    def publish(self) -> RefreshStatus:
        """Serve the candidate, if the serving version is still the one it was built and compared against."""
        with self._lock:
            status = self._ready()
            with self.store.lock():
                serving = self.store.current_version()
                if serving != status.based_on:
                    raise RefreshConflict(f"the serving version changed to {serving} after this refresh was built "
                                          f"on {status.based_on}: discard it and refresh again")
                self.store.switch(status.candidate_version)
            self._status = status.model_copy(update={"state": "published", "decided_at": _now()})
            log.info("admin published index version %s (was %s)", status.candidate_version, serving)
            return self._status.model_copy(deep=True)

    def discard(self) -> RefreshStatus:
        """Delete the candidate version's folder; refuses if it is (somehow) the serving version."""
        with self._lock:
            status = self._ready()
            version = status.candidate_version
            with self.store.lock():
                if version == self.store.current_version():
                    raise RefreshConflict(f"version {version} is serving: roll back instead of discarding it")
                directory = self.store.version_dir(version)
                if directory.parent != self.store.versions_dir or version.startswith(".") or "/" in version:
                    raise RefreshConflict(f"refusing to delete {directory}: not an index version folder")
                if directory.is_dir():
                    shutil.rmtree(directory)
            self._status = status.model_copy(update={"state": "discarded", "decided_at": _now()})
            log.info("admin discarded index version %s", version)
            return self._status.model_copy(deep=True)

    def rollback(self) -> str:
        """Serve the version before the current one (under the store lock); returns it."""
        with self._lock:
            if self._status.state in BUSY:
                raise RefreshConflict("a refresh is running: wait for it to finish before rolling back")
            with self.store.lock():
                target = self.store.rollback()
            log.info("admin rolled back to index version %s", target)
            return target
