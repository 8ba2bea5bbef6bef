"""Capture every log record from every logger at every level, and everything written to sys.stdout/stderr.

`capture_all_logs()` lowers the root logger to level 1 (below DEBUG and uvicorn's TRACE), clears the level of
every logger that exists (so each inherits level 1), re-enables disabled ones, routes `warnings` through
logging, and adds one handler to the root and to every logger that does not propagate but has handlers of its
own (one with neither writes nothing in production, and adding a handler would switch it on). Each record is kept
formatted in full: logger name, level, thread, message with its arguments, exception text, stack and any extra
attributes a formatter could print. Everything is restored when the block ends. Call `reopen()` after
something reconfigures logging inside the block (uvicorn's default config does).

`Captured.text(min_level, exclude_client)` gives the lines to search; `exclude_client` leaves out what the
test's own HTTP client (httpx, httpcore, in the thread that runs the test) logs about its requests: those
lines are the test's, not the service's.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

_STANDARD = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}
CLIENT_LOGGERS = ("httpx", "httpcore")


@dataclass(frozen=True)
class Line:
    logger: str
    level: int
    thread: int
    text: str


class _Everything(logging.Handler):
    def __init__(self, sink: list[Line]) -> None:
        super().__init__(level=1)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s [%(threadName)s] %(message)s"))
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception as exc:  # noqa: BLE001 - a record that cannot be formatted is kept raw
            text = f"{record.name} UNFORMATTABLE {record.msg!r} {record.args!r} ({exc})"
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extras:
            text += f" extras={extras!r}"
        with self._guard:
            self.sink.append(Line(record.name, record.levelno, record.thread or 0, text))


@dataclass
class Captured:
    lines: list[Line] = field(default_factory=list)
    stdout: io.StringIO = field(default_factory=io.StringIO)
    stderr: io.StringIO = field(default_factory=io.StringIO)
    test_thread: int = field(default_factory=threading.get_ident)
    reopen: Callable[[], None] = lambda: None

    def service_lines(self, min_level: int = 1, exclude_client: bool = True) -> list[Line]:
        return [line for line in self.lines if line.level >= min_level
                and not (exclude_client and line.thread == self.test_thread
                         and line.logger.startswith(CLIENT_LOGGERS))]

    def text(self, min_level: int = 1, exclude_client: bool = True) -> str:
        """The service's log lines at `min_level` or above, then whatever reached stdout and stderr."""
        lines = "\n".join(line.text for line in self.service_lines(min_level, exclude_client))
        return f"{lines}\n{self.stdout.getvalue()}\n{self.stderr.getvalue()}"

    def loggers(self) -> set[str]:
        return {line.logger for line in self.lines}


@contextlib.contextmanager
def capture_all_logs() -> Iterator[Captured]:
    captured = Captured()
    handler = _Everything(captured.lines)
    root = logging.getLogger()
    saved_root = root.level
    saved: dict[str, tuple[int, bool, bool]] = {}
    extra_handled: list[logging.Logger] = []

    def open_up() -> None:
        for name, logger in list(logging.Logger.manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            if name not in saved:
                saved[name] = (logger.level, logger.disabled, logger.propagate)
            logger.setLevel(logging.NOTSET)
            logger.disabled = False
            # A logger that neither propagates nor has a handler is silenced on purpose (uvicorn's access log
            # under access_log=False, which uvicorn then skips because it has no handler): leave it so.
            if not logger.propagate and logger.handlers and handler not in logger.handlers:
                logger.addHandler(handler)
                extra_handled.append(logger)

    root.setLevel(1)
    root.addHandler(handler)
    logging.captureWarnings(True)
    open_up()
    captured.reopen = open_up
    try:
        with contextlib.redirect_stdout(captured.stdout), contextlib.redirect_stderr(captured.stderr):
            yield captured
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(saved_root)
        for logger in extra_handled:
            logger.removeHandler(handler)
        for name, (level, disabled, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.disabled = disabled
            logger.propagate = propagate


def leaks_in(questions, text: str) -> dict[int, list[str]]:
    """{question index: secrets found} in `text` as written and URL-decoded (a query string in a log line).

    Name words of one or two letters (the particle in "da Silva") are not searched alone: "da" turns up in any
    binary file and in random ids. The full name ("da Silva") and its longer words still are.
    """
    from urllib.parse import unquote_plus

    found = {}
    for version in (text, unquote_plus(text)):
        lowered = version.lower()
        for k, question in enumerate(questions):
            # a cheap substring test first; `leaks` then matches names as whole words
            if any(s in version for s in question.secrets) or any(n.lower() in lowered for n in question.names):
                hits = [h for h in question.leaks(version) if len(h) > 2]
                if hits:
                    found[k] = sorted(set(found.get(k, [])) | set(hits))
    return found
