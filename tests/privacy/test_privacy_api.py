"""Questions full of personal details through the HTTP API on a real uvicorn server: the answers still work, and
none of the details is written to a log line, the history, the conversations or anything the service exposes.

Each generated question (tests/privacy_samples.py: a name after a cue, a valid NHS number, a postcode, a phone
number, an email address and a date of birth) goes to POST /api/ask, every fourth one gets a follow-up in its
conversation, and the same text goes to GET /api/search?q=, GET /api/indicators?q= and, as a comment, to
POST /api/feedback. All of it runs inside a capture of every logger at every level (uvicorn at TRACE, the app's
JSON access log "lscb.access", the libraries), plus stdout and stderr. The server runs as `lscb serve` runs it:
uvicorn's own access log off, the app's redacted one on. The history and conversation databases are read as
raw bytes (main file, -wal and -shm) while the server runs and again after it stops.

The service exposes no metrics endpoint: /metrics is checked to be absent, and what it does expose about
itself (/ready, /health, /api/documents, /openapi.json) is searched instead.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from click.testing import CliRunner

from assistant.api.app import create_app
from assistant.api.services import Services
from index.embedder import HashingEmbedder
from log_capture import Captured, capture_all_logs, leaks_in
from privacy_corpus import (QUESTIONS, QUESTIONS_SEED, as_text, assert_no_secret_in_stores, check_answer, every_file,
                            indexed_settings, serve_like_production, store_files)
from privacy_samples import PrivateQuestion, generate_private_questions

FOLLOW_UP = "and the year before?"


@dataclass
class ApiRun:
    settings: object
    questions: list[PrivateQuestion]
    logs: Captured
    statuses: Counter = field(default_factory=Counter)
    failures: list[tuple[str, int, int, str]] = field(default_factory=list)
    asked: int = 0
    answered: int = 0
    abstained: int = 0
    running: dict[str, bytes] = field(default_factory=dict)
    closed: dict[str, bytes] = field(default_factory=dict)
    data_files: dict[str, bytes] = field(default_factory=dict)
    exposed: dict[str, str] = field(default_factory=dict)
    routes: list[str] = field(default_factory=list)


def route_paths(app) -> list[str]:
    """Every path the app serves, through included routers (FastAPI 0.16x wraps them)."""
    paths = []
    for route in app.routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        paths += [getattr(r, "path", "") for r in inner] if inner is not None else [getattr(route, "path", "")]
    return sorted(paths)


def _record(run: ApiRun, endpoint: str, k: int, response: httpx.Response) -> bool:
    run.statuses[(endpoint, response.status_code)] += 1
    if response.status_code != 200:
        run.failures.append((endpoint, k, response.status_code, response.text[:300]))
    return response.status_code == 200


@pytest.fixture(scope="module")
def api_run(tmp_path_factory) -> ApiRun:
    settings = indexed_settings(tmp_path_factory.mktemp("privacy-api"))
    questions = generate_private_questions(QUESTIONS, QUESTIONS_SEED)
    with capture_all_logs() as logs:
        run = ApiRun(settings, questions, logs)
        services = Services(settings, HashingEmbedder())
        app = create_app(settings, services)
        run.routes = route_paths(app)
        with serve_like_production(app, on_config=logs.reopen) as url, \
                httpx.Client(base_url=url, timeout=60) as client:
            documents = services.engine().index.documents
            for k, q in enumerate(questions):
                response = client.post("/api/ask", json={"question": q.text})
                run.asked += 1
                if _record(run, "POST /api/ask", k, response):
                    answer = check_answer(response.json(), documents)
                    run.answered += 1
                    run.abstained += answer.abstained
                    if k % 4 == 0:
                        follow = client.post("/api/ask", json={"question": FOLLOW_UP,
                                                               "conversation_id": answer.conversation_id})
                        run.asked += 1
                        if _record(run, "POST /api/ask (follow-up)", k, follow):
                            check_answer(follow.json(), documents)
                    feedback = client.post("/api/feedback", json={
                        "answer_id": answer.answer_id, "helpful": k % 2 == 0,
                        "comment": f"wrong for my case: {q.text}"[:2000]})
                    if _record(run, "POST /api/feedback", k, feedback):
                        assert feedback.json() == {"recorded": True}
                search = client.get("/api/search", params={"q": q.text, "k": 3})
                if _record(run, "GET /api/search", k, search):
                    assert all({"document_id", "section", "text", "url"} <= set(h) for h in search.json())
                indicators = client.get("/api/indicators", params={"q": q.text})
                if _record(run, "GET /api/indicators", k, indicators):
                    assert {"series_id", "records", "score"} <= set(indicators.json())
            for path in ("/metrics", "/ready", "/health", "/api/documents", "/openapi.json"):
                response = client.get(path)
                run.exposed[path] = f"{response.status_code} {response.text}"
            run.running = store_files(settings.data_dir)
        run.closed = store_files(settings.data_dir)
        run.data_files = every_file(settings.data_dir)
    return run


def test_every_request_gets_200_and_every_answer_keeps_its_contract(api_run):
    assert api_run.failures == []
    n = len(api_run.questions)
    for endpoint in ("POST /api/ask", "GET /api/search", "GET /api/indicators", "POST /api/feedback"):
        assert api_run.statuses[(endpoint, 200)] == n, endpoint
    assert api_run.statuses[("POST /api/ask (follow-up)", 200)] == (n + 3) // 4
    assert api_run.answered == n


def test_no_secret_in_any_log_line_at_debug_or_above(api_run):
    assert "lscb.access" in api_run.logs.loggers()  # the capture did see the app's access log ...
    assert any(line.logger.startswith("uvicorn") for line in api_run.logs.lines)  # ... and uvicorn's own
    assert leaks_in(api_run.questions, api_run.logs.text(min_level=logging.DEBUG)) == {}


def test_below_debug_only_uvicorns_asgi_trace_shows_the_query_string(api_run):
    """`--log-level trace` makes uvicorn.asgi print each request's scope, query string included: a debugging
    switch of uvicorn's own, off in `lscb serve` (info). Nothing else below DEBUG may carry a secret."""
    leaking = {line.logger for line in api_run.logs.service_lines() if line.level < logging.DEBUG
               and leaks_in(api_run.questions, line.text)}
    assert leaking <= {"uvicorn.asgi"}


def test_the_access_log_keeps_the_shape_of_each_query(api_run):
    access = [line.text for line in api_run.logs.lines if line.logger == "lscb.access"]
    searches = [line for line in access if '"path": "/api/search"' in line]
    assert len(searches) == len(api_run.questions)
    assert all("%5Bname%5D" in line or "%5Bemail%5D" in line for line in searches)


@pytest.mark.parametrize("when", ["running", "closed"])
def test_no_secret_in_the_history_or_conversation_files(api_run, when):
    assert_no_secret_in_stores(api_run, when)


def test_no_secret_in_any_file_the_service_wrote(api_run):
    assert leaks_in(api_run.questions, as_text(api_run.data_files)) == {}


def test_the_history_holds_every_question_redacted_and_every_comment(api_run):
    con = sqlite3.connect(api_run.settings.history_path)
    try:
        questions = [row[0] for row in con.execute("SELECT question FROM queries")]
        comments = [row[0] for row in con.execute("SELECT comment FROM feedback")]
    finally:
        con.close()
    assert len(questions) == api_run.asked and len(comments) == len(api_run.questions)
    placeholders = ("[name]", "[nhs-number]", "[postcode]", "[phone]", "[email]", "[date]")
    originals = [q for q in questions if q != FOLLOW_UP]
    assert all(sum(p in q for p in placeholders) >= 4 for q in originals)  # still useful for analytics
    assert all(c.startswith("wrong for my case: ") and "[email]" in c for c in comments)


def test_the_service_exposes_no_metrics_and_nothing_it_exposes_holds_a_secret(api_run):
    assert "/api/ask" in api_run.routes and "/admin/api/documents" in api_run.routes
    assert not [r for r in api_run.routes if "metric" in r.lower() or "stats" in r.lower()]
    assert api_run.exposed["/metrics"].startswith("404 ")
    assert leaks_in(api_run.questions, "\n".join(api_run.exposed.values())) == {}


# ---------------------------------------------------------------------------------------------------------
# How the server is started
# ---------------------------------------------------------------------------------------------------------


def test_lscb_serve_turns_uvicorns_raw_access_log_off(tmp_path, monkeypatch):
    """uvicorn's own access log prints the path with its query string (?q= carries the question), unredacted."""
    import uvicorn

    from assistant.cli import main

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setenv("LSCB_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("LSCB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    ((args, kwargs),) = calls
    assert args == ("assistant.api.main:build",) and kwargs["access_log"] is False


def test_uvicorn_run_directly_on_the_factory_writes_no_raw_query_string(tmp_path, monkeypatch):
    import uvicorn

    from api_server import free_port, running

    settings = indexed_settings(tmp_path)
    monkeypatch.setenv("LSCB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("LSCB_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LSCB_EMBEDDER", "hashing")
    monkeypatch.chdir(tmp_path)
    questions = generate_private_questions(5, QUESTIONS_SEED + 1)
    with capture_all_logs() as logs:
        # What `uvicorn --factory assistant.api.main:build --port N` builds: uvicorn's defaults throughout, its
        # logging config included (handlers writing to stdout and stderr, which the capture redirects; levels as
        # uvicorn sets them, so no re-opening here).
        config = uvicorn.Config("assistant.api.main:build", factory=True, host="127.0.0.1", port=free_port())
        with running(config) as url, httpx.Client(base_url=url, timeout=60) as client:
            for q in questions:
                assert client.get("/api/search", params={"q": q.text}).status_code == 200
    assert leaks_in(questions, logs.text(min_level=logging.DEBUG)) == {}

