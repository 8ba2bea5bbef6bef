"""What the routes share: the serving engine (swapped when the index version changes), history, settings.

The engine is replaced as a whole, never mutated: a request takes one engine reference and answers from it,
so every answer carries exactly one corpus version even while an index switch happens.
"""

from __future__ import annotations

import logging
import threading
import time

from assistant.config import Settings
from assistant.conversation import ConversationStore
from assistant.engine import AnswerEngine
from assistant.history import History
from assistant.runtime import build_embedder, engine_options, open_index, retriever_options
from index.embedder import Embedder
from index.retriever import HybridRetriever
from index.store import IndexStore, StoreError

log = logging.getLogger("lscb.service")


class Services:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, check_every_s: float = 1.0) -> None:
        self.settings = settings
        self.embedder = embedder or build_embedder(settings)
        self.store = IndexStore(settings.index_root)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.history = History(settings.history_path, settings.history_retention_days)
        self.conversations = ConversationStore(settings.conversations_path,
                                               idle_seconds=settings.conversation_idle_minutes * 60,
                                               max_turns=settings.conversation_max_turns)
        self._engine: AnswerEngine | None = None
        self._lock = threading.Lock()
        self._checked = 0.0
        self.check_every_s = check_every_s

    def warm_up(self) -> None:
        """Load the model and the serving index; raises StoreError when there is no index yet."""
        self.embedder.warm_up()
        self._engine = self._open()

    def _open(self) -> AnswerEngine:
        index = open_index(self.settings)
        retriever = HybridRetriever(index, self.embedder, **retriever_options(self.settings))
        engine = AnswerEngine(retriever, engine_options(self.settings), conversations=self.conversations)
        engine.warm_up()
        log.info("serving index version %s (%d passages)", index.version, len(index.passages))
        return engine

    @property
    def ready(self) -> bool:
        return self._engine is not None

    def engine(self) -> AnswerEngine:
        """The engine for the serving version, reopened when `current` has moved (publish, rollback)."""
        now = time.monotonic()
        if self._engine is not None and now - self._checked < self.check_every_s:
            return self._engine
        with self._lock:
            self._checked = now
            try:
                current = self.store.current_version()
            except StoreError:
                current = None
            if self._engine is None or (current and current != self._engine.corpus_version):
                try:
                    self._engine = self._open()
                except StoreError:
                    if self._engine is None:
                        raise
                    log.exception("index version %s could not be opened; still serving %s", current,
                                  self._engine.corpus_version)
            return self._engine

    def housekeeping(self) -> None:
        """Purge expired conversations and history past its retention."""
        self.conversations.purge()
        self.history.purge()

    def close(self) -> None:
        self.history.close()
        self.conversations.close()
