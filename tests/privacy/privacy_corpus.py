"""What the privacy tests share: the tiny corpus indexed once, a uvicorn server configured like `lscb serve`,
the raw bytes of every file the service writes, and the checks that an answer keeps its contract.

No conftest.py here (so `from conftest import ...` keeps meaning tests/conftest.py), as in tests/slack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from api_server import free_port, running
from log_capture import leaks_in
from assistant.contract import Answer
from conftest import make_settings
from corpus.ingest import ingest
from index.embedder import HashingEmbedder
from samples import MANIFEST, NEW_EDITION, OLD_EDITION, REPORT

QUESTIONS_SEED = 20240601
QUESTIONS = 500  # what issue 8 asks for; every run (make test) uses all of them


def indexed_settings(root: Path, **overrides):
    """Settings over the three-document corpus of tests/samples.py, ingested with the hashing embedder."""
    settings = make_settings(root, abstain_min_strength=0.3, ask_rate_per_minute=1_000_000, **overrides)
    for name, text in {"corpus.toml": MANIFEST, "thresholds-2015.md": OLD_EDITION,
                       "thresholds-2018.md": NEW_EDITION, "annual-report.md": REPORT}.items():
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")
    assert ingest(settings, HashingEmbedder()).usable
    return settings


@contextmanager
def serve_like_production(app: FastAPI, access_log: bool = False, on_config=None) -> Iterator[str]:
    """uvicorn as `lscb serve` runs it (access_log=False), but logging at TRACE through the root logger.

    `log_config=None` leaves logging to the test's capture (uvicorn's records propagate to the root);
    `on_config` is called once uvicorn has set its loggers' levels, to re-open them for the capture.
    """
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_config=None, log_level="trace",
                            access_log=access_log, lifespan="on", timeout_graceful_shutdown=5)
    if on_config is not None:
        on_config()
    with running(config) as url:
        yield url


def store_files(data_dir: Path) -> dict[str, bytes]:
    """Raw bytes of every SQLite file the service keeps beside the index (main file, -wal, -shm, journals)."""
    return {p.name: p.read_bytes() for p in sorted(Path(data_dir).glob("*.sqlite*")) if p.is_file()}


def every_file(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Raw bytes of every file under `root`, by relative path (folders named in `skip` left out)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(Path(root).rglob("*"))
            if p.is_file() and not any(part in skip for part in p.relative_to(root).parts)}


_TEXT_RUN = re.compile(r"[^\x00-\x1f\x7f\ufffd]{4,}")


def as_text(files: dict[str, bytes]) -> str:
    """The text in raw files, as `strings` would show it: runs of four or more printable characters (UTF-8), one
    per line. Text SQLite stores is contiguous, so it survives whole; binary noise between control bytes that
    happens to spell a short name ("\x0fDa\x01") does not."""
    return "\n".join(f"== {name}\n" + "\n".join(_TEXT_RUN.findall(data.decode("utf-8", "replace")))
                     for name, data in files.items())


def check_answer(data: dict, documents: dict) -> Answer:
    """The contract holds: it parses, every [n] has its citation, and every quote is at start:end of its source."""
    answer = Answer.model_validate(data)
    assert answer.answer.strip() and answer.answer_id and answer.corpus_version
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
        assert documents[citation.document_id].text[citation.start:citation.end] == citation.quote
    return answer


def assert_no_secret_in_stores(run, when: str, wal: bool = True) -> None:
    """The conversation and history files, as `run` captured them while running or once closed, hold no secret
    of `run.questions` (while running, the write-ahead logs are checked too)."""
    files = getattr(run, when)
    assert {"conversations.sqlite", "history.sqlite"} <= set(files)
    if wal and when == "running":
        assert {"conversations.sqlite-wal", "history.sqlite-wal"} <= set(files)
    assert leaks_in(run.questions, as_text(files)) == {}
